// ServiceClient operations against the emulator: S1 get_server_capabilities and S7 health
// check, blocking and _async, and the three ways a future reports completion (wait,
// on_complete callback, completion queue).
#include "harness.h"

#include <cjson/cJSON.h>
#include <poll.h>

#include <atomic>
#include <string>
#include <thread>

using namespace itest;

namespace {

struct CallbackRecord {
  std::atomic<int> calls{0};
  std::atomic<int> destroys{0};
  std::atomic<bool> destroy_after_call{false};
  std::atomic<tinker_status_t> status_seen{TINKER_PENDING};
  std::thread::id thread;
};

void record_callback(tinker_future_t* f, void* ud) {
  auto* r = static_cast<CallbackRecord*>(ud);
  r->thread = std::this_thread::get_id();
  r->status_seen = tinker_future_poll(f);
  r->calls++;
}

void record_destroy(void* ud) {
  auto* r = static_cast<CallbackRecord*>(ud);
  r->destroy_after_call = r->calls.load() == 1;
  r->destroys++;
}

// The emulator's current model list as JSON, to put back after a test replaced it.
std::string saved_supported_models() {
  HttpReply r = http("GET", "/_emulator/config");
  assert_int_equal(r.status, 200);
  cJSON* j = cJSON_Parse(r.body.c_str());
  assert_non_null(j);
  char* text = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(j, "supported_models"));
  std::string out = text;
  cJSON_free(text);
  cJSON_Delete(j);
  return out;
}

bool fd_readable(int fd, int timeout_ms) {
  struct pollfd p = {fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
}

}  // namespace

// S1 (§2.1, §7.13): the models the server lists, with names and context lengths.
static void capabilities_blocking_lists_the_server_models(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_server_capabilities_t* caps = nullptr;
  assert_status(tinker_service_client_get_server_capabilities(c, &caps), TINKER_OK, tinker_last_error());
  assert_non_null(caps);
  size_t n = tinker_server_capabilities_model_count(caps);
  assert_true(n > 0);
  bool found = false;
  for (size_t i = 0; i < n; ++i) {
    const char* name = tinker_server_capabilities_model_name(caps, i);
    assert_non_null(name);
    if (std::string(name) == "Qwen/Qwen3-8B") {
      found = true;
      assert_int_equal(tinker_server_capabilities_model_max_context_length(caps, i), 32768);
    }
  }
  assert_true(found);
  assert_null(tinker_server_capabilities_model_name(caps, n));
  assert_int_equal(tinker_server_capabilities_model_max_context_length(caps, n), -1);
  char* json = nullptr;
  assert_int_equal(tinker_server_capabilities_to_json(caps, &json), TINKER_OK);
  assert_true(contains(json, "supported_models"));
  assert_true(contains(json, "Qwen/Qwen3-8B"));
  tinker_free(json);
  tinker_server_capabilities_free(caps);
}

// §7.13: model_name and max_context_length are optional per model.
static void capabilities_reports_absent_model_fields(void**) {
  std::string saved = saved_supported_models();
  set_config("{\"supported_models\": [{\"model_name\": \"only-name\"}, {\"max_context_length\": 77}]}");
  tinker_service_client_t* c = new_client(fast_options());
  tinker_server_capabilities_t* caps = nullptr;
  tinker_status_t s = tinker_service_client_get_server_capabilities(c, &caps);
  set_config("{\"supported_models\": " + saved + "}");
  assert_status(s, TINKER_OK, tinker_last_error());
  assert_int_equal(tinker_server_capabilities_model_count(caps), 2);
  assert_string_equal(tinker_server_capabilities_model_name(caps, 0), "only-name");
  assert_int_equal(tinker_server_capabilities_model_max_context_length(caps, 0), -1);
  assert_null(tinker_server_capabilities_model_name(caps, 1));
  assert_int_equal(tinker_server_capabilities_model_max_context_length(caps, 1), 77);
  tinker_server_capabilities_free(caps);
}

