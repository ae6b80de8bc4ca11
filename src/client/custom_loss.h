// forward_backward_custom (protocol.md §6.5) in two phases: `begin` runs the forward pass and
// yields a step (the loss input, and an output for the caller to fill), `finish` sends the
// backward pass. The callback form is begin, callback, finish.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/metrics.h"
#include "client/training_types.h"
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

struct TrainingRun;
class ClientContext;
class FutureState;

// Phase one: copies `data` (only target_tokens and weights allowed), runs forward with
// cross_entropy; the future's result is a tinker_custom_loss_step. Null with `err` on bad input.
std::shared_ptr<FutureState> begin_custom_loss(ClientContext& ctx, const std::shared_ptr<TrainingRun>& run,
                                               const std::vector<wire::DatumView>& data, Error* err);
// Phase two: reserves the next seq_id now and sends forward_backward with weights = -gradient;
// the future's result is the output with the step's metrics merged. Null with `err` when the step
// is incomplete, already finished or from another run (the step is then unchanged).
std::shared_ptr<FutureState> finish_custom_loss(ClientContext& ctx, const std::shared_ptr<TrainingRun>& run,
                                                tinker_custom_loss_step& step, Error* err);

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

// Phase one's result: everything phase two needs, owned.
struct tinker_custom_loss_step final : tinker::Result {
  std::shared_ptr<tinker::TrainingRun> run;  // `finish` must be called on the same run
  std::vector<tinker::OwnedDatum> data;
  std::unique_ptr<tinker_forward_backward_output> forward;
  tinker_custom_loss_input input;  // views into `data` and `forward`
  tinker_custom_loss_output output;
  bool finished = false;
  tinker::ResultKind kind() const override { return &tinker::result_types::CustomLossStep; }
};
