// Service, session and config endpoints (protocol.md §2.1, §2.7 telemetry).
#include "api_routes.h"
#include "app.h"

namespace emu {

namespace {

Response json_ok(const cJSON* body) { return Response::json(200, json::dump(body)); }

// POST /api/v1/client/config -> ClientConfigResponse (§7.12). Answered with the raw key
// even in JWT mode: it is how the SDK learns that JWT mode is on.
void client_config(App& app, Exchange* ex) {
  app.reply(ex, json_ok(app.settings.client_config.get()));
}

// POST /api/v1/client/dynamic_config (§2.1); a 404 here is tolerated by the SDK.
void dynamic_config(App& app, Exchange* ex) {
  if (app.settings.dynamic_config_404) {
    app.reply(ex, Response::not_found("dynamic config not available"));
    return;
  }
  app.reply(ex, json_ok(app.settings.dynamic_config.get()));
}

// POST /api/v1/auth/token -> {"jwt": ...} (§1.2).
void auth_token(App& app, Exchange* ex) {
  std::string token = app.auth.issue_jwt(ex->user, app.settings.jwt_ttl_sec);
  json::Ptr o = json::new_object();
  cJSON_AddStringToObject(o.get(), "jwt", token.c_str());
  app.reply(ex, json_ok(o.get()));
}

// {"session_id", "type"}: the answer of create_session, first time or resent.
Response session_created(const std::string& session_id) {
  json::Ptr o = json::new_object();
  cJSON_AddStringToObject(o.get(), "session_id", session_id.c_str());
  cJSON_AddStringToObject(o.get(), "type", "create_session");
  return json_ok(o.get());
}

// True when the request resends a keyed create_session (docs/emulator.md "Resends"): answered
// with the original session, or 400 when the key comes back with a different body.
bool answered_as_resend(App& app, Exchange* ex, const char* key) {
  bool same_body = false;
  auto sid = app.sessions.created_by_key(ex->user, key, ex->json.get(), &same_body);
  if (!sid) return false;
  if (same_body) {
    app.reply(ex, session_created(*sid));
  } else {
    app.reply(ex, Response::error(400,
                                  std::string("X-Idempotency-Key '") + key +
                                      "' was already used by a create_session with another body",
                                  "idempotency_key_reused"));
  }
  return true;
}

// POST /api/v1/create_session (§2.1, §5.4). A resend after a lost answer carries the
// original's X-Idempotency-Key and gets the original session rather than a second one.
void create_session(App& app, Exchange* ex) {
  const cJSON* b = ex->json.get();
  const char* key = ex->header("x-idempotency-key");
  if (key != nullptr && *key == '\0') key = nullptr;
  if (key != nullptr && answered_as_resend(app, ex, key)) return;
  const cJSON* tags = json::get(b, "tags");
  if (tags != nullptr && !cJSON_IsArray(tags)) {
    app.reply(ex, Response::bad_request("\"tags\" must be an array of strings"));
    return;
  }
  for (const cJSON* t = tags ? tags->child : nullptr; t != nullptr; t = t->next) {
    if (!cJSON_IsString(t)) {
      app.reply(ex, Response::bad_request("\"tags\" must be an array of strings"));
      return;
    }
  }
  if (json::present_but_not(b, "user_metadata", cJSON_Object | cJSON_NULL)) {
    app.reply(ex, Response::bad_request("\"user_metadata\" must be an object"));
    return;
  }
  for (const char* key : {"project_id", "sdk_version"}) {
    if (json::present_but_not(b, key, cJSON_String | cJSON_NULL)) {
      app.reply(ex, Response::bad_request(std::string("\"") + key + "\" must be a string"));
      return;
    }
  }
  Session proto;
  proto.user = ex->user;
  for (const cJSON* t = tags ? tags->child : nullptr; t != nullptr; t = t->next) {
    proto.tags.emplace_back(t->valuestring);
  }
  if (const cJSON* md = json::get(b, "user_metadata"); md != nullptr && cJSON_IsObject(md)) {
    proto.user_metadata = json::clone(md);
  }
  proto.project_id = json::get_string(b, "project_id");
  proto.sdk_version = json::get_string(b, "sdk_version");
  const Session* s = app.sessions.create(std::move(proto), app.loop.now_ms());
  if (s == nullptr) {
    app.reply(ex, Response::error(500, "the session could not be stored", "internal"));
    return;
  }
  app.audit.record(ex->user, AuditRecord{s->created_unix, audit_event::kSessionCreated, std::nullopt,
                                         std::nullopt, std::nullopt});
  // The log entry of the request that made the session belongs to it (its trace export).
  if (LogEntry* le = app.log.find(ex->log_seq)) le->session_id = s->id;
  if (key != nullptr) app.sessions.remember_create(ex->user, key, b, s->id);
  app.reply(ex, session_created(s->id));
}

// POST /api/v1/session_heartbeat (§5.2).
void session_heartbeat(App& app, Exchange* ex) {
  auto id = json::get_string(ex->json.get(), "session_id");
  if (!id) {
    app.reply(ex, Response::bad_request("\"session_id\" (string) is required"));
    return;
  }
  Session* s = app.sessions.find(*id);
  if (s == nullptr || s->user != ex->user) {
    app.reply(ex, Response::not_found("session " + *id + " not found"));
    return;
  }
  s->heartbeats++;
  s->last_heartbeat_ms = app.loop.now_ms();
  json::Ptr o = json::new_object();
  cJSON_AddStringToObject(o.get(), "type", "session_heartbeat");
  app.reply(ex, json_ok(o.get()));
}

// GET /api/v1/healthz -> the literal {"status": "ok"} (strictly validated, §1.6).
void healthz(App& app, Exchange* ex) { app.reply(ex, Response::json(200, "{\"status\":\"ok\"}")); }

// POST /api/v1/telemetry -> the literal {"status": "accepted"}; anything else makes the SDK
// retry the batch every second forever (§10 item 11).
void telemetry(App& app, Exchange* ex) {
  const cJSON* events = json::get(ex->json.get(), "events");
  if (events != nullptr && cJSON_IsArray(events)) {
    app.telemetry_events += cJSON_GetArraySize(events);
  }
  app.reply(ex, Response::json(200, "{\"status\":\"accepted\"}"));
}

}  // namespace

// GET /api/v1/get_server_capabilities (§7.13): the configured list as it is, so that tests can
// hand the client any shape (docs/emulator.md, admin config).
void handle_get_server_capabilities(App& app, Exchange* ex) {
  json::Ptr o = json::new_object();
  cJSON_AddItemToObject(o.get(), "supported_models",
                        cJSON_Duplicate(app.settings.supported_models.get(), 1));
  app.reply(ex, json_ok(o.get()));
}

void register_service_routes(Router& r) {
  r.add({"POST", "/api/v1/client/config", AuthMode::kCredential, BodyMode::kJson, client_config});
  r.add({"POST", "/api/v1/client/dynamic_config", AuthMode::kSession, BodyMode::kJson,
         dynamic_config});
  r.add({"POST", "/api/v1/auth/token", AuthMode::kCredential, BodyMode::kJson, auth_token});
  r.add({"POST", "/api/v1/create_session", AuthMode::kSession, BodyMode::kJson, create_session});
  r.add({"POST", "/api/v1/session_heartbeat", AuthMode::kSession, BodyMode::kJson,
         session_heartbeat});
  r.add({"GET", "/api/v1/healthz", AuthMode::kNone, BodyMode::kIgnore, healthz});
  r.add({"POST", "/api/v1/telemetry", AuthMode::kSession, BodyMode::kJson, telemetry});
}

}  // namespace emu
