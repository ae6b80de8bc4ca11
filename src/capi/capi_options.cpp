// tinker_client_options_*: typed setters over ClientOptions. Validation of values that depend
// on the environment (URL, API key) happens in tinker_service_client_new.
#include <cstring>

#include "capi/handles.h"
#include "core/printable.h"
#include "hub/hub_url.h"

using namespace tinker;
using capi::fail;
using capi::guard;

namespace {

// One shape for every setter: check the handle, check the value, store it.
template <class F>
tinker_status_t set(const char* fn, tinker_client_options_t* options, F&& store) {
  return guard(fn, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, options);
    return store(options->o, fn);
  });
}

tinker_status_t positive(const char* fn, const char* what, int64_t v) {
  return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": " + what + " must be > 0, got " + std::to_string(v));
}

// Values that become header lines: a CR or LF would add lines of the caller's choosing.
tinker_status_t check_header_value(const char* fn, const char* what, const char* value) {
  if (is_header_value(value)) return TINKER_OK;
  return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": " + what + " contains a control character (CR, LF, …)");
}

tinker_status_t negative(const char* fn, const char* what, int64_t v) {
  return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": " + what + " must be >= 0, got " + std::to_string(v));
}

// RFC 9110 token: the only characters a header name may contain.
bool is_http_token(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
    if (!ok || c == 0) return false;
  }
  return true;
}

}  // namespace


extern "C" {

TINKER_API tinker_status_t tinker_client_options_new(tinker_client_options_t** out) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    *out = new tinker_client_options{};
    return TINKER_OK;
  });
}

TINKER_API void tinker_client_options_free(tinker_client_options_t* options) { delete options; }

