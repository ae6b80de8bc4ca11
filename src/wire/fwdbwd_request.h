// ForwardBackwardRequest on the wire (protocol.md §1.6.1, §2.3): the client's encoder and the
// emulator's decoder.
//
// Encoding is split so that each datum is serialised once, when the caller hands it over
// (docs/design.md "Futures" rule 1), and chunk requests are assembled later by concatenation:
// `data` is a repeated length-delimited field, so a request is the header fields, then
// `tag(3) + length + datum bytes` per datum, then the trailing fields. The datum bytes are the
// caller's arrays copied once; nothing is copied per element except int64 token ids, which
// are narrowed to int32 on the way.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wire/messages.h"
#include "wire/views.h"

namespace tinker::wire {

// Appends the serialised `Datum` message (without a field tag or length) to *out. Fails,
// leaving *out as it was, on: an image_asset_pointer chunk (no protobuf form), a token id
// outside int32, an image format other than png/jpeg, a tensor whose shape does not match its
// element count, sparse CSR without a shape or with nnz != number of column indices, a
// repeated loss input name, or a null pointer with a non-zero length.
bool encode_datum(const DatumView& d, std::string* out, std::string* err);

// Appends a ForwardBackwardRequest built from `h` and datums that encode_datum produced. Never
// fails. Loss config keys are written sorted (std::map), so equal inputs give equal bytes.
void assemble_forward_backward_request(const RequestHeader& h,
                                       const std::vector<std::string_view>& datums,
                                       std::string* out);

// One-shot form of the two above: sizes everything first, reserves once, and writes every
// datum in place (no intermediate datum buffers). Same failure rules as encode_datum.
bool encode_forward_backward_request(const RequestHeader& h, const std::vector<DatumView>& data,
                                     std::string* out, std::string* err);

// Emulator side: parses a request body (already zstd-decompressed). Unknown fields are skipped;
// int32 and bfloat16 tensors are widened. Fails with a message on malformed protobuf, a chunk
// with no content, byte lengths that are not whole elements, an unknown dtype, or a shape that
// does not match the element count.
bool decode_forward_backward_request(std::string_view body, ForwardBackwardRequest* out,
                                     std::string* err);

// A view of a decoded datum (borrowing from `d`), e.g. to re-encode it. Tensors appear in their
// widened dtypes (FLOAT32 / INT64).
DatumView datum_view(const InputDatum& d);

}  // namespace tinker::wire
