// Training input builders (tinker.h "Training inputs: builders over borrowed arrays"): model
// inputs, datums, batches, loss-function configs, Adam parameters, LoRA configs, metadata and
// sampling retry settings. Large arrays are stored as pointer + length (wire::ChunkView /
// wire::TensorView), never copied; names, formats and locations are copied.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "capi/handles.h"
#include "client/training_types.h"

using namespace tinker;
using capi::fail;
using capi::guard;

namespace {

tinker_status_t invalid(const char* fn, const std::string& what) {
  return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": " + what);
}

// A double as it reads best in a message ("1e-05", "nan", "0.9").
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// The protocol's image formats (§7.1).
tinker_status_t check_format(const char* fn, const char* format) {
  if (std::strcmp(format, "png") == 0 || std::strcmp(format, "jpeg") == 0) return TINKER_OK;
  return invalid(fn, std::string("format must be \"png\" or \"jpeg\", got \"") + format + "\"");
}

// -1 means unknown; any other value must be a token count.
tinker_status_t check_expected_tokens(const char* fn, int32_t expected_tokens, std::optional<int32_t>* out) {
  if (expected_tokens < -1)
    return invalid(fn, "expected_tokens must be >= 0, or -1 when unknown, got " + std::to_string(expected_tokens));
  if (expected_tokens >= 0) *out = expected_tokens;
  return TINKER_OK;
}

// One shape for every builder constructor.
template <class T>
tinker_status_t make(const char* fn, T** out) {
  return guard(fn, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    *out = new T{};
    return TINKER_OK;
  });
}

tinker_status_t add_text(const char* fn, tinker_model_input_t* input, const void* tokens, size_t count,
                         wire::TokenWidth width) {
  return guard(fn, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, input);
    if (count == 0) return invalid(fn, "tokens is empty");
    TINKER_CHECK_ARG(fn, tokens);
    wire::ChunkView c;
    c.kind = wire::ChunkKind::ENCODED_TEXT;
    c.tokens = tokens;
    c.n_tokens = count;
    c.token_width = width;
    input->chunks.push_back(std::move(c));
    return TINKER_OK;
  });
}

