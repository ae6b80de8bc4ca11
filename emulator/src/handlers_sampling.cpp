// Sampling sessions (protocol.md §2.1, §5.5): POST /api/v1/create_sampling_session, direct. A
// session samples from a frozen copy of a checkpoint's weights (model_path) or of a base model
// (base_model). Sampling itself (asample) plugs into the same SamplerTable.
#include "api_routes.h"
#include "app.h"
#include "base_models.h"

namespace emu {

namespace {

namespace mdl = ::tinker::emu;

// The frozen model of a sampling session: the checkpoint at `path` (training or sampler
// weights, readable by `user`) or the base model `base` with untrained adapters.
mdl::Status frozen_model(App& app, const std::string& user, const std::optional<std::string>& path,
                         const std::string& base, SamplerEntry* s) {
  std::unique_ptr<mdl::Model> m;
  if (path) {
    CheckpointRecord rec;
    std::string bytes;
    mdl::Status st = read_checkpoint(&app.checkpoints, *path, user, "", nullptr, &rec, &bytes);
    if (!st.is_ok()) return st;
    st = mdl::Model::create_from_checkpoint(bytes, false, &m);
    if (!st.is_ok()) return st;
    s->model_path = *path;
  } else {
    mdl::ModelConfig config;
    std::string err;
    if (!resolve_base_model(app.settings.supported_models.get(), base, &config, &err) ||
        !parse_lora_config(nullptr, &config, &err)) {
      return mdl::Status::user_error(err);
    }
    mdl::Status st = mdl::Model::create(config, &m);
    if (!st.is_ok()) return st;
  }
  s->base_model = m->config().base.name;
  s->model = std::shared_ptr<const mdl::Model>(std::move(m));
  return mdl::Status::ok();
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
  std::string base = json::get_string(b, "base_model").value_or("");
  if (!path && base.empty()) {
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
  if (!app.samplers.reserve(s.id)) {
    return app.reply(ex, Response::bad_request("sampling session " + s.id +
                                        " already exists (sampling_session_seq_id is already in use)"));
  }
  mdl::Status st = frozen_model(app, ex->user, path, base, &s);
  if (!st.is_ok()) {
    app.samplers.release(s.id);
    return app.reply(ex, Response::bad_request(st.message()));
  }
  json::Ptr o = json::new_object();
  cJSON_AddStringToObject(o.get(), "sampling_session_id", s.id.c_str());
  cJSON_AddStringToObject(o.get(), "type", "create_sampling_session");
  app.samplers.put(std::move(s));
  app.reply(ex, Response::json(200, json::dump(o.get())));
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
