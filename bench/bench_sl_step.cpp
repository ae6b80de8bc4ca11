// bench_sl_step: one supervised-learning step end to end against the emulator's synthetic model
// ("tinker-emulator/synthetic": inputs are validated, nothing is computed, outputs have the
// right shapes), measured against the sum of the raw HTTP round trips the step needs.
//
// Side A (public C API of libtinker.so only): forward_backward_async (cross_entropy, a batch of
//   datums with target_tokens + weights) and optim_step_async submitted back to back, then
//   tinker_future_wait_all on both and both results taken. The step's time includes encoding the
//   batch (the library encodes at call time) and decoding the results.
// Side B (raw libcurl on this thread, one keep-alive easy handle): the same step as sequential
//   round trips, POST /api/v1/forward_backward, POST /api/v1/retrieve_future until done, POST
//   /api/v1/optim_step, POST /api/v1/retrieve_future until done, with the headers and options the
//   library uses. The forward_backward body is the library's own encoding (src/wire encoder,
//   linked from the tinker_wire codec library): the datums are encoded once before the run and
//   each step's request (its own seq_id) is assembled before its timer starts. B's figure per
//   step is the sum of its round trips; parsing, building poll bodies and checking results run
//   outside it.
// Both sides run in this process against one private tinker-emulator, each on its own session
// and model, in interleaved rounds (A B, B A, ...) so load drift hits both. Also measured on
// their own, to show where A's time goes: the encoding of the batch and the decoding of a result.
//
// With --server-delay-ms D the emulator answers forward_backward, optim_step and retrieve_future
// D ms late (emulator "delay" faults): a round trip closer to a real service's, where overlapping
// requests matters more than the client's own costs.
//
// Usage: bench_sl_step [--batch DATUMSxTOKENS]... [-n STEPS] [--rounds R] [--warmup W]
//                      [--emulator PATH] [--server-delay-ms D]
#include <cjson/cJSON.h>
#include <curl/curl.h>

#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "bench_util.h"
#include "tinker/tinker.h"
#include "wire/fwdbwd_output.h"
#include "wire/fwdbwd_request.h"

namespace w = tinker::wire;

namespace {

constexpr const char* kApiKey = "tml-bench-sl-step-key";
constexpr const char* kBaseModel = "tinker-emulator/synthetic";
constexpr const char* kSdkVersion = "0.25.0";  // the library's default (User-Agent, X-Stainless-*)
constexpr int64_t kVocab = 16384;                // the synthetic model's vocabulary (docs/emulator.md)
constexpr long kReceiveBufferBytes = 8 * 1024;   // as src/http/transport.cpp

double us_since(int64_t t0) { return static_cast<double>(bench_now_ns() - t0) / 1000.0; }

// CPU time of the whole process (all of the library's threads included; the emulator is another
// process) and its minor page faults, read just outside each timed interval.
struct Usage {
  double cpu_us = 0;
  long minflt = 0;
};

Usage usage_now() {
  Usage u;
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  u.cpu_us = static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  u.minflt = ru.ru_minflt;
  return u;
}

// Accumulates the usage of intervals.
struct UsageSum {
  double cpu_us = 0;
  long minflt = 0;
  void add(const Usage& a, const Usage& b) {
    cpu_us += b.cpu_us - a.cpu_us;
    minflt += b.minflt - a.minflt;
  }
};

// ---- the batch --------------------------------------------------------------------------------

// Token ids below the synthetic vocabulary, targets = ids shifted by one, weights 0 on the first
// quarter (a prompt) and 1 after: workload A of bench/encode with ids that fit the emulator.
struct Batch {
  size_t datums = 0, tokens = 0;
  std::vector<std::vector<int64_t>> ids, targets;
  std::vector<std::vector<float>> weights;
  std::vector<w::DatumView> views;  // side B's encoder input, the same arrays as side A's
};

void fill_batch(Batch& b, size_t datums, size_t tokens) {
  std::mt19937_64 g(42);
  b.datums = datums;
  b.tokens = tokens;
  b.ids.resize(datums);
  b.targets.resize(datums);
  b.weights.resize(datums);
  for (size_t d = 0; d < datums; ++d) {
    auto& t = b.ids[d];
    t.resize(tokens);
    for (auto& x : t) x = static_cast<int64_t>(g() % kVocab);
    b.targets[d].assign(t.begin() + 1, t.end());
    b.targets[d].push_back(static_cast<int64_t>(g() % kVocab));
    b.weights[d].resize(tokens);
    for (size_t i = 0; i < tokens; ++i) b.weights[d][i] = i < tokens / 4 ? 0.0f : 1.0f;
  }
  b.views.resize(datums);
  for (size_t d = 0; d < datums; ++d) {
    w::DatumView& v = b.views[d];
    v.chunks.push_back(w::ChunkView::text(b.ids[d].data(), tokens));
    v.loss_fn_inputs.emplace_back("target_tokens", w::TensorView::i64(b.targets[d].data(), tokens));
    v.loss_fn_inputs.emplace_back("weights", w::TensorView::f32(b.weights[d].data(), tokens));
  }
}

// Checks a forward_backward result of the synthetic model: one logprobs array of `tokens`
// elements per datum, every value -log(V).
bool logprob_ok(float v) { return std::fabs(static_cast<double>(v) + std::log(static_cast<double>(kVocab))) < 1e-3; }

// ---- side A: the public API -------------------------------------------------------------------

const char* last_message() { return tinker_error_message(tinker_last_error()); }

struct LibSide {
  tinker_training_client_t* tc = nullptr;
  tinker_batch_t* batch = nullptr;
  tinker_adam_params_t* adam = nullptr;
  size_t datums = 0, tokens = 0;

