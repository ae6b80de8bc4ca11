// libevent evhttp glue. One event loop thread holds every connection, so a held-open
// long-poll costs a socket and a few hundred bytes, not a thread (protocol.md §3.1 item 4:
// clients re-poll immediately, so the server must hold polls open).
#pragma once

#include <functional>
#include <string>
#include <unordered_set>

#include "event_loop.h"
#include "exchange.h"

struct evhttp;

namespace emu {

class HttpServer {
 public:
  using Handler = std::function<void(Exchange*)>;

  HttpServer(EventLoop& loop, Handler on_request);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port (port 0 = any free port) with a deep accept backlog so a burst of
  // thousands of connects is not refused.
  bool listen(const std::string& host, int port, std::string* error);
  int port() const { return port_; }
  const std::string& host() const { return host_; }

  enum class SendMode {
    kNormal,
    // Declare the full Content-Length, send only half the body, then close (fault "truncate").
    kTruncate,
  };
  // Sends the reply and destroys `ex`.
  void send(Exchange* ex, const Response& r, SendMode mode = SendMode::kNormal);
  // Closes the connection without any response bytes and destroys `ex` (fault "drop").
  void drop(Exchange* ex);

  size_t open_exchanges() const { return live_.size(); }

  // Forgets unanswered exchanges and frees evhttp (and with it every connection).
  void shutdown();

 private:
  static void on_request_cb(evhttp_request* req, void* arg);

  EventLoop& loop_;
  Handler handler_;
  evhttp* http_ = nullptr;
  int port_ = 0;
  std::string host_;
  std::unordered_set<Exchange*> live_;
};

}  // namespace emu
