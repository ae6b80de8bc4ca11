// The hand-written training results (tinker.h "training results"): metrics, output tensors and
// forward/backward outputs. The registry's results are generated (capi/api_results.cpp).
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#include "capi/handles.h"
#include "client/training_types.h"
#include "wire/json_writer.h"

using namespace tinker;
using capi::fail;
using capi::guard;
using capi::out_string;

namespace {

void write_metrics(wire::JsonWriter& w, const tinker_metrics& m) {
  w.begin_object();
  for (const auto& [name, value] : m.items) w.key(name).float64(value);
  w.end_object();
}

// TensorData's historical JSON shape (protocol.md §7.2): {"data": […], "dtype": …, "shape": […]}.
// A tensor without a shape is one-dimensional, as the SDK derives it (§1.6.1).
void write_tensor(wire::JsonWriter& w, const wire::OutputTensor& t) {
  w.begin_object().key("data");
  if (t.is_float) w.array_f32(t.f32.data(), t.f32.size());
  else w.array_i64(t.i64.data(), t.i64.size());
  w.key("dtype").string(t.is_float ? "float32" : "int64").key("shape");
  if (t.shape.empty()) {
    const int64_t n = static_cast<int64_t>(t.numel());
    w.array_i64(&n, 1);
  } else {
    w.array_i64(t.shape.data(), t.shape.size());
  }
  w.end_object();
}

tinker_status_t copy_to(const char* fn, const tinker_tensor_t* tensor, bool want_float, void* dst, size_t capacity,
                        size_t* written) {
  return guard(fn, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, tensor);
    TINKER_CHECK_ARG(fn, written);
    *written = 0;
    const wire::OutputTensor& t = tensor->t;
    if (t.is_float != want_float)
      return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": tensor is " + (t.is_float ? "float32" : "int64") +
                                                 ", not " + (want_float ? "float32" : "int64"));
    if (want_float) return capi::copy_out(fn, t.f32.data(), t.f32.size(), static_cast<float*>(dst), capacity, written);
    return capi::copy_out(fn, t.i64.data(), t.i64.size(), static_cast<int64_t*>(dst), capacity, written);
  });
}

}  // namespace

extern "C" {

// ---- metrics ------------------------------------------------------------------------------

TINKER_API size_t tinker_metrics_count(const tinker_metrics_t* metrics) { return metrics ? metrics->items.size() : 0; }

TINKER_API const char* tinker_metrics_name(const tinker_metrics_t* metrics, size_t index) {
  if (!metrics || index >= metrics->items.size()) return nullptr;
  return metrics->items[index].first.c_str();
}

TINKER_API double tinker_metrics_value(const tinker_metrics_t* metrics, size_t index) {
  if (!metrics || index >= metrics->items.size()) return std::numeric_limits<double>::quiet_NaN();
  return metrics->items[index].second;
}

TINKER_API tinker_status_t tinker_metrics_get(const tinker_metrics_t* metrics, const char* name, double* value) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, metrics);
    TINKER_CHECK_ARG(fn, name);
    TINKER_CHECK_ARG(fn, value);
    for (const auto& [key, v] : metrics->items) {
      if (key == name) {
        *value = v;
        return TINKER_OK;
      }
    }
    return fail(TINKER_E_NOT_FOUND, std::string(fn) + ": no metric named '" + name + "'");
  });
}

// ---- tensors ------------------------------------------------------------------------------

TINKER_API tinker_dtype_t tinker_tensor_dtype(const tinker_tensor_t* tensor) {
  // NULL has no element type: 0, the protocol's DTYPE_UNSPECIFIED.
  if (!tensor) return static_cast<tinker_dtype_t>(0);
  return tensor->t.is_float ? TINKER_DTYPE_FLOAT32 : TINKER_DTYPE_INT64;
}

TINKER_API size_t tinker_tensor_ndim(const tinker_tensor_t* tensor) { return tensor ? tensor->t.shape.size() : 0; }

TINKER_API int64_t tinker_tensor_dim(const tinker_tensor_t* tensor, size_t dim) {
  if (!tensor || dim >= tensor->t.shape.size()) return -1;
  return tensor->t.shape[dim];
}

