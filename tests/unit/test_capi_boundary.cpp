// The C boundary (docs/design.md "Errors", tinker.h conventions): bad input returns
// TINKER_E_INVALID_ARGUMENT with a message naming the function and the parameter (as the header
// names it), getters return their documented value for NULL, every _free accepts NULL, the
// last error is never NULL and is reset by each call, and tinker_service_client_new validates
// its options without doing any I/O.
#include <cctype>
#include <string>
#include <thread>
#include <vector>

#include "c_callers.h"
#include "capi/handles.h"
#include "client/api_results.h"
#include "core/completion_executor.h"
#include "core/future_state.h"
#include "unit_test.h"

using namespace tinker;

namespace {

// `word` occurs in `text` with no identifier character on either side.
bool contains_word(const std::string& text, const std::string& word) {
  auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    bool left = at == 0 || !ident(text[at - 1]);
    bool right = at + word.size() == text.size() || !ident(text[at + word.size()]);
    if (left && right) return true;
  }
  return false;
}

// Collects every violation of a table of NULL-argument calls, then fails once listing them
// all, so that one run shows the whole picture.
class NullArgChecker {
 public:
  // `status` is what the call returned; the last error is read right after it.
  void check(const char* fn, const char* param, tinker_status_t status) {
    const std::string msg = tinker_error_message(tinker_last_error());
    const tinker_status_t code = tinker_error_code(tinker_last_error());
    std::string what = std::string(fn) + " with " + param + " NULL";
    if (status != TINKER_E_INVALID_ARGUMENT)
      problems_.push_back(what + ": returned " + tinker_status_str(status));
    else if (code != TINKER_E_INVALID_ARGUMENT)
      problems_.push_back(what + ": last error code is " + tinker_status_str(code));
    else if (!contains_word(msg, fn) || !contains_word(msg, param))
      problems_.push_back(what + ": message \"" + msg + "\" should name " + fn + " and " + param);
  }
  void verify() {
    if (problems_.empty()) return;
    for (const auto& p : problems_) print_error("  %s\n", p.c_str());
    TU_FAIL_MSG("%zu NULL-argument checks failed\n", problems_.size());
  }

 private:
  std::vector<std::string> problems_;
};

#define CHECK_NULL(checker, fn, param, ...) (checker).check(#fn, param, fn(__VA_ARGS__))

tinker_future_t* new_future(const std::shared_ptr<CompletionExecutor>& ex) {
  return new tinker_future{std::make_shared<FutureState>(ex, &result_types::None)};
}

// A service client for a server that is never contacted (creating one does no I/O).
tinker_service_client_t* offline_client() {
  unit::clear_tinker_env();
  tinker_client_options_t* o = nullptr;
  tinker_client_options_new(&o);
  tinker_client_options_set_base_url(o, "http://127.0.0.1:1");
  tinker_client_options_set_api_key(o, "tml-offline");
  tinker_service_client_t* c = nullptr;
  tinker_service_client_new(&c, o);
  tinker_client_options_free(o);
  return c;
}

void dummy_callback(tinker_future_t*, void*) {}
int g_destroys = 0;
void counting_destroy(void*) { ++g_destroys; }

// ---- NULL arguments -----------------------------------------------------------------------------

