// Weights endpoints (protocol.md §2.4, §6.6, §6.7, §8): save_weights,
// save_weights_for_sampler, load_weights and weights_info. Saves and loads are training
// requests of their model (training_admission.h): admitted in seq_id order on the loop
// thread, with the file I/O in the job on a worker; load_weights addressed by session
// creates the model from the checkpoint, as create_model does.
//
// Error conventions as in handlers_training.cpp, plus: a duplicate save name is a direct 409
// (§6.6: the client's retry layers see it), and a malformed checkpoint path fails the future
// with category "user".
#include <memory>
#include <optional>

#include "app.h"
#include "ids.h"
#include "json_body.h"
#include "training_admission.h"
#include "wire/api_messages.h"

namespace emu {

using namespace admission;  // the helpers every handler here is made of

namespace {

namespace mdl = ::tinker::emu;

// ---------------------------------------------------------------------------------------
// Saves (§2.4, §6.6, §8)

// ttl_seconds: absent or null = never expires; else an integer > 0.
bool read_ttl(const cJSON* b, std::optional<int64_t>* ttl, std::string* err) {
  const cJSON* v = json::get(b, "ttl_seconds");
  if (v == nullptr || cJSON_IsNull(v)) return true;
  auto n = json::get_int(b, "ttl_seconds");
  if (!n || *n <= 0) {
    *err = "ttl_seconds must be an integer > 0 (or absent for no expiry)";
    return false;
  }
  *ttl = *n;
  return true;
}

// Writes the model's checkpoint to the store; fills *bytes_out when given.
mdl::Status save_to_store(CheckpointStore* store, mdl::Model& m, CheckpointRecord rec,
                          std::optional<int64_t> ttl, std::string* bytes_out) {
  std::string bytes;
  mdl::Status st = m.save_checkpoint(rec.has_optimizer, &bytes);
  if (!st.is_ok()) return st;
  rec.config = m.config();
  rec.created_unix = unix_now();
  if (ttl) rec.expires_unix = rec.created_unix + static_cast<double>(*ttl);
  st = store->store(std::move(rec), bytes);
  if (st.is_ok() && bytes_out != nullptr) *bytes_out = std::move(bytes);
  return st;
}

// The record of a save of `name` by the caller: path, file, kind, and the optimizer state for
// training weights (save_to_store adds the config and the times).
CheckpointRecord new_record(App& app, const Exchange* ex, const std::string& model_id,
                            const char* kind, const std::string& name) {
  CheckpointRecord rec;
  rec.tinker_path = make_tinker_path(model_id, kind, name);
  rec.model_id = model_id;
  rec.kind = kind;
  rec.name = name;
  rec.owner = ex->user;
  rec.file = app.checkpoints.file_for(ex->user, model_id, kind, name);
  rec.has_optimizer = std::string(kind) == kTrainingKind;
  return rec;
}

// A save's "path", the checkpoint name, when the request has one (not absent or null).
bool read_checkpoint_name(const cJSON* path, std::string* name, std::string* err) {
  if (!cJSON_IsString(path)) {
    *err = "path (the checkpoint name) must be a string";
    return false;
  }
  *name = path->valuestring;
  return valid_checkpoint_name(*name, err);
}

// Queues the job that writes the model's weights to `rec` (its name already reserved) and
// answers {"path", "type": result_type}.
void submit_save(App& app, Exchange* ex, const Admitted& a, const char* kind,
                 const char* result_type, CheckpointRecord rec, std::optional<int64_t> ttl) {
  CheckpointStore* store = &app.checkpoints;
  std::string tpath = rec.tinker_path;
  std::string type = result_type;
  submit_training(
      app, ex, a, kind,
      [e = a.e, model_id = a.model_id, rec, ttl, store, tpath, type]() -> JobResult {
        return with_model(e, model_id, [&](mdl::Model& m) -> JobResult {
          mdl::Status st = save_to_store(store, m, rec, ttl, nullptr);
          if (!st.is_ok()) return from_status(st);
          tinker::wire::api::SaveResponse out;
          out.path = tpath;
          out.type = type;
          return JobResult::json(tinker::wire::api::encode_json(out));
        });
      },
      [store, tpath](Job&) { store->release(tpath); });
}

// POST /api/v1/save_weights: weights + optimizer state under weights/<name>.
void save_weights(App& app, Exchange* ex) {
  const cJSON* b = ex->json.get();
  Admitted a;
  if (!admit_json(app, ex, &a)) return;

  const char* kind = "SaveWeights";
  tinker::wire::api::SaveWeightsRequest req;
  std::string err;
  if (!tinker::wire::api::decode(b, "body", &req, &err)) return submit_user_error(app, ex, a, kind, err);
  std::string name = req.path.value_or("checkpoint-" + std::to_string(a.seq));  // the service names unnamed saves
  if (req.path && !valid_checkpoint_name(name, &err)) return submit_user_error(app, ex, a, kind, err);
  std::optional<int64_t> ttl;
  if (req.ttl_seconds > 0) ttl = req.ttl_seconds;
  bool overwrite = req.overwrite;

  CheckpointRecord rec = new_record(app, ex, a.model_id, kTrainingKind, name);
  if (!app.checkpoints.reserve(rec.tinker_path, overwrite)) {
    reject_admitted(app, ex, a,
                    Response::error(409, "checkpoint " + rec.tinker_path +
                                             " already exists (save with overwrite=true to "
                                             "replace it)",
                                    "conflict"));
    return;
  }
  submit_save(app, ex, a, kind, "save_weights", std::move(rec), ttl);
}

// POST /api/v1/save_weights_for_sampler: named (weights only, under sampler_weights/<name>)
// or unnamed (an ephemeral sampler checkpoint plus a sampling session, for
// save_weights_and_get_sampling_client, §6.6).
void save_weights_for_sampler(App& app, Exchange* ex) {
  const cJSON* b = ex->json.get();
  Admitted a;
  if (!admit_json(app, ex, &a)) return;

  const char* kind = "SaveWeightsForSampler";
  std::string err;
  std::optional<int64_t> ttl;
  if (!read_ttl(b, &ttl, &err)) return submit_user_error(app, ex, a, kind, err);
  const cJSON* path = json::get(b, "path");
  CheckpointStore* store = &app.checkpoints;

  if (path != nullptr && !cJSON_IsNull(path)) {
    std::string name;
    if (!read_checkpoint_name(path, &name, &err)) return submit_user_error(app, ex, a, kind, err);
    CheckpointRecord rec = new_record(app, ex, a.model_id, kSamplerKind, name);
    // Sampler saves have no overwrite flag: saving a name again replaces it.
    (void)store->reserve(rec.tinker_path, true);
    submit_save(app, ex, a, kind, "save_weights_for_sampler", std::move(rec), ttl);
    return;
  }

  const cJSON* sss = json::get(b, "sampling_session_seq_id");
  if (sss == nullptr || cJSON_IsNull(sss)) {
    return submit_user_error(app, ex, a, kind,
                             "either path (a named sampler checkpoint) or "
                             "sampling_session_seq_id (an unnamed one) is required");
  }
  auto n = json::get_int(b, "sampling_session_seq_id");
  if (!n || *n < 0) {
    return submit_user_error(app, ex, a, kind, "sampling_session_seq_id must be an integer >= 0");
  }
  const EntryPtr& e = a.e;
  std::string sid = sampling_session_id(e->session_id, *n);
  if (!app.samplers.reserve(sid)) {
    return submit_user_error(app, ex, a, kind,
                             "sampling session " + sid +
                                 " already exists (sampling_session_seq_id is already in use)");
  }
  std::string name = "ephemeral-" + std::to_string(*n) + "-" + random_hex(4);
  CheckpointRecord rec = new_record(app, ex, a.model_id, kSamplerKind, name);
  rec.ephemeral = true;
  std::string tpath = rec.tinker_path;
  (void)store->reserve(tpath, true);
  SamplerTable* samplers = &app.samplers;
  std::string user = ex->user;
  std::string session_id = e->session_id;
  submit_training(
      app, ex, a, kind,
      [e, model_id = a.model_id, rec, store, samplers, tpath, sid, user, session_id]() -> JobResult {
        return with_model(e, model_id, [&](mdl::Model& m) -> JobResult {
          std::string bytes;
          mdl::Status st = save_to_store(store, m, rec, std::nullopt, &bytes);
          if (!st.is_ok()) return from_status(st);
          std::unique_ptr<mdl::Model> frozen;
          st = mdl::Model::create_from_checkpoint(bytes, false, &frozen);
          if (!st.is_ok()) return from_status(st);
          SamplerEntry s;
          s.id = sid;
          s.user = user;
          s.session_id = session_id;
          s.base_model = m.config().base.name;
          s.model_path = tpath;
          s.model = std::shared_ptr<const mdl::Model>(std::move(frozen));
          s.created_unix = unix_now();
          s.created_by = "save_weights_for_sampler";
          samplers->put(std::move(s));
          json::Ptr o = json::new_object();
          cJSON_AddStringToObject(o.get(), "path", tpath.c_str());
          cJSON_AddStringToObject(o.get(), "sampling_session_id", sid.c_str());
          cJSON_AddStringToObject(o.get(), "type", "save_weights_for_sampler");
          return json_result(o.get());
        });
      },
      [store, tpath, samplers, sid](Job& job) {
        store->release(tpath);
        if (job.result.failed) samplers->release(sid);
      });
}

// The result of load_weights, in either addressing.
JobResult load_result(const std::string& path, const std::string& model_id) {
  json::Ptr o = json::new_object();
  cJSON_AddStringToObject(o.get(), "path", path.c_str());
  cJSON_AddStringToObject(o.get(), "model_id", model_id.c_str());
  cJSON_AddStringToObject(o.get(), "type", "load_weights");
  return json_result(o.get());
}

// ---------------------------------------------------------------------------------------
// POST /api/v1/load_weights (§2.4, §6.6, §6.7): legacy addressing loads into an existing
// model (in its seq order); session addressing creates the model from the checkpoint.

void load_weights(App& app, Exchange* ex) {
  const cJSON* b = ex->json.get();
  const bool legacy = json::get(b, "model_id") != nullptr;
  if (!legacy && json::get(b, "session_id") == nullptr) {
    app.reply(ex, Response::bad_request("load_weights needs model_id and seq_id (load into a model), or "
                              "session_id and model_seq_id (create a model from a checkpoint)"));
    return;
  }
  if (json::present_but_not(b, "weights_access_token", cJSON_String | cJSON_NULL)) {
    app.reply(ex, Response::bad_request("\"weights_access_token\" must be a string"));
    return;
  }
  // The token is the owner's credential (API key, or a JWT minted for it, §6.7); resolve the
  // user it belongs to here, where the credential table lives.
  std::string token_user;
  if (auto tok = json::get_string(b, "weights_access_token")) token_user = app.auth.peek_user(tok->c_str());
  std::string path = json::get_string(b, "path").value_or("");
  const cJSON* opt = json::get(b, "optimizer");
  CheckpointStore* store = &app.checkpoints;
  std::string user = ex->user;

  if (legacy) {
    Admitted a;
    if (!admit_json(app, ex, &a)) return;
    const char* kind = "LoadWeights";
    if (!cJSON_IsString(json::get(b, "path"))) {
      return submit_user_error(app, ex, a, kind, "path (a tinker:// path) is required");
    }
    if (opt != nullptr && !cJSON_IsBool(opt) && !cJSON_IsNull(opt)) {
      return submit_user_error(app, ex, a, kind, "optimizer must be a boolean");
    }
    bool with_optimizer = opt != nullptr && cJSON_IsTrue(opt);
    submit_training(app, ex, a, kind,
                    [e = a.e, model_id = a.model_id, path, with_optimizer, store, user,
                     token_user]() -> JobResult {
                      CheckpointRecord rec;
                      std::string bytes;
                      mdl::Status st = read_checkpoint(store, path, user, token_user,
                                                       kTrainingKind, &rec, &bytes);
                      if (!st.is_ok()) return from_status(st);
                      return with_model(e, model_id, [&](mdl::Model& m) -> JobResult {
                        mdl::Status s = m.load_checkpoint(bytes, with_optimizer);
                        if (!s.is_ok()) return from_status(s);
                        return load_result(path, model_id);
                      });
                    });
    return;
  }

  // Create-via-load (client flag create_model_via_load_weights).
  std::string session_id;
  int64_t model_seq_id = 0;
  if (!create_request_ok(app, ex, cJSON_String | cJSON_NULL, &session_id, &model_seq_id)) return;
  if (json::present_but_not(b, "path", cJSON_String)) {
    app.reply(ex, Response::bad_request("\"path\" must be a string"));
    return;
  }
  if (opt != nullptr && !cJSON_IsBool(opt) && !cJSON_IsNull(opt)) {
    app.reply(ex, Response::bad_request("\"optimizer\" must be a boolean"));
    return;
  }
  bool with_optimizer = opt != nullptr && cJSON_IsTrue(opt);
  std::string model_id = training_model_id(session_id, model_seq_id);
  uint64_t digest = digest_of(ex);
  if (answered_existing_model(app, ex, model_id, digest)) return;
  std::optional<std::string> base_override = json::get_string(b, "base_model");

  EntryPtr e = new_model_entry(app, ex, model_id, session_id, model_seq_id, digest, "load_weights");
  auto outcome = std::make_shared<mdl::ModelConfig>();
  JobFn run = [e, model_id, path, with_optimizer, store, user, token_user, base_override,
               outcome]() -> JobResult {
    if (path.empty()) return user_failure("path (a tinker:// path) is required");
    CheckpointRecord rec;
    std::string bytes;
    mdl::Status st = read_checkpoint(store, path, user, token_user, kTrainingKind, &rec, &bytes);
    if (!st.is_ok()) return from_status(st);
    if (base_override && *base_override != rec.config.base.name) {
      return user_failure("base_model '" + *base_override + "' differs from the checkpoint's base model '" +
                          rec.config.base.name +
                          "'; the emulator cannot move an adapter to another base model");
    }
    std::unique_ptr<mdl::Model> m;
    st = mdl::Model::create_from_checkpoint(bytes, with_optimizer, &m);
    if (!st.is_ok()) return from_status(st);
    *outcome = m->config();
    install_model(e, std::move(m));
    return load_result(path, model_id);
  };
  submit_create(app, ex, e, "LoadWeights", std::move(run), [e, outcome] {
    e->config = *outcome;
    e->config_known = true;
  });
}

// POST /api/v1/weights_info (§2.4, §7.16): direct.
void weights_info(App& app, Exchange* ex) {
  auto path = json::get_string(ex->json.get(), "tinker_path");
  if (!path) {
    app.reply(ex, Response::bad_request("\"tinker_path\" (string) is required"));
    return;
  }
  TinkerPath tp;
  std::string err;
  if (!parse_tinker_path(*path, &tp, &err)) {
    app.reply(ex, Response::bad_request(err));
    return;
  }
  auto rec = app.checkpoints.lookup(*path);
  if (!rec || !can_read_checkpoint(*rec, ex->user, "")) {
    app.reply(ex, Response::not_found("checkpoint " + *path + " not found"));
    return;
  }
  const mdl::ModelConfig& c = rec->config;
  json::Ptr o = json::new_object();
  cJSON_AddStringToObject(o.get(), "base_model", c.base.name.c_str());
  cJSON_AddBoolToObject(o.get(), "is_lora", 1);
  cJSON_AddNumberToObject(o.get(), "lora_rank", c.lora.rank);
  cJSON_AddBoolToObject(o.get(), "train_unembed", c.lora.train_unembed ? 1 : 0);
  cJSON_AddBoolToObject(o.get(), "train_mlp", c.lora.train_mlp ? 1 : 0);
  cJSON_AddBoolToObject(o.get(), "train_attn", c.lora.train_attn ? 1 : 0);
  app.reply(ex, Response::json(200, json::dump(o.get())));
}

}  // namespace

void register_checkpoint_routes(Router& r) {
  r.add({"POST", "/api/v1/save_weights", AuthMode::kSession, BodyMode::kJson, save_weights});
  r.add({"POST", "/api/v1/save_weights_for_sampler", AuthMode::kSession, BodyMode::kJson,
         save_weights_for_sampler});
  r.add({"POST", "/api/v1/load_weights", AuthMode::kSession, BodyMode::kJson, load_weights});
  r.add({"POST", "/api/v1/weights_info", AuthMode::kSession, BodyMode::kJson, weights_info});
}

}  // namespace emu
