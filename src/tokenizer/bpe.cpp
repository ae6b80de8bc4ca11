#include "tokenizer/bpe.h"

#include <atomic>
#include <cstdio>
#include <deque>
#include <unordered_map>
#include <queue>

#include "tokenizer/error.h"
#include "core/utf8.h"

namespace tinker::tok {

namespace {

std::optional<std::string> optional_string(json::Value v, const char* what) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_string()) bad_file(std::string("model.") + what + " is not a string");
  return v.str();
}

bool flag(json::Value v, const char* what) {
  if (v.is_null()) return false;
  if (!v.is_bool()) bad_file(std::string("model.") + what + " is not a boolean");
  return v.boolean();
}

// The texts of JSON strings as views: into the JSON text, or, for the few with escapes, into
// decoded copies that never move (a deque), so every view stays valid while this lives.
class StringViews {
 public:
  std::string_view operator()(json::Value v) {
    if (auto raw = v.raw_str()) return *raw;
    decoded_.push_back(v.str());
    return decoded_.back();
  }

 private:
  std::deque<std::string> decoded_;
};

std::atomic<uint64_t> next_cache_owner{1};

// Each thread keeps the ids of the pre-tokens it encoded last, for one model at a time: text
// repeats its words, and a hit skips the merge loop. The cache never changes an answer (a word's
// ids depend on the word only) and, being per thread, needs no lock.
struct WordCache {
  static constexpr size_t kMaxEntries = 1 << 15;
  static constexpr size_t kMaxWordBytes = 64;  // longer pre-tokens are rare and not worth keeping
  uint64_t owner = 0;
  std::deque<std::string> words;  // the keys' storage (a deque: elements never move)
  std::unordered_map<std::string_view, std::pair<uint32_t, uint32_t>> index;  // word -> span of ids
  std::vector<int32_t> ids;

  void reset(uint64_t new_owner) {
    owner = new_owner;
    words.clear();
    index.clear();
    ids.clear();
  }
};

thread_local WordCache word_cache;

}  // namespace

Bpe::Bpe(json::Value model) : cache_owner_(next_cache_owner.fetch_add(1)) {
  json::Value dropout = model.get("dropout");
  if (!dropout.is_null()) unimplemented("BPE dropout");  // random: no reproducible answer
  unk_token_ = optional_string(model.get("unk_token"), "unk_token");
  prefix_ = optional_string(model.get("continuing_subword_prefix"), "continuing_subword_prefix").value_or("");
  suffix_ = optional_string(model.get("end_of_word_suffix"), "end_of_word_suffix").value_or("");
  fuse_unk_ = flag(model.get("fuse_unk"), "fuse_unk");
  byte_fallback_ = flag(model.get("byte_fallback"), "byte_fallback");
  ignore_merges_ = flag(model.get("ignore_merges"), "ignore_merges");

  json::Value vocab = model.get("vocab");
  if (!vocab.is_object()) bad_file("model.vocab is missing or not an object");
  {
    StringViews text_of;
    std::vector<std::pair<std::string_view, int32_t>> entries;
    entries.reserve(vocab.size() / 2);
    vocab.for_each_member([&](json::Value k, json::Value v) {
      auto id = v.integer(0, INT32_MAX);
      if (!id) bad_file("model.vocab: the id of \"" + k.str() + "\" is not an integer in [0, 2^31)");
      entries.emplace_back(text_of(k), int32_t(*id));
      return false;
    });
    vocab_.build(entries, "model.vocab");
  }

  if (unk_token_) {
    unk_id_ = vocab_.find(*unk_token_);
    // Hugging Face fails only when an unknown character needs it; refusing at load is clearer.
    if (unk_id_ < 0) bad_file("model.unk_token \"" + *unk_token_ + "\" is not in the vocabulary");
  }

  json::Value merges = model.get("merges");
  if (!merges.is_null()) load_merges(merges);

  small_char_ids_.fill(-1);
  for (uint32_t cp = 0; cp < small_char_ids_.size(); ++cp) {
    std::string s;
    utf8_append(s, cp);
    small_char_ids_[cp] = vocab_.find(s);
  }
  for (int byte = 0; byte < 256; ++byte) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", byte);
    byte_fallback_ids_[size_t(byte)] = vocab_.find(name);
  }
}