void options_functions_reject_null_arguments_naming_them(void**) {
  NullArgChecker c;
  tinker_client_options_t* o = nullptr;
  assert_status(tinker_client_options_new(&o), TINKER_OK);
  CHECK_NULL(c, tinker_client_options_new, "out", nullptr);
  CHECK_NULL(c, tinker_client_options_set_base_url, "options", nullptr, "http://x");
  CHECK_NULL(c, tinker_client_options_set_base_url, "url", o, nullptr);
  CHECK_NULL(c, tinker_client_options_set_api_key, "options", nullptr, "tml-x");
  CHECK_NULL(c, tinker_client_options_set_api_key, "api_key", o, nullptr);
  CHECK_NULL(c, tinker_client_options_set_request_timeout_ms, "options", nullptr, 1);
  CHECK_NULL(c, tinker_client_options_set_connect_timeout_ms, "options", nullptr, 1);
  CHECK_NULL(c, tinker_client_options_set_max_retries, "options", nullptr, 1);
  CHECK_NULL(c, tinker_client_options_set_retry_budget_ms, "options", nullptr, 1);
  CHECK_NULL(c, tinker_client_options_add_user_metadata, "options", nullptr, "k", "v");
  CHECK_NULL(c, tinker_client_options_add_user_metadata, "key", o, nullptr, "v");
  CHECK_NULL(c, tinker_client_options_add_user_metadata, "value", o, "k", nullptr);
  CHECK_NULL(c, tinker_client_options_set_project_id, "options", nullptr, "p");
  CHECK_NULL(c, tinker_client_options_set_project_id, "project_id", o, nullptr);
  CHECK_NULL(c, tinker_client_options_add_tag, "options", nullptr, "t");
  CHECK_NULL(c, tinker_client_options_add_tag, "tag", o, nullptr);
  CHECK_NULL(c, tinker_client_options_add_header, "options", nullptr, "X-A", "b");
  CHECK_NULL(c, tinker_client_options_add_header, "name", o, nullptr, "b");
  CHECK_NULL(c, tinker_client_options_add_header, "value", o, "X-A", nullptr);
  CHECK_NULL(c, tinker_client_options_set_proxy, "options", nullptr, "");
  CHECK_NULL(c, tinker_client_options_set_proxy, "proxy_url", o, nullptr);
  CHECK_NULL(c, tinker_client_options_set_ca_bundle_path, "options", nullptr, "/x");
  CHECK_NULL(c, tinker_client_options_set_ca_bundle_path, "path", o, nullptr);
  CHECK_NULL(c, tinker_client_options_set_verify_tls, "options", nullptr, 1);
  CHECK_NULL(c, tinker_client_options_set_sdk_version, "options", nullptr, "0.25.0");
  CHECK_NULL(c, tinker_client_options_set_sdk_version, "version", o, nullptr);
  CHECK_NULL(c, tinker_client_options_set_wire_mode, "options", nullptr, TINKER_WIRE_JSON);
  CHECK_NULL(c, tinker_client_options_set_default_deadline_ms, "options", nullptr, 1);
  CHECK_NULL(c, tinker_client_options_set_heartbeat_interval_ms, "options", nullptr, 1);
  CHECK_NULL(c, tinker_client_options_set_log_callback, "options", nullptr, nullptr, nullptr, TINKER_LOG_INFO);
  CHECK_NULL(c, tinker_client_options_set_queue_state_callback, "options", nullptr, nullptr, nullptr);
  // The NULL callbacks are documented as "remove it", not as errors.
  assert_status(tinker_client_options_set_log_callback(o, nullptr, nullptr, TINKER_LOG_INFO), TINKER_OK);
  assert_status(tinker_client_options_set_queue_state_callback(o, nullptr, nullptr), TINKER_OK);
  tinker_client_options_free(o);
  c.verify();
}

void service_client_functions_reject_null_arguments_naming_them(void**) {
  NullArgChecker c;
  tinker_service_client_t* client = offline_client();
  assert_non_null(client);
  tinker_server_capabilities_t* caps = nullptr;
  tinker_future_t* f = nullptr;
  tinker_rest_client_t* rest = nullptr;
  CHECK_NULL(c, tinker_service_client_new, "out", nullptr, nullptr);
  CHECK_NULL(c, tinker_service_client_get_server_capabilities, "client", nullptr, &caps);
  CHECK_NULL(c, tinker_service_client_get_server_capabilities, "out", client, nullptr);
  CHECK_NULL(c, tinker_service_client_get_server_capabilities_async, "client", nullptr, &f);
  CHECK_NULL(c, tinker_service_client_get_server_capabilities_async, "out", client, nullptr);
  CHECK_NULL(c, tinker_service_client_health_check, "client", nullptr);
  CHECK_NULL(c, tinker_service_client_health_check_async, "client", nullptr, &f);
  CHECK_NULL(c, tinker_service_client_health_check_async, "out", client, nullptr);
  CHECK_NULL(c, tinker_service_client_create_rest_client, "client", nullptr, &rest);
  CHECK_NULL(c, tinker_service_client_create_rest_client, "out", client, nullptr);
  CHECK_NULL(c, tinker_service_client_start_session, "client", nullptr);
  CHECK_NULL(c, tinker_service_client_start_session_async, "client", nullptr, &f);
  CHECK_NULL(c, tinker_service_client_start_session_async, "out", client, nullptr);
  // Nothing was handed out by the failed calls.
  assert_null(caps);
  assert_null(f);
  assert_null(rest);
  assert_null(tinker_service_client_session_id(nullptr));
  tinker_service_client_free(client);
  c.verify();
}

