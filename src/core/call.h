// One path for every operation (docs/design.md): a Call runs on the IO thread and takes a request
// through both stages of the Tinker protocol (protocol.md §3, §4):
//   1. submit — the HTTP request with the HTTP retry layer (§4.1) inside the submission retry
//      layer (§4.2): the same idempotency key within a layer-1 call, a new one per layer-2
//      attempt, 402 billing pauses;
//   2. for future-returning endpoints, long-poll retrieve_future with every outcome of §3.2
//      and §3.3 until a result, an error, a deadline or a cancel.
// An operation is a CallSpec: how to build its request and how to decode its result.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/future_state.h"
#include "core/runtime.h"
#include "http/transport.h"

namespace tinker {

class ClientContext;

// What a call needs before it may run.
enum class Prerequisite {
  None,     // e.g. healthz
  Config,   // client/config (+ auth/token, dynamic_config): REST-holder calls (§5.1)
  Session,  // Config, then create_session: training and sampling calls
};

struct CallSpec {
  std::string what;  // operation name used in error messages, e.g. "get_server_capabilities"
  Prerequisite prerequisite = Prerequisite::Config;
  // Builds one submission attempt (called again for each layer-2 retry, on the IO thread):
  // method, path (e.g. "/api/v1/healthz") and body; common headers are added by the context.
  // Empty for operations that only need their prerequisite (start_session).
  std::function<http::Request()> build;
  int http_retries = -1;           // layer-1 retries; -1 = the client's max_retries
  bool submission_retries = true;  // wrap in layer 2
  // A 409 means a conflict that no retry can heal (a checkpoint name already in use): fail
  // TINKER_E_ALREADY_EXISTS at once instead of retrying 409 as the protocol does elsewhere.
  bool conflict_is_final = false;
  long timeout_ms = 0;             // 0 = the client's request timeout
  bool returns_future = false;     // the response is {"request_id"}: poll retrieve_future
  std::string request_type;        // X-Tinker-Request-Type on polls
  bool accept_protobuf = false;    // Accept: application/x-protobuf on polls
  // Decodes the final payload (a direct response, or a polled result) into the future's result.
  // Returns false with `err` filled when the payload is unusable.
  std::function<bool(const http::Response&, std::unique_ptr<Result>*, Error*)> decode;
  // A redirect (3xx) is the answer, handed to `decode` (the archive URL's 302); otherwise it is an
  // error, since API requests never follow redirects.
  bool redirect_is_answer = false;
  // "Not ready yet, ask again": given a submission's response and how many times it was asked
  // again already, the seconds to wait before sending the request again; none to handle the
  // response as usual (an archive being built answers 503, a trace export "pending"). No retry
  // layer counts these rounds; the deadline bounds them.
  std::function<std::optional<double>(const http::Response&, int rounds)> ask_again;
  // Runs on the IO thread after the future finished (internal chains such as startup).
  std::function<void(FutureState&)> then;
  int64_t deadline_ms = -1;  // -1 = the client's default deadline; 0 = none
  // Ordering (protocol.md §6.1), optional. `wait_turn(go)` runs `go` when this call may submit;
  // `end_turn(submitted)` runs exactly once after the submission ended (successfully or not),
  // or when the call ends before its turn came. Both run on the IO thread.
  std::function<void(std::function<void()> go)> wait_turn;
  std::function<void(bool submitted)> end_turn;
  // Adds per-poll headers or overrides (e.g. a different credential); optional.
  std::function<void(http::Request&)> adjust_request;
  // Sampling backpressure (protocol.md §4.4), optional. With `before_submission` set, a 429 on the
  // submission — or a 402 inside the billing pause — means "not now" rather than an error:
  // `on_backpressure()` is told, and the same request (same body, a new idempotency key) goes
  // again when `before_submission(go)` runs `go`, which it also does before the first
  // submission. No retry layer counts these rounds.
  std::function<void(std::function<void()> go)> before_submission;
  std::function<void()> on_backpressure;
};

// Starts `spec` for `future` (any thread). The call stops by itself when the future is
// cancelled or its deadline passes.
void start_call(ClientContext& ctx, CallSpec spec, std::shared_ptr<FutureState> future);

}  // namespace tinker
