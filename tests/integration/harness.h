// Shared helpers of the integration tests. Each test program runs against its own
// tinker-emulator (tests/with_emulator.sh sets TINKER_BASE_URL and TINKER_API_KEY); these
// helpers drive the emulator's admin API (faults, request log, sessions, config), build
// clients with short retry budgets, and run future-returning calls through the library's
// call engine against the emulator's test job endpoint (POST /_emulator/jobs).
//
// Every helper asserts with CMocka, so a broken emulator fails the test that used it.
// Include order for users: <stdarg.h> <stddef.h> <setjmp.h> <stdint.h> <cmocka.h>, then this.
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

// cmocka 1.1 declares its functions without C linkage guards.
extern "C" {
#include <cmocka.h>
}

#include <map>
#include <string>
#include <vector>

#include "tinker/tinker.h"

namespace itest {

// ---- environment -----------------------------------------------------------------------------

// TINKER_BASE_URL and TINKER_API_KEY as they were at the first call (both required).
std::string base_url();
std::string api_key();

// Milliseconds on a monotonic clock (for measuring the client side).
double now_ms();
void sleep_ms(int64_t ms);

// ---- raw HTTP (libcurl) ------------------------------------------------------------------------

struct HttpReply {
  long status = 0;  // 0 when no response arrived
  std::string body;
};

// One request to the emulator; `path` is appended to the base URL. `api_key` empty = no
// X-API-Key header.
HttpReply http(const std::string& method, const std::string& path, const std::string& body = "",
               const std::string& api_key = "");

// ---- emulator admin API ------------------------------------------------------------------------

// POST /_emulator/faults with a JSON fault object; returns its id.
int64_t add_fault(const std::string& fault_json);
void clear_faults();
// POST /_emulator/config (merged; a null value removes a client_config key).
void set_config(const std::string& config_json);
// Back to what every test expects at its start: no faults, empty log, default settings.
void reset_emulator();

struct LogEntry {
  double t_ms = 0;  // arrival, ms since emulator start
  std::string method;
  std::string path;
  int status = 0;
  std::string fault;  // "" when none
  std::string user;   // "" when none
  bool has_api_key = false;
  std::map<std::string, std::string> headers;  // lower-case names; x-api-key is not here
  std::string request_id;
  std::string session_id;
  std::string header(const std::string& name) const;
};

// GET /_emulator/log[?path=...]
std::vector<LogEntry> request_log(const std::string& path = "");
std::string request_log_raw();
void clear_log();
// Paths of the logged requests, in arrival order.
std::vector<std::string> paths(const std::vector<LogEntry>& log);
// Prints the entries (for a failing test's output).
void dump(const std::vector<LogEntry>& log);

struct SessionInfo {
  std::string session_id;
  std::string user;
  int64_t heartbeats = 0;
  std::vector<std::string> tags;
  std::string project_id;  // "" when null
  std::map<std::string, std::string> user_metadata;  // string values only
  std::string sdk_version;
};
std::vector<SessionInfo> sessions();

// Emulator uptime in ms (the clock of LogEntry::t_ms).
double emulator_now_ms();

// Polls until `pred()` holds or `timeout_ms` passes; returns whether it held.
template <class Pred>
bool eventually(Pred pred, int64_t timeout_ms, int64_t step_ms = 20) {
  double end = now_ms() + static_cast<double>(timeout_ms);
  for (;;) {
    if (pred()) return true;
    if (now_ms() > end) return false;
    sleep_ms(step_ms);
  }
}

// ---- clients -------------------------------------------------------------------------------------

// Options for a fast suite: base URL and key from the environment, max_retries 2, retry budget
// 3 s, request timeout 5 s, connect timeout 2 s, heartbeat 10 s. Caller frees (or passes to
// new_client, which frees it).
tinker_client_options_t* fast_options();

// Creates a client from `options` (freed here) and tracks it for teardown.
tinker_service_client_t* new_client(tinker_client_options_t* options);
// Frees a tracked client now.
void free_client(tinker_service_client_t* client);
// Tracks a future for teardown (futures are freed before clients); returns it.
tinker_future_t* track(tinker_future_t* future);
// Frees a tracked future now.
void free_future(tinker_future_t* future);
// Forgets a handle the test freed (or will free) itself.
void untrack(const void* handle);

// CMocka fixtures: reset the emulator before each test; free whatever the test left behind.
int setup(void** state);
int teardown(void** state);

// Status name plus the error message, for assertion output.
std::string describe(tinker_status_t status, const tinker_error_t* error);
// Asserts `status` == `expected`, printing both names and the error message otherwise.
#define assert_status(status, expected, error)                                                 \
  do {                                                                                         \
    tinker_status_t s_ = (status);                                                             \
    if (s_ != (expected)) {                                                                    \
      print_error("expected %s, got %s\n", tinker_status_str(expected),                        \
                  ::itest::describe(s_, (error)).c_str());                                     \
      fail();                                                                                  \
    }                                                                                          \
  } while (0)

bool contains(const std::string& haystack, const std::string& needle);

// ---- future-returning calls through the internal call engine -------------------------------

// A job for POST /_emulator/jobs, run as a future-returning operation (protocol.md §2, §3).
struct Job {
  int64_t delay_ms = 0;
  std::string result_json;  // the success payload (a JSON object); "" = {}
  std::string error;        // non-empty: the job fails with {error, category}
  std::string category;     // "user", "server", "unknown"
  int64_t result_size_bytes = -1;  // >= 0: a {"blob": "xxx…"} result of this size
  std::string request_type = "Sample";  // X-Tinker-Request-Type on polls
  int64_t deadline_ms = -1;  // -1 = the client's default deadline
  bool needs_config = true;  // run client/config first, as a real operation would
};

// Starts the job on `client`'s runtime; the returned future is an ordinary tinker_future_t
// (tracked for teardown). Its result, when it succeeds, is read with job_result_body.
tinker_future_t* start_job(tinker_service_client_t* client, const Job& job);
// Waits up to `timeout_ms` for it and returns its final status (asserts it finished).
tinker_status_t wait_job(tinker_future_t* future, int64_t timeout_ms = 15000);
// The body the successful job's last poll returned.
std::string job_result_body(tinker_future_t* future);

// The retrieve_future requests of the log, in order.
std::vector<LogEntry> polls();
// Gaps between consecutive entries' arrival times, in ms.
std::vector<double> gaps_ms(const std::vector<LogEntry>& entries);

}  // namespace itest