void future_functions_reject_null_arguments_naming_them(void**) {
  NullArgChecker c;
  auto ex = std::make_shared<CompletionExecutor>();
  tinker_future_t* f = new_future(ex);
  tinker_completion_queue_t* q = nullptr;
  assert_status(tinker_completion_queue_new(&q), TINKER_OK);
  tinker_server_capabilities_t* caps = nullptr;
  size_t index = 0;
  uint64_t tag = 0;
  int fd = -1;
  tinker_future_t* const one[] = {f};

  CHECK_NULL(c, tinker_future_poll, "future", nullptr);
  CHECK_NULL(c, tinker_future_wait, "future", nullptr, 0);
  CHECK_NULL(c, tinker_future_wait_submitted, "future", nullptr, 0);
  CHECK_NULL(c, tinker_future_on_complete, "future", nullptr, dummy_callback, nullptr, counting_destroy);
  CHECK_NULL(c, tinker_future_on_complete, "callback", f, nullptr, nullptr, counting_destroy);
  CHECK_NULL(c, tinker_future_cancel, "future", nullptr);
  CHECK_NULL(c, tinker_future_interrupt, "future", nullptr);
  CHECK_NULL(c, tinker_future_take_server_capabilities, "future", nullptr, &caps);
  CHECK_NULL(c, tinker_future_take_server_capabilities, "out", f, nullptr);
  CHECK_NULL(c, tinker_future_wait_all, "futures", nullptr, 1, 0);
  CHECK_NULL(c, tinker_future_wait_any, "index", nullptr, one, 1, 0);
  CHECK_NULL(c, tinker_future_wait_any, "futures", &index, nullptr, 1, 0);
  CHECK_NULL(c, tinker_completion_queue_new, "out", nullptr);
  CHECK_NULL(c, tinker_future_set_completion_queue, "future", nullptr, q, 1);
  CHECK_NULL(c, tinker_future_set_completion_queue, "queue", f, nullptr, 1);
  CHECK_NULL(c, tinker_completion_queue_next, "queue", nullptr, 0, &tag);
  CHECK_NULL(c, tinker_completion_queue_next, "tag", q, 0, nullptr);
  CHECK_NULL(c, tinker_completion_queue_wakeup, "queue", nullptr);
  CHECK_NULL(c, tinker_completion_queue_fd, "queue", nullptr, &fd);
  CHECK_NULL(c, tinker_completion_queue_fd, "fd", q, nullptr);

  // Getters without a status return their documented value.
  assert_int_equal(tinker_future_is_submitted(nullptr), 0);
  assert_null(tinker_future_error(nullptr));
  // A rejected on_complete runs no destroy notify.
  assert_int_equal(g_destroys, 0);
  // Nothing above changed the future: it is still pending and still free to register.
  assert_status(tinker_future_poll(f), TINKER_PENDING);
  assert_status(tinker_future_set_completion_queue(f, q, 1), TINKER_OK);
  tinker_future_free(f);
  tinker_completion_queue_free(q);
  c.verify();
}

