// UTF-8, strictly (what a Rust &str guarantees: no overlongs, no surrogates, nothing above
// U+10FFFF): validation, stepping over code points, encoding one, and the lossy decode of Rust's
// String::from_utf8_lossy. The tokenizer's, and what printable() checks messages with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tinker {

// Whether `s` is valid UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool utf8_valid(std::string_view s);

// The code point starting at s[i] of valid UTF-8, and its length in bytes through *len.
uint32_t utf8_decode(std::string_view s, size_t i, size_t* len);

// Appends code point `cp` (a scalar value) as UTF-8.
void utf8_append(std::string& out, uint32_t cp);

// The length of the valid UTF-8 prefix of [p, p+n) that is one whole character, or 0 when the
// bytes there do not start a valid character; *bad_len then receives the length of the maximal
// subpart to replace by one U+FFFD (the Unicode "substitution of maximal subparts" practice that
// Rust's from_utf8_lossy and WHATWG's decoder follow).
size_t utf8_char_or_subpart(const unsigned char* p, size_t n, size_t* bad_len);

// `bytes` with every maximal invalid subsequence replaced by U+FFFD.
std::string utf8_lossy(std::string_view bytes);

}  // namespace tinker
