// The byte-level alphabet of GPT-2 (Hugging Face's bytes_char): every byte value has a printable
// character, so any text becomes a string of vocabulary characters. Printable Latin-1 bytes map
// to themselves; the others to U+0100 and up, in byte order.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tinker::tok {

class ByteLevelAlphabet {
 public:
  static const ByteLevelAlphabet& get();

  uint32_t char_of(uint8_t byte) const { return chars_[byte]; }
  // The UTF-8 of byte's character (1 or 2 bytes).
  std::string_view utf8_of(uint8_t byte) const { return {utf8_[byte].data(), utf8_len_[byte]}; }
  // The byte a character stands for, or -1 when it is not in the alphabet.
  int byte_of(uint32_t cp) const { return cp < 0x144 ? bytes_[cp] : -1; }

  // Appends the byte-level spelling of `text`.
  void encode(std::string_view text, std::string& out) const;

 private:
  ByteLevelAlphabet();
  std::array<uint32_t, 256> chars_{};
  std::array<std::array<char, 2>, 256> utf8_{};
  std::array<uint8_t, 256> utf8_len_{};
  std::array<int16_t, 0x144> bytes_{};
};

}  // namespace tinker::tok
