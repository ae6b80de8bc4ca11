// Splitting a forward/backward batch into requests (protocol.md §6.2): greedy, a new chunk
// starts when the current one is non-empty and adding the next datum would exceed the byte
// limit, or when it already holds max_len datums. A single oversized datum travels alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace tinker {

struct ChunkRange {
  size_t begin;  // first datum index
  size_t end;    // one past the last
  int64_t bytes; // estimated bytes of the chunk
};

std::vector<ChunkRange> plan_chunks(const std::vector<int64_t>& datum_bytes, int64_t max_len, int64_t max_bytes);

}  // namespace tinker
