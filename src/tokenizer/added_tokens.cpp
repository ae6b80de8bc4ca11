#include "tokenizer/added_tokens.h"

#include <utf8proc.h>

#include "core/utf8.h"

namespace tinker::tok {

namespace {

// Unicode White_Space, what the Rust regex \s of Hugging Face's lstrip/rstrip matches.
bool is_space(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

// The Rust regex \w of single_word: Alphabetic, marks, decimal digits, connector punctuation,
// join controls. Alphabetic is approximated by the letter categories and Nl (its other members
// are marks, already counted).
bool is_word(uint32_t cp) {
  if (cp < 0x80) return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_';
  if (cp == 0x200C || cp == 0x200D) return true;
  switch (utf8proc_category(utf8proc_int32_t(cp))) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_PC:
      return true;
    default:
      return false;
  }
}

// The code point that ends text[0, end) (end > 0, valid UTF-8).
uint32_t last_char(std::string_view text, size_t end, size_t* start) {
  size_t i = end - 1;
  while (i > 0 && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
  size_t len;
  *start = i;
  return utf8_decode(text, i, &len);
}

}  // namespace

void TokenTrie::add(std::string_view pattern, uint32_t value) {
  if (pattern.empty()) return;
  uint32_t node = 0;
  for (unsigned char b : pattern) {
    uint32_t next = child(node, b);
    if (next == 0) {
      next = uint32_t(nodes_.size());
      nodes_[node].children.emplace_back(b, next);
      nodes_.emplace_back();
    }
    node = next;
  }
  // Two tokens with one text: the first one added keeps it (Hugging Face keeps the first id).
  if (nodes_[node].value < 0) nodes_[node].value = value;
  first_byte_[static_cast<unsigned char>(pattern[0])] = true;
}

uint32_t TokenTrie::child(uint32_t node, unsigned char byte) const {
  for (const auto& [b, next] : nodes_[node].children) {
    if (b == byte) return next;
  }
  return 0;
}

bool TokenTrie::find(std::string_view text, size_t from, size_t* start, size_t* end, uint32_t* value) const {
  if (empty()) return false;
  for (size_t i = from; i < text.size(); ++i) {
    if (!first_byte_[static_cast<unsigned char>(text[i])]) continue;
    uint32_t node = 0;
    int64_t best = -1;
    size_t best_end = 0;
    for (size_t j = i; j < text.size(); ++j) {
      node = child(node, static_cast<unsigned char>(text[j]));
      if (node == 0) break;
      if (nodes_[node].value >= 0) {
        best = nodes_[node].value;
        best_end = j + 1;
      }
    }
    if (best >= 0) {
      *start = i;
      *end = best_end;
      *value = uint32_t(best);
      return true;
    }
  }
  return false;
}

void AddedTokens::build(std::vector<AddedToken> tokens, const std::vector<std::string>& normalized_contents) {
  tokens_ = std::move(tokens);
  for (size_t i = 0; i < tokens_.size(); ++i) {
    const AddedToken& t = tokens_[i];
    by_id_.emplace(t.id, i);
    by_content_.emplace(t.content, t.id);
    if (t.normalized) {
      normalized_.add(normalized_contents[i], uint32_t(i));
    } else {
      raw_.add(t.content, uint32_t(i));
    }
  }
}

bool AddedTokens::is_special_content(std::string_view content) const {
  int32_t id = find(content);
  if (id < 0) return false;
  const AddedToken* t = by_id(id);
  return t && t->special;
}

void AddedTokens::split(const std::string& text, bool normalized_pass, std::vector<Segment>& out) const {
  const TokenTrie& trie = normalized_pass ? normalized_ : raw_;
  auto push_text = [&](size_t s, size_t e) {
    if (e > s) out.push_back(Segment{text.substr(s, e - s), -1});
  };
  size_t emitted = 0;  // start_offset in Hugging Face's find_matches
  size_t search = 0;   // where the matcher resumes: right after the previous match itself
  size_t ms, me;
  uint32_t index;
  while (trie.find(text, search, &ms, &me, &index)) {
    search = me;
    const AddedToken& t = tokens_[index];
    size_t start = ms, stop = me;
    if (t.single_word) {
      size_t at;
      bool start_space = start == 0 || !is_word(last_char(text, start, &at));
      size_t len;
      bool stop_space = stop == text.size() || !is_word(utf8_decode(text, stop, &len));
      if (!start_space || !stop_space) continue;
    }
    if (t.lstrip) {
      size_t s = start;
      while (s > 0) {
        size_t at;
        if (!is_space(last_char(text, s, &at))) break;
        s = at;
      }
      start = std::max(s, emitted);
    }
    if (t.rstrip) {
      while (stop < text.size()) {
        size_t len;
        if (!is_space(utf8_decode(text, stop, &len))) break;
        stop += len;
      }
    }
    if (emitted < start) push_text(emitted, start);
    out.push_back(Segment{text.substr(start, stop - start), t.id});
    emitted = stop;
  }
  if (emitted < text.size()) push_text(emitted, text.size());
}

}  // namespace tinker::tok
