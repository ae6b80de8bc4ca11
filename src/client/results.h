// Result objects of the service-level operations; each is the object behind an opaque C
// result handle.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/result_types.h"
#include "http/transport.h"

// S1 get_server_capabilities (protocol.md §7.13).
struct tinker_server_capabilities final : tinker::Result {
  struct Model {
    std::optional<std::string> name;
    int64_t max_context_length = -1;
  };
  std::vector<Model> models;
  std::string json;  // the server's body, for _to_json

  tinker::ResultKind kind() const override { return &tinker::result_types::ServerCapabilities; }
};

namespace tinker {
bool decode_server_capabilities(const http::Response& r, std::unique_ptr<Result>* out, Error* err);
}
