#include "tokenizer/byte_level.h"

#include "core/utf8.h"

namespace tinker::tok {

const ByteLevelAlphabet& ByteLevelAlphabet::get() {
  static const ByteLevelAlphabet alphabet;
  return alphabet;
}

ByteLevelAlphabet::ByteLevelAlphabet() {
  bytes_.fill(-1);
  uint32_t next = 0x100;
  for (int b = 0; b < 256; ++b) {
    bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    uint32_t cp = printable ? uint32_t(b) : next++;
    chars_[b] = cp;
    bytes_[cp] = int16_t(b);
    std::string u;
    utf8_append(u, cp);
    utf8_len_[b] = uint8_t(u.size());
    for (size_t i = 0; i < u.size(); ++i) utf8_[b][i] = u[i];
  }
}

void ByteLevelAlphabet::encode(std::string_view text, std::string& out) const {
  out.reserve(out.size() + text.size() * 2);
  for (unsigned char b : text) out.append(utf8_[b].data(), utf8_len_[b]);
}

}  // namespace tinker::tok
