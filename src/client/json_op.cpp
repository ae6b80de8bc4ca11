#include "client/json_op.h"

namespace tinker {

CallSpec json_call(const JsonOp& op, std::string body) {
  CallSpec spec;
  spec.what = op.what;
  spec.prerequisite = op.prerequisite;
  spec.build = [method = std::string(op.method), path = std::string(op.path), body = http::Body(std::move(body))] {
    http::Request r;
    r.method = method;
    r.url = path;
    r.body = body;
    return r;
  };
  spec.http_retries = op.http_retries;
  spec.conflict_is_final = op.conflict_is_final;
  spec.returns_future = op.returns_future;
  spec.request_type = op.request_type;
  if (op.decode) {
    auto decode = op.decode;
    std::string what = op.what;
    spec.decode = [decode, what](const http::Response& r, std::unique_ptr<Result>* out, Error* err) {
      return decode(what, r, out, err);
    };
  }
  return spec;
}

}  // namespace tinker
