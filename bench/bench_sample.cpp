// bench_sample: sampling through the public API against the emulator's synthetic sampler
// ("tinker-emulator/synthetic": nothing is computed, the answers have the right shapes), in
// three parts, each printed against a baseline measured in the same run.
//
// 1. Fan-out time. Side A (public C API of libtinker.so only): CALLS
//    tinker_sampling_client_sample_async calls fired back to back, then tinker_future_wait_all
//    (tinker_future_wait per future with --wait-each) and every response taken. Side B (raw libcurl multi on this thread): the same protocol,
//    POST /api/v1/asample then long-polled POST /api/v1/retrieve_future until the protobuf
//    result, with the headers the library sends and the same concurrency limits (see
//    RawClient). Both in this process, against one emulator, in alternating order; the
//    medians of the repetitions are compared.
// 2. SampleResponse decode throughput: the protobuf and the legacy JSON form of one
//    16 sequences x 256 tokens response with logprobs, fetched from the emulator, decoded by the
//    library's own decoders (src/wire, linked from the tinker_wire codec library, because the
//    public API has no call that decodes bytes).
// 3. Resident memory per in-flight sample future and the thread count around a burst of N
//    futures that the emulator keeps in flight (sample_delay_ms), against the same burst made
//    by the raw client. Each burst runs in its own child forked from this process once it has
//    no other thread, so neither side's figure contains the other's memory or what parts 1
//    and 2 left in the heap.
//
// Usage: bench_sample [--reps R] [--fanout CALLSxSAMPLES]... [--max-tokens T]
//                     [--prompt-tokens P] [--max-connections N] [--wait-each] [--mem-n N]...
//                     [--mem-delay-ms D] [--no-raw-mem] [--skip-fanout] [--skip-decode]
//                     [--skip-mem] [--emulator PATH]
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "tinker/tinker.h"
#include "wire/json_sample.h"
#include "wire/sample_response.h"

namespace w = tinker::wire;

namespace {

constexpr const char* kApiKey = "tml-bench-sample-key";
constexpr const char* kBaseModel = "tinker-emulator/synthetic";
constexpr const char* kSdkVersion = "0.25.0";  // the library's default (User-Agent, X-Stainless-*)
constexpr int32_t kVocab = 16384;               // the synthetic model's vocabulary (docs/emulator.md)
// What the library's transport sets on every transfer (src/http/transport.cpp).
constexpr long kReceiveBufferBytes = 8 * 1024;
// The library's timeouts: a submission gets the client's request timeout (60 s by default), a
// poll 45 s; both are also announced in X-Stainless-Read-Timeout.
constexpr long kSubmitTimeoutMs = 60000;
constexpr long kPollTimeoutMs = 45000;
// The library's client-wide gate on sample submissions in flight (src/core/sample_dispatch.h):
// an operation holds it only while its asample request is out, never while polling.
constexpr int kMaxSubmissions = 400;
// When the server says nothing, the library's limit on sample operations in flight per sampling
// client is the server flag's default (docs/protocol.md §4.3).
constexpr long kDefaultMaxConnections = 2000;
// The design target for one future in flight (docs/benchmarks.md "Targets").
constexpr double kTargetKibPerFuture = 16.0;

double ms_since(int64_t t0) { return static_cast<double>(bench_now_ns() - t0) / 1e6; }

// CPU time of the whole process in ms (every thread of the library included; the emulator is
// another process): what a side costs the client machine, besides its wall time.
double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// CPU time of this (the calling) thread in ms. Side B runs entirely on it; for side A the
// difference to process_cpu_ms() is what the library's own threads (IO, completion) spent.
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double median_of(std::vector<double> v) { return bench_median(v.data(), v.size()); }
const char* last_message() { return tinker_error_message(tinker_last_error()); }

size_t append_body(char* p, size_t s, size_t n, void* ud) {
  static_cast<std::string*>(ud)->append(p, s * n);
  return s * n;
}

// ---- small blocking HTTP helpers (set-up, admin API, stats) -------------------------------------

struct Reply {
  long status = 0;
  std::string body, content_type;
};

// One request on a fresh easy handle; false on a transport error.
bool http_request(const std::string& url, const char* body, curl_slist* headers, Reply* out, long timeout_ms = 30000) {
  CURL* e = curl_easy_init();
  out->body.clear();
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
  if (body != nullptr) curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
  if (headers != nullptr) curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &out->body);
  CURLcode c = curl_easy_perform(e);
  char* ct = nullptr;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &out->status);
  curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct);
  out->content_type = ct != nullptr ? ct : "";
  curl_easy_cleanup(e);
  if (c != CURLE_OK) fprintf(stderr, "bench_sample: %s: %s\n", url.c_str(), curl_easy_strerror(c));
  return c == CURLE_OK;
}

// POST /_emulator/config with `json` merged into the emulator's settings.
bool emulator_config(const std::string& base, const std::string& json) {
  curl_slist* h = curl_slist_append(nullptr, "Content-Type: application/json");
  Reply r;
  bool ok = http_request(base + "/_emulator/config", json.c_str(), h, &r) && r.status == 200;
  curl_slist_free_all(h);
  if (!ok) fprintf(stderr, "bench_sample: POST /_emulator/config %s: HTTP %ld %.200s\n", json.c_str(), r.status, r.body.c_str());
  return ok;
}

// GET /_emulator/stats, the emulator's own view (held polls, samples in flight), through one
// kept easy handle so that frequent reads stay cheap.
struct StatsReader {
  CURL* easy = nullptr;
  std::string body;
  explicit StatsReader(const std::string& base) {
    easy = curl_easy_init();
    std::string url = base + "/_emulator/stats";
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &body);
  }
  ~StatsReader() { curl_easy_cleanup(easy); }
  StatsReader(const StatsReader&) = delete;
  StatsReader& operator=(const StatsReader&) = delete;
  bool read() {
    body.clear();
    return curl_easy_perform(easy) == CURLE_OK;
  }
  // The integer value of `"key":` in the last body read, or -1.
  long get(const char* key) const {
    std::string k = std::string("\"") + key + "\":";
    auto at = body.find(k);
    return at == std::string::npos ? -1 : std::strtol(body.c_str() + at + k.size(), nullptr, 10);
  }
};

// ---- side B: raw libcurl multi ----------------------------------------------------------------

// What one fan-out run looks like to the raw client.
struct RawRunSpec {
  size_t calls = 0;
  int64_t num_samples = 1;
  int64_t max_tokens = 256;
  size_t max_ops = kDefaultMaxConnections;  // sample calls in flight at once (submitted or polling)
  size_t max_submissions = kMaxSubmissions;  // asample requests out at once
  // Keep every result body until the run ends, as side A keeps every response until it takes
  // them; part 3 drops them at once (its figure is the memory of calls in flight).
  bool keep_results = true;
};

struct RawRunResult {
  double ms = 0, cpu_ms = 0;
  size_t ok = 0, failed = 0, polls = 0, try_again = 0, metadata = 0;
  size_t result_bytes = 0, request_bytes = 0;
  std::string first_failure;
  std::string last_request_id, last_result;  // of the call that finished last
};

