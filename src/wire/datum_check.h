// Validation of a DatumView before it is encoded, shared by the protobuf and the JSON encoders
// so that both accept exactly the same inputs (apart from image_asset_pointer, which only JSON
// can carry: protocol.md §7.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "wire/views.h"

namespace tinker::wire {

enum class AssetPointers { REJECT, ALLOW };

// Checks chunks and tensors of datum number `di` (used in messages): null pointers with a
// non-zero length, image formats, dtypes, shapes against element counts, sparse CSR layout.
// Token ranges are checked while encoding (the protobuf encoder narrows in the same pass).
bool check_datum(const DatumView& d, size_t di, AssetPointers assets, std::string* err);

// Token ids travel as int32 (protocol.md §1.6.1): checks every int64 token array of the datum.
// The protobuf encoder does not call this; it checks while narrowing, in the same pass.
bool check_token_ranges(const DatumView& d, size_t di, std::string* err);

// The message for the first token of t[0..n) outside int32 (false), or true if there is none.
bool check_tokens_int32(const int64_t* t, size_t n, size_t di, size_t ci, std::string* err);

// Indices of d.loss_fn_inputs sorted by name (the deterministic map order of both encoders);
// fails on a repeated name.
bool sorted_loss_inputs(const DatumView& d, size_t di, std::vector<uint32_t>* order,
                        std::string* err);

}  // namespace tinker::wire
