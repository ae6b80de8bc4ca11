// Protobuf wire-format primitives for the hand-written encoders: tags, varints and
// length-delimited fields appended to a std::string. Sizes are computed first (pb_*_size) so
// that every nested message is written once, straight into the output, with its length prefix.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "wire/byte_order.h"

namespace tinker::wire::pb {

enum WireType : uint32_t { VARINT = 0, I64 = 1, LEN = 2, SGROUP = 3, EGROUP = 4, I32 = 5 };

inline constexpr uint32_t tag(uint32_t field, WireType wt) { return (field << 3) | wt; }

inline size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// int32/int64/enum values are sign-extended to 64 bits before varint encoding (negative
// numbers take ten bytes), as every protobuf implementation does.
inline uint64_t signed_varint_value(int64_t v) { return static_cast<uint64_t>(v); }

inline void put_varint(std::string* out, uint64_t v) {
  char buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, n);
}

// Size of a length-delimited field (tag + length + payload); our field numbers are < 16, so
// every tag is one byte.
inline size_t len_field_size(size_t payload) { return 1 + varint_size(payload) + payload; }

inline void put_len_header(std::string* out, uint32_t field, size_t payload) {
  out->push_back(static_cast<char>(tag(field, LEN)));
  put_varint(out, payload);
}

inline void put_bytes_field(std::string* out, uint32_t field, const void* data, size_t n) {
  put_len_header(out, field, n);
  out->append(static_cast<const char*>(data), n);
}

inline void put_varint_field(std::string* out, uint32_t field, uint64_t v) {
  out->push_back(static_cast<char>(tag(field, VARINT)));
  put_varint(out, v);
}

inline void put_double_field(std::string* out, uint32_t field, double v) {
  out->push_back(static_cast<char>(tag(field, I64)));
  char b[8];
  std::memcpy(b, &v, 8);
  out->append(b, 8);
}

// map<string, double> entry: key (1) and value (2) are both always written, as libprotobuf
// does for map entries.
inline size_t string_double_entry_size(std::string_view key) {
  return len_field_size(key.size()) + 1 + 8;
}

inline void put_string_double_entry(std::string* out, uint32_t field, std::string_view key,
                                    double value) {
  put_len_header(out, field, string_double_entry_size(key));
  put_bytes_field(out, 1, key.data(), key.size());
  put_double_field(out, 2, value);
}

// Packed repeated int64 (e.g. Tensor.shape): payload size, then the payload.
inline size_t packed_int64_size(const int64_t* v, size_t n) {
  size_t s = 0;
  for (size_t i = 0; i < n; ++i) s += varint_size(signed_varint_value(v[i]));
  return s;
}

inline void put_packed_int64_field(std::string* out, uint32_t field, const int64_t* v,
                                   size_t n) {
  if (n == 0) return;  // proto3: an empty repeated field is absent
  put_len_header(out, field, packed_int64_size(v, n));
  for (size_t i = 0; i < n; ++i) put_varint(out, signed_varint_value(v[i]));
}

inline size_t packed_int64_field_size(const int64_t* v, size_t n) {
  return n == 0 ? 0 : len_field_size(packed_int64_size(v, n));
}

}  // namespace tinker::wire::pb
