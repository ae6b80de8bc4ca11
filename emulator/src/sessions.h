// Sessions created by POST /api/v1/create_session and kept alive by session_heartbeat
// (protocol.md §5). Kept in the database (table sessions: id, user, tags, project, metadata,
// SDK version, creation time) and cached here, all of them, loaded at start-up; heartbeats and
// the create_session resend memory are this process's only. Loop-thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db.h"
#include "json_body.h"

namespace emu {

struct Session {
  std::string id;
  std::string user;
  std::vector<std::string> tags;
  std::optional<std::string> project_id;
  json::Ptr user_metadata;
  std::optional<std::string> sdk_version;
  double created_unix = 0;  // wall clock (what is stored)
  double created_ms = 0;    // loop clock (GET /_emulator/sessions ages); negative after a restart
  int64_t heartbeats = 0;
  std::optional<double> last_heartbeat_ms;
};

class SessionTable {
 public:
  // How many create_session answers are kept for resends (the oldest are forgotten first).
  static constexpr size_t kRememberedCreates = 65536;

  // Loads every stored session; `now_ms` is the loop clock's reading now.
  SessionTable(Db& db, double now_ms);

  // Stores a new session made of `proto`'s user, tags, project, metadata and SDK version,
  // with a fresh id; false (nothing created) when the database refused it.
  const Session* create(Session proto, double now_ms);
  // nullptr when unknown.
  Session* find(const std::string& id);
  // The ids of `user`'s sessions, oldest first (GET /api/v1/sessions pages through them).
  std::vector<std::string> ids_of(const std::string& user) const;
  void set_project(Session& s, const std::string& project_id);

  // Resend safety of create_session, whose body names nothing unique: a request is a resend
  // when the same user sends the same X-Idempotency-Key again (the key every retry of one
  // request shares, protocol.md §4.1). remember_create() records which session a keyed request
  // created; created_by_key() finds it: the session id, or none. *same_body says whether the
  // resend's body is the same JSON value (key order and spacing aside).
  void remember_create(const std::string& user, const std::string& key, const cJSON* body,
                       const std::string& session_id);
  std::optional<std::string> created_by_key(const std::string& user, const std::string& key,
                                            const cJSON* body, bool* same_body) const;
  // {"sessions": [...]} for GET /_emulator/sessions, in creation order.
  std::string to_json(double now_ms) const;

 private:
  struct KeyedCreate {
    std::string session_id;
    json::Ptr body;
  };
  Db& db_;
  std::map<std::string, Session> by_id_;
  std::vector<std::string> order_;
  std::map<std::string, KeyedCreate> by_key_;  // "<user> <idempotency key>"
  std::deque<std::string> key_order_;          // oldest first, for the bound
};

}  // namespace emu
