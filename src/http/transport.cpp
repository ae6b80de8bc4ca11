#include "http/transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <mutex>

namespace tinker::http {

namespace {
std::once_flag g_curl_init;

// Easy handles kept for reuse; beyond this they are freed (keeps idle memory bounded).
constexpr size_t kMaxIdleHandles = 256;
// Receive buffer per easy handle. libcurl's default (16 KiB) is the largest per-request cost
// when thousands of long-polls are in flight; 8 KiB keeps reads large enough for big bodies.
constexpr long kReceiveBufferBytes = 8 * 1024;
}  // namespace

// All response headers together may not exceed this (libcurl bounds each line, not the sum).
constexpr size_t kMaxHeaderBytes = 1 << 20;

struct Transport::Transfer {
  uint64_t id = 0;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  Request req;
  Response resp;
  Done done;
  size_t header_bytes = 0;
  bool too_large = false;    // the body or the headers went past the limit
  bool out_of_memory = false;  // a callback could not store what it received
  char error_detail[CURL_ERROR_SIZE] = {0};
};

// libcurl calls these from C: nothing may unwind through it, so each catches everything and
// ends the transfer (returning a short count) instead.
static size_t on_body(char* ptr, size_t size, size_t nmemb, void* ud) noexcept {
  auto* t = static_cast<Transport::Transfer*>(ud);
  const size_t n = size * nmemb;
  std::string& body = t->resp.body;
  if (static_cast<int64_t>(body.size() + n) > t->req.max_response_bytes) {
    t->too_large = true;
    return 0;
  }
  try {
    body.append(ptr, n);
  } catch (...) {
    t->out_of_memory = true;
    return 0;
  }
  return n;
}

// A Content-Length past the limit ends the transfer before any byte of the body is stored;
// one within it sizes the body once, so a large body is not copied as it grows.
static bool take_content_length(Transport::Transfer* t, const std::string& value) {
  char* end = nullptr;
  errno = 0;
  unsigned long long n = std::strtoull(value.c_str(), &end, 10);
  if (end == value.c_str() || errno == ERANGE || value[0] == '-') return true;  // not a length: ignore
  if (n > static_cast<unsigned long long>(t->req.max_response_bytes)) {
    t->too_large = true;
    return false;
  }
  if (t->req.method == "HEAD") return true;  // the length of a body that will not come
  t->resp.body.reserve(static_cast<size_t>(n));
  return true;
}

static size_t on_header(char* ptr, size_t size, size_t nmemb, void* ud) noexcept {
  auto* t = static_cast<Transport::Transfer*>(ud);
  Response* r = &t->resp;
  const size_t n = size * nmemb;
  t->header_bytes += n;
  if (t->header_bytes > kMaxHeaderBytes) {
    t->too_large = true;
    return 0;
  }
  try {
    std::string line(ptr, n);
    if (line.rfind("HTTP/", 0) == 0) {
      r->headers.clear();  // a new response (e.g. after 100-continue)
      return n;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos) return n;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    size_t b = colon + 1, e = line.size();
    while (b < e && (line[b] == ' ' || line[b] == '\t')) ++b;
    while (e > b && (line[e - 1] == '\r' || line[e - 1] == '\n' || line[e - 1] == ' ')) --e;
    std::string value = line.substr(b, e - b);
    if (name == "content-length" && !take_content_length(t, value)) return 0;
    r->headers[name] = std::move(value);
  } catch (...) {
    t->out_of_memory = true;
    return 0;
  }
  return n;
}

// What a libcurl failure means for retrying (see Failure).
static Failure classify(int code, const Transport::Transfer& t) {
  if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) return Failure::TooLarge;
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
      return Failure::TlsVerification;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_NOT_BUILT_IN:
    case CURLE_OUT_OF_MEMORY:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_SSL_CERTPROBLEM:  // our own client certificate
      return Failure::Local;
    default:
      return t.out_of_memory ? Failure::Local : Failure::Network;
  }
}

Transport::Transport(Settings settings, std::function<void(const char*)> on_escaped)
    : settings_(std::move(settings)), on_escaped_(std::move(on_escaped)) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  multi_ = curl_multi_init();
  // libcurl closes cached connections with an internal handle that takes its no-signal setting
  // from the last easy handle added; until one is, it briefly ignores SIGPIPE in
  // curl_multi_cleanup, changing the process's disposition (a JVM warns "SIGPIPE handler
  // modified!"). One handle with CURLOPT_NOSIGNAL, added and removed, sets it from the start.
  if (CURL* quiet = curl_easy_init()) {
    curl_easy_setopt(quiet, CURLOPT_NOSIGNAL, 1L);
    curl_multi_add_handle(multi_, quiet);
    curl_multi_remove_handle(multi_, quiet);
    curl_easy_cleanup(quiet);
  }
  if (settings_.max_host_connections > 0)
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, settings_.max_host_connections);
  // CURLMOPT_MAXCONNECTS stays libcurl's default (4 per easy handle ever added, so it grows with
  // the largest burst): a fixed small cache closed almost every connection of a 10,000-future
  // burst when its submissions finished, so each first poll had to open a new one
  // (docs/benchmarks.md, fan-out).
}

