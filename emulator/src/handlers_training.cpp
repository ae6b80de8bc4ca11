// Model, training and weights endpoints (protocol.md §2.2-§2.4, §6.1, §6.6, §6.7, §8), backed
// by the tiny real model of emulator/model. Every future-returning call validates its
// addressing here on the loop thread and submits a job; the job does the decoding, compute
// and file I/O on a worker. Training requests of one model run in its job lane in seq_id
// order (jobs.h); the creating request (create_model, or load_weights with session
// addressing) is the lane's seq 0.
//
// Error conventions: a request whose addressing is unusable (no model_id / seq_id, bad JSON)
// gets a direct 400; an unknown model (or another user's) a direct 404; a duplicate save name
// a direct 409 (§6.6: the client's retry layers see it). Everything wrong with an accepted
// request itself (unknown loss, tokens outside the vocabulary, malformed checkpoint path,
// ...) fails its future with category "user".
#include <chrono>
#include <memory>

#include "api_routes.h"
#include "app.h"
#include "base_models.h"
#include "emu_model/checkpoint.h"
#include "fwdbwd_io.h"
#include "ids.h"
#include "wire/fwdbwd_request.h"
#include "wire/json_fwdbwd.h"

namespace emu {

namespace {

namespace mdl = ::tinker::emu;
namespace wire = ::tinker::wire;

using EntryPtr = std::shared_ptr<ModelEntry>;

JobResult from_status(const mdl::Status& st) {
  return JobResult::failure(st.message(), st.is_ok() ? "unknown" : st.category());
}

JobResult user_failure(const std::string& message) { return JobResult::failure(message, "user"); }

JobResult json_result(const JsonPtr& o) { return JobResult::json(json_print(o.get())); }

void reply_future(App& app, Exchange* ex, const std::string& request_id,
                  const std::string& model_id) {
  JsonPtr o = json_object();
  cJSON_AddStringToObject(o.get(), "request_id", request_id.c_str());
  if (!model_id.empty()) cJSON_AddStringToObject(o.get(), "model_id", model_id.c_str());
  app.reply(ex, Response::json(200, json_print(o.get())));
}

// The model `model_id` if the caller may use it; otherwise answers 404 and returns null.
EntryPtr model_for(App& app, Exchange* ex, const std::string& model_id) {
  EntryPtr e = app.models.find(model_id);
  if (e == nullptr || e->user != ex->user || e->state == ModelEntry::State::kFailed) {
    app.reply(ex, Response::not_found("model " + model_id + " not found"));
    return nullptr;
  }
  if (e->state == ModelEntry::State::kUnloaded) {
    app.reply(ex, Response::not_found("model " + model_id + " was unloaded"));
    return nullptr;
  }
  return e;
}

// Runs `fn(model)` with the model locked; a user error when the model is gone.
template <class F>
JobResult with_model(const EntryPtr& e, const std::string& model_id, F fn) {
  std::lock_guard<std::mutex> lock(e->mu);
  if (!e->model) {
    return user_failure("model " + model_id +
                        " is not available (it was unloaded or could not be created)");
  }
  return fn(*e->model);
}

// The "model_id" of a JSON request; answers 400 when it is missing.
bool json_model_id(App& app, Exchange* ex, std::string* model_id) {
  auto m = json_string(ex->json.get(), "model_id");
  if (!m || m->empty()) {
    app.reply(ex, Response::bad_request("\"model_id\" (string) is required"));
    return false;
  }
  *model_id = *m;
  return true;
}

// The model named by a JSON request's "model_id"; answers 400 / 404 and returns null.
EntryPtr json_model(App& app, Exchange* ex) {
  std::string model_id;
  if (!json_model_id(app, ex, &model_id)) return nullptr;
  return model_for(app, ex, model_id);
}

// The (model_id, seq_id) addressing of a JSON training request; answers 400 when unusable.
bool json_addressing(App& app, Exchange* ex, std::string* model_id, int64_t* seq) {
  if (!json_model_id(app, ex, model_id)) return false;
  auto s = json_int(ex->json.get(), "seq_id");
  if (!s) {
    app.reply(ex, Response::bad_request("\"seq_id\" (integer) is required"));
    return false;
  }
  *seq = *s;
  return true;
}

// Seq admission (§6.1). True when the request has been answered: an identical resubmission
// of a seq_id gets the original answer; any other reuse of a seq_id is a 400.
bool answered_by_seq(App& app, Exchange* ex, ModelEntry& e, int64_t seq, uint64_t digest) {
  auto rec = e.seqs.find(seq);
  if (rec != e.seqs.end()) {
    if (rec->second.digest == digest) {
      if (rec->second.response) {
        app.reply(ex, *rec->second.response);
      } else {
        reply_future(app, ex, rec->second.request_id, e.id);
      }
    } else {
      app.reply(ex, Response::error(400, "seq_id " + std::to_string(seq) +
                                             " was already used for model " + e.id,
                                    "seq_id_reused"));
    }
    return true;
  }
  switch (app.jobs.seq_state(e.id, seq)) {
    case SeqState::kFree:
      return false;
    case SeqState::kTaken:
      app.reply(ex, Response::error(400, "seq_id " + std::to_string(seq) +
                                             " was already used for model " + e.id,
                                    "seq_id_reused"));
      return true;
    case SeqState::kPassed: {
      LaneInfo li = app.jobs.lane_info(e.id);
      app.reply(ex, Response::error(
                        400,
                        "seq_id " + std::to_string(seq) + " for model " + e.id +
                            " is no longer accepted: the next expected seq_id is " +
                            std::to_string(li.next_seq) +
                            " (seq_ids start at 1 and every training request takes the next one)",
                        "seq_id_reused"));
      return true;
    }
  }
  return true;
}

void remember_seq(ModelEntry& e, int64_t seq, SeqRecord rec) {
  e.seqs[seq] = std::move(rec);
  while (e.seqs.size() > ModelTable::kSeqRecordsKept) e.seqs.erase(e.seqs.begin());
}

uint64_t digest_of(const Exchange* ex) { return request_digest(ex->path, ex->body); }

// A training request that passed addressing, model lookup and seq admission: what answering
// or queueing it needs.
struct Admitted {
  EntryPtr e;
  std::string model_id;
  int64_t seq = 0;
  uint64_t digest = 0;
};

// Model lookup and seq admission of a request addressed to (model_id, seq). False when the
// request has been answered (404, or its seq_id's earlier answer, or 400 seq_id_reused).
bool admit(App& app, Exchange* ex, const std::string& model_id, int64_t seq, Admitted* out) {
  EntryPtr e = model_for(app, ex, model_id);
  if (e == nullptr) return false;
  uint64_t digest = digest_of(ex);
  if (answered_by_seq(app, ex, *e, seq, digest)) return false;
  *out = Admitted{std::move(e), model_id, seq, digest};
  return true;
}

// admit() for a JSON training request, addressed by its "model_id" and "seq_id".
bool admit_json(App& app, Exchange* ex, Admitted* out) {
  std::string model_id;
  int64_t seq = 0;
  return json_addressing(app, ex, &model_id, &seq) && admit(app, ex, model_id, seq, out);
}

// Queues a training job in the model's lane at the request's seq and answers with its future.
void submit_training(App& app, Exchange* ex, const Admitted& a, const char* kind, JobFn run,
                     std::function<void(Job&)> on_finish = {}) {
  JobSpec spec;
  spec.user = ex->user;
  spec.kind = kind;
  spec.ordering_key = a.e->id;
  spec.seq = a.seq;
  spec.run = std::move(run);
  spec.on_finish = std::move(on_finish);
  std::string id = app.jobs.submit(std::move(spec));
  SeqRecord rec;
  rec.digest = a.digest;
  rec.request_id = id;
  remember_seq(*a.e, a.seq, std::move(rec));
  reply_future(app, ex, id, a.e->id);
}

// A request rejected after its seq_id was admitted still uses the seq_id up (the client
// moves on to the next one), so later requests do not wait for it.
void reject_admitted(App& app, Exchange* ex, const Admitted& a, Response r) {
  app.jobs.consume_seq(a.e->id, a.seq);
  SeqRecord rec;
  rec.digest = a.digest;
  rec.response = r;
  remember_seq(*a.e, a.seq, std::move(rec));
  app.reply(ex, std::move(r));
}

// A failing job in the lane: for requests whose own content is wrong.
void submit_user_error(App& app, Exchange* ex, const Admitted& a, const char* kind,
                       const std::string& message) {
  submit_training(app, ex, a, kind, [message] { return user_failure(message); });
}

// Optional {"user_metadata": object}; answers 400 when present with another type.
bool user_metadata_ok(App& app, Exchange* ex) {
  if (json_present_but_not(ex->json.get(), "user_metadata", cJSON_Object | cJSON_NULL)) {
    app.reply(ex, Response::bad_request("\"user_metadata\" must be an object"));
    return false;
  }
  return true;
}

// The session of a create request (create_model, create-via-load); answers 400/404.
Session* session_for(App& app, Exchange* ex, std::string* session_id, int64_t* model_seq_id) {
  const cJSON* b = ex->json.get();
  auto sid = json_string(b, "session_id");
  if (!sid || sid->empty()) {
    app.reply(ex, Response::bad_request("\"session_id\" (string) is required"));
    return nullptr;
  }
  auto n = json_int(b, "model_seq_id");
  if (!n || *n < 0) {
    app.reply(ex, Response::bad_request("\"model_seq_id\" (integer >= 0) is required"));
    return nullptr;
  }
  Session* s = app.sessions.find(*sid);
  if (s == nullptr || s->user != ex->user) {
    app.reply(ex, Response::not_found("session " + *sid + " not found"));
    return nullptr;
  }
  *session_id = *sid;
  *model_seq_id = *n;
  return s;
}

// True when a model with this id already exists: an identical retry of its creating request
// gets the same future, anything else a 400.
bool answered_existing_model(App& app, Exchange* ex, const std::string& model_id,
                             uint64_t digest) {
  EntryPtr existing = app.models.find(model_id);
  if (existing == nullptr) return false;
  if (existing->user == ex->user && existing->create_digest == digest) {
    reply_future(app, ex, existing->create_request_id, model_id);
  } else {
    app.reply(ex, Response::bad_request("model " + model_id +
                              " already exists: model_seq_id is already in use in this session"));
  }
  return true;
}

EntryPtr new_model_entry(App& app, Exchange* ex, const std::string& model_id,
                         const std::string& session_id, int64_t model_seq_id, uint64_t digest,
                         const char* created_by) {
  EntryPtr e = app.models.add(model_id);
  e->user = ex->user;
  e->session_id = session_id;
  e->model_seq_id = model_seq_id;
  e->created_ms = app.loop.now_ms();
  e->created_by = created_by;
  e->create_digest = digest;
  const cJSON* md = json_get(ex->json.get(), "user_metadata");
  e->user_metadata = md != nullptr && cJSON_IsObject(md) ? json_clone(md) : json_object();
  // The creating request is the lane's seq 0; the client's training requests start at 1.
  app.jobs.open_lane(model_id, 0);
  return e;
}

// The checks every model-creating request (create_model, create-via-load) starts with: its
// session, user_metadata and base_model (of a cJSON type in `base_model_types`); answers 400
// or 404 when one fails.
bool create_request_ok(App& app, Exchange* ex, int base_model_types, std::string* session_id,
                       int64_t* model_seq_id) {
  if (session_for(app, ex, session_id, model_seq_id) == nullptr) return false;
  if (!user_metadata_ok(app, ex)) return false;
  if (json_present_but_not(ex->json.get(), "base_model", base_model_types)) {
    app.reply(ex, Response::bad_request("\"base_model\" must be a string"));
    return false;
  }
  return true;
}

// Hands a newly built model to its entry (worker side).
void install_model(const EntryPtr& e, std::unique_ptr<mdl::Model> m) {
  std::lock_guard<std::mutex> lock(e->mu);
  e->model = std::move(m);
}

// Queues the creating job of a new model as its lane's seq 0 and answers with its future. The
// model becomes ready or failed with the job; `on_success` (loop thread) records what the job
// learnt.
void submit_create(App& app, Exchange* ex, const EntryPtr& e, const char* kind, JobFn run,
                   std::function<void()> on_success = {}) {
  JobSpec spec;
  spec.user = ex->user;
  spec.kind = kind;
  spec.ordering_key = e->id;
  spec.seq = 0;
  spec.run = std::move(run);
  spec.on_finish = [e, on_success](Job& job) {
    if (!job.result.failed && on_success) on_success();
    if (e->state == ModelEntry::State::kCreating) {
      e->state = job.result.failed ? ModelEntry::State::kFailed : ModelEntry::State::kReady;
    }
  };
  e->create_request_id = app.jobs.submit(std::move(spec));
  reply_future(app, ex, e->create_request_id, e->id);
}

// The result of load_weights, in either addressing.
JobResult load_result(const std::string& path, const std::string& model_id) {
  JsonPtr o = json_object();
  cJSON_AddStringToObject(o.get(), "path", path.c_str());
  cJSON_AddStringToObject(o.get(), "model_id", model_id.c_str());
  cJSON_AddStringToObject(o.get(), "type", "load_weights");
  return json_result(o);
}

// ---------------------------------------------------------------------------------------
// POST /api/v1/create_model (§2.2)

void create_model(App& app, Exchange* ex) {
  const cJSON* b = ex->json.get();
  std::string session_id;
  int64_t model_seq_id = 0;
  if (!create_request_ok(app, ex, cJSON_String, &session_id, &model_seq_id)) return;
  std::string model_id = training_model_id(session_id, model_seq_id);
  uint64_t digest = digest_of(ex);
  if (answered_existing_model(app, ex, model_id, digest)) return;

  mdl::ModelConfig config;
  std::string err;
  bool ok = resolve_base_model(app.settings.supported_models.get(),
                               json_string(b, "base_model").value_or(""), &config, &err) &&
            parse_lora_config(json_get(b, "lora_config"), &config, &err);
  if (ok) {
    mdl::Status st = mdl::validate_config(config);
    if (!st.is_ok()) {
      ok = false;
      err = st.message();
    }
  }
  if (!ok) {
    // Nothing is registered: the failed future is the whole answer (category user).
    JobSpec spec;
    spec.user = ex->user;
    spec.kind = "CreateModel";
    spec.run = [err] { return user_failure(err); };
    reply_future(app, ex, app.jobs.submit(std::move(spec)), "");
    return;
  }

  EntryPtr e = new_model_entry(app, ex, model_id, session_id, model_seq_id, digest, "create_model");
  e->config = config;
  e->config_known = true;
  submit_create(app, ex, e, "CreateModel", [e, config, model_id]() -> JobResult {
    std::unique_ptr<mdl::Model> m;
    mdl::Status st = mdl::Model::create(config, &m);
    if (!st.is_ok()) return from_status(st);
    install_model(e, std::move(m));
    JsonPtr o = json_object();
    cJSON_AddStringToObject(o.get(), "model_id", model_id.c_str());
    cJSON_AddStringToObject(o.get(), "type", "create_model");
    return json_result(o);
  });
}

// ---------------------------------------------------------------------------------------
// POST /api/v1/forward_backward (§2.3): protobuf ForwardBackwardRequest, or the legacy JSON
// body (§11) with forward_backward_input / forward_input; POST /api/v1/forward: legacy JSON
// with forward_input.

void forward_backward_impl(App& app, Exchange* ex, bool legacy_forward_path) {
  const char* ct = ex->header("content-type");
  const bool proto =
      ct != nullptr && std::string(ct).find("application/x-protobuf") != std::string::npos;
  std::string model_id;
  int64_t seq = 0;
  bool forward_only = false;
  if (proto) {
    FwdBwdHeader h;
    std::string err;
    if (!scan_fwdbwd_header(ex->payload(), &h, &err)) {
      app.reply(ex, Response::bad_request("malformed ForwardBackwardRequest: " + err));
      return;
    }
    if (h.model_id.empty()) {
      app.reply(ex, Response::bad_request("ForwardBackwardRequest.model_id is required"));
      return;
    }
    model_id = h.model_id;
    seq = h.seq_id;
    forward_only = h.forward_only || legacy_forward_path;
  } else {
    if (ex->json == nullptr) {
      std::string err;
      ex->json = json_parse(ex->payload(), &err);
      if (ex->json == nullptr) {
        app.reply(ex, Response::bad_request("request body is neither protobuf (Content-Type: "
                                  "application/x-protobuf) nor valid JSON: " + err));
        return;
      }
    }
    if (!cJSON_IsObject(ex->json.get())) {
      app.reply(ex, Response::bad_request("request body must be a JSON object"));
      return;
    }
    if (!json_addressing(app, ex, &model_id, &seq)) return;
    const bool has_fwd = json_get(ex->json.get(), "forward_input") != nullptr;
    const bool has_fb = json_get(ex->json.get(), "forward_backward_input") != nullptr;
    if (legacy_forward_path ? !has_fwd : !(has_fwd || has_fb)) {
      app.reply(ex, Response::bad_request(legacy_forward_path
                                    ? "\"forward_input\" is required"
                                    : "\"forward_backward_input\" (or \"forward_input\") is required"));
      return;
    }
    forward_only = has_fwd;
  }
  Admitted a;
  if (!admit(app, ex, model_id, seq, &a)) return;

  // Read here: settings are loop-thread only. Requests that do not decode are not recorded.
  const size_t record = static_cast<size_t>(app.settings.record_inputs);
  std::string encoding = std::string(proto ? "protobuf" : "json") +
                         (ex->decoded_body ? "+zstd" : "");
  // The body moves into the job: decoding happens on a worker, not on the loop.
  std::string payload = ex->decoded_body ? std::move(*ex->decoded_body) : std::move(ex->body);
  ex->decoded_body.reset();
  ex->body.clear();
  auto body = std::make_shared<std::string>(std::move(payload));
  JobFn run = [e = a.e, model_id, body, proto, legacy_forward_path, record,
               encoding]() -> JobResult {
    wire::ForwardBackwardRequest req;
    std::string err;
    bool ok = proto ? wire::decode_forward_backward_request(*body, &req, &err)
                    : wire::decode_forward_backward_request_json(*body, &req, &err);
    body->clear();
    if (!ok) return user_failure("malformed forward_backward request: " + err);
    if (legacy_forward_path) req.forward_only = true;
    if (record > 0) e->inputs.add(req, encoding, record);
    std::vector<mdl::Datum> data;
    if (!to_model_data(req, &data, &err)) return user_failure(err);
    mdl::LossFnConfig cfg(req.loss_fn_config.begin(), req.loss_fn_config.end());
    return with_model(e, model_id, [&](mdl::Model& m) -> JobResult {
      mdl::ForwardBackwardResult r;
      mdl::Status st = req.forward_only ? m.forward(data, req.loss_fn, cfg, &r)
                                        : m.forward_backward(data, req.loss_fn, cfg, &r);
      if (!st.is_ok()) return from_status(st);
      return fwdbwd_job_result(to_wire_output(std::move(r)), proto);
    });
  };
  submit_training(app, ex, a, forward_only ? "Forward" : "ForwardBackward", std::move(run));
}

void forward_backward(App& app, Exchange* ex) { forward_backward_impl(app, ex, false); }
void forward_legacy(App& app, Exchange* ex) { forward_backward_impl(app, ex, true); }

// POST /api/v1/optim_step (§2.3, §7.5).
void optim_step(App& app, Exchange* ex) {
  Admitted a;
  if (!admit_json(app, ex, &a)) return;

  // Decoded after admission: a malformed request still takes its seq_id, and fails as a user error.
  tinker::wire::api::OptimStepRequest req;
  std::string err;
  if (!tinker::wire::api::decode(ex->json.get(), "body", &req, &err))
    return submit_user_error(app, ex, a, "OptimStep", err);
  const tinker::wire::api::AdamParams& in = req.adam_params;
  mdl::AdamParams p;
  p.learning_rate = in.learning_rate;
  p.beta1 = in.beta1;
  p.beta2 = in.beta2;
  p.eps = in.eps;
  p.weight_decay = in.weight_decay;
  p.grad_clip_norm = in.grad_clip_norm;
  submit_training(app, ex, a, "OptimStep", [e = a.e, model_id = a.model_id, p]() -> JobResult {
    return with_model(e, model_id, [&](mdl::Model& m) -> JobResult {
      mdl::Metrics metrics;
      mdl::Status st = m.optim_step(p, &metrics);
      if (!st.is_ok()) return from_status(st);
      tinker::wire::api::OptimStepResponse out;
      out.metrics.items.assign(metrics.begin(), metrics.end());
      return JobResult::json(tinker::wire::api::encode_json(out));
    });
  });
}

// ---------------------------------------------------------------------------------------
// Saves (§2.4, §6.6, §8)

// ttl_seconds: absent or null = never expires; else an integer > 0.
bool read_ttl(const cJSON* b, std::optional<int64_t>* ttl, std::string* err) {
  const cJSON* v = json_get(b, "ttl_seconds");
  if (v == nullptr || cJSON_IsNull(v)) return true;
  auto n = json_int(b, "ttl_seconds");
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
  const cJSON* path = json_get(b, "path");
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

  const cJSON* sss = json_get(b, "sampling_session_seq_id");
  if (sss == nullptr || cJSON_IsNull(sss)) {
    return submit_user_error(app, ex, a, kind,
                             "either path (a named sampler checkpoint) or "
                             "sampling_session_seq_id (an unnamed one) is required");
  }
  auto n = json_int(b, "sampling_session_seq_id");
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
          samplers->put(std::move(s));
          JsonPtr o = json_object();
          cJSON_AddStringToObject(o.get(), "path", tpath.c_str());
          cJSON_AddStringToObject(o.get(), "sampling_session_id", sid.c_str());
          cJSON_AddStringToObject(o.get(), "type", "save_weights_for_sampler");
          return json_result(o);
        });
      },
      [store, tpath, samplers, sid](Job& job) {
        store->release(tpath);
        if (job.result.failed) samplers->release(sid);
      });
}

