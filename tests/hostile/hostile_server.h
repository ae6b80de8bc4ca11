// A small HTTP/1.1 server inside the test process that answers as an attacker or a broken proxy
// would: byte for byte what a test scripts, including bodies that never end, compression bombs,
// redirects, answers that never come. By default it forwards every request to the emulator
// (the upstream), so whole operations run for real and only the response a test targets is
// hostile. It records every request it receives, raw, so tests can read the wire.
//
// One thread per connection: simple, and the tests open few.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace hostile {

struct Request {
  std::string method;
  std::string path;      // without the query
  std::string head;      // the request line and header lines, raw
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& lower_name) const;
};

// The client side of one accepted connection, for a rule that answers by hand.
class Conn {
 public:
  explicit Conn(int fd) : fd_(fd) {}
  // Writes all of `bytes`; false once the client has gone away.
  bool write(const std::string& bytes);
  // Blocks until the client closes the connection (or the server stops).
  void wait_until_closed();
  // Ends the connection after this answer (no keep-alive).
  void close_after() { close_ = true; }
  bool closing() const { return close_; }

 private:
  int fd_;
  bool close_ = false;
};

// A whole response, as the upstream gave it or as a rule makes it.
struct Reply {
  long status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Length
  std::string body;
  std::string serialize() const;  // with Content-Length
};
Reply json_reply(long status, const std::string& body);

// How a rule treats a request to its path.
struct Rule {
  std::string path;     // exact path, e.g. "/api/v1/retrieve_future"
  int remaining = -1;   // applies this many more times; -1 = always
  // Answers instead of the upstream (writes to the connection itself)...
  std::function<void(const Request&, Conn&)> answer;
  // ...or lets the upstream answer and edits its reply before it goes out.
  std::function<void(const Request&, Reply&)> edit;
};

class Server {
 public:
  // `upstream`: base URL to forward unmatched requests to ("" = answer 404 to them).
  explicit Server(std::string upstream = "");
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::string url() const;  // http://127.0.0.1:<port>
  int port() const { return port_; }

  void add_rule(Rule r);
  void clear_rules();

  std::vector<Request> requests() const;         // every request so far, in arrival order
  size_t count(const std::string& path) const;   // requests to `path`
  size_t connections() const { return connections_.load(); }
  void clear_requests();

 private:
  void accept_loop();
  void serve(int fd);
  bool dispatch(const Request& req, Conn& conn);
  Reply forward(const Request& req) const;

  std::string upstream_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> connections_{0};
  std::thread acceptor_;
  mutable std::mutex mu_;
  std::vector<Rule> rules_;
  std::vector<Request> log_;
  std::vector<std::thread> workers_;
  std::vector<int> open_fds_;
};

// An answer that forwards to the upstream, then keeps the connection busy: it sends `head`
// (status line and headers) and then `chunk` over and over until the client goes away.
std::function<void(const Request&, Conn&)> endless(const std::string& head, const std::string& chunk);
// Accepts the request and never answers (until the client gives up).
std::function<void(const Request&, Conn&)> silent();
// Raw bytes as the whole answer.
std::function<void(const Request&, Conn&)> raw(const std::string& bytes);

// gzip of `n` zero bytes (a compression bomb: a few hundred kilobytes for hundreds of MiB).
std::string gzip_zeros(size_t n);

// The listening side that Server and TlsServer share: each runs one acceptor thread on a socket
// from listen_on_loopback and stops it with stop_accepting.

// A TCP socket listening on 127.0.0.1 at a port the system picks (stored in `*port`), so that
// servers of parallel tests never collide. Throws std::runtime_error "<who>: cannot listen".
int listen_on_loopback(int backlog, const std::string& who, int* port);
// The next connection on `listen_fd`, retrying failed accepts; -1 once `stopping` is set.
int accept_next(int listen_fd, const std::atomic<bool>& stopping);
// Sets `stopping`, then shuts the socket down (which wakes `acceptor` from accept()), closes it
// and joins the thread.
void stop_accepting(int listen_fd, std::atomic<bool>& stopping, std::thread& acceptor);

}  // namespace hostile
