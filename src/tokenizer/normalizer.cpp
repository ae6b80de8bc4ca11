#include "tokenizer/normalizer.h"

#include <utf8proc.h>

#include <cstdlib>
#include <vector>

#include "tokenizer/error.h"

namespace tinker::tok {

namespace {

// NFC, NFD, NFKC, NFKD: one utf8proc pass with the form's options.
class UnicodeForm final : public Normalizer {
 public:
  explicit UnicodeForm(utf8proc_option_t options) : options_(options) {}

  std::string normalize(const std::string& text) const override {
    // ASCII is its own normal form in all four: the common case costs one scan.
    bool ascii = true;
    for (unsigned char c : text) {
      if (c >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return text;
    utf8proc_uint8_t* out = nullptr;
    utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                      utf8proc_ssize_t(text.size()), &out, options_);
    if (n < 0) {
      if (n == UTF8PROC_ERROR_NOMEM) throw std::bad_alloc();
      throw TokenizerError(TINKER_E_INVALID_ARGUMENT, std::string("normalizer: ") + utf8proc_errmsg(n));
    }
    std::string result(reinterpret_cast<const char*>(out), size_t(n));
    std::free(out);
    return result;
  }

 private:
  utf8proc_option_t options_;
};

class SequenceNorm final : public Normalizer {
 public:
  explicit SequenceNorm(json::Value config) {
    json::Value list = config.get("normalizers");
    if (!list.is_array()) bad_file("normalizer Sequence: \"normalizers\" is not an array");
    json::Value item = list.first_child();
    for (uint32_t i = 0; i < list.size(); ++i, item = item.next_sibling()) steps_.push_back(make_normalizer(item));
  }
  std::string normalize(const std::string& text) const override {
    std::string s = text;
    for (const auto& step : steps_) s = step->normalize(s);
    return s;
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> steps_;
};

}  // namespace

std::unique_ptr<Normalizer> make_normalizer(json::Value config) {
  if (!config.is_object()) bad_file("normalizer is not an object");
  json::Value type = config.get("type");
  std::string t = type.is_string() ? type.str() : "";
  const auto stable = UTF8PROC_STABLE;
  if (t == "NFC") return std::make_unique<UnicodeForm>(utf8proc_option_t(stable | UTF8PROC_COMPOSE));
  if (t == "NFD") return std::make_unique<UnicodeForm>(utf8proc_option_t(stable | UTF8PROC_DECOMPOSE));
  if (t == "NFKC") return std::make_unique<UnicodeForm>(utf8proc_option_t(stable | UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
  if (t == "NFKD") return std::make_unique<UnicodeForm>(utf8proc_option_t(stable | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT));
  if (t == "Sequence") return std::make_unique<SequenceNorm>(config);
  if (t.empty()) bad_file("normalizer has no \"type\"");
  unimplemented("normalizer type \"" + t + "\"");
}

}  // namespace tinker::tok
