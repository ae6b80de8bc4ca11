// Standard base64 (RFC 4648 §4, padded): how the JSON wire carries bytes such as image data
// (protocol.md §1.6).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tinker::wire {

void base64_encode(const void* data, size_t n, std::string* out);  // appends
// Replaces *out; false on characters outside the alphabet or bad padding/length.
bool base64_decode(std::string_view in, std::string* out);

}  // namespace tinker::wire
