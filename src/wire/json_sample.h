// Sampling in JSON (protocol.md §7.7–§7.9): the asample request, which is JSON on every
// protocol version, and the legacy JSON SampleResponse (protobuf is the current form,
// wire/sample_response.h). Client and emulator sides share the types.
//
// Request body, as a sampling client sends it (fields in this order):
//   {"num_samples": int, "prompt": {"chunks": [Chunk...]},
//    "sampling_params": {"max_tokens"?: int, "seed"?: int, "stop"?: [str] | [int],
//                        "temperature": num, "top_k": int, "top_p": num},
//    "sampling_session_id": str, "seq_id": int, "prompt_logprobs": bool,
//    "topk_prompt_logprobs": int, "type": "sample"}
// Legacy result:
//   {"sequences": [{"stop_reason": "stop"|"length", "tokens": [int], "logprobs"?: [num]}],
//    "prompt_logprobs"?: [num|null], "topk_prompt_logprobs"?: [null | [[id, logprob]...]],
//    "prompt_cache_hit_tokens"?: int, "type": "sample"}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/messages.h"
#include "wire/views.h"

namespace tinker::wire {

// §7.7. The three defaults are always sent; max_tokens and seed only when set. At most one of
// stop_strings / stop_tokens is non-empty.
struct SamplingParams {
  std::optional<int64_t> max_tokens;
  std::optional<int64_t> seed;
  std::vector<std::string> stop_strings;
  std::vector<int32_t> stop_tokens;
  double temperature = 1.0;
  int64_t top_k = -1;  // -1: no limit
  double top_p = 1.0;
};

// The fields of a sample request other than the prompt and the seq_id.
struct SampleRequestFields {
  std::string sampling_session_id;
  int64_t num_samples = 1;
  SamplingParams params;
  bool prompt_logprobs = false;
  int64_t topk_prompt_logprobs = 0;
};

// ---- client side -----------------------------------------------------------------------

// A prompt's JSON ({"chunks": [...]}), encoded once per sample call: every attempt of the call
// reuses it. Checks the chunks as the training encoders do (null arrays, image formats, int64
// token ids that do not fit int32); image_asset_pointer chunks are allowed. *out unchanged on
// failure.
bool encode_prompt_json(const std::vector<ChunkView>& chunks, std::string* out, std::string* err);

// One attempt's body around a prompt from encode_prompt_json.
void assemble_sample_request_json(const SampleRequestFields& f, std::string_view prompt_json, int64_t seq_id,
                                  std::string* out);

// Decodes a legacy JSON SampleResponse into the protobuf decoder's type, with its rules: an
// unknown stop_reason is an error, null prompt logprobs read as NaN, a top-k row that is null
// or empty has no data (the matrix's k is the longest row; shorter rows are padded with the
// sentinel). Bounded like the protobuf decoder (kMaxSampleSequences, a top-k matrix no larger
// than the text that describes it allows).
bool decode_sample_response_json(std::string_view body, SampleResponse* out, std::string* err);

// ---- emulator side ---------------------------------------------------------------------

struct SampleRequest {
  std::optional<std::string> sampling_session_id;
  std::optional<std::string> base_model;
  std::optional<std::string> model_path;
  std::optional<int64_t> seq_id;
  int64_t num_samples = 1;
  std::vector<InputChunk> prompt;
  SamplingParams params;
  bool prompt_logprobs = false;
  int64_t topk_prompt_logprobs = 0;
};

// Decodes a request body strictly: prompt.chunks and sampling_params are required; numbers must
// be whole where the protocol says int (num_samples >= 1, max_tokens >= 0, top_k >= -1,
// topk_prompt_logprobs >= 0), temperature >= 0, 0 < top_p <= 1; "stop" is a string, a list of
// strings or a list of int32 token ids; null stands for absent. The message names the field.
bool decode_sample_request_json(std::string_view body, SampleRequest* out, std::string* err);

// Appends a legacy JSON SampleResponse. NaN prompt logprobs are written as null, and top-k rows
// with no data as null.
void encode_sample_response_json(const SampleResponse& r, std::string* out);

}  // namespace tinker::wire
