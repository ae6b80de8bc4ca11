// Shared helpers for the unit tests: CMocka with the headers it needs, and a few assertions
// CMocka 1.1 lacks (doubles, substrings). Assertions only ever run on the test's main thread:
// CMocka reports failures with longjmp, which must not cross another thread's stack.
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
// This CMocka's header has no extern "C" block of its own.
extern "C" {
#include <cmocka.h>
}

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#define TU_FAIL_MSG(...)    \
  do {                      \
    print_error(__VA_ARGS__); \
    fail();                 \
  } while (0)

// |actual - expected| <= eps.
#define assert_double_near(actual, expected, eps)                                              \
  do {                                                                                         \
    const double tu_a_ = (actual), tu_e_ = (expected);                                         \
    if (!(std::fabs(tu_a_ - tu_e_) <= (eps)))                                                  \
      TU_FAIL_MSG("%s = %.9g, expected %.9g (+/- %g)\n", #actual, tu_a_, tu_e_, (double)(eps)); \
  } while (0)

// `hay` (a C string or std::string) contains `needle`.
#define assert_contains(hay, needle)                                                   \
  do {                                                                                 \
    const std::string tu_h_ = (hay), tu_n_ = (needle);                                 \
    if (tu_h_.find(tu_n_) == std::string::npos)                                        \
      TU_FAIL_MSG("expected \"%s\" to contain \"%s\"\n", tu_h_.c_str(), tu_n_.c_str()); \
  } while (0)

#define assert_not_contains(hay, needle)                                                   \
  do {                                                                                     \
    const std::string tu_h_ = (hay), tu_n_ = (needle);                                     \
    if (tu_h_.find(tu_n_) != std::string::npos)                                            \
      TU_FAIL_MSG("expected \"%s\" not to contain \"%s\"\n", tu_h_.c_str(), tu_n_.c_str()); \
  } while (0)

// Status codes compared with their names in the failure message.
#define assert_status(actual, expected)                                                        \
  do {                                                                                         \
    const long tu_a_ = (long)(actual), tu_e_ = (long)(expected);                               \
    if (tu_a_ != tu_e_) TU_FAIL_MSG("%s = %ld, expected %ld (%s)\n", #actual, tu_a_, tu_e_, #expected); \
  } while (0)

namespace unit {

// Every environment variable the library reads while resolving options: tests start from an
// environment without them, whatever the shell running ctest exported.
inline void clear_tinker_env() {
  for (const char* name : {"TINKER_BASE_URL", "TINKER_API_KEY", "TINKER_PROJECT_ID", "TINKER_TAGS", "TINKER_LOG",
                           "TINKER_CREDENTIAL_CMD", "CLOUDFLARE_ACCESS_CLIENT_ID", "CLOUDFLARE_ACCESS_CLIENT_SECRET"})
    unsetenv(name);
}

// Strict UTF-8 check (no overlongs, no surrogates, nothing above U+10FFFF).
inline bool valid_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    unsigned min;
    unsigned cp;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; min = 0x10000; }
    else return false;
    if (i + n >= s.size()) return false;  // the sequence runs past the end
    for (size_t k = 1; k <= n; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace unit
