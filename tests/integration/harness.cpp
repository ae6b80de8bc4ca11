// The internals behind the job helper (the call engine and the structs behind the handles) come
// before harness.h: CMocka defines a function-like macro `fail` that would clash with their
// member functions of that name.
#include "capi/handles.h"
#include "core/call.h"
#include "core/client_context.h"
#include "wire/time_text.h"

#include "harness.h"

#include <curl/curl.h>
#include <cjson/cJSON.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

namespace itest {

namespace {

struct JsonDeleter {
  void operator()(cJSON* j) const { cJSON_Delete(j); }
};
using Json = std::unique_ptr<cJSON, JsonDeleter>;

Json parse_or_fail(const std::string& text, const char* what) {
  Json j(cJSON_Parse(text.c_str()));
  if (!j) {
    print_error("%s: not JSON: %s\n", what, text.c_str());
    fail();
  }
  return j;
}

std::string str(const cJSON* o, const char* key) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsString(v) ? std::string(v->valuestring) : std::string();
}

double num(const cJSON* o, const char* key) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

std::string env_or_fail(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    print_error("%s is not set: run this test through tests/with_emulator.sh\n", name);
    fail();
  }
  return v;
}

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Handles created by the helpers, freed by teardown when a test did not free them.
std::mutex g_tracked_mu;
std::vector<tinker_future_t*> g_futures;
std::vector<tinker_service_client_t*> g_clients;
std::vector<tinker_training_client_t*> g_training;
std::vector<tinker_sampling_client_t*> g_sampling;

// The result of a test job: the body of the poll that delivered it.
struct JobPayload final : tinker::Result {
  tinker::ResultKind kind() const override { return &tinker::result_types::Internal; }
  std::string body;
};

}  // namespace

// ---- environment -----------------------------------------------------------------------------

// Read once: tests may change the environment to exercise the library's own env handling.
std::string base_url() {
  static const std::string url = env_or_fail("TINKER_BASE_URL");
  return url;
}
std::string api_key() {
  static const std::string key = env_or_fail("TINKER_API_KEY");
  return key;
}

double now_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

void sleep_ms(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

bool is_rfc3339(const char* text) { return text && tinker::wire::parse_rfc3339(text, nullptr, nullptr, nullptr); }

int64_t utc_seconds(const std::string& rfc3339) {
  double t = 0;
  std::string why;
  if (!tinker::wire::parse_rfc3339(rfc3339, &t, nullptr, &why)) {
    print_error("\"%s\" %s\n", rfc3339.c_str(), why.c_str());
    fail();
  }
  return static_cast<int64_t>(std::floor(t));
}

// ---- raw HTTP --------------------------------------------------------------------------------

HttpReply http(const std::string& method, const std::string& path, const std::string& body,
               const std::string& key) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  HttpReply reply;
  CURL* c = curl_easy_init();
  assert_non_null(c);
  std::string url = base_url() + path;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  if (!key.empty()) headers = curl_slist_append(headers, ("X-API-Key: " + key).c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
  if (method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  } else if (method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  return reply;
}

static HttpReply admin_ok(const std::string& method, const std::string& path, const std::string& body = "") {
  HttpReply r = http(method, path, body);
  if (r.status != 200) {
    print_error("emulator admin %s %s %s -> %ld %s\n", method.c_str(), path.c_str(), body.c_str(), r.status,
                r.body.c_str());
    fail();
  }
  return r;
}

// ---- emulator admin API ------------------------------------------------------------------------

int64_t add_fault(const std::string& fault_json) {
  HttpReply r = admin_ok("POST", "/_emulator/faults", fault_json);
  Json j = parse_or_fail(r.body, "add_fault");
  return static_cast<int64_t>(num(j.get(), "id"));
}

void clear_faults() { admin_ok("DELETE", "/_emulator/faults"); }

void set_config(const std::string& config_json) { admin_ok("POST", "/_emulator/config", config_json); }

void reset_emulator() {
  clear_faults();
  set_config(
      "{\"client_config\": {\"billing_exception_max_pause_duration_sec\": null,"
      " \"sample_max_concurrent_requests\": null, \"sample_no_retries\": null},"
      " \"dynamic_config_404\": false, \"poll_hold_ms\": 300,"
      " \"metadata_threshold_bytes\": 1048576, \"queue_state\": \"active\","
      " \"queue_state_reason\": null, \"jwt_ttl_sec\": 3600,"
      " \"sample_max_concurrent\": 0, \"sample_delay_ms\": 0}");
  clear_log();
}

std::string LogEntry::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

std::string request_log_raw() { return admin_ok("GET", "/_emulator/log").body; }

std::vector<LogEntry> request_log(const std::string& path) {
  std::string q;
  if (!path.empty()) {
    char* esc = curl_easy_escape(nullptr, path.c_str(), static_cast<int>(path.size()));
    q = std::string("?path=") + esc;
    curl_free(esc);
  }
  HttpReply r = admin_ok("GET", "/_emulator/log" + q);
  Json j = parse_or_fail(r.body, "request_log");
  std::vector<LogEntry> out;
  const cJSON* e;
  cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(j.get(), "entries")) {
    LogEntry le;
    le.t_ms = num(e, "t_ms");
    le.method = str(e, "method");
    le.path = str(e, "path");
    le.status = static_cast<int>(num(e, "status"));
    le.fault = str(e, "fault");
    le.user = str(e, "user");
    le.request_id = str(e, "request_id");
    le.session_id = str(e, "session_id");
    const cJSON* seq = cJSON_GetObjectItemCaseSensitive(e, "seq_id");
    if (cJSON_IsNumber(seq)) le.seq_id = static_cast<int64_t>(seq->valuedouble);
    le.model_id = str(e, "model_id");
    const cJSON* h;
    cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(e, "headers")) {
      if (std::string(h->string) == "x-api-key") {
        le.has_api_key = cJSON_IsTrue(h);
      } else if (cJSON_IsString(h)) {
        le.headers[h->string] = h->valuestring;
      }
    }
    out.push_back(std::move(le));
  }
  return out;
}

