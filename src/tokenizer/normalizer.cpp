#include "tokenizer/normalizer.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "tokenizer/error.h"
#include "tokenizer/sequence.h"

namespace tinker::tok {

namespace {

// A "stable" character: no decomposition (canonical or compatibility), combining class 0, and
// never the second of a composed pair (utf8proc's comb_index; Hangul's vowel and trailing jamo
// compose algorithmically). No normal form changes it, and nothing before it can combine with it
// or move past it, so text can be cut before it and each part normalized alone (a
// normalization boundary, UAX #15). Conservative: an unstable character is merely normalized.
bool stable(utf8proc_int32_t cp) {
  if (cp < 0x80) return true;
  const utf8proc_property_t* prop = utf8proc_get_property(cp);
  const bool second = prop->comb_index != UINT16_MAX && prop->comb_index >= 0x8000;
  const bool jamo_vt = (cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2);
  return prop->combining_class == 0 && prop->decomp_seqindex == UINT16_MAX && !second && !jamo_vt;
}

// NFC, NFD, NFKC, NFKD with utf8proc, applied only to the parts of the text around unstable
// characters: most text (all of ASCII, most CJK) is copied as it is.
class UnicodeForm final : public Normalizer {
 public:
  explicit UnicodeForm(utf8proc_option_t options) : options_(options) {}

  std::string normalize(const std::string& text) const override {
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
    const size_t n = text.size();
    std::string out;
    size_t emitted = 0;   // text before this is in `out`
    size_t boundary = 0;  // where the last stable character starts
    for (size_t i = 0; i < n;) {
      if (p[i] < 0x80) {
        boundary = i++;
        continue;
      }
      utf8proc_int32_t cp;
      utf8proc_ssize_t len = utf8proc_iterate(p + i, utf8proc_ssize_t(n - i), &cp);
      if (len <= 0) throw TokenizerError(TINKER_E_INVALID_ARGUMENT, "normalizer: text is not valid UTF-8");
      if (stable(cp)) {
        boundary = i;
        i += size_t(len);
        continue;
      }
      // An unstable run: from the stable character before it (it may compose with the run) to
      // the next stable character.
      size_t start = std::max(boundary, emitted), end = i + size_t(len);
      while (end < n) {
        utf8proc_int32_t next;
        utf8proc_ssize_t l = utf8proc_iterate(p + end, utf8proc_ssize_t(n - end), &next);
        if (l <= 0 || stable(next)) break;
        end += size_t(l);
      }
      if (out.empty()) out.reserve(n + 16);
      out.append(text, emitted, start - emitted);
      append_normalized(text.data() + start, end - start, out);
      emitted = end;
      boundary = end;
      i = end;
    }
    if (emitted == 0) return text;
    out.append(text, emitted, n - emitted);
    return out;
  }

 private:
  void append_normalized(const char* s, size_t length, std::string& out) const {
    utf8proc_uint8_t* mapped = nullptr;
    utf8proc_ssize_t m = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s), utf8proc_ssize_t(length), &mapped, options_);
    if (m < 0) {
      if (m == UTF8PROC_ERROR_NOMEM) throw std::bad_alloc();
      throw TokenizerError(TINKER_E_INVALID_ARGUMENT, std::string("normalizer: ") + utf8proc_errmsg(m));
    }
    out.append(reinterpret_cast<const char*>(mapped), size_t(m));
    std::free(mapped);
  }

  utf8proc_option_t options_;
};

class SequenceNorm final : public Normalizer {
 public:
  explicit SequenceNorm(json::Value config)
      : steps_(sequence_steps<Normalizer>(config, "normalizer", "normalizers", [](json::Value item) { return make_normalizer(item); })) {}
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
