#include "tokenizer/normalizer.h"

#include <utf8proc.h>

#include <cstdlib>
#include <vector>

#include "tokenizer/error.h"

namespace tinker::tok {

namespace {

// Whether every normal form leaves `text` (valid UTF-8) as it is, judged per character: a
// character with no decomposition (canonical or compatibility), combining class 0, and that is
// never the second of a composed pair (utf8proc's comb_index, and Hangul's vowel and trailing
// jamo, which compose algorithmically) cannot be changed by decomposing, reordering or composing.
// Conservative: a text this says no to is simply normalized.
bool stable_under_all_forms(const std::string& text) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t n = utf8proc_ssize_t(text.size());
  while (n > 0) {
    if (*p < 0x80) {
      ++p;
      --n;
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate(p, n, &cp);
    if (len <= 0) return false;
    const utf8proc_property_t* prop = utf8proc_get_property(cp);
    const bool second = prop->comb_index != UINT16_MAX && prop->comb_index >= 0x8000;
    const bool jamo_vt = (cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2);
    if (prop->combining_class != 0 || prop->decomp_seqindex != UINT16_MAX || second || jamo_vt) return false;
    p += len;
    n -= len;
  }
  return true;
}

// NFC, NFD, NFKC, NFKD: one utf8proc pass with the form's options.
class UnicodeForm final : public Normalizer {
 public:
  explicit UnicodeForm(utf8proc_option_t options) : options_(options) {}

  std::string normalize(const std::string& text) const override {
    // Most text (all of ASCII, most CJK) is its own normal form: one scan instead of a rewrite.
    if (stable_under_all_forms(text)) return text;
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