void result_functions_handle_null_and_out_of_range(void**) {
  NullArgChecker c;
  tinker_server_capabilities caps;
  tinker::wire::api::SupportedModel m;
  m.name = "base-model";
  m.max_context_length = 32768;
  caps.m.models.push_back(m);
  caps.m.models.push_back(tinker::wire::api::SupportedModel{});  // no name, no length
  const char* expected_json = "{\"supported_models\":[{\"model_name\":\"base-model\",\"max_context_length\":32768},{}]}";
  char* json = nullptr;
  CHECK_NULL(c, tinker_server_capabilities_to_json, "caps", nullptr, &json);
  CHECK_NULL(c, tinker_server_capabilities_to_json, "out", &caps, nullptr);
  assert_null(json);
  c.verify();

  assert_int_equal(tinker_server_capabilities_model_count(nullptr), 0);
  assert_null(tinker_server_capabilities_model_name(nullptr, 0));
  assert_int_equal(tinker_server_capabilities_model_max_context_length(nullptr, 0), -1);
  // Out of range and absent fields.
  assert_int_equal(tinker_server_capabilities_model_count(&caps), 2);
  assert_string_equal(tinker_server_capabilities_model_name(&caps, 0), "base-model");
  assert_int_equal(tinker_server_capabilities_model_max_context_length(&caps, 0), 32768);
  assert_null(tinker_server_capabilities_model_name(&caps, 1));
  assert_int_equal(tinker_server_capabilities_model_max_context_length(&caps, 1), -1);
  assert_null(tinker_server_capabilities_model_name(&caps, 2));
  assert_int_equal(tinker_server_capabilities_model_max_context_length(&caps, 2), -1);
  assert_null(tinker_server_capabilities_model_name(&caps, SIZE_MAX));
  assert_status(tinker_server_capabilities_to_json(&caps, &json), TINKER_OK);
  assert_string_equal(json, expected_json);
  tinker_free(json);
}

void error_getters_accept_null(void**) {
  assert_status(tinker_error_code(nullptr), TINKER_E_INVALID_ARGUMENT);
  assert_non_null(tinker_error_message(nullptr));
  assert_string_equal(tinker_error_message(nullptr), "");
  assert_int_equal(tinker_error_category(nullptr), TINKER_ERROR_CATEGORY_UNKNOWN);
  assert_int_equal(tinker_error_http_status(nullptr), 0);
  assert_non_null(tinker_error_request_id(nullptr));
  assert_string_equal(tinker_error_request_id(nullptr), "");
  assert_int_equal(tinker_error_retryable(nullptr), 0);
}

void every_free_accepts_null(void**) {
  tinker_client_options_free(nullptr);
  tinker_service_client_free(nullptr);
  tinker_rest_client_free(nullptr);
  tinker_future_free(nullptr);
  tinker_completion_queue_free(nullptr);
  tinker_server_capabilities_free(nullptr);
  tinker_free(nullptr);
  // Still alive and consistent afterwards.
  assert_non_null(tinker_last_error());
  assert_non_null(tinker_version_string());
}

// ---- the last error ---------------------------------------------------------------------------

void last_error_is_never_null_and_starts_empty(void**) {
  // A thread that never called the library has an empty record, not NULL.
  bool non_null = false;
  tinker_status_t code = TINKER_E_UNKNOWN;
  std::string message = "unset";
  std::thread fresh([&] {
    const tinker_error_t* e = tinker_last_error();
    non_null = e != nullptr;
    if (e) {
      code = tinker_error_code(e);
      message = tinker_error_message(e);
    }
  });
  fresh.join();
  assert_true(non_null);
  assert_status(code, TINKER_OK);
  assert_string_equal(message.c_str(), "");
  assert_non_null(tinker_last_error());
}

