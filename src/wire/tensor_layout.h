// Layout rules for request tensors (protocol.md §7.2), shared by every encoder and decoder so
// that what one side writes the other accepts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinker::wire {

// Product of the dimensions; false if one is negative or the product overflows 64 bits.
bool shape_product(const std::vector<int64_t>& shape, uint64_t* prod);

// Dimensions are >= 0; a dense tensor with a shape has prod(shape) elements; a sparse CSR
// tensor has a shape and one column index per stored value. The message does not say where:
// callers prefix it (and build that prefix only on failure, off the encoder's hot path).
bool check_tensor_layout(const std::vector<int64_t>& shape, uint64_t numel, bool sparse,
                         uint64_t n_col, std::string* err);

}  // namespace tinker::wire
