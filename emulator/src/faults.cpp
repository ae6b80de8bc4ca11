#include "faults.h"

#include "json_body.h"

namespace emu {

const char* fault_action_name(FaultAction a) {
  switch (a) {
    case FaultAction::kStatus: return "status";
    case FaultAction::kDrop: return "drop";
    case FaultAction::kDropReply: return "drop_reply";
    case FaultAction::kTruncate: return "truncate";
    case FaultAction::kCorrupt: return "corrupt";
    case FaultAction::kDelay: return "delay";
    case FaultAction::kQueueState: return "queue_state";
    case FaultAction::kExpire: return "expire";
  }
  return "unknown";
}

namespace {

bool parse_action(const std::string& s, FaultAction* out) {
  static const FaultAction all[] = {FaultAction::kStatus,   FaultAction::kDrop,
                                    FaultAction::kDropReply, FaultAction::kTruncate,
                                    FaultAction::kCorrupt,  FaultAction::kDelay,
                                    FaultAction::kQueueState, FaultAction::kExpire};
  for (FaultAction a : all) {
    if (s == fault_action_name(a)) {
      *out = a;
      return true;
    }
  }
  return false;
}

bool valid_queue_state(const std::string& s) {
  return s == "active" || s == "paused_capacity" || s == "paused_rate_limit";
}

// The retrieve_future-only narrowing fields "request_id" and "request_type".
bool parse_narrowing(const cJSON* body, Fault* f, std::string* error) {
  for (const char* key : {"request_id", "request_type"}) {
    const cJSON* v = json::get(body, key);
    if (v == nullptr || cJSON_IsNull(v)) continue;
    if (!cJSON_IsString(v) || *v->valuestring == '\0') {
      *error = std::string("\"") + key + "\" must be a non-empty string";
      return false;
    }
    if (f->path != kRetrieveFuturePath) {
      *error = std::string("\"") + key + "\" narrows faults on " + kRetrieveFuturePath + " only";
      return false;
    }
    (std::string(key) == "request_id" ? f->request_id : f->request_type) = v->valuestring;
  }
  if (f->action == FaultAction::kExpire && f->path != kRetrieveFuturePath) {
    *error = std::string("action \"expire\" applies to ") + kRetrieveFuturePath + " only";
    return false;
  }
  return true;
}

bool matches(const Fault& f, const std::string& path, const FaultTarget& t) {
  if (f.path != path) return false;
  if (f.request_id && (t.request_id == nullptr || *t.request_id != *f.request_id)) return false;
  if (f.request_type && (t.request_type == nullptr || *t.request_type != *f.request_type)) {
    return false;
  }
  return true;
}

}  // namespace

bool parse_fault(const cJSON* body, Fault* out, std::string* error) {
  if (body == nullptr || !cJSON_IsObject(body)) {
    *error = "body must be a JSON object";
    return false;
  }
  Fault f;
  auto path = json::get_string(body, "path");
  if (!path || path->empty() || (*path)[0] != '/') {
    *error = "\"path\" must be an absolute path such as \"/api/v1/retrieve_future\"";
    return false;
  }
  f.path = *path;
  auto action = json::get_string(body, "action");
  if (!action || !parse_action(*action, &f.action)) {
    *error = "\"action\" must be one of status, drop, drop_reply, truncate, corrupt, delay, "
             "queue_state, expire";
    return false;
  }
  if (json::get(body, "count") != nullptr) {
    auto count = json::get_int(body, "count");
    if (!count || *count == 0 || *count < -1) {
      *error = "\"count\" must be a positive integer (or -1 for unlimited)";
      return false;
    }
    f.remaining = *count;
  }
  if (f.action == FaultAction::kStatus) {
    auto status = json::get_int(body, "status");
    if (!status || *status < 100 || *status > 599) {
      *error = "action \"status\" needs \"status\" between 100 and 599";
      return false;
    }
    f.status = static_cast<int>(*status);
  }
  if (json::get(body, "body") != nullptr) {
    auto b = json::get_string(body, "body");
    if (!b) {
      *error = "\"body\" must be a string (the raw response body)";
      return false;
    }
    f.body = *b;
  }
  if (const cJSON* hs = json::get(body, "headers")) {
    if (!cJSON_IsObject(hs)) {
      *error = "\"headers\" must be an object of strings";
      return false;
    }
    for (const cJSON* h = hs->child; h != nullptr; h = h->next) {
      if (!cJSON_IsString(h)) {
        *error = "\"headers\" values must be strings";
        return false;
      }
      f.headers.emplace_back(h->string, h->valuestring);
    }
  }
  if (f.action == FaultAction::kDelay) {
    auto d = json::get_int(body, "delay_ms");
    if (!d || *d < 0) {
      *error = "action \"delay\" needs \"delay_ms\" >= 0";
      return false;
    }
    f.delay_ms = *d;
  }
  if (f.action == FaultAction::kQueueState) {
    if (auto qs = json::get_string(body, "queue_state")) f.queue_state = *qs;
    if (!valid_queue_state(f.queue_state)) {
      *error = "\"queue_state\" must be active, paused_capacity or paused_rate_limit";
      return false;
    }
    f.queue_state_reason = json::get_string(body, "queue_state_reason");
  }
  if (!parse_narrowing(body, &f, error)) return false;
  *out = std::move(f);
  return true;
}

int64_t FaultTable::add(Fault f) {
  f.id = next_id_++;
  faults_.push_back(std::move(f));
  return faults_.back().id;
}

std::optional<Fault> FaultTable::take(const std::string& path, const FaultTarget& target) {
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (!matches(*it, path, target)) continue;
    it->hits++;
    Fault hit = *it;
    if (it->remaining > 0 && --it->remaining == 0) faults_.erase(it);
    return hit;
  }
  return std::nullopt;
}

std::string FaultTable::to_json() const {
  json::Ptr root = json::new_object();
  cJSON* arr = cJSON_AddArrayToObject(root.get(), "faults");
  for (const Fault& f : faults_) {
    cJSON* o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", static_cast<double>(f.id));
    cJSON_AddStringToObject(o, "path", f.path.c_str());
    cJSON_AddStringToObject(o, "action", fault_action_name(f.action));
    cJSON_AddNumberToObject(o, "remaining", static_cast<double>(f.remaining));
    cJSON_AddNumberToObject(o, "hits", static_cast<double>(f.hits));
    if (f.action == FaultAction::kStatus) cJSON_AddNumberToObject(o, "status", f.status);
    if (f.action == FaultAction::kDelay) {
      cJSON_AddNumberToObject(o, "delay_ms", static_cast<double>(f.delay_ms));
    }
    if (f.action == FaultAction::kQueueState) {
      cJSON_AddStringToObject(o, "queue_state", f.queue_state.c_str());
    }
    if (f.request_id) cJSON_AddStringToObject(o, "request_id", f.request_id->c_str());
    if (f.request_type) cJSON_AddStringToObject(o, "request_type", f.request_type->c_str());
    cJSON_AddItemToArray(arr, o);
  }
  return json::dump(root.get());
}

}  // namespace emu
