// ServiceClient: the entry point. Owns (through ClientContext) the runtime that every client
// and future made from it shares.
#pragma once

#include <memory>
#include <string>

#include "client/json_op.h"
#include "core/client_context.h"
#include "core/future_state.h"
#include "wire/api_messages.h"

namespace tinker {

class ServiceClient {
 public:
  explicit ServiceClient(std::shared_ptr<ClientContext> ctx) : ctx_(std::move(ctx)) {}

  std::shared_ptr<FutureState> health_check();             // S7
  std::shared_ptr<FutureState> start_session();            // (beyond)
  // S5: on a sampler checkpoint (`model_path`) or a base model; fails fast (null future, `err`
  // set) when both are empty.
  std::shared_ptr<FutureState> create_sampling_client(const std::string& model_path, const std::string& base_model,
                                                      const wire::api::RetryConfig& retry, Error* err);
  // A plain operation of the registry (S1). Service-level operations are never ordered. `path`:
  // op.path with its parameters filled in ("" when it has none).
  std::shared_ptr<FutureState> run(const JsonOp& op, const BodyFn& body, std::string path = "");
  const std::shared_ptr<ClientContext>& context() const { return ctx_; }

 private:
  std::shared_ptr<ClientContext> ctx_;
};

}  // namespace tinker
