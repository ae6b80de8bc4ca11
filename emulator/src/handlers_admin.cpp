// The admin API under the reserved prefix /_emulator/ (no auth, not logged, not faultable):
// fault injection, the request log, sessions, run-time settings and counters.
#include "app.h"

namespace emu {

namespace {

void add_fault(App& app, Exchange* ex) {
  Fault f;
  std::string err;
  if (!parse_fault(ex->json.get(), &f, &err)) {
    app.reply(ex, Response::bad_request(err));
    return;
  }
  int64_t id = app.faults.add(std::move(f));
  app.reply(ex, Response::json(200, "{\"id\":" + std::to_string(id) + "}"));
}

void list_faults(App& app, Exchange* ex) { app.reply(ex, Response::json(200, app.faults.to_json())); }

void clear_faults(App& app, Exchange* ex) {
  app.faults.clear();
  app.reply(ex, Response::json(200, "{\"status\":\"cleared\"}"));
}

void get_log(App& app, Exchange* ex) {
  app.reply(ex, Response::json(200, app.log.to_json(ex->query_param("path"))));
}

void clear_log(App& app, Exchange* ex) {
  app.log.clear();
  app.reply(ex, Response::json(200, "{\"status\":\"cleared\"}"));
}

void get_sessions(App& app, Exchange* ex) {
  app.reply(ex, Response::json(200, app.sessions.to_json(app.loop.now_ms())));
}

void get_config(App& app, Exchange* ex) { app.reply(ex, Response::json(200, app.settings.to_json())); }

void post_config(App& app, Exchange* ex) {
  std::string err;
  if (!app.settings.merge(ex->json.get(), &err)) {
    app.reply(ex, Response::bad_request(err));
    return;
  }
  app.reply(ex, Response::json(200, app.settings.to_json()));
}

void get_stats(App& app, Exchange* ex) {
  json::Ptr o = json::new_object();
  cJSON_AddNumberToObject(o.get(), "held_polls", static_cast<double>(app.polls.held()));
  cJSON_AddNumberToObject(o.get(), "open_requests",
                          static_cast<double>(app.server.open_exchanges()));
  cJSON_AddNumberToObject(o.get(), "jobs", static_cast<double>(app.jobs.size()));
  cJSON_AddNumberToObject(o.get(), "jobs_pending", static_cast<double>(app.jobs.pending()));
  cJSON_AddNumberToObject(o.get(), "workers", app.workers.size());
  cJSON_AddNumberToObject(o.get(), "telemetry_events", app.telemetry_events);
  cJSON_AddNumberToObject(o.get(), "samples_in_flight",
                          static_cast<double>(app.sample_ledger.in_flight()));
  cJSON_AddNumberToObject(o.get(), "samples_in_flight_peak",
                          static_cast<double>(app.sample_ledger.in_flight_peak()));
  cJSON_AddNumberToObject(o.get(), "samples_accepted",
                          static_cast<double>(app.sample_ledger.accepted_total()));
  cJSON_AddNumberToObject(o.get(), "sample_backpressure_429s",
                          static_cast<double>(app.sample_ledger.backpressure_429s()));
  cJSON_AddNumberToObject(o.get(), "uptime_ms", app.loop.now_ms());
  app.reply(ex, Response::json(200, json::dump(o.get())));
}

// Starts the peak counters of GET /_emulator/stats afresh (the cumulative counters stay).
void reset_stats(App& app, Exchange* ex) {
  app.sample_ledger.reset_peak();
  app.reply(ex, Response::json(200, "{}"));
}

cJSON* int_array(const std::vector<int64_t>& v) {
  cJSON* a = cJSON_CreateArray();
  for (int64_t x : v) cJSON_AddItemToArray(a, cJSON_CreateNumber(static_cast<double>(x)));
  return a;
}

// GET /_emulator/models: every training model with its seq_id lane (what executed, in which
// order, and what waits for a gap).
void get_models(App& app, Exchange* ex) {
  json::Ptr root = json::new_object();
  cJSON* arr = cJSON_AddArrayToObject(root.get(), "models");
  for (const auto& kv : app.models.all()) {
    const ModelEntry& e = *kv.second;
    cJSON* o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "model_id", e.id.c_str());
    cJSON_AddStringToObject(o, "user", e.user.c_str());
    cJSON_AddStringToObject(o, "session_id", e.session_id.c_str());
    cJSON_AddStringToObject(o, "state", model_state_name(e.state));
    cJSON_AddStringToObject(o, "created_by", e.created_by.c_str());
    if (e.config_known) {
      cJSON_AddStringToObject(o, "base_model", e.config.base.name.c_str());
      cJSON_AddNumberToObject(o, "lora_rank", e.config.lora.rank);
      cJSON_AddBoolToObject(o, "synthetic", e.config.synthetic ? 1 : 0);
      cJSON_AddNumberToObject(o, "vocab_size", e.config.base.vocab_size);
    } else {
      cJSON_AddNullToObject(o, "base_model");
    }
    cJSON_AddItemToObject(o, "user_metadata", cJSON_Duplicate(e.user_metadata.get(), 1));
    LaneInfo li = app.jobs.lane_info(e.id);
    cJSON_AddNumberToObject(o, "next_seq_id", static_cast<double>(li.next_seq));
    if (li.running_seq) {
      cJSON_AddNumberToObject(o, "running_seq_id", static_cast<double>(*li.running_seq));
    } else {
      cJSON_AddNullToObject(o, "running_seq_id");
    }
    cJSON_AddItemToObject(o, "waiting_seq_ids", int_array(li.waiting));
    cJSON_AddItemToObject(o, "executed_seq_ids", int_array(li.executed));
    cJSON_AddNumberToObject(o, "age_ms", app.loop.now_ms() - e.created_ms);
    cJSON_AddItemToArray(arr, o);
  }
  app.reply(ex, Response::json(200, json::dump(root.get())));
}

// GET /_emulator/inputs?model_id=M: the model's latest forward / forward_backward requests as
// decoded, oldest first (recorded while the record_inputs setting is > 0).
void get_inputs(App& app, Exchange* ex) {
  auto model_id = ex->query_param("model_id");
  if (!model_id || model_id->empty()) {
    app.reply(ex, Response::bad_request("query parameter model_id is required"));
    return;
  }
  std::shared_ptr<ModelEntry> e = app.models.find(*model_id);
  if (e == nullptr) {
    app.reply(ex, Response::not_found("model " + *model_id + " not found"));
    return;
  }
  json::Ptr o = json::new_object();
  cJSON_AddStringToObject(o.get(), "model_id", e->id.c_str());
  cJSON_AddNumberToObject(o.get(), "record_inputs", static_cast<double>(app.settings.record_inputs));
  // The requests are kept as rendered JSON (exact float text); spliced in unparsed.
  cJSON_AddRawToObject(o.get(), "requests", e->inputs.to_json().c_str());
  app.reply(ex, Response::json(200, json::dump(o.get())));
}

// GET /_emulator/checkpoints: the checkpoint index (files under the data directory).
void get_checkpoints(App& app, Exchange* ex) {
  json::Ptr root = json::new_object();
  cJSON_AddStringToObject(root.get(), "data_dir", app.data_dir.c_str());
  cJSON* arr = cJSON_AddArrayToObject(root.get(), "checkpoints");
  for (const CheckpointRecord& r : app.checkpoints.list()) {
    cJSON* o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "tinker_path", r.tinker_path.c_str());
    cJSON_AddStringToObject(o, "model_id", r.model_id.c_str());
    cJSON_AddStringToObject(o, "kind", r.kind.c_str());
    cJSON_AddStringToObject(o, "name", r.name.c_str());
    cJSON_AddStringToObject(o, "owner", r.owner.c_str());
    cJSON_AddStringToObject(o, "file", r.file.c_str());
    cJSON_AddStringToObject(o, "base_model", r.config.base.name.c_str());
    cJSON_AddNumberToObject(o, "lora_rank", r.config.lora.rank);
    cJSON_AddBoolToObject(o, "has_optimizer", r.has_optimizer ? 1 : 0);
    cJSON_AddNumberToObject(o, "size_bytes", static_cast<double>(r.size_bytes));
    cJSON_AddNumberToObject(o, "created_unix", r.created_unix);
    if (r.expires_unix) {
      cJSON_AddNumberToObject(o, "expires_unix", *r.expires_unix);
    } else {
      cJSON_AddNullToObject(o, "expires_unix");
    }
    cJSON_AddBoolToObject(o, "public", r.is_public ? 1 : 0);
    cJSON_AddBoolToObject(o, "ephemeral", r.ephemeral ? 1 : 0);
    cJSON_AddItemToArray(arr, o);
  }
  app.reply(ex, Response::json(200, json::dump(root.get())));
}