  ~LibSide() {
    tinker_batch_free(batch);
    tinker_adam_params_free(adam);
  }

  bool set_batch(const Batch& b) {
    tinker_batch_free(batch);
    batch = nullptr;
    datums = b.datums;
    tokens = b.tokens;
    if (tinker_batch_new(&batch) != TINKER_OK) return false;
    for (size_t d = 0; d < b.datums; ++d) {
      tinker_model_input_t* in = nullptr;
      tinker_datum_t* datum = nullptr;
      bool ok = tinker_model_input_new(&in) == TINKER_OK &&
                tinker_model_input_add_text_int64(in, b.ids[d].data(), b.tokens) == TINKER_OK &&
                tinker_datum_new(&datum, in) == TINKER_OK &&
                tinker_datum_add_tensor_int64(datum, "target_tokens", b.targets[d].data(), b.tokens, nullptr, 0) == TINKER_OK &&
                tinker_datum_add_tensor_float32(datum, "weights", b.weights[d].data(), b.tokens, nullptr, 0) == TINKER_OK &&
                tinker_batch_add(batch, datum) == TINKER_OK;
      tinker_datum_free(datum);
      tinker_model_input_free(in);
      if (!ok) {
        fprintf(stderr, "libtinker: cannot build the batch: %s\n", last_message());
        return false;
      }
    }
    return true;
  }

  // One step; *total_us is the whole step, *call_us the time until both async calls returned.
  // With `phases` (kPhases entries) the caller instead waits for each event in turn and records
  // when it saw it: the step's timeline, at the price of extra wake-ups of this thread.
  static constexpr int kPhases = 4;
  UsageSum usage;  // over the timed part of every step

  bool step(double* total_us, double* call_us, double* phases = nullptr) {
    tinker_future_t* f[2] = {nullptr, nullptr};
    tinker_forward_backward_output_t* out = nullptr;
    tinker_optim_step_result_t* opt = nullptr;
    bool ok = false;
    Usage u0 = usage_now();
    int64_t t0 = bench_now_ns();
    if (tinker_training_client_forward_backward_async(tc, batch, "cross_entropy", nullptr, &f[0]) != TINKER_OK ||
        tinker_training_client_optim_step_async(tc, adam, &f[1]) != TINKER_OK) {
      fprintf(stderr, "libtinker: cannot start the step: %s\n", last_message());
      goto done;
    }
    *call_us = us_since(t0);
    if (phases != nullptr) {
      // submitted: forward_backward, optim_step; finished: forward_backward, optim_step.
      for (int k = 0; k < kPhases; ++k) {
        tinker_status_t st = k < 2 ? tinker_future_wait_submitted(f[k], -1) : tinker_future_wait(f[k - 2], -1);
        (void)st;  // a failure shows when the result is taken
        phases[k] = us_since(t0);
      }
    } else if (tinker_future_wait_all(f, 2, -1) != TINKER_OK) {
      fprintf(stderr, "libtinker: wait_all: %s\n", last_message());
      goto done;
    }
    if (tinker_future_take_forward_backward_output(f[0], &out) != TINKER_OK) {
      fprintf(stderr, "libtinker: forward_backward: %s\n", tinker_error_message(tinker_future_error(f[0])));
      goto done;
    }
    if (tinker_future_take_optim_step_result(f[1], &opt) != TINKER_OK) {
      fprintf(stderr, "libtinker: optim_step: %s\n", tinker_error_message(tinker_future_error(f[1])));
      goto done;
    }
    *total_us = us_since(t0);
    usage.add(u0, usage_now());
    ok = check(out, opt);
  done:
    tinker_forward_backward_output_free(out);
    tinker_optim_step_result_free(opt);
    tinker_future_free(f[0]);
    tinker_future_free(f[1]);
    return ok;
  }

