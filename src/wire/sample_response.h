// SampleResponse on the wire (protocol.md §1.6.1, §7.9): the client's decoder and the
// emulator's encoder.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "wire/messages.h"

namespace tinker::wire {

// The "no data" cell of a top-k matrix (protocol.md §1.6.1): token 0 with logprob -99999.0.
constexpr float kTopkMaskLogprob = -99999.0f;

// Decodes a retrieve_future protobuf result of a sample (§1.6.1 "Decoding rules"): an unknown
// stop_reason is an error; empty logprobs / prompt_logprobs bytes mean "absent"; top-k is kept
// only if prompt_length > 0 and k > 0 (its byte fields must hold at least N×K cells; extra
// bytes are ignored, as the official client does). Fails with a message on malformed protobuf
// or byte lengths that are not whole elements.
//
// What a body can make it allocate is bounded by the body: arrays are sized from the bytes
// present, a top-k matrix's declared prompt_length × k is checked against its bytes before it
// is allocated, and sequences are counted first and refused beyond kMaxSampleSequences (an
// empty one is 2 bytes on the wire and ~64 decoded).
bool decode_sample_response(std::string_view body, SampleResponse* out, std::string* err);

// Far above any num_samples a sampler serves.
constexpr size_t kMaxSampleSequences = size_t{1} << 20;

// Row `row` of a top-k matrix with the sentinel rules applied: 0 when the row's first cell is the
// sentinel (no data at this position, the official client's None); otherwise the number of
// leading cells left after trimming trailing sentinel cells (>= 1). The cells are
// token_ids[row * k + i], logprobs[row * k + i] for i < the returned length.
size_t topk_row_length(const TopkPromptLogprobs& t, size_t row);

// Emulator side. Optional fields are written when present (even if empty); fails when a top-k
// matrix does not have prompt_length × k cells in both arrays.
bool encode_sample_response(const SampleResponse& r, std::string* out, std::string* err);

}  // namespace tinker::wire
