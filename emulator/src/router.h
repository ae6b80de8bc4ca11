// Method + path routing. Patterns are '/'-separated; a segment "{name}" matches one path
// segment and "{name...}" (last only) matches the rest, slashes included (checkpoint ids such
// as "weights/0001" travel unencoded, protocol.md §10 item 8).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace emu {

class App;
class Exchange;

enum class AuthMode {
  kNone,        // healthz and the admin API
  kCredential,  // a tml- key or an issued JWT, even in JWT mode (client/config, auth/token)
  kSession,     // a tml- key, or only an issued JWT when pjwt_auth_enabled (§1.2)
};

enum class BodyMode {
  kIgnore,  // body not read (GET, protobuf endpoints)
  kJson,    // JSON object required; an empty body counts as {}
};

using RouteHandler = std::function<void(App&, Exchange*)>;

struct Route {
  std::string method;
  std::string pattern;
  AuthMode auth = AuthMode::kSession;
  BodyMode body = BodyMode::kJson;
  RouteHandler handler;
};

struct RouteMatch {
  const Route* route = nullptr;
  bool path_known = false;            // some route has this path (-> 405 when no method fits)
  std::vector<std::string> allowed;   // methods for this path, for the Allow header
  std::map<std::string, std::string> params;
};

class Router {
 public:
  void add(Route r);
  RouteMatch match(const std::string& method, const std::string& path) const;

 private:
  struct Entry {
    Route route;
    std::vector<std::string> segments;
  };
  static std::vector<std::string> split(const std::string& path);
  static bool match_segments(const std::vector<std::string>& pattern,
                             const std::vector<std::string>& path,
                             std::map<std::string, std::string>* params);
  std::vector<Entry> entries_;
};

}  // namespace emu