  bool check(const tinker_forward_backward_output_t* out, const tinker_optim_step_result_t* opt) const {
    if (tinker_forward_backward_output_num_datums(out) != datums) {
      fprintf(stderr, "libtinker: %zu outputs for %zu datums\n", tinker_forward_backward_output_num_datums(out), datums);
      return false;
    }
    for (size_t d = 0; d < datums; ++d) {
      const tinker_tensor_t* t = nullptr;
      if (tinker_forward_backward_output_tensor(out, d, "logprobs", &t) != TINKER_OK || tinker_tensor_numel(t) != tokens ||
          tinker_tensor_data_float32(t) == nullptr || !logprob_ok(tinker_tensor_data_float32(t)[0]) ||
          !logprob_ok(tinker_tensor_data_float32(t)[tokens - 1])) {
        fprintf(stderr, "libtinker: datum %zu: no logprobs of %zu tokens with value -log(%lld)\n", d, tokens,
                static_cast<long long>(kVocab));
        return false;
      }
    }
    double loss = 0;
    if (tinker_metrics_get(tinker_forward_backward_output_metrics(out), "loss:sum", &loss) != TINKER_OK) {
      fprintf(stderr, "libtinker: forward_backward result has no loss:sum\n");
      return false;
    }
    if (tinker_optim_step_result_metrics(opt) == nullptr) {
      fprintf(stderr, "libtinker: optim_step result has no metrics\n");
      return false;
    }
    return true;
  }
};

// ---- side B: raw libcurl ----------------------------------------------------------------------

size_t on_body(char* ptr, size_t size, size_t nmemb, void* ud) {
  static_cast<std::string*>(ud)->append(ptr, size * nmemb);
  return size * nmemb;
}

struct RawSide {
  CURL* easy = nullptr;
  std::string base_url, session_id, model_id;
  std::string resp;
  std::string content_type;
  long status = 0;
  int64_t next_seq = 1;  // create_model is seq 0 of the model's lane
  std::mt19937_64 rng{7};
  // One step's round trips (us) and polls.
  double rt_fb_submit = 0, rt_fb_poll = 0, rt_opt_submit = 0, rt_opt_poll = 0;
  int polls = 0;
  std::string last_fb_result;  // the last forward_backward result body, for the decode figure
  UsageSum usage;              // over every round trip

  ~RawSide() { curl_easy_cleanup(easy); }

  bool init(const std::string& url) {
    base_url = url;
    easy = curl_easy_init();
    return easy != nullptr;
  }

  std::string idempotency_key() {
    char key[BENCH_IDEMPOTENCY_KEY_SIZE];
    bench_idempotency_key(rng(), rng(), key);
    return key;
  }

  // The headers ClientContext::decorate and Call add (protocol.md §1.2, §1.4).
  curl_slist* headers(const char* content_type, const char* accept, int read_timeout_s,
                      const std::vector<std::string>& extra) {
    char buf[160];
    curl_slist* h = nullptr;
    snprintf(buf, sizeof buf, "Accept: %s", accept);
    h = curl_slist_append(h, buf);
    snprintf(buf, sizeof buf, "Content-Type: %s", content_type);
    h = curl_slist_append(h, buf);
    h = bench_sdk_headers(h, kApiKey, tinker_version_string(), read_timeout_s);
    h = curl_slist_append(h, ("X-Idempotency-Key: " + idempotency_key()).c_str());
    for (const std::string& e : extra) h = curl_slist_append(h, e.c_str());
    h = curl_slist_append(h, "Expect:");
    return h;
  }

