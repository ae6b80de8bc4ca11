// forward_backward_custom (protocol.md §6.5): the objects a custom loss callback sees.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "client/metrics.h"
#include "wire/messages.h"
#include "wire/views.h"

namespace tinker {

// A datum the library owns (the caller may free its arrays once the call returned): the
// model-input chunks, target_tokens and weights, the only loss inputs §6.5 allows.
struct OwnedDatum {
  std::vector<std::vector<uint8_t>> buffers;  // backing store of the chunks' arrays
  std::vector<wire::ChunkView> chunks;
  std::vector<int64_t> target_tokens;
  std::vector<int64_t> target_shape;
  std::optional<std::vector<float>> weights;
  // A view with `weights` as the weights input (same shape as target_tokens).
  wire::DatumView view(const std::vector<float>& weights) const;
};

}  // namespace tinker

struct tinker_custom_loss_input {
  const std::vector<tinker::OwnedDatum>* data = nullptr;
  std::vector<const tinker::wire::OutputTensor*> logprobs;  // per datum
};

struct tinker_custom_loss_output {
  std::optional<double> loss;
  std::vector<std::optional<std::vector<float>>> gradients;  // per datum
  std::vector<size_t> expected_counts;                       // logprob count per datum
  tinker::Metrics metrics;
};
