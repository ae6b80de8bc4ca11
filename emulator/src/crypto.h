// The two cryptographic primitives the emulator needs, from OpenSSL's libcrypto: a hash for
// storing API keys without storing them (users table), and a MAC for the signed download URLs
// of archives and trace exports (downloads.h).
#pragma once

#include <string>

namespace emu {

// Lower-case hex of SHA-256(data).
std::string sha256_hex(const std::string& data);
// Lower-case hex of HMAC-SHA256(key, message).
std::string hmac_sha256_hex(const std::string& key, const std::string& message);
// a == b in time that depends only on the lengths (signature checks must not leak how many
// leading characters of a guess were right).
bool constant_time_equal(const std::string& a, const std::string& b);

}  // namespace emu
