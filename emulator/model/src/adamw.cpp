#include "adamw.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace tinker::emu {

Status validate_adam_params(const AdamParams& p) {
  auto bad = [](const char* name, double v, const char* rule) {
    return Status::user_error(std::string("adam_params.") + name + " = " + std::to_string(v) +
                              " is invalid: " + rule);
  };
  if (!(p.learning_rate >= 0) || !std::isfinite(p.learning_rate))
    return bad("learning_rate", p.learning_rate, "must be finite and >= 0");
  if (!(p.beta1 >= 0 && p.beta1 < 1)) return bad("beta1", p.beta1, "must be in [0, 1)");
  if (!(p.beta2 >= 0 && p.beta2 < 1)) return bad("beta2", p.beta2, "must be in [0, 1)");
  if (!(p.eps >= 0) || !std::isfinite(p.eps)) return bad("eps", p.eps, "must be finite and >= 0");
  if (!(p.weight_decay >= 0) || !std::isfinite(p.weight_decay))
    return bad("weight_decay", p.weight_decay, "must be finite and >= 0");
  if (!(p.grad_clip_norm >= 0) || !std::isfinite(p.grad_clip_norm))
    return bad("grad_clip_norm", p.grad_clip_norm, "must be finite and >= 0 (0 = no clipping)");
  return Status::ok();
}

double adamw_step(const AdamParams& p, TensorBuffers* grads, AdamState* state, Adapter* adapter) {
  double sq = 0.0;
  for (const auto& g : *grads)
    for (double x : g) sq += x * x;
  const double norm = std::sqrt(sq);
  const double clip =
      (p.grad_clip_norm > 0 && norm > p.grad_clip_norm) ? p.grad_clip_norm / norm : 1.0;

  state->step += 1;
  const double t = static_cast<double>(state->step);
  const double bc1 = 1.0 - std::pow(p.beta1, t);
  const double bc2 = 1.0 - std::pow(p.beta2, t);
  const double decay = 1.0 - p.learning_rate * p.weight_decay;

  for (size_t i = 0; i < adapter->tensors.size(); ++i) {
    auto& value = adapter->tensors[i].value;
    auto& g = (*grads)[i];
    auto& m = state->m[i];
    auto& v = state->v[i];
    for (size_t j = 0; j < value.size(); ++j) {
      const double gj = g[j] * clip;
      m[j] = p.beta1 * m[j] + (1.0 - p.beta1) * gj;
      v[j] = p.beta2 * v[j] + (1.0 - p.beta2) * gj * gj;
      const double denom = std::sqrt(v[j] / bc2) + p.eps;
      value[j] *= decay;
      // denom is 0 only when eps = 0 and v = 0, and then m = 0 too: no update, not 0/0.
      if (denom > 0) value[j] -= p.learning_rate * (m[j] / bc1) / denom;
    }
    std::fill(g.begin(), g.end(), 0.0);
  }
  return norm;
}

}  // namespace tinker::emu
