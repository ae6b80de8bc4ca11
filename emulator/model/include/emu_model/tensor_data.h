// One loss_fn_inputs entry after wire decoding (protocol.md §7.2): dense, float32 or int64,
// with an optional shape. The HTTP layer densifies sparse CSR tensors before calling in.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinker::emu {

struct TensorData {
  enum class DType { kFloat32, kInt64 };

  DType dtype = DType::kFloat32;
  // Empty means "1-D of numel elements" (a TensorData without `shape`).
  std::vector<int64_t> shape;
  // Exactly one of these holds the elements, row-major, according to dtype.
  std::vector<float> f32;
  std::vector<int64_t> i64;

  static TensorData floats(std::vector<float> values, std::vector<int64_t> shape = {}) {
    TensorData t;
    t.dtype = DType::kFloat32;
    t.f32 = std::move(values);
    t.shape = std::move(shape);
    return t;
  }
  static TensorData ints(std::vector<int64_t> values, std::vector<int64_t> shape = {}) {
    TensorData t;
    t.dtype = DType::kInt64;
    t.i64 = std::move(values);
    t.shape = std::move(shape);
    return t;
  }
  size_t numel() const { return dtype == DType::kFloat32 ? f32.size() : i64.size(); }
  const char* dtype_name() const { return dtype == DType::kFloat32 ? "float32" : "int64"; }
};

}  // namespace tinker::emu
