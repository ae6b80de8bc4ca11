#include "core/printable.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "core/utf8.h"

namespace tinker {

namespace {

// Reference-counted: two clients may share a key, and one going away must not un-redact it.
struct Registry {
  std::mutex mu;
  std::map<std::string, size_t> secrets;
};

Registry& registry() {
  static Registry* r = new Registry;  // never destroyed: clients may outlive static destructors
  return *r;
}

void retain(const std::string& s) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lk(r.mu);
  ++r.secrets[s];
}

void release(const std::string& s) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lk(r.mu);
  auto it = r.secrets.find(s);
  if (it != r.secrets.end() && --it->second == 0) r.secrets.erase(it);
}

std::string escape_and_validate(const std::string& in) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(in.size());
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const size_t size = in.size();
  size_t subpart;  // unused: an invalid byte is replaced on its own, one U+FFFD per byte
  for (size_t i = 0; i < size;) {
    const unsigned char c = p[i];
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if ((c < 0x20 && c != '\t') || c == 0x7F) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else if (size_t n = utf8_char_or_subpart(p + i, size - i, &subpart)) {
      out.append(in, i, n);
      i += n;
      continue;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD
    }
    ++i;
  }
  return out;
}

}  // namespace

SecretSet::~SecretSet() {
  for (const auto& s : held_) release(s);
}

void SecretSet::add(const std::string& secret) {
  if (secret.empty()) return;
  std::lock_guard<std::mutex> lk(mu_);
  // Held already: adding it again must not push older ones (a JWT still in use) out.
  if (std::find(held_.begin(), held_.end(), secret) != held_.end()) return;
  retain(secret);
  held_.push_back(secret);
  if (held_.size() > kKept + 1) {  // the first one (the API key) always stays
    release(held_[1]);
    held_.erase(held_.begin() + 1);
  }
}

std::string redact_secrets(std::string text) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lk(r.mu);
  for (const auto& kv : r.secrets) {
    const std::string& secret = kv.first;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
      text.replace(at, secret.size(), "[redacted]");
  }
  return text;
}

std::string printable(std::string text, size_t max_bytes) {
  std::string out = escape_and_validate(redact_secrets(std::move(text)));
  if (out.size() <= max_bytes) return out;
  static const char kEllipsis[] = "\xE2\x80\xA6";  // …
  size_t cut = max_bytes > 3 ? max_bytes - 3 : 0;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // a character start
  out.resize(cut);
  out += kEllipsis;
  return out;
}

}  // namespace tinker
