// A TLS endpoint for the certificate tests: a fresh self-signed certificate made at start-up for
// the names the test chooses, written to a PEM file that can serve as the client's CA bundle,
// and an HTTPS server on 127.0.0.1 that answers every request {"status":"ok"} (enough for
// health_check). It counts connections, so a test can see whether the client retried.
#pragma once

#include <atomic>
#include <string>
#include <thread>

namespace hostile {

class TlsServer {
 public:
  // `subject_alt_name` in OpenSSL's form, e.g. "IP:127.0.0.1" or "DNS:other.invalid".
  explicit TlsServer(const std::string& subject_alt_name);
  ~TlsServer();
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  const std::string& ca_file() const { return ca_file_; }  // the certificate, PEM
  size_t connections() const { return connections_.load(); }

 private:
  void accept_loop();

  void* ctx_ = nullptr;  // SSL_CTX*
  int listen_fd_ = -1;
  int port_ = 0;
  std::string ca_file_;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> connections_{0};
  std::thread acceptor_;
};

}  // namespace hostile
