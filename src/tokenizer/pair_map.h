// An open-addressing hash map from a pair of token ids to a merge (its rank and the id of the
// merged token): the BPE hot path looks one up per adjacent pair, so it is a flat array probed
// linearly rather than a node-based std::unordered_map.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tinker::tok {

struct Merge {
  uint32_t rank;
  int32_t new_id;
};

class PairMap {
 public:
  void reserve(size_t n);
  // Inserts or replaces (a later merge of the same pair wins, as in Hugging Face's map).
  void put(int32_t a, int32_t b, Merge m);
  const Merge* find(int32_t a, int32_t b) const {
    if (slots_.empty()) return nullptr;
    const uint64_t key = pack(a, b);
    for (size_t i = hash(key) & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.key == key) return &s.merge;
      if (s.key == kEmpty) return nullptr;
    }
  }
  size_t size() const { return size_; }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t(0);  // ids are never negative, so never both -1
  struct Slot {
    uint64_t key;
    Merge merge;
  };
  static uint64_t pack(int32_t a, int32_t b) { return (uint64_t(uint32_t(a)) << 32) | uint32_t(b); }
  static size_t hash(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return size_t(k);
  }
  void grow();

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace tinker::tok
