// Sessions created by POST /api/v1/create_session and kept alive by session_heartbeat
// (protocol.md §5). Loop-thread only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "json_body.h"

namespace emu {

struct Session {
  std::string id;
  std::string user;
  std::vector<std::string> tags;
  std::optional<std::string> project_id;
  json::Ptr user_metadata;
  std::optional<std::string> sdk_version;
  double created_ms = 0;
  int64_t heartbeats = 0;
  std::optional<double> last_heartbeat_ms;
};

class SessionTable {
 public:
  Session& create(const std::string& user, double now_ms);
  // nullptr when unknown.
  Session* find(const std::string& id);
  // {"sessions": [...]} for GET /_emulator/sessions, in creation order.
  std::string to_json(double now_ms) const;

 private:
  std::map<std::string, Session> by_id_;
  std::vector<std::string> order_;
};

}  // namespace emu