// The protocol of one sample call as the library speaks it (src/client/sampling_client.cpp,
// src/core/call.cpp): one asample submission with X-Tinker-Sampling-Backpressure: 1, then
// retrieve_future long-polls with Accept: application/x-protobuf until the result. The request
// body is the library's own encoding (wire/json_sample.h), made per call as the library makes it
// (the prompt when the call is made, the body per attempt). The limits are the library's: at most `max_ops` calls in flight
// (its max_connections, i.e. the server's sample_max_concurrent_requests) and at most 400
// submissions out at once (its client-wide submission gate); connection caching is libcurl's
// default on both sides (the library's transport sets no per-host cap). Single-threaded:
// everything runs in run()'s loop on the caller's thread, so B has no cross-thread hand-offs.
// Backpressure (429) is not handled: this benchmark never sets the emulator's
// sample_max_concurrent, so none can come, and one would count as a failure.
class RawClient {
 public:
  explicit RawClient(std::string base) : base_(std::move(base)), multi_(curl_multi_init()) {}
  ~RawClient() {
    for (CURL* e : idle_) curl_easy_cleanup(e);
    curl_multi_cleanup(multi_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Its own session and sampling session on the synthetic model (direct calls, blocking); the
  // prompt is kept to be encoded per call, as the library encodes it when a call is made.
  bool setup(const std::vector<int32_t>& prompt) {
    std::string err;
    prompt_ = prompt;
    chunks_ = {w::ChunkView::text(prompt_.data(), prompt_.size())};
    if (!w::encode_prompt_json(chunks_, &prompt_json_, &err)) {
      fprintf(stderr, "raw libcurl: cannot encode the prompt: %s\n", err.c_str());
      return false;
    }
    cJSON* doc = post_json("/api/v1/create_session",
                           std::string("{\"tags\":[],\"user_metadata\":{},\"sdk_version\":\"") + kSdkVersion +
                               "\",\"type\":\"create_session\"}");
    std::string session = json_string(doc, "session_id");
    cJSON_Delete(doc);
    if (session.empty()) return false;
    doc = post_json("/api/v1/create_sampling_session",
                    "{\"session_id\":\"" + session + "\",\"sampling_session_seq_id\":0,\"base_model\":\"" + kBaseModel +
                        "\",\"type\":\"create_sampling_session\"}");
    fields_.sampling_session_id = json_string(doc, "sampling_session_id");
    cJSON_Delete(doc);
    return !fields_.sampling_session_id.empty();
  }

  const std::string& sampling_session_id() const { return fields_.sampling_session_id; }

  // Runs spec.calls sample calls to completion; false if any failed. `monitor`, if given, is
  // called about every 25 ms from the loop (part 3's readings).
  bool run(const RawRunSpec& spec, RawRunResult* out, const std::function<void()>& monitor = {}) {
    *out = RawRunResult();
    fields_.num_samples = spec.num_samples;
    fields_.params.max_tokens = spec.max_tokens;
    std::vector<Call> calls(spec.calls);  // never resized while transfers point into it
    size_t next = 0, done = 0, ops = 0, submitting = 0, last_done = 0;
    int64_t next_monitor = 0;
    const double cpu0 = process_cpu_ms();
    const int64_t t0 = bench_now_ns();
    while (done < calls.size()) {
      while (next < calls.size() && ops < spec.max_ops && submitting < spec.max_submissions) {
        submit(&calls[next++], out);
        ++ops;
        ++submitting;
      }
      int running = 0;
      curl_multi_perform(multi_, &running);
      int left = 0;
      while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
        if (m->msg != CURLMSG_DONE) continue;
        CURL* e = m->easy_handle;
        const CURLcode code = m->data.result;
        Call* c = nullptr;
        curl_easy_getinfo(e, CURLINFO_PRIVATE, reinterpret_cast<char**>(&c));
        const bool was_submission = !c->polling;
        if (finished_transfer(e, c, code, spec, out)) {
          --ops;
          ++done;
          last_done = static_cast<size_t>(c - calls.data());
        }
        if (was_submission) --submitting;
      }
      if (done == calls.size()) break;
      if (monitor && bench_now_ns() >= next_monitor) {
        monitor();
        next_monitor = bench_now_ns() + 25000000LL;
      }
      curl_multi_poll(multi_, nullptr, 0, monitor ? 25 : 1000, nullptr);
    }
    out->ms = ms_since(t0);
    out->cpu_ms = process_cpu_ms() - cpu0;
    if (!calls.empty()) {  // outside the timed part
      out->last_request_id = calls[last_done].request_id;
      out->last_result = calls[last_done].resp;
    }
    return out->failed == 0;
  }

  // Reads a finished sample's result again, in the legacy JSON form (Accept: application/json).
  bool fetch_json(const std::string& request_id, std::string* out) {
    curl_slist* h = poll_headers(0, "application/json");
    Reply r;
    std::string body = "{\"request_id\":\"" + request_id + "\",\"allow_metadata_only\":false}";
    bool ok = http_request(base_ + "/api/v1/retrieve_future", body.c_str(), h, &r);
    curl_slist_free_all(h);
    if (!ok || r.status != 200 || r.content_type.find("application/json") == std::string::npos) {
      fprintf(stderr, "raw libcurl: JSON form of %s: HTTP %ld %s\n", request_id.c_str(), r.status,
              r.content_type.c_str());
      return false;
    }
    *out = std::move(r.body);
    return true;
  }

 private:
  struct Call {
    std::string body;  // the asample request; libcurl reads it during the transfer
    std::string poll_body;
    std::string request_id;
    std::string resp;
    curl_slist* headers = nullptr;
    int64_t started_ns = 0, submitted_ns = 0;
    int iteration = 0;
    bool allow_metadata_only = true;
    bool polling = false;
  };

  static std::string json_string(const cJSON* doc, const char* key) {
    const cJSON* v = cJSON_GetObjectItemCaseSensitive(doc, key);
    return cJSON_IsString(v) ? v->valuestring : "";
  }

  // A header line with a fresh key in the library's format (libtinker-retry-<uuid4>).
  std::string idempotency_header() {
    char key[BENCH_IDEMPOTENCY_KEY_SIZE];
    bench_idempotency_key(rng_(), rng_(), key);
    return std::string("X-Idempotency-Key: ") + key;
  }

  // A submission's headers: ClientContext::decorate's, the call's, asample's own.
  curl_slist* submit_headers() {
    curl_slist* h = curl_slist_append(nullptr, "Accept: application/json");
    h = curl_slist_append(h, "Content-Type: application/json");
    h = bench_sdk_headers(h, kApiKey, tinker_version_string(), static_cast<int>(kSubmitTimeoutMs / 1000));
    h = curl_slist_append(h, "X-Tinker-Sampling-Backpressure: 1");
    h = curl_slist_append(h, idempotency_header().c_str());
    return curl_slist_append(h, "Expect:");
  }

  // A poll's headers (as Call::poll adds them); the round-trip time only on the first poll.
  curl_slist* poll_headers(int iteration, const char* accept, double roundtrip_s = -1) {
    char buf[96];
    snprintf(buf, sizeof buf, "Accept: %s", accept);
    curl_slist* h = curl_slist_append(nullptr, buf);
    h = curl_slist_append(h, "Content-Type: application/json");
    h = bench_sdk_headers(h, kApiKey, tinker_version_string(), static_cast<int>(kPollTimeoutMs / 1000));
    h = curl_slist_append(h, idempotency_header().c_str());
    snprintf(buf, sizeof buf, "X-Tinker-Request-Iteration: %d", iteration);
    h = curl_slist_append(h, buf);
    h = curl_slist_append(h, "X-Tinker-Request-Type: Sample");
    if (roundtrip_s >= 0) {
      snprintf(buf, sizeof buf, "X-Tinker-Create-Promise-Roundtrip-Time: %.4f", roundtrip_s);
      h = curl_slist_append(h, buf);
    }
    return curl_slist_append(h, "Expect:");
  }

  // A JSON POST outside any run (set-up); the parsed answer or null.
  cJSON* post_json(const char* path, const std::string& body) {
    curl_slist* h = curl_slist_append(nullptr, "Accept: application/json");
    h = curl_slist_append(h, "Content-Type: application/json");
    h = bench_sdk_headers(h, kApiKey, tinker_version_string(), static_cast<int>(kSubmitTimeoutMs / 1000));
    h = curl_slist_append(h, idempotency_header().c_str());
    h = curl_slist_append(h, "Expect:");
    Reply r;
    bool ok = http_request(base_ + path, body.c_str(), h, &r);
    curl_slist_free_all(h);
    if (!ok || r.status != 200) {
      fprintf(stderr, "raw libcurl: POST %s: HTTP %ld %.300s\n", path, r.status, r.body.c_str());
      return nullptr;
    }
    return cJSON_Parse(r.body.c_str());
  }

  // Starts one transfer for `c` on a pooled easy handle (the library pools them too), with the
  // options the library's transport sets.
  void start_transfer(Call* c, const char* path, const std::string& body, curl_slist* headers, long timeout_ms) {
    CURL* e;
    if (!idle_.empty()) {
      e = idle_.back();
      idle_.pop_back();
      curl_easy_reset(e);
    } else {
      e = curl_easy_init();
    }
    url_ = base_ + path;  // libcurl copies the URL
    c->headers = headers;
    c->resp.clear();
    curl_easy_setopt(e, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, kReceiveBufferBytes);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &c->resp);
    curl_easy_setopt(e, CURLOPT_PRIVATE, c);
    curl_multi_add_handle(multi_, e);
  }

