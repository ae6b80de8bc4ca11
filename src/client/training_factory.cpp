// ServiceClient operations that create training runs (S2–S4; protocol.md §2.2, §6.7).
#include "client/api_ops.h"
#include "client/step_chain.h"
#include "client/training_client.h"
#include "wire/json.h"

namespace tinker {

namespace {

std::function<http::Request()> post_json(std::string path, std::function<std::string()> body) {
  return [path = std::move(path), body = std::move(body)] {
    http::Request r;
    r.method = "POST";
    r.url = path;
    r.body = body();
    return r;
  };
}

void add_metadata(cJSON* obj, const std::map<std::string, std::string>& md) {
  if (md.empty()) return;
  cJSON* m = cJSON_AddObjectToObject(obj, "user_metadata");
  for (const auto& kv : md) cJSON_AddStringToObject(m, kv.first.c_str(), kv.second.c_str());
}

// Presents `credential` instead of the client's own (X-API-Key, protocol.md §1.2).
std::function<void(http::Request&)> present(const std::string& credential) {
  return [credential](http::Request& r) {
    for (auto& h : r.headers)
      if (h.first == "X-API-Key") h.second = credential;
  };
}

// A training run being created: its steps, and the client its future gives.
struct Creation {
  std::shared_ptr<StepChain> steps;
  std::weak_ptr<ClientContext> weak;

