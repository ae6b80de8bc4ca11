// Sampling sessions (protocol.md §2.1, §2.5, §5.5): POST /api/v1/create_sampling_session
// (direct) and GET /api/v1/samplers/{sampler_id}. A session samples from a frozen copy of a
// checkpoint's weights (model_path: sampler or training weights) or of a base model
// (base_model); asample (handlers_asample.cpp) samples from it.
#include "api_routes.h"
#include "app.h"
#include "sampler_models.h"

namespace emu {

namespace {

namespace mdl = ::tinker::emu;

// The answer of create_sampling_session, the first time and to every resend.
Response sampling_session_created(const std::string& id) {
  json::Ptr o = json::new_object();
  cJSON_AddStringToObject(o.get(), "sampling_session_id", id.c_str());
  cJSON_AddStringToObject(o.get(), "type", "create_sampling_session");
  return Response::json(200, json::dump(o.get()));
}

// A resend of the request that created `existing`: the same user asking create_sampling_session
// for the same model_path and base_model (session and seq id are the id's own). The SDK resends
// the identical body when an answer is lost (layer 1, same X-Idempotency-Key).
bool is_resend_of(const SamplerEntry& existing, const std::string& user,
                  const std::optional<std::string>& path, const std::optional<std::string>& base) {
  return existing.created_by == "create_sampling_session" && existing.user == user &&
         existing.requested_model_path == path && existing.requested_base_model == base;
}

void create_sampling_session(App& app, Exchange* ex) {
  const cJSON* b = ex->json.get();
  auto session_id = json::get_string(b, "session_id");
  auto seq = json::get_int(b, "sampling_session_seq_id");
  if (!session_id) return app.reply(ex, Response::bad_request("\"session_id\" (string) is required"));
  if (!seq || *seq < 0) {
    return app.reply(ex, Response::bad_request("\"sampling_session_seq_id\" must be an integer >= 0"));
  }
  for (const char* key : {"base_model", "model_path"}) {
    if (json::present_but_not(b, key, cJSON_String | cJSON_NULL)) {
      return app.reply(ex, Response::bad_request(std::string("\"") + key + "\" must be a string"));
    }
  }
  std::optional<std::string> path = json::get_string(b, "model_path");
  std::optional<std::string> base = json::get_string(b, "base_model");
  if (!path && (!base || base->empty())) {
    return app.reply(ex, Response::bad_request("one of \"model_path\" (a tinker:// path) or \"base_model\" is required"));
  }
  Session* session = app.sessions.find(*session_id);
  if (session == nullptr || session->user != ex->user) {
    return app.reply(ex, Response::not_found("session " + *session_id + " not found"));
  }

  SamplerEntry s;
  s.id = sampling_session_id(*session_id, *seq);
  s.user = ex->user;
  s.session_id = *session_id;
  s.created_unix = unix_now();
  s.created_by = "create_sampling_session";
  s.requested_model_path = path;
  s.requested_base_model = base;
  if (!app.samplers.reserve(s.id)) {
    std::optional<SamplerEntry> existing = app.samplers.find(s.id);
    if (existing && is_resend_of(*existing, ex->user, path, base)) {
      return app.reply(ex, sampling_session_created(s.id));
    }
    return app.reply(ex, Response::bad_request("sampling session " + s.id +
                                               " already exists with another model "
                                               "(sampling_session_seq_id is already in use)"));
  }
  mdl::Status st = path ? frozen_checkpoint_model(&app.checkpoints, *path, ex->user, &s.model)
                        : frozen_base_model(app.settings.supported_models.get(), *base, &s.model);
  if (st.is_ok() && path && base && *base != s.model->config().base.name) {
    st = mdl::Status::user_error("base_model '" + *base + "' differs from the base model '" +
                                 s.model->config().base.name + "' of " + *path);
  }
  if (!st.is_ok()) {
    app.samplers.release(s.id);
    return app.reply(ex, Response::bad_request(st.message()));
  }
  s.base_model = s.model->config().base.name;
  if (path) s.model_path = *path;
  app.samplers.put(std::move(s));
  app.reply(ex, sampling_session_created(sampling_session_id(*session_id, *seq)));
}

}  // namespace

// GET /api/v1/samplers/{sampler_id} (§2.5): a sampler of the caller's.
void handle_get_sampler(App& app, Exchange* ex, const std::string& sampler_id) {
  std::optional<SamplerEntry> s = app.samplers.find(sampler_id);
  if (!s || s->user != ex->user) return app.reply(ex, Response::not_found("sampler " + sampler_id + " not found"));
  tinker::wire::api::Sampler out{s->id, s->base_model, s->model_path};
  app.reply(ex, Response::json(200, tinker::wire::api::encode_json(out)));
}

void register_sampling_routes(Router& r) {
  r.add({"POST", "/api/v1/create_sampling_session", AuthMode::kSession, BodyMode::kJson,
         create_sampling_session});
}

}  // namespace emu
