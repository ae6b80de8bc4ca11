// The server-side loss functions (protocol.md §6.4, §7.3), one term at a time.
// A batch's loss is the sum of its terms (no averaging), L = sum_j f(l_j), where l_j is the
// model's log p(target_j | context_j) and f depends on the loss:
//   cross_entropy        f = -w * l
//   importance_sampling  f = -rho * A,                          rho = exp(l - q)
//   ppo                  f = -min(rho * A, clip(rho, lo, hi) * A)
//   cispo                f = -sg(clip(rho, lo, hi)) * A * l     (sg = stop-gradient)
// q is the sampling-time logprob, A the advantage, w the weight.
#pragma once

#include <string>

#include "emu_model/status.h"

namespace tinker::emu {

enum class LossKind { kCrossEntropy, kImportanceSampling, kPpo, kCispo };

// A user error listing the supported names for anything else (e.g. "dro").
Status parse_loss_kind(const std::string& name, LossKind* kind);
const char* loss_kind_name(LossKind kind);
// Whether the loss reads the clip thresholds (ppo, cispo).
bool loss_uses_clip(LossKind kind);

// Defaults of the clip thresholds when neither loss_fn_config nor loss_fn_inputs set them.
inline constexpr double kDefaultClipLow = 0.8;
inline constexpr double kDefaultClipHigh = 1.2;

struct TermInputs {
  double weight = 1.0;            // cross_entropy
  double sampling_logprob = 0.0;  // q: importance_sampling, ppo, cispo
  double advantage = 0.0;         // A: importance_sampling, ppo, cispo
  double clip_low = kDefaultClipLow;
  double clip_high = kDefaultClipHigh;
};

struct TermLoss {
  double value;  // f(l)
  double dlogp;  // df/dl
};

TermLoss term_loss(LossKind kind, double logp, const TermInputs& in);

}  // namespace tinker::emu
