#include "core/jwt.h"

#include <string_view>

#include "wire/base64.h"
#include "wire/json.h"

namespace tinker {

std::optional<std::string> jwt_payload(const std::string& token) {
  size_t a = token.find('.');
  if (a == std::string::npos) return std::nullopt;
  size_t b = token.find('.', a + 1);
  if (b == std::string::npos) return std::nullopt;
  // Leniently: either alphabet, padding optional ('=' ends the segment), leftover bits dropped.
  std::string out;
  if (!wire::base64url_decode(std::string_view(token).substr(a + 1, b - a - 1),
                              wire::Base64Padding::kEnds, &out))
    return std::nullopt;
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