void Bpe::load_merges(json::Value merges) {
  if (!merges.is_array()) bad_file("model.merges is not an array");
  const size_t n = merges.size();
  // Three passes so the lookups run in batches (Vocab::find_many): the two parts of every merge,
  // then the merged texts, then the map.
  StringViews text_of;
  std::vector<std::string_view> parts(2 * n);
  json::Value m = merges.first_child();
  for (size_t rank = 0; rank < n; ++rank, m = m.next_sibling()) {
    if (m.is_string()) {  // "a b": the legacy form, split at its one space
      std::string_view s = text_of(m);
      size_t sp = s.find(' ');
      if (sp == std::string_view::npos || s.find(' ', sp + 1) != std::string_view::npos)
        bad_file("model.merges[" + std::to_string(rank) + "] \"" + std::string(s) +
                 "\" is not two tokens separated by one space");
      parts[2 * rank] = s.substr(0, sp);
      parts[2 * rank + 1] = s.substr(sp + 1);
    } else if (m.is_array() && m.size() == 2 && m.first_child().is_string() &&
               m.first_child().next_sibling().is_string()) {
      parts[2 * rank] = text_of(m.first_child());
      parts[2 * rank + 1] = text_of(m.first_child().next_sibling());
    } else {
      bad_file("model.merges[" + std::to_string(rank) + "] is neither \"a b\" nor [\"a\", \"b\"]");
    }
  }
  std::vector<int32_t> part_ids(2 * n);
  vocab_.find_many(parts.data(), parts.size(), part_ids.data());
  std::string merged_text;  // every merged token, back to back
  std::vector<std::pair<size_t, size_t>> spans(n);
  for (size_t rank = 0; rank < n; ++rank) {
    for (int k = 0; k < 2; ++k) {
      if (part_ids[2 * rank + size_t(k)] < 0)
        bad_file("model.merges[" + std::to_string(rank) + "] names \"" + std::string(parts[2 * rank + size_t(k)]) +
                 "\", which is not in the vocabulary");
    }
    // The merged token drops the right part's continuing-subword prefix.
    std::string_view a = parts[2 * rank], b = parts[2 * rank + 1];
    if (!prefix_.empty() && b.substr(0, prefix_.size()) == prefix_) b.remove_prefix(prefix_.size());
    spans[rank] = {merged_text.size(), a.size() + b.size()};
    merged_text.append(a);
    merged_text.append(b);
  }
  std::vector<std::string_view> merged(n);
  for (size_t rank = 0; rank < n; ++rank) merged[rank] = std::string_view(merged_text).substr(spans[rank].first, spans[rank].second);
  std::vector<int32_t> merged_ids(n);
  vocab_.find_many(merged.data(), n, merged_ids.data());
  merges_.reserve(n);
  for (size_t rank = 0; rank < n; ++rank) {
    if (merged_ids[rank] < 0)
      bad_file("model.merges[" + std::to_string(rank) + "] makes \"" + std::string(merged[rank]) +
               "\", which is not in the vocabulary");
    merges_.put(part_ids[2 * rank], part_ids[2 * rank + 1], Merge{uint32_t(rank), merged_ids[rank]});
  }
}

int32_t Bpe::char_id(std::string_view ch, bool first, bool last) const {
  if (prefix_.empty() && suffix_.empty()) {
    size_t len;
    uint32_t cp = utf8_decode(ch, 0, &len);
    if (cp < small_char_ids_.size()) return small_char_ids_[cp];
    return vocab_.find(ch);
  }
  std::string s;
  if (!first) s += prefix_;
  s += ch;
  if (last) s += suffix_;
  return vocab_.find(s);
}

void Bpe::encode(std::string_view word, std::vector<int32_t>& out) const {
  if (word.size() > WordCache::kMaxWordBytes) {
    encode_uncached(word, out);
    return;
  }
  WordCache& cache = word_cache;
  if (cache.owner != cache_owner_ || cache.index.size() >= WordCache::kMaxEntries) cache.reset(cache_owner_);
  auto hit = cache.index.find(word);
  if (hit != cache.index.end()) {
    out.insert(out.end(), cache.ids.begin() + hit->second.first,
               cache.ids.begin() + hit->second.first + hit->second.second);
    return;
  }
  const size_t first = out.size();
  encode_uncached(word, out);
  const uint32_t start = uint32_t(cache.ids.size());
  cache.ids.insert(cache.ids.end(), out.begin() + long(first), out.end());
  cache.words.emplace_back(word);
  cache.index.emplace(cache.words.back(), std::make_pair(start, uint32_t(out.size() - first)));
}