void last_error_is_cleared_by_the_next_call(void**) {
  tinker_client_options_t* o = nullptr;
  assert_status(tinker_client_options_new(&o), TINKER_OK);
  assert_status(tinker_client_options_set_max_retries(o, -1), TINKER_E_INVALID_ARGUMENT);
  assert_status(tinker_error_code(tinker_last_error()), TINKER_E_INVALID_ARGUMENT);
  assert_true(std::string(tinker_error_message(tinker_last_error())).size() > 0);
  // A successful call resets it.
  assert_status(tinker_client_options_set_verify_tls(o, 1), TINKER_OK);
  assert_non_null(tinker_last_error());
  assert_status(tinker_error_code(tinker_last_error()), TINKER_OK);
  assert_string_equal(tinker_error_message(tinker_last_error()), "");

  // Every field is reset, not only the code: fill them from a failed future first.
  auto ex = std::make_shared<CompletionExecutor>();
  tinker_future_t* f = new_future(ex);
  Error err = make_error(TINKER_E_NOT_FOUND, "no such model");
  err.http_status = 404;
  err.category = TINKER_ERROR_CATEGORY_USER;
  err.request_id = "req-9";
  err.retryable = true;
  (f->state->fail)(err);
  assert_status(tinker_future_wait(f, 0), TINKER_E_NOT_FOUND);
  assert_int_equal(tinker_error_http_status(tinker_last_error()), 404);
  assert_string_equal(tinker_error_request_id(tinker_last_error()), "req-9");
  tinker_client_options_t* opts = nullptr;
  assert_status(tinker_client_options_new(&opts), TINKER_OK);  // any successful call
  tinker_client_options_free(opts);
  const tinker_error_t* e = tinker_last_error();
  assert_status(tinker_error_code(e), TINKER_OK);
  assert_string_equal(tinker_error_message(e), "");
  assert_int_equal(tinker_error_http_status(e), 0);
  assert_string_equal(tinker_error_request_id(e), "");
  assert_int_equal(tinker_error_category(e), TINKER_ERROR_CATEGORY_UNKNOWN);
  assert_int_equal(tinker_error_retryable(e), 0);

  // A failing call replaces the previous error rather than keeping it.
  assert_status(tinker_client_options_set_max_retries(o, -1), TINKER_E_INVALID_ARGUMENT);
  assert_status(tinker_future_cancel(nullptr), TINKER_E_INVALID_ARGUMENT);
  assert_not_contains(tinker_error_message(tinker_last_error()), "max_retries");
  tinker_future_free(f);
  tinker_client_options_free(o);
}

void last_error_is_per_thread(void**) {
  assert_status(tinker_future_cancel(nullptr), TINKER_E_INVALID_ARGUMENT);
  tinker_status_t other_code = TINKER_E_UNKNOWN;
  std::string other_message = "unset";
  std::thread t([&] {
    other_code = tinker_error_code(tinker_last_error());
    other_message = tinker_error_message(tinker_last_error());
  });
  t.join();
  assert_status(other_code, TINKER_OK);
  assert_string_equal(other_message.c_str(), "");
  // ...and the other thread did not disturb this one's record.
  assert_status(tinker_error_code(tinker_last_error()), TINKER_E_INVALID_ARGUMENT);
}

// ---- status names and version -------------------------------------------------------------------

