#include "sessions.h"

#include "ids.h"

namespace emu {

Session& SessionTable::create(const std::string& user, double now_ms) {
  std::string id = random_uuid();
  Session& s = by_id_[id];
  s.id = id;
  s.user = user;
  s.created_ms = now_ms;
  s.user_metadata = json::new_object();
  order_.push_back(id);
  return s;
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