  void run(CallSpec spec, ResultKind kind, std::function<void(FutureState&)> next) {
    steps->run(std::move(spec), kind, std::move(next));
  }
  void finish(const std::string& model_id, uint64_t ids_used) {
    auto res = std::make_unique<TrainingClientResult>();
    res->ctx = weak;
    res->model_id = model_id;
    res->ids_used = ids_used;
    steps->future()->complete(std::move(res));
  }
  const std::shared_ptr<FutureState>& user() const { return steps->future(); }
};

std::shared_ptr<Creation> new_creation(const std::shared_ptr<ClientContext>& ctx) {
  auto c = std::make_shared<Creation>();
  c->steps = StepChain::make(*ctx, &result_types::TrainingClient);
  c->weak = ctx;
  return c;
}

// create_model (§2.2): not wrapped in the submission retry layer (§4.2).
CallSpec create_model_spec(ClientContext* ctx, const std::string& base_model, const wire::api::LoraConfig& lora,
                           const std::map<std::string, std::string>& md) {
  CallSpec spec;
  spec.what = "create_lora_training_client";
  spec.prerequisite = Prerequisite::Session;
  spec.submission_retries = false;
  spec.returns_future = true;
  spec.request_type = "CreateModel";
  spec.build = post_json("/api/v1/create_model", [ctx, base_model, lora, md] {
    json::Ptr b(cJSON_CreateObject());
    cJSON_AddStringToObject(b.get(), "session_id", ctx->session_id().c_str());
    cJSON_AddNumberToObject(b.get(), "model_seq_id", static_cast<double>(ctx->next_model_seq_id()));
    cJSON_AddStringToObject(b.get(), "base_model", base_model.c_str());
    add_metadata(b.get(), md);
    cJSON* l = cJSON_AddObjectToObject(b.get(), "lora_config");
    cJSON_AddNumberToObject(l, "rank", lora.rank);
    if (lora.seed) cJSON_AddNumberToObject(l, "seed", static_cast<double>(*lora.seed));
    cJSON_AddBoolToObject(l, "train_unembed", lora.train_unembed);
    cJSON_AddBoolToObject(l, "train_mlp", lora.train_mlp);
    cJSON_AddBoolToObject(l, "train_attn", lora.train_attn);
    cJSON_AddStringToObject(b.get(), "type", "create_model");
    return json::dump(b.get());
  });
  spec.decode = [](const http::Response& r, std::unique_ptr<Result>* out, Error* err) {
    auto doc = json::parse(r.body);
    auto id = doc ? json::get_string(doc.get(), "model_id") : std::nullopt;
    if (!id) {
      *err = make_error(TINKER_E_DATA_LOSS, "create_model: result has no model_id");
      return false;
    }
    auto res = std::make_unique<TrainingClientResult>();
    res->model_id = *id;
    *out = std::move(res);
    return true;
  };
  return spec;
}

std::string model_id_of(FutureState& f) {
  std::unique_ptr<Result> r;
  f.take(&result_types::TrainingClient, &r);
  return r ? static_cast<TrainingClientResult&>(*r).model_id : std::string();
}

}  // namespace

std::shared_ptr<FutureState> create_lora_training_client(const std::shared_ptr<ClientContext>& ctx,
                                                         const std::string& base_model, const wire::api::LoraConfig& lora,
                                                         const std::map<std::string, std::string>& user_metadata) {
  auto c = new_creation(ctx);
  c->run(create_model_spec(ctx.get(), base_model, lora, user_metadata), &result_types::TrainingClient,
         [c](FutureState& f) { c->finish(model_id_of(f), 0); });
  return c->user();
}

std::shared_ptr<FutureState> create_training_client_from_state(const std::shared_ptr<ClientContext>& ctx,
                                                               const std::string& path, const std::string& base_model,
                                                               const std::map<std::string, std::string>& user_metadata,
                                                               const std::string& token, bool optimizer) {
  auto c = new_creation(ctx);
  ClientContext* cx = ctx.get();
  cx->remember_secret(token);  // a credential too: never in a log or a message
  const char* what = optimizer ? "create_training_client_from_state_with_optimizer" : "create_training_client_from_state";

  // The server flag is known once the config prerequisite ran; decide on the IO thread.
  CallSpec probe;
  probe.what = what;
  probe.prerequisite = Prerequisite::Session;
  c->run(std::move(probe), &result_types::None, [=](FutureState&) {
    if (cx->server_config().create_model_via_load_weights) {
      // One load_weights with create-via-load addressing (§6.7); the id is derived.
      auto model_seq = std::make_shared<int64_t>(-1);
      CallSpec load;
      load.what = what;
      load.prerequisite = Prerequisite::Session;
      load.returns_future = true;
      load.request_type = "LoadWeights";
      load.build = post_json("/api/v1/load_weights", [cx, model_seq, path, base_model, user_metadata, token, optimizer] {
        *model_seq = cx->next_model_seq_id();
        json::Ptr b(cJSON_CreateObject());
        cJSON_AddStringToObject(b.get(), "session_id", cx->session_id().c_str());
        cJSON_AddNumberToObject(b.get(), "model_seq_id", static_cast<double>(*model_seq));
        if (!base_model.empty()) cJSON_AddStringToObject(b.get(), "base_model", base_model.c_str());
        add_metadata(b.get(), user_metadata);
        cJSON_AddStringToObject(b.get(), "path", path.c_str());
        cJSON_AddBoolToObject(b.get(), "optimizer", optimizer);
        if (!token.empty()) cJSON_AddStringToObject(b.get(), "weights_access_token", token.c_str());
        cJSON_AddStringToObject(b.get(), "type", "load_weights");
        return json::dump(b.get());
      });
      c->run(std::move(load), &result_types::None, [c, cx, model_seq](FutureState&) {
        c->finish(cx->session_id() + ":train:" + std::to_string(*model_seq), 0);
      });
      return;
    }
    // weights_info → create_model → load_weights (§6.7). With an access token, weights_info
    // is asked as the token's owner, as the official SDK does with a client keyed by the token.
    auto ask_info = [=](const std::string& credential) {
      CallSpec info;
      info.what = what;
      info.build = post_json("/api/v1/weights_info", [path] {
        json::Ptr b(cJSON_CreateObject());
        cJSON_AddStringToObject(b.get(), "tinker_path", path.c_str());
        return json::dump(b.get());
      });
      if (!credential.empty()) info.adjust_request = present(credential);
      auto lora = std::make_shared<wire::api::LoraConfig>();
      auto base = std::make_shared<std::string>(base_model);
      info.decode = [lora, base](const http::Response& r, std::unique_ptr<Result>*, Error* err) {
        auto doc = json::parse(r.body);
        auto model = doc ? json::get_string(doc.get(), "base_model") : std::nullopt;
        bool bad = false;
        auto rank = doc ? json::get_int(doc.get(), "lora_rank", 1, kMaxLoraRank, &bad) : std::nullopt;
        if (!model || !rank) {
          *err = make_error(TINKER_E_DATA_LOSS, "weights_info: result lacks base_model or a lora_rank in [1, " +
                                                    std::to_string(kMaxLoraRank) + "]");
          return false;
        }
        if (base->empty()) *base = *model;
        lora->rank = static_cast<int32_t>(*rank);
        lora->train_mlp = json::get_bool(doc.get(), "train_mlp").value_or(true);
        lora->train_attn = json::get_bool(doc.get(), "train_attn").value_or(true);
        lora->train_unembed = json::get_bool(doc.get(), "train_unembed").value_or(true);
        return true;
      };
      c->run(std::move(info), &result_types::None, [=](FutureState&) {
        c->run(create_model_spec(cx, *base, *lora, user_metadata), &result_types::TrainingClient, [=](FutureState& f) {
          std::string model_id = model_id_of(f);
          wire::api::LoadWeightsRequest req;  // seq_id 1 of the new run
          req.model_id = model_id;
          req.seq_id = 1;
          req.path = path;
          req.optimizer = optimizer;
          req.weights_access_token = token;
          CallSpec load = json_call(optimizer ? ops::load_state_with_optimizer : ops::load_state, wire::api::encode_json(req));
          c->run(std::move(load), &result_types::LoadResult, [c, model_id](FutureState&) { c->finish(model_id, 1); });
        });
      });
    };
    if (token.empty() || !cx->server_config().pjwt_auth_enabled) return ask_info(token);
    // In JWT mode the token is first exchanged for a JWT, like any API key (§1.2).
    CallSpec exchange;
    exchange.what = what;
    exchange.build = post_json("/api/v1/auth/token", [] { return std::string("{}"); });
    exchange.adjust_request = present(token);
    auto jwt = std::make_shared<std::string>();
    exchange.decode = [jwt](const http::Response& r, std::unique_ptr<Result>*, Error* err) {
      auto doc = json::parse(r.body);
      auto v = doc ? json::get_string(doc.get(), "jwt") : std::nullopt;
      if (!v) {
        *err = make_error(TINKER_E_DATA_LOSS, "auth/token: response has no jwt");
        return false;
      }
      *jwt = *v;
      return true;
    };
    c->run(std::move(exchange), &result_types::None, [ask_info, jwt](FutureState&) { ask_info(*jwt); });
  });
  return c->user();
}

}  // namespace tinker
