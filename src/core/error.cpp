#include "core/error.h"

#include <cjson/cJSON.h>

#include <exception>
#include <new>

#include "core/printable.h"

namespace tinker {

Error make_error(tinker_status_t code, std::string message) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

Error current_exception_error(const std::string& what) noexcept {
  tinker_status_t code = TINKER_E_INTERNAL;
  try {
    try {
      throw;
    } catch (const std::bad_alloc&) {
      code = TINKER_E_RESOURCE_EXHAUSTED;
      return make_error(code, what + ": out of memory");
    } catch (const std::exception& e) {
      return make_error(code, what + ": internal error: " + e.what());
    } catch (...) {
      return make_error(code, what + ": internal error");
    }
  } catch (...) {
    Error bare;
    bare.code = code;
    return bare;
  }
}

tinker_status_t status_for_http(long s) {
  switch (s) {
    case 400: case 422: return TINKER_E_INVALID_ARGUMENT;
    case 401: return TINKER_E_UNAUTHENTICATED;
    case 402: return TINKER_E_FAILED_PRECONDITION;
    case 403: return TINKER_E_PERMISSION_DENIED;
    case 404: return TINKER_E_NOT_FOUND;
    case 408: return TINKER_E_UNAVAILABLE;
    case 409: return TINKER_E_ALREADY_EXISTS;
    case 410: return TINKER_E_ABORTED;
    case 429: return TINKER_E_RESOURCE_EXHAUSTED;
    default: break;
  }
  if (s >= 300 && s <= 399) return TINKER_E_FAILED_PRECONDITION;
  if (s >= 500 && s <= 599) return TINKER_E_UNAVAILABLE;
  return TINKER_E_UNKNOWN;
}

// An HTML error page or a stack trace says little past its start.
constexpr size_t kMaxServerDetailBytes = 512;

// The most useful human text in an error body: a JSON "error"/"detail"/"message" string, else
// the start of the raw body.
static std::string server_detail(const std::string& body) {
  if (body.empty()) return "(empty body)";
  std::string out;
  if (cJSON* j = cJSON_ParseWithLength(body.data(), body.size())) {
    for (const char* key : {"error", "detail", "message"}) {
      const cJSON* v = cJSON_GetObjectItemCaseSensitive(j, key);
      if (cJSON_IsString(v)) { out = v->valuestring; break; }
    }
    cJSON_Delete(j);
  }
  if (out.empty()) out = body;
  return printable(std::move(out), kMaxServerDetailBytes);  // redacted before it is cut
}

Error error_from_http(const std::string& what, long http_status, const std::string& body) {
  Error e;
  e.code = status_for_http(http_status);
  e.http_status = static_cast<int>(http_status);
  e.category = (http_status >= 400 && http_status < 500) ? TINKER_ERROR_CATEGORY_USER
               : http_status >= 500                      ? TINKER_ERROR_CATEGORY_SERVER
                                                         : TINKER_ERROR_CATEGORY_UNKNOWN;
  // 409 is retried by the layers (§4) but, once they gave up, retrying later will not help.
  e.retryable = http_status == 408 || http_status == 410 || http_status == 429 || http_status >= 500;
  e.message = what + ": HTTP " + std::to_string(http_status) + ": " + server_detail(body);
  return e;
}

std::string url_origin(const std::string& url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "(a relative address)";
  const size_t host_begin = scheme_end + 3;
  std::string authority = url.substr(host_begin, url.find_first_of("/?#", host_begin) - host_begin);
  if (size_t at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  return url.substr(0, host_begin) + authority;
}

Error error_from_request_failed(const std::string& message, const std::string& category,
                                const std::string& request_id) {
  Error e;
  e.code = TINKER_E_REQUEST_FAILED;
  e.message = message;
  e.category = category == "user"     ? TINKER_ERROR_CATEGORY_USER
               : category == "server" ? TINKER_ERROR_CATEGORY_SERVER
                                      : TINKER_ERROR_CATEGORY_UNKNOWN;
  e.request_id = request_id;
  return e;
}

Error error_from_transport(const std::string& what, http::Failure failure, const std::string& detail) {
  switch (failure) {
    case http::Failure::TlsVerification:
      return make_error(TINKER_E_FAILED_PRECONDITION,
                        what + ": TLS verification failed: " + detail +
                            "; the server's certificate is not trusted here: give the CA that signed it with "
                            "tinker_client_options_set_ca_bundle_path");
    case http::Failure::TooLarge:
      return make_error(TINKER_E_RESOURCE_EXHAUSTED, what + ": " + detail);
    case http::Failure::Local:
      return make_error(TINKER_E_INTERNAL, what + ": " + detail);
    case http::Failure::None:
    case http::Failure::Network:
      break;
  }
  Error e = make_error(TINKER_E_UNAVAILABLE, what + ": connection error: " + detail);
  e.retryable = true;
  return e;
}

static thread_local Error t_last_error;

Error& last_error() { return t_last_error; }
void clear_last_error() {
  if (t_last_error.code != TINKER_OK || !t_last_error.message.empty()) t_last_error = Error{};
}
void set_last_error(const Error& e) {
  t_last_error = e;
  t_last_error.message = printable(std::move(t_last_error.message));
}

}  // namespace tinker
