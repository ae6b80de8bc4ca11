// Every loss's analytic gradient, for every adapter tensor, agrees with central finite
// differences of the reported loss (docs/emulator_model.md, "Losses", "Gradients").
#include <algorithm>

#include "test_support.h"

using namespace emu_test;

namespace {

constexpr double kStep = 1e-5;

std::vector<Datum> base_batch(const Model& m) {
  const int V = m.vocab_size();
  std::vector<Datum> data;
  data.push_back(next_token_datum(token_sequence(12, V, 1)));
  data.push_back(next_token_datum(token_sequence(8, V, 2)));
  data.push_back(next_token_datum(token_sequence(2, V, 3)));
  // A datum with no tokens contributes nothing but must be accepted.
  Datum empty;
  empty.loss_fn_inputs["target_tokens"] = TensorData::ints({});
  data.push_back(empty);
  return data;
}

// RL inputs whose ratios rho = exp(logp - q) cycle through `ratios` (by default inside and
// outside the default clip range [0.8, 1.2], far from its edges) with advantages of both
// signs, so both PPO branches are exercised.
std::vector<Datum> rl_batch(const Model& m,
                            std::vector<double> ratios = {0.5, 0.9, 1.0, 1.1, 1.6}) {
  std::vector<Datum> data = base_batch(m);
  const float advantages[] = {1.0f, -1.0f, 0.5f, -2.0f, 1.5f, -0.7f, 2.0f};
  size_t k = 0;
  for (auto& d : data) {
    std::vector<float> lp;
    EMU_ASSERT_OK(m.target_logprobs(d.tokens, d.loss_fn_inputs["target_tokens"].i64, &lp));
    std::vector<float> q, a;
    for (float l : lp) {
      q.push_back(static_cast<float>(l - std::log(ratios[k % ratios.size()])));
      a.push_back(advantages[k % 7]);
      ++k;
    }
    d.loss_fn_inputs["logprobs"] = TensorData::floats(q);
    d.loss_fn_inputs["advantages"] = TensorData::floats(a);
  }
  return data;
}

std::vector<Datum> ce_batch(const Model& m) {
  std::vector<Datum> data = base_batch(m);
  float w = 0.25f;
  for (auto& d : data) {
    std::vector<float> weights;
    for (size_t i = 0; i < d.tokens.size(); ++i) weights.push_back(w += 0.375f);
    d.loss_fn_inputs["weights"] = TensorData::floats(weights);
  }
  // A [N, 2] target: two candidate next tokens per position.
  Datum two;
  two.tokens = {3, 4, 5};
  two.loss_fn_inputs["target_tokens"] = TensorData::ints({1, 2, 7, 8, 0, 9}, {3, 2});
  two.loss_fn_inputs["weights"] = TensorData::floats({1, 0.5f, 2, 0, 1, 1}, {3, 2});
  data.push_back(two);
  return data;
}

// Compares the analytic gradient with finite differences, coordinate by coordinate (a
// sample of each tensor) and along one pseudo-random direction per tensor.
void check_gradient(Model* m, const std::vector<Datum>& data, const std::string& loss_fn,
                    const LossFnConfig& cfg = {}) {
  m->zero_grad();
  ForwardBackwardResult r;
  EMU_ASSERT_OK(m->forward_backward(data, loss_fn, cfg, &r));
  assert_true(m->num_parameter_tensors() > 0);
  for (size_t i = 0; i < m->num_parameter_tensors(); ++i) {
    ParameterView p = m->parameter(i);
    const size_t n = size_t(p.rows) * p.cols;
    const std::vector<double> grad(p.grad, p.grad + n);
    double grad_norm = 0;
    for (double g : grad) grad_norm += g * g;
    if (grad_norm == 0) fail_msg("%s: gradient of %s is identically zero", loss_fn.c_str(), p.name);

    const size_t stride = n > 48 ? n / 48 : 1;
    for (size_t j = 0; j < n; j += stride) {
      const double saved = p.value[j];
      p.value[j] = saved + kStep;
      const double up = loss_of(*m, data, loss_fn, cfg);
      p.value[j] = saved - kStep;
      const double down = loss_of(*m, data, loss_fn, cfg);
      p.value[j] = saved;
      const double fd = (up - down) / (2 * kStep);
      const double tol = 1e-6 + 1e-5 * std::max(std::fabs(fd), std::fabs(grad[j]));
      if (std::fabs(fd - grad[j]) > tol)
        fail_msg("%s: d loss / d %s[%zu]: analytic %.10g, finite difference %.10g", loss_fn.c_str(),
                 p.name, j, grad[j], fd);
    }

    std::vector<double> dir(n), saved(p.value, p.value + n);
    uint32_t x = 77u + uint32_t(i);
    double along = 0;
    for (size_t j = 0; j < n; ++j) {
      x = x * 1664525u + 1013904223u;
      dir[j] = (x >> 8) / double(1 << 24) - 0.5;
      along += dir[j] * grad[j];
    }
    for (size_t j = 0; j < n; ++j) p.value[j] = saved[j] + kStep * dir[j];
    const double up = loss_of(*m, data, loss_fn, cfg);
    for (size_t j = 0; j < n; ++j) p.value[j] = saved[j] - kStep * dir[j];
    const double down = loss_of(*m, data, loss_fn, cfg);
    for (size_t j = 0; j < n; ++j) p.value[j] = saved[j];
    const double fd = (up - down) / (2 * kStep);
    const double rel = std::fabs(fd - along) / std::max(1e-12, std::fabs(along));
    if (rel > 1e-6)
      fail_msg("%s: directional derivative along %s: analytic %.12g, finite difference %.12g",
               loss_fn.c_str(), p.name, along, fd);
  }
}

std::unique_ptr<Model> randomised_model(const LoraSpec& lora) {
  ModelConfig c = small_config(4, 24, 6);
  c.lora.train_attn = lora.train_attn;
  c.lora.train_mlp = lora.train_mlp;
  c.lora.train_unembed = lora.train_unembed;
  auto m = make_model(c);
  randomise_parameters(m.get(), 99);
  return m;
}

LoraSpec all_parts() { return LoraSpec{}; }

void cross_entropy_gradient_matches_finite_differences(void**) {
  auto m = randomised_model(all_parts());
  check_gradient(m.get(), ce_batch(*m), "cross_entropy");
}

void importance_sampling_gradient_matches_finite_differences(void**) {
  auto m = randomised_model(all_parts());
  check_gradient(m.get(), rl_batch(*m), "importance_sampling");
}

void ppo_gradient_matches_finite_differences(void**) {
  auto m = randomised_model(all_parts());
  check_gradient(m.get(), rl_batch(*m), "ppo");
}

void ppo_gradient_with_configured_clip_matches_finite_differences(void**) {
  auto m = randomised_model(all_parts());
  check_gradient(m.get(), rl_batch(*m), "ppo",
                 {{"clip_low_threshold", 0.7}, {"clip_high_threshold", 1.3}});
}

// CISPO's value depends on clip(rho) but its gradient must not (stop-gradient), so finite
// differences apply only where the clip is constant: every ratio outside [0.8, 1.2].
void cispo_gradient_matches_finite_differences_where_clip_is_constant(void**) {
  auto m = randomised_model(all_parts());
  check_gradient(m.get(), rl_batch(*m, {0.5, 1.6, 0.3, 2.5, 0.75}), "cispo");
}

// Inside the clip range CISPO is cross_entropy with weights sg(clip(rho)) * A: the same
// gradient, up to the float32 rounding of those weights.
void cispo_gradient_equals_cross_entropy_weighted_by_clipped_ratio(void**) {
  auto m = randomised_model(all_parts());
  std::vector<Datum> rl = rl_batch(*m);
  std::vector<Datum> ce;
  for (const auto& d : rl) {
    std::vector<float> lp;
    EMU_ASSERT_OK(m->target_logprobs(d.tokens, d.loss_fn_inputs.at("target_tokens").i64, &lp));
    const auto& q = d.loss_fn_inputs.at("logprobs").f32;
    const auto& a = d.loss_fn_inputs.at("advantages").f32;
    std::vector<float> w;
    for (size_t j = 0; j < lp.size(); ++j)
      w.push_back(float(std::clamp(std::exp(double(lp[j]) - q[j]), 0.8, 1.2) * a[j]));
    Datum c;
    c.tokens = d.tokens;
    c.loss_fn_inputs["target_tokens"] = d.loss_fn_inputs.at("target_tokens");
    c.loss_fn_inputs["weights"] = TensorData::floats(w);
    ce.push_back(c);
  }
  ForwardBackwardResult r;
  m->zero_grad();
  EMU_ASSERT_OK(m->forward_backward(rl, "cispo", {}, &r));
  std::vector<std::vector<double>> cispo;
  for (size_t i = 0; i < m->num_parameter_tensors(); ++i) {
    ParameterView p = m->parameter(i);
    cispo.emplace_back(p.grad, p.grad + p.rows * p.cols);
  }
  m->zero_grad();
  EMU_ASSERT_OK(m->forward_backward(ce, "cross_entropy", {}, &r));
  for (size_t i = 0; i < m->num_parameter_tensors(); ++i) {
    ParameterView p = m->parameter(i);
    double diff = 0, norm = 0;
    for (int j = 0; j < p.rows * p.cols; ++j) {
      diff += (p.grad[j] - cispo[i][j]) * (p.grad[j] - cispo[i][j]);
      norm += p.grad[j] * p.grad[j];
    }
    if (!(norm > 0) || std::sqrt(diff / norm) > 1e-5)
      fail_msg("%s: CISPO and weighted cross_entropy gradients differ (relative %g)", p.name,
               std::sqrt(diff / norm));
  }
}

// Each part alone: the code paths that skip absent parts compute the right gradient too.
void single_part_adapters_have_correct_gradients(void**) {
  for (int part = 0; part < 3; ++part) {
    LoraSpec l;
    l.train_attn = part == 0;
    l.train_mlp = part == 1;
    l.train_unembed = part == 2;
    auto m = randomised_model(l);
    assert_int_equal(m->num_parameter_tensors(), 2);
    check_gradient(m.get(), ce_batch(*m), "cross_entropy");
    check_gradient(m.get(), rl_batch(*m), "ppo");
  }
}

// PPO's clipped branch has no gradient: with every ratio far above the clip range and
// positive advantages, min() always picks the constant clipped term.
void ppo_fully_clipped_batch_has_zero_gradient(void**) {
  auto m = randomised_model(all_parts());
  std::vector<Datum> data = base_batch(*m);
  for (auto& d : data) {
    std::vector<float> lp;
    EMU_ASSERT_OK(m->target_logprobs(d.tokens, d.loss_fn_inputs["target_tokens"].i64, &lp));
    std::vector<float> q, a;
    for (float l : lp) {
      q.push_back(l - 1.0f);  // rho = e > 1.2
      a.push_back(1.0f);
    }
    d.loss_fn_inputs["logprobs"] = TensorData::floats(q);
    d.loss_fn_inputs["advantages"] = TensorData::floats(a);
  }
  m->zero_grad();
  ForwardBackwardResult r;
  EMU_ASSERT_OK(m->forward_backward(data, "ppo", {}, &r));
  size_t terms = 0;
  for (const auto& o : r.outputs) terms += o.logprobs.size();
  EMU_ASSERT_NEAR(r.metrics.at("loss:sum"), -1.2 * double(terms), 1e-9);
  for (size_t i = 0; i < m->num_parameter_tensors(); ++i) {
    ParameterView p = m->parameter(i);
    for (int j = 0; j < p.rows * p.cols; ++j) assert_true(p.grad[j] == 0.0);
  }
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(cross_entropy_gradient_matches_finite_differences),
      cmocka_unit_test(importance_sampling_gradient_matches_finite_differences),
      cmocka_unit_test(ppo_gradient_matches_finite_differences),
      cmocka_unit_test(ppo_gradient_with_configured_clip_matches_finite_differences),
      cmocka_unit_test(cispo_gradient_matches_finite_differences_where_clip_is_constant),
      cmocka_unit_test(cispo_gradient_equals_cross_entropy_weighted_by_clipped_ratio),
      cmocka_unit_test(single_part_adapters_have_correct_gradients),
      cmocka_unit_test(ppo_fully_clipped_batch_has_zero_gradient),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
