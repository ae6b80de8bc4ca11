// Model and training endpoints (protocol.md §2.2, §2.3, §6.1): create_model, forward_backward
// (and the legacy forward), optim_step, get_info and unload_model, backed by the tiny real
// model of emulator/model. Every future-returning call validates its addressing here on the
// loop thread and submits a job (training_admission.h); the job does the decoding and compute
// on a worker. Training requests of one model run in its job lane in seq_id order (jobs.h);
// the creating request (create_model, or load_weights with session addressing) is the lane's
// seq 0. The weights endpoints are in handlers_checkpoints.cpp.
//
// Error conventions: a request whose addressing is unusable (no model_id / seq_id, bad JSON)
// gets a direct 400; an unknown model (or another user's) a direct 404. Everything wrong with
// an accepted request itself (unknown loss, tokens outside the vocabulary, ...) fails its
// future with category "user".
#include <memory>

#include "api_routes.h"
#include "app.h"
#include "base_models.h"
#include "fwdbwd_io.h"
#include "json_body.h"
#include "training_admission.h"
#include "wire/fwdbwd_request.h"
#include "wire/json_fwdbwd.h"

namespace emu {

using namespace admission;  // the helpers every handler here is made of

namespace {

namespace mdl = ::tinker::emu;
namespace wire = ::tinker::wire;

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
                               json::get_string(b, "base_model").value_or(""), &config, &err) &&
            parse_lora_config(json::get(b, "lora_config"), &config, &err);
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
    json::Ptr o = json::new_object();
    cJSON_AddStringToObject(o.get(), "model_id", model_id.c_str());
    cJSON_AddStringToObject(o.get(), "type", "create_model");
    return json_result(o.get());
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
      ex->json = parse_body(ex->payload(), &err);
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
    const bool has_fwd = json::get(ex->json.get(), "forward_input") != nullptr;
    const bool has_fb = json::get(ex->json.get(), "forward_backward_input") != nullptr;
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
  UsageLedger* usage = &app.usage;
  UsageSource who{ex->user, a.e->session_id, ""};
  JobFn run = [e = a.e, model_id, body, proto, legacy_forward_path, record, encoding, usage,
               who]() -> JobResult {
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
      // Billing: every input token of a computed request (forward-only ones too) is training.
      int64_t tokens = 0;
      for (const mdl::Datum& d : data) tokens += static_cast<int64_t>(d.tokens.size());
      UsageSource src = who;
      src.base_model = m.config().base.name;
      usage->add(src, usage_type::kTraining, tokens, unix_now());
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
    json::Ptr o = json::new_object();
    cJSON_AddStringToObject(o.get(), "model_id", id.c_str());
    cJSON_AddStringToObject(o.get(), "type", "unload_model");
    return json_result(o.get());
  };
  reply_future(app, ex, app.jobs.submit(std::move(spec)), id);
}

void register_training_routes(Router& r) {
  r.add({"POST", "/api/v1/create_model", AuthMode::kSession, BodyMode::kJson, create_model});
  r.add({"POST", "/api/v1/forward_backward", AuthMode::kSession, BodyMode::kIgnore,
         forward_backward});
  r.add({"POST", "/api/v1/forward", AuthMode::kSession, BodyMode::kIgnore, forward_legacy});
  r.add({"POST", "/api/v1/optim_step", AuthMode::kSession, BodyMode::kJson, optim_step});
}

}  // namespace emu