void status_str_names_every_status(void**) {
  struct Name {
    tinker_status_t s;
    const char* name;
  };
  const Name names[] = {
      {TINKER_OK, "TINKER_OK"},
      {TINKER_E_CANCELLED, "TINKER_E_CANCELLED"},
      {TINKER_E_UNKNOWN, "TINKER_E_UNKNOWN"},
      {TINKER_E_INVALID_ARGUMENT, "TINKER_E_INVALID_ARGUMENT"},
      {TINKER_E_DEADLINE_EXCEEDED, "TINKER_E_DEADLINE_EXCEEDED"},
      {TINKER_E_NOT_FOUND, "TINKER_E_NOT_FOUND"},
      {TINKER_E_ALREADY_EXISTS, "TINKER_E_ALREADY_EXISTS"},
      {TINKER_E_PERMISSION_DENIED, "TINKER_E_PERMISSION_DENIED"},
      {TINKER_E_RESOURCE_EXHAUSTED, "TINKER_E_RESOURCE_EXHAUSTED"},
      {TINKER_E_FAILED_PRECONDITION, "TINKER_E_FAILED_PRECONDITION"},
      {TINKER_E_ABORTED, "TINKER_E_ABORTED"},
      {TINKER_E_OUT_OF_RANGE, "TINKER_E_OUT_OF_RANGE"},
      {TINKER_E_UNIMPLEMENTED, "TINKER_E_UNIMPLEMENTED"},
      {TINKER_E_INTERNAL, "TINKER_E_INTERNAL"},
      {TINKER_E_UNAVAILABLE, "TINKER_E_UNAVAILABLE"},
      {TINKER_E_DATA_LOSS, "TINKER_E_DATA_LOSS"},
      {TINKER_E_UNAUTHENTICATED, "TINKER_E_UNAUTHENTICATED"},
      {TINKER_PENDING, "TINKER_PENDING"},
      {TINKER_E_TIMEOUT, "TINKER_E_TIMEOUT"},
      {TINKER_E_INTERRUPTED, "TINKER_E_INTERRUPTED"},
      {TINKER_E_REQUEST_FAILED, "TINKER_E_REQUEST_FAILED"},
  };
  for (const auto& n : names) {
    const char* got = tinker_status_str(n.s);
    assert_non_null(got);
    assert_string_equal(got, n.name);
  }
  // The numbers are part of the ABI (tinker.h: fixed forever).
  assert_int_equal(TINKER_E_UNAUTHENTICATED, 16);
  assert_int_equal(TINKER_PENDING, 100);
  assert_int_equal(TINKER_E_REQUEST_FAILED, 103);
}

void status_str_of_an_unknown_number_is_the_unknown_name(void**) {
  // Passed from C, where any int is a valid tinker_status_t argument.
  for (int v : {17, 42, 99, 104, 127, 1000, -1, 65536}) {
    const char* got = c_status_str(v);
    assert_non_null(got);
    assert_string_equal(got, "TINKER_E_UNKNOWN_STATUS");
  }
}

void version_functions_agree_with_the_header(void**) {
  assert_string_equal(tinker_version_string(), TINKER_VERSION_STRING);
  assert_int_equal(tinker_version_number(), TINKER_VERSION_NUMBER);
}

// ---- tinker_service_client_new ------------------------------------------------------------------

void service_client_new_without_api_key_is_unauthenticated(void**) {
  unit::clear_tinker_env();  // unsets TINKER_API_KEY in this process
  tinker_service_client_t* c = reinterpret_cast<tinker_service_client_t*>(0x1);
  assert_status(tinker_service_client_new(&c, nullptr), TINKER_E_UNAUTHENTICATED);
  assert_null(c);
  const std::string msg = tinker_error_message(tinker_last_error());
  assert_status(tinker_error_code(tinker_last_error()), TINKER_E_UNAUTHENTICATED);
  assert_contains(msg, "tinker_service_client_new");
  assert_contains(msg, "api_key");
  assert_contains(msg, "TINKER_API_KEY");  // says how to fix it

  tinker_client_options_t* o = nullptr;
  tinker_client_options_new(&o);
  tinker_client_options_set_base_url(o, "http://127.0.0.1:1");
  assert_status(tinker_service_client_new(&c, o), TINKER_E_UNAUTHENTICATED);
  assert_null(c);
  tinker_client_options_free(o);
}

void service_client_new_with_malformed_key_is_unauthenticated(void**) {
  unit::clear_tinker_env();
  tinker_client_options_t* o = nullptr;
  tinker_client_options_new(&o);
  tinker_client_options_set_base_url(o, "http://127.0.0.1:1");
  tinker_client_options_set_api_key(o, "sk-not-a-tinker-key");
  tinker_service_client_t* c = nullptr;
  assert_status(tinker_service_client_new(&c, o), TINKER_E_UNAUTHENTICATED);
  assert_null(c);
  const std::string msg = tinker_error_message(tinker_last_error());
  assert_contains(msg, "api_key");
  assert_contains(msg, "tml-");
  assert_not_contains(msg, "sk-not-a-tinker-key");
  tinker_client_options_free(o);
}