Transport::~Transport() {
  for (auto& kv : active_) {
    curl_multi_remove_handle(multi_, kv.second->easy);
    curl_easy_cleanup(kv.second->easy);
    curl_slist_free_all(kv.second->headers);
  }
  active_.clear();
  for (void* e : idle_easy_) curl_easy_cleanup(static_cast<CURL*>(e));
  curl_multi_cleanup(multi_);
}

uint64_t Transport::start(Request req, Done done) {
  auto t = std::make_unique<Transfer>();
  t->id = next_id_++;
  t->req = std::move(req);
  t->done = std::move(done);

  CURL* e;
  if (!idle_easy_.empty()) {
    e = static_cast<CURL*>(idle_easy_.back());
    idle_easy_.pop_back();
    curl_easy_reset(e);
  } else {
    e = curl_easy_init();
  }
  t->easy = e;
  const Request& r = t->req;
  curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_BUFFERSIZE, kReceiveBufferBytes);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, r.timeout_ms);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, r.connect_timeout_ms);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);  // never (see Request)
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, 0L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error_detail);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);  // h2 where TLS offers it
  curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
  if (!settings_.proxy.empty()) curl_easy_setopt(e, CURLOPT_PROXY, settings_.proxy.c_str());
  if (!settings_.ca_bundle_path.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, settings_.ca_bundle_path.c_str());
  if (!settings_.verify_tls) {
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (r.method == "GET") {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else if (r.method == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);  // the Hub fetcher asks for a file's metadata
  } else {
    if (r.method != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
  }
  for (const auto& h : r.headers) t->headers = curl_slist_append(t->headers, (h.first + ": " + h.second).c_str());
  t->headers = curl_slist_append(t->headers, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());

  uint64_t id = t->id;
  curl_multi_add_handle(multi_, e);
  active_.emplace(id, std::move(t));
  return id;
}

void Transport::release(Transfer* t) {
  curl_multi_remove_handle(multi_, t->easy);
  curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, nullptr);  // the buffer goes with the transfer
  curl_slist_free_all(t->headers);
  t->headers = nullptr;
  if (idle_easy_.size() < kMaxIdleHandles) idle_easy_.push_back(t->easy);
  else curl_easy_cleanup(t->easy);
  t->easy = nullptr;
}

void Transport::cancel(uint64_t id) {
  auto it = active_.find(id);
  if (it == active_.end()) return;
  // A cancelled transfer may be mid-response: its connection is not reusable, so the handle
  // is cleaned up instead of pooled.
  curl_multi_remove_handle(multi_, it->second->easy);
  curl_easy_cleanup(it->second->easy);
  curl_slist_free_all(it->second->headers);
  active_.erase(it);
}

// The failure in words: libcurl's detail (names the host, the certificate problem) when it has
// one, else its generic text.
static std::string describe_failure(int code, const Transport::Transfer& t) {
  if (t.too_large)
    return "the response exceeded the limit of " + std::to_string(t.req.max_response_bytes) + " bytes";
  if (t.out_of_memory) return "out of memory while receiving the response";
  std::string s = t.error_detail[0] ? t.error_detail : curl_easy_strerror(static_cast<CURLcode>(code));
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

void Transport::finish(Transfer* t, int code) {
  auto node = active_.extract(t->id);
  if (node.empty()) return;
  std::unique_ptr<Transfer> owned = std::move(node.mapped());
  Response resp = std::move(owned->resp);
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(owned->easy, CURLINFO_RESPONSE_CODE, &status);
    resp.status = status;
  } else {
    resp.status = 0;
    resp.timed_out = code == CURLE_OPERATION_TIMEDOUT;
    resp.failure = classify(code, *owned);
    resp.transport_error = describe_failure(code, *owned);
    resp.body.clear();
    resp.body.shrink_to_fit();
  }
  release(owned.get());
  Done done = std::move(owned->done);
  owned.reset();
  try {
    done(std::move(resp));
  } catch (const std::exception& e) {
    on_escaped_(e.what());
  } catch (...) {
    on_escaped_("unknown exception");
  }
}

bool Transport::finish_done_transfers() {
  bool any = false;
  int left = 0;
  while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
    if (m->msg != CURLMSG_DONE) continue;
    Transfer* t = nullptr;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
    if (t) {
      finish(t, m->data.result);
      any = true;
    }
  }
  return any;
}

void Transport::run_once(int timeout_ms) {
  int running = 0;
  curl_multi_perform(multi_, &running);
  // Transfers that finished in that perform must be handled now: waiting in poll first would
  // delay them until the next socket event or the timeout.
  if (finish_done_transfers()) return;
  int numfds = 0;
  curl_multi_poll(multi_, nullptr, 0, timeout_ms, &numfds);
  curl_multi_perform(multi_, &running);
  finish_done_transfers();
}

void Transport::wakeup() { curl_multi_wakeup(multi_); }

}  // namespace tinker::http
