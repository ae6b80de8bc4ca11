#include "tokenizer/vocab.h"

#include <algorithm>
#include <cstring>

#include "tokenizer/error.h"

namespace tinker::tok {

uint64_t Vocab::hash(std::string_view s) {
  // FNV-1a over 8-byte words, then a final mix: fast on the short texts of a vocabulary.
  uint64_t h = 0xcbf29ce484222325ULL ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0x100000001b3ULL;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, s.data() + i, s.size() - i);
  h = (h ^ tail) * 0x9E3779B97F4A7C15ULL;
  h ^= h >> 32;
  return h;
}

int32_t Vocab::find(std::string_view token) const {
  return slots_.empty() ? -1 : id_in(slot_of(hash(token), token));
}

void Vocab::find_many(const std::string_view* keys, size_t n, int32_t* out) const {
  constexpr size_t kBatch = 16;
  uint64_t hashes[kBatch];
  for (size_t base = 0; base < n; base += kBatch) {
    const size_t m = std::min(kBatch, n - base);
    for (size_t i = 0; i < m; ++i) {
      hashes[i] = hash(keys[base + i]);
      if (!slots_.empty()) __builtin_prefetch(&slots_[size_t(hashes[i] >> 32) & mask_]);
    }
    for (size_t i = 0; i < m; ++i)
      out[base + i] = slots_.empty() ? -1 : id_in(slot_of(hashes[i], keys[base + i]));
  }
}

void Vocab::build(const std::vector<std::pair<std::string_view, int32_t>>& entries, const char* what) {
  int64_t max_id = -1;
  for (const auto& [text, id] : entries) {
    if (id < 0) bad_file(std::string(what) + ": token id " + std::to_string(id) + " is negative");
    if (id > max_id) max_id = id;
  }
  // A table indexed by id: refuse ids so sparse that a small file would cost a huge table.
  if (max_id >= 0 && uint64_t(max_id) > uint64_t(entries.size()) * 4 + 65536)
    bad_file(std::string(what) + ": token id " + std::to_string(max_id) + " is far beyond the " +
             std::to_string(entries.size()) + " tokens (ids too sparse)");
  if (entries.size() >= size_t(UINT32_MAX) / 2) bad_file(std::string(what) + ": too many tokens");
  spans_.assign(size_t(max_id + 1), Span{0, kAbsent});
  size_t pool_bytes = 0;
  for (const auto& e : entries) pool_bytes += e.first.size() + 1;
  if (pool_bytes >= UINT32_MAX) bad_file(std::string(what) + ": token texts over 4 GiB");
  pool_.clear();
  pool_.reserve(pool_bytes);
  size_t cap = 16;
  while (cap < entries.size() * 2) cap <<= 1;
  slots_.assign(cap, Slot{0, 0});
  mask_ = cap - 1;
  count_ = 0;
  // Inserted in batches whose slots are prefetched first (see find_many).
  constexpr size_t kBatch = 16;
  uint64_t hashes[kBatch];
  for (size_t base = 0; base < entries.size(); base += kBatch) {
    const size_t m = std::min(kBatch, entries.size() - base);
    for (size_t k = 0; k < m; ++k) {
      hashes[k] = hash(entries[base + k].first);
      __builtin_prefetch(&slots_[size_t(hashes[k] >> 32) & mask_]);
    }
    for (size_t k = 0; k < m; ++k) {
      const auto& [text, id] = entries[base + k];
      Slot& slot = slots_[slot_of(hashes[k], text)];
      if (slot.hash != 0) {
        // The text again: the last id wins, and the earlier id is no longer a token.
        spans_[size_t(slot.id)].length = kAbsent;
        --count_;
      }
      if (spans_[size_t(id)].length != kAbsent)
        bad_file(std::string(what) + ": tokens \"" + std::string(token(id)) + "\" and \"" + std::string(text) +
                 "\" share id " + std::to_string(id));
      spans_[size_t(id)] = Span{uint32_t(pool_.size()), uint32_t(text.size())};
      pool_.append(text);
      pool_.push_back('\0');
      slot = Slot{tag_of(hashes[k]), id};
      ++count_;
    }
  }
}

}  // namespace tinker::tok
