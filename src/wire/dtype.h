// Element types of tensors on the wire (protocol.md §1.6.1 `DType`) and the bfloat16 helpers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace tinker::wire {

// Numbers are the protobuf enum values.
enum class DType : int32_t {
  UNSPECIFIED = 0,
  FLOAT32 = 1,
  INT64 = 2,
  INT32 = 3,
  BFLOAT16 = 4,
};

// Bytes per element; 0 for UNSPECIFIED or a number outside the enum.
inline size_t dtype_size(DType d) {
  switch (d) {
    case DType::FLOAT32: return 4;
    case DType::INT64: return 8;
    case DType::INT32: return 4;
    case DType::BFLOAT16: return 2;
    default: return 0;
  }
}

// True for FLOAT32 and BFLOAT16 (both surface as float32, protocol.md §1.6.1).
inline bool dtype_is_float(DType d) { return d == DType::FLOAT32 || d == DType::BFLOAT16; }

// The public label of a wire dtype: FLOAT32/BFLOAT16 → "float32", INT64/INT32 → "int64"
// (protocol.md §1.6.1, §7.2); nullptr for anything else.
const char* dtype_public_name(DType d);

// Wire enum number → DType, or UNSPECIFIED when the number is not a usable dtype.
DType dtype_from_wire(int64_t v);

// bfloat16 is the high half of a float32: widening is exact.
inline float bf16_to_float(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// Rounds to nearest, ties to even; NaN stays NaN (quiet).
uint16_t float_to_bf16(float f);

}  // namespace tinker::wire
