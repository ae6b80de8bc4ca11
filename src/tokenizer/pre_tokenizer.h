// Pre-tokenizers: cut a piece of normalized text into the pre-tokens the model encodes one by one
// (Hugging Face's Split, ByteLevel and Sequence). Pieces are whole strings; empty ones are
// dropped after every step, as PreTokenizedString::split does.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tokenizer/json_doc.h"
#include "tokenizer/regex.h"

namespace tinker::tok {

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Replaces `pieces` by what this step makes of them.
  virtual void apply(std::vector<std::string>& pieces, RegexScratch& scratch) const = 0;
  // Whether the step maps text to the byte-level alphabet (the decoder and the added tokens'
  // handling need to know).
  virtual bool byte_level() const { return false; }
};

// Builds the pre-tokenizer described by tokenizer.json's "pre_tokenizer" (non-null); throws
// TokenizerError, UNIMPLEMENTED naming an unsupported type.
std::unique_ptr<PreTokenizer> make_pre_tokenizer(json::Value config);

// How Split keeps the pieces a pattern cuts out (Hugging Face's SplitDelimiterBehavior).
enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

// Cuts `text` at the matches of `regex` (inverted: at the text between them) and appends the
// non-empty pieces as `behavior` says.
void split_by_regex(const std::string& text, const Regex& regex, SplitBehavior behavior, bool invert,
                    RegexScratch& scratch, std::vector<std::string>& out);

}  // namespace tinker::tok
