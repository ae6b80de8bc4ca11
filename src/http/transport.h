// libcurl multi transport: one CURLM per runtime, driven only from the runtime's IO thread.
// Easy handles are pooled so connections and buffers are reused across requests.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tinker::http {

// A request body, immutable once made and shared rather than copied: a forward_backward body
// can be megabytes, and a call keeps its request for retries and hands a copy to each transfer.
class Body {
 public:
  Body() = default;
  Body(std::string s) : p_(std::make_shared<const std::string>(std::move(s))) {}  // NOLINT: implicit on purpose
  Body(std::shared_ptr<const std::string> p) : p_(std::move(p)) {}                 // NOLINT
  const std::string& str() const { return p_ ? *p_ : empty_string(); }
  const char* data() const { return str().data(); }
  size_t size() const { return str().size(); }
  bool empty() const { return str().empty(); }

 private:
  static const std::string& empty_string() {
    static const std::string e;
    return e;
  }
  std::shared_ptr<const std::string> p_;
};

// Redirects are never followed: a redirect to another host would carry the credential header
// there (libcurl strips only Authorization and Cookie), and the protocol needs none. A 3xx
// reaches the caller as a response.
struct Request {
  std::string method = "GET";  // GET, HEAD, POST, PUT, DELETE
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  Body body;
  long timeout_ms = 60000;
  long connect_timeout_ms = 5000;
  // Largest body accepted, counted after content decoding (so a compression bomb stops here
  // too); a larger one ends the transfer with Failure::TooLarge.
  int64_t max_response_bytes = int64_t{16} << 20;
};

// Why no HTTP response arrived (Response::status == 0).
enum class Failure {
  None,
  Network,          // refused, reset, timed out, name not resolved: may heal, so retried
  TlsVerification,  // the server's certificate or host name did not verify: cannot heal
  TooLarge,         // the body (or the headers) exceeded the request's limit: cannot heal
  Local,            // the request could not be made here (bad URL, out of memory): cannot heal
};

struct Response {
  long status = 0;                             // 0 when no HTTP response arrived
  std::map<std::string, std::string> headers;  // names lower-cased; last value wins
  std::string body;
  std::string transport_error;  // set when status == 0: what went wrong, for messages
  Failure failure = Failure::None;
  bool timed_out = false;

  bool has_response() const { return status != 0; }
  // A transport failure that retrying cannot heal.
  bool permanent_failure() const { return failure != Failure::None && failure != Failure::Network; }
  const std::string* header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? nullptr : &it->second;
  }
};

struct Settings {
  std::string proxy;          // "" = libcurl defaults
  std::string ca_bundle_path; // "" = system store
  bool verify_tls = true;
  long max_host_connections = 0;  // 0 = unlimited
};

using Done = std::function<void(Response&&)>;

class Transport {
 public:
  // `on_escaped` hears of an exception thrown by a `done` callback (which is then dropped):
  // it must never unwind through libcurl or end the IO thread.
  Transport(Settings settings, std::function<void(const char* what)> on_escaped);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Starts a request; `done` runs later on the IO thread (never inside start()).
  // Returns an id for cancel(). IO thread only.
  uint64_t start(Request req, Done done);
  // Drops a request without running its callback. IO thread only.
  void cancel(uint64_t id);
  // Waits for socket activity up to timeout_ms (or a wakeup), then advances transfers and runs
  // the callbacks of finished ones. IO thread only.
  void run_once(int timeout_ms);
  // Interrupts run_once from any thread.
  void wakeup();
  size_t in_flight() const { return active_.size(); }

  struct Transfer;  // one request in flight (defined in transport.cpp)

 private:
  void finish(Transfer* t, int curl_code);
  bool finish_done_transfers();  // runs the callbacks of finished transfers; true if any
  void release(Transfer* t);

  Settings settings_;
  std::function<void(const char*)> on_escaped_;
  void* multi_ = nullptr;  // CURLM*
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::unique_ptr<Transfer>> active_;
  std::vector<void*> idle_easy_;  // pooled CURL* handles
};

}  // namespace tinker::http
