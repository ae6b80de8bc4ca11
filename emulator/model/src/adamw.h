// AdamW with optional global-norm gradient clipping (protocol.md §7.5).
// For each trainable element, with g the accumulated gradient and t the new step count:
//   n     = sqrt(sum of g^2 over all tensors)            (reported as grad_norm:mean)
//   g    *= c / n   when grad_clip_norm c > 0 and n > c
//   m     = beta1 * m + (1 - beta1) * g
//   v     = beta2 * v + (1 - beta2) * g^2
//   p    *= 1 - lr * weight_decay                        (decoupled decay, as PyTorch AdamW)
//   p    -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
#pragma once

#include <cstdint>

#include "adapter.h"
#include "emu_model/status.h"
#include "emu_model/training_types.h"

namespace tinker::emu {

struct AdamState {
  TensorBuffers m;
  TensorBuffers v;
  int64_t step = 0;
};

// A user error naming the first parameter out of range, or ok.
Status validate_adam_params(const AdamParams& p);

// Applies one step to adapter using grads, then zeroes grads. Returns the pre-clip norm.
double adamw_step(const AdamParams& p, TensorBuffers* grads, AdamState* state, Adapter* adapter);

}  // namespace tinker::emu
