// base64 (RFC 4648). Standard padded base64 (§4) is how the JSON wire carries bytes such as
// image data (protocol.md §1.6); base64url (§5) is what JWT segments are made of (RFC 7515 §2:
// no padding), read by the library (core/jwt.cpp) and written by the emulator.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tinker::wire {

// ---- standard base64 (strict) ----

void base64_encode(const void* data, size_t n, std::string* out);  // appends
// Replaces *out; false on characters outside the alphabet or bad padding/length.
bool base64_decode(std::string_view in, std::string* out);

// ---- base64url ----

// base64url without padding, as JWT segments are written. Appends.
void base64url_encode(const void* data, size_t n, std::string* out);

// What '=' means to base64url_decode.
enum class Base64Padding {
  kEnds,     // '=' ends the text: it and everything after it are ignored (JWT segments)
  kSkipped,  // '=', CR and LF are skipped wherever they appear (pasted or line-wrapped text)
};

// A lenient decoder for text that may come from either alphabet and with or without padding:
//  - '-' and '+' both read as 62, '_' and '/' both as 63 (base64url and standard base64 alike);
//  - padding is optional, and the bits left over after the last whole byte are dropped without
//    a check (so a final group of one character adds nothing instead of failing);
//  - '=' (and line breaks) as `padding` says.
// Replaces *out; false (and *out empty) on any other character.
bool base64url_decode(std::string_view in, Base64Padding padding, std::string* out);

}  // namespace tinker::wire
