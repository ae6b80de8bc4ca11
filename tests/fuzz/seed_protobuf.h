// Hand-built protobuf pieces for hostile seeds, written with the codec's own wire primitives
// (wire/pb_writer.h) so that each seed is exactly the malformation it is named for.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wire/pb_writer.h"

namespace fuzz::pb {

using namespace tinker::wire::pb;

inline std::string le_i64s(const std::vector<int64_t>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * 8);
}

inline std::string len_field(uint32_t field, const std::string& payload) {
  std::string s;
  put_bytes_field(&s, field, payload.data(), payload.size());
  return s;
}

inline std::string varint_field(uint32_t field, uint64_t v) {
  std::string s;
  put_varint_field(&s, field, v);
  return s;
}

// BatchedTensor: data (1), offsets (2, int64 LE byte offsets), dtype (3), trailing_shape (4).
inline std::string batched(const std::string& data, const std::vector<int64_t>& offsets, int dtype,
                           const std::vector<int64_t>& trailing) {
  std::string s;
  if (!data.empty()) s += len_field(1, data);
  s += len_field(2, le_i64s(offsets));
  s += varint_field(3, static_cast<uint64_t>(dtype));
  put_packed_int64_field(&s, 4, trailing.data(), trailing.size());
  return s;
}

// ArrayRecord: fields (2, map<string, BatchedTensor>), num_datums (3; omitted when 0).
inline std::string record(const std::vector<std::pair<std::string, std::string>>& fields, int64_t num_datums) {
  std::string s;
  for (const auto& [name, bt] : fields) s += len_field(2, len_field(1, name) + len_field(2, bt));
  if (num_datums != 0) s += varint_field(3, static_cast<uint64_t>(num_datums));
  return s;
}

// ForwardBackwardOutput: loss_fn_output_type (1), loss_fn_outputs (2), metrics (3).
inline std::string output(const std::string& type, const std::vector<std::string>& records) {
  std::string s;
  if (!type.empty()) s += len_field(1, type);
  for (const std::string& r : records) s += len_field(2, r);
  return s;
}

inline std::string zero_offsets_record(const std::string& name, size_t datums, const std::vector<int64_t>& trailing) {
  return record({{name, batched("", std::vector<int64_t>(datums + 1, 0), 1, trailing)}},
                static_cast<int64_t>(datums));
}

}  // namespace fuzz::pb
