// TensorData in JSON (protocol.md §7.2), shared by the legacy request and result codecs.
#pragma once

#include <cjson/cJSON.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "wire/json_writer.h"
#include "wire/messages.h"
#include "wire/views.h"

namespace tinker::wire {

struct CJsonFree {
  void operator()(cJSON* j) const { cJSON_Delete(j); }
};
using CJsonPtr = std::unique_ptr<cJSON, CJsonFree>;

// Writes {"data": [...], "dtype": ..., "shape"?: [...], "sparse_crow_indices"?: [...],
// "sparse_col_indices"?: [...]}; "shape" only when ndim > 0. dtype labels are the public ones.
void write_tensor_json(JsonWriter& w, DType dtype, const void* data, size_t numel,
                       const int64_t* shape, size_t ndim, const SparseCsrView* sparse);

// Reads a TensorData object into t (dtype FLOAT32 or INT64; shape as given, empty if absent).
bool read_tensor_json(const cJSON* node, const std::string& what, InputTensor* t,
                      std::string* err);

// Reads an array of JSON integers (which must be integral and fit int64).
bool read_int_array_json(const cJSON* arr, const std::string& what, std::vector<int64_t>* out,
                         std::string* err);

}  // namespace tinker::wire
