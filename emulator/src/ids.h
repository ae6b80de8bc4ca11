// Random identifiers, shared by sessions, jobs, ephemeral checkpoint names and JWT minting.
// (base64 is wire/base64.h, shared with the library.)
#pragma once

#include <string>

namespace emu {

// `n` random bytes as lower-case hex. Thread-safe.
std::string random_hex(size_t n_bytes);
// A UUID-4 formatted random id (request ids and session ids look like the service's opaque ids).
std::string random_uuid();

}  // namespace emu