void clear_log() { admin_ok("DELETE", "/_emulator/log"); }

std::vector<std::string> paths(const std::vector<LogEntry>& log) {
  std::vector<std::string> out;
  for (const auto& e : log) out.push_back(e.path);
  return out;
}

void dump(const std::vector<LogEntry>& log) {
  for (const auto& e : log) {
    print_message("  %9.1f ms %s %s -> %d%s%s iter=%s retry=%s key=%s\n", e.t_ms, e.method.c_str(), e.path.c_str(),
                  e.status, e.fault.empty() ? "" : " fault=", e.fault.c_str(),
                  e.header("x-tinker-request-iteration").c_str(), e.header("x-stainless-retry-count").c_str(),
                  e.header("x-idempotency-key").c_str());
  }
}

std::vector<SessionInfo> sessions() {
  HttpReply r = admin_ok("GET", "/_emulator/sessions");
  Json j = parse_or_fail(r.body, "sessions");
  std::vector<SessionInfo> out;
  const cJSON* s;
  cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(j.get(), "sessions")) {
    SessionInfo si;
    si.session_id = str(s, "session_id");
    si.user = str(s, "user");
    si.heartbeats = static_cast<int64_t>(num(s, "heartbeats"));
    const cJSON* t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(s, "tags")) {
      if (cJSON_IsString(t)) si.tags.emplace_back(t->valuestring);
    }
    si.project_id = str(s, "project_id");
    const cJSON* m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(s, "user_metadata")) {
      if (cJSON_IsString(m)) si.user_metadata[m->string] = m->valuestring;
    }
    si.sdk_version = str(s, "sdk_version");
    out.push_back(std::move(si));
  }
  return out;
}

double emulator_now_ms() {
  HttpReply r = admin_ok("GET", "/_emulator/stats");
  Json j = parse_or_fail(r.body, "stats");
  return num(j.get(), "uptime_ms");
}

// ---- clients -------------------------------------------------------------------------------------

