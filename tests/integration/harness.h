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
#include <memory>
#include <string>
#include <vector>

#include "core/time_source.h"
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
  int64_t seq_id = -1;   // body "seq_id" (JSON or protobuf ForwardBackwardRequest), -1 when none
  std::string model_id;  // body "model_id" (JSON or protobuf), "" when none
  std::string header(const std::string& name) const;
};

// When the client sent the request, in ms on its clock (skipping_options), else on arrival.
double sent_ms(const LogEntry& e);

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

// fast_options() on a clock that skips the time an operation spends only waiting (a backoff,
// a retry delay, a pause: core/time_source.h), so schedules are tested in milliseconds. Every
// request then carries its send time on that clock; read it with sent_ms().
// `clock`, when given, receives the clock, to read the client's time (clock->now()).
tinker_client_options_t* skipping_options(std::shared_ptr<tinker::SkippingClock>* clock = nullptr);
// Milliseconds between two points of a client's clock.
double ms_between(tinker::Clock::time_point from, tinker::Clock::time_point to);

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
// Whether `text` is an RFC 3339 time with an offset (wire/time_text.h's rules).
bool is_rfc3339(const char* text);
// Whole seconds since the epoch of an RFC 3339 time, asserted well formed.
int64_t utc_seconds(const std::string& rfc3339);

// A REST client on `service` (asserted made), freed at scope end.
struct Rest {
  tinker_rest_client_t* r = nullptr;
  explicit Rest(tinker_service_client_t* service) {
    assert_status(tinker_service_client_create_rest_client(service, &r), TINKER_OK, tinker_last_error());
  }
  ~Rest() { tinker_rest_client_free(r); }
  Rest(const Rest&) = delete;
  Rest& operator=(const Rest&) = delete;
};

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

// ---- training (test_training_*.cpp) -------------------------------------------------------------

// The emulator's real tiny model: vocabulary 256 (token id = byte value).
extern const char* const kTinyModel;

// Tracks a training / sampling client for teardown (freed after futures, before service
// clients); returns it. free_training / free_sampling free a tracked one now.
tinker_training_client_t* track_training(tinker_training_client_t* client);
void free_training(tinker_training_client_t* client);
tinker_sampling_client_t* track_sampling(tinker_sampling_client_t* client);

// Creates a LoRA training run on `base` with this rank and seed (asserts success; tracked).
tinker_training_client_t* new_training_client(tinker_service_client_t* service, int32_t rank = 8, int64_t seed = 1,
                                              const char* base = kTinyModel);

// One datum: text tokens, optionally followed by an image_asset_pointer chunk, then its loss
// inputs: target_tokens and named float32 tensors. An empty array is not sent at all.
struct DatumSpec {
  std::vector<int64_t> input;
  std::string image_url;  // non-empty: an image_asset_pointer chunk ("png", 4 tokens) after the text
  std::vector<int64_t> target;
  std::vector<int64_t> target_shape;  // empty = flat
  std::vector<std::pair<std::string, std::vector<float>>> floats;  // in the order they are added
  std::vector<int64_t> float_shape;  // of every float input; empty = flat
};
// Next-token prediction on `text`: input = bytes [0, n-1), target = bytes [1, n); no floats.
DatumSpec text_datum(const std::string& text);
// Two text tokens, then an image_asset_pointer chunk at `url`; six target_tokens (2 + 4).
DatumSpec image_pointer_datum(const std::string& url);

// A batch that owns the arrays its datums borrow and the builders it was made from (they stay
// put while it lives; destruction frees the batch, then the builders, then the arrays).
class TrainBatch {
 public:
  TrainBatch();
  ~TrainBatch();
  TrainBatch(const TrainBatch&) = delete;
  TrainBatch& operator=(const TrainBatch&) = delete;
  // text_datum(text) with every weight `weight`.
  void add_text(const std::string& text, float weight = 1.0f);
  // A datum with explicit arrays (input and target the same length; weights empty = none sent).
  void add(const std::vector<int64_t>& input, const std::vector<int64_t>& target, const std::vector<float>& weights);
  // Any datum; `times` > 1 adds the same datum builder that many times.
  void add(const DatumSpec& datum, int times = 1);
  const tinker_batch_t* get() const { return batch_; }
  size_t size() const { return entries_.size(); }  // datums in the batch
  size_t length(size_t i) const { return entries_.at(i)->spec.input.size(); }
  const std::vector<float>& weights(size_t i) const;  // empty when none was sent
  const std::vector<int64_t>& target(size_t i) const { return entries_.at(i)->spec.target; }
  // Overwrites every array the batch borrows with zeros: for tests that an operation copied
  // its inputs before it returned.
  void clobber();

 private:
  struct Item {
    DatumSpec spec;
    tinker_model_input_t* input = nullptr;
    tinker_datum_t* datum = nullptr;
  };
  std::vector<std::unique_ptr<Item>> items_;
  std::vector<const Item*> entries_;  // per datum of the batch
  tinker_batch_t* batch_ = nullptr;
};

