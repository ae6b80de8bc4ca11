#include "client/service_client.h"

#include "client/results.h"
#include "core/json.h"

namespace tinker {

constexpr int64_t kMaxContextLength = int64_t{1} << 40;

static std::function<http::Request()> get(const char* path) {
  return [path] {
    http::Request r;
    r.method = "GET";
    r.url = path;
    return r;
  };
}

bool decode_server_capabilities(const http::Response& r, std::unique_ptr<Result>* out, Error* err) {
  auto doc = json::parse(r.body);
  const cJSON* models = doc ? json::get_array(doc.get(), "supported_models") : nullptr;
  if (!models) {
    *err = make_error(TINKER_E_DATA_LOSS, "get_server_capabilities: response has no supported_models list");
    return false;
  }
  auto caps = std::make_unique<tinker_server_capabilities>();
  const cJSON* m;
  cJSON_ArrayForEach(m, models) {
    tinker_server_capabilities::Model model;
    model.name = json::get_string(m, "model_name");
    bool bad = false;
    if (auto n = json::get_int(m, "max_context_length", 0, kMaxContextLength, &bad)) model.max_context_length = *n;
    if (bad) {
      *err = make_error(TINKER_E_DATA_LOSS, "get_server_capabilities: a max_context_length is not a whole number in [0, 2^40]");
      return false;
    }
    caps->models.push_back(std::move(model));
  }
  caps->json = r.body;
  *out = std::move(caps);
  return true;
}

std::shared_ptr<FutureState> ServiceClient::get_server_capabilities() {
  CallSpec spec;
  spec.what = "get_server_capabilities";
  spec.prerequisite = Prerequisite::Config;  // the REST holder's startup (§5.1)
  spec.build = get("/api/v1/get_server_capabilities");
  spec.decode = decode_server_capabilities;
  return ctx_->start(std::move(spec), &result_types::ServerCapabilities);
}

std::shared_ptr<FutureState> ServiceClient::health_check() {
  CallSpec spec;
  spec.what = "health_check";
  spec.prerequisite = Prerequisite::None;
  spec.build = get("/api/v1/healthz");
  spec.decode = [](const http::Response& r, std::unique_ptr<Result>*, Error* err) {
    auto doc = json::parse(r.body);
    if (!doc || json::get_string(doc.get(), "status").value_or("") != "ok") {
      *err = make_error(TINKER_E_UNAVAILABLE, "health_check: server did not answer {\"status\":\"ok\"}");
      return false;
    }
    return true;
  };
  return ctx_->start(std::move(spec), &result_types::None);
}

std::shared_ptr<FutureState> ServiceClient::start_session() {
  CallSpec spec;
  spec.what = "start_session";
  spec.prerequisite = Prerequisite::Session;
  spec.build = nullptr;  // nothing to send beyond the prerequisite
  return ctx_->start(std::move(spec), &result_types::None);
}

}  // namespace tinker
