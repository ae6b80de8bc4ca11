#include "hash_rng.h"

namespace tinker::emu {

uint64_t fnv1a64(const void* data, size_t size, uint64_t state) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) {
    state ^= p[i];
    state *= 0x100000001b3ULL;
  }
  return state;
}

uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

uint64_t SplitMix64::next_u64() {
  state_ += 0x9e3779b97f4a7c15ULL;  // odd constant: the sequence visits all 2^64 states
  return mix64(state_);
}

double SplitMix64::next_unit() {
  return static_cast<double>(next_u64() >> 11) * (1.0 / 9007199254740992.0);  // 2^-53
}

double SplitMix64::next_centered(double std) {
  // A uniform on [-a, a) has variance a^2 / 3; a = sqrt(3) * std gives the requested spread.
  constexpr double kSqrt3 = 1.7320508075688772;
  return (2.0 * next_unit() - 1.0) * kSqrt3 * std;
}

}  // namespace tinker::emu
