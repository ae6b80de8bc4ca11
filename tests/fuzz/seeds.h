// The seed corpus of every harness, built in code at start-up rather than committed as binary
// files: valid bodies from the encoders in src/wire, and hand-made hostile ones, each named
// for what it tries (fuzz_write_corpus writes them out for libFuzzer).
#pragma once

#include <string>
#include <vector>

namespace fuzz {

struct Seed {
  std::string name;
  std::string bytes;
};

// Harness names: fwdbwd_output, fwdbwd_output_json, sample_response, sample_response_json,
// fwdbwd_request,
// fwdbwd_request_json, zstd_decompress, server_config, jwt, json_parse.
const std::vector<std::string>& fuzz_targets();

std::vector<Seed> seeds_for(const std::string& target);

// Tokens of the target's format, for the mutators (and as a libFuzzer -dict file).
std::vector<std::string> dictionary_for(const std::string& target);

// Per format, in seeds_*.cpp.
std::vector<Seed> output_seeds();
std::vector<Seed> output_json_seeds();
std::vector<Seed> sample_seeds();
std::vector<Seed> sample_json_seeds();
std::vector<Seed> request_seeds();
std::vector<Seed> request_json_seeds();
std::vector<Seed> zstd_seeds();
std::vector<Seed> server_config_seeds();
std::vector<Seed> jwt_seeds();
std::vector<Seed> json_seeds();

}  // namespace fuzz