// S1 asynchronous: the future finishes OK, its result is taken once.
static void capabilities_async_result_is_taken_once(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_future_t* f = nullptr;
  assert_int_equal(tinker_service_client_get_server_capabilities_async(c, &f), TINKER_OK);
  track(f);
  assert_status(tinker_future_wait(f, 10000), TINKER_OK, tinker_future_error(f));
  assert_int_equal(tinker_future_poll(f), TINKER_OK);
  assert_int_equal(tinker_future_is_submitted(f), 1);
  assert_null(tinker_future_error(f));
  tinker_server_capabilities_t* caps = nullptr;
  assert_int_equal(tinker_future_take_server_capabilities(f, &caps), TINKER_OK);
  assert_true(tinker_server_capabilities_model_count(caps) > 0);
  tinker_server_capabilities_free(caps);
  tinker_server_capabilities_t* again = nullptr;
  assert_int_equal(tinker_future_take_server_capabilities(f, &again), TINKER_E_INVALID_ARGUMENT);
  assert_null(again);
  free_future(f);
}

// A status-only future (health check) has no capabilities to take: the wrong kind is an
// error, never undefined behaviour (docs/design.md "Futures" rule 5).
static void taking_the_wrong_result_kind_is_invalid_argument(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_future_t* f = nullptr;
  assert_int_equal(tinker_service_client_health_check_async(c, &f), TINKER_OK);
  track(f);
  assert_int_equal(tinker_future_wait(f, 10000), TINKER_OK);
  tinker_server_capabilities_t* caps = nullptr;
  assert_int_equal(tinker_future_take_server_capabilities(f, &caps), TINKER_E_INVALID_ARGUMENT);
  assert_null(caps);
  assert_true(contains(tinker_error_message(tinker_last_error()), "server capabilities"));
}

// §1.3: a GET carries the protocol headers, no Content-Type and no idempotency key; the read
// timeout header reflects the client's request timeout (5 s in fast_options).
static void capabilities_request_carries_the_protocol_headers(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_server_capabilities_t* caps = nullptr;
  assert_status(tinker_service_client_get_server_capabilities(c, &caps), TINKER_OK, tinker_last_error());
  tinker_server_capabilities_free(caps);
  auto log = request_log("/api/v1/get_server_capabilities");
  assert_int_equal(log.size(), 1);
  const LogEntry& e = log[0];
  assert_string_equal(e.method.c_str(), "GET");
  assert_true(e.has_api_key);
  assert_false(e.user.empty());
  assert_string_equal(e.header("accept").c_str(), "application/json");
  assert_string_equal(e.header("content-type").c_str(), "");
  assert_string_equal(e.header("x-idempotency-key").c_str(), "");
  assert_string_equal(e.header("x-stainless-retry-count").c_str(), "0");
  assert_string_equal(e.header("x-stainless-read-timeout").c_str(), "5");
  assert_true(contains(e.header("user-agent"), "0.25.0"));
}

// S7: healthz needs no client/config first.
static void health_check_blocking_succeeds_without_startup(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  assert_status(tinker_service_client_health_check(c), TINKER_OK, tinker_last_error());
  auto log = request_log();
  assert_int_equal(log.size(), 1);
  assert_string_equal(log[0].path.c_str(), "/api/v1/healthz");
  assert_int_equal(log[0].status, 200);
}

// docs/design.md "Futures" rule 4: the callback runs exactly once, on the completion thread (not the
// caller's), sees the final status, and its destroy notify runs once afterwards.
static void health_check_async_callback_runs_once_on_the_completion_thread(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  // Slow the reply so that the callback is registered while the future is pending.
  add_fault("{\"path\": \"/api/v1/healthz\", \"action\": \"delay\", \"delay_ms\": 200}");
  CallbackRecord rec;
  tinker_future_t* f = nullptr;
  assert_int_equal(tinker_service_client_health_check_async(c, &f), TINKER_OK);
  track(f);
  assert_int_equal(tinker_future_poll(f), TINKER_PENDING);
  assert_int_equal(tinker_future_on_complete(f, record_callback, &rec, record_destroy), TINKER_OK);
  assert_true(eventually([&] { return rec.destroys.load() == 1; }, 5000));
  assert_int_equal(rec.calls.load(), 1);
  assert_true(rec.destroy_after_call.load());
  assert_int_equal(rec.status_seen.load(), TINKER_OK);
  assert_true(rec.thread != std::this_thread::get_id());
  // A second registration is refused and runs nothing.
  CallbackRecord other;
  assert_int_equal(tinker_future_on_complete(f, record_callback, &other, record_destroy), TINKER_E_FAILED_PRECONDITION);
  sleep_ms(100);
  assert_int_equal(other.calls.load(), 0);
  assert_int_equal(other.destroys.load(), 0);
  free_future(f);
  assert_int_equal(rec.calls.load(), 1);
  assert_int_equal(rec.destroys.load(), 1);
}

