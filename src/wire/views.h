// Borrowed views of a forward/backward batch as the caller holds it (training.h, "borrowed
// arrays"): large arrays are pointer + length into caller memory and are read once, by the
// encoder, straight into the request body. Small strings (names, formats) are owned.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wire/dtype.h"

namespace tinker::wire {

// Sparse CSR indices of a 2-D tensor whose `data` holds only the non-zeros (protocol.md §7.2).
struct SparseCsrView {
  const int64_t* crow_indices = nullptr;  // nrows + 1
  size_t n_crow = 0;
  const int64_t* col_indices = nullptr;   // nnz
  size_t n_col = 0;
};

// A flat array in `dtype`; numel elements (for sparse: the nnz values). `shape` may be empty
// (no shape sent); when given it must multiply out to numel (dense) and is required for sparse.
struct TensorView {
  DType dtype = DType::FLOAT32;
  const void* data = nullptr;
  size_t numel = 0;
  std::vector<int64_t> shape;
  std::optional<SparseCsrView> sparse;

  static TensorView f32(const float* d, size_t n) { return {DType::FLOAT32, d, n, {}, {}}; }
  static TensorView i64(const int64_t* d, size_t n) { return {DType::INT64, d, n, {}, {}}; }
};

enum class ChunkKind { ENCODED_TEXT, IMAGE, IMAGE_ASSET_POINTER, DMEL };
enum class TokenWidth { INT32, INT64 };

// One model-input chunk (protocol.md §7.1). Which members matter depends on `kind`:
//   ENCODED_TEXT         tokens / n_tokens / token_width (int64 ids are narrowed to int32)
//   IMAGE                data / size (raw PNG or JPEG), format, expected_tokens
//   IMAGE_ASSET_POINTER  location, format, expected_tokens — JSON only: it has no protobuf
//                        form, so the protobuf encoder rejects it (protocol.md §10 item 21)
//   DMEL                 data / size (opaque serialized TensorContainer)
struct ChunkView {
  ChunkKind kind = ChunkKind::ENCODED_TEXT;
  const void* tokens = nullptr;
  size_t n_tokens = 0;
  TokenWidth token_width = TokenWidth::INT32;
  const uint8_t* data = nullptr;
  size_t size = 0;
  std::string format;    // "png" or "jpeg"
  std::string location;  // path or URL of an image asset
  std::optional<int32_t> expected_tokens;

  static ChunkView text(const int32_t* t, size_t n) {
    ChunkView c;
    c.tokens = t;
    c.n_tokens = n;
    c.token_width = TokenWidth::INT32;
    return c;
  }
  static ChunkView text(const int64_t* t, size_t n) {
    ChunkView c = text(static_cast<const int32_t*>(nullptr), n);
    c.tokens = t;
    c.token_width = TokenWidth::INT64;
    return c;
  }
  static ChunkView image(const uint8_t* d, size_t n, std::string fmt,
                         std::optional<int32_t> expected = std::nullopt) {
    ChunkView c;
    c.kind = ChunkKind::IMAGE;
    c.data = d;
    c.size = n;
    c.format = std::move(fmt);
    c.expected_tokens = expected;
    return c;
  }
  static ChunkView image_asset_pointer(std::string location, std::string fmt,
                                       std::optional<int32_t> expected = std::nullopt) {
    ChunkView c;
    c.kind = ChunkKind::IMAGE_ASSET_POINTER;
    c.location = std::move(location);
    c.format = std::move(fmt);
    c.expected_tokens = expected;
    return c;
  }
  static ChunkView dmel(const uint8_t* d, size_t n) {
    ChunkView c;
    c.kind = ChunkKind::DMEL;
    c.data = d;
    c.size = n;
    return c;
  }
};

// One training example: model input chunks and named loss inputs (protocol.md §7.3). Names
// must be unique; encoders write them sorted by name, so output bytes are deterministic.
struct DatumView {
  std::vector<ChunkView> chunks;
  std::vector<std::pair<std::string, TensorView>> loss_fn_inputs;
};

// The per-request fields of forward / forward_backward (protocol.md §1.6.1, §6.4).
// forward_only = true is TrainingClient.forward() (§10 item 2).
struct RequestHeader {
  std::string model_id;
  int32_t seq_id = 0;
  std::string loss_fn;
  std::map<std::string, double> loss_fn_config;  // empty = not sent
  bool forward_only = false;
};

}  // namespace tinker::wire
