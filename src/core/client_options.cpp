#include "core/client_options.h"

#include <cctype>
#include <cstdlib>
#include <set>

#include "core/log.h"

namespace tinker {

static std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

bool api_key_has_valid_prefix(const std::string& key) {
  return key.rfind("tml-", 0) == 0 || key.rfind("eyJ", 0) == 0;
}

bool is_header_value(const std::string& value) {
  for (unsigned char c : value)
    if ((c < 0x20 && c != '\t') || c == 0x7F) return false;
  return true;
}

// Why "host[:port]" (a name, an IPv4 address or a bracketed IPv6 address) is malformed, or "".
static std::string host_and_port_problem(const std::string& authority) {
  std::string after_host;
  if (authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string::npos) return "has an IPv6 address without its closing ']'";
    for (char c : authority.substr(1, close - 1))
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return "has a malformed IPv6 address";
    after_host = authority.substr(close + 1);
  } else {
    const size_t colon = authority.find(':');
    for (char c : authority.substr(0, colon))
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_' && !(c & 0x80))
        return "has a character that cannot be in a host name";
    if (colon != std::string::npos) after_host = authority.substr(colon);
  }
  if (after_host.empty()) return "";
  const std::string port = after_host.substr(1);
  if (after_host[0] != ':' || port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) < 1 || std::stoi(port) > 65535)
    return "has a port that is not a number in [1, 65535]";
  return "";
}

// Why `url` cannot be the base URL, or "" when it can. The message never contains the URL's
// user information, which may be a password.
static std::string base_url_problem(const std::string& url) {
  std::string rest;
  if (url.rfind("http://", 0) == 0) rest = url.substr(7);
  else if (url.rfind("https://", 0) == 0) rest = url.substr(8);
  else return "is not an http:// or https:// URL";
  const std::string authority = rest.substr(0, rest.find('/'));
  if (authority.find('@') != std::string::npos)
    return "contains user information (user:password@); pass credentials with tinker_client_options_set_api_key";
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7F) return "contains whitespace or control characters";
  if (rest.find_first_of("?#") != std::string::npos) return "has a query or fragment; give the service's base address only";
  if (authority.empty() || authority[0] == ':') return "has no host";
  return host_and_port_problem(authority);
}

bool resolve_client_options(ClientOptions& o, Error& err) {
  if (!o.base_url) o.base_url = env("TINKER_BASE_URL").value_or(kDefaultBaseUrl);
  if (!o.api_key) o.api_key = env("TINKER_API_KEY");
  if (!o.project_id) o.project_id = env("TINKER_PROJECT_ID");
  if (!o.tags) {
    // TINKER_TAGS is comma-separated; duplicates collapse as in the official SDK (§1.1).
    std::set<std::string> uniq;
    if (auto t = env("TINKER_TAGS")) {
      size_t start = 0;
      while (start <= t->size()) {
        size_t comma = t->find(',', start);
        std::string tag = t->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!tag.empty()) uniq.insert(tag);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    o.tags = std::vector<std::string>(uniq.begin(), uniq.end());
  }
  if (!o.log_level) o.log_level = Logger::level_from_env();
  for (const char* name : {"CLOUDFLARE_ACCESS_CLIENT_ID", "CLOUDFLARE_ACCESS_CLIENT_SECRET"}) {
    if (auto v = env(name)) {
      if (!is_header_value(*v)) {
        err = make_error(TINKER_E_INVALID_ARGUMENT,
                         std::string(name) + ": contains a control character (CR, LF, …) and would forge a header");
        return false;
      }
      std::string header = std::string(name) == "CLOUDFLARE_ACCESS_CLIENT_ID" ? "CF-Access-Client-Id" : "CF-Access-Client-Secret";
      o.headers.emplace_back(header, *v);
    }
  }

  if (std::string why = base_url_problem(*o.base_url); !why.empty()) {
    const bool echo = o.base_url->find('@') == std::string::npos;  // user information is never printed
    err = make_error(TINKER_E_INVALID_ARGUMENT, "base_url: " + (echo ? "'" + *o.base_url + "' " : std::string()) + why);
    return false;
  }
  if (!o.api_key || o.api_key->empty()) {
    err = make_error(TINKER_E_UNAUTHENTICATED,
                     "api_key: no API key; set one with tinker_client_options_set_api_key or TINKER_API_KEY");
    return false;
  }
  if (!api_key_has_valid_prefix(*o.api_key)) {
    err = make_error(TINKER_E_UNAUTHENTICATED, "api_key: the API key must start with 'tml-' (or be a JWT)");
    return false;
  }
  // The setters check what they are given; values from the environment are checked here.
  if (!is_header_value(*o.api_key)) {
    err = make_error(TINKER_E_INVALID_ARGUMENT, "api_key: contains a control character (CR, LF, …) and would forge a header");
    return false;
  }
  return true;
}

}  // namespace tinker
