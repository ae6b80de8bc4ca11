#include "tokenizer/decoder.h"

#include "tokenizer/byte_level.h"
#include "tokenizer/error.h"
#include "core/utf8.h"

namespace tinker::tok {

namespace {

class JoinWithSpaces final : public Decoder {
 public:
  std::string decode(const std::vector<std::string_view>& tokens) const override {
    std::string out;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i) out += ' ';
      out += tokens[i];
    }
    return out;
  }
};

class ByteLevelDecoder final : public Decoder {
 public:
  std::string decode(const std::vector<std::string_view>& tokens) const override {
    const ByteLevelAlphabet& alphabet = ByteLevelAlphabet::get();
    std::string bytes;
    for (std::string_view token : tokens) {
      const size_t mark = bytes.size();
      bool all_mapped = true;
      for (size_t i = 0; i < token.size();) {
        size_t len;
        int b = alphabet.byte_of(utf8_decode(token, i, &len));
        if (b < 0) {
          all_mapped = false;
          break;
        }
        bytes += char(b);
        i += len;
      }
      if (!all_mapped) {  // the token as it is spelled
        bytes.resize(mark);
        bytes += token;
      }
    }
    return utf8_lossy(bytes);
  }
};

}  // namespace

std::unique_ptr<Decoder> make_decoder(json::Value config) {
  if (config.is_null()) return std::make_unique<JoinWithSpaces>();
  if (!config.is_object()) bad_file("decoder is not an object");
  json::Value type = config.get("type");
  std::string t = type.is_string() ? type.str() : "";
  if (t == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
  if (t.empty()) bad_file("decoder has no \"type\"");
  unimplemented("decoder type \"" + t + "\"");
}

}  // namespace tinker::tok
