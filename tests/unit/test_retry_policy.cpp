// The retry schedules of protocol.md §4.1 (HTTP layer), §4.2 (submission layer) and the poll
// classification of §3.3, checked number by number.
#include <ctime>
#include <initializer_list>
#include <optional>
#include <string>

#include "core/retry_policy.h"
#include "unit_test.h"

using tinker::http::Response;
using namespace tinker::retry;

namespace {

Response status(long s, std::string body = "") {
  Response r;
  r.status = s;
  r.body = std::move(body);
  return r;
}

Response transport_failure(bool timed_out = false) {
  Response r;
  r.status = 0;
  r.transport_error = timed_out ? "Operation timed out" : "Connection refused";
  r.timed_out = timed_out;
  return r;
}

Response with_header(Response r, const std::string& lower_name, const std::string& value) {
  r.headers[lower_name] = value;
  return r;
}

std::string http_date_in(long seconds_from_now) {
  time_t t = std::time(nullptr) + seconds_from_now;
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

const char* action_name(PollAction a) {
  switch (a) {
    case PollAction::Success: return "Success";
    case PollAction::RepollNow: return "RepollNow";
    case PollAction::RepollAfterBackoff: return "RepollAfterBackoff";
    case PollAction::RepollIfBudget: return "RepollIfBudget";
    case PollAction::Expired: return "Expired";
    case PollAction::BillingPause: return "BillingPause";
    case PollAction::Fatal: return "Fatal";
  }
  return "?";
}

#define assert_action(resp, expected)                                                              \
  do {                                                                                             \
    PollAction tu_got_ = classify_poll(resp);                                                      \
    if (tu_got_ != (expected))                                                                     \
      TU_FAIL_MSG("classify_poll(%s) = %s, expected %s\n", #resp, action_name(tu_got_), action_name(expected)); \
  } while (0)

// ---- Layer 1 (protocol.md §4.1) ----------------------------------------------------------------

void http_delay_follows_half_second_doubling_capped_at_ten(void**) {
  const double expected[] = {0.5, 1, 2, 4, 8, 10, 10, 10};
  for (int n = 0; n < 8; ++n) assert_double_near(http_retry_delay_seconds(n, std::nullopt, 0.0), expected[n], 1e-12);
  // No overflow or NaN far down the schedule.
  assert_double_near(http_retry_delay_seconds(1000, std::nullopt, 0.0), 10.0, 1e-12);
  assert_double_near(http_retry_delay_seconds(5000, std::nullopt, 0.0), 10.0, 1e-12);
}

void http_delay_jitter_removes_at_most_a_quarter(void**) {
  for (int n = 0; n < 8; ++n) {
    double base = http_retry_delay_seconds(n, std::nullopt, 0.0);
    // jitter01 = 0 leaves the base; jitter01 -> 1 approaches 0.75 x base; linear in between.
    assert_double_near(http_retry_delay_seconds(n, std::nullopt, 0.999999), 0.75 * base, 1e-5 * base);
    assert_double_near(http_retry_delay_seconds(n, std::nullopt, 1.0), 0.75 * base, 1e-12);
    assert_double_near(http_retry_delay_seconds(n, std::nullopt, 0.5), 0.875 * base, 1e-12);
    for (double j = 0.0; j < 1.0; j += 0.05) {
      double d = http_retry_delay_seconds(n, std::nullopt, j);
      assert_true(d <= base + 1e-12);
      assert_true(d > 0.75 * base - 1e-12);
    }
  }
}

void http_delay_uses_server_retry_after_when_given(void**) {
  assert_double_near(http_retry_delay_seconds(0, 7.0, 0.0), 7.0, 1e-12);
  assert_double_near(http_retry_delay_seconds(6, 0.25, 0.9), 0.25, 1e-12);  // no jitter, no cap
  assert_double_near(http_retry_delay_seconds(3, 42.0, 0.5), 42.0, 1e-12);
}

void retry_after_ms_header_is_milliseconds(void**) {
  auto d = retry_after_seconds(with_header(status(429), "retry-after-ms", "1500"));
  assert_true(d.has_value());
  assert_double_near(*d, 1.5, 1e-9);
  d = retry_after_seconds(with_header(status(503), "retry-after-ms", "250.5"));
  assert_true(d.has_value());
  assert_double_near(*d, 0.2505, 1e-9);
}

void retry_after_ms_wins_over_retry_after(void**) {
  Response r = with_header(with_header(status(429), "retry-after-ms", "2000"), "retry-after", "9");
  auto d = retry_after_seconds(r);
  assert_true(d.has_value());
  assert_double_near(*d, 2.0, 1e-9);
}

void unparseable_retry_after_ms_falls_back_to_retry_after(void**) {
  Response r = with_header(with_header(status(429), "retry-after-ms", "soon"), "retry-after", "3");
  auto d = retry_after_seconds(r);
  assert_true(d.has_value());
  assert_double_near(*d, 3.0, 1e-9);
}

void retry_after_header_is_seconds_integer_or_float(void**) {
  auto d = retry_after_seconds(with_header(status(429), "retry-after", "5"));
  assert_true(d.has_value());
  assert_double_near(*d, 5.0, 1e-9);
  d = retry_after_seconds(with_header(status(429), "retry-after", "2.5"));
  assert_true(d.has_value());
  assert_double_near(*d, 2.5, 1e-9);
  d = retry_after_seconds(with_header(status(429), "retry-after", "60"));  // the upper bound is inclusive
  assert_true(d.has_value());
  assert_double_near(*d, 60.0, 1e-9);
}

void retry_after_http_date_is_seconds_from_now(void**) {
  auto d = retry_after_seconds(with_header(status(503), "retry-after", http_date_in(30)));
  assert_true(d.has_value());
  assert_in_range((long)*d, 28, 31);
}

void retry_after_outside_zero_to_sixty_seconds_is_ignored(void**) {
  assert_false(retry_after_seconds(with_header(status(429), "retry-after", "0")).has_value());
  assert_false(retry_after_seconds(with_header(status(429), "retry-after", "-3")).has_value());
  assert_false(retry_after_seconds(with_header(status(429), "retry-after", "61")).has_value());
  assert_false(retry_after_seconds(with_header(status(429), "retry-after", "60.5")).has_value());
  assert_false(retry_after_seconds(with_header(status(429), "retry-after-ms", "0")).has_value());
  assert_false(retry_after_seconds(with_header(status(429), "retry-after-ms", "-100")).has_value());
  assert_false(retry_after_seconds(with_header(status(429), "retry-after-ms", "60001")).has_value());
  // A date in the past or more than a minute ahead.
  assert_false(retry_after_seconds(with_header(status(503), "retry-after", http_date_in(-30))).has_value());
  assert_false(retry_after_seconds(with_header(status(503), "retry-after", http_date_in(600))).has_value());
}

void retry_after_absent_or_malformed_gives_nothing(void**) {
  assert_false(retry_after_seconds(status(429)).has_value());
  assert_false(retry_after_seconds(transport_failure()).has_value());
  assert_false(retry_after_seconds(with_header(status(429), "retry-after", "tomorrow")).has_value());
  assert_false(retry_after_seconds(with_header(status(429), "retry-after", "")).has_value());
}

void http_layer_retries_408_409_429_and_5xx(void**) {
  for (long s : {408L, 409L, 429L, 500L, 501L, 502L, 503L, 504L, 599L}) {
    if (!http_layer_retries(status(s, "{\"detail\":\"x\"}"))) TU_FAIL_MSG("status %ld should be retried\n", s);
  }
}

void http_layer_does_not_retry_success_or_other_4xx(void**) {
  for (long s : {200L, 201L, 204L, 400L, 401L, 402L, 403L, 404L, 410L, 422L}) {
    if (http_layer_retries(status(s, "{\"detail\":\"x\"}"))) TU_FAIL_MSG("status %ld should not be retried\n", s);
  }
}

void http_layer_retries_transport_errors_and_timeouts(void**) {
  assert_true(http_layer_retries(transport_failure(false)));
  assert_true(http_layer_retries(transport_failure(true)));
}

void http_layer_retries_empty_body_400_as_connection_reset(void**) {
  assert_true(http_layer_retries(status(400, "")));
  assert_false(http_layer_retries(status(400, "{\"detail\":\"bad\"}")));
}

void x_should_retry_header_overrides_the_status(void**) {
  assert_true(http_layer_retries(with_header(status(404, "{}"), "x-should-retry", "true")));
  assert_true(http_layer_retries(with_header(status(400, "{}"), "x-should-retry", "true")));
  assert_false(http_layer_retries(with_header(status(503, "{}"), "x-should-retry", "false")));
  assert_false(http_layer_retries(with_header(status(429, "{}"), "x-should-retry", "false")));
  assert_false(http_layer_retries(with_header(status(400, ""), "x-should-retry", "false")));
  // Any other value leaves the status rules in charge.
  assert_true(http_layer_retries(with_header(status(503, "{}"), "x-should-retry", "maybe")));
  assert_false(http_layer_retries(with_header(status(404, "{}"), "x-should-retry", "maybe")));
}

// ---- Layer 2 (protocol.md §4.2) ----------------------------------------------------------------

void submission_backoff_doubles_from_one_second_capped_at_thirty(void**) {
  const double expected[] = {1, 2, 4, 8, 16, 30, 30, 30};
  for (int a = 0; a < 8; ++a) assert_double_near(submission_backoff_seconds(a), expected[a], 1e-12);
  assert_double_near(submission_backoff_seconds(1000), 30.0, 1e-12);
}

void submission_sleep_is_the_backoff_while_budget_remains(void**) {
  for (int a = 0; a < 8; ++a) {
    auto s = submission_sleep_seconds(a, 10.0, 300.0);
    assert_true(s.has_value());
    assert_double_near(*s, submission_backoff_seconds(a), 1e-12);
  }
}

void submission_sleep_is_truncated_to_the_budget(void**) {
  auto s = submission_sleep_seconds(5, 290.0, 300.0);  // backoff 30, 10 left
  assert_true(s.has_value());
  assert_double_near(*s, 10.0, 1e-12);
  s = submission_sleep_seconds(3, 299.5, 300.0);  // backoff 8, 0.5 left
  assert_true(s.has_value());
  assert_double_near(*s, 0.5, 1e-12);
}

void submission_sleep_is_nullopt_when_budget_used_up(void**) {
  assert_false(submission_sleep_seconds(0, 300.0, 300.0).has_value());
  assert_false(submission_sleep_seconds(0, 301.0, 300.0).has_value());
  assert_false(submission_sleep_seconds(4, 1e9, 300.0).has_value());
  // retry_budget_ms = 0 means a single attempt.
  assert_false(submission_sleep_seconds(0, 0.0, 0.0).has_value());
}

void submission_retries_transport_408_409_429_and_5xx(void**) {
  assert_true(submission_retryable(transport_failure(false)));
  assert_true(submission_retryable(transport_failure(true)));
  assert_true(submission_retryable(status(400, "")));  // empty 400 = connection error (§1.5)
  for (long s : {408L, 409L, 429L, 500L, 502L, 503L, 599L}) {
    if (!submission_retryable(status(s, "{}"))) TU_FAIL_MSG("status %ld should be resubmitted\n", s);
  }
}

void submission_does_not_retry_client_errors(void**) {
  for (long s : {200L, 400L, 401L, 403L, 404L, 410L, 422L}) {
    if (submission_retryable(status(s, "{\"detail\":\"no\"}"))) TU_FAIL_MSG("status %ld should not be resubmitted\n", s);
  }
}

// ---- Polling retrieve_future (protocol.md §3.3) ------------------------------------------------

void poll_2xx_is_success(void**) {
  assert_action(status(200, "{\"type\":\"try_again\"}"), PollAction::Success);
  assert_action(status(201, "{}"), PollAction::Success);
  assert_action(status(204, ""), PollAction::Success);
  assert_action(status(299, "{}"), PollAction::Success);
}

void poll_rerequests_at_once_after_408(void**) {
  assert_action(status(408, ""), PollAction::RepollNow);
  assert_action(status(408, "{\"queue_state\":\"paused_capacity\"}"), PollAction::RepollNow);
}

void poll_rerequests_at_once_after_5xx(void**) {
  for (long s : {500L, 502L, 503L, 504L, 599L}) {
    if (classify_poll(status(s, "oops")) != PollAction::RepollNow) TU_FAIL_MSG("status %ld\n", s);
    if (classify_poll(status(s, "")) != PollAction::RepollNow) TU_FAIL_MSG("status %ld, empty body\n", s);
  }
}

void poll_backs_off_after_429(void**) { assert_action(status(429, "{\"detail\":\"slow down\"}"), PollAction::RepollAfterBackoff); }

void poll_backs_off_after_connection_error_or_timeout(void**) {
  assert_action(transport_failure(false), PollAction::RepollAfterBackoff);
  assert_action(transport_failure(true), PollAction::RepollAfterBackoff);
}

void poll_backs_off_after_empty_body_400(void**) { assert_action(status(400, ""), PollAction::RepollAfterBackoff); }

void poll_retries_400_with_body_within_budget(void**) {
  assert_action(status(400, "{\"detail\":\"bad\"}"), PollAction::RepollIfBudget);
  assert_action(status(400, "plain text"), PollAction::RepollIfBudget);
  assert_int_equal(kPollBadRequestBudget, 3);
}

void poll_410_means_promise_expired(void**) { assert_action(status(410, "{}"), PollAction::Expired); }

void poll_402_enters_billing_pause(void**) {
  assert_action(status(402, "{\"detail\":\"payment required\"}"), PollAction::BillingPause);
  assert_double_near(kBillingPauseSleepSeconds, 5.0, 0);
  assert_double_near(kBillingIncidentResetSeconds, 300.0, 0);
}

void poll_other_statuses_are_fatal(void**) {
  for (long s : {401L, 403L, 404L, 409L, 422L, 302L, 418L}) {
    if (classify_poll(status(s, "{\"detail\":\"no\"}")) != PollAction::Fatal) TU_FAIL_MSG("status %ld should be fatal\n", s);
  }
}

void poll_ignores_x_should_retry(void**) {
  // Polls run with HTTP-layer retries 0 (§3.1): only the status decides.
  assert_action(with_header(status(404, "{}"), "x-should-retry", "true"), PollAction::Fatal);
  assert_action(with_header(status(503, "{}"), "x-should-retry", "false"), PollAction::RepollNow);
}

void poll_backoff_doubles_from_one_second_capped_at_thirty(void**) {
  const double expected[] = {1, 2, 4, 8, 16, 30, 30, 30};
  for (int k = 0; k < 8; ++k) assert_double_near(poll_backoff_seconds(k), expected[k], 1e-12);
  assert_double_near(poll_backoff_seconds(2000), 30.0, 1e-12);
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(http_delay_follows_half_second_doubling_capped_at_ten),
      cmocka_unit_test(http_delay_jitter_removes_at_most_a_quarter),
      cmocka_unit_test(http_delay_uses_server_retry_after_when_given),
      cmocka_unit_test(retry_after_ms_header_is_milliseconds),
      cmocka_unit_test(retry_after_ms_wins_over_retry_after),
      cmocka_unit_test(unparseable_retry_after_ms_falls_back_to_retry_after),
      cmocka_unit_test(retry_after_header_is_seconds_integer_or_float),
      cmocka_unit_test(retry_after_http_date_is_seconds_from_now),
      cmocka_unit_test(retry_after_outside_zero_to_sixty_seconds_is_ignored),
      cmocka_unit_test(retry_after_absent_or_malformed_gives_nothing),
      cmocka_unit_test(http_layer_retries_408_409_429_and_5xx),
      cmocka_unit_test(http_layer_does_not_retry_success_or_other_4xx),
      cmocka_unit_test(http_layer_retries_transport_errors_and_timeouts),
      cmocka_unit_test(http_layer_retries_empty_body_400_as_connection_reset),
      cmocka_unit_test(x_should_retry_header_overrides_the_status),
      cmocka_unit_test(submission_backoff_doubles_from_one_second_capped_at_thirty),
      cmocka_unit_test(submission_sleep_is_the_backoff_while_budget_remains),
      cmocka_unit_test(submission_sleep_is_truncated_to_the_budget),
      cmocka_unit_test(submission_sleep_is_nullopt_when_budget_used_up),
      cmocka_unit_test(submission_retries_transport_408_409_429_and_5xx),
      cmocka_unit_test(submission_does_not_retry_client_errors),
      cmocka_unit_test(poll_2xx_is_success),
      cmocka_unit_test(poll_rerequests_at_once_after_408),
      cmocka_unit_test(poll_rerequests_at_once_after_5xx),
      cmocka_unit_test(poll_backs_off_after_429),
      cmocka_unit_test(poll_backs_off_after_connection_error_or_timeout),
      cmocka_unit_test(poll_backs_off_after_empty_body_400),
      cmocka_unit_test(poll_retries_400_with_body_within_budget),
      cmocka_unit_test(poll_410_means_promise_expired),
      cmocka_unit_test(poll_402_enters_billing_pause),
      cmocka_unit_test(poll_other_statuses_are_fatal),
      cmocka_unit_test(poll_ignores_x_should_retry),
      cmocka_unit_test(poll_backoff_doubles_from_one_second_capped_at_thirty),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
