// One HTTP request from arrival until its reply leaves: the request data copied out of
// evhttp, plus what the pipeline learns about it (user, fault, parsed body, log entry).
// Handlers may keep an Exchange* across loop iterations (long-polls); it stays valid until
// HttpServer::send() or drop() consumes it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "faults.h"
#include "json_body.h"

struct evhttp_request;

namespace emu {

struct Response {
  int status = 200;
  std::string body;
  // Empty means "send no Content-Type" (used for the empty-body 400 fault).
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;

  static Response json(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  static Response error(int status, const std::string& message, const std::string& code) {
    return json(status, json_error_body(message, code));
  }
  static Response bad_request(const std::string& message) { return error(400, message, "bad_request"); }
  static Response not_found(const std::string& message) { return error(404, message, "not_found"); }
};

class Exchange {
 public:
  // Copied at arrival.
  std::string method;  // "GET", "POST", ...
  std::string path;    // raw path without the query string
  std::string query;   // raw query string without '?'
  std::string body;
  double arrival_ms = 0;

  // Case-insensitive request header lookup; nullptr when absent.
  const char* header(const char* name) const;
  // Decoded query parameter.
  std::optional<std::string> query_param(const char* name) const;

  // Filled in by the pipeline (app.cpp).
  uint64_t log_seq = 0;             // 0 = not in the request log (admin endpoints)
  std::optional<Fault> fault;       // a non-immediate fault to apply to this request's reply
  std::string user;                 // anonymous user id ("u1") once authenticated
  tinker::json::Ptr json;           // parsed JSON body, if any (the full name: `json` is taken)
  // The body with its Content-Encoding undone (`zstd` is the only one clients use, §1.6):
  // set when the body was compressed; payload() is what handlers should read.
  std::optional<std::string> decoded_body;
  std::string body_error;           // why the body could not be decoded, if it could not
  int body_error_status = 400;      // 415 for an unsupported Content-Encoding
  const std::string& payload() const { return decoded_body ? *decoded_body : body; }
  std::map<std::string, std::string> params;  // router path parameters

 private:
  friend class HttpServer;
  evhttp_request* req_ = nullptr;
};

}  // namespace emu
