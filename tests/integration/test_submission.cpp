// Submission retries (protocol.md §4.1 layer 1, §4.2 layer 2): faults injected on the submit
// path of a future-returning call (the emulator's test job endpoint, POST /_emulator/jobs).
// Delays are checked on the client's send times, on a clock that skips the time a call spends
// only sleeping (skipping_options): exact lower bounds, and slack above only for real work.
#include "harness.h"

#include <string>
#include <vector>

using namespace itest;

namespace {

const std::string kSubmit = "/_emulator/jobs";

std::string fault(const std::string& body) { return "{\"path\": \"/_emulator/jobs\", " + body + "}"; }

// A client with the given layer-1 retries and layer-2 budget.
tinker_service_client_t* client(int max_retries, int64_t budget_ms) {
  tinker_client_options_t* o = skipping_options();
  assert_int_equal(tinker_client_options_set_max_retries(o, max_retries), TINKER_OK);
  assert_int_equal(tinker_client_options_set_retry_budget_ms(o, budget_ms), TINKER_OK);
  return new_client(o);
}

// Runs a quick job without the client/config startup so the log holds only the submissions and
// polls.
tinker_status_t run(tinker_service_client_t* c, tinker_future_t** out = nullptr) {
  Job job;
  job.needs_config = false;
  tinker_future_t* f = start_job(c, job);
  if (out) *out = f;
  return wait_job(f);
}

void expect_statuses(const std::vector<LogEntry>& log, const std::vector<int>& statuses) {
  bool ok = log.size() == statuses.size();
  for (size_t i = 0; ok && i < log.size(); ++i) ok = log[i].status == statuses[i];
  if (!ok) {
    print_error("expected %zu submissions with statuses:", statuses.size());
    for (int s : statuses) print_error(" %d", s);
    print_error("\ngot:\n");
    dump(log);
    fail();
  }
}

// The real work around a sleep (answering, deciding, sending): what a gap may exceed its sleep by.
constexpr double kSlackMs = 250;

void expect_gap(const std::vector<LogEntry>& log, size_t i, double min_ms, double max_ms) {
  double gap = sent_ms(log.at(i + 1)) - sent_ms(log.at(i));
  if (gap < min_ms || gap > max_ms) {
    print_error("gap between submission %zu and %zu is %.1f ms, expected [%.0f, %.0f]\n", i, i + 1, gap, min_ms,
                max_ms);
    dump(log);
    fail();
  }
}

std::string key(const LogEntry& e) { return e.header("x-idempotency-key"); }
std::string retry_count(const LogEntry& e) { return e.header("x-stainless-retry-count"); }

}  // namespace

// §4.1: a 5xx is retried by the HTTP layer with the same idempotency key, the retry count
// header counting 0, 1, 2, after min(0.5·2^n, 10) s minus up to 25 % jitter.
static void submit_5xx_is_retried_with_the_same_idempotency_key(void**) {
  tinker_service_client_t* c = client(2, 0);
  add_fault(fault("\"action\": \"status\", \"status\": 503, \"count\": 2"));
  tinker_future_t* f = nullptr;
  assert_status(run(c, &f), TINKER_OK, tinker_future_error(f));
  auto log = request_log(kSubmit);
  expect_statuses(log, {503, 503, 200});
  assert_false(key(log[0]).empty());
  for (size_t i = 0; i < log.size(); ++i) {
    assert_string_equal(key(log[i]).c_str(), key(log[0]).c_str());
    assert_string_equal(retry_count(log[i]).c_str(), std::to_string(i).c_str());
  }
  expect_gap(log, 0, 375, 500 + kSlackMs);
  expect_gap(log, 1, 750, 1000 + kSlackMs);
}

// §4.2: once layer 1 is exhausted, layer 2 sleeps min(2^attempt, 30) s (1 s first) and submits
// again with a NEW idempotency key, whose retry count starts again at 0.
static void submit_retries_with_a_new_key_after_layer_1_is_exhausted(void**) {
  tinker_service_client_t* c = client(1, 5000);
  add_fault(fault("\"action\": \"status\", \"status\": 503, \"count\": 3"));
  tinker_future_t* f = nullptr;
  assert_status(run(c, &f), TINKER_OK, tinker_future_error(f));
  auto log = request_log(kSubmit);
  expect_statuses(log, {503, 503, 503, 200});
  assert_string_equal(key(log[0]).c_str(), key(log[1]).c_str());
  assert_string_equal(key(log[2]).c_str(), key(log[3]).c_str());
  assert_string_not_equal(key(log[1]).c_str(), key(log[2]).c_str());
  assert_string_equal(retry_count(log[0]).c_str(), "0");
  assert_string_equal(retry_count(log[1]).c_str(), "1");
  assert_string_equal(retry_count(log[2]).c_str(), "0");
  assert_string_equal(retry_count(log[3]).c_str(), "1");
  expect_gap(log, 0, 375, 500 + kSlackMs);
  expect_gap(log, 1, 1000, 1000 + kSlackMs);  // layer 2's first backoff
  expect_gap(log, 2, 375, 500 + kSlackMs);
}

