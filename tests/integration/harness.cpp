// The internals behind the job helper (the call engine and the structs behind the handles) come
// before harness.h: CMocka defines a function-like macro `fail` that would clash with their
// member functions of that name.
#include "capi/handles.h"
#include "core/call.h"
#include "core/client_context.h"

#include "harness.h"

#include <curl/curl.h>
#include <cjson/cJSON.h>

#include <algorithm>
#include <chrono>
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

// The result of a test job: the body of the poll that delivered it.
struct JobPayload final : tinker::Result {
  tinker::ResultKind kind() const override { return tinker::ResultKind::Internal; }
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
      "{\"client_config\": {\"billing_exception_max_pause_duration_sec\": null},"
      " \"dynamic_config_404\": false, \"poll_hold_ms\": 300,"
      " \"metadata_threshold_bytes\": 1048576, \"queue_state\": \"active\","
      " \"queue_state_reason\": null, \"jwt_ttl_sec\": 3600}");
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
  {
    std::lock_guard<std::mutex> lk(g_tracked_mu);
    fs.swap(g_futures);
    cs.swap(g_clients);
  }
  for (auto* f : fs) tinker_future_free(f);
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
  auto state = client->impl->context()->start(std::move(spec), tinker::ResultKind::Internal);
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
  tinker_status_t s = future->state->take(tinker::ResultKind::Internal, &r);
  assert_status(s, TINKER_OK, tinker_future_error(future));
  auto* payload = dynamic_cast<JobPayload*>(r.get());
  assert_non_null(payload);
  return payload->body;
}

std::vector<LogEntry> polls() { return request_log("/api/v1/retrieve_future"); }

std::vector<double> gaps_ms(const std::vector<LogEntry>& entries) {
  std::vector<double> out;
  for (size_t i = 1; i < entries.size(); ++i) out.push_back(entries[i].t_ms - entries[i - 1].t_ms);
  return out;
}

}  // namespace itest
