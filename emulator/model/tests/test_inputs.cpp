// Request validation: every malformed training request is a user error naming the datum and
// input at fault, and a rejected request changes nothing (protocol.md §7.3).
#include "test_support.h"

using namespace emu_test;

namespace {

Status fwd(Model* m, const std::vector<Datum>& data, const std::string& loss = "cross_entropy",
           const LossFnConfig& cfg = {}) {
  ForwardBackwardResult r;
  return m->forward_backward(data, loss, cfg, &r);
}

Datum rl_datum(size_t n) {
  Datum d = next_token_datum(token_sequence(n + 1, 32, 3));
  d.loss_fn_inputs["logprobs"] = TensorData::floats(std::vector<float>(n, -3.0f));
  d.loss_fn_inputs["advantages"] = TensorData::floats(std::vector<float>(n, 1.0f));
  return d;
}

void out_of_vocabulary_tokens_are_user_errors(void**) {
  auto m = make_model(small_config());
  Datum d = next_token_datum({1, 2, 3});
  d.tokens[1] = 32;
  EMU_ASSERT_USER_ERROR(
      fwd(m.get(), {d}),
      "datum 0: model_input token 32 at position 1 is outside the vocabulary [0, 32)");
  d = next_token_datum({1, 2, 3});
  d.tokens[0] = -1;
  EMU_ASSERT_USER_ERROR(fwd(m.get(), {d}), "token -1 at position 0");
  d = next_token_datum({1, 2, 3});
  d.loss_fn_inputs["target_tokens"].i64[1] = 1000;
  EMU_ASSERT_USER_ERROR(fwd(m.get(), {next_token_datum({1, 2}), d}),
                        "datum 1: target_tokens token 1000");
  std::vector<float> lp;
  EMU_ASSERT_USER_ERROR(m->target_logprobs({40}, {1}, &lp), "outside the vocabulary");
}

void unknown_loss_is_a_user_error(void**) {
  auto m = make_model(small_config());
  EMU_ASSERT_USER_ERROR(fwd(m.get(), {next_token_datum({1, 2})}, "dro"),
                        "unsupported loss_fn 'dro'");
  ForwardBackwardResult r;
  EMU_ASSERT_USER_ERROR(m->forward({next_token_datum({1, 2})}, "mse", {}, &r), "cross_entropy");
}

void target_tokens_must_align_with_the_input(void**) {
  auto m = make_model(small_config());
  Datum d = next_token_datum({1, 2, 3, 4});
  d.tokens.pop_back();
  EMU_ASSERT_USER_ERROR(fwd(m.get(), {d}), "has 3 positions but model_input has 2 tokens");
  d = next_token_datum({1, 2, 3});
  d.loss_fn_inputs.erase("target_tokens");
  EMU_ASSERT_USER_ERROR(fwd(m.get(), {d}), "'target_tokens' is required");
  d = next_token_datum({1, 2, 3});
  d.loss_fn_inputs["target_tokens"] = TensorData::floats({2, 3});
  EMU_ASSERT_USER_ERROR(fwd(m.get(), {d}), "must be int64, not float32");
  d = next_token_datum({1, 2, 3});
  d.loss_fn_inputs["target_tokens"].shape = {2, 2};
  EMU_ASSERT_USER_ERROR(fwd(m.get(), {d}), "does not fit its shape");
}

void weights_default_to_ones(void**) {
  auto m = make_model(small_config());
  Datum plain = next_token_datum(token_sequence(9, 32, 1));
  Datum ones = with_floats(plain, "weights", std::vector<float>(8, 1.0f));
  assert_true(loss_of(*m, {plain}, "cross_entropy") == loss_of(*m, {ones}, "cross_entropy"));
  Datum short_w = with_floats(plain, "weights", std::vector<float>(7, 1.0f));
  EMU_ASSERT_USER_ERROR(fwd(m.get(), {short_w}), "'weights' has 7 elements; target_tokens has 8");
}

void rl_losses_require_logprobs_and_advantages(void**) {
  auto m = make_model(small_config());
  for (const char* loss : {"importance_sampling", "ppo", "cispo"}) {
    EMU_ASSERT_OK(fwd(m.get(), {rl_datum(5)}, loss));
    Datum d = rl_datum(5);
    d.loss_fn_inputs.erase("advantages");
    EMU_ASSERT_USER_ERROR(fwd(m.get(), {d}, loss), "'advantages' is required");
    d = rl_datum(5);
    d.loss_fn_inputs.erase("logprobs");
    EMU_ASSERT_USER_ERROR(fwd(m.get(), {d}, loss), "'logprobs' is required");
    // weights are accepted (the service's RL examples send them) and do not change the loss.
    d = with_floats(rl_datum(5), "weights", {0, 0, 0, 0, 0});
    assert_true(loss_of(*m, {d}, loss) == loss_of(*m, {rl_datum(5)}, loss));
  }
}

void inputs_and_config_keys_a_loss_does_not_use_are_user_errors(void**) {
  auto m = make_model(small_config());
  Datum d = with_floats(next_token_datum({1, 2, 3}), "mask", {1, 1});
  EMU_ASSERT_USER_ERROR(fwd(m.get(), {d}), "'mask' is not an input of cross_entropy");
  d = with_floats(next_token_datum({1, 2, 3}), "advantages", {1, 1});
  EMU_ASSERT_USER_ERROR(fwd(m.get(), {d}), "accepted: target_tokens, weights");
  EMU_ASSERT_USER_ERROR(
      fwd(m.get(), {next_token_datum({1, 2})}, "cross_entropy", {{"clip_low_threshold", 0.9}}),
      "loss_fn_config key 'clip_low_threshold' is not used by cross_entropy");
  EMU_ASSERT_USER_ERROR(fwd(m.get(), {rl_datum(3)}, "ppo", {{"beta", 0.1}}), "'beta'");
}

void clip_thresholds_come_from_config_or_inputs_and_must_be_ordered(void**) {
  auto m = make_model(small_config());
  EMU_ASSERT_USER_ERROR(fwd(m.get(), {rl_datum(3)}, "ppo",
                            {{"clip_low_threshold", 1.5}, {"clip_high_threshold", 1.2}}),
                        "must not exceed clip_high_threshold");
  // Per-datum thresholds in loss_fn_inputs (one value, or one per target) override config.
  Datum in_inputs = with_floats(rl_datum(3), "clip_low_threshold", {0.5f});
  in_inputs = with_floats(in_inputs, "clip_high_threshold", {1.5f, 1.5f, 1.5f});
  const double via_inputs = loss_of(*m, {in_inputs}, "ppo");
  const double via_config = loss_of(*m, {rl_datum(3)}, "ppo",
                                    {{"clip_low_threshold", 0.5}, {"clip_high_threshold", 1.5}});
  assert_true(via_inputs == via_config);
  Datum wrong = with_floats(rl_datum(3), "clip_low_threshold", {0.5f, 0.5f});
  EMU_ASSERT_USER_ERROR(fwd(m.get(), {wrong}, "ppo"), "(or give 1 element)");
}

void empty_request_is_a_user_error(void**) {
  auto m = make_model(small_config());
  EMU_ASSERT_USER_ERROR(fwd(m.get(), {}), "no data");
}

void a_rejected_request_accumulates_nothing(void**) {
  auto m = make_model(small_config());
  randomise_parameters(m.get(), 2);
  Datum good = next_token_datum(token_sequence(10, 32, 1));
  Datum bad = next_token_datum({1, 99});
  ForwardBackwardResult r;
  EMU_ASSERT_OK(m->forward_backward({good}, "cross_entropy", {}, &r));
  std::vector<double> before;
  for (size_t i = 0; i < m->num_parameter_tensors(); ++i) {
    ParameterView p = m->parameter(i);
    before.insert(before.end(), p.grad, p.grad + p.rows * p.cols);
  }
  assert_false(m->forward_backward({good, bad}, "cross_entropy", {}, &r).is_ok());
  std::vector<double> after;
  for (size_t i = 0; i < m->num_parameter_tensors(); ++i) {
    ParameterView p = m->parameter(i);
    after.insert(after.end(), p.grad, p.grad + p.rows * p.cols);
  }
  assert_true(same_bits(before, after));
}

void invalid_model_configurations_are_user_errors(void**) {
  std::unique_ptr<Model> m;
  ModelConfig c = small_config(129);
  EMU_ASSERT_USER_ERROR(Model::create(c, &m), "lora_config.rank = 129");
  c = small_config();
  c.base.name.clear();
  EMU_ASSERT_USER_ERROR(Model::create(c, &m), "base_model");
  c = small_config(8, 1);
  EMU_ASSERT_USER_ERROR(Model::create(c, &m), "vocab_size");
  // Rank 0 is a base model without adapter: it computes but cannot train.
  c = small_config(0);
  EMU_ASSERT_OK(Model::create(c, &m));
  assert_int_equal(m->num_parameter_tensors(), 0);
  EMU_ASSERT_USER_ERROR(fwd(m.get(), {next_token_datum({1, 2})}), "cannot be trained");
  Metrics metrics;
  EMU_ASSERT_USER_ERROR(m->optim_step(AdamParams(), &metrics), "cannot be trained");
}

void errors_carry_the_user_category(void**) {
  auto m = make_model(small_config());
  Status st = fwd(m.get(), {}, "cross_entropy");
  assert_string_equal(st.category(), "user");
  assert_string_equal(Status::ok().category(), "");
  assert_string_equal(Status::internal_error("x").category(), "server");
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(out_of_vocabulary_tokens_are_user_errors),
      cmocka_unit_test(unknown_loss_is_a_user_error),
      cmocka_unit_test(target_tokens_must_align_with_the_input),
      cmocka_unit_test(weights_default_to_ones),
      cmocka_unit_test(rl_losses_require_logprobs_and_advantages),
      cmocka_unit_test(inputs_and_config_keys_a_loss_does_not_use_are_user_errors),
      cmocka_unit_test(clip_thresholds_come_from_config_or_inputs_and_must_be_ordered),
      cmocka_unit_test(empty_request_is_a_user_error),
      cmocka_unit_test(a_rejected_request_accumulates_nothing),
      cmocka_unit_test(invalid_model_configurations_are_user_errors),
      cmocka_unit_test(errors_carry_the_user_category),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