tinker_client_options_t* fast_options() {
  tinker_client_options_t* o = nullptr;
  assert_int_equal(tinker_client_options_new(&o), TINKER_OK);
  assert_int_equal(tinker_client_options_set_base_url(o, base_url().c_str()), TINKER_OK);
  assert_int_equal(tinker_client_options_set_api_key(o, api_key().c_str()), TINKER_OK);
  assert_int_equal(tinker_client_options_set_max_retries(o, 2), TINKER_OK);
  assert_int_equal(tinker_client_options_set_retry_budget_ms(o, 3000), TINKER_OK);
  assert_int_equal(tinker_client_options_set_request_timeout_ms(o, 5000), TINKER_OK);
  assert_int_equal(tinker_client_options_set_connect_timeout_ms(o, 2000), TINKER_OK);
  return o;
}

tinker_client_options_t* skipping_options(std::shared_ptr<tinker::SkippingClock>* clock) {
  tinker_client_options_t* o = fast_options();
  auto c = std::make_shared<tinker::SkippingClock>();
  o->o.time_source = c;
  if (clock) *clock = c;
  return o;
}

double ms_between(tinker::Clock::time_point from, tinker::Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

double sent_ms(const LogEntry& e) {
  const std::string us = e.header("x-tinker-test-clock-us");
  return us.empty() ? e.t_ms : std::stod(us) / 1000.0;
}

tinker_service_client_t* new_client(tinker_client_options_t* options) {
  tinker_service_client_t* c = nullptr;
  tinker_status_t s = tinker_service_client_new(&c, options);
  tinker_client_options_free(options);
  assert_status(s, TINKER_OK, tinker_last_error());
  assert_non_null(c);
  std::lock_guard<std::mutex> lk(g_tracked_mu);
  g_clients.push_back(c);
  return c;
}

void untrack(const void* handle) {
  std::lock_guard<std::mutex> lk(g_tracked_mu);
  g_futures.erase(std::remove(g_futures.begin(), g_futures.end(), handle), g_futures.end());
  g_clients.erase(std::remove(g_clients.begin(), g_clients.end(), handle), g_clients.end());
  g_training.erase(std::remove(g_training.begin(), g_training.end(), handle), g_training.end());
  g_sampling.erase(std::remove(g_sampling.begin(), g_sampling.end(), handle), g_sampling.end());
}

void free_client(tinker_service_client_t* client) {
  untrack(client);
  tinker_service_client_free(client);
}

tinker_future_t* track(tinker_future_t* future) {
  std::lock_guard<std::mutex> lk(g_tracked_mu);
  g_futures.push_back(future);
  return future;
}

void free_future(tinker_future_t* future) {
  untrack(future);
  tinker_future_free(future);
}

int setup(void**) {
  reset_emulator();
  return 0;
}

int teardown(void**) {
  std::vector<tinker_future_t*> fs;
  std::vector<tinker_service_client_t*> cs;
  std::vector<tinker_training_client_t*> ts;
  std::vector<tinker_sampling_client_t*> ss;
  {
    std::lock_guard<std::mutex> lk(g_tracked_mu);
    fs.swap(g_futures);
    cs.swap(g_clients);
    ts.swap(g_training);
    ss.swap(g_sampling);
  }
  for (auto* f : fs) tinker_future_free(f);
  for (auto* t : ts) tinker_training_client_free(t);
  for (auto* sc : ss) tinker_sampling_client_free(sc);
  for (auto* c : cs) tinker_service_client_free(c);
  clear_faults();
  return 0;
}

std::string describe(tinker_status_t status, const tinker_error_t* error) {
  std::string out = tinker_status_str(status);
  if (error != nullptr && tinker_error_message(error)[0] != '\0') {
    out += " (";
    out += tinker_error_message(error);
    out += ")";
  }
  return out;
}

// ---- jobs ----------------------------------------------------------------------------------------

tinker_future_t* start_job(tinker_service_client_t* client, const Job& job) {
  Json b(cJSON_CreateObject());
  cJSON_AddNumberToObject(b.get(), "delay_ms", static_cast<double>(job.delay_ms));
  if (!job.result_json.empty()) {
    cJSON* r = cJSON_Parse(job.result_json.c_str());
    assert_non_null(r);
    cJSON_AddItemToObject(b.get(), "result", r);
  }
  if (!job.error.empty()) cJSON_AddStringToObject(b.get(), "error", job.error.c_str());
  if (!job.category.empty()) cJSON_AddStringToObject(b.get(), "category", job.category.c_str());
  if (job.result_size_bytes >= 0) {
    cJSON_AddNumberToObject(b.get(), "result_size_bytes", static_cast<double>(job.result_size_bytes));
  }
  cJSON_AddStringToObject(b.get(), "request_type", job.request_type.c_str());
  char* text = cJSON_PrintUnformatted(b.get());
  std::string body = text;
  cJSON_free(text);

  tinker::CallSpec spec;
  spec.what = "test_job";
  spec.prerequisite = job.needs_config ? tinker::Prerequisite::Config : tinker::Prerequisite::None;
  spec.build = [body] {
    tinker::http::Request r;
    r.method = "POST";
    r.url = "/_emulator/jobs";
    r.body = body;
    return r;
  };
  spec.returns_future = true;
  spec.request_type = job.request_type;
  spec.decode = [](const tinker::http::Response& r, std::unique_ptr<tinker::Result>* out, tinker::Error*) {
    auto payload = std::make_unique<JobPayload>();
    payload->body = r.body;
    *out = std::move(payload);
    return true;
  };
  spec.deadline_ms = job.deadline_ms;
  auto state = client->impl->context()->start(std::move(spec), &tinker::result_types::Internal);
  return track(new tinker_future{state});
}

tinker_status_t wait_job(tinker_future_t* future, int64_t timeout_ms) {
  tinker_status_t s = tinker_future_wait(future, timeout_ms);
  if (s == TINKER_E_TIMEOUT) {
    print_error("job still running after %lld ms\n", static_cast<long long>(timeout_ms));
    dump(request_log());
    fail();
  }
  return s;
}

std::string job_result_body(tinker_future_t* future) {
  std::unique_ptr<tinker::Result> r;
  tinker_status_t s = future->state->take(&tinker::result_types::Internal, &r);
  assert_status(s, TINKER_OK, tinker_future_error(future));
  auto* payload = dynamic_cast<JobPayload*>(r.get());
  assert_non_null(payload);
  return payload->body;
}

std::vector<LogEntry> polls() { return request_log("/api/v1/retrieve_future"); }

std::vector<double> gaps_ms(const std::vector<LogEntry>& entries) {
  std::vector<double> out;
  for (size_t i = 1; i < entries.size(); ++i) out.push_back(sent_ms(entries[i]) - sent_ms(entries[i - 1]));
  return out;
}

// ---- training ------------------------------------------------------------------------------------

const char* const kTinyModel = "tinker-emulator/tiny-bigram";

tinker_training_client_t* track_training(tinker_training_client_t* client) {
  std::lock_guard<std::mutex> lk(g_tracked_mu);
  g_training.push_back(client);
  return client;
}

void free_training(tinker_training_client_t* client) {
  untrack(client);
  tinker_training_client_free(client);
}

tinker_sampling_client_t* track_sampling(tinker_sampling_client_t* client) {
  std::lock_guard<std::mutex> lk(g_tracked_mu);
  g_sampling.push_back(client);
  return client;
}

tinker_training_client_t* new_training_client(tinker_service_client_t* service, int32_t rank, int64_t seed,
                                              const char* base) {
  tinker_lora_config_t* lora = nullptr;
  assert_int_equal(tinker_lora_config_new(&lora), TINKER_OK);
  assert_int_equal(tinker_lora_config_set_rank(lora, rank), TINKER_OK);
  assert_int_equal(tinker_lora_config_set_seed(lora, seed), TINKER_OK);
  tinker_training_client_t* tc = nullptr;
  tinker_status_t s = tinker_service_client_create_lora_training_client(service, base, lora, nullptr, &tc);
  tinker_lora_config_free(lora);
  assert_status(s, TINKER_OK, tinker_last_error());
  assert_non_null(tc);
  return track_training(tc);
}

DatumSpec text_datum(const std::string& text) {
  DatumSpec d;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    d.input.push_back(static_cast<unsigned char>(text[i]));
    d.target.push_back(static_cast<unsigned char>(text[i + 1]));
  }
  return d;
}