// Reads an unsigned LEB128 varint at p[*i..n); false when truncated or longer than 64 bits.
bool read_varint(const uint8_t* p, size_t n, size_t* i, uint64_t* v) {
  *v = 0;
  for (unsigned shift = 0; shift < 64 && *i < n; shift += 7) {
    uint8_t b = p[(*i)++];
    *v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

// Length of a dmel chunk: dim 0 of its TensorContainer header (protocol.md §7.1: optional
// marker byte 254, dtype byte 0–7, varint ndim, varint dims). False if the header is malformed.
bool dmel_length(const wire::ChunkView& c, int64_t* len) {
  const uint8_t* p = c.data;
  size_t n = c.size, i = 0;
  if (!p || n == 0) return false;
  if (p[i] == 254) ++i;
  if (i >= n || p[i] > 7) return false;
  ++i;
  uint64_t ndim = 0, dim0 = 0;
  if (!read_varint(p, n, &i, &ndim) || ndim == 0) return false;
  if (!read_varint(p, n, &i, &dim0) || dim0 > static_cast<uint64_t>(INT64_MAX)) return false;
  *len = static_cast<int64_t>(dim0);
  return true;
}

// The protocol's key → dtype table (§7.2); nullptr for names that take either type.
const char* required_dtype(const std::string& name) {
  if (name == "target_tokens") return "int64";
  for (const char* f : {"weights", "advantages", "logprobs", "clip_low_threshold", "clip_high_threshold"})
    if (name == f) return "float32";
  return nullptr;
}

// A CSR layout's complaint, or "" when `s` indexes `nnz` values of an nrows × ncols matrix:
// nrows + 1 row offsets from 0 to nnz, never decreasing, one column in [0, ncols) per value.
std::string csr_problem(const wire::SparseCsrView& s, size_t nnz, int64_t nrows, int64_t ncols) {
  if (s.n_crow != static_cast<uint64_t>(nrows) + 1)
    return "crow_count is " + std::to_string(s.n_crow) + ", must be nrows + 1 = " +
           std::to_string(static_cast<uint64_t>(nrows) + 1);
  if (s.n_col != nnz)
    return "col_count is " + std::to_string(s.n_col) + ", must equal the " + std::to_string(nnz) + " values";
  if (s.crow_indices[0] != 0) return "crow_indices[0] must be 0";
  if (s.crow_indices[s.n_crow - 1] != static_cast<int64_t>(nnz))
    return "crow_indices must end at the number of values (" + std::to_string(nnz) + ")";
  for (size_t r = 1; r < s.n_crow; ++r)
    if (s.crow_indices[r] < s.crow_indices[r - 1])
      return "crow_indices decrease at " + std::to_string(r);
  for (size_t k = 0; k < s.n_col; ++k)
    if (s.col_indices[k] < 0 || s.col_indices[k] >= ncols)
      return "col_indices[" + std::to_string(k) + "] = " + std::to_string(s.col_indices[k]) + " is outside [0, " +
             std::to_string(ncols) + ")";
  return "";
}

// Dense when `sparse` is null; else `data` holds the non-zeros and `shape` is the 2-D dense shape.
tinker_status_t add_tensor(const char* fn, tinker_datum_t* datum, const char* name, wire::DType dtype,
                           const void* data, size_t numel, const int64_t* shape, size_t ndim,
                           const wire::SparseCsrView* sparse = nullptr) {
  return guard(fn, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, datum);
    TINKER_CHECK_ARG(fn, name);
    const std::string key(name);
    if (key.empty()) return invalid(fn, "name is empty");
    const char* given = dtype == wire::DType::INT64 ? "int64" : "float32";
    const char* required = required_dtype(key);
    if (required && std::strcmp(required, given) != 0)
      return invalid(fn, "name '" + key + "' must be " + required);
    for (const auto& in : datum->view.loss_fn_inputs)
      if (in.first == key) return invalid(fn, "name '" + key + "' is already in the datum");
    if (!data && numel > 0) return capi::null_argument(fn, sparse ? "values" : "data");
    if (!shape && ndim > 0) return capi::null_argument(fn, "shape");

    wire::TensorView t;
    t.dtype = dtype;
    t.data = data;
    t.numel = numel;
    if (sparse) {
      if (!sparse->crow_indices && sparse->n_crow > 0) return capi::null_argument(fn, "crow_indices");
      if (!sparse->col_indices && sparse->n_col > 0) return capi::null_argument(fn, "col_indices");
      if (ndim != 2) return invalid(fn, "a sparse CSR tensor needs a 2-D shape, got ndim " + std::to_string(ndim));
      if (shape[0] < 0 || shape[1] < 0) return invalid(fn, "shape dimensions must be >= 0");
      std::string problem = csr_problem(*sparse, numel, shape[0], shape[1]);
      if (!problem.empty()) return invalid(fn, "sparse CSR: " + problem);
      t.shape.assign(shape, shape + 2);
      t.sparse = *sparse;
      datum->view.loss_fn_inputs.emplace_back(key, std::move(t));
      return TINKER_OK;
    }
    // ndim 0 is a flat tensor: no shape is sent, whatever `shape` points at.
    if (ndim > 0) {
      t.shape.assign(shape, shape + ndim);
      bool has_zero = false;
      for (size_t i = 0; i < ndim; ++i) {
        if (shape[i] < 0)
          return invalid(fn, "shape[" + std::to_string(i) + "] is " + std::to_string(shape[i]) +
                                 ", dimensions must be >= 0");
        has_zero = has_zero || shape[i] == 0;
      }
      // The product, saturating at UINT64_MAX (no tensor has that many elements).
      uint64_t product = has_zero ? 0 : 1;
      for (size_t i = 0; i < ndim && product != 0; ++i) {
        uint64_t d = static_cast<uint64_t>(shape[i]);
        product = product > UINT64_MAX / d ? UINT64_MAX : product * d;
      }
      if (product != numel) {
        std::string dims;
        for (size_t i = 0; i < ndim; ++i) dims += (i ? ", " : "") + std::to_string(shape[i]);
        return invalid(fn, "shape [" + dims + "] does not match numel " + std::to_string(numel));
      }
    }
    datum->view.loss_fn_inputs.emplace_back(key, std::move(t));
    return TINKER_OK;
  });
}

}  // namespace

