// Random version-4 UUIDs for idempotency keys.
#pragma once
#include <string>
namespace tinker {
std::string uuid4();
// A uniform double in [0, 1) from a per-thread generator (retry jitter).
double random_unit();
}  // namespace tinker
