// RestClient (S6): the management operations on runs, checkpoints, sessions and samplers
// (protocol.md §2.4–§2.6). It shares the service client's context and has no session of its own
// (§5.1); its plain operations come from the registry and go through run().
#pragma once

#include <memory>
#include <string>

#include "client/json_op.h"
#include "core/client_context.h"
#include "core/future_state.h"

namespace tinker {

class RestClient {
 public:
  explicit RestClient(std::shared_ptr<ClientContext> ctx) : ctx_(std::move(ctx)) {}
  const std::shared_ptr<ClientContext>& context() const { return ctx_; }

  // A plain operation of the registry; `path`: op.path with its parameters and query filled in.
  std::shared_ptr<FutureState> run(const JsonOp& op, const BodyFn& body, std::string path = "");
  // R7, R8: reads the server's redirect instead of following it, and asks again while the
  // archive is being built (HTTP 503; ClientOptions::archive_retry_*).
  std::shared_ptr<FutureState> run_archive_url(const JsonOp& op, const BodyFn& body, std::string path);
  // R19: asks again while the export is pending (ClientOptions::trace_poll_interval_ms); a failed
  // export is REQUEST_FAILED with the server's reason.
  std::shared_ptr<FutureState> run_trace_export(const JsonOp& op, const BodyFn& body, std::string path);
  // R23: the caller, from the claims of the JWT in use (no request beyond the client's startup).
  std::shared_ptr<FutureState> whoami(Error* err);

 private:
  std::shared_ptr<ClientContext> ctx_;
};

}  // namespace tinker