  void submit(Call* c, RawRunResult* out) {
    c->started_ns = bench_now_ns();
    std::string err;
    prompt_json_.clear();
    w::encode_prompt_json(chunks_, &prompt_json_, &err);  // checked once in setup()
    w::assemble_sample_request_json(fields_, prompt_json_, next_seq_id_++, &c->body);
    out->request_bytes = c->body.size();
    start_transfer(c, "/api/v1/asample", c->body, submit_headers(), kSubmitTimeoutMs);
  }

  void poll(Call* c) {
    c->polling = true;
    c->poll_body = "{\"request_id\":\"" + c->request_id +
                   "\",\"allow_metadata_only\":" + (c->allow_metadata_only ? "true" : "false") + "}";
    const double roundtrip = c->iteration == 0 ? static_cast<double>(c->submitted_ns - c->started_ns) / 1e9 : -1;
    start_transfer(c, "/api/v1/retrieve_future", c->poll_body,
                   poll_headers(c->iteration, "application/x-protobuf", roundtrip), kPollTimeoutMs);
    ++c->iteration;
  }

  static void fail(RawRunResult* out, const std::string& why) {
    ++out->failed;
    if (out->first_failure.empty()) out->first_failure = why;
  }

  // Handles the end of `c`'s transfer on `e`; true when the call is over (succeeded or failed).
  bool finished_transfer(CURL* e, Call* c, CURLcode code, const RawRunSpec& spec, RawRunResult* out) {
    long status = 0;
    char* ct = nullptr;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct);
    const bool protobuf = ct != nullptr && std::strstr(ct, "application/x-protobuf") != nullptr;
    curl_multi_remove_handle(multi_, e);
    idle_.push_back(e);
    curl_slist_free_all(c->headers);
    c->headers = nullptr;
    const std::string what = c->polling ? "retrieve_future" : "asample";
    if (code != CURLE_OK) {
      fail(out, what + ": " + curl_easy_strerror(code));
      return true;
    }
    if (status != 200) {
      fail(out, what + ": HTTP " + std::to_string(status) + " " + c->resp.substr(0, 200));
      return true;
    }
    if (!c->polling) {
      cJSON* doc = cJSON_Parse(c->resp.c_str());
      c->request_id = json_string(doc, "request_id");
      cJSON_Delete(doc);
      if (c->request_id.empty()) {
        fail(out, "asample answered without a request_id: " + c->resp.substr(0, 200));
        return true;
      }
      c->submitted_ns = bench_now_ns();
      poll(c);
      return false;
    }
    ++out->polls;
    if (protobuf) {  // the result: its bytes are all this side reads of it
      ++out->ok;
      out->result_bytes += c->resp.size();
      if (!spec.keep_results) std::string().swap(c->resp);
      std::string().swap(c->body);
      return true;
    }
    cJSON* doc = cJSON_Parse(c->resp.c_str());
    const bool failed = doc == nullptr || cJSON_GetObjectItemCaseSensitive(doc, "error") != nullptr;
    const std::string type = json_string(doc, "type"), st = json_string(doc, "status");
    cJSON_Delete(doc);
    if (failed) {
      fail(out, "retrieve_future: " + c->resp.substr(0, 200));
      return true;
    }
    if (type == "try_again") {
      ++out->try_again;
    } else if (st == "complete_metadata") {
      ++out->metadata;
      c->allow_metadata_only = false;
    } else {
      fail(out, "retrieve_future answered neither a protobuf result nor a retry: " + c->resp.substr(0, 200));
      return true;
    }
    poll(c);
    return false;
  }

  std::string base_, url_;
  CURLM* multi_ = nullptr;
  std::vector<CURL*> idle_;
  std::vector<int32_t> prompt_;
  std::vector<w::ChunkView> chunks_;
  std::string prompt_json_;
  w::SampleRequestFields fields_;
  int64_t next_seq_id_ = 0;  // per sampling session, from 0 (protocol.md §5.3)
  // Idempotency keys must differ between clients: the emulator answers a create_session or
  // create_sampling_session that repeats an earlier key as a resend, with the earlier session.
  std::mt19937_64 rng_{std::random_device{}()};
};

// ---- side A: the public API -------------------------------------------------------------------

// A service client with one sampling client on the synthetic model, and the call's inputs.
struct LibSampler {
  tinker_client_options_t* opts = nullptr;
  tinker_service_client_t* client = nullptr;
  tinker_sampling_client_t* sc = nullptr;
  tinker_model_input_t* prompt = nullptr;
  tinker_sampling_params_t* params = nullptr;

  LibSampler() = default;
  LibSampler(const LibSampler&) = delete;
  LibSampler& operator=(const LibSampler&) = delete;
  ~LibSampler() { destroy(); }

  bool create(const char* base_url, const std::vector<int32_t>& prompt_tokens) {
    if (tinker_client_options_new(&opts) != TINKER_OK || tinker_client_options_set_base_url(opts, base_url) != TINKER_OK ||
        tinker_client_options_set_api_key(opts, kApiKey) != TINKER_OK ||
        tinker_service_client_new(&client, opts) != TINKER_OK) {
      fprintf(stderr, "libtinker: cannot create the client: %s\n", last_message());
      return false;
    }
    if (tinker_service_client_create_sampling_client(client, nullptr, kBaseModel, nullptr, &sc) != TINKER_OK) {
      fprintf(stderr, "libtinker: create_sampling_client: %s\n", last_message());
      return false;
    }
    if (tinker_model_input_new(&prompt) != TINKER_OK ||
        tinker_model_input_add_text_int32(prompt, prompt_tokens.data(), prompt_tokens.size()) != TINKER_OK ||
        tinker_sampling_params_new(&params) != TINKER_OK) {
      fprintf(stderr, "libtinker: cannot build the prompt: %s\n", last_message());
      return false;
    }
    return true;
  }

  bool set_max_tokens(int64_t max_tokens) { return tinker_sampling_params_set_max_tokens(params, max_tokens) == TINKER_OK; }

  // Frees everything; the service client last, which joins the runtime's threads.
  void destroy() {
    tinker_sampling_params_free(params);
    tinker_model_input_free(prompt);
    tinker_sampling_client_free(sc);
    tinker_service_client_free(client);
    tinker_client_options_free(opts);
    params = nullptr;
    prompt = nullptr;
    sc = nullptr;
    client = nullptr;
    opts = nullptr;
  }
};

