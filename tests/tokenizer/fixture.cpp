#include "fixture.h"

#include <cstdio>
#include <cstdlib>

extern "C" {
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
}

namespace tokfix {

std::string byte_char(unsigned b) {
  unsigned next = 0x100, cp = 0;
  for (unsigned x = 0; x <= b; ++x) {
    bool printable = (x >= 0x21 && x <= 0x7E) || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF);
    cp = printable ? x : next++;
  }
  std::string s;
  if (cp < 0x80) {
    s += char(cp);
  } else {
    s += char(0xC0 | (cp >> 6));
    s += char(0x80 | (cp & 0x3F));
  }
  return s;
}

std::string byte_level(const std::string& text) {
  std::string s;
  for (unsigned char c : text) s += byte_char(c);
  return s;
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += char(c);
    }
  }
  return out + "\"";
}

std::string make_json(const Spec& spec) {
  std::string vocab = "{";
  for (unsigned b = 0; b < 256; ++b) vocab += (b ? "," : "") + quote(byte_char(b)) + ":" + std::to_string(b);
  int id = 256;
  for (const auto& [a, b] : spec.merges) vocab += "," + quote(a + b) + ":" + std::to_string(id++);
  for (const auto& t : spec.extra_vocab) vocab += "," + quote(t) + ":" + std::to_string(id++);
  vocab += "}";
  std::string merges = "[";
  for (size_t i = 0; i < spec.merges.size(); ++i) {
    const auto& [a, b] = spec.merges[i];
    merges += i ? "," : "";
    merges += spec.merges_as_arrays ? "[" + quote(a) + "," + quote(b) + "]" : quote(a + " " + b);
  }
  merges += "]";
  return std::string(R"({"version":"1.0","truncation":null,"padding":null,"added_tokens":)") + spec.added_tokens +
         ",\"normalizer\":" + spec.normalizer + ",\"pre_tokenizer\":" + spec.pre_tokenizer +
         ",\"post_processor\":" + spec.post_processor + ",\"decoder\":" + spec.decoder +
         ",\"model\":{\"type\":\"" + spec.model_type + "\",\"dropout\":null,\"unk_token\":null," +
         "\"continuing_subword_prefix\":null,\"end_of_word_suffix\":null,\"fuse_unk\":false," +
         "\"byte_fallback\":false,\"ignore_merges\":" + (spec.ignore_merges ? "true" : "false") +
         ",\"vocab\":" + vocab + ",\"merges\":" + merges + "}}";
}

struct tinker_tokenizer* load(const std::string& json) {
  struct tinker_tokenizer* t = nullptr;
  tinker_status_t s = tinker_tokenizer_load_memory(json.data(), json.size(), nullptr, 0, &t);
  if (s != TINKER_OK) {
    print_error("load failed: %s\n", tinker_error_message(tinker_last_error()));
    fail();
  }
  return t;
}

std::vector<int32_t> encode(const struct tinker_tokenizer* t, const std::string& text, bool special) {
  int32_t* ids = nullptr;
  size_t n = 0;
  tinker_status_t s = tinker_tokenizer_encode(t, text.data(), text.size(), special ? 1 : 0, &ids, &n);
  if (s != TINKER_OK) {
    print_error("encode failed: %s\n", tinker_error_message(tinker_last_error()));
    fail();
  }
  std::vector<int32_t> out(ids, ids + n);
  tinker_free(ids);
  return out;
}

std::string decode(const struct tinker_tokenizer* t, const std::vector<int32_t>& ids, bool skip) {
  char* text = nullptr;
  size_t length = 0;
  tinker_status_t s = tinker_tokenizer_decode(t, ids.data(), ids.size(), skip ? 1 : 0, &length, &text);
  if (s != TINKER_OK) {
    print_error("decode failed: %s\n", tinker_error_message(tinker_last_error()));
    fail();
  }
  std::string out(text, length);
  tinker_free(text);
  return out;
}

}  // namespace tokfix
