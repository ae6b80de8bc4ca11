// Normalizers: rewrite text before pre-tokenization (and the added tokens marked "normalized").
// Unicode normal forms come from utf8proc; "null" in tokenizer.json means none.
#pragma once

#include <memory>
#include <string>

#include "tokenizer/json_doc.h"

namespace tinker::tok {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual std::string normalize(const std::string& text) const = 0;
};

// Builds the normalizer of tokenizer.json's "normalizer" (non-null); throws TokenizerError,
// UNIMPLEMENTED naming an unsupported type.
std::unique_ptr<Normalizer> make_normalizer(json::Value config);

}  // namespace tinker::tok
