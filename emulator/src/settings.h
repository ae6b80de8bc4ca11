// Run-time settings: seeded from the command line, changed through POST /_emulator/config.
// Loop-thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "json_body.h"

namespace emu {

struct Settings {
  // Body of POST /api/v1/client/config (protocol.md §7.12). `{}` means "all defaults".
  json::Ptr client_config = json::new_object();
  // Body of POST /api/v1/client/dynamic_config (§2.1).
  json::Ptr dynamic_config = json::new_object();
  bool dynamic_config_404 = false;
  // How long retrieve_future holds a pending poll before answering try_again (§3.1 item 4).
  int64_t poll_hold_ms = 25000;
  // Results larger than this are announced with complete_metadata first (§3.2 row 3).
  int64_t metadata_threshold_bytes = 1 << 20;
  // Queue state reported in try_again replies (§3.2 row 2).
  std::string queue_state = "active";
  std::optional<std::string> queue_state_reason;
  // How long finished results stay retrievable before their id answers 410 (§3.5).
  int64_t result_retention_ms = 10 * 60 * 1000;
  // How long a model's request waits for an earlier seq_id that has not arrived before it
  // (and every later waiting request) fails with a server error (§6.1 ordering).
  int64_t seq_gap_timeout_ms = 60000;
  // Lifetime of issued JWTs; the SDK refreshes 300 s before `exp` (§1.2).
  int64_t jwt_ttl_sec = 3600;
  // How many forward / forward_backward requests per model GET /_emulator/inputs keeps;
  // 0 records nothing (the default: recording copies every loss input).
  int64_t record_inputs = 0;
  static constexpr int64_t kMaxRecordInputs = 1024;
  // Sampling backpressure (protocol.md §4.4): with N > 0, an asample that carries
  // X-Tinker-Sampling-Backpressure: 1 while N sample requests are in flight (accepted and not
  // finished) is answered 429. 0 = no limit.
  int64_t sample_max_concurrent = 0;
  static constexpr int64_t kMaxSampleConcurrent = 1000000;
  // Simulated execution time of every sample request (a loop timer before it reaches a
  // worker), so that tests can hold requests in flight.
  int64_t sample_delay_ms = 0;
  static constexpr int64_t kMaxSampleDelayMs = 3600000;
  // Checkpoint archives (GET …/archive): the least time building one takes, so that a test can
  // watch the 503s of an archive being prepared. 0: as fast as the worker writes it.
  int64_t archive_build_ms = 0;
  static constexpr int64_t kMaxArchiveBuildMs = 3600000;
  // Lifetime of the signed download URLs of archives and trace exports (the service's 15
  // minutes by default).
  int64_t download_url_ttl_sec = 900;
  static constexpr int64_t kMaxDownloadUrlTtlSec = 7 * 24 * 3600;
  // Trace exports: how many polls after the one that starts an export still answer "pending",
  // even once the file is written; and how many of the next exports fail.
  int64_t trace_export_pending_polls = 0;
  int64_t trace_export_failures = 0;
  static constexpr int64_t kMaxTraceKnob = 1000000;
  // get_server_capabilities models (§7.13); replaced wholesale by the admin API.
  json::Ptr supported_models;

  Settings();

  // True when client/config tells clients to exchange their key for a JWT; then every
  // endpoint except client/config, auth/token and healthz requires that JWT (§1.2).
  bool jwt_required() const;

  // Applies a POST /_emulator/config body; false with *error when a field is invalid
  // (then nothing is changed).
  bool merge(const cJSON* body, std::string* error);
  std::string to_json() const;
};

}  // namespace emu
