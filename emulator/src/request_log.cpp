#include "request_log.h"

#include "json_body.h"

namespace emu {

const std::vector<const char*>& RequestLog::recorded_headers() {
  static const std::vector<const char*> names = {
      "x-tinker-request-iteration", "x-tinker-request-type", "x-idempotency-key",
      "x-stainless-retry-count",    "user-agent",            "content-type",
      "content-encoding",           "accept",                "x-tinker-sampling-backpressure",
      "x-tinker-create-promise-roundtrip-time", "x-stainless-read-timeout",
      "x-tinker-test-clock-us"};  // libtinker's tests: the send time on the client's clock
  return names;
}

uint64_t RequestLog::add(LogEntry e) {
  e.seq = next_seq_++;
  if (entries_.size() >= kMaxEntries) entries_.pop_front();
  entries_.push_back(std::move(e));
  return entries_.back().seq;
}

LogEntry* RequestLog::find(uint64_t seq) {
  if (entries_.empty() || seq < entries_.front().seq) return nullptr;
  size_t idx = static_cast<size_t>(seq - entries_.front().seq);
  if (idx >= entries_.size()) return nullptr;
  return &entries_[idx];
}

std::string RequestLog::to_json(const std::optional<std::string>& path_filter) const {
  return to_json_where([&](const LogEntry& e) { return !path_filter || e.path == *path_filter; });
}

std::string RequestLog::to_json_where(const std::function<bool(const LogEntry&)>& keep) const {
  json::Ptr root = json::new_object();
  cJSON* arr = cJSON_AddArrayToObject(root.get(), "entries");
  for (const LogEntry& e : entries_) {
    if (!keep(e)) continue;
    cJSON* o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "seq", static_cast<double>(e.seq));
    cJSON_AddNumberToObject(o, "t_ms", e.t_ms);
    cJSON_AddStringToObject(o, "method", e.method.c_str());
    cJSON_AddStringToObject(o, "path", e.path.c_str());
    cJSON_AddNumberToObject(o, "status", e.status);
    if (e.fault) {
      cJSON_AddStringToObject(o, "fault", e.fault->c_str());
    } else {
      cJSON_AddNullToObject(o, "fault");
    }
    if (e.user) {
      cJSON_AddStringToObject(o, "user", e.user->c_str());
    } else {
      cJSON_AddNullToObject(o, "user");
    }
    cJSON* h = cJSON_AddObjectToObject(o, "headers");
    cJSON_AddBoolToObject(h, "x-api-key", e.has_api_key ? 1 : 0);
    for (const auto& kv : e.headers) cJSON_AddStringToObject(h, kv.first.c_str(), kv.second.c_str());
    if (e.seq_id) {
      cJSON_AddNumberToObject(o, "seq_id", static_cast<double>(*e.seq_id));
    } else {
      cJSON_AddNullToObject(o, "seq_id");
    }
    if (e.request_id) {
      cJSON_AddStringToObject(o, "request_id", e.request_id->c_str());
    } else {
      cJSON_AddNullToObject(o, "request_id");
    }
    if (e.session_id) {
      cJSON_AddStringToObject(o, "session_id", e.session_id->c_str());
    } else {
      cJSON_AddNullToObject(o, "session_id");
    }
    if (e.model_id) {
      cJSON_AddStringToObject(o, "model_id", e.model_id->c_str());
    } else {
      cJSON_AddNullToObject(o, "model_id");
    }
    if (e.sampling_session_id) {
      cJSON_AddStringToObject(o, "sampling_session_id", e.sampling_session_id->c_str());
    } else {
      cJSON_AddNullToObject(o, "sampling_session_id");
    }
    if (e.model_path) {
      cJSON_AddStringToObject(o, "model_path", e.model_path->c_str());
    } else {
      cJSON_AddNullToObject(o, "model_path");
    }
    cJSON_AddItemToArray(arr, o);
  }
  return json::dump(root.get());
}

}  // namespace emu
