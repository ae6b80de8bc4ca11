// Deterministic hashing and random numbers built from integer and IEEE arithmetic only, so
// a seed gives the same numbers in every process on every platform (no libm, no <random>
// distributions, whose output is implementation-defined).
#pragma once

#include <cstdint>
#include <string>

namespace tinker::emu {

// FNV-1a, 64-bit: a stable hash of a byte string (base model names, checkpoint checksum).
uint64_t fnv1a64(const void* data, size_t size, uint64_t state = 0xcbf29ce484222325ULL);
inline uint64_t fnv1a64(const std::string& s) { return fnv1a64(s.data(), s.size()); }

// The SplitMix64 finaliser: a bijective scramble of 64 bits, used to derive independent
// stream seeds from (seed, index) pairs.
uint64_t mix64(uint64_t x);

// SplitMix64 generator: a Weyl sequence passed through mix64. Small state, good enough
// statistics for initialisation and sampling, trivially reproducible.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next_u64();
  // Uniform in [0, 1) with 53 random bits.
  double next_unit();
  // Uniform in [-sqrt(3) std, sqrt(3) std): mean 0, standard deviation `std`.
  double next_centered(double std);

 private:
  uint64_t state_;
};

}  // namespace tinker::emu
