// Inputs and outputs of forward, forward_backward and optim_step (protocol.md §6.4, §7.3-§7.5).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "emu_model/tensor_data.h"

namespace tinker::emu {

// Metric name -> value. Keys always have the form `name:reduction` (§6.3, §10 item 7).
using Metrics = std::map<std::string, double>;

// loss_fn_config (§6.4): the PPO/CISPO clip thresholds (docs: "Losses").
using LossFnConfig = std::map<std::string, double>;

struct Datum {
  // The model_input tokens, all chunks concatenated (the HTTP layer rejects non-text chunks).
  std::vector<int64_t> tokens;
  // loss_fn_inputs by name: target_tokens, weights, logprobs, advantages, clip_*_threshold.
  std::map<std::string, TensorData> loss_fn_inputs;
};

// One datum's entry of loss_fn_outputs (§7.4).
struct LossFnOutput {
  // log p(target | context) per target element, in target_tokens' layout.
  std::vector<float> logprobs;
  // target_tokens' shape: [N] or [N, K].
  std::vector<int64_t> shape;
};

struct ForwardBackwardResult {
  std::vector<LossFnOutput> outputs;  // one per datum, in input order
  Metrics metrics;                    // `loss:sum`
};

// §7.5. Defaults are the SDK's.
struct AdamParams {
  double learning_rate = 1e-4;
  double beta1 = 0.9;
  double beta2 = 0.95;
  double eps = 1e-12;
  double weight_decay = 0.0;    // decoupled (AdamW)
  double grad_clip_norm = 0.0;  // 0 = no clipping; else the global L2 norm is capped to it
};

}  // namespace tinker::emu
