#include "http_server.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <vector>

namespace emu {

const char* Exchange::header(const char* name) const {
  if (req_ == nullptr) return nullptr;
  return evhttp_find_header(evhttp_request_get_input_headers(req_), name);
}

std::optional<std::string> Exchange::query_param(const char* name) const {
  if (query.empty()) return std::nullopt;
  evkeyvalq q;
  q.tqh_first = nullptr;  // TAILQ_INIT without <sys/queue.h>
  q.tqh_last = &q.tqh_first;
  if (evhttp_parse_query_str(query.c_str(), &q) != 0) {
    evhttp_clear_headers(&q);
    return std::nullopt;
  }
  std::optional<std::string> out;
  if (const char* v = evhttp_find_header(&q, name)) out = std::string(v);
  evhttp_clear_headers(&q);
  return out;
}

namespace {

const char* method_name(evhttp_cmd_type t) {
  switch (t) {
    case EVHTTP_REQ_GET: return "GET";
    case EVHTTP_REQ_POST: return "POST";
    case EVHTTP_REQ_HEAD: return "HEAD";
    case EVHTTP_REQ_PUT: return "PUT";
    case EVHTTP_REQ_DELETE: return "DELETE";
    case EVHTTP_REQ_OPTIONS: return "OPTIONS";
    case EVHTTP_REQ_TRACE: return "TRACE";
    case EVHTTP_REQ_CONNECT: return "CONNECT";
    case EVHTTP_REQ_PATCH: return "PATCH";
  }
  return "UNKNOWN";
}

// libevent 2.1 only knows the RFC 2616 phrases (429 comes out as "Client Error").
const char* reason_phrase(int status) {
  switch (status) {
    case 402: return "Payment Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return nullptr;  // libevent's own phrase
  }
}

}  // namespace

HttpServer::HttpServer(EventLoop& loop, Handler on_request)
    : loop_(loop), handler_(std::move(on_request)) {
  http_ = evhttp_new(loop_.base());
  // Every method reaches our router, which answers 404/405 with JSON bodies itself.
  evhttp_set_allowed_methods(http_, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                        EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                        EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
  // No implicit "text/html" on replies: each Response says its own type (or none).
  evhttp_set_default_content_type(http_, nullptr);
  // Idle keep-alive connections are reaped after this; it is far above any poll hold.
  evhttp_set_timeout(http_, 600);
  // libevent 2.1 has no connection cap (evhttp_set_max_connections is 2.2+): the only limit
  // is RLIMIT_NOFILE, which main() raises to its hard maximum.
  evhttp_set_gencb(http_, &HttpServer::on_request_cb, this);
}

HttpServer::~HttpServer() { shutdown(); }

bool HttpServer::listen(const std::string& host, int port, std::string* error) {
  addrinfo hints;
  std::memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string port_s = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), port_s.c_str(), &hints, &res);
  if (rc != 0) {
    *error = "cannot resolve " + host + ": " + gai_strerror(rc);
    return false;
  }
  int fd = -1;
  std::string last_err = "no address";
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_err = std::strerror(errno);
      continue;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    // The kernel clamps the backlog to net.core.somaxconn; ask for plenty.
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, 65535) == 0) break;
    last_err = std::strerror(errno);
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) {
    *error = "cannot listen on " + host + ":" + port_s + ": " + last_err;
    return false;
  }
  evutil_make_socket_nonblocking(fd);
  if (evhttp_accept_socket_with_handle(http_, fd) == nullptr) {
    close(fd);
    *error = "evhttp_accept_socket failed";
    return false;
  }
  sockaddr_storage ss;
  socklen_t len = sizeof ss;
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  if (ss.ss_family == AF_INET) {
    port_ = ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  } else {
    port_ = ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  }
  host_ = host;
  return true;
}