// "cb runs … also when the future is already finished, then shortly after this call returns",
// and never inline on the registering thread.
static void callback_registered_after_completion_runs_on_the_completion_thread(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_future_t* f = nullptr;
  assert_int_equal(tinker_service_client_health_check_async(c, &f), TINKER_OK);
  track(f);
  assert_int_equal(tinker_future_wait(f, 10000), TINKER_OK);
  CallbackRecord rec;
  assert_int_equal(tinker_future_on_complete(f, record_callback, &rec, record_destroy), TINKER_OK);
  assert_true(eventually([&] { return rec.destroys.load() == 1; }, 5000));
  assert_int_equal(rec.calls.load(), 1);
  assert_true(rec.thread != std::this_thread::get_id());
  assert_int_equal(rec.status_seen.load(), TINKER_OK);
}

// Completion queue route (docs/design.md "Futures" rule 8): the tag arrives, the fd is readable
// exactly while a tag is queued.
static void health_check_completion_queue_delivers_the_tag(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_completion_queue_t* q = nullptr;
  assert_int_equal(tinker_completion_queue_new(&q), TINKER_OK);
  int fd = -1;
  assert_int_equal(tinker_completion_queue_fd(q, &fd), TINKER_OK);
  assert_true(fd >= 0);
  assert_false(fd_readable(fd, 0));

  tinker_future_t* f = nullptr;
  assert_int_equal(tinker_service_client_health_check_async(c, &f), TINKER_OK);
  track(f);
  assert_int_equal(tinker_future_set_completion_queue(f, q, 42), TINKER_OK);
  assert_true(fd_readable(fd, 5000));
  uint64_t tag = 0;
  assert_int_equal(tinker_completion_queue_next(q, 1000, &tag), TINKER_OK);
  assert_int_equal(tag, 42);
  assert_int_equal(tinker_future_poll(f), TINKER_OK);
  assert_false(fd_readable(fd, 0));
  assert_int_equal(tinker_completion_queue_next(q, 50, &tag), TINKER_E_TIMEOUT);
  // One registration per future: a callback cannot be added on top of the queue.
  CallbackRecord rec;
  assert_int_equal(tinker_future_on_complete(f, record_callback, &rec, record_destroy), TINKER_E_FAILED_PRECONDITION);
  free_future(f);
  tinker_completion_queue_free(q);
}

// Several futures through one queue: every tag arrives exactly once.
static void completion_queue_collects_many_futures(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_completion_queue_t* q = nullptr;
  assert_int_equal(tinker_completion_queue_new(&q), TINKER_OK);
  const int n = 8;
  tinker_future_t* fs[n];
  for (int i = 0; i < n; ++i) {
    if (i % 2 == 0) {
      assert_int_equal(tinker_service_client_health_check_async(c, &fs[i]), TINKER_OK);
    } else {
      assert_int_equal(tinker_service_client_get_server_capabilities_async(c, &fs[i]), TINKER_OK);
    }
    track(fs[i]);
    assert_int_equal(tinker_future_set_completion_queue(fs[i], q, 100 + i), TINKER_OK);
  }
  int seen[n] = {0};
  for (int i = 0; i < n; ++i) {
    uint64_t tag = 0;
    assert_int_equal(tinker_completion_queue_next(q, 5000, &tag), TINKER_OK);
    assert_in_range(tag, 100, 100 + n - 1);
    seen[tag - 100]++;
  }
  for (int i = 0; i < n; ++i) assert_int_equal(seen[i], 1);
  assert_int_equal(tinker_future_wait_all(fs, n, 0), TINKER_OK);
  tinker_completion_queue_free(q);
}

// A 5xx after the retry layers: UNAVAILABLE, category server, the HTTP status, retryable.
static void health_check_5xx_after_retries_is_unavailable(void**) {
  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_max_retries(o, 0), TINKER_OK);
  assert_int_equal(tinker_client_options_set_retry_budget_ms(o, 0), TINKER_OK);
  tinker_service_client_t* c = new_client(o);
  add_fault("{\"path\": \"/api/v1/healthz\", \"action\": \"status\", \"status\": 503}");
  tinker_status_t s = tinker_service_client_health_check(c);
  const tinker_error_t* e = tinker_last_error();
  assert_status(s, TINKER_E_UNAVAILABLE, e);
  assert_int_equal(tinker_error_code(e), TINKER_E_UNAVAILABLE);
  assert_int_equal(tinker_error_http_status(e), 503);
  assert_int_equal(tinker_error_category(e), TINKER_ERROR_CATEGORY_SERVER);
  assert_int_equal(tinker_error_retryable(e), 1);
  assert_true(contains(tinker_error_message(e), "health_check"));
  assert_int_equal(request_log("/api/v1/healthz").size(), 1);
}

