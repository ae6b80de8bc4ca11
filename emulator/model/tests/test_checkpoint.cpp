// Checkpoints round-trip bit for bit, a loaded model computes exactly what the saved one
// did, and resuming with optimizer state continues the run as if never interrupted.
#include <dirent.h>
#include <unistd.h>

#include "emu_model/checkpoint.h"
#include "test_support.h"

using namespace emu_test;

namespace {

AdamParams adam() {
  AdamParams p;
  p.learning_rate = 0.02;
  p.weight_decay = 0.01;
  p.grad_clip_norm = 5.0;
  return p;
}

std::vector<Datum> batch(uint32_t seed) {
  return {next_token_datum(token_sequence(30, 32, seed)),
          next_token_datum(token_sequence(17, 32, seed + 1))};
}

void train(Model* m, int steps, uint32_t first_seed) {
  ForwardBackwardResult r;
  Metrics metrics;
  for (int i = 0; i < steps; ++i) {
    EMU_ASSERT_OK(m->forward_backward(batch(first_seed + i), "cross_entropy", {}, &r));
    EMU_ASSERT_OK(m->optim_step(adam(), &metrics));
  }
}

std::vector<double> adam_moments(Model* m) {
  std::vector<double> out;
  for (size_t i = 0; i < m->num_parameter_tensors(); ++i) {
    ParameterView p = m->parameter(i);
    out.insert(out.end(), p.adam_m, p.adam_m + p.rows * p.cols);
    out.insert(out.end(), p.adam_v, p.adam_v + p.rows * p.cols);
  }
  return out;
}

std::unique_ptr<Model> trained_model(int steps) {
  ModelConfig c = small_config();
  c.lora.seed = 42;
  auto m = make_model(c);
  train(m.get(), steps, 1);
  return m;
}

void checkpoint_round_trip_is_bit_identical(void**) {
  auto m = trained_model(3);
  std::string bytes;
  EMU_ASSERT_OK(m->save_checkpoint(true, &bytes));
  std::unique_ptr<Model> loaded;
  EMU_ASSERT_OK(Model::create_from_checkpoint(bytes, true, &loaded));
  assert_true(same_bits(snapshot_parameters(m.get()), snapshot_parameters(loaded.get())));
  assert_true(same_bits(adam_moments(m.get()), adam_moments(loaded.get())));
  assert_int_equal(loaded->optimizer_step_count(), 3);
  assert_int_equal(*loaded->config().lora.seed, 42);
  std::string again;
  EMU_ASSERT_OK(loaded->save_checkpoint(true, &again));
  assert_true(again == bytes);
}

void loaded_model_reproduces_forward_outputs_exactly(void**) {
  auto m = trained_model(4);
  std::string bytes;
  EMU_ASSERT_OK(m->save_checkpoint(false, &bytes));
  std::unique_ptr<Model> loaded;
  EMU_ASSERT_OK(Model::create_from_checkpoint(bytes, false, &loaded));
  ForwardBackwardResult a, b;
  EMU_ASSERT_OK(m->forward(batch(50), "cross_entropy", {}, &a));
  EMU_ASSERT_OK(loaded->forward(batch(50), "cross_entropy", {}, &b));
  for (size_t i = 0; i < a.outputs.size(); ++i)
    assert_memory_equal(a.outputs[i].logprobs.data(), b.outputs[i].logprobs.data(),
                        a.outputs[i].logprobs.size() * sizeof(float));
  assert_true(a.metrics.at("loss:sum") == b.metrics.at("loss:sum"));
}

// save_state -> load_state_with_optimizer -> train == train without the interruption.
void resume_with_optimizer_state_matches_the_uninterrupted_run(void**) {
  auto uninterrupted = trained_model(3);
  std::string bytes;
  EMU_ASSERT_OK(uninterrupted->save_checkpoint(true, &bytes));
  train(uninterrupted.get(), 4, 100);

  // A different model object (as after a restart), loaded into an existing training client.
  ModelConfig c = small_config();
  c.lora.seed = 7;  // the seed only shapes the initial adapter, which the load replaces
  auto resumed = make_model(c);
  EMU_ASSERT_OK(resumed->load_checkpoint(bytes, true));
  train(resumed.get(), 4, 100);
  assert_true(
      same_bits(snapshot_parameters(uninterrupted.get()), snapshot_parameters(resumed.get())));
  assert_true(same_bits(adam_moments(uninterrupted.get()), adam_moments(resumed.get())));
  assert_int_equal(resumed->optimizer_step_count(), 7);
}

// load_state (weights only) restarts Adam: step 0, zero moments, and pending gradients go.
void loading_weights_only_restarts_the_optimizer(void**) {
  auto m = trained_model(3);
  std::string bytes;
  EMU_ASSERT_OK(m->save_checkpoint(true, &bytes));
  ForwardBackwardResult r;
  EMU_ASSERT_OK(m->forward_backward(batch(9), "cross_entropy", {}, &r));
  EMU_ASSERT_OK(m->load_checkpoint(bytes, false));
  assert_int_equal(m->optimizer_step_count(), 0);
  for (double x : adam_moments(m.get())) assert_true(x == 0.0);
  for (size_t i = 0; i < m->num_parameter_tensors(); ++i) {
    ParameterView p = m->parameter(i);
    for (int j = 0; j < p.rows * p.cols; ++j) assert_true(p.grad[j] == 0.0);
  }
}

void loading_optimizer_state_from_a_weights_only_checkpoint_is_a_user_error(void**) {
  auto m = trained_model(1);
  std::string bytes;
  EMU_ASSERT_OK(m->save_checkpoint(false, &bytes));
  EMU_ASSERT_USER_ERROR(m->load_checkpoint(bytes, true), "no optimizer state");
  CheckpointInfo info;
  EMU_ASSERT_OK(read_checkpoint_info(bytes, &info));
  assert_false(info.has_optimizer);
}

void checkpoint_info_describes_the_model(void**) {
  ModelConfig c = small_config(16, 64, 8);
  c.base.name = "org/model";
  c.lora.train_mlp = false;
  auto m = make_model(c);
  std::string bytes;
  EMU_ASSERT_OK(m->save_checkpoint(true, &bytes));
  CheckpointInfo info;
  EMU_ASSERT_OK(read_checkpoint_info(bytes, &info));
  assert_string_equal(info.config.base.name.c_str(), "org/model");
  assert_int_equal(info.config.base.vocab_size, 64);
  assert_int_equal(info.config.base.hidden_size, 8);
  assert_int_equal(info.config.lora.rank, 16);
  assert_true(info.config.lora.train_attn);
  assert_false(info.config.lora.train_mlp);
  assert_true(info.config.lora.train_unembed);
  assert_false(info.config.lora.seed.has_value());
  assert_true(info.has_optimizer);
  assert_false(info.config.synthetic);
}

void corrupted_checkpoints_are_rejected(void**) {
  auto m = trained_model(1);
  std::string bytes;
  EMU_ASSERT_OK(m->save_checkpoint(true, &bytes));
  std::unique_ptr<Model> out;

  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x10;
  Status st = Model::create_from_checkpoint(flipped, true, &out);
  assert_int_equal(int(st.kind()), int(Status::Kind::kInternal));
  assert_non_null(std::strstr(st.message().c_str(), "checksum"));

  st = m->load_checkpoint(bytes.substr(0, bytes.size() - 9), false);
  assert_int_equal(int(st.kind()), int(Status::Kind::kInternal));
  st = m->load_checkpoint("not a checkpoint at all", false);
  assert_non_null(std::strstr(st.message().c_str(), "bad magic"));
  st = m->load_checkpoint("", false);
  assert_false(st.is_ok());
  // A failed load leaves the model untouched.
  const auto before = snapshot_parameters(m.get());
  assert_false(m->load_checkpoint(flipped, false).is_ok());
  assert_true(same_bits(before, snapshot_parameters(m.get())));
}

void checkpoint_for_another_model_shape_is_a_user_error(void**) {
  auto m = trained_model(1);
  std::string bytes;
  EMU_ASSERT_OK(m->save_checkpoint(false, &bytes));

  auto other_rank = make_model(small_config(4));
  EMU_ASSERT_USER_ERROR(other_rank->load_checkpoint(bytes, false), "LoRA rank 8");
  ModelConfig c = small_config();
  c.base.name = "different/base";
  EMU_ASSERT_USER_ERROR(make_model(c)->load_checkpoint(bytes, false), "test/base-model");
  c = small_config();
  c.lora.train_unembed = false;
  EMU_ASSERT_USER_ERROR(make_model(c)->load_checkpoint(bytes, false), "train_unembed");
}

void files_are_written_atomically_and_read_back(void**) {
  char dir[] = "/tmp/emu_model_ckpt_XXXXXX";
  assert_non_null(mkdtemp(dir));
  const std::string path = std::string(dir) + "/weights.ckpt";
  auto m = trained_model(2);
  std::string bytes, read;
  EMU_ASSERT_OK(m->save_checkpoint(true, &bytes));
  EMU_ASSERT_OK(write_file_atomically(path, bytes));
  EMU_ASSERT_OK(read_whole_file(path, &read));
  assert_true(read == bytes);
  // Only the final file remains (no temporary left behind).
  int entries = 0;
  DIR* d = opendir(dir);
  while (dirent* e = readdir(d))
    if (e->d_name[0] != '.') ++entries;
  closedir(d);
  assert_int_equal(entries, 1);
  Status st = read_whole_file(std::string(dir) + "/missing", &read);
  assert_int_equal(int(st.kind()), int(Status::Kind::kInternal));
  unlink(path.c_str());
  rmdir(dir);
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(checkpoint_round_trip_is_bit_identical),
      cmocka_unit_test(loaded_model_reproduces_forward_outputs_exactly),
      cmocka_unit_test(resume_with_optimizer_state_matches_the_uninterrupted_run),
      cmocka_unit_test(loading_weights_only_restarts_the_optimizer),
      cmocka_unit_test(loading_optimizer_state_from_a_weights_only_checkpoint_is_a_user_error),
      cmocka_unit_test(checkpoint_info_describes_the_model),
      cmocka_unit_test(corrupted_checkpoints_are_rejected),
      cmocka_unit_test(checkpoint_for_another_model_shape_is_a_user_error),
      cmocka_unit_test(files_are_written_atomically_and_read_back),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
