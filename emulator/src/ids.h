// Random identifiers and base64url, shared by sessions, futures and the JWT minting.
#pragma once

#include <string>

namespace emu {

// `n` random bytes as lower-case hex. Thread-safe.
std::string random_hex(size_t n_bytes);
// A UUID-4 formatted random id (request ids and session ids look like the service's opaque ids).
std::string random_uuid();
// base64url without padding (RFC 7515 §2), as JWT segments use.
std::string base64url_encode(const std::string& bytes);
// Standard base64 with padding -> bytes; false on malformed input.
bool base64_decode(const std::string& text, std::string* out);

}  // namespace emu