TINKER_API size_t tinker_tensor_numel(const tinker_tensor_t* tensor) { return tensor ? tensor->t.numel() : 0; }

TINKER_API const float* tinker_tensor_data_float32(const tinker_tensor_t* tensor) {
  if (!tensor || !tensor->t.is_float) return nullptr;
  return tensor->t.f32.data();
}

TINKER_API const int64_t* tinker_tensor_data_int64(const tinker_tensor_t* tensor) {
  if (!tensor || tensor->t.is_float) return nullptr;
  return tensor->t.i64.data();
}

TINKER_API tinker_status_t tinker_tensor_copy_to_float32(const tinker_tensor_t* tensor, float* dst, size_t capacity,
                                                          size_t* written) {
  return copy_to(__func__, tensor, true, dst, capacity, written);
}

TINKER_API tinker_status_t tinker_tensor_copy_to_int64(const tinker_tensor_t* tensor, int64_t* dst, size_t capacity,
                                                        size_t* written) {
  return copy_to(__func__, tensor, false, dst, capacity, written);
}

// ---- forward / forward_backward output ----------------------------------------------------

TINKER_API size_t tinker_forward_backward_output_num_datums(const tinker_forward_backward_output_t* output) {
  return output ? output->outputs.size() : 0;
}

TINKER_API const char* tinker_forward_backward_output_loss_fn_output_type(
    const tinker_forward_backward_output_t* output) {
  return output ? output->loss_fn_output_type.c_str() : nullptr;
}

TINKER_API size_t tinker_forward_backward_output_tensor_count(const tinker_forward_backward_output_t* output,
                                                              size_t index) {
  if (!output || index >= output->outputs.size()) return 0;
  return output->outputs[index].size();
}

TINKER_API const char* tinker_forward_backward_output_tensor_name(const tinker_forward_backward_output_t* output,
                                                                  size_t index, size_t k) {
  if (!output || index >= output->outputs.size() || k >= output->outputs[index].size()) return nullptr;
  return output->outputs[index][k].first.c_str();
}

TINKER_API tinker_status_t tinker_forward_backward_output_tensor(const tinker_forward_backward_output_t* output,
                                                                 size_t index, const char* name,
                                                                 const tinker_tensor_t** tensor) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, tensor);
    TINKER_CHECK_ARG(fn, output);
    TINKER_CHECK_ARG(fn, name);
    if (index >= output->outputs.size())
      return fail(TINKER_E_OUT_OF_RANGE, std::string(fn) + ": index " + std::to_string(index) +
                                             " is out of range (" + std::to_string(output->outputs.size()) +
                                             " datums)");
    for (const auto& [key, t] : output->outputs[index]) {
      if (key == name) {
        *tensor = &t;
        return TINKER_OK;
      }
    }
    return fail(TINKER_E_NOT_FOUND,
                std::string(fn) + ": datum " + std::to_string(index) + " has no tensor named '" + name + "'");
  });
}

TINKER_API const tinker_metrics_t* tinker_forward_backward_output_metrics(
    const tinker_forward_backward_output_t* output) {
  return output ? &output->metrics : nullptr;
}

TINKER_API tinker_status_t tinker_forward_backward_output_to_json(const tinker_forward_backward_output_t* output,
                                                                  char** out) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    TINKER_CHECK_ARG(fn, output);
    std::string s;
    wire::JsonWriter w(&s);
    w.begin_object().key("loss_fn_output_type").string(output->loss_fn_output_type);
    w.key("loss_fn_outputs").begin_array();
    for (const auto& datum : output->outputs) {
      w.begin_object();
      for (const auto& [name, t] : datum) {
        w.key(name);
        write_tensor(w, t.t);
      }
      w.end_object();
    }
    w.end_array().key("metrics");
    write_metrics(w, output->metrics);
    w.end_object();
    return out_string(fn, s, out);
  });
}

TINKER_API void tinker_forward_backward_output_free(tinker_forward_backward_output_t* output) { delete output; }

}  // extern "C"
