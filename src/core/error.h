// The error record behind tinker_error_t, the thread-local "last error", and the one place
// that maps HTTP outcomes to status codes (protocol.md §1.7).
#pragma once

#include <string>

#include "http/transport.h"
#include "tinker/tinker.h"

struct tinker_error {
  tinker_status_t code = TINKER_OK;
  std::string message;
  tinker_error_category_t category = TINKER_ERROR_CATEGORY_UNKNOWN;
  int http_status = 0;
  std::string request_id;
  bool retryable = false;
};

namespace tinker {

using Error = tinker_error;

Error make_error(tinker_status_t code, std::string message);

// Inside a catch block: the exception being handled as the error that ends operation `what`
// (std::bad_alloc → RESOURCE_EXHAUSTED "<what>: out of memory", anything else → INTERNAL
// "<what>: internal error[: <e.what()>]"). Never throws: when not even the message can be made,
// the error has the code alone, so the operation still ends.
Error current_exception_error(const std::string& what) noexcept;

// Status code for an HTTP status that ended an operation (3xx → FAILED_PRECONDITION: redirects
// are never followed; 400 → INVALID_ARGUMENT, 401 → UNAUTHENTICATED, 409 → ALREADY_EXISTS,
// 410 → ABORTED, 429 → RESOURCE_EXHAUSTED, 5xx → UNAVAILABLE, …).
tinker_status_t status_for_http(long http_status);

// Builds the error for a failed HTTP response: code from the status, category from the status
// class (4xx user, 5xx server), message "<what>: HTTP <status>: <server detail>".
Error error_from_http(const std::string& what, long http_status, const std::string& body);

// Error for a server-reported failure {"error": msg, "category": c} (protocol.md §3.2 row 4).
Error error_from_request_failed(const std::string& message, const std::string& category,
                                const std::string& request_id);

// Error for a transport failure (no HTTP response), by kind: a network failure is UNAVAILABLE
// and retryable; a TLS verification failure FAILED_PRECONDITION, naming the CA-bundle option;
// a response over its size limit RESOURCE_EXHAUSTED; a local failure INTERNAL. Only the first
// is retryable.
Error error_from_transport(const std::string& what, http::Failure failure, const std::string& detail);

// The scheme, host and port of an absolute URL, without user information, path or query:
// what a message may say about where a redirect pointed.
std::string url_origin(const std::string& url);

// The calling thread's last error (never null).
Error& last_error();
void clear_last_error();
void set_last_error(const Error& e);

}  // namespace tinker