// GET /_emulator/samplers: sampling sessions known so far.
void get_samplers(App& app, Exchange* ex) {
  json::Ptr root = json::new_object();
  cJSON* arr = cJSON_AddArrayToObject(root.get(), "samplers");
  for (const SamplerEntry& s : app.samplers.list()) {
    cJSON* o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "sampling_session_id", s.id.c_str());
    cJSON_AddStringToObject(o, "user", s.user.c_str());
    cJSON_AddStringToObject(o, "session_id", s.session_id.c_str());
    cJSON_AddStringToObject(o, "base_model", s.base_model.c_str());
    if (s.model_path) {
      cJSON_AddStringToObject(o, "model_path", s.model_path->c_str());
    } else {
      cJSON_AddNullToObject(o, "model_path");
    }
    cJSON_AddStringToObject(o, "created_by", s.created_by.c_str());
    cJSON_AddBoolToObject(o, "synthetic", s.model && s.model->config().synthetic ? 1 : 0);
    cJSON_AddItemToArray(arr, o);
  }
  app.reply(ex, Response::json(200, json::dump(root.get())));
}

}  // namespace

void register_admin_routes(Router& r) {
  r.add({"POST", "/_emulator/faults", AuthMode::kNone, BodyMode::kJson, add_fault});
  r.add({"GET", "/_emulator/faults", AuthMode::kNone, BodyMode::kIgnore, list_faults});
  r.add({"DELETE", "/_emulator/faults", AuthMode::kNone, BodyMode::kIgnore, clear_faults});
  r.add({"GET", "/_emulator/log", AuthMode::kNone, BodyMode::kIgnore, get_log});
  r.add({"DELETE", "/_emulator/log", AuthMode::kNone, BodyMode::kIgnore, clear_log});
  r.add({"GET", "/_emulator/sessions", AuthMode::kNone, BodyMode::kIgnore, get_sessions});
  r.add({"GET", "/_emulator/config", AuthMode::kNone, BodyMode::kIgnore, get_config});
  r.add({"POST", "/_emulator/config", AuthMode::kNone, BodyMode::kJson, post_config});
  r.add({"GET", "/_emulator/stats", AuthMode::kNone, BodyMode::kIgnore, get_stats});
  r.add({"DELETE", "/_emulator/stats", AuthMode::kNone, BodyMode::kIgnore, reset_stats});
  r.add({"GET", "/_emulator/models", AuthMode::kNone, BodyMode::kIgnore, get_models});
  r.add({"GET", "/_emulator/inputs", AuthMode::kNone, BodyMode::kIgnore, get_inputs});
  r.add({"GET", "/_emulator/checkpoints", AuthMode::kNone, BodyMode::kIgnore, get_checkpoints});
  r.add({"GET", "/_emulator/samplers", AuthMode::kNone, BodyMode::kIgnore, get_samplers});
}

}  // namespace emu
