// The pre-tokenizers' regular expressions: Oniguruma's syntax (what Hugging Face compiles them
// with) run by PCRE2 (UTF + UCP, JIT when available). The few escapes whose meaning differs
// between the two engines are rewritten to explicit classes before compiling (regex.cpp).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tinker::tok {

// Per-thread matching state (PCRE2 match data and JIT stack): one per encode call or worker.
class RegexScratch {
 public:
  RegexScratch();
  ~RegexScratch();
  RegexScratch(const RegexScratch&) = delete;
  RegexScratch& operator=(const RegexScratch&) = delete;
  void* match_data() const { return match_data_; }
  void* jit_stack() const { return jit_stack_; }
  void* match_context() const { return match_context_; }

 private:
  void* match_data_;
  void* jit_stack_;
  void* match_context_;
};

class Regex {
 public:
  // Compiles an Oniguruma-syntax pattern; throws TokenizerError (INVALID_ARGUMENT for a pattern
  // that does not compile, UNIMPLEMENTED for a construct whose meaning would differ).
  explicit Regex(const std::string& pattern);
  // A literal string (Split's {"String": ...}).
  static std::string escape(std::string_view literal);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Every match of `text` (valid UTF-8) as [start, end) byte offsets, left to right, as
  // Oniguruma's search loop finds them: after an empty match the search resumes one character
  // further. Throws TokenizerError (RESOURCE_EXHAUSTED) when the engine hits its limits.
  void find_all(std::string_view text, RegexScratch& scratch, std::vector<std::pair<size_t, size_t>>& out) const;

 private:
  void* code_ = nullptr;
  bool jit_ = false;
};

// Rewrites the escapes of an Oniguruma pattern whose meaning differs in PCRE2 (exposed for the
// unit tests): \s \S (Unicode White_Space; PCRE2's list has U+180E), \w \W (Oniguruma's word
// characters: letters, marks, decimal digits, connector punctuation), \h \H (hex digits in
// Oniguruma). Throws TokenizerError (UNIMPLEMENTED) for \b \B and for \S \W \H inside a class.
std::string translate_oniguruma(const std::string& pattern);

}  // namespace tinker::tok