DatumSpec image_pointer_datum(const std::string& url) {
  DatumSpec d;
  d.input = {1, 2};
  d.image_url = url;
  d.target = {2, 3, 4, 5, 6, 7};
  return d;
}

TrainBatch::TrainBatch() { assert_int_equal(tinker_batch_new(&batch_), TINKER_OK); }

TrainBatch::~TrainBatch() {
  tinker_batch_free(batch_);
  for (auto& item : items_) {
    tinker_datum_free(item->datum);
    tinker_model_input_free(item->input);
  }
}

void TrainBatch::add_text(const std::string& text, float weight) {
  DatumSpec d = text_datum(text);
  d.floats.emplace_back("weights", std::vector<float>(d.input.size(), weight));
  add(d);
}

void TrainBatch::add(const std::vector<int64_t>& input, const std::vector<int64_t>& target,
                     const std::vector<float>& weights) {
  DatumSpec d;
  d.input = input;
  d.target = target;
  if (!weights.empty()) d.floats.emplace_back("weights", weights);
  add(d);
}

void TrainBatch::add(const DatumSpec& datum, int times) {
  auto item = std::make_unique<Item>();
  item->spec = datum;
  const DatumSpec& d = item->spec;  // the arrays the builders borrow
  auto shape = [](const std::vector<int64_t>& s) { return s.empty() ? nullptr : s.data(); };
  assert_int_equal(tinker_model_input_new(&item->input), TINKER_OK);
  assert_int_equal(tinker_model_input_add_text_int64(item->input, d.input.data(), d.input.size()), TINKER_OK);
  if (!d.image_url.empty()) {
    assert_int_equal(tinker_model_input_add_image_asset_pointer(item->input, d.image_url.c_str(), "png", 4),
                     TINKER_OK);
  }
  assert_int_equal(tinker_datum_new(&item->datum, item->input), TINKER_OK);
  if (!d.target.empty()) {
    assert_int_equal(tinker_datum_add_tensor_int64(item->datum, "target_tokens", d.target.data(), d.target.size(),
                                                   shape(d.target_shape), d.target_shape.size()),
                     TINKER_OK);
  }
  for (const auto& kv : d.floats) {
    if (kv.second.empty()) continue;
    assert_int_equal(tinker_datum_add_tensor_float32(item->datum, kv.first.c_str(), kv.second.data(), kv.second.size(),
                                                     shape(d.float_shape), d.float_shape.size()),
                     TINKER_OK);
  }
  for (int k = 0; k < times; ++k) {
    assert_int_equal(tinker_batch_add(batch_, item->datum), TINKER_OK);
    entries_.push_back(item.get());
  }
  items_.push_back(std::move(item));
}

