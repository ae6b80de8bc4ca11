// Runs one harness without libFuzzer, for CTest (gcc, and the AddressSanitizer lane): every
// seed of its corpus (seeds.h), then a fixed number of deterministic mutations of each
// (mutate.h). With file arguments it runs those files instead, to replay what a libFuzzer
// run found (scripts/fuzz.sh) in a gcc build.
//
//   fuzz_replay_<target> [--mutations N] [file...]     (FUZZ_MUTATIONS=N works too)
#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>

#include "fuzz_check.h"
#include "mutate.h"
#include "seeds.h"

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET names the harness this driver is linked with"
#endif

namespace {

// Mutations per seed. With ~30 seeds per target this keeps the nine targets together under
// 20 s in the ASan build on a busy 2-core machine.
constexpr size_t kDefaultMutations = 120;
// Large seeds (the shape bombs, big arrays) get fewer mutations: about this many bytes each.
constexpr size_t kBytesPerSeed = size_t{8} << 20;
// Only seeds up to this size are spliced into others (splices of the big ones would mostly
// exceed the harness's input limit).
constexpr size_t kMaxSpliceSize = size_t{64} << 10;

// The harness sees an exactly sized heap copy, so a read past the end is an ASan error.
void run(const std::string& bytes) {
  std::unique_ptr<uint8_t[]> copy(new uint8_t[bytes.size() + (bytes.empty() ? 1 : 0)]);
  if (!bytes.empty()) std::memcpy(copy.get(), bytes.data(), bytes.size());
  LLVMFuzzerTestOneInput(copy.get(), bytes.size());
}

uint64_t seed_of(const std::string& s) { return std::hash<std::string>{}(s); }

int replay_files(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    std::ifstream f(argv[i], std::ios::binary);
    if (!f) {
      std::cerr << "cannot read " << argv[i] << "\n";
      return 2;
    }
    std::stringstream ss;
    ss << f.rdbuf();
    std::cerr << "running " << argv[i] << "\n";
    run(ss.str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  size_t mutations = kDefaultMutations;
  if (const char* env = std::getenv("FUZZ_MUTATIONS")) mutations = std::strtoul(env, nullptr, 10);
  int first = 1;
  if (argc > 2 && std::strcmp(argv[1], "--mutations") == 0) {
    mutations = std::strtoul(argv[2], nullptr, 10);
    first = 3;
  }
  if (first < argc) return replay_files(argc, argv, first);

  const auto start = std::chrono::steady_clock::now();
  const std::vector<fuzz::Seed> seeds = fuzz::seeds_for(FUZZ_TARGET);
  const std::vector<std::string> dict = fuzz::dictionary_for(FUZZ_TARGET);
  std::vector<std::string> small;
  for (const fuzz::Seed& s : seeds)
    if (s.bytes.size() <= kMaxSpliceSize) small.push_back(s.bytes);

  const bool verbose = std::getenv("FUZZ_VERBOSE") != nullptr;
  size_t runs = 0;
  for (const fuzz::Seed& s : seeds) {
    const auto seed_start = std::chrono::steady_clock::now();
    run(s.bytes);
    ++runs;
    // Seeded by target and seed name: adding a seed does not change the others' mutations.
    fuzz::Rng r(seed_of(std::string(FUZZ_TARGET) + "/" + s.name));
    const size_t n = std::min(mutations, std::max<size_t>(4, kBytesPerSeed / (s.bytes.size() + 1)));
    for (size_t i = 0; i < n; ++i, ++runs) run(fuzz::mutate(r, s.bytes, dict, small));
    if (verbose)
      std::cout << s.name << " (" << s.bytes.size() << " bytes): " << n << " mutations, "
                << std::chrono::duration<double>(std::chrono::steady_clock::now() - seed_start).count() << " s\n";
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << FUZZ_TARGET << ": " << seeds.size() << " seeds, " << runs << " inputs, " << secs << " s\n";
  return 0;
}