void service_client_new_with_malformed_url_is_invalid_argument(void**) {
  unit::clear_tinker_env();
  for (const char* url : {"not a url", "ftp://x", "http://"}) {
    tinker_client_options_t* o = nullptr;
    tinker_client_options_new(&o);
    tinker_client_options_set_base_url(o, url);
    tinker_client_options_set_api_key(o, "tml-valid");
    tinker_service_client_t* c = nullptr;
    assert_status(tinker_service_client_new(&c, o), TINKER_E_INVALID_ARGUMENT);
    assert_null(c);
    const std::string msg = tinker_error_message(tinker_last_error());
    assert_contains(msg, "tinker_service_client_new");
    assert_contains(msg, "base_url");
    tinker_client_options_free(o);
  }
  // The same from the environment.
  setenv("TINKER_BASE_URL", "ftp://x", 1);
  setenv("TINKER_API_KEY", "tml-valid", 1);
  tinker_service_client_t* c = nullptr;
  assert_status(tinker_service_client_new(&c, nullptr), TINKER_E_INVALID_ARGUMENT);
  assert_contains(tinker_error_message(tinker_last_error()), "base_url");
  unit::clear_tinker_env();
}

void service_client_new_succeeds_offline_and_frees_in_any_order(void**) {
  unit::clear_tinker_env();
  setenv("TINKER_BASE_URL", "http://127.0.0.1:1", 1);
  setenv("TINKER_API_KEY", "tml-from-env", 1);
  tinker_service_client_t* c = nullptr;
  assert_status(tinker_service_client_new(&c, nullptr), TINKER_OK);  // options NULL: all from env
  assert_non_null(c);
  assert_status(tinker_error_code(tinker_last_error()), TINKER_OK);
  assert_null(tinker_service_client_session_id(c));  // no session before the first operation
  tinker_rest_client_t* rest = nullptr;
  assert_status(tinker_service_client_create_rest_client(c, &rest), TINKER_OK);
  assert_non_null(rest);
  tinker_service_client_free(c);  // the service client first: the REST client keeps the runtime
  tinker_rest_client_free(rest);
  unit::clear_tinker_env();

  // A JWT is a valid credential too; options are copied, so freeing them first is fine.
  tinker_client_options_t* o = nullptr;
  tinker_client_options_new(&o);
  tinker_client_options_set_base_url(o, "http://127.0.0.1:1");
  tinker_client_options_set_api_key(o, "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.c2ln");
  assert_status(tinker_service_client_new(&c, o), TINKER_OK);
  tinker_client_options_free(o);
  assert_non_null(c);
  tinker_service_client_free(c);
}

}  // namespace

int main(void) {
  unit::clear_tinker_env();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(options_functions_reject_null_arguments_naming_them),
      cmocka_unit_test(service_client_functions_reject_null_arguments_naming_them),
      cmocka_unit_test(future_functions_reject_null_arguments_naming_them),
      cmocka_unit_test(result_functions_handle_null_and_out_of_range),
      cmocka_unit_test(error_getters_accept_null),
      cmocka_unit_test(every_free_accepts_null),
      cmocka_unit_test(last_error_is_never_null_and_starts_empty),
      cmocka_unit_test(last_error_is_cleared_by_the_next_call),
      cmocka_unit_test(last_error_is_per_thread),
      cmocka_unit_test(status_str_names_every_status),
      cmocka_unit_test(status_str_of_an_unknown_number_is_the_unknown_name),
      cmocka_unit_test(version_functions_agree_with_the_header),
      cmocka_unit_test(service_client_new_without_api_key_is_unauthenticated),
      cmocka_unit_test(service_client_new_with_malformed_key_is_unauthenticated),
      cmocka_unit_test(service_client_new_with_malformed_url_is_invalid_argument),
      cmocka_unit_test(service_client_new_succeeds_offline_and_frees_in_any_order),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
