// A vocabulary: token text <-> id, both ways. The texts live in one pool and the text -> id
// index is a flat open-addressing table keeping each text's hash: a lookup touches the table and
// the pool only, which is what loading (three lookups per merge, 10^5-10^6 merges) and the BPE
// hot path need. Ids may leave holes, but the table stays proportional to the number of tokens
// (sparse ids are refused).
#pragma once

#include <cstdint>
#include <cstring>
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
  // find() of each of `n` keys into out[i]: the table slots of a batch are prefetched before any
  // is probed, so the cache misses of a batch overlap (loading does ~10^6 lookups).
  void find_many(const std::string_view* keys, size_t n, int32_t* out) const;
  // The token of `id` (NUL-terminated in the pool), or a view with a null data() when none.
  std::string_view token(int32_t id) const {
    if (id < 0 || size_t(id) >= spans_.size() || spans_[size_t(id)].length == kAbsent) return {};
    return {pool_.data() + spans_[size_t(id)].offset, spans_[size_t(id)].length};
  }
  size_t size() const { return count_; }

  static uint64_t hash(std::string_view s);

 private:
  struct Slot {
    uint32_t hash;  // low bits of the text's hash; 0 marks an empty slot (hashes are made odd)
    int32_t id;
  };
  static constexpr uint32_t kAbsent = ~uint32_t(0);
  struct Span {
    uint32_t offset, length;  // in pool_; length kAbsent for an id with no token
  };
  bool equal(int32_t id, std::string_view text) const {
    const Span& s = spans_[size_t(id)];
    return s.length == text.size() && std::memcmp(pool_.data() + s.offset, text.data(), text.size()) == 0;
  }
  static uint32_t tag_of(uint64_t h) { return uint32_t(h) | 1u; }
  // The slot of `text`, whose hash is `h`: the one holding it, or the empty one where it would
  // go (the table is never full). Every lookup and insertion probes through here.
  size_t slot_of(uint64_t h, std::string_view text) const {
    const uint32_t tag = tag_of(h);
    size_t i = size_t(h >> 32) & mask_;
    while (slots_[i].hash != 0 && !(slots_[i].hash == tag && equal(slots_[i].id, text))) i = (i + 1) & mask_;
    return i;
  }
  // The id in a slot slot_of found, or -1 for an empty one.
  int32_t id_in(size_t slot) const { return slots_[slot].hash != 0 ? slots_[slot].id : -1; }
  std::string pool_;          // every token's text, each followed by a NUL
  std::vector<Span> spans_;   // by id
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace tinker::tok