// A forward / forward_backward output copied out of its result object.
struct FbResult {
  size_t num_datums = 0;
  std::string loss_fn_output_type;
  std::vector<std::vector<float>> logprobs;    // per datum ("logprobs", float32)
  std::vector<std::vector<int64_t>> shapes;    // per datum, the logprobs tensor's shape
  std::vector<size_t> tensor_counts;           // per datum, the number of named tensors
  std::map<std::string, double> metrics;
  double metric(const std::string& name) const;  // asserts it is there
};
FbResult fb_result(const tinker_forward_backward_output_t* out);
// Waits (up to 20 s) for a forward / forward_backward future, asserts success, takes and copies.
FbResult take_fb(tinker_future_t* future);
// Blocking forward / forward_backward with cross_entropy (asserting success).
FbResult forward(tinker_training_client_t* client, const TrainBatch& batch);
FbResult forward_backward(tinker_training_client_t* client, const TrainBatch& batch);
// Blocking optim_step with learning rate `lr` (NULL params = the defaults when lr < 0); the
// result's metrics.
std::map<std::string, double> optim_step(tinker_training_client_t* client, double lr);
// save_state (T5) with no TTL, blocking or _async; asserts success; the checkpoint's path.
std::string save_state(tinker_training_client_t* client, const char* name, bool async = false, int overwrite = 0);
// −Σ w·logprob over every datum of `batch` (cross_entropy's loss:sum for these logprobs).
double cross_entropy(const TrainBatch& batch, const FbResult& r);
// Asserts two outputs have the same shapes and logprobs within `tol`.
void assert_same_logprobs(const FbResult& a, const FbResult& b, double tol);
// Largest |a - b| over all logprobs (shapes must match).
double max_logprob_diff(const FbResult& a, const FbResult& b);

// Log entries of `path` whose body named model `model_id` ("" path = every path).
std::vector<LogEntry> model_log(const std::string& model_id, const std::string& path = "");
// Log entries whose body named model `model_id` and whose path is one of `paths`.
std::vector<LogEntry> model_log_paths(const std::string& model_id, const std::vector<std::string>& paths);
// The forward_backward requests of `client`'s model, in arrival order.
std::vector<LogEntry> fwdbwd_log(tinker_training_client_t* client);
// The seq_ids of those entries, in arrival order.
std::vector<int64_t> seq_ids(const std::vector<LogEntry>& entries);

// How a call ended: its status and a copy of its error record.
struct Outcome {
  tinker_status_t status = TINKER_OK;
  std::string message;
  tinker_error_category_t category = TINKER_ERROR_CATEGORY_UNKNOWN;
  int http_status = 0;
};
// The outcome of a blocking call: `status` and the calling thread's last error.
Outcome blocking_outcome(tinker_status_t status);
// The outcome of an _async call that returned `start` and stored its future in `*future`
// (read after the call: pass the address the call wrote to): the start error, or (the future
// is then tracked) its final status and error after waiting up to `timeout_ms`.
Outcome async_outcome(tinker_status_t start, tinker_future_t** future, int64_t timeout_ms = 20000);
// How a forward / forward_backward call ended, its output copied into *r (when given) on
// success: from a blocking call's status and output (freed here) ...
Outcome blocking_fb_outcome(tinker_status_t status, tinker_forward_backward_output_t* out, FbResult* r);
// ... or from an _async call's start status and future (see async_outcome).
Outcome async_fb_outcome(tinker_status_t start, tinker_future_t** future, FbResult* r);

// A model as GET /_emulator/models shows it.
struct EmuModel {
  std::string model_id, session_id, state, created_by, base_model;
  int64_t lora_rank = -1;
  std::map<std::string, std::string> user_metadata;  // string values only
  std::vector<int64_t> executed_seq_ids, waiting_seq_ids;
};
// The emulator's record of `model_id`; asserts it exists.
EmuModel emulator_model(const std::string& model_id);

// A loss_fn_inputs tensor of a recorded request (GET /_emulator/inputs), values as decoded.
struct RecordedTensor {
  std::string dtype;  // as sent: "float32", "bfloat16", "int64", "int32"
  std::vector<int64_t> shape;
  std::vector<float> f32;    // float dtypes (exact: the emulator writes round-trip float text)
  std::vector<int64_t> i64;  // integer dtypes
  std::vector<int64_t> crow_indices, col_indices;  // sparse CSR (data = the non-zeros); empty: dense
};
struct RecordedDatum {
  int64_t model_input_tokens = 0;
  std::map<std::string, RecordedTensor> loss_fn_inputs;
  const RecordedTensor& input(const std::string& name) const;  // asserts it is there
};
// A forward / forward_backward request as the emulator decoded and executed it.
struct RecordedRequest {
  int64_t seq_id = 0;
  bool forward_only = false;
  std::string loss_fn;
  std::map<std::string, double> loss_fn_config;
  std::string encoding;  // "protobuf" or "json", "+zstd" when compressed
  std::vector<RecordedDatum> data;
};
// Makes the emulator keep the latest `n` forward / forward_backward requests of every model
// (0 = stop recording).
void record_inputs(int n);
// The recorded requests of `model_id`, in execution order.
std::vector<RecordedRequest> recorded_inputs(const std::string& model_id);

// Setup fixture of the training tests: reset_emulator, and also the training settings they
// change (the fwdbwd chunking / dispatch / compression / create-via-load client flags,
// seq_gap_timeout_ms, record_inputs).
int training_setup(void** state);

}  // namespace itest