  // One POST; returns its round-trip time in us, or -1 (message on stderr) on a transport error
  // or a status other than 200.
  double post(const char* path, std::string_view body, curl_slist* hdrs, long timeout_ms) {
    std::string url = base_url + path;
    resp.clear();
    curl_easy_reset(easy);
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, kReceiveBufferBytes);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &resp);
    Usage u0 = usage_now();
    int64_t t0 = bench_now_ns();
    CURLcode c = curl_easy_perform(easy);
    double us = us_since(t0);
    usage.add(u0, usage_now());
    curl_slist_free_all(hdrs);
    if (c != CURLE_OK) {
      fprintf(stderr, "raw libcurl: POST %s: %s\n", path, curl_easy_strerror(c));
      return -1;
    }
    char* ct = nullptr;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &ct);
    content_type = ct ? ct : "";
    if (status != 200) {
      fprintf(stderr, "raw libcurl: POST %s: HTTP %ld: %.300s\n", path, status, resp.c_str());
      return -1;
    }
    return us;
  }

  // A JSON POST outside any step (set-up).
  cJSON* post_json(const char* path, const std::string& body) {
    if (post(path, body, headers("application/json", "application/json", 60, {}), 60000) < 0) return nullptr;
    cJSON* doc = cJSON_Parse(resp.c_str());
    if (doc == nullptr) fprintf(stderr, "raw libcurl: POST %s: answer is not JSON: %.300s\n", path, resp.c_str());
    return doc;
  }

  static std::string json_string(const cJSON* doc, const char* key) {
    const cJSON* v = cJSON_GetObjectItemCaseSensitive(doc, key);
    return cJSON_IsString(v) ? v->valuestring : "";
  }

  // Submits a future-returning request and polls it to the end; adds the submission's round trip
  // to *submit_us and every poll's to *poll_us. On success `resp` holds the result.
  bool call(const char* path, std::string_view body, const char* body_type, const char* request_type,
            const char* poll_accept, double* submit_us, double* poll_us) {
    double us = post(path, body, headers(body_type, "application/json", 60, {}), 60000);
    if (us < 0) return false;
    *submit_us += us;
    double submitted_after_s = us / 1e6;
    cJSON* doc = cJSON_Parse(resp.c_str());
    std::string id = doc ? json_string(doc, "request_id") : "";
    cJSON_Delete(doc);
    if (id.empty()) {
      fprintf(stderr, "raw libcurl: POST %s answered without a request_id: %.300s\n", path, resp.c_str());
      return false;
    }
    bool allow_metadata_only = true;
    for (int iteration = 0;; ++iteration) {
      std::string poll_body = "{\"request_id\":\"" + id + "\",\"allow_metadata_only\":" +
                              (allow_metadata_only ? "true" : "false") + "}";
      std::vector<std::string> extra = {"X-Tinker-Request-Iteration: " + std::to_string(iteration),
                                        std::string("X-Tinker-Request-Type: ") + request_type};
      if (iteration == 0) {
        char buf[80];
        snprintf(buf, sizeof buf, "X-Tinker-Create-Promise-Roundtrip-Time: %.4f", submitted_after_s);
        extra.emplace_back(buf);
      }
      us = post("/api/v1/retrieve_future", poll_body, headers("application/json", poll_accept, 45, extra), 45000);
      if (us < 0) return false;
      *poll_us += us;
      ++polls;
      if (content_type.find("application/x-protobuf") != std::string::npos) return true;
      doc = cJSON_Parse(resp.c_str());
      if (!cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        fprintf(stderr, "raw libcurl: %s: retrieve_future answered %.300s\n", path, resp.c_str());
        return false;
      }
      std::string type = json_string(doc, "type"), st = json_string(doc, "status");
      bool failed = cJSON_GetObjectItemCaseSensitive(doc, "error") != nullptr;
      cJSON_Delete(doc);
      if (failed) {
        fprintf(stderr, "raw libcurl: %s failed: %.300s\n", path, resp.c_str());
        return false;
      }
      if (type == "try_again") continue;
      if (st == "complete_metadata") {
        allow_metadata_only = false;
        continue;
      }
      return true;
    }
  }

  bool create_model() {
    cJSON* doc = post_json("/api/v1/create_session",
                           std::string("{\"tags\":[],\"user_metadata\":{},\"sdk_version\":\"") + kSdkVersion +
                               "\",\"type\":\"create_session\"}");
    if (doc == nullptr) return false;
    session_id = json_string(doc, "session_id");
    cJSON_Delete(doc);
    if (session_id.empty()) {
      fprintf(stderr, "raw libcurl: create_session answered without a session_id\n");
      return false;
    }
    std::string body = "{\"session_id\":\"" + session_id + "\",\"model_seq_id\":0,\"base_model\":\"" + kBaseModel +
                       "\",\"user_metadata\":{},\"lora_config\":{\"rank\":32,\"train_unembed\":true,"
                       "\"train_mlp\":true,\"train_attn\":true},\"type\":\"create_model\"}";
    double a = 0, b = 0;
    if (!call("/api/v1/create_model", body, "application/json", "CreateModel", "application/json", &a, &b)) return false;
    doc = cJSON_Parse(resp.c_str());
    model_id = doc ? json_string(doc, "model_id") : "";
    cJSON_Delete(doc);
    if (model_id.empty()) {
      fprintf(stderr, "raw libcurl: create_model result without a model_id: %.300s\n", resp.c_str());
      return false;
    }
    return true;
  }

  // One step on pre-encoded datums; the step's time is the sum of its round trips.
  bool step(const std::vector<std::string_view>& encoded, const Batch& b, std::string* fb_body, double* total_us) {
    w::RequestHeader h;
    h.model_id = model_id;
    h.seq_id = static_cast<int32_t>(next_seq++);
    h.loss_fn = "cross_entropy";
    fb_body->clear();
    w::assemble_forward_backward_request(h, encoded, fb_body);
    char opt[512];
    snprintf(opt, sizeof opt,
             "{\"adam_params\":{\"learning_rate\":0.0001,\"beta1\":0.9,\"beta2\":0.95,\"eps\":1e-12,"
             "\"weight_decay\":0,\"grad_clip_norm\":0},\"model_id\":\"%s\",\"seq_id\":%lld,\"type\":\"optim_step\"}",
             model_id.c_str(), static_cast<long long>(next_seq++));
    rt_fb_submit = rt_fb_poll = rt_opt_submit = rt_opt_poll = 0;
    polls = 0;
    if (!call("/api/v1/forward_backward", *fb_body, "application/x-protobuf", "ForwardBackward",
              "application/x-protobuf", &rt_fb_submit, &rt_fb_poll))
      return false;
    last_fb_result.swap(resp);
    if (!call("/api/v1/optim_step", opt, "application/json", "OptimStep", "application/json", &rt_opt_submit,
              &rt_opt_poll))
      return false;
    *total_us = rt_fb_submit + rt_fb_poll + rt_opt_submit + rt_opt_poll;
    return check(b);
  }

  bool check(const Batch& b) {
    w::ForwardBackwardOutput out;
    std::string err;
    if (!w::decode_forward_backward_output(last_fb_result, &out, &err)) {
      fprintf(stderr, "raw libcurl: undecodable forward_backward result: %s\n", err.c_str());
      return false;
    }
    if (out.outputs.size() != b.datums) {
      fprintf(stderr, "raw libcurl: %zu outputs for %zu datums\n", out.outputs.size(), b.datums);
      return false;
    }
    for (size_t d = 0; d < b.datums; ++d) {
      const w::OutputTensor* lp = nullptr;
      for (const auto& kv : out.outputs[d])
        if (kv.first == "logprobs") lp = &kv.second;
      if (lp == nullptr || !lp->is_float || lp->f32.size() != b.tokens || !logprob_ok(lp->f32.front()) ||
          !logprob_ok(lp->f32.back())) {
        fprintf(stderr, "raw libcurl: datum %zu: no logprobs of %zu tokens with value -log(%lld)\n", d, b.tokens,
                static_cast<long long>(kVocab));
        return false;
      }
    }
    cJSON* doc = cJSON_Parse(resp.c_str());
    bool ok = cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, "metrics"));
    cJSON_Delete(doc);
    if (!ok) fprintf(stderr, "raw libcurl: optim_step result without metrics: %.300s\n", resp.c_str());
    return ok;
  }
};

