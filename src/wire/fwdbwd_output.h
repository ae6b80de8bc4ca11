// ForwardBackwardOutput on the wire (protocol.md §1.6.1): the client's decoder and the
// emulator's encoder.
#pragma once

#include <cstddef>
#include <cstdint>
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
// It also refuses results beyond the limits below, before allocating any output.
bool decode_forward_backward_output(std::string_view body, ForwardBackwardOutput* out,
                                    std::string* err);

// Limits on what a result body can make the decoders allocate. The official client has none,
// and the protobuf form amplifies: a record's trailing_shape and field names are copied into
// every datum, so a 1.8 MB "shape bomb" (200,000 trailing dimensions × 200,000 empty datums)
// used to ask for ~320 GB.
//  - kMaxOutputDatums datums in total (a field-less record would otherwise get any number of
//    empty datums from a few bytes).
//  - kMaxTensorDims dimensions per output tensor, the leading one included (so at most 7 in a
//    trailing_shape). Real outputs are 1-D or 2-D. The JSON decoder applies it to "shape".
//  - decoded_output_bytes(result) <= max_decoded_output_bytes(body size) =
//    kDecodedBytesPerBodyByte × body + kDecodedBytesAllowance (32 × body + 1 MiB), checked on
//    the sizes alone before anything is allocated. Honest results stay below it: widening
//    bfloat16 / int32 doubles their bytes, and an empty datum, the worst case, costs about 19×
//    its 8 offset bytes. What exceeds it is a name or shape repeated per datum (a 64 KiB field
//    name × 100,000 datums is 6.5 GB from 0.9 MB).
constexpr size_t kMaxOutputDatums = size_t{1} << 20;
constexpr size_t kMaxTensorDims = 8;
constexpr uint64_t kDecodedBytesPerBodyByte = 32;
constexpr uint64_t kDecodedBytesAllowance = uint64_t{1} << 20;

uint64_t max_decoded_output_bytes(size_t body_size);

// What the budget counts: per datum sizeof(LossFnOutput); per tensor
// sizeof(std::pair<std::string, OutputTensor>), its name's length, 8 bytes per dimension and
// its widened elements (4 bytes per float, 8 per int); per metric
// sizeof(std::pair<std::string, double>) and its key's length. Heap bookkeeping is not counted.
uint64_t decoded_output_bytes(const ForwardBackwardOutput& o);

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