// §1.6: healthz must answer the literal {"status":"ok"}; anything else is not healthy.
static void health_check_rejects_a_body_that_is_not_status_ok(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  add_fault("{\"path\": \"/api/v1/healthz\", \"action\": \"status\", \"status\": 200,"
            " \"body\": \"{\\\"status\\\": \\\"degraded\\\"}\"}");
  tinker_status_t s = tinker_service_client_health_check(c);
  assert_true(s != TINKER_OK);
  assert_true(contains(tinker_error_message(tinker_last_error()), "health_check"));
}

// Responses that arrive quickly are handed over at once: a blocking round trip to a local
// server never waits for the IO loop's idle timeout (docs/benchmarks.md's overhead target).
static void sequential_calls_complete_without_idle_stalls(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  assert_status(tinker_service_client_health_check(c), TINKER_OK, tinker_last_error());  // connect
  double worst = 0;
  int slow = 0;
  for (int i = 0; i < 30; ++i) {
    double t0 = now_ms();
    assert_status(tinker_service_client_health_check(c), TINKER_OK, tinker_last_error());
    double d = now_ms() - t0;
    if (d > worst) worst = d;
    if (d > 250) slow++;
  }
  print_message("30 health checks: worst %.1f ms, %d over 250 ms\n", worst, slow);
  assert_int_equal(slow, 0);
}

// wait_any / wait_all over several futures with a live server.
static void wait_any_and_wait_all_over_live_futures(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  add_fault("{\"path\": \"/api/v1/healthz\", \"action\": \"delay\", \"delay_ms\": 400}");
  tinker_future_t* fs[2];
  assert_int_equal(tinker_service_client_health_check_async(c, &fs[0]), TINKER_OK);
  track(fs[0]);
  assert_true(eventually([] { return request_log("/api/v1/healthz").size() == 1; }, 2000));
  assert_int_equal(tinker_service_client_health_check_async(c, &fs[1]), TINKER_OK);
  track(fs[1]);
  size_t index = 99;
  assert_int_equal(tinker_future_wait_any(&index, fs, 2, 5000), TINKER_OK);
  assert_int_equal(index, 1);  // the undelayed one
  assert_int_equal(tinker_future_wait_all(fs, 2, 0), TINKER_E_TIMEOUT);
  assert_int_equal(tinker_future_wait_all(fs, 2, 5000), TINKER_OK);
  assert_int_equal(tinker_future_poll(fs[0]), TINKER_OK);
  assert_int_equal(tinker_future_poll(fs[1]), TINKER_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(capabilities_blocking_lists_the_server_models, setup, teardown),
      cmocka_unit_test_setup_teardown(capabilities_reports_absent_model_fields, setup, teardown),
      cmocka_unit_test_setup_teardown(capabilities_async_result_is_taken_once, setup, teardown),
      cmocka_unit_test_setup_teardown(taking_the_wrong_result_kind_is_invalid_argument, setup, teardown),
      cmocka_unit_test_setup_teardown(capabilities_request_carries_the_protocol_headers, setup, teardown),
      cmocka_unit_test_setup_teardown(health_check_blocking_succeeds_without_startup, setup, teardown),
      cmocka_unit_test_setup_teardown(health_check_async_callback_runs_once_on_the_completion_thread, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(callback_registered_after_completion_runs_on_the_completion_thread, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(health_check_completion_queue_delivers_the_tag, setup, teardown),
      cmocka_unit_test_setup_teardown(completion_queue_collects_many_futures, setup, teardown),
      cmocka_unit_test_setup_teardown(health_check_5xx_after_retries_is_unavailable, setup, teardown),
      cmocka_unit_test_setup_teardown(health_check_rejects_a_body_that_is_not_status_ok, setup, teardown),
      cmocka_unit_test_setup_teardown(sequential_calls_complete_without_idle_stalls, setup, teardown),
      cmocka_unit_test_setup_teardown(wait_any_and_wait_all_over_live_futures, setup, teardown),
  };
  return cmocka_run_group_tests_name("integration_service", tests, nullptr, nullptr);
}
