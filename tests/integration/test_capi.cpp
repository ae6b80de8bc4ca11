// The C boundary with a live server (docs/design.md "Errors"): NULL arguments, malformed
// options, authentication failures, and the promise that API keys never leak into error
// messages or log output.
#include "harness.h"

#include <stdlib.h>
#include <mutex>
#include <string>
#include <vector>

using namespace itest;

namespace {

// INVALID_ARGUMENT whose message names `param`; nothing is sent to the server.
void expect_null_argument(tinker_status_t s, const char* fn, const char* param) {
  const tinker_error_t* e = tinker_last_error();
  std::string msg = tinker_error_message(e);
  if (s != TINKER_E_INVALID_ARGUMENT || !contains(msg, param) || !contains(msg, fn)) {
    print_error("%s with NULL %s: got %s\n", fn, param, describe(s, e).c_str());
    fail();
  }
  assert_int_equal(tinker_error_code(e), TINKER_E_INVALID_ARGUMENT);
}

struct LogCapture {
  std::mutex mu;
  std::vector<std::string> messages;
};

void capture_log(tinker_log_level_t, const char* message, void* ud) {
  auto* c = static_cast<LogCapture*>(ud);
  std::lock_guard<std::mutex> lk(c->mu);
  c->messages.emplace_back(message ? message : "");
}

const char* kSecretKey = "tml-integration-secret-5f3a9c1e7b2d";

}  // namespace

// Every operation of a live client refuses NULL out-parameters, naming them, and sends nothing.
static void null_out_params_are_invalid_argument_naming_the_parameter(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  expect_null_argument(tinker_service_client_get_server_capabilities(c, nullptr),
                       "tinker_service_client_get_server_capabilities", "out");
  expect_null_argument(tinker_service_client_get_server_capabilities_async(c, nullptr),
                       "tinker_service_client_get_server_capabilities_async", "out");
  expect_null_argument(tinker_service_client_health_check_async(c, nullptr), "tinker_service_client_health_check_async",
                       "out");
  expect_null_argument(tinker_service_client_start_session_async(c, nullptr),
                       "tinker_service_client_start_session_async", "out");
  expect_null_argument(tinker_service_client_create_rest_client(c, nullptr), "tinker_service_client_create_rest_client",
                       "out");
  tinker_client_options_t* o = fast_options();
  expect_null_argument(tinker_service_client_new(nullptr, o), "tinker_service_client_new", "out");
  tinker_client_options_free(o);
  expect_null_argument(tinker_client_options_new(nullptr), "tinker_client_options_new", "out");
  expect_null_argument(tinker_completion_queue_new(nullptr), "tinker_completion_queue_new", "out");

  // Out-parameters of futures and queues, on live objects.
  tinker_future_t* f = nullptr;
  assert_int_equal(tinker_service_client_get_server_capabilities_async(c, &f), TINKER_OK);
  track(f);
  assert_int_equal(tinker_future_wait(f, 10000), TINKER_OK);
  expect_null_argument(tinker_future_take_server_capabilities(f, nullptr), "tinker_future_take_server_capabilities",
                       "out");
  expect_null_argument(tinker_future_wait_any(nullptr, &f, 1, 0), "tinker_future_wait_any", "index");
  tinker_completion_queue_t* q = nullptr;
  assert_int_equal(tinker_completion_queue_new(&q), TINKER_OK);
  expect_null_argument(tinker_completion_queue_fd(q, nullptr), "tinker_completion_queue_fd", "fd");
  expect_null_argument(tinker_completion_queue_next(q, 0, nullptr), "tinker_completion_queue_next", "tag");
  tinker_completion_queue_free(q);
  // The result still sits in the future: the NULL take did not consume it.
  tinker_server_capabilities_t* caps = nullptr;
  assert_int_equal(tinker_future_take_server_capabilities(f, &caps), TINKER_OK);
  tinker_server_capabilities_free(caps);

  // Only the one capabilities call reached the server.
  auto log = request_log();
  size_t caps_calls = 0;
  for (const auto& e : log) caps_calls += e.path == "/api/v1/get_server_capabilities";
  assert_int_equal(caps_calls, 1);
}

