// Small tokenizer.json files written by the unit tests: a byte-level BPE whose vocabulary is the
// 256-character byte-level alphabet (id = byte value) plus the merges a test names.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "tinker/tinker.h"

namespace tokfix {

// The byte-level character of byte `b`, as UTF-8 (GPT-2's bytes_to_unicode).
std::string byte_char(unsigned b);
// `text` spelled in the byte-level alphabet.
std::string byte_level(const std::string& text);
// A JSON string literal of `s` (escaping quotes, backslashes and control characters).
std::string quote(const std::string& s);

struct Spec {
  // Merges in rank order, as byte-level strings; the merged tokens get ids 256, 257, ...
  std::vector<std::pair<std::string, std::string>> merges;
  bool merges_as_arrays = true;
  bool ignore_merges = false;
  std::vector<std::string> extra_vocab;  // more tokens after the merged ones
  std::string added_tokens = "[]";        // JSON array
  std::string normalizer = "null";
  std::string pre_tokenizer = R"({"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true})";
  std::string post_processor = "null";
  std::string decoder = R"({"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true})";
  std::string model_type = "BPE";
};

std::string make_json(const Spec& spec);

// Loads `json` and fails the test when it does not load.
struct tinker_tokenizer* load(const std::string& json);
std::vector<int32_t> encode(const struct tinker_tokenizer* t, const std::string& text, bool special = false);
std::string decode(const struct tinker_tokenizer* t, const std::vector<int32_t>& ids, bool skip = false);

}  // namespace tokfix
