// AdamW as documented (protocol.md §7.5): bias-corrected moments, decoupled weight decay,
// global-norm gradient clipping, parameter validation.
#include "test_support.h"

using namespace emu_test;

namespace {

struct Trained {
  std::unique_ptr<Model> model;
  std::vector<double> grad;  // the accumulated gradient, flattened
  double norm = 0;
};

// A model with a non-trivial accumulated gradient (B randomised so every tensor has one).
Trained with_gradient() {
  Trained t;
  t.model = make_model(small_config());
  randomise_parameters(t.model.get(), 17);
  ForwardBackwardResult r;
  EMU_ASSERT_OK(t.model->forward_backward({next_token_datum(token_sequence(40, 32, 9))},
                                          "cross_entropy", {}, &r));
  for (size_t i = 0; i < t.model->num_parameter_tensors(); ++i) {
    ParameterView p = t.model->parameter(i);
    t.grad.insert(t.grad.end(), p.grad, p.grad + p.rows * p.cols);
  }
  for (double g : t.grad) t.norm += g * g;
  t.norm = std::sqrt(t.norm);
  return t;
}

std::vector<double> first_moments(Model* m) {
  std::vector<double> out;
  for (size_t i = 0; i < m->num_parameter_tensors(); ++i) {
    ParameterView p = m->parameter(i);
    out.insert(out.end(), p.adam_m, p.adam_m + p.rows * p.cols);
  }
  return out;
}

// p <- p * (1 - lr * wd) exactly when the gradient is zero (decoupled decay: it does not go
// through the moments, so it applies even without a gradient).
void weight_decay_without_gradient_scales_weights_by_one_minus_lr_times_wd(void**) {
  auto m = make_model(small_config());
  randomise_parameters(m.get(), 4);
  const auto before = snapshot_parameters(m.get());
  AdamParams p;
  p.learning_rate = 0.1;
  p.weight_decay = 0.5;
  Metrics metrics;
  EMU_ASSERT_OK(m->optim_step(p, &metrics));
  const auto after = snapshot_parameters(m.get());
  for (size_t i = 0; i < before.size(); ++i) assert_true(after[i] == before[i] * (1.0 - 0.1 * 0.5));
}

// With bias correction, the first step moves each parameter by lr * g / |g| (up to eps):
// exactly lr wherever the gradient is non-zero.
void first_step_moves_each_parameter_by_the_learning_rate(void**) {
  Trained t = with_gradient();
  const auto before = snapshot_parameters(t.model.get());
  AdamParams p;
  p.learning_rate = 0.01;
  Metrics metrics;
  EMU_ASSERT_OK(t.model->optim_step(p, &metrics));
  const auto after = snapshot_parameters(t.model.get());
  size_t moved = 0;
  for (size_t i = 0; i < before.size(); ++i) {
    if (t.grad[i] == 0) continue;
    ++moved;
    // eps = 1e-12 shortens the step of a tiny gradient by lr * eps / |g|.
    const double tol = 1e-14 + 0.01 * 1e-12 / std::fabs(t.grad[i]);
    EMU_ASSERT_NEAR(before[i] - after[i], t.grad[i] > 0 ? 0.01 : -0.01, tol);
  }
  assert_true(moved > before.size() / 2);
  EMU_ASSERT_NEAR(metrics.at("grad_norm:mean"), t.norm, 1e-9 * t.norm);
  EMU_ASSERT_NEAR(metrics.at("learning_rate:mean"), 0.01, 0);
}

// Two steps with the same gradient follow the formulas in adamw.h to the last bit.
void two_steps_match_the_adamw_formula(void**) {
  Trained t = with_gradient();
  const auto p0 = snapshot_parameters(t.model.get());
  AdamParams p;
  p.learning_rate = 0.003;
  p.beta1 = 0.8;
  p.beta2 = 0.9;
  p.eps = 1e-8;
  p.weight_decay = 0.1;
  Metrics metrics;
  EMU_ASSERT_OK(t.model->optim_step(p, &metrics));
  // Step 1 from its gradient; step 2 (below) from a fresh gradient at the new point.
  std::vector<double> expect(p0.size());
  for (size_t i = 0; i < p0.size(); ++i) {
    const double g = t.grad[i];
    const double m1 = (1 - p.beta1) * g, v1 = (1 - p.beta2) * g * g;
    double x = p0[i] * (1 - p.learning_rate * p.weight_decay);
    x -= p.learning_rate * (m1 / (1 - p.beta1)) / (std::sqrt(v1 / (1 - p.beta2)) + p.eps);
    expect[i] = x;
  }
  assert_true(same_bits(expect, snapshot_parameters(t.model.get())));

  ForwardBackwardResult r;
  EMU_ASSERT_OK(t.model->forward_backward({next_token_datum(token_sequence(40, 32, 9))},
                                          "cross_entropy", {}, &r));
  std::vector<double> g2;
  for (size_t i = 0; i < t.model->num_parameter_tensors(); ++i) {
    ParameterView v = t.model->parameter(i);
    g2.insert(g2.end(), v.grad, v.grad + v.rows * v.cols);
  }
  const auto p1 = snapshot_parameters(t.model.get());
  EMU_ASSERT_OK(t.model->optim_step(p, &metrics));
  const double bc1 = 1 - std::pow(p.beta1, 2.0), bc2 = 1 - std::pow(p.beta2, 2.0);
  for (size_t i = 0; i < p0.size(); ++i) {
    const double g = t.grad[i];
    const double m1 = (1 - p.beta1) * g, v1 = (1 - p.beta2) * g * g;
    const double m2 = p.beta1 * m1 + (1 - p.beta1) * g2[i];
    const double v2 = p.beta2 * v1 + (1 - p.beta2) * g2[i] * g2[i];
    double x = p1[i] * (1 - p.learning_rate * p.weight_decay);
    x -= p.learning_rate * (m2 / bc1) / (std::sqrt(v2 / bc2) + p.eps);
    expect[i] = x;
  }
  assert_true(same_bits(expect, snapshot_parameters(t.model.get())));
  assert_int_equal(t.model->optimizer_step_count(), 2);
}

// grad_clip_norm c < |g|: the step uses g * c / |g|, so the first moment (1 - beta1) * g'
// has norm (1 - beta1) * c; the reported grad_norm is the norm before clipping.
void grad_clip_scales_the_gradient_to_the_clip_norm(void**) {
  Trained t = with_gradient();
  AdamParams p;
  p.grad_clip_norm = t.norm / 4;
  Metrics metrics;
  EMU_ASSERT_OK(t.model->optim_step(p, &metrics));
  const auto m = first_moments(t.model.get());
  double norm = 0;
  for (size_t i = 0; i < m.size(); ++i) {
    norm += m[i] * m[i];
    EMU_ASSERT_NEAR(m[i], (1 - p.beta1) * t.grad[i] / 4, 1e-12 * t.norm);
  }
  EMU_ASSERT_NEAR(std::sqrt(norm) / (1 - p.beta1), p.grad_clip_norm, 1e-9 * t.norm);
  EMU_ASSERT_NEAR(metrics.at("grad_norm:mean"), t.norm, 1e-9 * t.norm);
}

void grad_clip_above_the_norm_leaves_the_gradient_unchanged(void**) {
  Trained t = with_gradient();
  AdamParams p;
  p.grad_clip_norm = t.norm * 2;
  Metrics metrics;
  EMU_ASSERT_OK(t.model->optim_step(p, &metrics));
  const auto m = first_moments(t.model.get());
  for (size_t i = 0; i < m.size(); ++i) assert_true(m[i] == (1 - p.beta1) * t.grad[i]);
}

void invalid_adam_params_are_user_errors_and_change_nothing(void**) {
  Trained t = with_gradient();
  const auto before = snapshot_parameters(t.model.get());
  Metrics metrics;
  AdamParams p;
  p.beta1 = 1.0;
  EMU_ASSERT_USER_ERROR(t.model->optim_step(p, &metrics), "beta1");
  p = AdamParams();
  p.learning_rate = -1;
  EMU_ASSERT_USER_ERROR(t.model->optim_step(p, &metrics), "learning_rate");
  p = AdamParams();
  p.grad_clip_norm = NAN;
  EMU_ASSERT_USER_ERROR(t.model->optim_step(p, &metrics), "grad_clip_norm");
  p = AdamParams();
  p.weight_decay = -0.1;
  EMU_ASSERT_USER_ERROR(t.model->optim_step(p, &metrics), "weight_decay");
  assert_true(same_bits(before, snapshot_parameters(t.model.get())));
  assert_int_equal(t.model->optimizer_step_count(), 0);
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(weight_decay_without_gradient_scales_weights_by_one_minus_lr_times_wd),
      cmocka_unit_test(first_step_moves_each_parameter_by_the_learning_rate),
      cmocka_unit_test(two_steps_match_the_adamw_formula),
      cmocka_unit_test(grad_clip_scales_the_gradient_to_the_clip_norm),
      cmocka_unit_test(grad_clip_above_the_norm_leaves_the_gradient_unchanged),
      cmocka_unit_test(invalid_adam_params_are_user_errors_and_change_nothing),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
