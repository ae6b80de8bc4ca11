#include "wire/dtype.h"

namespace tinker::wire {

const char* dtype_public_name(DType d) {
  switch (d) {
    case DType::FLOAT32:
    case DType::BFLOAT16: return "float32";
    case DType::INT64:
    case DType::INT32: return "int64";
    default: return nullptr;
  }
}

DType dtype_from_wire(int64_t v) {
  switch (v) {
    case 1: return DType::FLOAT32;
    case 2: return DType::INT64;
    case 3: return DType::INT32;
    case 4: return DType::BFLOAT16;
    default: return DType::UNSPECIFIED;
  }
}

uint16_t float_to_bf16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0)
    return static_cast<uint16_t>((bits >> 16) | 0x0040u);  // keep NaN a (quiet) NaN
  uint32_t rounding = 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>((bits + rounding) >> 16);
}

}  // namespace tinker::wire
