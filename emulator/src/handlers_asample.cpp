// POST /api/v1/asample (protocol.md §2.5, §4.3, §4.4, §7.7-§7.9): a future whose result is a
// SampleResponse, protobuf or legacy JSON by the poll's Accept (as forward results are).
//
// On the loop thread: decode the JSON body (wire/json_sample.h), find the sampler, answer an
// identical resend of an accepted seq_id with its original future, check the request against
// the limits (sample_io.h), apply backpressure, then queue a job. The job samples on a worker
// from the sampler's frozen model (Model::sample, or the no-compute synthetic sampler) and
// encodes the result. Samples run concurrently: unlike training requests they have no lane.
//
// Errors: a malformed body, bad parameters, an unusable addressing or a reused seq_id with
// another body are direct 400s naming the field; an unknown sampling session (or another
// user's) a direct 404; too many requests in flight a 429 (backpressure, §4.4).
#include <memory>

#include "app.h"
#include "sample_io.h"
#include "synthetic_sampling.h"
#include "training_admission.h"

namespace emu {

namespace {

namespace mdl = ::tinker::emu;
namespace wire = ::tinker::wire;

// What a request samples from, and the scope its seq_id counts in.
struct SampleTarget {
  FrozenModel model;
  std::string scope;  // the sampling session id, or "<user> base_model <name>"
  std::string session_id;  // the session the sampler was made in; "" by base_model
};

// The frozen model of a sampler loaded from the database after a restart: rebuilt from its
// checkpoint (read as the sampler's owner may read it) or its base model, once. False after
// answering 404 when the weights are gone.
bool restore_model(App& app, Exchange* ex, const SamplerEntry& s, FrozenModel* out) {
  mdl::Status st = s.model_path ? frozen_checkpoint_model(&app.checkpoints, *s.model_path, s.user, out)
                                : frozen_base_model(app.settings.supported_models.get(), s.base_model, out);
  if (!st.is_ok()) {
    app.reply(ex, Response::not_found("sampling session " + s.id +
                                      " cannot sample: its weights are gone since the emulator "
                                      "restarted (" + st.message() + ")"));
    return false;
  }
  app.samplers.set_model(s.id, *out);
  return true;
}

// A request may name, besides its sampling session, the base model and weights path it expects
// (the SDK leaves both out): they must then be the session's.
bool matches_session(App& app, Exchange* ex, const wire::SampleRequest& req,
                     const SamplerEntry& s) {
  if (req.base_model && *req.base_model != s.base_model) {
    app.reply(ex, Response::bad_request("base_model '" + *req.base_model +
                                        "' is not the base model of sampling session " + s.id +
                                        " ('" + s.base_model + "')"));
    return false;
  }
  if (req.model_path && req.model_path != s.model_path) {
    app.reply(ex, Response::bad_request("model_path '" + *req.model_path +
                                        "' is not the weights of sampling session " + s.id));
    return false;
  }
  return true;
}

// Finds the sampler: by sampling_session_id (the SDK's way), or by base_model alone (cheap: one
// shared frozen base model per name). A model_path without a session is refused: the emulator
// loads checkpoints for sampling only through create_sampling_session.
bool resolve_target(App& app, Exchange* ex, const wire::SampleRequest& req, SampleTarget* out) {
  if (req.sampling_session_id) {
    std::optional<SamplerEntry> s = app.samplers.find(*req.sampling_session_id);
    if (!s || s->user != ex->user) {
      app.reply(ex, Response::not_found("sampling session " + *req.sampling_session_id +
                                        " not found"));
      return false;
    }
    if (!matches_session(app, ex, req, *s)) return false;
    out->model = s->model;
    if (!out->model && !restore_model(app, ex, *s, &out->model)) return false;
    out->scope = s->id;
    out->session_id = s->session_id;
    return true;
  }
  if (req.model_path) {
    app.reply(ex, Response::bad_request(
                      "\"model_path\" without \"sampling_session_id\" is not supported by the "
                      "emulator: create a sampling session for the checkpoint "
                      "(create_sampling_session) and send its \"sampling_session_id\""));
    return false;
  }
  if (req.base_model) {
    mdl::Status st = app.base_samplers.get(app.settings.supported_models.get(), *req.base_model,
                                           &out->model);
    if (!st.is_ok()) {
      app.reply(ex, Response::bad_request("base_model: " + st.message()));
      return false;
    }
    out->scope = ex->user + " base_model " + *req.base_model;
    return true;
  }
  app.reply(ex, Response::bad_request("\"sampling_session_id\" (string) is required"));
  return false;
}

// True when the request has been answered by its seq_id: an identical resend (same body) gets
// the original future; the same seq_id with another body is a 400.
bool answered_by_seq(App& app, Exchange* ex, const std::string& scope, int64_t seq,
                     uint64_t digest) {
  const SeqRecord* rec = app.sample_ledger.find(scope, seq);
  if (rec == nullptr) return false;
  if (rec->digest == digest) {
    admission::reply_future(app, ex, rec->request_id, "");
  } else {
    app.reply(ex, Response::error(400, "seq_id " + std::to_string(seq) +
                                           " was already used for another request of " + scope,
                                  "seq_id_reused"));
  }
  return true;
}

// §4.4: a client that says it handles backpressure (X-Tinker-Sampling-Backpressure: 1, which
// the SDK sends with every asample) is told "not now" with a 429 while sample_max_concurrent
// requests are in flight, and resubmits the same seq_id a second later. Requests without the
// header are admitted beyond the limit: their client would treat the 429 as an error.
bool refused_by_backpressure(App& app, Exchange* ex) {
  const int64_t limit = app.settings.sample_max_concurrent;
  const int64_t in_flight = app.sample_ledger.in_flight();
  if (limit <= 0 || in_flight < limit) return false;
  const char* h = ex->header("x-tinker-sampling-backpressure");
  if (h == nullptr || std::string(h) != "1") return false;
  app.sample_ledger.refused_by_backpressure();
  const std::string message = std::to_string(in_flight) +
                              " sample requests are in flight, the limit is " +
                              std::to_string(limit) +
                              " (sample_max_concurrent); resubmit with the same seq_id";
  Response r = Response::error(429, message, "sampling_backpressure");
  r.headers.emplace_back("Retry-After", "1");
  app.reply(ex, std::move(r));
  return true;
}

// The job body: sample on a worker, record the usage (billing: the prompt once per request as
// uncached prefill, since the emulator has no prefix cache, and every sampled token) and encode
// the result.
JobFn sampling_job(FrozenModel model, std::shared_ptr<const mdl::SampleRequest> req,
                   UsageLedger* usage, UsageSource who) {
  return [model = std::move(model), req = std::move(req), usage, who]() -> JobResult {
    mdl::SampleResult r;
    if (model->config().synthetic) {
      synthetic_sample(*req, model->vocab_size(), &r);
    } else {
      mdl::Status st = model->sample(*req, &r);
      if (!st.is_ok()) return admission::from_status(st);
    }
    int64_t sampled = 0;
    for (const mdl::SampledSequence& q : r.sequences) sampled += static_cast<int64_t>(q.tokens.size());
    const double now = unix_now();
    usage->add(who, usage_type::kSamplingPrefill, static_cast<int64_t>(req->prompt.size()), now, 0);
    usage->add(who, usage_type::kSamplingSample, sampled, now);
    return sample_job_result(to_wire_response(std::move(r), *req));
  };
}

void asample(App& app, Exchange* ex) {
  wire::SampleRequest req;
  std::string err;
  if (!wire::decode_sample_request_json(ex->payload(), &req, &err)) {
    return app.reply(ex, Response::bad_request(err));
  }
  SampleTarget target;
  if (!resolve_target(app, ex, req, &target)) return;
  const uint64_t digest = request_digest(ex->path, ex->payload());
  if (req.seq_id && answered_by_seq(app, ex, target.scope, *req.seq_id, digest)) return;

  auto model_req = std::make_shared<mdl::SampleRequest>();
  if (!to_model_request(req, target.model->vocab_size(), target.model->config().base.name,
                        model_req.get(), &err)) {
    return app.reply(ex, Response::bad_request(err));
  }
  // After every check: a request that can never run gets its 400, not a 429 first.
  if (refused_by_backpressure(app, ex)) return;

  JobSpec spec;
  spec.user = ex->user;
  spec.kind = "Sample";
  spec.delay_ms = app.settings.sample_delay_ms;
  UsageSource who{ex->user, target.session_id, target.model->config().base.name};
  spec.run = sampling_job(target.model, std::move(model_req), &app.usage, std::move(who));
  SampleLedger* ledger = &app.sample_ledger;
  spec.on_finish = [ledger](Job&) { ledger->finished(); };
  ledger->accepted();
  std::string id = app.jobs.submit(std::move(spec));
  if (req.seq_id) ledger->remember(target.scope, *req.seq_id, digest, id);
  admission::reply_future(app, ex, id, "");
}

}  // namespace

void register_asample_routes(Router& r) {
  // The body is decoded by wire::decode_sample_request_json, whose messages name the field.
  r.add({"POST", "/api/v1/asample", AuthMode::kSession, BodyMode::kIgnore, asample});
}

}  // namespace emu