// §4.2: the budget bounds layer 2; the last sleep is truncated to it, then the last error is
// returned. Budget 1.5 s, no layer-1 retries: attempts at 0 s, 1 s, 1.5 s.
static void submit_gives_up_when_the_retry_budget_is_spent(void**) {
  tinker_service_client_t* c = client(0, 1500);
  add_fault(fault("\"action\": \"status\", \"status\": 503, \"count\": 10"));
  tinker_future_t* f = nullptr;
  tinker_status_t s = run(c, &f);
  const tinker_error_t* e = tinker_future_error(f);
  assert_status(s, TINKER_E_UNAVAILABLE, e);
  assert_int_equal(tinker_error_http_status(e), 503);
  assert_int_equal(tinker_error_retryable(e), 1);
  auto log = request_log(kSubmit);
  expect_statuses(log, {503, 503, 503});
  assert_string_not_equal(key(log[0]).c_str(), key(log[1]).c_str());
  assert_string_not_equal(key(log[1]).c_str(), key(log[2]).c_str());
  expect_gap(log, 0, 1000, 1000 + kSlackMs);
  expect_gap(log, 1, 500 - kSlackMs, 500 + kSlackMs);  // min(2 s, what is left of the budget)
  assert_int_equal(polls().size(), 0);
}

// §4.1: retry-after (seconds) and retry-after-ms replace the computed delay.
static void submit_honours_retry_after_headers(void**) {
  tinker_service_client_t* c = client(2, 0);
  add_fault(fault("\"action\": \"status\", \"status\": 503, \"headers\": {\"retry-after\": \"1\"}"));
  add_fault(fault("\"action\": \"status\", \"status\": 429, \"headers\": {\"retry-after-ms\": \"250\"}"));
  tinker_future_t* f = nullptr;
  assert_status(run(c, &f), TINKER_OK, tinker_future_error(f));
  auto log = request_log(kSubmit);
  expect_statuses(log, {503, 429, 200});
  expect_gap(log, 0, 1000, 1000 + kSlackMs);  // computed would be 0.375–0.5 s
  expect_gap(log, 1, 250, 250 + kSlackMs);    // computed would be 0.75–1 s
  assert_string_equal(key(log[0]).c_str(), key(log[2]).c_str());
}

// §4.1: "x-should-retry: false" stops the HTTP layer even for a 503.
static void submit_x_should_retry_false_stops_http_retries(void**) {
  tinker_service_client_t* c = client(3, 0);
  add_fault(fault("\"action\": \"status\", \"status\": 503, \"headers\": {\"x-should-retry\": \"false\"}"));
  tinker_future_t* f = nullptr;
  tinker_status_t s = run(c, &f);
  assert_status(s, TINKER_E_UNAVAILABLE, tinker_future_error(f));
  sleep_ms(700);  // longer than any layer-1 delay
  expect_statuses(request_log(kSubmit), {503});
}

// §4.1: "x-should-retry: true" makes the HTTP layer retry even a 400.
static void submit_x_should_retry_true_retries_a_400(void**) {
  tinker_service_client_t* c = client(2, 0);
  add_fault(fault("\"action\": \"status\", \"status\": 400, \"headers\": {\"x-should-retry\": \"true\","
                  " \"retry-after-ms\": \"20\"}"));
  tinker_future_t* f = nullptr;
  assert_status(run(c, &f), TINKER_OK, tinker_future_error(f));
  auto log = request_log(kSubmit);
  expect_statuses(log, {400, 200});
  assert_string_equal(retry_count(log[1]).c_str(), "1");
}

// §1.2, §4: 401 is retried nowhere: exactly one request, UNAUTHENTICATED, category user.
static void submit_401_is_never_retried(void**) {
  tinker_service_client_t* c = client(3, 5000);
  add_fault(fault("\"action\": \"status\", \"status\": 401, \"count\": 5"));
  tinker_future_t* f = nullptr;
  tinker_status_t s = run(c, &f);
  const tinker_error_t* e = tinker_future_error(f);
  assert_status(s, TINKER_E_UNAUTHENTICATED, e);
  assert_int_equal(tinker_error_http_status(e), 401);
  assert_int_equal(tinker_error_category(e), TINKER_ERROR_CATEGORY_USER);
  assert_int_equal(tinker_error_retryable(e), 0);
  sleep_ms(1200);  // past layer 2's first backoff
  expect_statuses(request_log(kSubmit), {401});
}