// What the synthetic sampler answers (docs/emulator.md "Sampling"): num_samples sequences of
// max_tokens tokens counting up from the last prompt token, every logprob -log V, "length".
bool response_ok(const tinker_sample_response_t* r, int64_t num_samples, int64_t max_tokens, int32_t last_prompt_token) {
  if (tinker_sample_response_sequence_count(r) != static_cast<size_t>(num_samples)) return false;
  const float lp = -std::log(static_cast<float>(kVocab));
  for (size_t s = 0; s < static_cast<size_t>(num_samples); ++s) {
    const size_t n = tinker_sample_response_token_count(r, s);
    const int32_t* t = tinker_sample_response_tokens(r, s);
    const float* l = tinker_sample_response_logprobs(r, s);
    const char* why = tinker_sample_response_stop_reason(r, s);
    if (n != static_cast<size_t>(max_tokens) || t == nullptr || l == nullptr || why == nullptr ||
        std::strcmp(why, "length") != 0)
      return false;
    if (t[0] != (last_prompt_token + 1) % kVocab || t[n - 1] != static_cast<int32_t>((last_prompt_token + n) % kVocab) ||
        std::fabs(l[0] - lp) > 1e-3f || std::fabs(l[n - 1] - lp) > 1e-3f)
      return false;
  }
  return true;
}

// The same checks on a decoded wire response (side B's, decoded outside its timed part).
bool wire_response_ok(const w::SampleResponse& r, int64_t num_samples, int64_t max_tokens, int32_t last_prompt_token) {
  if (r.sequences.size() != static_cast<size_t>(num_samples)) return false;
  const float lp = -std::log(static_cast<float>(kVocab));
  for (const w::SampledSequence& s : r.sequences) {
    const size_t n = s.tokens.size();
    if (n != static_cast<size_t>(max_tokens) || !s.logprobs || s.logprobs->size() != n ||
        s.stop_reason != w::StopReason::LENGTH)
      return false;
    if (s.tokens[0] != (last_prompt_token + 1) % kVocab ||
        s.tokens[n - 1] != static_cast<int32_t>((last_prompt_token + n) % kVocab) ||
        std::fabs((*s.logprobs)[0] - lp) > 1e-3f)
      return false;
  }
  return true;
}

struct LibRunResult {
  double ms = 0, fire_ms = 0, cpu_ms = 0, caller_cpu_ms = 0;
  size_t ok = 0, failed = 0, bad = 0;
  std::string first_failure;
};

// One fan-out of side A: every call fired with sample_async, then wait_all, then every
// response taken (the timed part ends there); the responses are checked and freed after it.
bool lib_run(LibSampler& s, size_t calls, int64_t num_samples, int64_t max_tokens, int32_t last_prompt_token,
             bool wait_each, LibRunResult* out) {
  *out = LibRunResult();
  std::vector<tinker_future_t*> f(calls, nullptr);
  std::vector<tinker_sample_response_t*> r(calls, nullptr);
  size_t started = 0;
  const double cpu0 = process_cpu_ms(), caller0 = thread_cpu_ms();
  const int64_t t0 = bench_now_ns();
  for (; started < calls; ++started) {
    if (tinker_sampling_client_sample_async(s.sc, s.prompt, num_samples, s.params, 0, 0, &f[started]) != TINKER_OK) {
      out->first_failure = std::string("sample_async: ") + last_message();
      break;
    }
  }
  out->fire_ms = ms_since(t0);
  if (wait_each) {  // --wait-each: one future at a time, in call order
    for (size_t i = 0; i < started; ++i) tinker_future_wait(f[i], 300000);  // a failure shows when taken
  } else if (tinker_future_wait_all(f.data(), started, 300000) != TINKER_OK && out->first_failure.empty()) {
    out->first_failure = std::string("wait_all: ") + last_message();
  }
  for (size_t i = 0; i < started; ++i) {
    if (tinker_future_take_sample_response(f[i], &r[i]) == TINKER_OK) {
      ++out->ok;
    } else {
      ++out->failed;
      if (out->first_failure.empty()) out->first_failure = tinker_error_message(tinker_future_error(f[i]));
    }
  }
  out->ms = ms_since(t0);
  out->cpu_ms = process_cpu_ms() - cpu0;
  out->caller_cpu_ms = thread_cpu_ms() - caller0;
  out->failed += calls - started;
  for (size_t i = 0; i < calls; ++i) {
    if (r[i] != nullptr && !response_ok(r[i], num_samples, max_tokens, last_prompt_token)) ++out->bad;
    tinker_sample_response_free(r[i]);
    tinker_future_free(f[i]);
  }
  if (out->bad > 0 && out->first_failure.empty()) out->first_failure = "a response without the expected shape";
  return out->failed == 0 && out->bad == 0;
}

// ---- part 1: fan-out time ---------------------------------------------------------------------

struct FanoutSize {
  size_t calls;
  int64_t samples;
};

struct Args {
  int reps = 5;
  std::vector<FanoutSize> fanouts;
  int64_t max_tokens = 256;
  size_t prompt_tokens = 128;
  long max_connections = kDefaultMaxConnections;
  std::vector<size_t> mem_n;
  long mem_delay_ms = -1;  // -1: from N (see mem_delay_for)
  bool raw_mem = true, fanout = true, decode = true, mem = true;
  bool wait_each = false;  // side A waits with tinker_future_wait per future instead of wait_all
  const char* emulator = nullptr;
};

