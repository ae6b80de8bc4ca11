#include "client/service_client.h"

#include "client/training_client.h"
#include "wire/json.h"

namespace tinker {

static std::function<http::Request()> get(const char* path) {
  return [path] {
    http::Request r;
    r.method = "GET";
    r.url = path;
    return r;
  };
}

std::shared_ptr<FutureState> ServiceClient::run(const JsonOp& op, const BodyFn& body, std::string path) {
  return ctx_->start(json_call(op, body(0), std::move(path)), op.result);
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

std::shared_ptr<FutureState> ServiceClient::create_sampling_client(const std::string& model_path,
                                                                   const std::string& base_model,
                                                                   const wire::api::RetryConfig& retry, Error* err) {
  if (model_path.empty() && base_model.empty()) {
    *err = make_error(TINKER_E_INVALID_ARGUMENT, "give model_path or base_model");
    return nullptr;
  }
  return create_sampling_session(*ctx_, model_path, base_model, retry);
}

std::shared_ptr<FutureState> ServiceClient::start_session() {
  CallSpec spec;
  spec.what = "start_session";
  spec.prerequisite = Prerequisite::Session;
  spec.build = nullptr;  // nothing to send beyond the prerequisite
  return ctx_->start(std::move(spec), &result_types::None);
}

}  // namespace tinker
