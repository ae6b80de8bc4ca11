// zstd_decompress (the emulator's view of a `Content-Encoding: zstd` request body) on any
// bytes, with a 1 MiB limit. What it accepts fits the limit, has the size its frames declare
// (when they all do), decodes the same under a limit of exactly its size and fails under one
// byte less, and comes back from zstd_compress.
#include <zstd.h>

#include <optional>
#include <string>

#include "fuzz_check.h"
#include "wire/zstd_codec.h"

namespace w = tinker::wire;

namespace {

constexpr size_t kLimit = size_t{1} << 20;

// The sum of the frames' declared content sizes, if every frame declares one.
std::optional<uint64_t> declared(std::string_view in) {
  uint64_t sum = 0;
  for (size_t at = 0; at < in.size();) {
    const size_t n = ZSTD_findFrameCompressedSize(in.data() + at, in.size() - at);
    if (ZSTD_isError(n)) return std::nullopt;
    const unsigned long long c = ZSTD_getFrameContentSize(in.data() + at, n);
    if (c == ZSTD_CONTENTSIZE_UNKNOWN || c == ZSTD_CONTENTSIZE_ERROR) return std::nullopt;
    sum += c;
    at += n;
  }
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > fuzz::kMaxInput) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string out, err;
  if (!w::zstd_decompress(in, kLimit, &out, &err)) {
    FUZZ_CHECK(!err.empty() && out.empty(), "refused without a message, or with output left");
    return 0;
  }
  FUZZ_CHECK(out.size() <= kLimit, std::to_string(out.size()) + " bytes past the limit");
  const std::optional<uint64_t> d = declared(in);
  FUZZ_CHECK(!d || *d == out.size(), "frames declare " + std::to_string(*d) + " bytes, got " + std::to_string(out.size()));

  std::string exact;
  FUZZ_CHECK(w::zstd_decompress(in, out.size(), &exact, &err) && exact == out,
             "a limit of exactly the content size changed the result: " + err);
  if (!out.empty()) {
    std::string less;
    FUZZ_CHECK(!w::zstd_decompress(in, out.size() - 1, &less, &err), "a limit one byte short was not enforced");
  }

  std::string z, back;
  FUZZ_CHECK(w::zstd_compress(out, 1, &z, &err), "compression failed: " + err);
  FUZZ_CHECK(w::zstd_decompress(z, out.size(), &back, &err) && back == out, "round trip failed: " + err);
  return 0;
}