// ---------------------------------------------------------------------------------------
// POST /api/v1/load_weights (§2.4, §6.6, §6.7): legacy addressing loads into an existing
// model (in its seq order); session addressing creates the model from the checkpoint.

void load_weights(App& app, Exchange* ex) {
  const cJSON* b = ex->json.get();
  const bool legacy = json_get(b, "model_id") != nullptr;
  if (!legacy && json_get(b, "session_id") == nullptr) {
    app.reply(ex, Response::bad_request("load_weights needs model_id and seq_id (load into a model), or "
                              "session_id and model_seq_id (create a model from a checkpoint)"));
    return;
  }
  if (json_present_but_not(b, "weights_access_token", cJSON_String | cJSON_NULL)) {
    app.reply(ex, Response::bad_request("\"weights_access_token\" must be a string"));
    return;
  }
  // The token is the owner's credential (API key, or a JWT minted for it, §6.7); resolve the
  // user it belongs to here, where the credential table lives.
  std::string token_user;
  if (auto tok = json_string(b, "weights_access_token")) token_user = app.auth.peek_user(tok->c_str());
  std::string path = json_string(b, "path").value_or("");
  const cJSON* opt = json_get(b, "optimizer");
  CheckpointStore* store = &app.checkpoints;
  std::string user = ex->user;

  if (legacy) {
    Admitted a;
    if (!admit_json(app, ex, &a)) return;
    const char* kind = "LoadWeights";
    if (!cJSON_IsString(json_get(b, "path"))) {
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
  if (json_present_but_not(b, "path", cJSON_String)) {
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
  std::optional<std::string> base_override = json_string(b, "base_model");

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
  auto path = json_string(ex->json.get(), "tinker_path");
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
  JsonPtr o = json_object();
  cJSON_AddStringToObject(o.get(), "base_model", c.base.name.c_str());
  cJSON_AddBoolToObject(o.get(), "is_lora", 1);
  cJSON_AddNumberToObject(o.get(), "lora_rank", c.lora.rank);
  cJSON_AddBoolToObject(o.get(), "train_unembed", c.lora.train_unembed ? 1 : 0);
  cJSON_AddBoolToObject(o.get(), "train_mlp", c.lora.train_mlp ? 1 : 0);
  cJSON_AddBoolToObject(o.get(), "train_attn", c.lora.train_attn ? 1 : 0);
  app.reply(ex, Response::json(200, json_print(o.get())));
}

}  // namespace

// POST /api/v1/get_info (§2.2, §7.11): direct.
void handle_get_info(App& app, Exchange* ex, const tinker::wire::api::GetInfoRequest& req) {
  EntryPtr e = model_for(app, ex, req.model_id);
  if (e == nullptr) return;
  if (!e->config_known) {
    app.reply(ex, Response::not_found("model " + e->id + " is still being created"));
    return;
  }
  const mdl::ModelConfig& c = e->config;
  tinker::wire::api::ModelInfo info;
  info.model_id = e->id;
  info.base_model = c.base.name;
  info.arch = model_arch(c);
  info.tokenizer_id = kTokenizerId;
  info.is_lora = true;
  info.lora_rank = c.lora.rank;
  info.model_name = c.base.name;
  info.type = "get_info";
  app.reply(ex, Response::json(200, tinker::wire::api::encode_json(info)));
}

// POST /api/v1/unload_model (§2.2): future. Later requests for the model get 404; requests
// already queued for it fail when their turn comes.
void handle_unload_model(App& app, Exchange* ex, const tinker::wire::api::UnloadModelRequest& req) {
  EntryPtr e = model_for(app, ex, req.model_id);
  if (e == nullptr) return;
  e->state = ModelEntry::State::kUnloaded;
  app.jobs.release_lane(e->id);
  JobSpec spec;
  spec.user = ex->user;
  spec.kind = "UnloadModel";
  std::string id = e->id;
  spec.run = [e, id]() -> JobResult {
    std::unique_ptr<mdl::Model> gone;
    {
      std::lock_guard<std::mutex> lock(e->mu);
      gone = std::move(e->model);
    }
    JsonPtr o = json_object();
    cJSON_AddStringToObject(o.get(), "model_id", id.c_str());
    cJSON_AddStringToObject(o.get(), "type", "unload_model");
    return json_result(o);
  };
  reply_future(app, ex, app.jobs.submit(std::move(spec)), id);
}

void register_training_routes(Router& r) {
  r.add({"POST", "/api/v1/create_model", AuthMode::kSession, BodyMode::kJson, create_model});
  r.add({"POST", "/api/v1/forward_backward", AuthMode::kSession, BodyMode::kIgnore,
         forward_backward});
  r.add({"POST", "/api/v1/forward", AuthMode::kSession, BodyMode::kIgnore, forward_legacy});
  r.add({"POST", "/api/v1/optim_step", AuthMode::kSession, BodyMode::kJson, optim_step});
  r.add({"POST", "/api/v1/save_weights", AuthMode::kSession, BodyMode::kJson, save_weights});
  r.add({"POST", "/api/v1/save_weights_for_sampler", AuthMode::kSession, BodyMode::kJson,
         save_weights_for_sampler});
  r.add({"POST", "/api/v1/load_weights", AuthMode::kSession, BodyMode::kJson, load_weights});
  r.add({"POST", "/api/v1/weights_info", AuthMode::kSession, BodyMode::kJson, weights_info});
}

}  // namespace emu
