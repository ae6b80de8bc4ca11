#include "loss_functions.h"

#include <algorithm>
#include <cmath>

namespace tinker::emu {

Status parse_loss_kind(const std::string& name, LossKind* kind) {
  if (name == "cross_entropy") {
    *kind = LossKind::kCrossEntropy;
  } else if (name == "importance_sampling") {
    *kind = LossKind::kImportanceSampling;
  } else if (name == "ppo") {
    *kind = LossKind::kPpo;
  } else if (name == "cispo") {
    *kind = LossKind::kCispo;
  } else {
    return Status::user_error("unsupported loss_fn '" + name +
                              "'; the emulator supports cross_entropy, importance_sampling, "
                              "ppo and cispo");
  }
  return Status::ok();
}

const char* loss_kind_name(LossKind kind) {
  switch (kind) {
    case LossKind::kCrossEntropy:
      return "cross_entropy";
    case LossKind::kImportanceSampling:
      return "importance_sampling";
    case LossKind::kPpo:
      return "ppo";
    case LossKind::kCispo:
      return "cispo";
  }
  return "?";
}

bool loss_uses_clip(LossKind kind) { return kind == LossKind::kPpo || kind == LossKind::kCispo; }

TermLoss term_loss(LossKind kind, double logp, const TermInputs& in) {
  switch (kind) {
    case LossKind::kCrossEntropy:
      return {-in.weight * logp, -in.weight};
    case LossKind::kImportanceSampling: {
      // d(rho)/dl = rho, so df/dl = -rho * A.
      const double rho = std::exp(logp - in.sampling_logprob);
      return {-rho * in.advantage, -rho * in.advantage};
    }
    case LossKind::kPpo: {
      const double rho = std::exp(logp - in.sampling_logprob);
      const double unclipped = rho * in.advantage;
      const double clipped = std::clamp(rho, in.clip_low, in.clip_high) * in.advantage;
      // The min picks the unclipped branch (gradient -rho * A) unless the clipped one is
      // smaller; the clipped branch is constant in l outside [lo, hi] and equals the
      // unclipped one inside, so its gradient is 0 whenever it is strictly chosen.
      if (unclipped <= clipped) return {-unclipped, -unclipped};
      return {-clipped, 0.0};
    }
    case LossKind::kCispo: {
      const double rho = std::exp(logp - in.sampling_logprob);
      const double coef = std::clamp(rho, in.clip_low, in.clip_high) * in.advantage;
      return {-coef * logp, -coef};
    }
  }
  return {0.0, 0.0};
}

}  // namespace tinker::emu