TINKER_API tinker_status_t tinker_client_options_set_base_url(tinker_client_options_t* options, const char* url) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, url);
    c.base_url = url;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_api_key(tinker_client_options_t* options, const char* api_key) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, api_key);
    if (tinker_status_t s = check_header_value(fn, "api_key", api_key)) return s;
    c.api_key = api_key;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_request_timeout_ms(tinker_client_options_t* options, int64_t ms) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    if (ms <= 0) return positive(fn, "ms", ms);
    c.request_timeout_ms = ms;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_connect_timeout_ms(tinker_client_options_t* options, int64_t ms) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    if (ms <= 0) return positive(fn, "ms", ms);
    c.connect_timeout_ms = ms;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_max_retries(tinker_client_options_t* options, int n) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    if (n < 0) return negative(fn, "max_retries", n);
    c.max_retries = n;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_retry_budget_ms(tinker_client_options_t* options, int64_t ms) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    if (ms < 0) return negative(fn, "ms", ms);
    c.retry_budget_ms = ms;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_add_user_metadata(tinker_client_options_t* options, const char* key,
                                                                    const char* value) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, key);
    TINKER_CHECK_ARG(fn, value);
    c.user_metadata[key] = value;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_project_id(tinker_client_options_t* options, const char* project_id) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, project_id);
    c.project_id = project_id;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_add_tag(tinker_client_options_t* options, const char* tag) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, tag);
    if (!c.tags) c.tags.emplace();
    c.tags->push_back(tag);
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_add_header(tinker_client_options_t* options, const char* name,
                                                             const char* value) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, name);
    TINKER_CHECK_ARG(fn, value);
    std::string n(name);
    if (!is_http_token(n))
      return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": name '" + n + "' is not a valid header name");
    if (tinker_status_t s = check_header_value(fn, "value", value)) return s;
    c.headers.emplace_back(n, value);
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_proxy(tinker_client_options_t* options, const char* proxy_url) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, proxy_url);
    c.proxy = proxy_url;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_ca_bundle_path(tinker_client_options_t* options, const char* path) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, path);
    c.ca_bundle_path = path;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_verify_tls(tinker_client_options_t* options, int verify) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    c.verify_tls = verify != 0;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_sdk_version(tinker_client_options_t* options, const char* version) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, version);
    if (!*version) return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": version is empty");
    if (tinker_status_t s = check_header_value(fn, "version", version)) return s;
    c.sdk_version = version;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_wire_mode(tinker_client_options_t* options, tinker_wire_mode_t mode) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    int m = capi::enum_value(mode);
    if (m != TINKER_WIRE_PROTOBUF && m != TINKER_WIRE_JSON)
      return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": unknown wire mode " + std::to_string(m));
    c.wire_mode = static_cast<tinker_wire_mode_t>(m);
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_default_deadline_ms(tinker_client_options_t* options, int64_t ms) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    if (ms < 0) return negative(fn, "ms", ms);
    c.default_deadline_ms = ms;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_heartbeat_interval_ms(tinker_client_options_t* options, int64_t ms) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    if (ms <= 0) return positive(fn, "ms", ms);
    c.heartbeat_interval_ms = ms;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_archive_retry(tinker_client_options_t* options, int64_t delay_ms,
                                                                 int attempts) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    if (delay_ms < 0) return negative(fn, "delay_ms", delay_ms);
    if (attempts < 0) return negative(fn, "attempts", attempts);
    c.archive_retry_delay_ms = delay_ms;
    c.archive_retry_attempts = attempts;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_trace_poll_interval_ms(tinker_client_options_t* options, int64_t ms) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    if (ms <= 0) return positive(fn, "ms", ms);
    c.trace_poll_interval_ms = ms;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_hub_endpoint(tinker_client_options_t* options, const char* url) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    if (!url) {
      c.hub_endpoint.reset();
      return TINKER_OK;
    }
    if (!hub::origin_of(url).ok) {
      const bool echo = std::strchr(url, '@') == nullptr;  // user information may hold a password
      return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": url must be an http or https URL with a host and "
                                                              "no user information" +
                                                 (echo ? ", got '" + printable(url) + "'" : std::string()));
    }
    std::string u = url;
    while (!u.empty() && u.back() == '/') u.pop_back();
    c.hub_endpoint = u;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_hub_token(tinker_client_options_t* options, const char* token) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    if (!token) {
      c.hub_token.reset();
      return TINKER_OK;
    }
    if (tinker_status_t s = check_header_value(fn, "token", token)) return s;
    c.hub_token = token;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_hub_cache_dir(tinker_client_options_t* options, const char* path) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    if (!path) {
      c.hub_cache_dir.reset();
      return TINKER_OK;
    }
    if (!*path) return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": path is empty (NULL restores the default)");
    c.hub_cache_dir = path;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_hub_offline(tinker_client_options_t* options, int offline) {
  return set(__func__, options, [&](ClientOptions& c, const char*) -> tinker_status_t {
    c.hub_offline = offline != 0;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_max_result_bytes(tinker_client_options_t* options, int64_t bytes) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    if (bytes <= 0) return positive(fn, "bytes", bytes);
    c.max_result_bytes = bytes;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_max_response_bytes(tinker_client_options_t* options, int64_t bytes) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    if (bytes <= 0) return positive(fn, "bytes", bytes);
    c.max_response_bytes = bytes;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_log_callback(tinker_client_options_t* options, tinker_log_callback_t callback,
                                                                   void* user_data, tinker_log_level_t level) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    int l = capi::enum_value(level);
    if (l < TINKER_LOG_DEBUG || l > TINKER_LOG_OFF)
      return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": unknown log level " + std::to_string(l));
    c.log_cb = callback;
    c.log_user_data = user_data;
    if (callback) c.log_level = static_cast<tinker_log_level_t>(l);
    else c.log_level.reset();
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_client_options_set_queue_state_callback(tinker_client_options_t* options,
                                                                           tinker_queue_state_callback_t callback,
                                                                           void* user_data) {
  return set(__func__, options, [&](ClientOptions& c, const char* fn) -> tinker_status_t {
    c.queue_cb = callback;
    c.queue_user_data = user_data;
    return TINKER_OK;
  });
}

}  // extern "C"
