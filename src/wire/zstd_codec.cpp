#include "wire/zstd_codec.h"

#include <zstd.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "wire/fail.h"

namespace tinker::wire {

namespace {

// One compression and one decompression context per thread: creating them costs more than
// compressing a small body.
struct CCtxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxFree {
  void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};

ZSTD_CCtx* thread_cctx() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxFree> c(ZSTD_createCCtx());
  return c.get();
}

ZSTD_DCtx* thread_dctx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxFree> c(ZSTD_createDCtx());
  return c.get();
}

// The most a frame of n bytes can honestly decode to. The content size in a frame header is
// the sender's claim, and the fast path allocates it before decompressing; a 20-byte frame
// claiming a gigabyte must not get one. Every block has a 3-byte header and yields at most
// 128 KiB (zstd's block size limit), the densest being an RLE block (4 bytes); a claim beyond
// this goes through the streaming path, which allocates only as content arrives (and fails on
// the mismatch).
constexpr uint64_t kZstdMaxBlockContent = uint64_t{128} << 10;
uint64_t max_content_of(size_t frame_bytes) {
  return (uint64_t{frame_bytes} / 3 + 1) * kZstdMaxBlockContent;
}

// The content size the frames of `in` declare together; nullopt when a frame does not declare
// one, or the input is damaged (which the decoder reports).
std::optional<uint64_t> declared_content(std::string_view in) {
  uint64_t total = 0;
  while (!in.empty()) {
    const size_t n = ZSTD_findFrameCompressedSize(in.data(), in.size());
    if (ZSTD_isError(n)) return std::nullopt;
    const unsigned long long c = ZSTD_getFrameContentSize(in.data(), n);  // 0 for a skippable frame
    if (c == ZSTD_CONTENTSIZE_UNKNOWN || c == ZSTD_CONTENTSIZE_ERROR || c > UINT64_MAX - total) return std::nullopt;
    total += c;
    in.remove_prefix(n);
  }
  return total;
}

}  // namespace

bool zstd_compress(std::string_view in, int level, std::string* out, std::string* err) {
  ZSTD_CCtx* c = thread_cctx();
  if (!c) return fail(err, "zstd: cannot allocate a compression context");
  out->resize(ZSTD_compressBound(in.size()));
  size_t n = ZSTD_compressCCtx(c, out->data(), out->size(), in.data(), in.size(), level);
  if (ZSTD_isError(n)) {
    out->clear();
    return fail(err, std::string("zstd: ") + ZSTD_getErrorName(n));
  }
  out->resize(n);
  return true;
}

bool zstd_decompress(std::string_view in, size_t max_size, std::string* out, std::string* err) {
  out->clear();
  ZSTD_DCtx* d = thread_dctx();
  if (!d) return fail(err, "zstd: cannot allocate a decompression context");
  if (in.empty()) return fail(err, "zstd: empty body is not a zstd frame");

  // Fast path: a single frame that records its content size (what the official client and
  // zstd_compress write), and it fits: decompress in one call into an exactly sized buffer.
  const unsigned long long known = ZSTD_getFrameContentSize(in.data(), in.size());
  if (known == ZSTD_CONTENTSIZE_ERROR) return fail(err, "zstd: not a zstd frame");
  const size_t frame = ZSTD_findFrameCompressedSize(in.data(), in.size());
  if (known != ZSTD_CONTENTSIZE_UNKNOWN && !ZSTD_isError(frame) && frame == in.size() &&
      known <= max_content_of(in.size())) {
    if (known > max_size)
      return fail(err, "zstd: content of " + std::to_string(known) + " bytes exceeds the limit of " +
                           std::to_string(max_size));
    out->resize(static_cast<size_t>(known));
    size_t n = ZSTD_decompressDCtx(d, out->data(), out->size(), in.data(), in.size());
    if (ZSTD_isError(n) || n != known) {
      out->clear();
      return fail(err, std::string("zstd: ") + (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "size mismatch"));
    }
    return true;
  }

  // Streaming path (no content size, several frames, or a damaged frame): grow the output as
  // needed and enforce the limit.
  ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  size_t produced = 0;
  size_t hint = 1;  // ZSTD_decompressStream's result: 0 once a frame is complete and flushed
  while (src.pos < src.size || hint != 0) {
    if (produced == out->size() && produced < max_size) {
      size_t grow = std::max<size_t>(ZSTD_DStreamOutSize(), produced);
      out->resize(produced + std::min(grow, max_size - produced));
    }
    ZSTD_outBuffer dst{out->data(), out->size(), produced};
    const size_t in_before = src.pos;
    hint = ZSTD_decompressStream(d, &dst, &src);
    if (ZSTD_isError(hint)) {
      out->clear();
      return fail(err, std::string("zstd: ") + ZSTD_getErrorName(hint));
    }
    const bool progressed = dst.pos != produced || src.pos != in_before;
    produced = dst.pos;
    if (!progressed) {
      out->clear();
      return fail(err, produced == max_size
                           ? "zstd: content exceeds the limit of " + std::to_string(max_size) + " bytes"
                           : std::string("zstd: truncated frame"));
    }
  }
  // zstd ends a frame at an empty last block without comparing what it decoded with the
  // content size in the header, so a frame claiming 1 MiB can yield nothing "successfully".
  if (const std::optional<uint64_t> declared = declared_content(in); declared && *declared != produced) {
    out->clear();
    return fail(err, "zstd: the frames declare " + std::to_string(*declared) + " bytes of content but hold " +
                         std::to_string(produced));
  }
  out->resize(produced);
  return true;
}

}  // namespace tinker::wire
