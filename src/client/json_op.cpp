#include "client/json_op.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace tinker {

std::string expand_path(const char* pattern, std::initializer_list<std::pair<const char*, std::string>> values) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out(pattern);
  for (const auto& [name, value] : values) {
    std::string encoded;
    for (size_t i = 0; i < value.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(value[i]);
      // The start of a segment that is only dots ("." or ".."): libcurl and servers would resolve it.
      const size_t seg = value.rfind('/', i) == std::string::npos ? 0 : value.rfind('/', i) + 1;
      const size_t seg_end = std::min(value.find('/', i), value.size());
      const bool dots_only = value.find_first_not_of('.', seg) >= seg_end && seg_end - seg <= 2;
      if ((std::isalnum(c) || std::strchr("-._~:@!$&'()*+,;=/", c)) && !(c == '.' && dots_only))
        encoded += static_cast<char>(c);
      else
        encoded += std::string("%") + kHex[c >> 4] + kHex[c & 15];
    }
    std::string placeholder = std::string("{") + name + "}";
    if (out.find(placeholder) == std::string::npos) placeholder = std::string("{") + name + "...}";
    out.replace(out.find(placeholder), placeholder.size(), encoded);
  }
  return out;
}

std::string with_query(std::string path, std::initializer_list<std::pair<const char*, std::string>> params) {
  static const char kHex[] = "0123456789ABCDEF";
  char sep = '?';
  for (const auto& [name, value] : params) {
    if (value.empty()) continue;  // an optional parameter not given
    path += sep;
    path += name;
    path += '=';
    for (const unsigned char c : value) {
      if (std::isalnum(c) || std::strchr("-._~", c)) path += static_cast<char>(c);
      else path += std::string("%") + kHex[c >> 4] + kHex[c & 15];
    }
    sep = '&';
  }
  return path;
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
