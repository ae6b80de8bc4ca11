// SamplingClient: the operations of one sampling session (docs/protocol.md §5.5, §6.8). It is
// addressed by its sampling_session_id; sampling itself (P1, P2) comes with the sampling issue,
// the registry's plain operations (P3) run through run().
#pragma once

#include <memory>
#include <string>

#include "client/json_op.h"
#include "core/client_context.h"
#include "wire/api_messages.h"

namespace tinker {

class SamplingClient {
 public:
  SamplingClient(std::shared_ptr<ClientContext> ctx, std::string sampling_session_id, wire::api::RetryConfig retry)
      : ctx_(std::move(ctx)), sampling_session_id_(std::move(sampling_session_id)), retry_(std::move(retry)) {}

  const std::string& sampling_session_id() const { return sampling_session_id_; }
  const wire::api::RetryConfig& retry() const { return retry_; }
  const std::shared_ptr<ClientContext>& context() const { return ctx_; }

  // A plain operation of the registry; `path` is op.path with its parameters filled in.
  std::shared_ptr<FutureState> run(const JsonOp& op, const BodyFn& body, std::string path = "");

 private:
  std::shared_ptr<ClientContext> ctx_;
  std::string sampling_session_id_;
  wire::api::RetryConfig retry_;
};

}  // namespace tinker
