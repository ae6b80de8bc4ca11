#include "wire/tensor_layout.h"

#include "wire/fail.h"

namespace tinker::wire {

bool shape_product(const std::vector<int64_t>& shape, uint64_t* prod) {
  bool zero = false;
  for (int64_t d : shape) {
    if (d < 0) return false;
    zero = zero || d == 0;
  }
  uint64_t p = 1;
  if (!zero)
    for (int64_t d : shape) {
      if (p > UINT64_MAX / static_cast<uint64_t>(d)) return false;
      p *= static_cast<uint64_t>(d);
    }
  *prod = zero ? 0 : p;
  return true;
}

bool check_tensor_layout(const std::vector<int64_t>& shape, uint64_t numel, bool sparse,
                         uint64_t n_col, std::string* err) {
  uint64_t prod = 0;
  if (!shape_product(shape, &prod))
    return fail(err, "shape has a negative dimension or overflows");
  if (sparse) {
    if (shape.empty()) return fail(err, "a sparse CSR tensor needs its dense shape");
    if (n_col != numel)
      return fail(err, "sparse CSR has " + std::to_string(n_col) + " column indices but " +
                           std::to_string(numel) + " values");
    return true;
  }
  if (!shape.empty() && prod != numel)
    return fail(err, "shape multiplies out to " + std::to_string(prod) + " but there are " +
                         std::to_string(numel) + " elements");
  return true;
}

}  // namespace tinker::wire