bool run_fanout(LibSampler& lib, RawClient& raw, const FanoutSize& fs, const Args& a, int32_t last_tok,
                StatsReader& stats) {
  RawRunSpec spec;
  spec.calls = fs.calls;
  spec.num_samples = fs.samples;
  spec.max_tokens = a.max_tokens;
  spec.max_ops = static_cast<size_t>(a.max_connections);
  if (!lib.set_max_tokens(a.max_tokens)) return false;

  char title[96];
  snprintf(title, sizeof title, "sample_fanout %zux%lldx%lld", fs.calls, static_cast<long long>(fs.samples),
           static_cast<long long>(a.max_tokens));
  printf("\n%s: %zu sample calls x num_samples %lld x max_tokens %lld, prompt %zu tokens, all fired then all waited\n",
         title, fs.calls, static_cast<long long>(fs.samples), static_cast<long long>(a.max_tokens), a.prompt_tokens);

  stats.read();
  const long accepted0 = stats.get("samples_accepted"), bp0 = stats.get("sample_backpressure_429s");
  LibRunResult lr;
  RawRunResult rr;
  // Warm-up, one run per side: connections up to the concurrency, the emulator's first jobs.
  if (!lib_run(lib, fs.calls, fs.samples, a.max_tokens, last_tok, a.wait_each, &lr)) {
    fprintf(stderr, "libtinker: warm-up failed (%zu failed, %zu bad): %s\n", lr.failed, lr.bad, lr.first_failure.c_str());
    return false;
  }
  if (!raw.run(spec, &rr)) {
    fprintf(stderr, "raw libcurl: warm-up failed (%zu failed): %s\n", rr.failed, rr.first_failure.c_str());
    return false;
  }
  w::SampleResponse decoded;
  std::string err;
  if (!w::decode_sample_response(rr.last_result, &decoded, &err) ||
      !wire_response_ok(decoded, fs.samples, a.max_tokens, last_tok)) {
    fprintf(stderr, "raw libcurl: a result without the expected shape %s\n", err.c_str());
    return false;
  }
  printf("  asample request %zu bytes (JSON), result %zu bytes (protobuf)\n", rr.request_bytes,
         rr.result_bytes / std::max<size_t>(rr.ok, 1));
  printf("  %-6s %-6s %12s %12s %8s %14s\n", "rep", "order", "libtinker_ms", "raw_ms", "ratio", "A_fired_ms");

  std::vector<double> a_ms, b_ms, a_fire, a_cpu, a_caller_cpu, b_cpu;
  size_t b_polls = 0, b_try_again = 0, b_metadata = 0;
  for (int r = 0; r < a.reps; ++r) {
    const bool lib_first = r % 2 == 0;
    double ma = 0, mb = 0;
    for (int k = 0; k < 2; ++k) {
      if ((k == 0) == lib_first) {
        if (!lib_run(lib, fs.calls, fs.samples, a.max_tokens, last_tok, a.wait_each, &lr)) {
          fprintf(stderr, "libtinker: %zu failed, %zu bad: %s\n", lr.failed, lr.bad, lr.first_failure.c_str());
          return false;
        }
        ma = lr.ms;
        a_fire.push_back(lr.fire_ms);
        a_cpu.push_back(lr.cpu_ms);
        a_caller_cpu.push_back(lr.caller_cpu_ms);
      } else {
        if (!raw.run(spec, &rr)) {
          fprintf(stderr, "raw libcurl: %zu failed: %s\n", rr.failed, rr.first_failure.c_str());
          return false;
        }
        mb = rr.ms;
        b_cpu.push_back(rr.cpu_ms);
        b_polls += rr.polls;
        b_try_again += rr.try_again;
        b_metadata += rr.metadata;
      }
    }
    a_ms.push_back(ma);
    b_ms.push_back(mb);
    printf("  %-6d %-6s %12.1f %12.1f %7.3fx %14.1f\n", r + 1, lib_first ? "A,B" : "B,A", ma, mb, ma / mb, lr.fire_ms);
  }
  stats.read();
  const long accepted = stats.get("samples_accepted") - accepted0, bp = stats.get("sample_backpressure_429s") - bp0;
  const double ma = median_of(a_ms), mb = median_of(b_ms), ratio = ma / mb;
  const double calls_total = static_cast<double>(fs.calls);
  printf("  medians of %d: A %.1f ms (%.1f us per call; sample_async calls returned after %.1f ms), B %.1f ms (%.1f us per "
         "call); A - B %+.1f ms; fastest runs A %.1f ms, B %.1f ms\n",
         a.reps, ma, ma * 1000 / calls_total, median_of(a_fire), mb, mb * 1000 / calls_total, ma - mb,
         *std::min_element(a_ms.begin(), a_ms.end()), *std::min_element(b_ms.begin(), b_ms.end()));
  const double acpu = median_of(a_cpu), acaller = median_of(a_caller_cpu), bcpu = median_of(b_cpu);
  printf("  client CPU (this process, all threads; medians): A %.1f ms = %.1f us per call (calling thread %.1f us, the "
         "library's threads %.1f us), B %.1f ms = %.1f us per call (all on the calling thread)\n",
         acpu, acpu * 1000 / calls_total, acaller * 1000 / calls_total, (acpu - acaller) * 1000 / calls_total, bcpu,
         bcpu * 1000 / calls_total);
  printf("  B's polls per call %.2f (try_again %zu, complete_metadata %zu); emulator: %ld sample requests accepted "
         "(expected %zu), %ld backpressure 429s\n",
         static_cast<double>(b_polls) / (calls_total * a.reps), b_try_again, b_metadata, accepted,
         fs.calls * 2 * static_cast<size_t>(a.reps + 1), bp);
  printf("  RESULT %s: libtinker/raw = %.3fx (median of %d; A %.1f ms, B %.1f ms%s), target <= 1.10x: %s\n", title,
         ratio, a.reps, ma, mb, a.wait_each ? "; A waits per future" : "", ratio <= 1.10 ? "met" : "NOT met");
  return true;
}

// ---- part 2: decode throughput ----------------------------------------------------------------

// Median time of one decode, in us, over `batches` batches sized to take >= ~50 ms each.
template <typename Fn>
double time_decode(Fn&& decode_once, int batches) {
  size_t iters = 1;
  for (;;) {  // calibrate
    const int64_t t0 = bench_now_ns();
    for (size_t i = 0; i < iters; ++i) decode_once();
    if (ms_since(t0) >= 50 || iters >= (size_t{1} << 24)) break;
    iters *= 2;
  }
  std::vector<double> per;
  for (int b = 0; b < batches; ++b) {
    const int64_t t0 = bench_now_ns();
    for (size_t i = 0; i < iters; ++i) decode_once();
    per.push_back(ms_since(t0) * 1000 / static_cast<double>(iters));
  }
  return median_of(per);
}

bool same_response(const w::SampleResponse& x, const w::SampleResponse& y) {
  if (x.sequences.size() != y.sequences.size()) return false;
  for (size_t i = 0; i < x.sequences.size(); ++i) {
    const w::SampledSequence &a = x.sequences[i], &b = y.sequences[i];
    if (a.stop_reason != b.stop_reason || a.tokens != b.tokens || a.logprobs.has_value() != b.logprobs.has_value())
      return false;
    if (a.logprobs && std::memcmp(a.logprobs->data(), b.logprobs->data(), a.logprobs->size() * sizeof(float)) != 0)
      return false;
  }
  return true;
}

bool run_decode(RawClient& raw, int32_t last_tok) {
  constexpr int64_t kSamples = 16, kTokens = 256;
  RawRunSpec spec;
  spec.calls = 1;
  spec.num_samples = kSamples;
  spec.max_tokens = kTokens;
  RawRunResult rr;
  std::string json;
  if (!raw.run(spec, &rr) || !raw.fetch_json(rr.last_request_id, &json)) {
    fprintf(stderr, "bench_sample: cannot fetch a response to decode: %s\n", rr.first_failure.c_str());
    return false;
  }
  const std::string& pb = rr.last_result;
  w::SampleResponse from_pb, from_json;
  std::string err;
  if (!w::decode_sample_response(pb, &from_pb, &err) || !w::decode_sample_response_json(json, &from_json, &err) ||
      !wire_response_ok(from_pb, kSamples, kTokens, last_tok) || !same_response(from_pb, from_json)) {
    fprintf(stderr, "bench_sample: the two forms do not decode to the expected response %s\n", err.c_str());
    return false;
  }
  printf("\nsample_decode 16x256: one SampleResponse of %lld sequences x %lld tokens with logprobs, from the emulator in "
         "both forms; the library's decoders (src/wire), each decode into a fresh object\n",
         static_cast<long long>(kSamples), static_cast<long long>(kTokens));
  bool ok = true;
  auto pb_once = [&] {
    w::SampleResponse r;
    std::string e;
    ok &= w::decode_sample_response(pb, &r, &e);
  };
  auto json_once = [&] {
    w::SampleResponse r;
    std::string e;
    ok &= w::decode_sample_response_json(json, &r, &e);
  };
  // Where the JSON time goes: the decoder builds a cJSON tree of the body first, then reads it.
  auto tree_once = [&] {
    cJSON* doc = cJSON_ParseWithLength(json.data(), json.size());
    ok &= doc != nullptr;
    cJSON_Delete(doc);
  };
  const int kBatches = 7;
  const double pb_us = time_decode(pb_once, kBatches), json_us = time_decode(json_once, kBatches);
  const double tree_us = time_decode(tree_once, kBatches);
  if (!ok) {
    fprintf(stderr, "bench_sample: a timed decode failed\n");
    return false;
  }
  const double tokens = static_cast<double>(kSamples * kTokens);
  auto line = [&](const char* name, size_t bytes, double us) {
    printf("  %-9s %7zu bytes  %8.1f us per response  %9.0f responses/s  %8.1f MB/s of body  %6.1f M tokens/s\n", name,
           bytes, us, 1e6 / us, static_cast<double>(bytes) / us, tokens / us);
  };
  line("protobuf", pb.size(), pb_us);
  line("JSON", json.size(), json_us);
  printf("  (medians of %d timed batches; MB = 10^6 bytes of the body as received); of the JSON decode, building and "
         "freeing the cJSON tree alone takes %.1f us (%.0f%%)\n",
         kBatches, tree_us, 100 * tree_us / json_us);
  printf("  RESULT sample_decode 16x256: protobuf %.1f MB/s (%.0f responses/s), JSON %.1f MB/s (%.0f responses/s); "
         "protobuf/JSON = %.2fx responses/s\n",
         static_cast<double>(pb.size()) / pb_us, 1e6 / pb_us, static_cast<double>(json.size()) / json_us,
         1e6 / json_us, json_us / pb_us);
  return true;
}

