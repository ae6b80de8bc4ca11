#include "wire/estimate.h"

namespace tinker::wire {

namespace {
constexpr uint64_t kBytesPerToken = 4;     // EncodedTextChunk.tokens is packed int32
constexpr uint64_t kPromptBytesPerToken = 10;  // the official client's sampling estimate
constexpr uint64_t kBytesPerSparseIndex = 8;  // SparseCsr indices are packed int64

uint64_t chunk_bytes(const ChunkView& c) {
  switch (c.kind) {
    case ChunkKind::ENCODED_TEXT: return kBytesPerToken * c.n_tokens;
    case ChunkKind::IMAGE:
    case ChunkKind::DMEL: return c.size;
    case ChunkKind::IMAGE_ASSET_POINTER: return c.location.size();
  }
  return 0;
}

uint64_t tensor_bytes(const TensorView& t) {
  uint64_t n = static_cast<uint64_t>(t.numel) * dtype_size(t.dtype);
  if (t.sparse) n += kBytesPerSparseIndex * (t.sparse->n_crow + t.sparse->n_col);
  return n;
}
}  // namespace

uint64_t estimate_datum_bytes(const DatumView& d) {
  uint64_t total = 0;
  for (const ChunkView& c : d.chunks) total += chunk_bytes(c);
  for (const auto& [name, t] : d.loss_fn_inputs) total += tensor_bytes(t);
  return total;
}

uint64_t estimate_prompt_bytes(const std::vector<ChunkView>& chunks) {
  uint64_t total = 0;
  for (const ChunkView& c : chunks)
    total += c.kind == ChunkKind::ENCODED_TEXT ? kPromptBytesPerToken * c.n_tokens : chunk_bytes(c);
  return total;
}

}  // namespace tinker::wire
