#include "wire/json_tensor.h"

#include <cmath>
#include <limits>

#include "wire/fail.h"
#include "wire/tensor_layout.h"

namespace tinker::wire {

void write_tensor_json(JsonWriter& w, DType dtype, const void* data, size_t numel,
                       const int64_t* shape, size_t ndim, const SparseCsrView* sparse) {
  w.begin_object().key("data");
  switch (dtype) {
    case DType::FLOAT32: w.array_f32(static_cast<const float*>(data), numel); break;
    case DType::BFLOAT16: w.array_bf16(static_cast<const uint16_t*>(data), numel); break;
    case DType::INT64: w.array_i64(static_cast<const int64_t*>(data), numel); break;
    case DType::INT32: w.array_i32(static_cast<const int32_t*>(data), numel); break;
    default: w.begin_array().end_array(); break;
  }
  w.key("dtype").string(dtype_public_name(dtype) ? dtype_public_name(dtype) : "");
  if (ndim) w.key("shape").array_i64(shape, ndim);
  if (sparse) {
    w.key("sparse_crow_indices").array_i64(sparse->crow_indices, sparse->n_crow);
    w.key("sparse_col_indices").array_i64(sparse->col_indices, sparse->n_col);
  }
  w.end_object();
}

bool read_int_array_json(const cJSON* arr, const std::string& what, std::vector<int64_t>* out,
                         std::string* err) {
  if (!cJSON_IsArray(arr)) return fail(err, what + ": expected an array of integers");
  out->clear();
  out->reserve(static_cast<size_t>(cJSON_GetArraySize(arr)));
  for (const cJSON* e = arr->child; e; e = e->next) {
    // 2^63 is exact as a double; valid int64 values are [-2^63, 2^63).
    if (!cJSON_IsNumber(e) || e->valuedouble != std::floor(e->valuedouble) ||
        e->valuedouble < -9223372036854775808.0 || e->valuedouble >= 9223372036854775808.0)
      return fail(err, what + "[" + std::to_string(out->size()) + "]: not an integer");
    out->push_back(static_cast<int64_t>(e->valuedouble));
  }
  return true;
}

bool read_tensor_json(const cJSON* node, const std::string& what, InputTensor* t,
                      std::string* err) {
  if (!cJSON_IsObject(node)) return fail(err, what + ": expected a TensorData object");
  const cJSON* dtype = cJSON_GetObjectItemCaseSensitive(node, "dtype");
  if (!cJSON_IsString(dtype)) return fail(err, what + ": missing \"dtype\"");
  const std::string dt = dtype->valuestring;
  if (dt == "float32") t->dtype = DType::FLOAT32;
  else if (dt == "int64") t->dtype = DType::INT64;
  else return fail(err, what + ": dtype must be \"float32\" or \"int64\", not \"" + dt + "\"");

  const cJSON* data = cJSON_GetObjectItemCaseSensitive(node, "data");
  if (!cJSON_IsArray(data)) return fail(err, what + ": missing \"data\" array");
  if (t->dtype == DType::INT64) {
    if (!read_int_array_json(data, what + ".data", &t->i64, err)) return false;
  } else {
    t->f32.reserve(static_cast<size_t>(cJSON_GetArraySize(data)));
    for (const cJSON* e = data->child; e; e = e->next) {
      if (cJSON_IsNull(e)) t->f32.push_back(std::numeric_limits<float>::quiet_NaN());
      else if (cJSON_IsNumber(e)) t->f32.push_back(static_cast<float>(e->valuedouble));
      else return fail(err, what + ".data[" + std::to_string(t->f32.size()) + "]: not a number");
    }
  }

  const cJSON* shape = cJSON_GetObjectItemCaseSensitive(node, "shape");
  if (shape && !cJSON_IsNull(shape) && !read_int_array_json(shape, what + ".shape", &t->shape, err))
    return false;
  const cJSON* crow = cJSON_GetObjectItemCaseSensitive(node, "sparse_crow_indices");
  const cJSON* col = cJSON_GetObjectItemCaseSensitive(node, "sparse_col_indices");
  const bool has_crow = crow && !cJSON_IsNull(crow), has_col = col && !cJSON_IsNull(col);
  if (has_crow != has_col)
    return fail(err, what + ": sparse_crow_indices and sparse_col_indices go together");
  if (has_crow) {
    t->sparse = true;
    if (!read_int_array_json(crow, what + ".sparse_crow_indices", &t->crow_indices, err) ||
        !read_int_array_json(col, what + ".sparse_col_indices", &t->col_indices, err))
      return false;
  }

  // The same layout rules as the protobuf decoder.
  if (!check_tensor_layout(t->shape, t->numel(), t->sparse, t->col_indices.size(), err))
    return fail(err, what + ": " + *err);
  return true;
}

}  // namespace tinker::wire
