#include "client/training_client.h"

#include "wire/json.h"

namespace tinker {

namespace {

std::function<http::Request()> post_json(const std::string& path, std::string body) {
  return [path, body = std::move(body)] {
    http::Request r;
    r.method = "POST";
    r.url = path;
    r.body = body;
    return r;
  };
}

bool need_string(const cJSON* d, const char* key, const char* what, std::string* out, Error* err) {
  auto v = json::get_string(d, key);
  if (!v) {
    *err = make_error(TINKER_E_DATA_LOSS, std::string(what) + ": result has no '" + key + "'");
    return false;
  }
  *out = *v;
  return true;
}

json::Ptr parse_object(const http::Response& r, const char* what, Error* err) {
  auto doc = json::parse(r.body);
  if (!doc || !cJSON_IsObject(doc.get())) *err = make_error(TINKER_E_DATA_LOSS, std::string(what) + ": result is not a JSON object");
  return doc && cJSON_IsObject(doc.get()) ? std::move(doc) : nullptr;
}

}  // namespace

TrainingClient::TrainingClient(std::shared_ptr<ClientContext> ctx, std::string model_id, uint64_t ids_used)
    : ctx_(std::move(ctx)), run_(std::make_shared<TrainingRun>()) {
  run_->model_id = std::move(model_id);
  if (ids_used) {
    uint64_t first = run_->gate.reserve(ids_used);
    run_->gate.release(first, first + ids_used - 1);  // nothing waits yet: safe off the IO thread
  }
}

void TrainingClient::take_turn(CallSpec& spec, uint64_t id) const {
  auto run = run_;
  spec.wait_turn = [run, id](std::function<void()> go) { run->gate.wait_turn(id, std::move(go)); };
  spec.end_turn = [run, id](bool) { run->gate.release(id, id); };
}

std::shared_ptr<FutureState> TrainingClient::run(const JsonOp& op, const BodyFn& body, std::string path) {
  if (!op.ordered) return ctx_->start(json_call(op, body(0), std::move(path)), op.result);
  const uint64_t id = run_->gate.reserve(1);  // at call time, in call order (§6.1)
  CallSpec spec = json_call(op, body(static_cast<int64_t>(id) + 1), std::move(path));
  take_turn(spec, id);
  return ctx_->start(std::move(spec), op.result);
}

std::shared_ptr<FutureState> create_sampling_session(ClientContext& ctx, const std::string& model_path,
                                                     const std::string& base_model, const wire::api::RetryConfig& retry) {
  CallSpec spec;
  spec.what = "create_sampling_client";
  spec.prerequisite = Prerequisite::Session;
  spec.submission_retries = false;  // not wrapped in layer 2 (§4.2)
  ClientContext* c = &ctx;
  spec.build = [c, model_path, base_model] {
    json::Ptr b(cJSON_CreateObject());
    cJSON_AddStringToObject(b.get(), "session_id", c->session_id().c_str());
    cJSON_AddNumberToObject(b.get(), "sampling_session_seq_id", static_cast<double>(c->next_sampling_session_seq_id()));
    if (!base_model.empty()) cJSON_AddStringToObject(b.get(), "base_model", base_model.c_str());
    if (!model_path.empty()) cJSON_AddStringToObject(b.get(), "model_path", model_path.c_str());
    cJSON_AddStringToObject(b.get(), "type", "create_sampling_session");
    return post_json("/api/v1/create_sampling_session", json::dump(b.get()))();
  };
  std::weak_ptr<ClientContext> weak = ctx.weak_from_this();
  spec.decode = [weak, retry](const http::Response& r, std::unique_ptr<Result>* out, Error* err) {
    auto doc = parse_object(r, "create_sampling_client", err);
    if (!doc) return false;
    auto res = std::make_unique<SamplingClientResult>();
    if (!need_string(doc.get(), "sampling_session_id", "create_sampling_client", &res->sampling_session_id, err))
      return false;
    res->ctx = weak;
    res->retry = retry;
    *out = std::move(res);
    return true;
  };
  return ctx.start(std::move(spec), &result_types::SamplingClient);
}

std::shared_ptr<FutureState> TrainingClient::create_sampling_client(const std::string& model_path,
                                                                    const wire::api::RetryConfig& retry) {
  return create_sampling_session(*ctx_, model_path, "", retry);
}

std::shared_ptr<FutureState> TrainingClient::save_weights_and_get_sampling_client(const wire::api::RetryConfig& retry) {
  const uint64_t id = run_->gate.reserve(1);
  const int64_t seq_id = static_cast<int64_t>(id) + 1;
  CallSpec spec;
  spec.what = "save_weights_and_get_sampling_client";
  spec.prerequisite = Prerequisite::Session;
  spec.http_retries = 0;
  spec.returns_future = true;
  spec.request_type = "SaveWeightsForSampler";
  ClientContext* c = ctx_.get();
  std::string model_id = run_->model_id;
  // The sampling_session_seq_id comes from the shared counter inside the retried function, so
  // every layer-2 attempt takes a new value, as in the official SDK (§6.6, §10 item 17).
  spec.build = [c, model_id, seq_id] {
    json::Ptr b(cJSON_CreateObject());
    cJSON_AddStringToObject(b.get(), "model_id", model_id.c_str());
    cJSON_AddNumberToObject(b.get(), "seq_id", static_cast<double>(seq_id));
    cJSON_AddNumberToObject(b.get(), "sampling_session_seq_id", static_cast<double>(c->next_sampling_session_seq_id()));
    cJSON_AddStringToObject(b.get(), "type", "save_weights_for_sampler");
    return post_json("/api/v1/save_weights_for_sampler", json::dump(b.get()))();
  };
  take_turn(spec, id);
  std::weak_ptr<ClientContext> weak = ctx_;
  spec.decode = [weak, retry](const http::Response& r, std::unique_ptr<Result>* out, Error* err) {
    auto doc = parse_object(r, "save_weights_and_get_sampling_client", err);
    if (!doc) return false;
    auto res = std::make_unique<SamplingClientResult>();
    if (!need_string(doc.get(), "sampling_session_id", "save_weights_and_get_sampling_client",
                     &res->sampling_session_id, err))
      return false;
    res->ctx = weak;
    res->retry = retry;
    *out = std::move(res);
    return true;
  };
  return ctx_->start(std::move(spec), &result_types::SamplingClient);
}

}  // namespace tinker
