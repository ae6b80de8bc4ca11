#include "http/transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
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

struct Transport::Transfer {
  uint64_t id = 0;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  Request req;
  Response resp;
  Done done;
};

static size_t on_body(char* ptr, size_t size, size_t nmemb, void* ud) {
  auto* t = static_cast<Response*>(ud);
  t->body.append(ptr, size * nmemb);
  return size * nmemb;
}

static size_t on_header(char* ptr, size_t size, size_t nmemb, void* ud) {
  auto* r = static_cast<Response*>(ud);
  size_t n = size * nmemb;
  std::string line(ptr, n);
  if (line.rfind("HTTP/", 0) == 0) {
    r->headers.clear();  // a new response (e.g. after 100-continue or a redirect)
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  size_t b = colon + 1, e = line.size();
  while (b < e && (line[b] == ' ' || line[b] == '\t')) ++b;
  while (e > b && (line[e - 1] == '\r' || line[e - 1] == '\n' || line[e - 1] == ' ')) --e;
  r->headers[name] = line.substr(b, e - b);
  return n;
}

Transport::Transport(Settings settings) : settings_(std::move(settings)) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  multi_ = curl_multi_init();
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
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, r.follow_redirects ? 1L : 0L);
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
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t->resp);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t->resp);
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());

  uint64_t id = t->id;
  curl_multi_add_handle(multi_, e);
  active_.emplace(id, std::move(t));
  return id;
}

void Transport::release(Transfer* t) {
  curl_multi_remove_handle(multi_, t->easy);
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
    resp.transport_error = curl_easy_strerror(static_cast<CURLcode>(code));
    resp.body.clear();
  }
  release(owned.get());
  Done done = std::move(owned->done);
  owned.reset();
  done(std::move(resp));
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
