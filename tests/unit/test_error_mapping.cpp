// The one place that maps HTTP outcomes and server failures to errors (protocol.md §1.7, §3.2
// row 4; docs/design.md "Errors"), and the promise that an API key never shows up in an error.
#include <new>
#include <stdexcept>
#include <string>

#include "core/client_options.h"
#include "core/error.h"
#include "core/printable.h"
#include "unit_test.h"

using namespace tinker;

namespace {

struct StatusCase {
  long http;
  tinker_status_t code;
};

void status_for_http_maps_each_status(void**) {
  const StatusCase cases[] = {
      {400, TINKER_E_INVALID_ARGUMENT},  {401, TINKER_E_UNAUTHENTICATED},    {402, TINKER_E_FAILED_PRECONDITION},
      {403, TINKER_E_PERMISSION_DENIED}, {404, TINKER_E_NOT_FOUND},          {408, TINKER_E_UNAVAILABLE},
      {409, TINKER_E_ALREADY_EXISTS},    {410, TINKER_E_ABORTED},            {422, TINKER_E_INVALID_ARGUMENT},
      {429, TINKER_E_RESOURCE_EXHAUSTED}, {500, TINKER_E_UNAVAILABLE},       {502, TINKER_E_UNAVAILABLE},
      {503, TINKER_E_UNAVAILABLE},       {504, TINKER_E_UNAVAILABLE},        {599, TINKER_E_UNAVAILABLE},
      {418, TINKER_E_UNKNOWN},           {0, TINKER_E_UNKNOWN},
      // Redirects are never followed (a credential must not follow one to another host).
      {301, TINKER_E_FAILED_PRECONDITION}, {302, TINKER_E_FAILED_PRECONDITION}, {307, TINKER_E_FAILED_PRECONDITION},
  };
  for (const auto& c : cases) {
    tinker_status_t got = status_for_http(c.http);
    if (got != c.code)
      TU_FAIL_MSG("status_for_http(%ld) = %s, expected %s\n", c.http, tinker_status_str(got), tinker_status_str(c.code));
  }
}

void error_from_http_carries_code_and_http_status(void**) {
  for (long s : {400L, 401L, 403L, 404L, 409L, 410L, 422L, 429L, 500L, 503L}) {
    Error e = error_from_http("create_model", s, "{\"detail\":\"x\"}");
    assert_status(e.code, status_for_http(s));
    assert_int_equal(e.http_status, s);
    assert_true(e.request_id.empty());
  }
}

void error_from_http_category_is_user_for_4xx_server_for_5xx(void**) {
  for (long s : {400L, 401L, 402L, 403L, 404L, 409L, 410L, 422L, 429L})
    if (error_from_http("op", s, "").category != TINKER_ERROR_CATEGORY_USER) TU_FAIL_MSG("HTTP %ld should be user\n", s);
  for (long s : {500L, 502L, 503L, 599L})
    if (error_from_http("op", s, "").category != TINKER_ERROR_CATEGORY_SERVER) TU_FAIL_MSG("HTTP %ld should be server\n", s);
  assert_int_equal(error_from_http("op", 302, "").category, TINKER_ERROR_CATEGORY_UNKNOWN);
}

void error_from_http_retryable_for_408_410_429_and_5xx_only(void**) {
  // tinker.h: retryable for network, 5xx, 429, 408, 410.
  for (long s : {408L, 410L, 429L, 500L, 502L, 503L, 599L})
    if (!error_from_http("op", s, "").retryable) TU_FAIL_MSG("HTTP %ld should be retryable\n", s);
  for (long s : {400L, 401L, 402L, 403L, 404L, 422L})
    if (error_from_http("op", s, "").retryable) TU_FAIL_MSG("HTTP %ld should not be retryable\n", s);
}

void error_from_http_message_names_operation_status_and_error_text(void**) {
  Error e = error_from_http("forward_backward", 400, "{\"error\":\"loss_fn 'foo' is not supported\"}");
  assert_contains(e.message, "forward_backward");
  assert_contains(e.message, "400");
  assert_contains(e.message, "loss_fn 'foo' is not supported");
}

void error_from_http_message_uses_detail_text(void**) {
  Error e = error_from_http("get_info", 404, "{\"detail\":\"Model abc not found\"}");
  assert_contains(e.message, "Model abc not found");
  assert_contains(e.message, "404");
  e = error_from_http("get_info", 422, "{\"message\":\"field missing\"}");
  assert_contains(e.message, "field missing");
}

void error_from_http_keeps_non_json_body_text(void**) {
  Error e = error_from_http("healthz", 502, "<html>Bad Gateway</html>");
  assert_contains(e.message, "Bad Gateway");
  assert_contains(e.message, "502");
  // JSON, but without a string under error/detail/message: the raw body is the best detail.
  e = error_from_http("op", 400, "{\"error\":42}");
  assert_contains(e.message, "42");
  e = error_from_http("op", 400, "[\"error\",\"detail\"]");
  assert_contains(e.message, "[\"error\",\"detail\"]");
  e = error_from_http("op", 400, "\"just a string\"");
  assert_contains(e.message, "just a string");
}

void error_from_http_survives_empty_and_malformed_bodies(void**) {
  Error e = error_from_http("op", 500, "");
  assert_status(e.code, TINKER_E_UNAVAILABLE);
  assert_contains(e.message, "500");
  assert_false(e.message.empty());

  const std::string weird[] = {"{", "{\"error\":", "\xff\xfe\x00garbage", std::string("a\0b", 3), "null", "{}", "[]"};
  for (const auto& body : weird) {
    Error w = error_from_http("op", 400, body);
    assert_status(w.code, TINKER_E_INVALID_ARGUMENT);
    assert_contains(w.message, "400");
  }
}

void error_from_http_truncates_huge_bodies(void**) {
  std::string body(100000, 'x');
  Error e = error_from_http("op", 500, body);
  assert_true(e.message.size() < 2000);
  assert_contains(e.message, "xxxx");
}

void error_from_http_truncation_keeps_utf8_valid(void**) {
  // Messages reach bindings as strings (Java, Go, Ruby); a cut through a multi-byte character
  // hands them invalid UTF-8. Try every cut position around the 512-byte limit.
  for (size_t pad = 0; pad < 9; ++pad) {
    std::string body(pad, 'a');
    while (body.size() < 2000) body += "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";  // é € 😀
    assert_true(unit::valid_utf8(body));
    Error e = error_from_http("op", 500, body);
    if (!unit::valid_utf8(e.message)) TU_FAIL_MSG("message is not valid UTF-8 after truncation (pad %zu)\n", pad);
  }
}

void request_failed_error_takes_category_from_server(void**) {
  Error e = error_from_request_failed("bad tokens", "user", "req-1");
  assert_status(e.code, TINKER_E_REQUEST_FAILED);
  assert_int_equal(e.category, TINKER_ERROR_CATEGORY_USER);
  assert_string_equal(e.request_id.c_str(), "req-1");
  assert_contains(e.message, "bad tokens");
  assert_int_equal(e.http_status, 0);
  assert_false(e.retryable);

  e = error_from_request_failed("oom", "server", "req-2");
  assert_status(e.code, TINKER_E_REQUEST_FAILED);
  assert_int_equal(e.category, TINKER_ERROR_CATEGORY_SERVER);
  assert_string_equal(e.request_id.c_str(), "req-2");

  e = error_from_request_failed("?", "unknown", "req-3");
  assert_int_equal(e.category, TINKER_ERROR_CATEGORY_UNKNOWN);
}

void request_failed_error_with_missing_or_invalid_category_is_unknown(void**) {
  // protocol.md §3.2: category missing/invalid -> unknown. The values are lower-case.
  for (const char* c : {"", "USER", "Server", "client", "user "})
    if (error_from_request_failed("m", c, "r").category != TINKER_ERROR_CATEGORY_UNKNOWN)
      TU_FAIL_MSG("category \"%s\" should be unknown\n", c);
}

void transport_error_is_unavailable_and_retryable(void**) {
  Error e = error_from_transport("sample", http::Failure::Network, "Connection refused");
  assert_status(e.code, TINKER_E_UNAVAILABLE);
  assert_true(e.retryable);
  assert_int_equal(e.http_status, 0);
  assert_contains(e.message, "sample");
  assert_contains(e.message, "Connection refused");
}

void tls_verification_failure_is_final_and_names_the_ca_bundle_option(void**) {
  Error e = error_from_transport("get_info", http::Failure::TlsVerification, "SSL certificate problem: self-signed certificate");
  assert_status(e.code, TINKER_E_FAILED_PRECONDITION);
  assert_false(e.retryable);
  assert_contains(e.message, "self-signed certificate");
  assert_contains(e.message, "tinker_client_options_set_ca_bundle_path");
}

void oversized_response_is_resource_exhausted_and_final(void**) {
  Error e = error_from_transport("forward", http::Failure::TooLarge, "the response exceeded the limit of 10 bytes");
  assert_status(e.code, TINKER_E_RESOURCE_EXHAUSTED);
  assert_false(e.retryable);
  assert_contains(e.message, "10 bytes");
}

void url_origin_drops_user_information_path_and_query(void**) {
  assert_string_equal(url_origin("http://user:pw@evil.example:8080/a/b?k=v#f").c_str(), "http://evil.example:8080");
  assert_string_equal(url_origin("https://host").c_str(), "https://host");
  assert_string_equal(url_origin("https://a@b@host/x").c_str(), "https://host");
  assert_string_equal(url_origin("/relative/path").c_str(), "(a relative address)");
}

// The key straddling the old 512-byte cut showed all but two of its characters.
void error_detail_is_redacted_before_it_is_cut(void**) {
  const std::string key = "tml-" + std::string(25, 'k');
  SecretSet secrets;
  secrets.add(key);
  for (size_t pad = 480; pad < 520; ++pad) {
    Error e = error_from_http("op", 500, std::string(pad, 'x') + key + std::string(100, 'y'));
    assert_not_contains(e.message, key.substr(0, 12));
    assert_not_contains(e.message, key.substr(key.size() - 12));
    assert_not_contains(e.message, "kkkkkkkk");
  }
}

// ---- API keys never appear in messages ----------------------------------------------------------

void malformed_api_key_is_not_echoed_in_the_error(void**) {
  unit::clear_tinker_env();
  ClientOptions o;
  o.base_url = "http://127.0.0.1:9";
  o.api_key = "bad-secret-123";
  Error err;
  assert_false(resolve_client_options(o, err));
  assert_status(err.code, TINKER_E_UNAUTHENTICATED);
  assert_contains(err.message, "api_key");
  assert_not_contains(err.message, "bad-secret-123");
  assert_not_contains(err.message, "secret");
}

void malformed_api_key_from_env_is_not_echoed_in_the_error(void**) {
  unit::clear_tinker_env();
  setenv("TINKER_API_KEY", "bad-secret-123", 1);
  ClientOptions o;
  o.base_url = "http://127.0.0.1:9";
  Error err;
  assert_false(resolve_client_options(o, err));
  assert_status(err.code, TINKER_E_UNAUTHENTICATED);
  assert_not_contains(err.message, "bad-secret-123");
  unit::clear_tinker_env();
}

void base_url_error_does_not_echo_a_valid_api_key(void**) {
  unit::clear_tinker_env();
  ClientOptions o;
  o.base_url = "ftp://example.com";
  o.api_key = "tml-topsecretvalue";
  Error err;
  assert_false(resolve_client_options(o, err));
  assert_status(err.code, TINKER_E_INVALID_ARGUMENT);
  assert_not_contains(err.message, "tml-topsecretvalue");
  assert_not_contains(err.message, "topsecret");
}

void service_client_new_does_not_echo_a_malformed_api_key(void**) {
  unit::clear_tinker_env();
  tinker_client_options_t* opts = nullptr;
  assert_status(tinker_client_options_new(&opts), TINKER_OK);
  assert_status(tinker_client_options_set_base_url(opts, "http://127.0.0.1:9"), TINKER_OK);
  assert_status(tinker_client_options_set_api_key(opts, "bad-secret-123"), TINKER_OK);
  tinker_service_client_t* client = nullptr;
  assert_status(tinker_service_client_new(&client, opts), TINKER_E_UNAUTHENTICATED);
  assert_null(client);
  const char* msg = tinker_error_message(tinker_last_error());
  assert_contains(msg, "api_key");
  assert_not_contains(msg, "bad-secret-123");
  tinker_client_options_free(opts);
}

void an_escaped_exception_becomes_the_operations_error(void**) {
  auto error_of = [](auto&& thrower) {
    try {
      thrower();
    } catch (...) {
      return tinker::current_exception_error("fetch");
    }
    return tinker::Error{};
  };
  tinker::Error oom = error_of([] { throw std::bad_alloc(); });
  assert_int_equal(oom.code, TINKER_E_RESOURCE_EXHAUSTED);
  assert_string_equal(oom.message.c_str(), "fetch: out of memory");
  tinker::Error std_error = error_of([] { throw std::runtime_error("bad state"); });
  assert_int_equal(std_error.code, TINKER_E_INTERNAL);
  assert_string_equal(std_error.message.c_str(), "fetch: internal error: bad state");
  tinker::Error other = error_of([] { throw 42; });
  assert_int_equal(other.code, TINKER_E_INTERNAL);
  assert_string_equal(other.message.c_str(), "fetch: internal error");
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(status_for_http_maps_each_status),
      cmocka_unit_test(error_from_http_carries_code_and_http_status),
      cmocka_unit_test(error_from_http_category_is_user_for_4xx_server_for_5xx),
      cmocka_unit_test(error_from_http_retryable_for_408_410_429_and_5xx_only),
      cmocka_unit_test(error_from_http_message_names_operation_status_and_error_text),
      cmocka_unit_test(error_from_http_message_uses_detail_text),
      cmocka_unit_test(error_from_http_keeps_non_json_body_text),
      cmocka_unit_test(error_from_http_survives_empty_and_malformed_bodies),
      cmocka_unit_test(error_from_http_truncates_huge_bodies),
      cmocka_unit_test(error_from_http_truncation_keeps_utf8_valid),
      cmocka_unit_test(request_failed_error_takes_category_from_server),
      cmocka_unit_test(request_failed_error_with_missing_or_invalid_category_is_unknown),
      cmocka_unit_test(transport_error_is_unavailable_and_retryable),
      cmocka_unit_test(tls_verification_failure_is_final_and_names_the_ca_bundle_option),
      cmocka_unit_test(oversized_response_is_resource_exhausted_and_final),
      cmocka_unit_test(url_origin_drops_user_information_path_and_query),
      cmocka_unit_test(error_detail_is_redacted_before_it_is_cut),
      cmocka_unit_test(malformed_api_key_is_not_echoed_in_the_error),
      cmocka_unit_test(malformed_api_key_from_env_is_not_echoed_in_the_error),
      cmocka_unit_test(base_url_error_does_not_echo_a_valid_api_key),
      cmocka_unit_test(service_client_new_does_not_echo_a_malformed_api_key),
      cmocka_unit_test(an_escaped_exception_becomes_the_operations_error),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
