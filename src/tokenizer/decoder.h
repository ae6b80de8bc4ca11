// Decoders: turn the tokens of decoded ids back into text. ByteLevel maps each token's
// characters back to bytes (a token with a character outside the alphabet, such as an added
// token, keeps its own UTF-8) and replaces invalid UTF-8 of the whole byte string with U+FFFD;
// with no decoder, Hugging Face joins the tokens with spaces.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/json_doc.h"

namespace tinker::tok {

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual std::string decode(const std::vector<std::string_view>& tokens) const = 0;
};

// The decoder of tokenizer.json's "decoder"; a null config gives the space-joining default.
// Throws TokenizerError, UNIMPLEMENTED naming an unsupported type.
std::unique_ptr<Decoder> make_decoder(json::Value config);

}  // namespace tinker::tok
