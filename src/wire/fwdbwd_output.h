// ForwardBackwardOutput on the wire (protocol.md §1.6.1): the client's decoder and the
// emulator's encoder.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "wire/messages.h"

namespace tinker::wire {

// Decodes a retrieve_future protobuf result of a forward / forward_backward (§1.6.1 "Decoding
// rules"):
//  - every ArrayRecord's BatchedTensors are sliced by their int64 *byte* offsets into
//    per-datum arrays; bfloat16 widens to float32, int32 to int64;
//  - per-datum shape = [numel / prod(trailing_shape), *trailing_shape];
//  - records are concatenated in order; a record contributes num_datums datums (or, for writers
//    predating num_datums, the datum count its fields agree on);
//  - loss_fn_output_type is reduced to the part after the last ':' when there are records, and
//    is the raw string, or "ArrayRecord" if empty, when there are none;
//  - metrics keep first-seen order; a repeated key keeps its last value.
// Where the official client would crash or silently misalign (a field missing from one
// record, offsets out of range or not on element boundaries, a datum count that does not
// match, a shape that does not divide the data), this returns false with a message instead.
// Also refuses more than kMaxOutputDatums datums in total.
bool decode_forward_backward_output(std::string_view body, ForwardBackwardOutput* out,
                                    std::string* err);

constexpr size_t kMaxOutputDatums = size_t{1} << 20;

// Emulator side. Writes `o` as records of consecutive datums that share, per field, the dtype
// kind and the trailing shape (a ragged output becomes several records); `loss_fn_output_type`
// is written as given (e.g. "module:Class"). Map keys are sorted, so bytes are deterministic.
struct OutputEncodeOptions {
  DType float_dtype = DType::FLOAT32;  // or BFLOAT16 (rounded to nearest even)
  DType int_dtype = DType::INT64;      // or INT32 (values must fit)
  size_t max_datums_per_record = 0;    // 0 = no limit
};

// Fails when datums disagree on their field names, a tensor's shape is empty or does not
// multiply out to its element count, or an int value does not fit INT32 when asked for.
bool encode_forward_backward_output(const ForwardBackwardOutput& o, std::string* out,
                                    std::string* err, const OutputEncodeOptions& opt = {});

}  // namespace tinker::wire
