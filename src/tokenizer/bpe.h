// The BPE model of Hugging Face tokenizers: a pre-token's characters become vocabulary ids, then
// merges apply lowest rank first (leftmost first among equals) until none applies; what is left
// is the pre-token's ids. Options as in tokenizer.json's "model": unk_token, fuse_unk,
// byte_fallback, continuing_subword_prefix, end_of_word_suffix, ignore_merges.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/json_doc.h"
#include "tokenizer/pair_map.h"
#include "tokenizer/vocab.h"

namespace tinker::tok {

class Bpe {
 public:
  // Reads tokenizer.json's "model" object (type "BPE"); throws TokenizerError.
  explicit Bpe(json::Value model);

  // Appends the ids of one pre-token (UTF-8, never empty).
  void encode(std::string_view word, std::vector<int32_t>& out) const;

  const Vocab& vocab() const { return vocab_; }

 private:
  struct Symbol {
    int32_t id;
    int32_t prev, next;
    uint32_t len;  // bytes of the word it covers; 0 once merged into its left neighbour
  };
  void load_merges(json::Value merges);
  int32_t char_id(std::string_view ch, bool first, bool last) const;
  void merge_all(std::vector<Symbol>& symbols) const;

  void encode_uncached(std::string_view word, std::vector<int32_t>& out) const;

  // Names this model in the per-thread word caches (bpe.cpp): never reused, unlike an address.
  const uint64_t cache_owner_;
  Vocab vocab_;
  PairMap merges_;
  std::optional<std::string> unk_token_;
  int32_t unk_id_ = -1;
  bool fuse_unk_ = false;
  bool byte_fallback_ = false;
  bool ignore_merges_ = false;
  std::string prefix_;  // continuing_subword_prefix
  std::string suffix_;  // end_of_word_suffix
  // Ids of the one-character tokens below U+0400 (the byte-level alphabet lives there), -1 for
  // none: the per-character lookup of the hot path without hashing. Valid without affixes only.
  std::array<int32_t, 0x400> small_char_ids_{};
  std::array<int32_t, 256> byte_fallback_ids_{};  // "<0xAB>" tokens, -1 when missing
};

}  // namespace tinker::tok