const std::vector<float>& TrainBatch::weights(size_t i) const {
  static const std::vector<float> none;
  for (const auto& kv : entries_.at(i)->spec.floats)
    if (kv.first == "weights") return kv.second;
  return none;
}

void TrainBatch::clobber() {
  for (auto& item : items_) {
    std::fill(item->spec.input.begin(), item->spec.input.end(), 0);
    std::fill(item->spec.target.begin(), item->spec.target.end(), 0);
    for (auto& kv : item->spec.floats) std::fill(kv.second.begin(), kv.second.end(), 0.0f);
  }
}

double FbResult::metric(const std::string& name) const {
  auto it = metrics.find(name);
  if (it == metrics.end()) {
    print_error("metric %s is missing; have:", name.c_str());
    for (const auto& kv : metrics) print_error(" %s", kv.first.c_str());
    print_error("\n");
    fail();
  }
  return it->second;
}

FbResult fb_result(const tinker_forward_backward_output_t* out) {
  assert_non_null(out);
  FbResult r;
  r.num_datums = tinker_forward_backward_output_num_datums(out);
  const char* type = tinker_forward_backward_output_loss_fn_output_type(out);
  r.loss_fn_output_type = type ? type : "";
  for (size_t i = 0; i < r.num_datums; ++i) {
    r.tensor_counts.push_back(tinker_forward_backward_output_tensor_count(out, i));
    const tinker_tensor_t* t = nullptr;
    tinker_status_t s = tinker_forward_backward_output_tensor(out, i, "logprobs", &t);
    assert_status(s, TINKER_OK, tinker_last_error());
    assert_int_equal(tinker_tensor_dtype(t), TINKER_DTYPE_FLOAT32);
    const float* data = tinker_tensor_data_float32(t);
    size_t n = tinker_tensor_numel(t);
    assert_true(n == 0 || data != nullptr);
    r.logprobs.emplace_back(data, data + n);
    std::vector<int64_t> shape;
    for (size_t k = 0; k < tinker_tensor_ndim(t); ++k) shape.push_back(tinker_tensor_dim(t, k));
    r.shapes.push_back(shape);
  }
  const tinker_metrics_t* m = tinker_forward_backward_output_metrics(out);
  for (size_t i = 0; i < tinker_metrics_count(m); ++i) {
    r.metrics[tinker_metrics_name(m, i)] = tinker_metrics_value(m, i);
  }
  return r;
}

