#include "hostile_server.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>

namespace hostile {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

const char* reason(long status) {
  switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 307: return "Temporary Redirect";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    default: return "Status";
  }
}

// Reads one request from `fd` into `req`, using and refilling `buf` (bytes already read past
// the previous request). False when the client closed or sent something unreadable.
bool read_request(int fd, std::string& buf, Request* req) {
  size_t end;
  while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
    char tmp[65536];
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<size_t>(n));
  }
  req->head = buf.substr(0, end + 2);
  size_t line_end = req->head.find("\r\n");
  std::string line = req->head.substr(0, line_end);
  size_t sp1 = line.find(' '), sp2 = line.find(' ', sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos) return false;
  req->method = line.substr(0, sp1);
  std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  req->path = target.substr(0, target.find('?'));
  for (size_t at = line_end + 2; at < req->head.size();) {
    size_t e = req->head.find("\r\n", at);
    std::string h = req->head.substr(at, e - at);
    at = e + 2;
    size_t colon = h.find(':');
    if (colon == std::string::npos) continue;
    size_t v = colon + 1;
    while (v < h.size() && h[v] == ' ') ++v;
    req->headers[lower(h.substr(0, colon))] = h.substr(v);
  }
  size_t length = 0;
  if (auto it = req->headers.find("content-length"); it != req->headers.end()) length = std::stoul(it->second);
  buf.erase(0, end + 4);
  while (buf.size() < length) {
    char tmp[65536];
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<size_t>(n));
  }
  req->body = buf.substr(0, length);
  buf.erase(0, length);
  return true;
}

size_t collect(char* p, size_t size, size_t n, void* ud) {
  static_cast<std::string*>(ud)->append(p, size * n);
  return size * n;
}

size_t collect_header(char* p, size_t size, size_t n, void* ud) {
  auto* r = static_cast<Reply*>(ud);
  std::string line(p, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    r->headers.clear();
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = lower(line.substr(0, colon));
  std::string value = line.substr(colon + 1);
  while (!value.empty() && (value[0] == ' ')) value.erase(0, 1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
  // The reply is re-framed here: length and connection handling are ours.
  if (name != "content-length" && name != "transfer-encoding" && name != "connection" && name != "content-encoding")
    r->headers.emplace_back(line.substr(0, colon), value);
  return size * n;
}

}  // namespace

std::string Request::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

bool Conn::write(const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

void Conn::wait_until_closed() {
  char b;
  while (::recv(fd_, &b, 1, 0) > 0) {
  }
}

std::string Reply::serialize() const {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n";
  for (const auto& h : headers) out += h.first + ": " + h.second + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out += body;
  return out;
}

Reply json_reply(long status, const std::string& body) {
  Reply r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = body;
  return r;
}

Server::Server(std::string upstream) : upstream_(std::move(upstream)) {
  listen_fd_ = listen_on_loopback(128, "hostile server", &port_);
  acceptor_ = std::thread([this] { accept_loop(); });
}

Server::~Server() {
  stop_accepting(listen_fd_, stopping_, acceptor_);
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lk(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // wakes workers blocked in recv/send
    workers = std::move(workers_);
  }
  for (auto& t : workers) t.join();
}

std::string Server::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void Server::add_rule(Rule r) {
  std::lock_guard<std::mutex> lk(mu_);
  rules_.push_back(std::move(r));
}

void Server::clear_rules() {
  std::lock_guard<std::mutex> lk(mu_);
  rules_.clear();
}

std::vector<Request> Server::requests() const {
  std::lock_guard<std::mutex> lk(mu_);
  return log_;
}

size_t Server::count(const std::string& path) const {
  std::lock_guard<std::mutex> lk(mu_);
  return static_cast<size_t>(std::count_if(log_.begin(), log_.end(), [&](const Request& r) { return r.path == path; }));
}

void Server::clear_requests() {
  std::lock_guard<std::mutex> lk(mu_);
  log_.clear();
}

void Server::accept_loop() {
  for (int fd; (fd = accept_next(listen_fd_, stopping_)) >= 0;) {
    ++connections_;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard<std::mutex> lk(mu_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    open_fds_.push_back(fd);
    workers_.emplace_back([this, fd] { serve(fd); });
  }
}

void Server::serve(int fd) {
  std::string buf;
  Request req;
  Conn conn(fd);
  while (!stopping_ && read_request(fd, buf, &req)) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      log_.push_back(req);
    }
    if (!dispatch(req, conn) || conn.closing()) break;
    req = Request{};
  }
  std::lock_guard<std::mutex> lk(mu_);
  open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  ::close(fd);
}

bool Server::dispatch(const Request& req, Conn& conn) {
  Rule rule;
  bool matched = false;
  {
    std::lock_guard<std::mutex> lk(mu_);
    for (auto& r : rules_) {
      if (r.path != req.path || r.remaining == 0) continue;
      if (r.remaining > 0) --r.remaining;
      rule = r;
      matched = true;
      break;
    }
  }
  if (matched && rule.answer) {
    rule.answer(req, conn);
    return !conn.closing();
  }
  Reply reply = upstream_.empty() ? json_reply(404, "{\"detail\":\"no upstream\"}") : forward(req);
  if (matched && rule.edit) rule.edit(req, reply);
  return conn.write(reply.serialize());
}

Reply Server::forward(const Request& req) const {
  Reply reply;
  CURL* e = curl_easy_init();
  std::string url = upstream_ + req.head.substr(req.method.size() + 1, req.head.find(' ', req.method.size() + 1) - req.method.size() - 1);
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 60000L);
  curl_slist* headers = nullptr;
  for (const auto& h : req.headers) {
    if (h.first == "host" || h.first == "content-length" || h.first == "connection" || h.first == "accept-encoding" ||
        h.first == "expect")
      continue;
    headers = curl_slist_append(headers, (h.first + ": " + h.second).c_str());
  }
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
  if (req.method == "GET") {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else {
    if (req.method != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  }
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, collect_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &reply);
  if (curl_easy_perform(e) == CURLE_OK) curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &reply.status);
  else reply = json_reply(502, "{\"detail\":\"upstream unreachable\"}");
  curl_slist_free_all(headers);
  curl_easy_cleanup(e);
  return reply;
}

