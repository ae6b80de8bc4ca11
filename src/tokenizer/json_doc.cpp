#include "tokenizer/json_doc.h"

#include <algorithm>
#include <cstring>

#include "core/utf8.h"

namespace tinker::tok::json {

namespace {

// The value of a hexadecimal digit, or -1.
int hex_digit(char h) {
  if (h >= '0' && h <= '9') return h - '0';
  if (h >= 'a' && h <= 'f') return h - 'a' + 10;
  if (h >= 'A' && h <= 'F') return h - 'A' + 10;
  return -1;
}

}  // namespace

Type Value::type() const { return doc_->node(index_).type; }

std::string Value::str() const {
  const Node& n = doc_->node(index_);
  std::string_view raw = doc_->text().substr(n.begin, n.length);
  return n.escaped ? unescape(raw) : std::string(raw);
}

std::optional<std::string_view> Value::raw_str() const {
  const Node& n = doc_->node(index_);
  if (n.escaped) return std::nullopt;
  return doc_->text().substr(n.begin, n.length);
}

std::optional<int64_t> Value::integer(int64_t lo, int64_t hi) const {
  if (!is_number()) return std::nullopt;
  const Node& n = doc_->node(index_);
  std::string_view t = doc_->text().substr(n.begin, n.length);
  bool negative = !t.empty() && t[0] == '-';
  if (negative) t.remove_prefix(1);
  int64_t v = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return std::nullopt;  // a fraction or an exponent
    if (v > (INT64_MAX - 9) / 10) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (negative) v = -v;
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

uint32_t Value::size() const { return missing() ? 0 : doc_->node(index_).count; }

Value Value::first_child() const {
  if (size() == 0) return Value();
  return Value(doc_, index_ + 1);
}

Value Value::next_sibling() const { return Value(doc_, doc_->node(index_).next); }

Value Value::get(std::string_view key) const {
  Value found;
  if (!is_object()) return found;
  for_each_member([&](Value k, Value v) {
    const Node& kn = doc_->node(k.index());
    if (kn.escaped ? k.str() != key : doc_->text().substr(kn.begin, kn.length) != key) return false;
    found = v;
    return true;
  });
  return found;
}

bool Document::fail(const char* what) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < pos_ && i < text_.size(); ++i) {
    if (text_[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  *error_ = std::string(what) + " at line " + std::to_string(line) + " column " + std::to_string(col);
  return false;
}

void Document::skip_ws() {
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    ++pos_;
  }
}

bool Document::parse(std::string_view text, std::string* error) {
  error_ = error;
  text_ = text;
  pos_ = 0;
  nodes_.clear();
  if (text.size() > kMaxText) {
    *error = "JSON text of " + std::to_string(text.size()) + " bytes is over the limit of 1 GiB";
    return false;
  }
  // About one node per 12 bytes in tokenizer files: one allocation instead of many doublings
  // (capped: a huge hostile text grows the array only as far as it really has nodes).
  nodes_.reserve(std::min<size_t>(text.size() / 12 + 16, size_t(1) << 22));
  if (!utf8_valid(text)) return fail("not valid UTF-8");
  // Skip a UTF-8 byte order mark, as serde_json does not but editors write: harmless.
  if (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
  skip_ws();
  if (!value(0)) return false;
  skip_ws();
  if (pos_ != text_.size()) return fail("trailing characters after the JSON value");
  return true;
}

bool Document::literal(const char* word, Type type) {
  size_t n = std::strlen(word);
  if (text_.compare(pos_, n, word) != 0) return fail("invalid JSON value");
  nodes_.push_back(Node{type, false, uint32_t(pos_), uint32_t(n), uint32_t(nodes_.size() + 1), 0});
  pos_ += n;
  return true;
}

bool Document::string_node() {
  size_t start = ++pos_;  // after the quote
  bool escaped = false;
  while (true) {
    if (pos_ >= text_.size()) return fail("unterminated string");
    unsigned char c = static_cast<unsigned char>(text_[pos_]);
    if (c == '"') break;
    if (c < 0x20) return fail("control character in a string");
    if (c == '\\') {
      escaped = true;
      if (++pos_ >= text_.size()) return fail("unterminated string");
      char e = text_[pos_];
      if (e == 'u') {
        auto hex4 = [&](size_t at, uint32_t* v) {
          if (at + 4 > text_.size()) return false;
          *v = 0;
          for (size_t k = at; k < at + 4; ++k) {
            const int d = hex_digit(text_[k]);
            if (d < 0) return false;
            *v = *v * 16 + uint32_t(d);
          }
          return true;
        };
        uint32_t u;
        if (!hex4(pos_ + 1, &u)) return fail("bad \\u escape");
        pos_ += 4;
        if (u >= 0xDC00 && u <= 0xDFFF) return fail("lone low surrogate in a \\u escape");
        if (u >= 0xD800 && u <= 0xDBFF) {
          uint32_t lo;
          if (text_.compare(pos_ + 1, 2, "\\u") != 0 || !hex4(pos_ + 3, &lo) || lo < 0xDC00 || lo > 0xDFFF)
            return fail("lone high surrogate in a \\u escape");
          pos_ += 6;
        }
      } else if (!std::strchr("\"\\/bfnrt", e) || e == '\0') {
        return fail("bad escape in a string");
      }
    }
    ++pos_;
  }
  nodes_.push_back(Node{Type::String, escaped, uint32_t(start), uint32_t(pos_ - start), uint32_t(nodes_.size() + 1), 0});
  ++pos_;  // the closing quote
  return true;
}

bool Document::number_node() {
  size_t start = pos_;
  auto digits = [&] {
    size_t s = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ > s;
  };
  if (text_[pos_] == '-') ++pos_;
  if (pos_ < text_.size() && text_[pos_] == '0') {
    ++pos_;
  } else if (!digits()) {
    return fail("invalid number");
  }
  if (pos_ < text_.size() && text_[pos_] == '.') {
    ++pos_;
    if (!digits()) return fail("invalid number");
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    if (!digits()) return fail("invalid number");
  }
  nodes_.push_back(Node{Type::Number, false, uint32_t(start), uint32_t(pos_ - start), uint32_t(nodes_.size() + 1), 0});
  return true;
}

bool Document::value(int depth) {
  if (depth > kMaxDepth) return fail("JSON nested deeper than 64 levels");
  if (pos_ >= text_.size()) return fail("unexpected end of JSON");
  char c = text_[pos_];
  if (c == '"') return string_node();
  if (c == '-' || (c >= '0' && c <= '9')) return number_node();
  if (c == 't') return literal("true", Type::True);
  if (c == 'f') return literal("false", Type::False);
  if (c == 'n') return literal("null", Type::Null);
  if (c != '[' && c != '{') return fail("invalid JSON value");
  const bool object = c == '{';
  const char close = object ? '}' : ']';
  uint32_t self = uint32_t(nodes_.size());
  nodes_.push_back(Node{object ? Type::Object : Type::Array, false, uint32_t(pos_), 0, 0, 0});
  ++pos_;
  skip_ws();
  uint32_t count = 0;
  if (pos_ < text_.size() && text_[pos_] == close) {
    ++pos_;
  } else {
    while (true) {
      skip_ws();
      if (object) {
        if (pos_ >= text_.size() || text_[pos_] != '"') return fail("expected a member name");
        if (!string_node()) return false;
        skip_ws();
        if (pos_ >= text_.size() || text_[pos_] != ':') return fail("expected ':'");
        ++pos_;
        skip_ws();
        count += 1;
      }
      if (!value(depth + 1)) return false;
      count += 1;
      skip_ws();
      if (pos_ >= text_.size()) return fail("unexpected end of JSON");
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == close) {
        ++pos_;
        break;
      }
      return fail(object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }
  nodes_[self].count = count;
  nodes_[self].next = uint32_t(nodes_.size());
  return true;
}

std::string unescape(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    char e = raw[++i];
    switch (e) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        auto hex4 = [&](size_t at) {  // digits the parser checked
          uint32_t v = 0;
          for (size_t k = at; k < at + 4; ++k) v = v * 16 + uint32_t(hex_digit(raw[k]));
          return v;
        };
        uint32_t u = hex4(i + 1);
        i += 4;
        if (u >= 0xD800 && u <= 0xDBFF) {
          uint32_t lo = hex4(i + 3);
          u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
          i += 6;
        }
        utf8_append(out, u);
        break;
      }
      default: out += e; break;  // " \ /
    }
  }
  return out;
}

}  // namespace tinker::tok::json