// ---- figures ----------------------------------------------------------------------------------

struct Stats {
  double median, p90, p99, mean, max;
};

Stats stats(std::vector<double> v) {
  Stats s{};
  if (v.empty()) return s;
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size());
  s.median = bench_median(v.data(), v.size());
  s.p90 = bench_percentile(v.data(), v.size(), 90);
  s.p99 = bench_percentile(v.data(), v.size(), 99);
  s.max = bench_percentile(v.data(), v.size(), 100);
  return s;
}

double median_of(std::vector<double> v) { return bench_median(v.data(), v.size()); }

size_t count_over(const std::vector<double>& v, double limit) {
  size_t n = 0;
  for (double x : v) n += x > limit;
  return n;
}

// Runs one workload: warm-up, interleaved rounds, the separate encode/decode figures. Returns
// false on any failure.
bool run_workload(LibSide& lib, RawSide& raw, size_t datums, size_t tokens, size_t steps, int rounds, size_t warmup) {
  Batch b;
  fill_batch(b, datums, tokens);
  if (!lib.set_batch(b)) return false;

  // Side B's datums, encoded once by the library's encoder (what forward_backward_async does at
  // call time).
  std::vector<std::string> encoded(datums);
  std::vector<std::string_view> enc_views(datums);
  for (size_t d = 0; d < datums; ++d) {
    std::string err;
    if (!w::encode_datum(b.views[d], &encoded[d], &err)) {
      fprintf(stderr, "encode_datum %zu: %s\n", d, err.c_str());
      return false;
    }
    enc_views[d] = encoded[d];
  }
  std::string fb_body;
  fb_body.reserve(1 << 20);

  double total = 0, call = 0;
  for (size_t i = 0; i < warmup; ++i)
    if (!lib.step(&total, &call) || !raw.step(enc_views, b, &fb_body, &total)) return false;

  lib.usage = UsageSum();
  raw.usage = UsageSum();

  char title[96];
  snprintf(title, sizeof title, "sl_step %zux%zu", datums, tokens);
  printf("\n%s: %zu datums x %zu tokens (target_tokens int64 + weights float32, ids int64), cross_entropy\n", title,
         datums, tokens);
  printf("  forward_backward request %zu bytes (protobuf, 1 request), result %zu bytes (protobuf)\n", fb_body.size(),
         raw.last_fb_result.size());
  printf("  %-6s %-7s %14s %14s %8s\n", "round", "order", "libtinker_us", "raw_sum_us", "ratio");

  std::vector<double> a_all, a_call, b_all, b_fs, b_fp, b_os, b_op;
  size_t extra_polls = 0;
  for (int r = 0; r < rounds; ++r) {
    bool lib_first = (r % 2) == 0;
    std::vector<double> a_round, b_round;
    for (int k = 0; k < 2; ++k) {
      bool lib_now = (k == 0) == lib_first;
      for (size_t i = 0; i < steps; ++i) {
        if (lib_now) {
          if (!lib.step(&total, &call)) return false;
          a_round.push_back(total);
          a_call.push_back(call);
        } else {
          if (!raw.step(enc_views, b, &fb_body, &total)) return false;
          b_round.push_back(total);
          b_fs.push_back(raw.rt_fb_submit);
          b_fp.push_back(raw.rt_fb_poll);
          b_os.push_back(raw.rt_opt_submit);
          b_op.push_back(raw.rt_opt_poll);
          extra_polls += static_cast<size_t>(raw.polls - 2);
        }
      }
    }
    double ma = median_of(a_round), mb = median_of(b_round);
    printf("  %-6d %-7s %14.1f %14.1f %7.3fx\n", r + 1, lib_first ? "A,B" : "B,A", ma, mb, ma / mb);
    a_all.insert(a_all.end(), a_round.begin(), a_round.end());
    b_all.insert(b_all.end(), b_round.begin(), b_round.end());
  }

  // Where A's time goes, measured on their own on this thread: encoding the batch into the
  // request (encode_datum per datum + assemble, as forward_backward_async does before it
  // returns) and decoding one result (as the library does before the future completes).
  std::vector<double> enc_us, dec_us;
  size_t reps = steps < 5 ? 5 : steps;
  for (size_t i = 0; i < reps; ++i) {
    int64_t t0 = bench_now_ns();
    std::vector<std::string> e(datums);
    std::string err;
    for (size_t d = 0; d < datums; ++d)
      if (!w::encode_datum(b.views[d], &e[d], &err)) return false;
    std::vector<std::string_view> ev(e.begin(), e.end());
    std::string body;
    w::RequestHeader h;
    h.model_id = raw.model_id;
    h.seq_id = 1;
    h.loss_fn = "cross_entropy";
    w::assemble_forward_backward_request(h, ev, &body);
    enc_us.push_back(us_since(t0));
    t0 = bench_now_ns();
    w::ForwardBackwardOutput out;
    if (!w::decode_forward_backward_output(raw.last_fb_result, &out, &err)) return false;
    dec_us.push_back(us_since(t0));
  }

  const UsageSum a_use = lib.usage, b_use = raw.usage;

  // A's timeline, from separate steps in which the caller waits for each event in turn.
  std::vector<std::vector<double>> phases(LibSide::kPhases);
  std::vector<double> ph_total;
  for (size_t i = 0; i < reps; ++i) {
    double ph[LibSide::kPhases];
    if (!lib.step(&total, &call, ph)) return false;
    for (int k = 0; k < LibSide::kPhases; ++k) phases[k].push_back(ph[k]);
    ph_total.push_back(total);
  }

  Stats sa = stats(a_all), sb = stats(b_all);
  double ratio = sa.median / sb.median;
  printf("  all %zu steps per side:\n", a_all.size());
  printf("    A libtinker pipelined : median %9.1f us   p90 %9.1f us   p99 %9.1f us   mean %9.1f us\n", sa.median,
         sa.p90, sa.p99, sa.mean);
  printf("    B raw round-trip sum  : median %9.1f us   p90 %9.1f us   p99 %9.1f us   mean %9.1f us\n", sb.median,
         sb.p90, sb.p99, sb.mean);
  Stats fs = stats(b_fs), fp = stats(b_fp), os = stats(b_os), op = stats(b_op);
  printf("    B's round trips, median / p90: forward_backward %.1f / %.1f, its retrieve_future %.1f / %.1f,"
         " optim_step %.1f / %.1f, its retrieve_future %.1f / %.1f us; extra polls (try_again) %zu\n",
         fs.median, fs.p90, fp.median, fp.p90, os.median, os.p90, op.median, op.p90, extra_polls);
  // Stalls of tens of ms (e.g. a delayed ACK meeting Nagle's algorithm on a socket without
  // TCP_NODELAY) hit either side at random and dominate means and p90s; counted separately.
  printf("    steps over 30 ms more than the side's median: A %zu, B %zu of %zu\n", count_over(a_all, sa.median + 30000),
         count_over(b_all, sb.median + 30000), a_all.size());
  printf("    client process per step (this process, all threads; mean): CPU A %.1f us, B %.1f us;"
         " minor page faults A %.1f, B %.1f\n",
         a_use.cpu_us / static_cast<double>(a_all.size()), b_use.cpu_us / static_cast<double>(b_all.size()),
         static_cast<double>(a_use.minflt) / static_cast<double>(a_all.size()),
         static_cast<double>(b_use.minflt) / static_cast<double>(b_all.size()));
  printf("    A: both _async calls returned after %.1f us (median; the batch is encoded on the caller's thread)\n",
         median_of(a_call));
  printf("    A's timeline (%zu more steps, caller waiting for each event; medians from the call): submitted"
         " forward_backward %.1f, optim_step %.1f; finished forward_backward %.1f, optim_step %.1f; taken %.1f us\n",
         reps, median_of(phases[0]), median_of(phases[1]), median_of(phases[2]), median_of(phases[3]),
         median_of(ph_total));
  printf("    alone: encoding the batch %.1f us, decoding one forward_backward result %.1f us (medians of %zu)\n",
         median_of(enc_us), median_of(dec_us), reps);
  printf("    difference A - B: median %+.1f us per step\n", sa.median - sb.median);
  printf("  RESULT %s: libtinker/raw = %.3fx (median), %.3fx (p90); A %.1f us, B %.1f us per step (median);"
         " expected <= 1.00x with pipelining: %s\n",
         title, ratio, sa.p90 / sb.p90, sa.median, sb.median, ratio <= 1.0 ? "met" : "NOT met");
  return true;
}

