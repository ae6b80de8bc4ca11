// The objects behind the training API's opaque C handles: input builders (borrowed views, see
// tinker.h "Training inputs") and results.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "client/metrics.h"
#include "client/api_results.h"
#include "tinker/tinker.h"
#include "wire/messages.h"
#include "wire/metrics.h"
#include "wire/string_map.h"
#include "wire/views.h"

// ---- input builders ---------------------------------------------------------------------------

struct tinker_model_input {
  std::vector<tinker::wire::ChunkView> chunks;
};

struct tinker_datum {
  tinker::wire::DatumView view;
};

struct tinker_batch {
  std::vector<tinker::wire::DatumView> datums;
};

struct tinker_loss_fn_config {
  std::map<std::string, double> values;
};


// ---- results ----------------------------------------------------------------------------------

struct tinker_tensor {
  tinker::wire::OutputTensor t;
};

struct tinker_forward_backward_output final : tinker::Result {
  std::string loss_fn_output_type;
  std::vector<std::vector<std::pair<std::string, tinker_tensor>>> outputs;  // per datum
  tinker_metrics metrics;
  tinker::ResultKind kind() const override { return &tinker::result_types::ForwardBackwardOutput; }
};

namespace tinker {
// Moves a decoded wire output into the C result object.
std::unique_ptr<tinker_forward_backward_output> to_result(wire::ForwardBackwardOutput&& o);
}  // namespace tinker