// NULL handles: INVALID_ARGUMENT naming the handle, never a crash.
static void null_handles_are_invalid_argument_naming_the_parameter(void**) {
  tinker_future_t* f = nullptr;
  tinker_server_capabilities_t* caps = nullptr;
  expect_null_argument(tinker_service_client_get_server_capabilities(nullptr, &caps),
                       "tinker_service_client_get_server_capabilities", "client");
  expect_null_argument(tinker_service_client_get_server_capabilities_async(nullptr, &f),
                       "tinker_service_client_get_server_capabilities_async", "client");
  expect_null_argument(tinker_service_client_health_check(nullptr), "tinker_service_client_health_check", "client");
  expect_null_argument(tinker_service_client_health_check_async(nullptr, &f), "tinker_service_client_health_check_async",
                       "client");
  expect_null_argument(tinker_service_client_start_session(nullptr), "tinker_service_client_start_session", "client");
  expect_null_argument(tinker_service_client_start_session_async(nullptr, &f),
                       "tinker_service_client_start_session_async", "client");
  tinker_rest_client_t* rest = nullptr;
  expect_null_argument(tinker_service_client_create_rest_client(nullptr, &rest),
                       "tinker_service_client_create_rest_client", "client");
  assert_null(tinker_service_client_session_id(nullptr));
  expect_null_argument(tinker_future_poll(nullptr), "tinker_future_poll", "future");
  expect_null_argument(tinker_future_wait(nullptr, 0), "tinker_future_wait", "future");
  expect_null_argument(tinker_future_cancel(nullptr), "tinker_future_cancel", "future");
  expect_null_argument(tinker_future_take_server_capabilities(nullptr, &caps), "tinker_future_take_server_capabilities",
                       "future");
  expect_null_argument(tinker_client_options_set_base_url(nullptr, "http://x"), "tinker_client_options_set_base_url",
                       "options");
  tinker_service_client_free(nullptr);
  tinker_rest_client_free(nullptr);
  tinker_future_free(nullptr);
  assert_int_equal(request_log().size(), 0);
}

// tinker_service_client_new rejects malformed base URLs (INVALID_ARGUMENT naming base_url)
// without touching the network.
static void malformed_base_url_is_invalid_argument(void**) {
  const char* bad[] = {"ftp://127.0.0.1:1/", "http://", "127.0.0.1:8080", "http://:80", "http://bad host/", ""};
  for (const char* url : bad) {
    tinker_client_options_t* o = fast_options();
    assert_int_equal(tinker_client_options_set_base_url(o, url), TINKER_OK);
    tinker_service_client_t* c = reinterpret_cast<tinker_service_client_t*>(0x1);
    tinker_status_t s = tinker_service_client_new(&c, o);
    tinker_client_options_free(o);
    const tinker_error_t* e = tinker_last_error();
    if (s != TINKER_E_INVALID_ARGUMENT || !contains(tinker_error_message(e), "base_url")) {
      print_error("base URL '%s': got %s\n", url, describe(s, e).c_str());
      fail();
    }
    assert_null(c);
  }
  assert_int_equal(request_log().size(), 0);
}

// A missing API key (neither option nor TINKER_API_KEY) or one without the tml-/JWT prefix is
// UNAUTHENTICATED naming api_key, and the rejected key is not echoed.
static void missing_or_malformed_api_key_is_unauthenticated(void**) {
  {
    tinker_client_options_t* o = nullptr;
    assert_int_equal(tinker_client_options_new(&o), TINKER_OK);
    assert_int_equal(tinker_client_options_set_base_url(o, base_url().c_str()), TINKER_OK);
    tinker_service_client_t* c = nullptr;
    unsetenv("TINKER_API_KEY");
    tinker_status_t s = tinker_service_client_new(&c, o);
    setenv("TINKER_API_KEY", api_key().c_str(), 1);
    tinker_client_options_free(o);
    assert_status(s, TINKER_E_UNAUTHENTICATED, tinker_last_error());
    assert_true(contains(tinker_error_message(tinker_last_error()), "api_key"));
    assert_null(c);
  }
  const char* bad[] = {"", "sk-live-not-a-tinker-key", "TML-upper-case"};
  for (const char* key : bad) {
    tinker_client_options_t* o = fast_options();
    assert_int_equal(tinker_client_options_set_api_key(o, key), TINKER_OK);
    tinker_service_client_t* c = nullptr;
    tinker_status_t s = tinker_service_client_new(&c, o);
    tinker_client_options_free(o);
    const tinker_error_t* e = tinker_last_error();
    assert_status(s, TINKER_E_UNAUTHENTICATED, e);
    assert_true(contains(tinker_error_message(e), "api_key"));
    if (key[0] != '\0') assert_false(contains(tinker_error_message(e), key));
    assert_null(c);
  }
  assert_int_equal(request_log().size(), 0);
}

