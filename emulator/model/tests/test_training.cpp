// Training behaviour: the loss falls, outputs agree with the loss, gradients accumulate
// until optim_step, forward never trains, and only enabled adapter parts exist and move.
#include "test_support.h"

using namespace emu_test;

namespace {

AdamParams adam(double lr) {
  AdamParams p;
  p.learning_rate = lr;
  return p;
}

std::vector<Datum> fixed_sequence_batch(int V) {
  return {with_floats(next_token_datum(token_sequence(48, V, 11)), "weights",
                      std::vector<float>(47, 1.0f))};
}

void cross_entropy_training_on_a_fixed_sequence_reduces_the_loss(void**) {
  ModelConfig c = small_config(32, 256, 32);  // the emulator's default shape
  auto m = make_model(c);
  const auto data = fixed_sequence_batch(256);
  ForwardBackwardResult r;
  Metrics metrics;
  double first = 0, last = 0;
  for (int step = 0; step < 40; ++step) {
    EMU_ASSERT_OK(m->forward_backward(data, "cross_entropy", {}, &r));
    if (step == 0) first = r.metrics.at("loss:sum");
    last = r.metrics.at("loss:sum");
    EMU_ASSERT_OK(m->optim_step(adam(0.02), &metrics));
  }
  const double after = loss_of(*m, data, "cross_entropy");
  print_message("cross_entropy loss: %.3f at step 0, %.3f at step 39, %.3f after\n", first, last,
                after);
  assert_true(after < 0.25 * first);
  assert_int_equal(m->optimizer_step_count(), 40);
}

// loss:sum = sum_i -w_i * logp_i over the returned logprobs (cross_entropy, §6.5).
void forward_logprobs_after_training_reproduce_the_reported_loss(void**) {
  auto m = make_model(small_config(8));
  Metrics metrics;
  ForwardBackwardResult r;
  for (int step = 0; step < 5; ++step) {
    EMU_ASSERT_OK(m->forward_backward(fixed_sequence_batch(32), "cross_entropy", {}, &r));
    EMU_ASSERT_OK(m->optim_step(adam(0.05), &metrics));
  }
  std::vector<Datum> data;
  for (uint32_t s = 0; s < 4; ++s) {
    Datum d = next_token_datum(token_sequence(20 + s, 32, 100 + s));
    std::vector<float> w;
    for (size_t i = 0; i < d.tokens.size(); ++i) w.push_back(0.5f * float(i % 3));
    data.push_back(with_floats(d, "weights", w));
  }
  EMU_ASSERT_OK(m->forward(data, "cross_entropy", {}, &r));
  double recomputed = 0;
  for (size_t i = 0; i < data.size(); ++i) {
    const auto& w = data[i].loss_fn_inputs["weights"].f32;
    assert_int_equal(r.outputs[i].logprobs.size(), w.size());
    assert_int_equal(r.outputs[i].shape[0], int64_t(w.size()));
    for (size_t j = 0; j < w.size(); ++j) recomputed -= double(w[j]) * r.outputs[i].logprobs[j];
  }
  const double loss = r.metrics.at("loss:sum");
  assert_true(std::fabs(recomputed - loss) <= 1e-6 * std::fabs(loss));
}

// Tinker losses are sums, not means: a batch twice as large has twice the loss.
void loss_is_a_sum_over_datums_and_tokens(void**) {
  auto m = make_model(small_config());
  auto one = fixed_sequence_batch(32);
  auto two = one;
  two.push_back(one[0]);
  EMU_ASSERT_NEAR(loss_of(*m, two, "cross_entropy"), 2 * loss_of(*m, one, "cross_entropy"), 1e-9);
}

std::vector<std::vector<double>> gradients(Model* m) {
  std::vector<std::vector<double>> out;
  for (size_t i = 0; i < m->num_parameter_tensors(); ++i) {
    ParameterView p = m->parameter(i);
    out.emplace_back(p.grad, p.grad + p.rows * p.cols);
  }
  return out;
}

void gradients_accumulate_across_calls_until_optim_step(void**) {
  auto m = make_model(small_config());
  randomise_parameters(m.get(), 5);
  std::vector<Datum> a = {next_token_datum(token_sequence(30, 32, 1))};
  std::vector<Datum> b = {next_token_datum(token_sequence(25, 32, 2))};
  std::vector<Datum> both = {a[0], b[0]};
  ForwardBackwardResult r;
  EMU_ASSERT_OK(m->forward_backward(a, "cross_entropy", {}, &r));
  EMU_ASSERT_OK(m->forward_backward(b, "cross_entropy", {}, &r));
  const auto accumulated = gradients(m.get());
  m->zero_grad();
  EMU_ASSERT_OK(m->forward_backward(both, "cross_entropy", {}, &r));
  const auto joint = gradients(m.get());
  for (size_t i = 0; i < joint.size(); ++i)
    for (size_t j = 0; j < joint[i].size(); ++j)
      EMU_ASSERT_NEAR(accumulated[i][j], joint[i][j], 1e-12 + 1e-10 * std::fabs(joint[i][j]));

  Metrics metrics;
  EMU_ASSERT_OK(m->optim_step(adam(0.01), &metrics));
  for (const auto& g : gradients(m.get()))
    for (double x : g) assert_true(x == 0.0);
}

void forward_only_accumulates_no_gradient(void**) {
  auto m = make_model(small_config());
  randomise_parameters(m.get(), 8);
  ForwardBackwardResult r;
  EMU_ASSERT_OK(m->forward(fixed_sequence_batch(32), "cross_entropy", {}, &r));
  for (const auto& g : gradients(m.get()))
    for (double x : g) assert_true(x == 0.0);
  // With no gradient and no weight decay, a step leaves the weights unchanged.
  const auto before = snapshot_parameters(m.get());
  Metrics metrics;
  EMU_ASSERT_OK(m->optim_step(adam(0.1), &metrics));
  assert_true(same_bits(before, snapshot_parameters(m.get())));
  EMU_ASSERT_NEAR(metrics.at("grad_norm:mean"), 0.0, 0.0);
}

// Policy-gradient losses move probability towards positive-advantage tokens.
void ppo_with_positive_advantages_raises_the_sequence_logprob(void**) {
  auto m = make_model(small_config(16, 64, 16));
  Datum d = next_token_datum(token_sequence(30, 64, 21));
  std::vector<float> q;
  EMU_ASSERT_OK(m->target_logprobs(d.tokens, d.loss_fn_inputs["target_tokens"].i64, &q));
  d.loss_fn_inputs["logprobs"] = TensorData::floats(q);
  d.loss_fn_inputs["advantages"] = TensorData::floats(std::vector<float>(q.size(), 1.0f));
  double before = 0, after = 0;
  for (float x : q) before += x;
  ForwardBackwardResult r;
  Metrics metrics;
  for (int step = 0; step < 10; ++step) {
    EMU_ASSERT_OK(m->forward_backward({d}, "ppo", {}, &r));
    EMU_ASSERT_OK(m->optim_step(adam(0.01), &metrics));
  }
  std::vector<float> lp;
  EMU_ASSERT_OK(m->target_logprobs(d.tokens, d.loss_fn_inputs["target_tokens"].i64, &lp));
  for (float x : lp) after += x;
  assert_true(after > before + 1.0);
}

// At the sampling policy (q = current logprobs) every ratio is 1, so the importance
// sampling loss is -sum A.
void importance_sampling_at_the_sampling_policy_is_minus_sum_of_advantages(void**) {
  auto m = make_model(small_config());
  Datum d = next_token_datum(token_sequence(10, 32, 4));
  std::vector<float> q;
  EMU_ASSERT_OK(m->target_logprobs(d.tokens, d.loss_fn_inputs["target_tokens"].i64, &q));
  std::vector<float> a = {1, -2, 0.5f, 3, 0, 0, -1, 2, 1};
  d.loss_fn_inputs["logprobs"] = TensorData::floats(q);
  d.loss_fn_inputs["advantages"] = TensorData::floats(a);
  EMU_ASSERT_NEAR(loss_of(*m, {d}, "importance_sampling"), -4.5, 1e-5);
}

// train_attn / train_mlp / train_unembed choose which adapter parts exist; the others add
// nothing and never change.
void train_flags_select_the_adapter_parts(void**) {
  ModelConfig c = small_config();
  c.lora.train_mlp = false;
  c.lora.train_unembed = false;
  auto m = make_model(c);
  assert_int_equal(m->num_parameter_tensors(), 2);
  assert_string_equal(m->parameter(0).name, "attn.A");
  assert_string_equal(m->parameter(1).name, "attn.B");
  assert_int_equal(m->num_trainable_parameters(), 33 * 8 + 8 * 32);

  c = small_config();
  auto full = make_model(c);
  const char* names[] = {"attn.A", "attn.B", "mlp.A", "mlp.B", "unembed.A", "unembed.B"};
  assert_int_equal(full->num_parameter_tensors(), 6);
  for (size_t i = 0; i < 6; ++i) assert_string_equal(full->parameter(i).name, names[i]);

  c.lora.train_attn = false;
  c.lora.train_mlp = false;
  c.lora.train_unembed = false;
  std::unique_ptr<Model> none;
  EMU_ASSERT_USER_ERROR(Model::create(c, &none), "at least one of train_unembed");
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(cross_entropy_training_on_a_fixed_sequence_reduces_the_loss),
      cmocka_unit_test(forward_logprobs_after_training_reproduce_the_reported_loss),
      cmocka_unit_test(loss_is_a_sum_over_datums_and_tokens),
      cmocka_unit_test(gradients_accumulate_across_calls_until_optim_step),
      cmocka_unit_test(forward_only_accumulates_no_gradient),
      cmocka_unit_test(ppo_with_positive_advantages_raises_the_sequence_logprob),
      cmocka_unit_test(importance_sampling_at_the_sampling_policy_is_minus_sum_of_advantages),
      cmocka_unit_test(train_flags_select_the_adapter_parts),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