// ---- part 3: memory and threads per in-flight future ------------------------------------------

// The emulator's sample_delay_ms for a burst of n: long enough for every call to be submitted
// and its poll held before the first one finishes (submitting 10,000 takes a few seconds here).
long mem_delay_for(size_t n, const Args& a) {
  return a.mem_delay_ms >= 0 ? a.mem_delay_ms : 2000 + static_cast<long>(n) * 3 / 2;
}
// Samples in part 3 are one sequence of a few tokens: the figure is the cost of a call in
// flight, not of its result (results only arrive after the readings anyway).
constexpr int64_t kMemMaxTokens = 16;

struct MemFigures {
  bool ran = false;
  long rss_before = 0, rss_at_held = 0, rss_peak = 0;  // VmRSS, KiB
  // RssAnon, KiB: the anonymous part of VmRSS (heap, stacks). Unlike VmRSS it does not move when
  // the kernel drops and later faults back pages of the mapped libraries, which happens on a
  // machine short of memory.
  long anon_before = 0, anon_at_held = 0;
  double heap_before = 0, heap_at_held = 0;  // KiB in use (mallinfo2)
  long held_max = 0, in_flight_max = 0;
  double all_held_ms = -1, done_ms = 0;
  size_t ok = 0, request_bytes = 0;
};

double kib_per(long after, long before, size_t n) { return static_cast<double>(after - before) / static_cast<double>(n); }

double heap_kib() { return static_cast<double>(mallinfo2().uordblks) / 1024.0; }

// The raw client's burst, in a child forked while this process has no other thread; its
// figures come back through a pipe and are printed by the library's burst, which compares.
MemFigures raw_mem_burst(const std::string& base, size_t n, long limit, long delay_ms,
                         const std::vector<int32_t>& prompt) {
  MemFigures m;
  int fds[2];
  if (pipe(fds) != 0) return m;
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    RawClient raw(base);
    RawRunSpec spec;
    spec.calls = 1;
    spec.max_tokens = kMemMaxTokens;
    spec.max_ops = static_cast<size_t>(limit);
    spec.keep_results = false;
    RawRunResult rr;
    if (!raw.setup(prompt)) _exit(1);
    if (!raw.run(spec, &rr)) {  // warm-up: a connection, the first job
      fprintf(stderr, "raw libcurl: warm-up failed: %s\n", rr.first_failure.c_str());
      _exit(1);
    }
    if (!emulator_config(base, "{\"sample_delay_ms\":" + std::to_string(delay_ms) + "}")) _exit(1);
    StatsReader stats(base);
    malloc_trim(0);
    m.rss_before = m.rss_peak = bench_status_kib("VmRSS");
    m.anon_before = bench_status_kib("RssAnon");
    m.heap_before = heap_kib();
    spec.calls = n;
    const int64_t t0 = bench_now_ns();
    unsigned tick = 0;
    auto monitor = [&] {
      const long rss = bench_status_kib("VmRSS");
      m.rss_peak = std::max(m.rss_peak, rss);
      if (tick++ % 4 != 0 || !stats.read()) return;
      const long held = stats.get("held_polls");
      m.in_flight_max = std::max(m.in_flight_max, stats.get("samples_in_flight"));
      if (held > m.held_max) {
        m.held_max = held;
        m.rss_at_held = rss;
        m.anon_at_held = bench_status_kib("RssAnon");
        m.heap_at_held = heap_kib();
      }
      if (m.all_held_ms < 0 && held >= static_cast<long>(n)) m.all_held_ms = ms_since(t0);
    };
    const bool ok = raw.run(spec, &rr, monitor);
    m.done_ms = ms_since(t0);
    emulator_config(base, "{\"sample_delay_ms\":0}");
    char line[512];
    int len = snprintf(line, sizeof line, "%ld %ld %ld %ld %ld %.1f %.1f %ld %ld %.1f %.1f %zu %zu\n", m.rss_before,
                       m.rss_at_held, m.rss_peak, m.anon_before, m.anon_at_held, m.heap_before, m.heap_at_held,
                       m.held_max, m.in_flight_max, m.all_held_ms, m.done_ms, ok ? rr.ok : 0, rr.request_bytes);
    if (write(fds[1], line, static_cast<size_t>(len)) != len) _exit(1);
    _exit(0);  // the emulator sees the connections close; nothing else to clean up
  }
  close(fds[1]);
  char buf[512] = {0};
  ssize_t got = 0;
  if (pid > 0) {
    size_t have = 0;
    while (have < sizeof buf - 1 && (got = read(fds[0], buf + have, sizeof buf - 1 - have)) > 0) have += static_cast<size_t>(got);
    waitpid(pid, nullptr, 0);
  }
  close(fds[0]);
  if (sscanf(buf, "%ld %ld %ld %ld %ld %lf %lf %ld %ld %lf %lf %zu %zu", &m.rss_before, &m.rss_at_held, &m.rss_peak,
             &m.anon_before, &m.anon_at_held, &m.heap_before, &m.heap_at_held, &m.held_max, &m.in_flight_max,
             &m.all_held_ms, &m.done_ms, &m.ok, &m.request_bytes) == 13)
    m.ran = true;
  return m;
}

bool lib_mem_burst(const std::string& base, size_t n, long delay_ms, const std::vector<int32_t>& prompt,
                   const MemFigures& raw);

