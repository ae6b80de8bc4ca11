#include "client/rest_client.h"

#include "client/api_results.h"
#include "core/jwt.h"
#include "wire/json.h"

namespace tinker {

std::shared_ptr<FutureState> RestClient::run(const JsonOp& op, const BodyFn& body, std::string path) {
  return ctx_->start(json_call(op, body(0), std::move(path)), op.result);
}

std::shared_ptr<FutureState> RestClient::whoami(Error*) {
  CallSpec spec;
  spec.what = "whoami";
  // The configuration step is where the API key is exchanged for a JWT, when the server uses them.
  spec.prerequisite = Prerequisite::Config;
  spec.build = nullptr;
  ClientContext* ctx = ctx_.get();  // the call runs on the context's own IO thread
  spec.decode = [ctx](const http::Response&, std::unique_ptr<Result>* out, Error* err) {
    const std::optional<std::string> jwt = ctx->identity_jwt();
    if (!jwt) {
      *err = make_error(TINKER_E_UNIMPLEMENTED,
                        "whoami: the server does not use JWTs and the credential is a plain API key, which "
                        "carries no identity to read");
      return false;
    }
    auto res = std::make_unique<tinker_whoami>();
    std::string msg = "its payload is not JSON";
    const std::optional<std::string> payload = jwt_payload(*jwt);
    json::Ptr claims = payload ? json::parse(*payload) : nullptr;
    if (!claims || !wire::api::decode(claims.get(), "claims", &res->m, &msg)) {
      *err = make_error(TINKER_E_DATA_LOSS, "whoami: the JWT's claims are unreadable: " + msg);
      return false;
    }
    if (res->m.email && res->m.email->empty()) res->m.email.reset();  // principals without one send ""
    *out = std::move(res);
    return true;
  };
  return ctx_->start(std::move(spec), &result_types::Whoami);
}

}  // namespace tinker