FbResult take_fb(tinker_future_t* future) {
  tinker_status_t s = tinker_future_wait(future, 20000);
  if (s == TINKER_E_TIMEOUT) {
    print_error("forward/backward still running after 20 s\n");
    dump(request_log());
    fail();
  }
  assert_status(s, TINKER_OK, tinker_future_error(future));
  tinker_forward_backward_output_t* out = nullptr;
  assert_status(tinker_future_take_forward_backward_output(future, &out), TINKER_OK, tinker_last_error());
  FbResult r = fb_result(out);
  tinker_forward_backward_output_free(out);
  return r;
}

static FbResult run_fb(tinker_training_client_t* client, const TrainBatch& batch, bool backward) {
  tinker_forward_backward_output_t* out = nullptr;
  tinker_status_t s = backward
                          ? tinker_training_client_forward_backward(client, batch.get(), "cross_entropy", nullptr, &out)
                          : tinker_training_client_forward(client, batch.get(), "cross_entropy", nullptr, &out);
  assert_status(s, TINKER_OK, tinker_last_error());
  FbResult r = fb_result(out);
  tinker_forward_backward_output_free(out);
  return r;
}

FbResult forward(tinker_training_client_t* client, const TrainBatch& batch) { return run_fb(client, batch, false); }
FbResult forward_backward(tinker_training_client_t* client, const TrainBatch& batch) {
  return run_fb(client, batch, true);
}

std::string save_state(tinker_training_client_t* client, const char* name, bool async, int overwrite) {
  tinker_save_result_t* r = nullptr;
  if (!async) {
    assert_status(tinker_training_client_save_state(client, name, 0, overwrite, &r), TINKER_OK, tinker_last_error());
  } else {
    tinker_future_t* f = nullptr;
    Outcome o = async_outcome(tinker_training_client_save_state_async(client, name, 0, overwrite, &f), &f);
    assert_status(o.status, TINKER_OK, nullptr);
    assert_status(tinker_future_take_save_result(f, &r), TINKER_OK, tinker_last_error());
  }
  std::string path = tinker_save_result_path(r);
  tinker_save_result_free(r);
  return path;
}

std::map<std::string, double> optim_step(tinker_training_client_t* client, double lr) {
  tinker_adam_params_t* p = nullptr;
  if (lr >= 0) {
    assert_int_equal(tinker_adam_params_new(&p), TINKER_OK);
    assert_int_equal(tinker_adam_params_set_learning_rate(p, lr), TINKER_OK);
  }
  tinker_optim_step_result_t* r = nullptr;
  tinker_status_t s = tinker_training_client_optim_step(client, p, &r);
  tinker_adam_params_free(p);
  assert_status(s, TINKER_OK, tinker_last_error());
  std::map<std::string, double> m;
  const tinker_metrics_t* mt = tinker_optim_step_result_metrics(r);
  for (size_t i = 0; i < tinker_metrics_count(mt); ++i) m[tinker_metrics_name(mt, i)] = tinker_metrics_value(mt, i);
  tinker_optim_step_result_free(r);
  return m;
}

