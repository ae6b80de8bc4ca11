// What every client made from one service client shares: the resolved options, the runtime,
// the server's client config, the credential, and the session with its heartbeat
// (protocol.md §1.2, §5). Handles hold it through shared_ptr; when the last one goes, the
// runtime shuts down.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <atomic>

#include "core/bytes_budget.h"
#include "core/call.h"
#include "core/client_options.h"
#include "core/log.h"
#include "core/printable.h"
#include "core/runtime.h"
#include "core/sample_dispatch.h"

namespace tinker {

// The flags of client/config this library honours (protocol.md §7.12), with their defaults.
struct ServerConfig {
  bool pjwt_auth_enabled = false;
  int64_t sample_dispatch_bytes_semaphore_size = 10485760;
  int64_t inflight_response_bytes_semaphore_size = 52428800;
  bool parallel_fwdbwd_chunks = true;
  bool proto_compress_fwdbwd = false;
  int64_t fwdbwd_max_chunk_len = 1024;
  int64_t fwdbwd_max_chunk_bytes_count = 5000000;
  int64_t fwdbwd_dispatch_bytes_semaphore_size = 50000000;
  double billing_exception_max_pause_duration_sec = 3600;
  bool sample_no_retries = false;
  bool sample_enable_stuck_detection = true;
  int64_t sample_max_concurrent_requests = 2000;
  bool create_model_via_load_weights = false;
};

// Parses a client/config body; unknown flags are ignored, missing ones keep their value. A flag
// with a value that is out of range or of the wrong type (a negative byte budget, 1e308 for a
// count, a string for a bool) keeps its value too, and is named in `warnings` when given:
// the server is not trusted to size the client's own budgets. False when the body is not a
// JSON object.
bool parse_server_config(const std::string& body, ServerConfig* out, std::vector<std::string>* warnings = nullptr);

class ClientContext : public std::enable_shared_from_this<ClientContext> {
 public:
  explicit ClientContext(ClientOptions options);
  ~ClientContext();  // shuts the runtime down
  ClientContext(const ClientContext&) = delete;
  ClientContext& operator=(const ClientContext&) = delete;

  Runtime& runtime() { return *runtime_; }
  const ClientOptions& options() const { return options_; }
  const Logger& logger() const { return logger_; }

  // Creates a future bound to this runtime and starts `spec` for it. Any thread.
  std::shared_ptr<FutureState> start(CallSpec spec, ResultKind kind);

  // ---- IO thread only ----
  // Runs `done(nullptr)` once the prerequisite holds, or `done(&error)` if it cannot be met.
  // Concurrent callers share one startup; a failed startup is tried again by the next caller.
  void ensure(Prerequisite p, std::function<void(const Error*)> done);
  // Completes a request: absolute URL from the base URL (§1.1), protocol headers (§1.3),
  // credential, timeouts. `timeout_ms` 0 = the client's request timeout.
  void decorate(http::Request& req, long timeout_ms) const;
  const ServerConfig& server_config() const { return config_; }
  // The JWT the client authenticates with, when the server uses JWTs (after the configuration
  // step); nullopt when the credential is a plain API key.
  std::optional<std::string> identity_jwt() const {
    return config_.pjwt_auth_enabled && credential_ != options_.api_key.value_or("") ? std::optional(credential_)
                                                                                    : std::nullopt;
  }
  double billing_pause_max_seconds() const { return config_.billing_exception_max_pause_duration_sec; }
  // Passes a queue state reported by a poll to the user's observer (on the completion thread).
  void report_queue_state(const std::string& state, const std::string& reason, const std::string& request_id,
                          const std::string& what);

  // The budget that forward/backward chunk submissions draw from (protocol.md §6.2, §6.9),
  // sized from the server config when first used.
  BytesBudget& fwdbwd_dispatch_budget();
  // The gates every sample submission passes (protocol.md §4.4, §6.9), sized from the server
  // config when first used.
  SampleDispatch& sample_dispatch();

  // ---- any thread ----
  // Redacts `secret` (another credential the client was given, e.g. a weights access token)
  // from every log line and message while this context lives.
  void remember_secret(const std::string& secret) { secrets_.add(secret); }
  // The server's flags as last fetched (defaults before client/config answered).
  ServerConfig server_config_snapshot() const;
  // Per-session counters (protocol.md §5.3): model_seq_id for training-run creation, and the
  // sampling_session_seq_id shared by create_sampling_session and unnamed sampler saves.
  int64_t next_model_seq_id() { return model_seq_.fetch_add(1); }
  int64_t next_sampling_session_seq_id() { return sampling_seq_.fetch_add(1); }
  std::string session_id() const;
  // The session id as a C string that stays valid while this context lives (it is set once
  // and never changes), or null before the session exists.
  const char* session_id_cstr() const;

 private:
  enum class Stage { Idle, Running, Done };
  struct Startup {
    Stage stage = Stage::Idle;
    std::vector<std::function<void(const Error*)>> waiters;
  };
  void run_config_startup();
  void run_session_startup();
  void settle(Startup& s, const Error* err);
  void fetch_jwt(std::function<void(const Error*)> done);
  void schedule_jwt_refresh();
  void fetch_dynamic_config(bool initial, std::function<void()> done);
  void schedule_dynamic_config_refresh();
  void send_heartbeat();
  CallSpec internal_call(const std::string& what, const std::string& path, std::string body);

  ClientOptions options_;
  SecretSet secrets_;  // the API key and every JWT in use: redacted from logs and messages
  Logger logger_;
  std::unique_ptr<Runtime> runtime_;

  // IO-thread state.
  ServerConfig config_;
  std::string credential_;  // the API key, or the JWT it was exchanged for
  Startup config_startup_, session_startup_;
  int64_t dynamic_refresh_interval_s_ = 300;
  Clock::time_point last_heartbeat_ok_;
  bool heartbeat_warned_ = false;
  Clock::time_point last_paused_log_;  // the "paused" warning: at most once a minute (§3.2 row 2)
  bool paused_logged_ = false;

  std::unique_ptr<BytesBudget> fwdbwd_budget_;
  std::unique_ptr<SampleDispatch> sample_dispatch_;

  mutable std::mutex session_mu_;  // guards session_id_ and config_snapshot_
  std::string session_id_;
  ServerConfig config_snapshot_;
  std::atomic<int64_t> model_seq_{0};
  std::atomic<int64_t> sampling_seq_{0};
};

}  // namespace tinker