size_t discard(char* ptr, size_t size, size_t nmemb, void* ud) {
  (void)ptr;
  (void)ud;
  return size * nmemb;
}

// Makes the emulator answer every request to `path` `delay_ms` late (POST /_emulator/faults).
bool add_delay_fault(const std::string& base_url, const char* path, long delay_ms) {
  std::string url = base_url + "/_emulator/faults";
  char body[256];
  snprintf(body, sizeof body, "{\"path\":\"%s\",\"action\":\"delay\",\"delay_ms\":%ld,\"count\":-1}", path, delay_ms);
  long status = 0;
  curl_slist* h = curl_slist_append(nullptr, "Content-Type: application/json");
  CURL* e = curl_easy_init();
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
  CURLcode c = curl_easy_perform(e);
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(e);
  curl_slist_free_all(h);
  if (c != CURLE_OK || status != 200) {
    fprintf(stderr, "bench_sl_step: cannot add a delay fault for %s (HTTP %ld)\n", path, status);
    return false;
  }
  return true;
}

void usage() {
  fprintf(stderr,
          "usage: bench_sl_step [--batch DATUMSxTOKENS]... [-n STEPS] [--rounds R] [--warmup W] [--emulator PATH]\n"
          "                     [--server-delay-ms D]\n"
          "  default batches: 128x1024 (workload A) and 8x128; default STEPS per side and round: 50 for batches\n"
          "  of 65,536 tokens or more, 500 below\n");
}