bool run_mem(const std::string& base, size_t n, const Args& a, const std::vector<int32_t>& prompt) {
  // Every future of the burst in flight at once: the library's limit on sample operations in
  // flight (the server's sample_max_concurrent_requests) is raised to at least n, for both sides.
  const long limit = std::max(static_cast<long>(n), a.max_connections);
  const long delay_ms = mem_delay_for(n, a);
  char cfg[160];
  snprintf(cfg, sizeof cfg, "{\"sample_delay_ms\":0,\"client_config\":{\"sample_max_concurrent_requests\":%ld}}", limit);
  if (!emulator_config(base, cfg)) return false;
  printf("\nsample_memory %zu: %zu sample_async calls (num_samples 1, max_tokens %lld) kept in flight by the "
         "emulator's sample_delay_ms %ld; limit on samples in flight %ld (server flag), both sides\n",
         n, n, static_cast<long long>(kMemMaxTokens), delay_ms, limit);

  MemFigures raw;
  const int threads_now = bench_thread_count();
  if (a.raw_mem && threads_now == 1) raw = raw_mem_burst(base, n, limit, delay_ms, prompt);
  else if (a.raw_mem) printf("  raw libcurl baseline skipped: this process has %d threads, so it cannot fork one\n", threads_now);
  if (raw.ran)
    printf("  baseline, raw libcurl (forked child, one multi handle): +%.2f KiB RSS per call in flight (at the most polls "
           "held, %ld; RssAnon +%.2f KiB), heap +%.2f KiB per call; %zu of %zu OK, all held after %.0f ms, done after "
           "%.0f ms\n",
           kib_per(raw.rss_at_held, raw.rss_before, n), raw.held_max, kib_per(raw.anon_at_held, raw.anon_before, n),
           (raw.heap_at_held - raw.heap_before) / n, raw.ok, n, raw.all_held_ms, raw.done_ms);
  else if (a.raw_mem)
    printf("  baseline, raw libcurl: could not be measured\n");

  // The library's burst also runs in a forked child, so that what parts 1 and 2 left in this
  // process's heap (retained or fragmented pages the burst could reuse) cannot lower its figure.
  if (bench_thread_count() != 1) return lib_mem_burst(base, n, delay_ms, prompt, raw);
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    const bool ok = lib_mem_burst(base, n, delay_ms, prompt, raw);
    fflush(stdout);
    fflush(stderr);
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// The library's burst of n sample futures; prints its figures and the RESULT line (against
// `raw` when it ran). True when every future completed OK.
bool lib_mem_burst(const std::string& base, size_t n, long delay_ms, const std::vector<int32_t>& prompt,
                   const MemFigures& raw) {
  StatsReader stats(base);
  malloc_trim(0);
  const int threads_before_client = bench_thread_count();
  LibSampler lib;
  if (!lib.create(base.c_str(), prompt) || !lib.set_max_tokens(kMemMaxTokens)) return false;
  // The request body each call sends (and keeps, to send again): the smallest thing a future
  // in flight has to hold, so the per-future figure is also given as a multiple of it.
  std::string body;
  {
    std::string pj, err;
    std::vector<w::ChunkView> chunks{w::ChunkView::text(prompt.data(), prompt.size())};
    w::SampleRequestFields fields;
    fields.sampling_session_id = tinker_sampling_client_sampling_session_id(lib.sc);
    fields.params.max_tokens = kMemMaxTokens;
    if (w::encode_prompt_json(chunks, &pj, &err)) w::assemble_sample_request_json(fields, pj, static_cast<int64_t>(n), &body);
  }
  {  // warm-up: session, sampling session, a connection, the first job
    tinker_sample_response_t* r = nullptr;
    if (tinker_sampling_client_sample(lib.sc, lib.prompt, 1, lib.params, 0, 0, &r) != TINKER_OK) {
      fprintf(stderr, "libtinker: warm-up sample: %s\n", last_message());
      return false;
    }
    tinker_sample_response_free(r);
  }
  if (!emulator_config(base, "{\"sample_delay_ms\":" + std::to_string(delay_ms) + "}")) return false;

  malloc_trim(0);
  MemFigures m;
  m.rss_before = m.rss_peak = bench_status_kib("VmRSS");
  m.anon_before = bench_status_kib("RssAnon");
  m.heap_before = heap_kib();
  const int threads_before = bench_thread_count();
  int threads_peak = threads_before;
  std::vector<tinker_future_t*> f(n, nullptr);
  size_t started = 0;
  const int64_t t0 = bench_now_ns();
  for (; started < n; ++started)
    if (tinker_sampling_client_sample_async(lib.sc, lib.prompt, 1, lib.params, 0, 0, &f[started]) != TINKER_OK) {
      fprintf(stderr, "libtinker: sample_async %zu: %s\n", started, last_message());
      break;
    }
  const double fire_ms = ms_since(t0);
  const long rss_after_fire = bench_status_kib("VmRSS");

  // Observe until every future finished: threads, RSS, and the emulator's held polls.
  const int64_t deadline = t0 + (delay_ms + 120000) * 1000000LL;
  size_t done = 0, done_at_held = 0;
  unsigned tick = 0;
  while (bench_now_ns() < deadline) {
    threads_peak = std::max(threads_peak, bench_thread_count());
    const long rss = bench_status_kib("VmRSS");
    m.rss_peak = std::max(m.rss_peak, rss);
    if (tick++ % 4 == 0) {
      done = 0;
      for (size_t i = 0; i < started; ++i) done += tinker_future_poll(f[i]) != TINKER_PENDING;
      if (done == started) break;
      if (stats.read()) {
        const long held = stats.get("held_polls");
        m.in_flight_max = std::max(m.in_flight_max, stats.get("samples_in_flight"));
        if (held > m.held_max) {
          m.held_max = held;
          m.rss_at_held = rss;
          m.anon_at_held = bench_status_kib("RssAnon");
          m.heap_at_held = heap_kib();  // walks the arenas under their locks: only at a new high
          done_at_held = done;
        }
        if (m.all_held_ms < 0 && held >= static_cast<long>(n)) m.all_held_ms = ms_since(t0);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  m.done_ms = ms_since(t0);
  const long rss_after_done = bench_status_kib("VmRSS");
  const int threads_after = bench_thread_count();
  std::string first_failure;
  for (size_t i = 0; i < started; ++i) {
    const tinker_status_t st = tinker_future_poll(f[i]);
    if (st == TINKER_OK) ++m.ok;
    else if (first_failure.empty()) first_failure = std::string(tinker_status_str(st)) + ": " + tinker_error_message(tinker_future_error(f[i]));
  }
  for (size_t i = 0; i < started; ++i) {
    if (tinker_future_poll(f[i]) == TINKER_PENDING) tinker_future_cancel(f[i]);  // timed out: do not wait for it
    tinker_future_free(f[i]);
  }
  const long rss_after_free = bench_status_kib("VmRSS");
  emulator_config(base, "{\"sample_delay_ms\":0}");
  lib.destroy();
  const int threads_after_client = bench_thread_count();
  const long rss_after_client = bench_status_kib("VmRSS");
  malloc_trim(0);
  const long rss_after_trim = bench_status_kib("VmRSS");

  const double per_future = kib_per(m.rss_at_held, m.rss_before, n);
  const bool all_held = m.held_max >= static_cast<long>(n);
  printf("  threads: before the client %d, before the burst %d, peak during it %d, after it %d, after freeing the "
         "client %d (extra during the burst: %d)\n",
         threads_before_client, threads_before, threads_peak, threads_after, threads_after_client,
         threads_peak - threads_before);
  printf("  in flight: emulator held polls max %ld of %zu (%zu futures done then), samples in flight max %ld; all "
         "held after %s; sample_async calls returned after %.0f ms; all done after %.0f ms\n",
         m.held_max, n, done_at_held, m.in_flight_max,
         m.all_held_ms >= 0 ? (std::to_string(static_cast<long>(m.all_held_ms)) + " ms").c_str() : "never", fire_ms,
         m.done_ms);
  printf("  VmRSS: before %ld KiB, after firing %ld KiB, at the most polls held %ld KiB, peak %ld KiB, after completion "
         "%ld KiB, after freeing the futures %ld KiB, after freeing the client %ld KiB, after malloc_trim %ld KiB\n",
         m.rss_before, rss_after_fire, m.rss_at_held, m.rss_peak, rss_after_done, rss_after_free, rss_after_client,
         rss_after_trim);
  printf("  RssAnon before %ld KiB, at the most polls held %ld KiB; heap in use (mallinfo2) before %.0f KiB, then %.0f KiB\n",
         m.anon_before, m.anon_at_held, m.heap_before, m.heap_at_held);
  printf("  per future in flight: +%.2f KiB RSS (at the most polls held; %.2f KiB right after firing, %.2f KiB at the "
         "peak), RssAnon +%.2f KiB, heap +%.2f KiB; the asample request body is %zu bytes (%.1fx of it)\n",
         per_future, kib_per(rss_after_fire, m.rss_before, n), kib_per(m.rss_peak, m.rss_before, n),
         kib_per(m.anon_at_held, m.anon_before, n), (m.heap_at_held - m.heap_before) / static_cast<double>(n), body.size(),
         per_future * 1024 / static_cast<double>(std::max<size_t>(body.size(), 1)));
  printf("  completed OK: %zu of %zu%s%s\n", m.ok, n, first_failure.empty() ? "" : "; first failure: ",
         first_failure.c_str());
  char raw_note[128] = "";
  if (raw.ran)
    snprintf(raw_note, sizeof raw_note, ", raw libcurl %.2f KiB (%.2fx, %+.2f KiB)", kib_per(raw.rss_at_held, raw.rss_before, n),
             per_future / kib_per(raw.rss_at_held, raw.rss_before, n), per_future - kib_per(raw.rss_at_held, raw.rss_before, n));
  // The per-future figure only means "per future in flight" when they all were at once.
  const char* mem_verdict = !all_held ? "n/a (not all in flight)" : per_future <= kTargetKibPerFuture ? "met" : "NOT met";
  printf("  RESULT sample_memory %zu: %.2f KiB RSS per in-flight future%s; %ld of %zu polls held at once [%s]; threads "
         "before/peak/after %d/%d/%d, extra %d [%s]; %zu/%zu OK [%s]; <= %.0f KiB per future: %s\n",
         n, per_future, raw_note, m.held_max, n, all_held ? "all in flight together" : "NOT all in flight together",
         threads_before, threads_peak, threads_after, threads_peak - threads_before,
         threads_peak <= threads_before ? "met" : "NOT met", m.ok, n, m.ok == n ? "met" : "NOT met",
         kTargetKibPerFuture, mem_verdict);
  return m.ok == n;
}

// ---- main -------------------------------------------------------------------------------------

void usage() {
  fprintf(stderr,
          "usage: bench_sample [--reps R] [--fanout CALLSxSAMPLES]... [--max-tokens T] [--prompt-tokens P]\n"
          "                    [--max-connections N] [--wait-each] [--mem-n N]... [--mem-delay-ms D] [--no-raw-mem]\n"
          "                    [--skip-fanout] [--skip-decode] [--skip-mem] [--emulator PATH]\n"
          "  defaults: 5 reps; fan-outs 128x16 and 2048x1, max_tokens 256, prompt 128 tokens; max connections 2000\n"
          "  (the library's default, set as the server's sample_max_concurrent_requests); memory bursts of 2048\n"
          "  and 10000 with sample_delay_ms 2000 + 1.5 x N\n");
}

bool parse(int argc, char** argv, Args* a) {
  for (int i = 1; i < argc; ++i) {
    const std::string s = argv[i];
    const bool has = i + 1 < argc;
    if (s == "--reps" && has) {
      a->reps = std::atoi(argv[++i]);
    } else if (s == "--fanout" && has) {
      unsigned long c = 0, k = 0;
      char x = 0;
      if (sscanf(argv[++i], "%lu%c%lu", &c, &x, &k) != 3 || x != 'x' || c == 0 || k == 0) return false;
      a->fanouts.push_back({c, static_cast<int64_t>(k)});
    } else if (s == "--max-tokens" && has) {
      a->max_tokens = std::strtoll(argv[++i], nullptr, 10);
    } else if (s == "--prompt-tokens" && has) {
      a->prompt_tokens = std::strtoul(argv[++i], nullptr, 10);
    } else if (s == "--max-connections" && has) {
      a->max_connections = std::strtol(argv[++i], nullptr, 10);
    } else if (s == "--mem-n" && has) {
      a->mem_n.push_back(std::strtoul(argv[++i], nullptr, 10));
    } else if (s == "--mem-delay-ms" && has) {
      a->mem_delay_ms = std::strtol(argv[++i], nullptr, 10);
    } else if (s == "--wait-each") {
      a->wait_each = true;
    } else if (s == "--no-raw-mem") {
      a->raw_mem = false;
    } else if (s == "--skip-fanout") {
      a->fanout = false;
    } else if (s == "--skip-decode") {
      a->decode = false;
    } else if (s == "--skip-mem") {
      a->mem = false;
    } else if (s == "--emulator" && has) {
      a->emulator = argv[++i];
    } else {
      return false;
    }
  }
  if (a->fanouts.empty()) a->fanouts = {{128, 16}, {2048, 1}};
  if (a->mem_n.empty()) a->mem_n = {2048, 10000};
  for (size_t n : a->mem_n)
    if (n == 0) return false;
  return a->reps > 0 && a->max_tokens > 0 && a->prompt_tokens > 0 && a->max_connections >= 1 &&
         a->max_connections <= 1000000;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!parse(argc, argv, &a)) {
    usage();
    return 2;
  }
  const char* path = bench_find_emulator(a.emulator, "bench_sample");
  if (path == nullptr) return 2;
  const long nofile = bench_raise_nofile();
  bench_emulator_t emu;
  if (bench_emulator_start(&emu, path, nullptr) != 0) return 1;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const std::string base = emu.base_url;

  // The prompt: ids below the synthetic vocabulary; the samples count up from its last token.
  std::vector<int32_t> prompt(a.prompt_tokens);
  for (size_t i = 0; i < prompt.size(); ++i) prompt[i] = static_cast<int32_t>((i * 7919 + 13) % kVocab);
  const int32_t last_tok = prompt.back();

  printf("bench_sample: libtinker %s, %s, emulator %s, base model %s, RLIMIT_NOFILE %ld\n", tinker_version_string(),
         curl_version(), emu.base_url, kBaseModel, nofile);
  bench_print_machine("at start");

  int rc = 0;
  // Both sides' limit on samples in flight: the library takes the server's
  // sample_max_concurrent_requests (its own max_connections setting is replaced by it), so the
  // emulator announces the same number the raw side uses.
  char cfg[128];
  snprintf(cfg, sizeof cfg, "{\"client_config\":{\"sample_max_concurrent_requests\":%ld}}", a.max_connections);
  if (!emulator_config(base, cfg)) rc = 1;

  if (rc == 0 && (a.fanout || a.decode)) {
    StatsReader stats(base);
    RawClient raw(base);
    LibSampler lib;
    if (!raw.setup(prompt) || !lib.create(base.c_str(), prompt)) {
      rc = 1;
    } else {
      printf("sampling sessions: A %s, B %s\n", tinker_sampling_client_sampling_session_id(lib.sc),
             raw.sampling_session_id().c_str());
      if (a.fanout) {
        printf("A = libtinker: every call fired with tinker_sampling_client_sample_async, then tinker_future_wait_all, "
               "then every response taken\n"
               "B = raw libcurl multi on this thread: asample + retrieve_future long-polls per call, the library's "
               "headers and request bytes,\n    at most %ld calls in flight and %d submissions at once (the library's "
               "limits); only the status and content type of a result are read\n"
               "%d alternating repetitions per fan-out after one warm-up run per side\n",
               a.max_connections, kMaxSubmissions, a.reps);
        for (const FanoutSize& fs : a.fanouts)
          if (!run_fanout(lib, raw, fs, a, last_tok, stats)) {
            rc = 1;
            break;
          }
      }
      if (rc == 0 && a.decode && !run_decode(raw, last_tok)) rc = 1;
    }
  }  // both clients freed here: this process has one thread again, so part 3 can fork

  if (rc == 0 && a.mem) {
    for (size_t n : a.mem_n)
      if (!run_mem(base, n, a, prompt)) {
        rc = 1;
        break;
      }
  }

  bench_print_machine("at end");
  curl_global_cleanup();
  bench_emulator_stop(&emu);
  return rc;
}
