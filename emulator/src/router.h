// Method + path routing. Patterns are '/'-separated; a segment "{name}" matches one path
// segment and "{name...}" matches one or more, slashes included, anywhere in the pattern:
// checkpoint ids such as "weights/0001" travel unencoded in the middle of REST paths
// (/training_runs/{id}/checkpoints/weights/0001/publish, protocol.md §10 item 8).
//
// A "{name...}" takes the fewest segments that let the rest of its pattern match. When several
// routes with the request's method match one path, the route with the most literal segments
// wins (then the first added): DELETE .../checkpoints/weights/x/publish is the unpublish route
// (checkpoint_id "weights/x"), not the checkpoint delete route with id "weights/x/publish".
//
// Parameter values are percent-decoded per segment: clients escape the characters a path
// segment may not hold (libtinker's expand_path), so the handler sees the value they meant.
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

  // "%41b%2Fc" -> "Ab/c"; a '%' not followed by two hex digits is kept as it is.
  static std::string percent_decode(const std::string& s);

 private:
  struct Entry {
    Route route;
    std::vector<std::string> segments;
    size_t literals = 0;  // segments that are not parameters: the route's specificity
  };
  static std::vector<std::string> split(const std::string& path);
  static bool match_from(const std::vector<std::string>& pattern, size_t pi,
                         const std::vector<std::string>& path, size_t si,
                         std::map<std::string, std::string>* params);
  std::vector<Entry> entries_;
};

}  // namespace emu
