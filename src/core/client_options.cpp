#include "core/client_options.h"

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

static bool valid_base_url(const std::string& url) {
  std::string rest;
  if (url.rfind("http://", 0) == 0) rest = url.substr(7);
  else if (url.rfind("https://", 0) == 0) rest = url.substr(8);
  else return false;
  if (rest.empty() || rest[0] == '/' || rest[0] == ':') return false;
  for (char c : rest)
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return false;
  return true;
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
      std::string header = std::string(name) == "CLOUDFLARE_ACCESS_CLIENT_ID" ? "CF-Access-Client-Id" : "CF-Access-Client-Secret";
      o.headers.emplace_back(header, *v);
    }
  }

  if (!valid_base_url(*o.base_url)) {
    err = make_error(TINKER_E_INVALID_ARGUMENT,
                     "base_url: '" + *o.base_url + "' is not an http:// or https:// URL with a host");
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
  return true;
}

}  // namespace tinker
