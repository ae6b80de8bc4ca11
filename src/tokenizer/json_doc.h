// A read-only JSON document for tokenizer files: one pass builds a flat array of nodes that
// point into the source text (no string is copied until asked for), so a 10 MB tokenizer.json
// costs one array of small nodes, freed in one piece after load. Hostile input is refused with a
// message, never a crash: nesting depth, text size and node count are bounded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tinker::tok::json {

enum class Type : uint8_t { Null, False, True, Number, String, Array, Object };

struct Node {
  Type type;
  bool escaped;      // a string with backslash escapes (decoded on demand)
  uint32_t begin;    // offset of the text: a string's contents (without quotes), a number's digits
  uint32_t length;   // of that text
  uint32_t next;     // index of the node after this one's subtree (its next sibling)
  uint32_t count;    // children of an array; members of an object (key and value nodes each)
};

class Document;

// A node of a document, or "missing" (a lookup that found nothing). Cheap to copy; valid while
// its document lives.
class Value {
 public:
  Value() = default;
  Value(const Document* doc, uint32_t index) : doc_(doc), index_(index) {}

  bool missing() const { return doc_ == nullptr; }
  bool is_null() const { return missing() || type() == Type::Null; }  // absent counts as null
  Type type() const;
  bool is_string() const { return !missing() && type() == Type::String; }
  bool is_array() const { return !missing() && type() == Type::Array; }
  bool is_object() const { return !missing() && type() == Type::Object; }
  bool is_bool() const { return !missing() && (type() == Type::True || type() == Type::False); }
  bool is_number() const { return !missing() && type() == Type::Number; }

  // A string's decoded UTF-8 text (validated at parse).
  std::string str() const;
  // The raw text of a string without escapes, else nullopt: lets hot loops skip a copy.
  std::optional<std::string_view> raw_str() const;
  bool boolean() const { return type() == Type::True; }
  // An integer number (no fraction, no exponent) within [lo, hi].
  std::optional<int64_t> integer(int64_t lo, int64_t hi) const;

  // Number of children (array) or members (object).
  uint32_t size() const;
  // The member named `key` of an object, or missing.
  Value get(std::string_view key) const;

  // Iteration: arrays yield elements; objects yield keys, each followed by its value (or use
  // for_each_member). Indexes are document node indexes.
  Value first_child() const;
  Value next_sibling() const;
  // Calls stop(key, value) for each member of an object in file order, until it returns true.
  template <class F>
  void for_each_member(F&& stop) const {
    Value key = first_child();
    for (uint32_t i = 0; i < size(); i += 2) {
      Value value = key.next_sibling();
      if (stop(key, value)) return;
      if (i + 2 < size()) key = value.next_sibling();
    }
  }
  uint32_t index() const { return index_; }
  const Document* doc() const { return doc_; }

 private:
  const Document* doc_ = nullptr;
  uint32_t index_ = 0;
};

class Document {
 public:
  // Largest text accepted: offsets are 32-bit, and no real tokenizer comes near it.
  static constexpr size_t kMaxText = size_t(1) << 30;
  static constexpr int kMaxDepth = 64;

  // Parses `text` (which must outlive the document). On failure returns false with *error set
  // to what is wrong and where ("line 3 column 7").
  bool parse(std::string_view text, std::string* error);

  Value root() const { return Value(this, 0); }
  const Node& node(uint32_t i) const { return nodes_[i]; }
  std::string_view text() const { return text_; }

 private:
  bool value(int depth);
  bool string_node();
  bool number_node();
  bool literal(const char* word, Type type);
  void skip_ws();
  bool fail(const char* what);

  std::string_view text_;
  size_t pos_ = 0;
  std::vector<Node> nodes_;
  std::string* error_ = nullptr;
};

// Decodes the JSON escapes of a string's raw contents (already validated by the parser).
std::string unescape(std::string_view raw);

}  // namespace tinker::tok::json