extern "C" {

// ---- model input --------------------------------------------------------------------------

TINKER_API tinker_status_t tinker_model_input_new(tinker_model_input_t** out) { return make(__func__, out); }

TINKER_API tinker_status_t tinker_model_input_add_text_int32(tinker_model_input_t* input, const int32_t* tokens,
                                                              size_t count) {
  return add_text(__func__, input, tokens, count, wire::TokenWidth::INT32);
}

TINKER_API tinker_status_t tinker_model_input_add_text_int64(tinker_model_input_t* input, const int64_t* tokens,
                                                              size_t count) {
  return add_text(__func__, input, tokens, count, wire::TokenWidth::INT64);
}

TINKER_API tinker_status_t tinker_model_input_add_image(tinker_model_input_t* input, const uint8_t* data, size_t size,
                                                         const char* format, int32_t expected_tokens) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, input);
    TINKER_CHECK_ARG(fn, format);
    if (size == 0) return invalid(fn, "data is empty");
    TINKER_CHECK_ARG(fn, data);
    if (tinker_status_t s = check_format(fn, format)) return s;
    std::optional<int32_t> expected;
    if (tinker_status_t s = check_expected_tokens(fn, expected_tokens, &expected)) return s;
    input->chunks.push_back(wire::ChunkView::image(data, size, format, expected));
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_model_input_add_image_asset_pointer(tinker_model_input_t* input, const char* location,
                                                                       const char* format, int32_t expected_tokens) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, input);
    TINKER_CHECK_ARG(fn, location);
    TINKER_CHECK_ARG(fn, format);
    if (!*location) return invalid(fn, "location is empty");
    if (tinker_status_t s = check_format(fn, format)) return s;
    std::optional<int32_t> expected;
    if (tinker_status_t s = check_expected_tokens(fn, expected_tokens, &expected)) return s;
    input->chunks.push_back(wire::ChunkView::image_asset_pointer(location, format, expected));
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_model_input_length(const tinker_model_input_t* input, int64_t* length) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, input);
    TINKER_CHECK_ARG(fn, length);
    int64_t total = 0;
    for (size_t i = 0; i < input->chunks.size(); ++i) {
      const wire::ChunkView& c = input->chunks[i];
      switch (c.kind) {
        case wire::ChunkKind::ENCODED_TEXT:
          total += static_cast<int64_t>(c.n_tokens);
          break;
        case wire::ChunkKind::IMAGE:
        case wire::ChunkKind::IMAGE_ASSET_POINTER:
          if (!c.expected_tokens)
            return fail(TINKER_E_FAILED_PRECONDITION,
                        std::string(fn) + ": chunk " + std::to_string(i) +
                            (c.kind == wire::ChunkKind::IMAGE ? " (image)" : " (image_asset_pointer)") +
                            " has no expected_tokens, so the length is unknown");
          total += *c.expected_tokens;
          break;
        case wire::ChunkKind::DMEL: {
          int64_t n = 0;
          if (!dmel_length(c, &n))
            return fail(TINKER_E_FAILED_PRECONDITION,
                        std::string(fn) + ": chunk " + std::to_string(i) + " (dmel) has a malformed header");
          total += n;
          break;
        }
      }
    }
    *length = total;
    return TINKER_OK;
  });
}

TINKER_API void tinker_model_input_free(tinker_model_input_t* input) { delete input; }

// ---- datum --------------------------------------------------------------------------------

TINKER_API tinker_status_t tinker_datum_new(tinker_datum_t** out, const tinker_model_input_t* input) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    TINKER_CHECK_ARG(fn, input);
    auto d = std::make_unique<tinker_datum>();
    d->view.chunks = input->chunks;
    *out = d.release();
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_datum_add_tensor_float32(tinker_datum_t* datum, const char* name, const float* data,
                                                            size_t numel, const int64_t* shape, size_t ndim) {
  return add_tensor(__func__, datum, name, wire::DType::FLOAT32, data, numel, shape, ndim);
}

TINKER_API tinker_status_t tinker_datum_add_tensor_int64(tinker_datum_t* datum, const char* name, const int64_t* data,
                                                          size_t numel, const int64_t* shape, size_t ndim) {
  return add_tensor(__func__, datum, name, wire::DType::INT64, data, numel, shape, ndim);
}

