// Random identifiers and numbers, shared by sessions, jobs, ephemeral checkpoint names, JWT
// minting and unseeded samples.
// (base64 is wire/base64.h, shared with the library.)
#pragma once

#include <cstdint>
#include <string>

namespace emu {

// `n` random bytes as lower-case hex. Thread-safe.
std::string random_hex(size_t n_bytes);
// 64 random bits (e.g. the seed of a sample request that has none). Thread-safe.
uint64_t random_u64();
// A UUID-4 formatted random id (request ids and session ids look like the service's opaque ids).
std::string random_uuid();

}  // namespace emu
