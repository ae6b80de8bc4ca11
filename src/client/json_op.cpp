#include "client/json_op.h"

#include <cctype>
#include <cstring>

namespace tinker {

std::string expand_path(const char* pattern, std::initializer_list<std::pair<const char*, std::string>> values) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out(pattern);
  for (const auto& [name, value] : values) {
    std::string encoded;
    for (unsigned char c : value) {
      if (std::isalnum(c) || std::strchr("-._~:@!$&'()*+,;=/", c)) encoded += static_cast<char>(c);
      else encoded += std::string("%") + kHex[c >> 4] + kHex[c & 15];
    }
    const std::string placeholder = std::string("{") + name + "}";
    out.replace(out.find(placeholder), placeholder.size(), encoded);
  }
  return out;
}

CallSpec json_call(const JsonOp& op, std::string body, std::string path) {
  CallSpec spec;
  spec.what = op.what;
  spec.prerequisite = op.prerequisite;
  if (path.empty()) path = op.path;
  spec.build = [method = std::string(op.method), path = std::move(path), body = http::Body(std::move(body))] {
    http::Request r;
    r.method = method;
    r.url = path;
    r.body = body;
    return r;
  };
  spec.http_retries = op.http_retries;
  spec.conflict_is_final = op.conflict_is_final;
  spec.returns_future = op.returns_future;
  spec.request_type = op.request_type;
  if (op.decode) {
    auto decode = op.decode;
    std::string what = op.what;
    spec.decode = [decode, what](const http::Response& r, std::unique_ptr<Result>* out, Error* err) {
      return decode(what, r, out, err);
    };
  }
  return spec;
}

}  // namespace tinker
