// Added tokens (tokenizer.json's "added_tokens"): found in the text before the model sees it,
// leftmost first and longest among those starting at one place (Hugging Face's Aho-Corasick
// with LeftmostLongest), honouring single_word, lstrip and rstrip. Tokens marked "normalized"
// are looked for in the normalized text, the others in the raw text (extract_and_normalize).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tinker::tok {

struct AddedToken {
  std::string content;
  int32_t id = -1;
  bool special = false;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = true;
};

// A piece of text after extraction: either text still to tokenize, or one added token.
struct Segment {
  std::string text;
  int32_t token = -1;  // the added token's id, or -1 for text
};

// The set of patterns one pass looks for, as a byte trie.
class TokenTrie {
 public:
  void add(std::string_view pattern, uint32_t value);
  bool empty() const { return nodes_.size() <= 1; }
  // The leftmost-longest match at or after `from`: true with [*start, *end) and its value.
  bool find(std::string_view text, size_t from, size_t* start, size_t* end, uint32_t* value) const;

 private:
  struct Node {
    std::vector<std::pair<unsigned char, uint32_t>> children;
    int64_t value = -1;
  };
  uint32_t child(uint32_t node, unsigned char byte) const;
  std::vector<Node> nodes_{Node{}};
  bool first_byte_[256] = {};
};

class AddedTokens {
 public:
  // `tokens` in file order, ids already assigned.
  void build(std::vector<AddedToken> tokens, const std::vector<std::string>& normalized_contents);

  // Cuts `text` at the matches of one trie (raw: the non-normalized tokens; else the normalized
  // ones) and appends the segments, empty text segments left out.
  void split(const std::string& text, bool normalized_pass, std::vector<Segment>& out) const;

  const std::vector<AddedToken>& tokens() const { return tokens_; }
  const AddedToken* by_id(int32_t id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &tokens_[it->second];
  }
  int32_t find(std::string_view content) const {
    auto it = by_content_.find(std::string(content));
    return it == by_content_.end() ? -1 : it->second;
  }
  bool is_special_content(std::string_view content) const;

 private:
  std::vector<AddedToken> tokens_;
  std::unordered_map<int32_t, size_t> by_id_;
  std::unordered_map<std::string, int32_t> by_content_;
  TokenTrie raw_;         // tokens with normalized = false
  TokenTrie normalized_;  // tokens with normalized = true, by their normalized content
};

}  // namespace tinker::tok
