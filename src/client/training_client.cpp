#include "client/training_client.h"

#include "core/json.h"

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

// Metrics object {"name": number} → ordered pairs.
Metrics metrics_from(const cJSON* obj) {
  Metrics m;
  const cJSON* it;
  cJSON_ArrayForEach(it, obj) if (cJSON_IsNumber(it)) m.emplace_back(it->string, it->valuedouble);
  return m;
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

CallSpec TrainingClient::ordered_call(const std::string& what, const std::string& path, const std::string& request_type,
                                      std::function<std::string(int64_t)> body) {
  const uint64_t id = run_->gate.reserve(1);  // at call time, in call order (§6.1)
  const int64_t seq_id = static_cast<int64_t>(id) + 1;
  CallSpec spec;
  spec.what = what;
  spec.prerequisite = Prerequisite::Session;
  spec.build = post_json(path, body(seq_id));
  spec.returns_future = true;
  spec.request_type = request_type;
  take_turn(spec, id);
  return spec;
}

std::shared_ptr<FutureState> TrainingClient::optim_step(const tinker_adam_params& p) {
  std::string model_id = run_->model_id;
  CallSpec spec = ordered_call("optim_step", "/api/v1/optim_step", "OptimStep", [&](int64_t seq_id) {
    json::Ptr b(cJSON_CreateObject());
    cJSON* a = cJSON_AddObjectToObject(b.get(), "adam_params");
    cJSON_AddNumberToObject(a, "learning_rate", p.learning_rate);
    cJSON_AddNumberToObject(a, "beta1", p.beta1);
    cJSON_AddNumberToObject(a, "beta2", p.beta2);
    cJSON_AddNumberToObject(a, "eps", p.eps);
    cJSON_AddNumberToObject(a, "weight_decay", p.weight_decay);
    cJSON_AddNumberToObject(a, "grad_clip_norm", p.grad_clip_norm);
    cJSON_AddStringToObject(b.get(), "model_id", model_id.c_str());
    cJSON_AddNumberToObject(b.get(), "seq_id", static_cast<double>(seq_id));
    cJSON_AddStringToObject(b.get(), "type", "optim_step");
    return json::dump(b.get());
  });
  spec.decode = [](const http::Response& r, std::unique_ptr<Result>* out, Error* err) {
    auto doc = parse_object(r, "optim_step", err);
    if (!doc) return false;
    auto res = std::make_unique<tinker_optim_step_result>();
    if (const cJSON* m = json::get_object(doc.get(), "metrics")) res->metrics.items = metrics_from(m);
    res->json = r.body;
    *out = std::move(res);
    return true;
  };
  return ctx_->start(std::move(spec), &result_types::OptimStepResult);
}

static bool decode_save(const char* what, const http::Response& r, std::unique_ptr<Result>* out, Error* err,
                        bool need_path) {
  auto doc = parse_object(r, what, err);
  if (!doc) return false;
  auto res = std::make_unique<tinker_save_result>();
  if (need_path && !need_string(doc.get(), "path", what, &res->path, err)) return false;
  if (!need_path) res->path = json::get_string(doc.get(), "path").value_or("");
  res->sampling_session_id = json::get_string(doc.get(), "sampling_session_id").value_or("");
  res->json = r.body;
  *out = std::move(res);
  return true;
}

std::shared_ptr<FutureState> TrainingClient::save_state(const std::string& name, int64_t ttl_seconds, bool overwrite) {
  std::string model_id = run_->model_id;
  CallSpec spec = ordered_call("save_state", "/api/v1/save_weights", "SaveWeights", [&](int64_t seq_id) {
    json::Ptr b(cJSON_CreateObject());
    cJSON_AddStringToObject(b.get(), "model_id", model_id.c_str());
    cJSON_AddStringToObject(b.get(), "path", name.c_str());
    cJSON_AddNumberToObject(b.get(), "seq_id", static_cast<double>(seq_id));
    if (ttl_seconds > 0) cJSON_AddNumberToObject(b.get(), "ttl_seconds", static_cast<double>(ttl_seconds));
    cJSON_AddBoolToObject(b.get(), "overwrite", overwrite);
    cJSON_AddStringToObject(b.get(), "type", "save_weights");
    return json::dump(b.get());
  });
  spec.http_retries = 0;  // saves: layer 2 only (§4.1)
  spec.conflict_is_final = true;  // 409: the name is taken; no retry frees it
  spec.decode = [](const http::Response& r, std::unique_ptr<Result>* out, Error* err) {
    return decode_save("save_state", r, out, err, true);
  };
  return ctx_->start(std::move(spec), &result_types::SaveResult);
}

std::shared_ptr<FutureState> TrainingClient::save_weights_for_sampler(const std::string& name, int64_t ttl_seconds) {
  std::string model_id = run_->model_id;
  CallSpec spec = ordered_call("save_weights_for_sampler", "/api/v1/save_weights_for_sampler", "SaveWeightsForSampler",
                               [&](int64_t seq_id) {
                                 json::Ptr b(cJSON_CreateObject());
                                 cJSON_AddStringToObject(b.get(), "model_id", model_id.c_str());
                                 cJSON_AddStringToObject(b.get(), "path", name.c_str());
                                 cJSON_AddNumberToObject(b.get(), "seq_id", static_cast<double>(seq_id));
                                 if (ttl_seconds > 0)
                                   cJSON_AddNumberToObject(b.get(), "ttl_seconds", static_cast<double>(ttl_seconds));
                                 cJSON_AddStringToObject(b.get(), "type", "save_weights_for_sampler");
                                 return json::dump(b.get());
                               });
  spec.http_retries = 0;
  spec.conflict_is_final = true;
  spec.decode = [](const http::Response& r, std::unique_ptr<Result>* out, Error* err) {
    return decode_save("save_weights_for_sampler", r, out, err, true);
  };
  return ctx_->start(std::move(spec), &result_types::SaveResult);
}

std::shared_ptr<FutureState> TrainingClient::load_state(const std::string& path, const std::string& token,
                                                        bool optimizer) {
  return ctx_->start(load_state_spec(path, token, optimizer), &result_types::LoadResult);
}

CallSpec TrainingClient::load_state_spec(const std::string& path, const std::string& token, bool optimizer) {
  std::string model_id = run_->model_id;
  const char* what = optimizer ? "load_state_with_optimizer" : "load_state";
  CallSpec spec = ordered_call(what, "/api/v1/load_weights", "LoadWeights", [&](int64_t seq_id) {
    json::Ptr b(cJSON_CreateObject());
    cJSON_AddStringToObject(b.get(), "model_id", model_id.c_str());
    cJSON_AddNumberToObject(b.get(), "seq_id", static_cast<double>(seq_id));
    cJSON_AddStringToObject(b.get(), "path", path.c_str());
    cJSON_AddBoolToObject(b.get(), "optimizer", optimizer);
    if (!token.empty()) cJSON_AddStringToObject(b.get(), "weights_access_token", token.c_str());
    cJSON_AddStringToObject(b.get(), "type", "load_weights");
    return json::dump(b.get());
  });
  spec.decode = [what](const http::Response& r, std::unique_ptr<Result>* out, Error* err) {
    auto doc = parse_object(r, what, err);
    if (!doc) return false;
    auto res = std::make_unique<tinker_load_result>();
    res->path = json::get_string(doc.get(), "path").value_or("");
    res->model_id = json::get_string(doc.get(), "model_id").value_or("");
    res->json = r.body;
    *out = std::move(res);
    return true;
  };
  return spec;
}

std::shared_ptr<FutureState> TrainingClient::get_info() {
  json::Ptr b(cJSON_CreateObject());
  cJSON_AddStringToObject(b.get(), "model_id", run_->model_id.c_str());
  cJSON_AddStringToObject(b.get(), "type", "get_info");
  CallSpec spec;
  spec.what = "get_info";
  spec.build = post_json("/api/v1/get_info", json::dump(b.get()));
  spec.decode = [](const http::Response& r, std::unique_ptr<Result>* out, Error* err) {
    auto doc = parse_object(r, "get_info", err);
    if (!doc) return false;
    auto res = std::make_unique<tinker_model_info>();
    if (!need_string(doc.get(), "model_id", "get_info", &res->model_id, err)) return false;
    const cJSON* data = json::get_object(doc.get(), "model_data");
    if (!data) {
      *err = make_error(TINKER_E_DATA_LOSS, "get_info: result has no 'model_data'");
      return false;
    }
    res->base_model = json::get_string(data, "model_name").value_or(json::get_string(doc.get(), "model_name").value_or(""));
    res->arch = json::get_string(data, "arch").value_or("");
    std::string tok = json::get_string(data, "tokenizer_id").value_or("");
    res->tokenizer_id = tok.substr(0, tok.find(':'));  // as the official SDK does (§2.2)
    res->is_lora = json::get_bool(doc.get(), "is_lora").value_or(false);
    bool bad = false;
    if (auto rank = json::get_int(doc.get(), "lora_rank", 0, kMaxLoraRank, &bad)) res->lora_rank = *rank;
    if (bad) {
      *err = make_error(TINKER_E_DATA_LOSS, "get_info: lora_rank is not a whole number in [0, " + std::to_string(kMaxLoraRank) + "]");
      return false;
    }
    res->json = r.body;
    *out = std::move(res);
    return true;
  };
  return ctx_->start(std::move(spec), &result_types::ModelInfo);
}

std::shared_ptr<FutureState> TrainingClient::unload_model() {
  json::Ptr b(cJSON_CreateObject());
  cJSON_AddStringToObject(b.get(), "model_id", run_->model_id.c_str());
  cJSON_AddStringToObject(b.get(), "type", "unload_model");
  CallSpec spec;
  spec.what = "unload_model";
  spec.prerequisite = Prerequisite::Session;
  spec.build = post_json("/api/v1/unload_model", json::dump(b.get()));
  spec.returns_future = true;
  spec.request_type = "UnloadModel";
  return ctx_->start(std::move(spec), &result_types::None);
}

std::shared_ptr<FutureState> create_sampling_session(ClientContext& ctx, const std::string& model_path,
                                                     const std::string& base_model, const tinker_retry_config& retry) {
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
                                                                    const tinker_retry_config& retry) {
  return create_sampling_session(*ctx_, model_path, "", retry);
}

std::shared_ptr<FutureState> TrainingClient::save_weights_and_get_sampling_client(const tinker_retry_config& retry) {
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