struct BatchSize {
  size_t datums, tokens;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<BatchSize> batches;
  size_t steps = 0, warmup = 5;
  int rounds = 5;
  long server_delay_ms = 0;
  const char* emu_path = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--batch") == 0 && i + 1 < argc) {
      unsigned long d = 0, t = 0;
      char x = 0;
      if (sscanf(argv[++i], "%lu%c%lu", &d, &x, &t) != 3 || x != 'x' || d == 0 || t == 0) {
        usage();
        return 2;
      }
      batches.push_back({d, t});
    } else if (std::strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
      steps = std::strtoul(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
      rounds = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--warmup") == 0 && i + 1 < argc) {
      warmup = std::strtoul(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--emulator") == 0 && i + 1 < argc) {
      emu_path = argv[++i];
    } else if (std::strcmp(argv[i], "--server-delay-ms") == 0 && i + 1 < argc) {
      server_delay_ms = std::strtol(argv[++i], nullptr, 10);
    } else {
      usage();
      return 2;
    }
  }
  if (rounds <= 0 || server_delay_ms < 0) {
    usage();
    return 2;
  }
  if (batches.empty()) batches = {{128, 1024}, {8, 128}};

  const char* path = bench_find_emulator(emu_path, "bench_sl_step");
  if (path == nullptr) return 2;
  bench_emulator_t emu;
  if (bench_emulator_start(&emu, path, nullptr) != 0) return 1;
  curl_global_init(CURL_GLOBAL_DEFAULT);

  int rc = 1;
  tinker_client_options_t* opts = nullptr;
  tinker_service_client_t* client = nullptr;
  {
    LibSide lib;
    RawSide raw;
    if (tinker_client_options_new(&opts) != TINKER_OK ||
        tinker_client_options_set_base_url(opts, emu.base_url) != TINKER_OK ||
        tinker_client_options_set_api_key(opts, kApiKey) != TINKER_OK ||
        tinker_service_client_new(&client, opts) != TINKER_OK || tinker_adam_params_new(&lib.adam) != TINKER_OK) {
      fprintf(stderr, "bench_sl_step: cannot create the client: %s\n", last_message());
      goto done;
    }
    if (tinker_service_client_create_lora_training_client(client, kBaseModel, nullptr, nullptr, &lib.tc) != TINKER_OK) {
      fprintf(stderr, "bench_sl_step: create_lora_training_client: %s\n", last_message());
      goto done;
    }
    if (!raw.init(emu.base_url) || !raw.create_model()) goto done;

    printf("bench_sl_step: libtinker %s, %s, emulator %s, base model %s\n", tinker_version_string(), curl_version(),
           emu.base_url, kBaseModel);
    printf("models: A %s, B %s\n", tinker_training_client_model_id(lib.tc), raw.model_id.c_str());
    if (server_delay_ms > 0) {
      for (const char* p : {"/api/v1/forward_backward", "/api/v1/optim_step", "/api/v1/retrieve_future"})
        if (!add_delay_fault(emu.base_url, p, server_delay_ms)) goto done;
      printf("server delay: the emulator answers forward_backward, optim_step and retrieve_future %ld ms late\n",
             server_delay_ms);
    }
    bench_print_machine("at start");
    printf("A = libtinker: forward_backward_async + optim_step_async back to back, wait both, take both\n");
    printf("B = raw libcurl, one keep-alive handle: POST forward_backward, retrieve_future, POST optim_step,\n"
           "    retrieve_future in sequence, same headers; the body is the library's protobuf encoding\n"
           "    (src/wire encoder), assembled before the timer; B per step = the sum of its round trips\n");
    printf("%d interleaved rounds per batch, %zu warm-up steps per side\n", rounds, warmup);
    for (const BatchSize& bs : batches) {
      size_t n = steps ? steps : (bs.datums * bs.tokens >= 65536 ? 50 : 500);
      if (!run_workload(lib, raw, bs.datums, bs.tokens, n, rounds, warmup)) goto done;
    }
    bench_print_machine("at end");
    rc = 0;
  done:
    tinker_training_client_free(lib.tc);
  }
  tinker_service_client_free(client);
  tinker_client_options_free(opts);
  curl_global_cleanup();
  bench_emulator_stop(&emu);
  return rc;
}
