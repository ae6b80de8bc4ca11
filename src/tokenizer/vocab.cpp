#include "tokenizer/vocab.h"

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
  if (slots_.empty()) return -1;
  const uint64_t h = hash(token);
  const uint32_t tag = uint32_t(h) | 1u;
  for (size_t i = size_t(h >> 32) & mask_;; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.hash == 0) return -1;
    if (s.hash == tag && tokens_[size_t(s.id)] == token) return s.id;
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
  tokens_.assign(size_t(max_id + 1), std::string());
  present_.assign(size_t(max_id + 1), false);
  size_t cap = 16;
  while (cap < entries.size() * 2) cap <<= 1;
  slots_.assign(cap, Slot{0, 0});
  mask_ = cap - 1;
  count_ = 0;
  for (const auto& [text, id] : entries) {
    const uint64_t h = hash(text);
    const uint32_t tag = uint32_t(h) | 1u;
    size_t i = size_t(h >> 32) & mask_;
    for (;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.hash == 0) break;
      if (s.hash == tag && tokens_[size_t(s.id)] == text) break;
    }
    Slot& slot = slots_[i];
    if (slot.hash != 0) {
      // The text again: the last id wins, and the earlier id is no longer a token.
      present_[size_t(slot.id)] = false;
      tokens_[size_t(slot.id)].clear();
      --count_;
    }
    if (present_[size_t(id)])
      bad_file(std::string(what) + ": tokens \"" + tokens_[size_t(id)] + "\" and \"" + std::string(text) +
               "\" share id " + std::to_string(id));
    tokens_[size_t(id)].assign(text.data(), text.size());
    present_[size_t(id)] = true;
    slot = Slot{tag, id};
    ++count_;
  }
}

}  // namespace tinker::tok