// With no options at all, base URL and key come from the environment (§1.1).
static void null_options_take_everything_from_the_environment(void**) {
  tinker_service_client_t* c = nullptr;
  assert_status(tinker_service_client_new(&c, nullptr), TINKER_OK, tinker_last_error());
  untrack(c);
  tinker_status_t s = tinker_service_client_health_check(c);
  tinker_service_client_free(c);
  assert_status(s, TINKER_OK, tinker_last_error());
  assert_int_equal(request_log("/api/v1/healthz").size(), 1);
}

// §1.2: a 401 is never retried (even with retries configured) and maps to UNAUTHENTICATED.
// The emulator accepts any tml- key, so the rejection is injected.
static void server_401_is_unauthenticated_and_not_retried(void**) {
  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_max_retries(o, 3), TINKER_OK);
  assert_int_equal(tinker_client_options_set_retry_budget_ms(o, 3000), TINKER_OK);
  tinker_service_client_t* c = new_client(o);
  add_fault("{\"path\": \"/api/v1/client/config\", \"action\": \"status\", \"status\": 401, \"count\": 5}");
  tinker_status_t s = tinker_service_client_start_session(c);
  const tinker_error_t* e = tinker_last_error();
  assert_status(s, TINKER_E_UNAUTHENTICATED, e);
  assert_int_equal(tinker_error_http_status(e), 401);
  assert_int_equal(tinker_error_retryable(e), 0);
  sleep_ms(1200);  // past the first submission-retry backoff
  auto log = request_log();
  if (log.size() != 1) dump(log);
  assert_int_equal(log.size(), 1);
  assert_string_equal(log[0].path.c_str(), "/api/v1/client/config");
  assert_int_equal(log[0].status, 401);
}

// The same for a direct operation after a successful startup.
static void capabilities_401_is_unauthenticated_and_not_retried(void**) {
  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_max_retries(o, 3), TINKER_OK);
  tinker_service_client_t* c = new_client(o);
  add_fault("{\"path\": \"/api/v1/get_server_capabilities\", \"action\": \"status\", \"status\": 401, \"count\": 5}");
  tinker_server_capabilities_t* caps = nullptr;
  tinker_status_t s = tinker_service_client_get_server_capabilities(c, &caps);
  assert_status(s, TINKER_E_UNAUTHENTICATED, tinker_last_error());
  assert_null(caps);
  sleep_ms(1200);
  assert_int_equal(request_log("/api/v1/get_server_capabilities").size(), 1);
}

// The last error is per call: a success after a failure leaves TINKER_OK and "".
static void last_error_is_cleared_by_the_next_successful_call(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  assert_int_equal(tinker_service_client_get_server_capabilities(c, nullptr), TINKER_E_INVALID_ARGUMENT);
  assert_int_equal(tinker_error_code(tinker_last_error()), TINKER_E_INVALID_ARGUMENT);
  assert_status(tinker_service_client_health_check(c), TINKER_OK, tinker_last_error());
  assert_int_equal(tinker_error_code(tinker_last_error()), TINKER_OK);
  assert_string_equal(tinker_error_message(tinker_last_error()), "");
}

