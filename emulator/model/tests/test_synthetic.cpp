// Synthetic mode: no compute, right shapes, fixed values (every logprob = -log V), and the
// same validation as the real model.
#include "emu_model/checkpoint.h"
#include "test_support.h"

using namespace emu_test;

namespace {

std::unique_ptr<Model> synthetic_model() {
  ModelConfig c = small_config(32, 256, 32);
  c.synthetic = true;
  return make_model(c);
}

void synthetic_forward_returns_uniform_logprobs_in_the_target_shape(void**) {
  auto m = synthetic_model();
  assert_int_equal(m->num_parameter_tensors(), 0);
  Datum d = with_floats(next_token_datum(token_sequence(11, 256, 1)), "weights",
                        std::vector<float>(10, 0.5f));
  Datum two;
  two.tokens = {1, 2};
  two.loss_fn_inputs["target_tokens"] = TensorData::ints({1, 2, 3, 4, 5, 6}, {2, 3});
  ForwardBackwardResult r;
  EMU_ASSERT_OK(m->forward_backward({d, two}, "cross_entropy", {}, &r));
  assert_int_equal(r.outputs.size(), 2);
  assert_int_equal(r.outputs[0].logprobs.size(), 10);
  assert_int_equal(r.outputs[1].logprobs.size(), 6);
  assert_true(r.outputs[1].shape == std::vector<int64_t>({2, 3}));
  const float uniform = float(-std::log(256.0));
  for (const auto& o : r.outputs)
    for (float lp : o.logprobs) assert_true(lp == uniform);
  // loss = sum -w * logp = (10 * 0.5 + 6 * 1) * log V.
  EMU_ASSERT_NEAR(r.metrics.at("loss:sum"), 11 * std::log(256.0), 1e-9);
}

void synthetic_model_validates_like_the_real_one(void**) {
  auto m = synthetic_model();
  ForwardBackwardResult r;
  EMU_ASSERT_USER_ERROR(m->forward({next_token_datum({1, 300})}, "cross_entropy", {}, &r),
                        "outside the vocabulary");
  EMU_ASSERT_USER_ERROR(m->forward({next_token_datum({1, 2})}, "dro", {}, &r), "dro");
}

void synthetic_optim_step_counts_steps(void**) {
  auto m = synthetic_model();
  Metrics metrics;
  EMU_ASSERT_OK(m->optim_step(AdamParams(), &metrics));
  EMU_ASSERT_OK(m->optim_step(AdamParams(), &metrics));
  assert_int_equal(m->optimizer_step_count(), 2);
  assert_true(metrics.at("grad_norm:mean") == 0.0);
  std::string bytes;
  EMU_ASSERT_OK(m->save_checkpoint(true, &bytes));
  std::unique_ptr<Model> loaded;
  EMU_ASSERT_OK(Model::create_from_checkpoint(bytes, true, &loaded));
  assert_true(loaded->config().synthetic);
  assert_int_equal(loaded->optimizer_step_count(), 2);
  // A synthetic checkpoint does not fit a real model.
  EMU_ASSERT_USER_ERROR(make_model(small_config(32, 256, 32))->load_checkpoint(bytes, false),
                        "synthetic");
}

void synthetic_sampling_has_the_requested_shapes(void**) {
  auto m = synthetic_model();
  SampleRequest r;
  r.prompt = {1, 2, 3};
  r.num_samples = 4;
  r.params.max_tokens = 9;
  r.prompt_logprobs = true;
  r.topk_prompt_logprobs = 2;
  SampleResult out;
  EMU_ASSERT_OK(m->sample(r, &out));
  assert_int_equal(out.sequences.size(), 4);
  for (const auto& s : out.sequences) {
    assert_int_equal(s.tokens.size(), 9);
    for (float lp : s.logprobs) assert_true(lp == float(-std::log(256.0)));
  }
  assert_int_equal(out.prompt_logprobs.size(), 3);
  assert_int_equal(out.topk_prompt_logprobs.token_ids.size(), 6);
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(synthetic_forward_returns_uniform_logprobs_in_the_target_shape),
      cmocka_unit_test(synthetic_model_validates_like_the_real_one),
      cmocka_unit_test(synthetic_optim_step_counts_steps),
      cmocka_unit_test(synthetic_sampling_has_the_requested_shapes),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
