// What every harness in tests/fuzz shares: the libFuzzer entry point it defines, the input
// size it accepts, and FUZZ_CHECK, which turns a broken property into a crash that both
// libFuzzer and the replay driver report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace fuzz {

// Larger inputs are skipped. The harnesses decode, re-encode and decode again, so a 1 MiB
// input can take a few tens of MB under AddressSanitizer; this keeps memory bounded whatever
// ASAN_OPTIONS or libFuzzer's -rss_limit_mb say. (The decoders themselves are tested on
// bigger bodies by tests/wire/test_hostile_bodies.cpp.)
constexpr size_t kMaxInput = size_t{1} << 20;

[[noreturn]] inline void check_failed(const char* file, int line, const char* cond,
                                      const std::string& detail) {
  std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: %s\n", file, line, cond, detail.c_str());
  std::abort();
}

}  // namespace fuzz

// `detail` is evaluated only on failure.
#define FUZZ_CHECK(cond, detail)                                        \
  do {                                                                  \
    if (!(cond)) ::fuzz::check_failed(__FILE__, __LINE__, #cond, (detail)); \
  } while (0)