std::function<void(const Request&, Conn&)> endless(const std::string& head, const std::string& chunk) {
  return [head, chunk](const Request&, Conn& c) {
    c.close_after();
    if (!c.write(head)) return;
    while (c.write(chunk)) {
    }
  };
}

std::function<void(const Request&, Conn&)> silent() {
  return [](const Request&, Conn& c) {
    c.close_after();
    c.wait_until_closed();
  };
}

std::function<void(const Request&, Conn&)> raw(const std::string& bytes) {
  return [bytes](const Request&, Conn& c) {
    c.close_after();
    c.write(bytes);
  };
}

std::string gzip_zeros(size_t n) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);  // +16: gzip framing
  std::string in(1 << 20, '\0'), out;
  char buf[1 << 16];
  size_t left = n;
  for (;;) {
    size_t take = std::min(left, in.size());
    left -= take;
    z.next_in = reinterpret_cast<Bytef*>(&in[0]);
    z.avail_in = static_cast<uInt>(take);
    const int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      deflate(&z, flush);
      out.append(buf, sizeof buf - z.avail_out);
    } while (z.avail_out == 0);
    if (flush == Z_FINISH) break;
  }
  deflateEnd(&z);
  return out;
}

int listen_on_loopback(int backlog, const std::string& who, int* port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, backlog) != 0)
    throw std::runtime_error(who + ": cannot listen");
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

int accept_next(int listen_fd, const std::atomic<bool>& stopping) {
  for (;;) {
    const int fd = ::accept(listen_fd, nullptr, nullptr);
    if (fd >= 0) return fd;
    if (stopping) return -1;
  }
}

void stop_accepting(int listen_fd, std::atomic<bool>& stopping, std::thread& acceptor) {
  stopping = true;
  ::shutdown(listen_fd, SHUT_RDWR);
  ::close(listen_fd);
  acceptor.join();
}

}  // namespace hostile