void HttpServer::on_request_cb(evhttp_request* req, void* arg) {
  auto* self = static_cast<HttpServer*>(arg);
  // No Nagle delay on replies: the tail of a large response would otherwise wait for the
  // client's delayed ACK (~40 ms stalls). Set per request: evhttp accepts connections itself.
  if (evhttp_connection* conn = evhttp_request_get_connection(req)) {
    evutil_socket_t fd = bufferevent_getfd(evhttp_connection_get_bufferevent(conn));
    int one = 1;
    if (fd >= 0) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  auto* ex = new Exchange();
  ex->req_ = req;
  ex->arrival_ms = self->loop_.now_ms();
  ex->method = method_name(evhttp_request_get_command(req));
  const evhttp_uri* uri = evhttp_request_get_evhttp_uri(req);
  const char* p = uri != nullptr ? evhttp_uri_get_path(uri) : nullptr;
  ex->path = (p != nullptr && *p != '\0') ? p : "/";
  const char* q = uri != nullptr ? evhttp_uri_get_query(uri) : nullptr;
  if (q != nullptr) ex->query = q;
  evbuffer* in = evhttp_request_get_input_buffer(req);
  size_t n = evbuffer_get_length(in);
  if (n > 0) {
    // Chunk by chunk into reserved space: resize() would first zero-fill megabytes of
    // forward_backward bodies on the loop thread.
    ex->body.reserve(n);
    int n_vec = evbuffer_peek(in, -1, nullptr, nullptr, 0);
    if (n_vec > 0) {
      std::vector<evbuffer_iovec> vec(static_cast<size_t>(n_vec));
      n_vec = evbuffer_peek(in, -1, nullptr, vec.data(), n_vec);
      for (int i = 0; i < n_vec; ++i) {
        ex->body.append(static_cast<const char*>(vec[i].iov_base), vec[i].iov_len);
      }
    }
  }
  self->live_.insert(ex);
  self->handler_(ex);
}

void HttpServer::send(Exchange* ex, const Response& r, SendMode mode) {
  live_.erase(ex);
  evhttp_request* req = ex->req_;
  delete ex;
  if (req == nullptr) return;
  evkeyvalq* out = evhttp_request_get_output_headers(req);
  if (!r.content_type.empty()) evhttp_add_header(out, "Content-Type", r.content_type.c_str());
  for (const auto& h : r.headers) evhttp_add_header(out, h.first.c_str(), h.second.c_str());
  evbuffer* buf = evbuffer_new();
  if (mode == SendMode::kTruncate) {
    // The client must see fewer bytes than promised and then EOF: an incomplete read.
    size_t declared = r.body.empty() ? 1 : r.body.size();
    evhttp_remove_header(out, "Content-Length");
    evhttp_add_header(out, "Content-Length", std::to_string(declared).c_str());
    evhttp_remove_header(out, "Connection");
    evhttp_add_header(out, "Connection", "close");
    evbuffer_add(buf, r.body.data(), r.body.size() / 2);
  } else {
    evbuffer_add(buf, r.body.data(), r.body.size());
  }
  // If the client already went away, evhttp detached the request and evhttp_send_reply
  // just frees it, so replying late is always safe.
  evhttp_send_reply(req, r.status, reason_phrase(r.status), buf);
  evbuffer_free(buf);
}

void HttpServer::drop(Exchange* ex) {
  live_.erase(ex);
  evhttp_request* req = ex->req_;
  delete ex;
  if (req == nullptr) return;
  evhttp_connection* evcon = evhttp_request_get_connection(req);
  bufferevent* bev = evcon != nullptr ? evhttp_connection_get_bufferevent(evcon) : nullptr;
  if (bev != nullptr) {
    // Shut the socket down under evhttp's feet, then hand evhttp a reply it can no longer
    // write: the client sees EOF with zero response bytes, and evhttp frees the request and
    // connection through its normal write-error path (freeing them here, inside the request
    // callback, would leave evhttp holding dangling pointers).
    evutil_socket_t fd = bufferevent_getfd(bev);
    if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
  }
  evbuffer* buf = evbuffer_new();
  evhttp_send_reply(req, 500, nullptr, buf);
  evbuffer_free(buf);
}

void HttpServer::shutdown() {
  for (Exchange* ex : live_) delete ex;
  live_.clear();
  if (http_ != nullptr) {
    evhttp_free(http_);
    http_ = nullptr;
  }
}

}  // namespace emu
