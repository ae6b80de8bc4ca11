#include "sessions.h"

#include "checkpoints.h"  // unix_now
#include "ids.h"

namespace emu {

SessionTable::SessionTable(Db& db, double now_ms) : db_(db) {
  const double now_unix = unix_now();
  Db::Use use(db_);
  Db::Stmt s(db_,
             "SELECT id, user_id, tags, project_id, user_metadata, sdk_version, created_unix "
             "FROM sessions ORDER BY created_unix, rowid");
  while (s.step()) {
    Session e;
    e.id = s.text(0);
    e.user = s.text(1);
    json::Ptr tags = parse_body(s.text(2), nullptr);
    for (const cJSON* t = tags ? tags->child : nullptr; t != nullptr; t = t->next) {
      if (cJSON_IsString(t)) e.tags.emplace_back(t->valuestring);
    }
    e.project_id = s.opt_text(3);
    e.user_metadata = parse_body(s.text(4), nullptr);
    if (!e.user_metadata) e.user_metadata = json::new_object();
    e.sdk_version = s.opt_text(5);
    e.created_unix = s.f64(6);
    e.created_ms = now_ms - (now_unix - e.created_unix) * 1000.0;
    order_.push_back(e.id);
    std::string id = e.id;
    by_id_.emplace(std::move(id), std::move(e));
  }
}

const Session* SessionTable::create(Session proto, double now_ms) {
  proto.id = random_uuid();
  proto.created_ms = now_ms;
  proto.created_unix = unix_now();
  if (!proto.user_metadata) proto.user_metadata = json::new_object();
  json::Ptr tags(cJSON_CreateArray());
  for (const auto& t : proto.tags) cJSON_AddItemToArray(tags.get(), cJSON_CreateString(t.c_str()));
  Db::Use use(db_);
  bool ok = Db::Stmt(db_,
                     "INSERT INTO sessions (id, user_id, tags, project_id, user_metadata, sdk_version, "
                     "created_unix) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                .bind(1, proto.id)
                .bind(2, proto.user)
                .bind(3, json::dump(tags.get()))
                .bind(4, proto.project_id)
                .bind(5, json::dump(proto.user_metadata.get()))
                .bind(6, proto.sdk_version)
                .bind(7, proto.created_unix)
                .run();
  if (!ok) return nullptr;
  order_.push_back(proto.id);
  std::string id = proto.id;
  return &(by_id_[id] = std::move(proto));
}

void SessionTable::set_project(Session& s, const std::string& project_id) {
  Db::Use use(db_);
  Db::Stmt(db_, "UPDATE sessions SET project_id = ?2 WHERE id = ?1").bind(1, s.id).bind(2, project_id).run();
  s.project_id = project_id;
}

Session* SessionTable::find(const std::string& id) {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

std::vector<std::string> SessionTable::ids_of(const std::string& user) const {
  std::vector<std::string> out;
  for (const std::string& id : order_) {
    if (by_id_.at(id).user == user) out.push_back(id);
  }
  return out;
}

namespace {
std::string key_of(const std::string& user, const std::string& key) { return user + " " + key; }
}  // namespace

void SessionTable::remember_create(const std::string& user, const std::string& key,
                                   const cJSON* body, const std::string& session_id) {
  std::string k = key_of(user, key);
  if (by_key_.count(k) == 0) key_order_.push_back(k);
  by_key_[k] = KeyedCreate{session_id, json::clone(body)};
  while (key_order_.size() > kRememberedCreates) {
    by_key_.erase(key_order_.front());
    key_order_.pop_front();
  }
}

std::optional<std::string> SessionTable::created_by_key(const std::string& user,
                                                        const std::string& key,
                                                        const cJSON* body,
                                                        bool* same_body) const {
  auto it = by_key_.find(key_of(user, key));
  if (it == by_key_.end()) return std::nullopt;
  *same_body = cJSON_Compare(it->second.body.get(), body, /*case_sensitive=*/1) != 0;
  return it->second.session_id;
}

std::string SessionTable::to_json(double now_ms) const {
  json::Ptr root = json::new_object();
  cJSON* arr = cJSON_AddArrayToObject(root.get(), "sessions");
  for (const std::string& id : order_) {
    const Session& s = by_id_.at(id);
    cJSON* o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "session_id", s.id.c_str());
    cJSON_AddStringToObject(o, "user", s.user.c_str());
    cJSON_AddNumberToObject(o, "heartbeats", static_cast<double>(s.heartbeats));
    if (s.last_heartbeat_ms) {
      cJSON_AddNumberToObject(o, "last_heartbeat_ms_ago", now_ms - *s.last_heartbeat_ms);
    } else {
      cJSON_AddNullToObject(o, "last_heartbeat_ms_ago");
    }
    cJSON* tags = cJSON_AddArrayToObject(o, "tags");
    for (const auto& t : s.tags) cJSON_AddItemToArray(tags, cJSON_CreateString(t.c_str()));
    if (s.project_id) {
      cJSON_AddStringToObject(o, "project_id", s.project_id->c_str());
    } else {
      cJSON_AddNullToObject(o, "project_id");
    }
    cJSON_AddItemToObject(o, "user_metadata", cJSON_Duplicate(s.user_metadata.get(), 1));
    if (s.sdk_version) {
      cJSON_AddStringToObject(o, "sdk_version", s.sdk_version->c_str());
    } else {
      cJSON_AddNullToObject(o, "sdk_version");
    }
    cJSON_AddNumberToObject(o, "age_ms", now_ms - s.created_ms);
    cJSON_AddItemToArray(arr, o);
  }
  return json::dump(root.get());
}

}  // namespace emu
