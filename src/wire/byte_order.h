// Every multi-byte number inside a protobuf `bytes` field is little-endian (protocol.md §1.6).
// The codec copies caller arrays to and from the wire with memcpy, which is only right on a
// little-endian host; a big-endian port would need byte swaps in src/wire/ (and nowhere else).
#pragma once

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "src/wire assumes a little-endian host (packed arrays are memcpy'd to the wire)"
#endif

#include <cstdint>
#include <cstring>

namespace tinker::wire {

inline uint64_t load_u64le(const void* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline uint32_t load_u32le(const void* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

}  // namespace tinker::wire
