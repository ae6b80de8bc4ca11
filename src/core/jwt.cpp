#include "core/jwt.h"

#include "wire/json.h"

namespace tinker {

static int b64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-' || c == '+') return 62;
  if (c == '_' || c == '/') return 63;
  return -1;
}

std::optional<std::string> jwt_payload(const std::string& token) {
  size_t a = token.find('.');
  if (a == std::string::npos) return std::nullopt;
  size_t b = token.find('.', a + 1);
  if (b == std::string::npos) return std::nullopt;
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = a + 1; i < b; ++i) {
    if (token[i] == '=') break;
    int v = b64url_value(token[i]);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::optional<double> jwt_expiry(const std::string& token) {
  auto payload = jwt_payload(token);
  if (!payload) return std::nullopt;
  auto doc = json::parse(*payload);
  if (!doc) return std::nullopt;
  return json::get_number(doc.get(), "exp");
}

}  // namespace tinker
