// asample bodies between the wire codecs (src/wire/json_sample.h, wire/sample_response.h) and
// the model library (emu_model/sampling_types.h): a decoded request checked against the
// emulator's limits and turned into the model's request, and the model's result turned into a
// SampleResponse job result, read as protobuf or as the legacy JSON form (protocol.md §1.6,
// §7.7-§7.9). docs/emulator.md "Sampling" documents every rule here.
#pragma once

#include <cstdint>
#include <string>

#include "emu_model/sampling_types.h"
#include "jobs.h"
#include "wire/json_sample.h"

namespace emu {

// Limits of one sample request. Each keeps one request's work and memory bounded; a request
// beyond one is a 400 naming the field.
inline constexpr int64_t kDefaultMaxTokens = 16;        // when sampling_params has none
inline constexpr int64_t kMaxNumSamples = 1024;
inline constexpr int64_t kMaxMaxTokens = 32768;
inline constexpr int64_t kMaxGeneratedTokens = 1 << 20;  // num_samples x max_tokens
inline constexpr int64_t kMaxPromptTokens = 131072;
inline constexpr int64_t kMaxTopkPromptLogprobs = 1024;
inline constexpr int64_t kMaxTopkCells = 1 << 24;        // prompt tokens x min(k, V)
inline constexpr size_t kMaxStops = 64;                  // stop strings or stop token ids
inline constexpr size_t kMaxStopStringBytes = 1024;

// The model's request for a decoded asample body, on a model with vocabulary `vocab` (named
// `base_model` in messages). Stop strings become byte sequences (token id = byte value), stop
// token ids stay ids, a missing seed becomes a random one, a top_k above the vocabulary keeps
// every token. False with a message naming the offending field.
bool to_model_request(const tinker::wire::SampleRequest& in, int vocab,
                      const std::string& base_model, tinker::emu::SampleRequest* out,
                      std::string* err);

// The SampleResponse of a model result: per sequence its tokens, logprobs and stop reason;
// prompt logprobs when the request asked for them; top-k prompt logprobs when it asked for
// k > 0 and the prompt is not empty (the SDK reads no matrix otherwise, §1.6.1).
tinker::wire::SampleResponse to_wire_response(tinker::emu::SampleResult&& r,
                                              const tinker::emu::SampleRequest& req);

// The finished job result: protobuf, converted exactly to the legacy JSON form for a poll
// whose Accept does not ask for protobuf (jobs.h JobResult::render).
JobResult sample_job_result(const tinker::wire::SampleResponse& response);

}  // namespace emu
