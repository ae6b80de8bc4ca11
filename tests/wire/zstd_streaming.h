// A zstd frame as a streaming writer leaves it: such a writer does not know the size up front,
// so the frame header carries no content size and the decoder must find the end by itself.
// Header-only and free of test frameworks, so that the wire tests and the fuzz seed corpus
// (tests/fuzz) make these frames the same way.
#pragma once

#include <zstd.h>

#include <string>

namespace wiretest {

inline std::string zstd_compress_streaming(const std::string& in) {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0);
  std::string out(ZSTD_compressBound(in.size()) + 64, '\0');
  ZSTD_outBuffer o{out.data(), out.size(), 0};
  ZSTD_inBuffer i{in.data(), in.size(), 0};
  size_t left;
  do left = ZSTD_compressStream2(c, &o, &i, ZSTD_e_end);
  while (left != 0 && !ZSTD_isError(left));
  ZSTD_freeCCtx(c);
  out.resize(o.pos);
  return out;
}

}  // namespace wiretest
