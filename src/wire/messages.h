// Owned, decoded forms of the protocol's protobuf messages (protocol.md §1.6.1, §7.4, §7.9).
// Both sides use them: the client decodes results into them, the emulator decodes requests into
// them and encodes results from them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wire/dtype.h"
#include "wire/views.h"  // ChunkKind

namespace tinker::wire {

// ---- forward / forward_backward results ------------------------------------------------

// One per-datum output array, widened to the public dtypes (bfloat16 → float32, int32 → int64;
// protocol.md §1.6.1). Exactly one of f32 / i64 is used, chosen by is_float.
struct OutputTensor {
  bool is_float = true;
  std::vector<int64_t> shape;  // [leading, *trailing_shape]
  std::vector<float> f32;
  std::vector<int64_t> i64;

  size_t numel() const { return is_float ? f32.size() : i64.size(); }
};

// Fields of one datum, in wire order.
using LossFnOutput = std::vector<std::pair<std::string, OutputTensor>>;

struct ForwardBackwardOutput {
  std::string loss_fn_output_type;
  std::vector<LossFnOutput> outputs;  // one per datum, in input order
  std::vector<std::pair<std::string, double>> metrics;  // first-seen order; keys unique
};

// ---- sampling results ------------------------------------------------------------------

enum class StopReason : int32_t { STOP = 0, LENGTH = 1 };
const char* stop_reason_name(StopReason r);  // "stop" / "length"

struct SampledSequence {
  StopReason stop_reason = StopReason::STOP;
  std::vector<int32_t> tokens;
  std::optional<std::vector<float>> logprobs;  // absent when not sent (or sent empty)
};

// Dense prompt_length × k matrices; cells past a row's real entries hold the sentinel
// (token 0, logprob -99999.0). See topk_row_length() in wire/sample_response.h.
struct TopkPromptLogprobs {
  uint32_t prompt_length = 0;
  uint32_t k = 0;
  std::vector<int32_t> token_ids;  // row-major, prompt_length * k
  std::vector<float> logprobs;     // row-major, prompt_length * k
};

struct SampleResponse {
  std::vector<SampledSequence> sequences;
  std::optional<std::vector<float>> prompt_logprobs;  // NaN where undefined (e.g. index 0)
  std::optional<TopkPromptLogprobs> topk_prompt_logprobs;  // only when requested and k, N > 0
  int32_t prompt_cache_hit_tokens = 0;
};

// ---- forward / forward_backward requests (what the emulator receives) ------------------

// A loss input, widened like OutputTensor; `dtype` keeps the wire dtype. Sparse CSR tensors
// keep their non-zeros in f32 / i64 and their indices in crow / col.
struct InputTensor {
  DType dtype = DType::FLOAT32;
  std::vector<int64_t> shape;  // as sent; empty when no shape was sent
  std::vector<float> f32;
  std::vector<int64_t> i64;
  bool sparse = false;
  std::vector<int64_t> crow_indices;
  std::vector<int64_t> col_indices;

  bool is_float() const { return dtype_is_float(dtype); }
  size_t numel() const { return is_float() ? f32.size() : i64.size(); }
};

struct InputChunk {
  ChunkKind kind = ChunkKind::ENCODED_TEXT;
  std::vector<int32_t> tokens;  // ENCODED_TEXT
  std::string data;             // IMAGE bytes, DMEL bytes
  std::string format;           // IMAGE, IMAGE_ASSET_POINTER
  std::string location;         // IMAGE_ASSET_POINTER (JSON requests only)
  std::optional<int32_t> expected_tokens;
};

struct InputDatum {
  std::vector<InputChunk> chunks;
  std::vector<std::pair<std::string, InputTensor>> loss_fn_inputs;  // wire order, unique names
};

struct ForwardBackwardRequest {
  std::string model_id;
  int32_t seq_id = 0;
  std::vector<InputDatum> data;
  std::string loss_fn;
  std::map<std::string, double> loss_fn_config;
  bool forward_only = false;
};

}  // namespace tinker::wire
