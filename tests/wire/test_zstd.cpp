// zstd bodies (protocol.md §1.3 Content-Encoding: zstd): round trip, frames without a content
// size, concatenated frames, the size limit, and corrupt input.
#include "zstd_streaming.h"
#include "support.h"

using namespace wiretest;

namespace {

void compress_then_decompress_gives_the_input_back(void** state) {
  Rng r(0x25d0001);
  for (int level : {1, 3, 9}) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{1000}, size_t{300000}}) {
      std::string in = r.bytes(n / 2) + std::string(n - n / 2, 'a');  // half noise, half run
      std::string z, out, err;
      assert_true(w::zstd_compress(in, level, &z, &err));
      assert_true(ZSTD_getFrameContentSize(z.data(), z.size()) == n);  // content size recorded
      assert_true(w::zstd_decompress(z, n, &out, &err));
      assert_true(out == in);
    }
  }
}

void frames_without_content_size_and_concatenated_frames_decode(void** state) {
  Rng r(0x25d0002);
  const std::string a = r.bytes(200000) + std::string(500000, 'x'), b = "tail";
  std::string za = zstd_compress_streaming(a);
  assert_true(ZSTD_getFrameContentSize(za.data(), za.size()) == ZSTD_CONTENTSIZE_UNKNOWN);
  std::string zb, out, err;
  assert_true(w::zstd_compress(b, 3, &zb, &err));
  assert_true(w::zstd_decompress(za, a.size(), &out, &err));
  assert_true(out == a);
  assert_true(w::zstd_decompress(za + zb, a.size() + b.size(), &out, &err));
  assert_true(out == a + b);
}

void output_larger_than_the_limit_is_refused(void** state) {
  const std::string in(100000, 'z');
  std::string z, out, err;
  assert_true(w::zstd_compress(in, 3, &z, &err));
  assert_false(w::zstd_decompress(z, in.size() - 1, &out, &err));
  assert_true(out.empty());
  assert_non_null(strstr(err.c_str(), "exceeds the limit"));
  const std::string zs = zstd_compress_streaming(in);
  assert_false(w::zstd_decompress(zs, in.size() - 1, &out, &err));
  assert_non_null(strstr(err.c_str(), "exceeds the limit"));
  assert_true(w::zstd_decompress(zs, in.size(), &out, &err));  // exactly at the limit is fine
  assert_true(out == in);
}

void corrupt_truncated_or_trailing_garbage_frames_are_errors(void** state) {
  Rng r(0x25d0003);
  const std::string in = r.bytes(5000) + std::string(5000, 'q');
  std::string z, out, err;
  assert_true(w::zstd_compress(in, 3, &z, &err));
  assert_false(w::zstd_decompress("", 1 << 20, &out, &err));
  assert_false(w::zstd_decompress("not zstd at all", 1 << 20, &out, &err));
  assert_false(w::zstd_decompress(z.substr(0, z.size() - 3), 1 << 20, &out, &err));
  assert_true(out.empty());
  assert_false(w::zstd_decompress(z + "garbage!", 1 << 20, &out, &err));
  const std::string zs = zstd_compress_streaming(in);
  assert_false(w::zstd_decompress(zs.substr(0, zs.size() / 2), 1 << 20, &out, &err));
  // Random damage: never a crash; when it decodes, the frame checksum may or may not catch it.
  for (int i = 0; i < 500; ++i) {
    std::string bad = (i % 2 ? zs : z);
    bad[static_cast<size_t>(r.range(0, static_cast<int64_t>(bad.size()) - 1))] ^= static_cast<char>(1 << r.range(0, 7));
    w::zstd_decompress(bad, 1 << 20, &out, &err);
  }
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(compress_then_decompress_gives_the_input_back),
      cmocka_unit_test(frames_without_content_size_and_concatenated_frames_decode),
      cmocka_unit_test(output_larger_than_the_limit_is_refused),
      cmocka_unit_test(corrupt_truncated_or_trailing_garbage_frames_are_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