void Bpe::encode_uncached(std::string_view word, std::vector<int32_t>& out) const {
  if (ignore_merges_) {
    int32_t whole = vocab_.find(word);
    if (whole >= 0) {
      out.push_back(whole);
      return;
    }
  }
  std::vector<Symbol> symbols;
  symbols.reserve(word.size());
  auto add = [&](int32_t id, uint32_t len) {
    int32_t index = int32_t(symbols.size());
    symbols.push_back(Symbol{id, index - 1, -1, len});
    if (index > 0) symbols[size_t(index - 1)].next = index;
  };
  int32_t pending_unk_len = -1;  // an unknown run not yet added (fuse_unk)
  auto add_pending_unk = [&] {
    if (pending_unk_len >= 0) add(unk_id_, uint32_t(pending_unk_len));
    pending_unk_len = -1;
  };
  for (size_t i = 0; i < word.size();) {
    size_t len;
    utf8_decode(word, i, &len);
    std::string_view ch = word.substr(i, len);
    const bool first = i == 0, last = i + len == word.size();
    i += len;
    int32_t id = char_id(ch, first, last);
    if (id >= 0) {
      add_pending_unk();
      add(id, uint32_t(len));
      continue;
    }
    if (byte_fallback_) {
      bool all = true;
      for (unsigned char b : ch) all = all && byte_fallback_ids_[b] >= 0;
      if (all) {
        // Hugging Face's merge_word adds the byte tokens at once and leaves a pending unknown
        // run pending (so "x\u00e9" is <0xC3> <0xA9> <unk>): the same order here.
        for (unsigned char b : ch) add(byte_fallback_ids_[b], 1);
        continue;
      }
    }
    // Unknown: with no unk_token Hugging Face drops the character.
    if (unk_id_ < 0) continue;
    if (pending_unk_len >= 0 && fuse_unk_) {
      pending_unk_len += int32_t(len);
    } else {
      add_pending_unk();
      pending_unk_len = int32_t(len);
    }
  }
  add_pending_unk();

  merge_all(symbols);
  for (const Symbol& s : symbols) {
    if (s.len) out.push_back(s.id);
  }
}

void Bpe::merge_all(std::vector<Symbol>& symbols) const {
  if (symbols.size() < 2) return;
  struct Candidate {
    uint32_t rank;
    int32_t pos;
    int32_t new_id;
  };
  // Lowest rank first, then leftmost: the order Hugging Face's word.rs pops its queue in.
  auto after = [](const Candidate& x, const Candidate& y) {
    return x.rank != y.rank ? x.rank > y.rank : x.pos > y.pos;
  };
  std::vector<Candidate> storage;
  storage.reserve(symbols.size());
  std::priority_queue<Candidate, std::vector<Candidate>, decltype(after)> queue(after, std::move(storage));
  for (size_t i = 0; i + 1 < symbols.size(); ++i) {
    if (const Merge* m = merges_.find(symbols[i].id, symbols[i + 1].id))
      queue.push(Candidate{m->rank, int32_t(i), m->new_id});
  }
  while (!queue.empty()) {
    Candidate top = queue.top();
    queue.pop();
    Symbol& cur = symbols[size_t(top.pos)];
    if (cur.len == 0 || cur.next < 0) continue;
    const size_t next_pos = size_t(cur.next);
    const Symbol right = symbols[next_pos];
    // Stale candidates: the pair at this position changed since it was queued.
    const Merge* m = merges_.find(cur.id, right.id);
    if (!m || m->new_id != top.new_id) continue;
    cur.id = top.new_id;
    cur.len += right.len;
    cur.next = right.next;
    symbols[next_pos].len = 0;
    if (right.next >= 0) symbols[size_t(right.next)].prev = top.pos;
    if (cur.prev >= 0) {
      const Symbol& prev = symbols[size_t(cur.prev)];
      if (const Merge* pm = merges_.find(prev.id, cur.id)) queue.push(Candidate{pm->rank, cur.prev, pm->new_id});
    }
    if (cur.next >= 0) {
      const Symbol& nx = symbols[size_t(cur.next)];
      if (const Merge* nm = merges_.find(cur.id, nx.id)) queue.push(Candidate{nm->rank, top.pos, nm->new_id});
    }
  }
}

}  // namespace tinker::tok