double cross_entropy(const TrainBatch& batch, const FbResult& r) {
  assert_int_equal(r.logprobs.size(), batch.size());
  double loss = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    assert_int_equal(r.logprobs[i].size(), batch.length(i));
    for (size_t j = 0; j < r.logprobs[i].size(); ++j) {
      double w = batch.weights(i).empty() ? 1.0 : batch.weights(i)[j];
      loss -= w * r.logprobs[i][j];
    }
  }
  return loss;
}

double max_logprob_diff(const FbResult& a, const FbResult& b) {
  assert_int_equal(a.logprobs.size(), b.logprobs.size());
  double worst = 0;
  for (size_t i = 0; i < a.logprobs.size(); ++i) {
    assert_true(a.shapes[i] == b.shapes[i]);
    assert_int_equal(a.logprobs[i].size(), b.logprobs[i].size());
    for (size_t j = 0; j < a.logprobs[i].size(); ++j) {
      double d = std::fabs(static_cast<double>(a.logprobs[i][j]) - b.logprobs[i][j]);
      if (!(d <= worst)) worst = d;  // NaN propagates as a failure
    }
  }
  return worst;
}

void assert_same_logprobs(const FbResult& a, const FbResult& b, double tol) {
  double d = max_logprob_diff(a, b);
  if (!(d <= tol)) {
    print_error("logprobs differ by %g (tolerance %g)\n", d, tol);
    fail();
  }
}

std::vector<LogEntry> model_log(const std::string& model_id, const std::string& path) {
  std::vector<LogEntry> out;
  for (auto& e : request_log(path))
    if (e.model_id == model_id) out.push_back(std::move(e));
  return out;
}

std::vector<LogEntry> model_log_paths(const std::string& model_id, const std::vector<std::string>& paths) {
  std::vector<LogEntry> out;
  for (auto& e : model_log(model_id))
    if (std::find(paths.begin(), paths.end(), e.path) != paths.end()) out.push_back(std::move(e));
  return out;
}

std::vector<LogEntry> fwdbwd_log(tinker_training_client_t* client) {
  return model_log(tinker_training_client_model_id(client), "/api/v1/forward_backward");
}

std::vector<int64_t> seq_ids(const std::vector<LogEntry>& entries) {
  std::vector<int64_t> out;
  for (const auto& e : entries) out.push_back(e.seq_id);
  return out;
}

static Outcome outcome_of(tinker_status_t status, const tinker_error_t* e) {
  Outcome o;
  o.status = status;
  if (e != nullptr) {
    o.message = tinker_error_message(e);
    o.category = tinker_error_category(e);
    o.http_status = tinker_error_http_status(e);
  }
  return o;
}

Outcome blocking_outcome(tinker_status_t status) { return outcome_of(status, tinker_last_error()); }

Outcome async_outcome(tinker_status_t start, tinker_future_t** slot, int64_t timeout_ms) {
  if (start != TINKER_OK) return outcome_of(start, tinker_last_error());
  tinker_future_t* future = *slot;
  assert_non_null(future);
  track(future);
  tinker_status_t s = tinker_future_wait(future, timeout_ms);
  if (s == TINKER_E_TIMEOUT) {
    print_error("future still running after %lld ms\n", static_cast<long long>(timeout_ms));
    dump(request_log());
    fail();
  }
  return outcome_of(s, tinker_future_error(future));
}

Outcome blocking_fb_outcome(tinker_status_t status, tinker_forward_backward_output_t* out, FbResult* r) {
  Outcome o = blocking_outcome(status);
  if (status == TINKER_OK && r != nullptr) *r = fb_result(out);
  tinker_forward_backward_output_free(out);
  return o;
}

Outcome async_fb_outcome(tinker_status_t start, tinker_future_t** future, FbResult* r) {
  Outcome o = async_outcome(start, future);
  if (o.status == TINKER_OK && r != nullptr) *r = take_fb(*future);
  return o;
}

