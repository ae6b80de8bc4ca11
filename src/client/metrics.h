// Combining the metrics of a chunked forward/backward (protocol.md §6.3). Keys are
// "name:reduction" with exactly one colon; keys come from the first chunk, and a key missing
// from any chunk is dropped. Weights are the number of outputs in each chunk.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace tinker {

using Metrics = std::vector<std::pair<std::string, double>>;

// Reduces per-chunk metrics. Returns false with `err` (INVALID_ARGUMENT naming the key) when a
// key does not have exactly one colon, or when a weighted mean has all-zero weights.
//   mean   Σ w·x / Σ w          slack  max(x) − weighted mean
//   sum, min, max               as named
//   unique chunk 1's value under the key, chunk i's under "key_<i-1>"
//   hash_unordered              order-independent 64-bit FNV-1a hash of the sorted integer
//                               values, as a double. The official SDK uses CPython's tuple
//                               hash, which no port can reproduce; this keeps the property the
//                               reduction exists for (equal multisets give equal values).
// Unknown reductions are dropped, as in the official SDK.
bool combine_metrics(const std::vector<Metrics>& chunks, const std::vector<double>& weights, Metrics* out, Error* err);

}  // namespace tinker
