#include "settings.h"

namespace emu {

namespace {

cJSON* model(const char* name, int ctx) {
  cJSON* m = cJSON_CreateObject();
  cJSON_AddStringToObject(m, "model_name", name);
  cJSON_AddNumberToObject(m, "max_context_length", ctx);
  return m;
}

bool valid_queue_state(const std::string& s) {
  return s == "active" || s == "paused_capacity" || s == "paused_rate_limit";
}

}  // namespace

Settings::Settings() {
  cJSON_AddNumberToObject(dynamic_config.get(), "refresh_interval_sec", 300);
  supported_models.reset(cJSON_CreateArray());
  // Names the SDK's users know, plus the emulator's own tiny models.
  cJSON_AddItemToArray(supported_models.get(), model("Qwen/Qwen3-8B", 32768));
  cJSON_AddItemToArray(supported_models.get(), model("Qwen/Qwen3-30B-A3B", 32768));
  cJSON_AddItemToArray(supported_models.get(), model("meta-llama/Llama-3.1-8B", 131072));
  cJSON_AddItemToArray(supported_models.get(), model("meta-llama/Llama-3.2-1B", 131072));
  cJSON_AddItemToArray(supported_models.get(), model("tinker-emulator/tiny-bigram", 512));
  cJSON_AddItemToArray(supported_models.get(), model("tinker-emulator/synthetic", 32768));
}

bool Settings::jwt_required() const {
  auto v = json::get_bool(client_config.get(), "pjwt_auth_enabled");
  return v.value_or(false);
}

bool Settings::merge(const cJSON* body, std::string* error) {
  if (body == nullptr || !cJSON_IsObject(body)) {
    *error = "body must be a JSON object";
    return false;
  }
  // Validate everything before changing anything.
  struct IntField {
    const char* key;
    int64_t* target;
    int64_t min;
    int64_t max = INT64_MAX;
  };
  IntField ints[] = {{"poll_hold_ms", &poll_hold_ms, 0},
                     {"metadata_threshold_bytes", &metadata_threshold_bytes, 0},
                     {"result_retention_ms", &result_retention_ms, 0},
                     {"seq_gap_timeout_ms", &seq_gap_timeout_ms, 1},
                     {"jwt_ttl_sec", &jwt_ttl_sec, 1},
                     {"record_inputs", &record_inputs, 0, kMaxRecordInputs},
                     {"sample_max_concurrent", &sample_max_concurrent, 0, kMaxSampleConcurrent},
                     {"sample_delay_ms", &sample_delay_ms, 0, kMaxSampleDelayMs},
                     {"archive_build_ms", &archive_build_ms, 0, kMaxArchiveBuildMs},
                     {"download_url_ttl_sec", &download_url_ttl_sec, 1, kMaxDownloadUrlTtlSec},
                     {"trace_export_pending_polls", &trace_export_pending_polls, 0, kMaxTraceKnob},
                     {"trace_export_failures", &trace_export_failures, 0, kMaxTraceKnob}};
  for (const IntField& f : ints) {
    if (json::get(body, f.key) == nullptr) continue;
    auto v = json::get_int(body, f.key);
    if (!v || *v < f.min || *v > f.max) {
      *error = std::string("\"") + f.key + "\" must be an integer >= " + std::to_string(f.min);
      if (f.max != INT64_MAX) *error += " and <= " + std::to_string(f.max);
      return false;
    }
  }
  for (const char* key : {"client_config", "dynamic_config"}) {
    if (json::present_but_not(body, key, cJSON_Object)) {
      *error = std::string("\"") + key + "\" must be an object";
      return false;
    }
  }
  if (json::present_but_not(body, "dynamic_config_404", cJSON_True | cJSON_False)) {
    *error = "\"dynamic_config_404\" must be a boolean";
    return false;
  }
  if (json::present_but_not(body, "supported_models", cJSON_Array)) {
    *error = "\"supported_models\" must be an array";
    return false;
  }
  if (json::get(body, "queue_state") != nullptr) {
    auto qs = json::get_string(body, "queue_state");
    if (!qs || !valid_queue_state(*qs)) {
      *error = "\"queue_state\" must be active, paused_capacity or paused_rate_limit";
      return false;
    }
  }
  if (json::present_but_not(body, "queue_state_reason", cJSON_String | cJSON_NULL)) {
    *error = "\"queue_state_reason\" must be a string or null";
    return false;
  }

  for (const IntField& f : ints) {
    if (auto v = json::get_int(body, f.key)) *f.target = *v;
  }
  json::merge_object(client_config.get(), json::get(body, "client_config"));
  json::merge_object(dynamic_config.get(), json::get(body, "dynamic_config"));
  if (auto b = json::get_bool(body, "dynamic_config_404")) dynamic_config_404 = *b;
  if (const cJSON* sm = json::get(body, "supported_models")) supported_models = json::clone(sm);
  if (auto qs = json::get_string(body, "queue_state")) queue_state = *qs;
  if (const cJSON* r = json::get(body, "queue_state_reason")) {
    queue_state_reason = cJSON_IsString(r) ? std::optional<std::string>(r->valuestring)
                                           : std::nullopt;
  }
  return true;
}

std::string Settings::to_json() const {
  json::Ptr o = json::new_object();
  cJSON_AddItemToObject(o.get(), "client_config", cJSON_Duplicate(client_config.get(), 1));
  cJSON_AddItemToObject(o.get(), "dynamic_config", cJSON_Duplicate(dynamic_config.get(), 1));
  cJSON_AddBoolToObject(o.get(), "dynamic_config_404", dynamic_config_404 ? 1 : 0);
  cJSON_AddNumberToObject(o.get(), "poll_hold_ms", static_cast<double>(poll_hold_ms));
  cJSON_AddNumberToObject(o.get(), "metadata_threshold_bytes",
                          static_cast<double>(metadata_threshold_bytes));
  cJSON_AddStringToObject(o.get(), "queue_state", queue_state.c_str());
  if (queue_state_reason) {
    cJSON_AddStringToObject(o.get(), "queue_state_reason", queue_state_reason->c_str());
  } else {
    cJSON_AddNullToObject(o.get(), "queue_state_reason");
  }
  cJSON_AddNumberToObject(o.get(), "result_retention_ms", static_cast<double>(result_retention_ms));
  cJSON_AddNumberToObject(o.get(), "seq_gap_timeout_ms", static_cast<double>(seq_gap_timeout_ms));
  cJSON_AddNumberToObject(o.get(), "jwt_ttl_sec", static_cast<double>(jwt_ttl_sec));
  cJSON_AddNumberToObject(o.get(), "record_inputs", static_cast<double>(record_inputs));
  cJSON_AddNumberToObject(o.get(), "sample_max_concurrent",
                          static_cast<double>(sample_max_concurrent));
  cJSON_AddNumberToObject(o.get(), "sample_delay_ms", static_cast<double>(sample_delay_ms));
  cJSON_AddNumberToObject(o.get(), "archive_build_ms", static_cast<double>(archive_build_ms));
  cJSON_AddNumberToObject(o.get(), "download_url_ttl_sec", static_cast<double>(download_url_ttl_sec));
  cJSON_AddNumberToObject(o.get(), "trace_export_pending_polls",
                          static_cast<double>(trace_export_pending_polls));
  cJSON_AddNumberToObject(o.get(), "trace_export_failures", static_cast<double>(trace_export_failures));
  cJSON_AddItemToObject(o.get(), "supported_models", cJSON_Duplicate(supported_models.get(), 1));
  return json::dump(o.get());
}

}  // namespace emu
