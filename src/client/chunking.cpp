#include "client/chunking.h"

namespace tinker {

std::vector<ChunkRange> plan_chunks(const std::vector<int64_t>& datum_bytes, int64_t max_len, int64_t max_bytes) {
  std::vector<ChunkRange> chunks;
  ChunkRange cur{0, 0, 0};
  for (size_t i = 0; i < datum_bytes.size(); ++i) {
    size_t count = cur.end - cur.begin;
    bool full = count > 0 && (cur.bytes + datum_bytes[i] > max_bytes || static_cast<int64_t>(count) >= max_len);
    if (full) {
      chunks.push_back(cur);
      cur = ChunkRange{i, i, 0};
    }
    cur.end = i + 1;
    cur.bytes += datum_bytes[i];
  }
  if (cur.end > cur.begin) chunks.push_back(cur);
  return chunks;
}

}  // namespace tinker