// tinker.h: messages and log output "never contain an API key". A debug-level log callback
// captures a run with retries, a failed startup, a failed call and a successful session; the
// key appears nowhere (nor in the emulator's request log, which records user ids only).
static void api_key_never_appears_in_errors_or_log_output(void**) {
  LogCapture cap;
  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_api_key(o, kSecretKey), TINKER_OK);
  assert_int_equal(tinker_client_options_set_log_callback(o, capture_log, &cap, TINKER_LOG_DEBUG), TINKER_OK);
  assert_int_equal(tinker_client_options_set_heartbeat_interval_ms(o, 100), TINKER_OK);
  tinker_service_client_t* c = new_client(o);
  std::vector<std::string> errors;

  add_fault("{\"path\": \"/api/v1/client/config\", \"action\": \"status\", \"status\": 503, \"count\": 2,"
            " \"headers\": {\"retry-after-ms\": \"20\"}}");
  add_fault("{\"path\": \"/api/v1/client/config\", \"action\": \"status\", \"status\": 401}");
  assert_int_equal(tinker_service_client_start_session(c), TINKER_E_UNAUTHENTICATED);
  errors.push_back(tinker_error_message(tinker_last_error()));

  add_fault("{\"path\": \"/api/v1/get_server_capabilities\", \"action\": \"status\", \"status\": 500, \"count\": 3,"
            " \"headers\": {\"retry-after-ms\": \"20\"}}");
  add_fault("{\"path\": \"/api/v1/get_server_capabilities\", \"action\": \"status\", \"status\": 404}");
  tinker_server_capabilities_t* caps = nullptr;
  assert_true(tinker_service_client_get_server_capabilities(c, &caps) != TINKER_OK);
  errors.push_back(tinker_error_message(tinker_last_error()));

  add_fault("{\"path\": \"/api/v1/session_heartbeat\", \"action\": \"status\", \"status\": 500, \"count\": 2}");
  Job job;
  job.error = "the job failed";
  job.category = "user";
  tinker_future_t* f = start_job(c, job);
  assert_int_equal(wait_job(f), TINKER_E_REQUEST_FAILED);
  errors.push_back(tinker_error_message(tinker_future_error(f)));
  assert_status(tinker_service_client_start_session(c), TINKER_OK, tinker_last_error());
  assert_true(eventually([] { return request_log("/api/v1/session_heartbeat").size() >= 3; }, 3000));

  std::lock_guard<std::mutex> lk(cap.mu);
  print_message("%zu log messages, %zu error messages checked\n", cap.messages.size(), errors.size());
  assert_true(cap.messages.size() >= 3);  // retries and heartbeat failures are logged at debug
  for (const auto& m : cap.messages) {
    if (contains(m, kSecretKey) || contains(m, "5f3a9c1e7b2d")) {
      print_error("log message leaks the key: %s\n", m.c_str());
      fail();
    }
  }
  for (const auto& m : errors) {
    if (contains(m, kSecretKey) || contains(m, "5f3a9c1e7b2d")) {
      print_error("error message leaks the key: %s\n", m.c_str());
      fail();
    }
  }
  assert_false(contains(request_log_raw(), "5f3a9c1e7b2d"));
}

// tinker_error_message "never contains an API key" — also when a server echoes the key back in
// its error body (some gateways do).
static void error_message_redacts_an_api_key_echoed_by_the_server(void**) {
  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_api_key(o, kSecretKey), TINKER_OK);
  assert_int_equal(tinker_client_options_set_max_retries(o, 0), TINKER_OK);
  tinker_service_client_t* c = new_client(o);
  add_fault(std::string("{\"path\": \"/api/v1/healthz\", \"action\": \"status\", \"status\": 403, \"body\":"
                        " \"{\\\"error\\\": \\\"key ") +
            kSecretKey + " is not allowed here\\\"}\"}");
  tinker_status_t s = tinker_service_client_health_check(c);
  const tinker_error_t* e = tinker_last_error();
  assert_status(s, TINKER_E_PERMISSION_DENIED, e);
  print_message("message: %s\n", tinker_error_message(e));
  assert_false(contains(tinker_error_message(e), "5f3a9c1e7b2d"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(null_out_params_are_invalid_argument_naming_the_parameter, setup, teardown),
      cmocka_unit_test_setup_teardown(null_handles_are_invalid_argument_naming_the_parameter, setup, teardown),
      cmocka_unit_test_setup_teardown(malformed_base_url_is_invalid_argument, setup, teardown),
      cmocka_unit_test_setup_teardown(missing_or_malformed_api_key_is_unauthenticated, setup, teardown),
      cmocka_unit_test_setup_teardown(null_options_take_everything_from_the_environment, setup, teardown),
      cmocka_unit_test_setup_teardown(server_401_is_unauthenticated_and_not_retried, setup, teardown),
      cmocka_unit_test_setup_teardown(capabilities_401_is_unauthenticated_and_not_retried, setup, teardown),
      cmocka_unit_test_setup_teardown(last_error_is_cleared_by_the_next_successful_call, setup, teardown),
      cmocka_unit_test_setup_teardown(api_key_never_appears_in_errors_or_log_output, setup, teardown),
      cmocka_unit_test_setup_teardown(error_message_redacts_an_api_key_echoed_by_the_server, setup, teardown),
  };
  return cmocka_run_group_tests_name("integration_capi", tests, nullptr, nullptr);
}