TINKER_API tinker_status_t tinker_datum_add_sparse_tensor_float32(tinker_datum_t* datum, const char* name,
                                                                   const float* values, size_t count,
                                                                   const int64_t* crow_indices, size_t crow_count,
                                                                   const int64_t* col_indices, size_t col_count,
                                                                   const int64_t* shape, size_t ndim) {
  wire::SparseCsrView csr{crow_indices, crow_count, col_indices, col_count};
  return add_tensor(__func__, datum, name, wire::DType::FLOAT32, values, count, shape, ndim, &csr);
}

TINKER_API tinker_status_t tinker_datum_add_sparse_tensor_int64(tinker_datum_t* datum, const char* name,
                                                                 const int64_t* values, size_t count,
                                                                 const int64_t* crow_indices, size_t crow_count,
                                                                 const int64_t* col_indices, size_t col_count,
                                                                 const int64_t* shape, size_t ndim) {
  wire::SparseCsrView csr{crow_indices, crow_count, col_indices, col_count};
  return add_tensor(__func__, datum, name, wire::DType::INT64, values, count, shape, ndim, &csr);
}

TINKER_API void tinker_datum_free(tinker_datum_t* datum) { delete datum; }

// ---- batch --------------------------------------------------------------------------------

TINKER_API tinker_status_t tinker_batch_new(tinker_batch_t** out) { return make(__func__, out); }

TINKER_API tinker_status_t tinker_batch_add(tinker_batch_t* batch, const tinker_datum_t* datum) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, batch);
    TINKER_CHECK_ARG(fn, datum);
    batch->datums.push_back(datum->view);
    return TINKER_OK;
  });
}

TINKER_API size_t tinker_batch_size(const tinker_batch_t* batch) { return batch ? batch->datums.size() : 0; }

TINKER_API void tinker_batch_free(tinker_batch_t* batch) { delete batch; }

// ---- loss-function config -----------------------------------------------------------------

TINKER_API tinker_status_t tinker_loss_fn_config_new(tinker_loss_fn_config_t** out) { return make(__func__, out); }

TINKER_API tinker_status_t tinker_loss_fn_config_set(tinker_loss_fn_config_t* config, const char* key, double value) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, config);
    TINKER_CHECK_ARG(fn, key);
    if (!*key) return invalid(fn, "key is empty");
    if (!std::isfinite(value)) return invalid(fn, "value must be finite, got " + num(value));
    config->values[key] = value;
    return TINKER_OK;
  });
}

TINKER_API void tinker_loss_fn_config_free(tinker_loss_fn_config_t* config) { delete config; }

// ---- metadata -----------------------------------------------------------------------------

TINKER_API tinker_status_t tinker_metadata_new(tinker_metadata_t** out) { return make(__func__, out); }

TINKER_API tinker_status_t tinker_metadata_set(tinker_metadata_t* metadata, const char* key, const char* value) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, metadata);
    TINKER_CHECK_ARG(fn, key);
    TINKER_CHECK_ARG(fn, value);
    metadata->values[key] = value;
    return TINKER_OK;
  });
}

TINKER_API void tinker_metadata_free(tinker_metadata_t* metadata) { delete metadata; }

// Reading: results hand out their metadata (a training run's, a billing session's) as a
// borrowed tinker_metadata_t; a caller's own can be read the same way.
TINKER_API size_t tinker_metadata_count(const tinker_metadata_t* metadata) {
  return metadata ? metadata->values.size() : 0;
}

TINKER_API const char* tinker_metadata_key(const tinker_metadata_t* metadata, size_t index) {
  if (!metadata || index >= metadata->values.size()) return nullptr;
  return std::next(metadata->values.begin(), static_cast<std::ptrdiff_t>(index))->first.c_str();
}

TINKER_API const char* tinker_metadata_value(const tinker_metadata_t* metadata, size_t index) {
  if (!metadata || index >= metadata->values.size()) return nullptr;
  return std::next(metadata->values.begin(), static_cast<std::ptrdiff_t>(index))->second.c_str();
}

TINKER_API const char* tinker_metadata_get(const tinker_metadata_t* metadata, const char* key) {
  if (!metadata || !key) return nullptr;
  auto it = metadata->values.find(key);
  return it == metadata->values.end() ? nullptr : it->second.c_str();
}

}  // extern "C"
