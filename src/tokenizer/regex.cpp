#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenizer/regex.h"

#include <pcre2.h>

#include "tokenizer/error.h"

namespace tinker::tok {

namespace {

// Unicode White_Space (what Oniguruma's \s matches for UTF-8 text).
constexpr const char* kSpace = "\\t-\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}";
// Oniguruma's \w for Unicode: Letter, Mark, Decimal_Number, Connector_Punctuation.
constexpr const char* kWord = "\\p{L}\\p{M}\\p{Nd}\\p{Pc}";
constexpr const char* kHex = "0-9A-Fa-f";

// The JIT stack grows to this for long runs of one class (e.g. a megabyte of spaces).
constexpr size_t kJitStackMax = size_t(64) << 20;

}  // namespace

std::string translate_oniguruma(const std::string& p) {
  std::string out;
  out.reserve(p.size() + 64);
  int class_depth = 0;  // inside [...] (nested classes count)
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      char e = p[i + 1];
      const char* set = e == 's' || e == 'S' ? kSpace : e == 'w' || e == 'W' ? kWord : e == 'h' || e == 'H' ? kHex : nullptr;
      if (set) {
        const bool negated = e == 'S' || e == 'W' || e == 'H';
        if (class_depth > 0) {
          if (negated) unimplemented(std::string("regex escape \\") + e + " inside a character class");
          out += set;
        } else {
          out += negated ? "[^" : "[";
          out += set;
          out += ']';
        }
        ++i;
        continue;
      }
      if ((e == 'b' || e == 'B') && class_depth == 0) unimplemented(std::string("regex word boundary \\") + e);
      out += c;
      out += e;
      ++i;
      continue;
    }
    if (c == '[') {
      ++class_depth;
      out += c;
      // A ']' right after '[' or '[^' is a literal member.
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];
      continue;
    }
    if (c == ']' && class_depth > 0) --class_depth;
    out += c;
  }
  return out;
}

std::string Regex::escape(std::string_view literal) {
  std::string out;
  for (char c : literal) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

Regex::Regex(const std::string& pattern) {
  std::string translated = translate_oniguruma(pattern);
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                                   PCRE2_UTF | PCRE2_UCP, &error, &offset, nullptr);
  if (!code) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    bad_file("regex \"" + pattern + "\" does not compile: " + reinterpret_cast<const char*>(message));
  }
  code_ = code;
  jit_ = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
}

Regex::~Regex() { pcre2_code_free(static_cast<pcre2_code*>(code_)); }

RegexScratch::RegexScratch() {
  match_data_ = pcre2_match_data_create(1, nullptr);
  jit_stack_ = pcre2_jit_stack_create(32 * 1024, kJitStackMax, nullptr);
  match_context_ = pcre2_match_context_create(nullptr);
  if (!match_data_ || !match_context_) throw std::bad_alloc();
  if (jit_stack_)
    pcre2_jit_stack_assign(static_cast<pcre2_match_context*>(match_context_), nullptr,
                           static_cast<pcre2_jit_stack*>(jit_stack_));
}

RegexScratch::~RegexScratch() {
  pcre2_match_data_free(static_cast<pcre2_match_data*>(match_data_));
  pcre2_jit_stack_free(static_cast<pcre2_jit_stack*>(jit_stack_));
  pcre2_match_context_free(static_cast<pcre2_match_context*>(match_context_));
}

void Regex::find_all(std::string_view text, RegexScratch& scratch, std::vector<std::pair<size_t, size_t>>& out) const {
  auto* code = static_cast<const pcre2_code*>(code_);
  auto* md = static_cast<pcre2_match_data*>(scratch.match_data());
  auto* mc = static_cast<pcre2_match_context*>(scratch.match_context());
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t pos = 0;
  while (pos <= text.size()) {
    int rc = jit_ ? pcre2_jit_match(code, subject, text.size(), pos, 0, md, mc)
                  : pcre2_match(code, subject, text.size(), pos, PCRE2_NO_UTF_CHECK, md, mc);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(rc, message, sizeof message);
      throw TokenizerError(TINKER_E_RESOURCE_EXHAUSTED,
                           std::string("pre-tokenizer regex: ") + reinterpret_cast<const char*>(message));
    }
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    size_t start = ov[0], end = ov[1];
    out.emplace_back(start, end);
    if (end > start) {
      pos = end;
    } else {
      // An empty match: resume after the next character.
      if (end >= text.size()) break;
      pos = end + 1;
      while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
    }
  }
}

}  // namespace tinker::tok
