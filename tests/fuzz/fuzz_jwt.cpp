// jwt_payload / jwt_expiry (src/core/jwt.h: reading the claims of the JWT the server hands
// out) on any bytes, two ways: the input as a token, where the payload must be what a plain
// base64url decoding of the second part gives; and the input as the payload of a well-formed
// token, which must come back exactly. jwt_expiry is the payload's numeric "exp" or nothing.
#include <optional>
#include <string>

#include "wire/json.h"
#include "core/jwt.h"
#include "fuzz_check.h"

namespace {

// The second dot-separated part decoded as base64url (standard alphabet tolerated, padding
// ends it, leftover bits dropped), independently of jwt.cpp.
std::optional<std::string> reference_payload(const std::string& token) {
  const size_t a = token.find('.');
  if (a == std::string::npos) return std::nullopt;
  const size_t b = token.find('.', a + 1);
  if (b == std::string::npos) return std::nullopt;
  static const std::string kUrl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint64_t acc = 0;
  int n = 0;
  for (size_t i = a + 1; i < b && token[i] != '='; ++i) {
    const char c = token[i] == '+' ? '-' : token[i] == '/' ? '_' : token[i];
    const size_t v = kUrl.find(c);
    if (v == std::string::npos) return std::nullopt;
    acc = (acc << 6 | v) & 0xffff;
    if ((n += 6) >= 8) out.push_back(static_cast<char>(acc >> (n -= 8)));
  }
  return out;
}

std::string base64url(const std::string& in) {
  static const char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int n = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    n += 8;
    while (n >= 6) out.push_back(kUrl[(acc >> (n -= 6)) & 63]);
  }
  if (n > 0) out.push_back(kUrl[(acc << (6 - n)) & 63]);
  return out;
}

void check_expiry(const std::string& token, const std::optional<std::string>& payload) {
  const std::optional<double> exp = tinker::jwt_expiry(token);
  std::optional<double> want;
  if (payload)
    if (tinker::json::Ptr doc = tinker::json::parse(*payload)) want = tinker::json::get_number(doc.get(), "exp");
  FUZZ_CHECK(exp.has_value() == want.has_value() && (!exp || *exp == *want), "exp is not the payload's number");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > fuzz::kMaxInput) return 0;
  const std::string input(reinterpret_cast<const char*>(data), size);

  const std::optional<std::string> payload = tinker::jwt_payload(input);
  FUZZ_CHECK(payload == reference_payload(input), "payload differs from a plain base64url decoding");
  check_expiry(input, payload);

  const std::string token = "eyJhbGciOiJIUzI1NiJ9." + base64url(input) + ".c2ln";
  FUZZ_CHECK(tinker::jwt_payload(token) == input, "a well-formed token's payload did not come back");
  check_expiry(token, input);
  return 0;
}