EmuModel emulator_model(const std::string& model_id) {
  HttpReply r = admin_ok("GET", "/_emulator/models");
  Json j = parse_or_fail(r.body, "models");
  const cJSON* m;
  cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(j.get(), "models")) {
    if (str(m, "model_id") != model_id) continue;
    EmuModel out;
    out.model_id = model_id;
    out.session_id = str(m, "session_id");
    out.state = str(m, "state");
    out.created_by = str(m, "created_by");
    out.base_model = str(m, "base_model");
    const cJSON* rank = cJSON_GetObjectItemCaseSensitive(m, "lora_rank");
    if (cJSON_IsNumber(rank)) out.lora_rank = static_cast<int64_t>(rank->valuedouble);
    const cJSON* it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(m, "user_metadata")) {
      if (cJSON_IsString(it)) out.user_metadata[it->string] = it->valuestring;
    }
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(m, "executed_seq_ids")) {
      out.executed_seq_ids.push_back(static_cast<int64_t>(it->valuedouble));
    }
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(m, "waiting_seq_ids")) {
      out.waiting_seq_ids.push_back(static_cast<int64_t>(it->valuedouble));
    }
    return out;
  }
  print_error("the emulator has no model %s: %s\n", model_id.c_str(), r.body.c_str());
  fail();
  return EmuModel{};
}

const RecordedTensor& RecordedDatum::input(const std::string& name) const {
  auto it = loss_fn_inputs.find(name);
  if (it == loss_fn_inputs.end()) {
    print_error("the recorded datum has no loss_fn_input %s\n", name.c_str());
    fail();
  }
  return it->second;
}

void record_inputs(int n) { set_config("{\"record_inputs\": " + std::to_string(n) + "}"); }

static RecordedTensor recorded_tensor(const cJSON* t) {
  RecordedTensor out;
  out.dtype = str(t, "dtype");
  const bool is_float = out.dtype == "float32" || out.dtype == "bfloat16";
  const cJSON* v;
  cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(t, "shape")) {
    out.shape.push_back(static_cast<int64_t>(v->valuedouble));
  }
  cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(t, "sparse_crow_indices")) {
    out.crow_indices.push_back(static_cast<int64_t>(v->valuedouble));
  }
  cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(t, "sparse_col_indices")) {
    out.col_indices.push_back(static_cast<int64_t>(v->valuedouble));
  }
  cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(t, "data")) {
    assert_true(cJSON_IsNumber(v));  // a non-finite float would be null
    if (is_float) {
      out.f32.push_back(static_cast<float>(v->valuedouble));
    } else {
      out.i64.push_back(static_cast<int64_t>(v->valuedouble));
    }
  }
  return out;
}

std::vector<RecordedRequest> recorded_inputs(const std::string& model_id) {
  char* esc = curl_easy_escape(nullptr, model_id.c_str(), static_cast<int>(model_id.size()));
  HttpReply r = admin_ok("GET", std::string("/_emulator/inputs?model_id=") + esc);
  curl_free(esc);
  Json j = parse_or_fail(r.body, "inputs");
  std::vector<RecordedRequest> out;
  const cJSON* q;
  cJSON_ArrayForEach(q, cJSON_GetObjectItemCaseSensitive(j.get(), "requests")) {
    RecordedRequest rr;
    rr.seq_id = static_cast<int64_t>(num(q, "seq_id"));
    rr.forward_only = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(q, "forward_only"));
    rr.loss_fn = str(q, "loss_fn");
    rr.encoding = str(q, "encoding");
    const cJSON* it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(q, "loss_fn_config")) {
      rr.loss_fn_config[it->string] = it->valuedouble;
    }
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(q, "data")) {
      RecordedDatum d;
      d.model_input_tokens = static_cast<int64_t>(num(it, "model_input_tokens"));
      const cJSON* t;
      cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(it, "loss_fn_inputs")) {
        d.loss_fn_inputs[t->string] = recorded_tensor(t);
      }
      rr.data.push_back(std::move(d));
    }
    out.push_back(std::move(rr));
  }
  return out;
}

int training_setup(void** state) {
  set_config(
      "{\"client_config\": {\"fwdbwd_max_chunk_len\": null, \"fwdbwd_max_chunk_bytes_count\": null,"
      " \"parallel_fwdbwd_chunks\": null, \"proto_compress_fwdbwd\": null,"
      " \"fwdbwd_dispatch_bytes_semaphore_size\": null,"
      " \"create_model_via_load_weights\": null}, \"seq_gap_timeout_ms\": 60000,"
      " \"record_inputs\": 0}");
  return setup(state);
}

}  // namespace itest
