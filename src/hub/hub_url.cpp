#include "hub/hub_url.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace tinker::hub {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// RFC 3986 scheme: a letter, then letters, digits, '+', '-', '.'; followed by ':'. Empty when
// `s` does not start with one (a relative reference).
std::string scheme_of(const std::string& s) {
  size_t colon = s.find(':');
  if (colon == std::string::npos || colon == 0 || s.find_first_of("/?#") < colon) return "";
  if (!std::isalpha(static_cast<unsigned char>(s[0]))) return "";
  for (size_t i = 1; i < colon; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return "";
  }
  return lower(s.substr(0, colon));
}

}  // namespace

std::string resolve_url(const std::string& endpoint, const std::string& repo, const std::string& revision,
                        const std::string& filename) {
  std::string rev;
  for (char c : revision) rev += c == '/' ? std::string("%2F") : std::string(1, c);
  return endpoint + "/" + repo + "/resolve/" + rev + "/" + filename;
}

Origin origin_of(const std::string& url) {
  Origin o;
  const std::string scheme = scheme_of(url);
  if ((scheme != "http" && scheme != "https") || url.compare(scheme.size(), 3, "://") != 0) return o;
  const size_t begin = scheme.size() + 3;
  const std::string authority = url.substr(begin, url.find_first_of("/?#", begin) - begin);
  if (authority.empty() || authority.find('@') != std::string::npos) return o;
  std::string host = authority, port;
  if (authority[0] == '[') {  // an IPv6 literal: [::1]:8080
    size_t close = authority.find(']');
    if (close == std::string::npos) return o;
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return o;
      port = authority.substr(close + 2);
    }
  } else if (size_t colon = authority.find(':'); colon != std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return o;
  o.scheme = scheme;
  o.host = lower(host);
  o.port = scheme == "https" ? 443 : 80;
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }))
      return o;
    o.port = std::atoi(port.c_str());
    if (o.port < 1 || o.port > 65535) return o;
  }
  o.ok = true;
  return o;
}

bool resolve_location(const std::string& current, const std::string& location, std::string* out, std::string* why) {
  if (location.empty()) {
    *why = "a redirect without a Location";
    return false;
  }
  if (std::any_of(location.begin(), location.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; })) {
    *why = "a redirect whose Location holds spaces or control characters";
    return false;
  }
  const std::string cur_scheme = scheme_of(current);
  std::string target;
  if (const std::string scheme = scheme_of(location); !scheme.empty()) {
    if (scheme != "http" && scheme != "https") {
      *why = "a redirect to a '" + scheme + ":' address (only http and https are followed)";
      return false;
    }
    target = location;
  } else if (location.compare(0, 2, "//") == 0) {
    target = cur_scheme + ":" + location;
  } else {
    const size_t path_begin = current.find('/', cur_scheme.size() + 3);
    const std::string base = current.substr(0, path_begin);  // scheme://authority
    if (location[0] == '/') {
      target = base + location;
    } else {  // relative to the current path's directory
      std::string path = path_begin == std::string::npos ? "/" : current.substr(path_begin);
      path = path.substr(0, path.find_first_of("?#"));
      target = base + path.substr(0, path.rfind('/') + 1) + location;
    }
  }
  if (!origin_of(target).ok) {
    *why = "a redirect to an address without a usable host (or with user information)";
    return false;
  }
  *out = target;
  return true;
}

}  // namespace tinker::hub