// Other 4xx with a body are not retryable at either layer.
static void submit_4xx_with_a_body_is_not_retried(void**) {
  struct Case {
    int http;
    tinker_status_t code;
  } cases[] = {{400, TINKER_E_INVALID_ARGUMENT}, {403, TINKER_E_PERMISSION_DENIED}, {404, TINKER_E_NOT_FOUND}};
  tinker_service_client_t* c = client(3, 5000);
  for (const Case& k : cases) {
    clear_log();
    add_fault(fault("\"action\": \"status\", \"status\": " + std::to_string(k.http) + ", \"count\": 5"));
    tinker_future_t* f = nullptr;
    tinker_status_t s = run(c, &f);
    assert_status(s, k.code, tinker_future_error(f));
    expect_statuses(request_log(kSubmit), {k.http});
    clear_faults();
    free_future(f);
  }
}

// §1.5: an empty-body 400 is a connection reset, retried like a transport failure.
static void submit_empty_400_is_retried_as_a_connection_reset(void**) {
  tinker_service_client_t* c = client(2, 0);
  add_fault(fault("\"action\": \"status\", \"status\": 400, \"body\": \"\""));
  tinker_future_t* f = nullptr;
  assert_status(run(c, &f), TINKER_OK, tinker_future_error(f));
  auto log = request_log(kSubmit);
  expect_statuses(log, {400, 200});
  assert_string_equal(key(log[0]).c_str(), key(log[1]).c_str());
}

// §4.1: a dropped connection (no response) is retried.
static void submit_dropped_connection_is_retried(void**) {
  tinker_service_client_t* c = client(3, 0);
  add_fault(fault("\"action\": \"drop\", \"count\": 2"));
  tinker_future_t* f = nullptr;
  assert_status(run(c, &f), TINKER_OK, tinker_future_error(f));
  auto log = request_log(kSubmit);
  assert_true(log.size() >= 2);
  assert_int_equal(log.back().status, 200);
  for (const auto& e : log) assert_string_equal(key(e).c_str(), key(log[0]).c_str());
}

// §4.2: 402 pauses 5 s and submits again (a new attempt: new key) while inside the billing
// window, even with no layer-2 budget.
static void submit_402_pauses_5s_then_submits_again(void**) {
  tinker_service_client_t* c = client(2, 0);
  add_fault(fault("\"action\": \"status\", \"status\": 402"));
  tinker_future_t* f = nullptr;
  assert_status(run(c, &f), TINKER_OK, tinker_future_error(f));
  auto log = request_log(kSubmit);
  expect_statuses(log, {402, 200});
  expect_gap(log, 0, 5000, 5000 + kSlackMs);
  assert_string_not_equal(key(log[0]).c_str(), key(log[1]).c_str());
}

// §1.3: submissions are POSTs with JSON content type and no poll headers.
static void submit_request_carries_the_protocol_headers(void**) {
  tinker_service_client_t* c = client(2, 0);
  tinker_future_t* f = nullptr;
  assert_status(run(c, &f), TINKER_OK, tinker_future_error(f));
  auto log = request_log(kSubmit);
  assert_int_equal(log.size(), 1);
  assert_string_equal(log[0].method.c_str(), "POST");
  assert_string_equal(log[0].header("content-type").c_str(), "application/json");
  assert_string_equal(log[0].header("x-stainless-retry-count").c_str(), "0");
  assert_string_equal(log[0].header("x-tinker-request-iteration").c_str(), "");
  assert_true(log[0].has_api_key);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(submit_5xx_is_retried_with_the_same_idempotency_key, setup, teardown),
      cmocka_unit_test_setup_teardown(submit_retries_with_a_new_key_after_layer_1_is_exhausted, setup, teardown),
      cmocka_unit_test_setup_teardown(submit_gives_up_when_the_retry_budget_is_spent, setup, teardown),
      cmocka_unit_test_setup_teardown(submit_honours_retry_after_headers, setup, teardown),
      cmocka_unit_test_setup_teardown(submit_x_should_retry_false_stops_http_retries, setup, teardown),
      cmocka_unit_test_setup_teardown(submit_x_should_retry_true_retries_a_400, setup, teardown),
      cmocka_unit_test_setup_teardown(submit_401_is_never_retried, setup, teardown),
      cmocka_unit_test_setup_teardown(submit_4xx_with_a_body_is_not_retried, setup, teardown),
      cmocka_unit_test_setup_teardown(submit_empty_400_is_retried_as_a_connection_reset, setup, teardown),
      cmocka_unit_test_setup_teardown(submit_dropped_connection_is_retried, setup, teardown),
      cmocka_unit_test_setup_teardown(submit_402_pauses_5s_then_submits_again, setup, teardown),
      cmocka_unit_test_setup_teardown(submit_request_carries_the_protocol_headers, setup, teardown),
  };
  return cmocka_run_group_tests_name("integration_submission", tests, nullptr, nullptr);
}
