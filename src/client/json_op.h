// A plain operation: one JSON request, its answer decoded into a registry result. The registry
// (api/registry.py) describes each one as a JsonOp constant; the generated C shims build the
// request message and hand both to the client's run(), so no plain operation has a C++ body of
// its own.
#pragma once

#include <functional>
#include <initializer_list>
#include <utility>
#include <memory>
#include <string>

#include "core/call.h"
#include "core/result.h"

namespace tinker {

struct JsonOp {
  const char* what;          // the operation's name, for messages
  const char* method;        // "GET", "POST", ...
  const char* path;          // "/api/v1/get_info"
  Prerequisite prerequisite;
  bool returns_future;       // the answer is {"request_id"}: poll retrieve_future (protocol.md §3)
  const char* request_type;  // X-Tinker-Request-Type of the polls
  bool ordered;              // takes the training run's next seq_id (protocol.md §6.1)
  int http_retries;          // layer-1 retries; -1 = the client's setting
  bool conflict_is_final;    // 409 cannot heal: fail at once
  ResultKind result;
  bool (*decode)(const std::string& what, const http::Response&, std::unique_ptr<Result>*, Error*);  // null: status only
};

// The call of `op` with request body `body` ("" = none) to `path` ("" = op.path, for paths
// without parameters); `what` of messages is op.what.
CallSpec json_call(const JsonOp& op, std::string body, std::string path = "");

// op.path with each "{name}" (or "{name...}", the registry's mark for a value that holds '/')
// replaced by its value, percent-encoded except for the characters a path segment may hold, '/'
// included: checkpoint ids contain one and travel unescaped (docs/protocol.md §2.4). A "." or ".."
// segment has its dots encoded too, so that no value can climb to another endpoint.
std::string expand_path(const char* pattern, std::initializer_list<std::pair<const char*, std::string>> values);

// `path` with a query string of `params`, each value percent-encoded but for unreserved characters.
// Empty values are left out: they are optional parameters not given (required ones are checked
// non-empty at the C boundary).
std::string with_query(std::string path, std::initializer_list<std::pair<const char*, std::string>> params);

// Builds a request body; ordered operations receive their seq_id (others 0).
using BodyFn = std::function<std::string(int64_t seq_id)>;

}  // namespace tinker
