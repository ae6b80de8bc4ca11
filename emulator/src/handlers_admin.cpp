// The admin API under the reserved prefix /_emulator/ (no auth, not logged, not faultable):
// fault injection, the request log, sessions, run-time settings and counters.
#include "app.h"

namespace emu {

namespace {

void add_fault(App& app, Exchange* ex) {
  Fault f;
  std::string err;
  if (!parse_fault(ex->json.get(), &f, &err)) {
    app.reply(ex, Response::error(400, err, "bad_request"));
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
    app.reply(ex, Response::error(400, err, "bad_request"));
    return;
  }
  app.reply(ex, Response::json(200, app.settings.to_json()));
}

void get_stats(App& app, Exchange* ex) {
  JsonPtr o = json_object();
  cJSON_AddNumberToObject(o.get(), "held_polls", static_cast<double>(app.polls.held()));
  cJSON_AddNumberToObject(o.get(), "open_requests",
                          static_cast<double>(app.server.open_exchanges()));
  cJSON_AddNumberToObject(o.get(), "jobs", static_cast<double>(app.jobs.size()));
  cJSON_AddNumberToObject(o.get(), "jobs_pending", static_cast<double>(app.jobs.pending()));
  cJSON_AddNumberToObject(o.get(), "workers", app.workers.size());
  cJSON_AddNumberToObject(o.get(), "telemetry_events", app.telemetry_events);
  cJSON_AddNumberToObject(o.get(), "uptime_ms", app.loop.now_ms());
  app.reply(ex, Response::json(200, json_print(o.get())));
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
}

}  // namespace emu
