// Deterministic mutations for the replay driver, after tests/wire/test_fuzz.cpp: truncations,
// bit flips, random and duplicated runs, plus what libFuzzer's mutators do that matters for
// these formats: dictionary tokens, interesting bytes and int64 values, deleted runs, and
// splices with other seeds. Fixed seeds, so every run checks the same inputs.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace fuzz {

class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  uint64_t next() { return g_(); }
  // Uniform in [0, n); n > 0.
  size_t below(size_t n) { return static_cast<size_t>(g_() % n); }
  std::string bytes(size_t n);

 private:
  std::mt19937_64 g_;
};

// One to four stacked mutations of `s`. `dictionary` (tokens of the format) and `others`
// (other seeds, for splices) may be empty.
std::string mutate(Rng& r, const std::string& s, const std::vector<std::string>& dictionary,
                   const std::vector<std::string>& others);

}  // namespace fuzz
