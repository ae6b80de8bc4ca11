#include "core/client_context.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "wire/json.h"
#include "core/jwt.h"
#include "tinker/tinker_version.h"

namespace tinker {

namespace {

constexpr double kHeartbeatWarnAfterSeconds = 120;  // protocol.md §5.2
constexpr long kHeartbeatTimeoutMs = 10000;
constexpr long kDynamicConfigTimeoutMs = 10000;
constexpr double kJwtRefreshLeadSeconds = 300;  // protocol.md §1.2
constexpr double kJwtRetrySeconds = 60;
constexpr double kPausedLogIntervalSeconds = 60;  // protocol.md §3.2 row 2
constexpr int64_t kMaxRefreshIntervalSeconds = 365LL * 24 * 3600;
constexpr int64_t kMaxTransferTimeoutMs = INT32_MAX;

bool same_header(const std::string& a, const std::string& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

bool has_header(const http::Request& r, const std::string& name) {
  for (const auto& h : r.headers)
    if (same_header(h.first, name)) return true;
  return false;
}

void set_default(http::Request& r, const std::string& name, const std::string& value) {
  if (!has_header(r, name)) r.headers.emplace_back(name, value);
}

const char* arch_name() {
#if defined(__x86_64__)
  return "x64";
#elif defined(__aarch64__)
  return "arm64";
#else
  return "unknown";
#endif
}

http::Settings transport_settings(const ClientOptions& o) {
  http::Settings s;
  s.proxy = o.proxy;
  s.ca_bundle_path = o.ca_bundle_path;
  s.verify_tls = o.verify_tls;
  return s;
}

tinker_queue_state_t queue_state_from(const std::string& s) {
  if (s == "active") return TINKER_QUEUE_ACTIVE;
  if (s == "paused_capacity") return TINKER_QUEUE_PAUSED_CAPACITY;
  if (s == "paused_rate_limit") return TINKER_QUEUE_PAUSED_RATE_LIMIT;
  return TINKER_QUEUE_UNKNOWN;
}

std::string sdk_version_body(const std::string& version) {
  json::Ptr b(cJSON_CreateObject());
  cJSON_AddStringToObject(b.get(), "sdk_version", version.c_str());
  return json::dump(b.get());
}

}  // namespace

namespace {

// The ranges a server may set (§7.12). Byte budgets and sizes must be positive (a negative
// budget would block every request forever) and stay within what a double holds exactly.
constexpr int64_t kMaxServerBytes = int64_t{1} << 50;
struct IntFlag {
  const char* key;
  int64_t ServerConfig::*field;
  int64_t lo, hi;
};
constexpr IntFlag kIntFlags[] = {
    {"sample_dispatch_bytes_semaphore_size", &ServerConfig::sample_dispatch_bytes_semaphore_size, 1, kMaxServerBytes},
    {"inflight_response_bytes_semaphore_size", &ServerConfig::inflight_response_bytes_semaphore_size, 1, kMaxServerBytes},
    {"fwdbwd_max_chunk_len", &ServerConfig::fwdbwd_max_chunk_len, 1, int64_t{1} << 31},
    {"fwdbwd_max_chunk_bytes_count", &ServerConfig::fwdbwd_max_chunk_bytes_count, 1, kMaxServerBytes},
    {"fwdbwd_dispatch_bytes_semaphore_size", &ServerConfig::fwdbwd_dispatch_bytes_semaphore_size, 1, kMaxServerBytes},
    {"sample_max_concurrent_requests", &ServerConfig::sample_max_concurrent_requests, 1, 1000000},
};
struct BoolFlag {
  const char* key;
  bool ServerConfig::*field;
};
constexpr BoolFlag kBoolFlags[] = {
    {"pjwt_auth_enabled", &ServerConfig::pjwt_auth_enabled},
    {"parallel_fwdbwd_chunks", &ServerConfig::parallel_fwdbwd_chunks},
    {"proto_compress_fwdbwd", &ServerConfig::proto_compress_fwdbwd},
    {"sample_no_retries", &ServerConfig::sample_no_retries},
    {"sample_enable_stuck_detection", &ServerConfig::sample_enable_stuck_detection},
    {"create_model_via_load_weights", &ServerConfig::create_model_via_load_weights},
};
constexpr double kMaxBillingPauseSeconds = 30.0 * 24 * 3600;

}  // namespace

bool parse_server_config(const std::string& body, ServerConfig* c, std::vector<std::string>* warnings) {
  auto doc = json::parse(body);
  if (!doc || !cJSON_IsObject(doc.get())) return false;
  const cJSON* d = doc.get();
  auto reject = [&](const char* key, const std::string& rule) {
    if (warnings) warnings->push_back(std::string(key) + " " + rule + "; keeping the default");
  };
  for (const BoolFlag& f : kBoolFlags) {
    const cJSON* v = cJSON_GetObjectItemCaseSensitive(d, f.key);
    if (cJSON_IsBool(v)) c->*f.field = cJSON_IsTrue(v) != 0;
    else if (v && !cJSON_IsNull(v)) reject(f.key, "is not a boolean");
  }
  for (const IntFlag& f : kIntFlags) {
    bool bad = false;
    if (auto x = json::get_int(d, f.key, f.lo, f.hi, &bad)) c->*f.field = *x;
    else if (bad) reject(f.key, "is not a whole number in [" + std::to_string(f.lo) + ", " + std::to_string(f.hi) + "]");
  }
  const char* pause_key = "billing_exception_max_pause_duration_sec";
  if (const cJSON* v = cJSON_GetObjectItemCaseSensitive(d, pause_key); v && !cJSON_IsNull(v)) {
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= kMaxBillingPauseSeconds)
      c->billing_exception_max_pause_duration_sec = v->valuedouble;
    else
      reject(pause_key, "is not a number of seconds in [0, 30 days]");
  }
  return true;
}

ClientContext::ClientContext(ClientOptions options)
    : options_(std::move(options)),
      logger_(options_.log_cb, options_.log_user_data, options_.log_level.value_or(TINKER_LOG_OFF)),
      runtime_(std::make_unique<Runtime>(transport_settings(options_), logger_, options_.time_source)),
      credential_(options_.api_key.value_or("")) {
  secrets_.add(credential_);
}

ClientContext::~ClientContext() { runtime_->shutdown(); }

std::shared_ptr<FutureState> ClientContext::start(CallSpec spec, ResultKind kind) {
  auto future = std::make_shared<FutureState>(runtime_->completion(), kind);
  start_call(*this, std::move(spec), future);
  return future;
}

std::string ClientContext::session_id() const {
  std::lock_guard<std::mutex> lk(session_mu_);
  return session_id_;
}

ServerConfig ClientContext::server_config_snapshot() const {
  std::lock_guard<std::mutex> lk(session_mu_);
  return config_snapshot_;
}

BytesBudget& ClientContext::fwdbwd_dispatch_budget() {
  if (!fwdbwd_budget_) fwdbwd_budget_ = std::make_unique<BytesBudget>(config_.fwdbwd_dispatch_bytes_semaphore_size);
  return *fwdbwd_budget_;
}

SampleDispatch& ClientContext::sample_dispatch() {
  if (!sample_dispatch_)
    sample_dispatch_ = std::make_unique<SampleDispatch>(*runtime_, config_.sample_dispatch_bytes_semaphore_size);
  return *sample_dispatch_;
}

const char* ClientContext::session_id_cstr() const {
  std::lock_guard<std::mutex> lk(session_mu_);
  return session_id_.empty() ? nullptr : session_id_.c_str();
}

void ClientContext::decorate(http::Request& req, long timeout_ms) const {
  std::string base = *options_.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (req.url.rfind("http://", 0) != 0 && req.url.rfind("https://", 0) != 0) req.url = base + req.url;
  // Saturated: libcurl adds timeouts to its clock, and 24 days is "no timeout" in practice.
  req.timeout_ms = static_cast<long>(std::min<int64_t>(timeout_ms > 0 ? timeout_ms : options_.request_timeout_ms, kMaxTransferTimeoutMs));
  req.connect_timeout_ms = static_cast<long>(std::min<int64_t>(options_.connect_timeout_ms, kMaxTransferTimeoutMs));
  req.max_response_bytes = options_.max_response_bytes;

  // The token exchange always presents the API key itself, never the JWT (§1.2).
  static const std::string kTokenPath = "/api/v1/auth/token";
  bool is_token_exchange = req.url.size() >= kTokenPath.size() &&
                           req.url.compare(req.url.size() - kTokenPath.size(), kTokenPath.size(), kTokenPath) == 0;
  req.headers.emplace_back("X-API-Key", is_token_exchange ? *options_.api_key : credential_);
  set_default(req, "Accept", "application/json");
  if (req.method != "GET") set_default(req, "Content-Type", "application/json");
  req.headers.emplace_back("User-Agent", "libtinker/" TINKER_VERSION_STRING " Tinker/" + options_.sdk_version);
  req.headers.emplace_back("X-Stainless-Package-Version", options_.sdk_version);
  req.headers.emplace_back("X-Stainless-Lang", "c");
  req.headers.emplace_back("X-Stainless-OS", "Linux");
  req.headers.emplace_back("X-Stainless-Arch", arch_name());
  req.headers.emplace_back("X-Stainless-Runtime", "libtinker");
  req.headers.emplace_back("X-Stainless-Runtime-Version", TINKER_VERSION_STRING);
  req.headers.emplace_back("X-Stainless-Read-Timeout", std::to_string(req.timeout_ms / 1000));
  for (const auto& h : options_.headers)
    if (!has_header(req, h.first)) req.headers.push_back(h);
}

CallSpec ClientContext::internal_call(const std::string& what, const std::string& path, std::string body) {
  CallSpec spec;
  spec.what = what;
  spec.prerequisite = Prerequisite::None;
  spec.deadline_ms = 0;  // startup is bounded by the retry layers, not the user's deadline
  spec.build = [path, body = std::move(body)] {
    http::Request r;
    r.method = "POST";
    r.url = path;
    r.body = body;
    return r;
  };
  return spec;
}

// ---- startup (protocol.md §5.1) ------------------------------------------------------------

void ClientContext::ensure(Prerequisite p, std::function<void(const Error*)> done) {
  if (p == Prerequisite::None) return done(nullptr);
  if (p == Prerequisite::Session) {
    return ensure(Prerequisite::Config, [this, done = std::move(done)](const Error* err) mutable {
      if (err) return done(err);
      if (session_startup_.stage == Stage::Done) return done(nullptr);
      session_startup_.waiters.push_back(std::move(done));
      if (session_startup_.stage == Stage::Idle) run_session_startup();
    });
  }
  if (config_startup_.stage == Stage::Done) return done(nullptr);
  config_startup_.waiters.push_back(std::move(done));
  if (config_startup_.stage == Stage::Idle) run_config_startup();
}

void ClientContext::settle(Startup& s, const Error* err) {
  s.stage = err ? Stage::Idle : Stage::Done;
  auto waiters = std::move(s.waiters);
  s.waiters.clear();
  for (auto& w : waiters) w(err);
}

void ClientContext::run_config_startup() {
  config_startup_.stage = Stage::Running;
  CallSpec spec = internal_call("client/config", "/api/v1/client/config", sdk_version_body(options_.sdk_version));
  spec.decode = [this](const http::Response& r, std::unique_ptr<Result>*, Error* err) {
    ServerConfig c;
    std::vector<std::string> warnings;
    if (!parse_server_config(r.body, &c, &warnings)) {
      *err = make_error(TINKER_E_DATA_LOSS, "client/config: response is not a JSON object");
      return false;
    }
    for (const auto& w : warnings) logger_.warning("client/config: " + w);
    config_ = c;
    std::lock_guard<std::mutex> lk(session_mu_);
    config_snapshot_ = c;
    return true;
  };
  spec.then = [this](FutureState& f) {
    if (const Error* e = f.error()) return settle(config_startup_, e);
    auto finish = [this] { fetch_dynamic_config(true, [this] { settle(config_startup_, nullptr); }); };
    if (!config_.pjwt_auth_enabled) return finish();
    fetch_jwt([this, finish](const Error* e) {
      if (e) return settle(config_startup_, e);
      schedule_jwt_refresh();
      finish();
    });
  };
  start(std::move(spec), &result_types::Internal);
}

void ClientContext::fetch_jwt(std::function<void(const Error*)> done) {
  CallSpec spec = internal_call("auth/token", "/api/v1/auth/token", "{}");
  spec.decode = [this](const http::Response& r, std::unique_ptr<Result>*, Error* err) {
    auto doc = json::parse(r.body);
    auto jwt = doc ? json::get_string(doc.get(), "jwt") : std::nullopt;
    if (!jwt || jwt->empty()) {
      *err = make_error(TINKER_E_DATA_LOSS, "auth/token: response has no jwt");
      return false;
    }
    secrets_.add(*jwt);  // before anything could print it
    // It becomes the X-API-Key header of every later request.
    if (!is_header_value(*jwt)) {
      *err = make_error(TINKER_E_DATA_LOSS, "auth/token: the server's jwt contains characters not allowed in a header");
      return false;
    }
    credential_ = *jwt;
    return true;
  };
  spec.then = [done = std::move(done)](FutureState& f) { done(f.error()); };
  start(std::move(spec), &result_types::Internal);
}

void ClientContext::schedule_jwt_refresh() {
  double delay = kJwtRetrySeconds;
  if (auto exp = jwt_expiry(credential_)) delay = std::max(1.0, *exp - kJwtRefreshLeadSeconds - std::time(nullptr));
  runtime_->add_timer(delay, [this] {
    fetch_jwt([this](const Error* e) {
      if (e) {
        logger_.warning("JWT refresh failed: " + e->message + "; retrying in 60 s");
        runtime_->add_timer(kJwtRetrySeconds, [this] { schedule_jwt_refresh(); });
        return;
      }
      schedule_jwt_refresh();
    });
  });
}

void ClientContext::fetch_dynamic_config(bool initial, std::function<void()> done) {
  CallSpec spec = internal_call("client/dynamic_config", "/api/v1/client/dynamic_config", sdk_version_body(options_.sdk_version));
  if (!initial) {  // refreshes: one attempt, 10 s (§2.1)
    spec.http_retries = 0;
    spec.submission_retries = false;
    spec.timeout_ms = kDynamicConfigTimeoutMs;
  }
  spec.decode = [this](const http::Response& r, std::unique_ptr<Result>*, Error*) {
    auto doc = json::parse(r.body);
    bool bad = false;
    if (doc)
      if (auto v = json::get_int(doc.get(), "refresh_interval_sec", 1, kMaxRefreshIntervalSeconds, &bad))
        dynamic_refresh_interval_s_ = *v;
    if (bad) logger_.warning("client/dynamic_config: refresh_interval_sec is not a whole number of seconds in [1, 1 year]; keeping " +
                             std::to_string(dynamic_refresh_interval_s_));
    return true;
  };
  spec.then = [this, initial, done = std::move(done)](FutureState& f) {
    // 404 means "no dynamic config": defaults. Other failures keep the last value (§2.1).
    if (const Error* e = f.error(); e && e->http_status != 404)
      logger_.warning("client/dynamic_config failed (" + e->message + "); keeping the current values");
    if (initial) schedule_dynamic_config_refresh();
    done();
  };
  start(std::move(spec), &result_types::Internal);
}

void ClientContext::schedule_dynamic_config_refresh() {
  double every = static_cast<double>(std::max<int64_t>(dynamic_refresh_interval_s_, 10));
  runtime_->add_timer(every, [this] {
    fetch_dynamic_config(false, [this] { schedule_dynamic_config_refresh(); });
  });
}

void ClientContext::run_session_startup() {
  session_startup_.stage = Stage::Running;
  json::Ptr b(cJSON_CreateObject());
  cJSON* tags = cJSON_AddArrayToObject(b.get(), "tags");
  for (const auto& t : *options_.tags) cJSON_AddItemToArray(tags, cJSON_CreateString(t.c_str()));
  cJSON* meta = cJSON_AddObjectToObject(b.get(), "user_metadata");
  for (const auto& kv : options_.user_metadata) cJSON_AddStringToObject(meta, kv.first.c_str(), kv.second.c_str());
  cJSON_AddStringToObject(b.get(), "sdk_version", options_.sdk_version.c_str());
  if (options_.project_id) cJSON_AddStringToObject(b.get(), "project_id", options_.project_id->c_str());
  cJSON_AddStringToObject(b.get(), "type", "create_session");

  CallSpec spec = internal_call("create_session", "/api/v1/create_session", json::dump(b.get()));
  spec.submission_retries = false;  // create_session is not wrapped in layer 2 (§4.2)
  spec.decode = [this](const http::Response& r, std::unique_ptr<Result>*, Error* err) {
    auto doc = json::parse(r.body);
    auto id = doc ? json::get_string(doc.get(), "session_id") : std::nullopt;
    if (!id) {
      *err = make_error(TINKER_E_DATA_LOSS, "create_session: response has no session_id");
      return false;
    }
    if (auto m = json::get_string(doc.get(), "info_message")) logger_.info(*m);
    if (auto m = json::get_string(doc.get(), "warning_message")) logger_.warning(*m);
    if (auto m = json::get_string(doc.get(), "error_message")) logger_.error(*m);
    std::lock_guard<std::mutex> lk(session_mu_);
    session_id_ = *id;
    return true;
  };
  spec.then = [this](FutureState& f) {
    if (const Error* e = f.error()) return settle(session_startup_, e);
    last_heartbeat_ok_ = runtime_->now();
    runtime_->add_timer(options_.heartbeat_interval_ms / 1000.0, [this] { send_heartbeat(); });
    settle(session_startup_, nullptr);
  };
  start(std::move(spec), &result_types::Internal);
}

// Heartbeats (§5.2): on the IO thread, never retried; failures only warn after 120 s.
void ClientContext::send_heartbeat() {
  runtime_->add_timer(options_.heartbeat_interval_ms / 1000.0, [this] { send_heartbeat(); });
  json::Ptr b(cJSON_CreateObject());
  cJSON_AddStringToObject(b.get(), "session_id", session_id().c_str());
  cJSON_AddStringToObject(b.get(), "type", "session_heartbeat");
  http::Request req;
  req.method = "POST";
  req.url = "/api/v1/session_heartbeat";
  req.body = json::dump(b.get());
  decorate(req, kHeartbeatTimeoutMs);
  runtime_->http(std::move(req), [this](http::Response&& r) {
    if (r.status >= 200 && r.status < 300) {
      last_heartbeat_ok_ = runtime_->now();
      heartbeat_warned_ = false;
      return;
    }
    double since = std::chrono::duration<double>(runtime_->now() - last_heartbeat_ok_).count();
    std::string why = r.has_response() ? "HTTP " + std::to_string(r.status) : r.transport_error;
    if (since > kHeartbeatWarnAfterSeconds)
      logger_.warning("session heartbeat failing for " + std::to_string(static_cast<int>(since)) + " s (" + why +
                      "); the server may terminate the session");
    else
      logger_.debug("session heartbeat failed (" + why + ")");
  });
}

void ClientContext::report_queue_state(const std::string& state, const std::string& reason,
                                       const std::string& request_id, const std::string& what) {
  tinker_queue_state_t s = queue_state_from(state);
  if (s != TINKER_QUEUE_ACTIVE && logger_.enabled(TINKER_LOG_WARNING)) {
    const auto now = runtime_->now();
    if (!paused_logged_ || std::chrono::duration<double>(now - last_paused_log_).count() >= kPausedLogIntervalSeconds) {
      paused_logged_ = true;
      last_paused_log_ = now;
      std::string why = !reason.empty() ? reason
                        : s == TINKER_QUEUE_PAUSED_RATE_LIMIT ? "concurrent training clients rate limit hit"
                                                              : "Tinker backend is running short on capacity, please wait";
      logger_.warning(what + " is paused. Reason: " + why);
    }
  }
  if (!options_.queue_cb) return;
  auto cb = options_.queue_cb;
  void* ud = options_.queue_user_data;
  runtime_->completion()->post([cb, ud, s, reason = printable(reason), request_id = printable(request_id)] {
    cb(s, reason.c_str(), request_id.c_str(), ud);
  });
}

}  // namespace tinker
