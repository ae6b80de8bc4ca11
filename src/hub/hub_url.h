// URLs of the Hub fetcher: the resolve URL of a file, the origin (scheme, host, port) that
// decides where the token may go, and a redirect's Location made absolute. The transport never
// follows redirects (http/transport.h); the fetcher follows them itself with these rules so
// that the token reaches the endpoint's origin only.
#pragma once

#include <string>

namespace tinker::hub {

// {endpoint}/{repo}/resolve/{revision}/{filename}; the revision is one path segment ('/' is
// sent as %2F, "refs/pr/1" → "refs%2Fpr%2F1", as the Hub expects).
std::string resolve_url(const std::string& endpoint, const std::string& repo, const std::string& revision,
                        const std::string& filename);

// Scheme and host lower-cased, the port explicit ("https://huggingface.co" → https, huggingface.co,
// 443). `ok` is false for anything that is not an absolute http(s) URL with a host and no user
// information.
struct Origin {
  bool ok = false;
  std::string scheme, host;
  int port = 0;
  bool operator==(const Origin& o) const { return ok && o.ok && scheme == o.scheme && host == o.host && port == o.port; }
};
Origin origin_of(const std::string& url);

// Where a redirect from `current` to `location` goes: an absolute http(s) URL is kept, "//host/…"
// takes the current scheme, "/path" and "path" stay on the current origin. False (with *why) for
// a Location with another scheme, control characters or spaces, user information, or no host.
bool resolve_location(const std::string& current, const std::string& location, std::string* out, std::string* why);

}  // namespace tinker::hub
