// A vocabulary: token text <-> id, both ways. The texts live in one pool and the text -> id
// index is a flat open-addressing table keeping each text's hash: a lookup touches the table and
// the pool only, which is what loading (three lookups per merge, 10^5-10^6 merges) and the BPE
// hot path need. Ids may leave holes, but the table stays proportional to the number of tokens
// (sparse ids are refused).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tinker::tok {

class Vocab {
 public:
  // Builds from (token, id) pairs; a token repeated takes its last id, as a JSON map would.
  // Throws TokenizerError for a negative id, ids far sparser than the tokens, or two tokens
  // with one id.
  void build(const std::vector<std::pair<std::string_view, int32_t>>& entries, const char* what);

  int32_t find(std::string_view token) const;
  // The token of `id`, or nullptr.
  const std::string* token(int32_t id) const {
    if (id < 0 || size_t(id) >= tokens_.size() || !present_[size_t(id)]) return nullptr;
    return &tokens_[size_t(id)];
  }
  size_t size() const { return count_; }

  static uint64_t hash(std::string_view s);

 private:
  struct Slot {
    uint32_t hash;  // low bits of the text's hash; 0 marks an empty slot (hashes are made odd)
    int32_t id;
  };
  std::vector<std::string> tokens_;  // by id
  std::vector<bool> present_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace tinker::tok
