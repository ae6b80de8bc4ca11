// Everything a tinker_client_options_t can set, and its resolution against the environment
// (protocol.md §1.1) and validation when a service client is created.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/time_source.h"
#include "tinker/tinker.h"

namespace tinker {

constexpr const char* kDefaultBaseUrl = "https://tinker.thinkingmachines.dev/services/tinker-prod";
constexpr const char* kDefaultSdkVersion = "0.25.0";
// A polled result: the largest real ones (a forward/backward chunk's per-token outputs, a sample
// with top-k prompt logprobs) are tens of MiB, so 256 MiB leaves room without letting a hostile
// server take the host's memory.
constexpr int64_t kDefaultMaxResultBytes = int64_t{256} << 20;
// Every other response (config, acknowledgements, REST listings, errors): kilobytes in practice.
constexpr int64_t kDefaultMaxResponseBytes = int64_t{16} << 20;

struct ClientOptions {
  std::optional<std::string> base_url;
  std::optional<std::string> api_key;
  int64_t request_timeout_ms = 60000;
  int64_t connect_timeout_ms = 5000;
  int max_retries = 10;
  int64_t retry_budget_ms = 300000;
  std::map<std::string, std::string> user_metadata;
  std::optional<std::string> project_id;
  std::optional<std::vector<std::string>> tags;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string proxy;
  std::string ca_bundle_path;
  bool verify_tls = true;
  std::string sdk_version = kDefaultSdkVersion;
  tinker_wire_mode_t wire_mode = TINKER_WIRE_PROTOBUF;
  int64_t default_deadline_ms = 0;
  int64_t heartbeat_interval_ms = 10000;
  // A checkpoint archive being built (HTTP 503): asked for again this often, this many times
  // (the official client: 30 s, 6 times).
  int64_t archive_retry_delay_ms = 30000;
  int archive_retry_attempts = 6;
  // A pending trace export: asked for again this often (the official client: 5 s).
  int64_t trace_poll_interval_ms = 5000;
  // Response size limits (see tinker_client_options_set_max_result_bytes / _response_bytes).
  int64_t max_result_bytes = kDefaultMaxResultBytes;
  int64_t max_response_bytes = kDefaultMaxResponseBytes;
  // The Hugging Face Hub, for get_tokenizer: unset fields come from the environment as
  // huggingface_hub reads it (hub/hub_settings.h).
  std::optional<std::string> hub_endpoint;
  std::optional<std::string> hub_token;
  std::optional<std::string> hub_cache_dir;
  std::optional<bool> hub_offline;
  tinker_log_callback_t log_cb = nullptr;
  void* log_user_data = nullptr;
  std::optional<tinker_log_level_t> log_level;
  tinker_queue_state_callback_t queue_cb = nullptr;
  void* queue_user_data = nullptr;
  // Where the runtime reads the time; tests install a SkippingClock (not settable from C).
  std::shared_ptr<TimeSource> time_source = std::make_shared<TimeSource>();
};

// Fills what the caller left unset from the environment (TINKER_BASE_URL, TINKER_API_KEY,
// TINKER_PROJECT_ID, TINKER_TAGS, TINKER_LOG, CLOUDFLARE_ACCESS_CLIENT_*), then validates:
// the base URL (http/https, a host, no user:password@, no query or fragment) and every value
// that becomes a header. On failure returns false and fills `err` with a message naming the bad
// setting and never echoing a credential.
bool resolve_client_options(ClientOptions& o, Error& err);

// True for keys the service accepts: "tml-…" API keys and JWTs ("eyJ…").
bool api_key_has_valid_prefix(const std::string& key);

// True when `value` may be sent as a header value: no control character but tab (a CR or LF
// would end the header and start another one on the wire).
bool is_header_value(const std::string& value);

}  // namespace tinker
