// The futures protocol (protocol.md §3): every outcome of a retrieve_future poll, driven by the
// emulator's test job endpoint and by faults injected on /api/v1/retrieve_future. Timing rules
// are checked on the client's own send times (sent_ms), on a clock that skips the time a call
// spends only sleeping (skipping_options): a sleep of 2 s shows as exactly 2 s there, at once.
#include "harness.h"

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace itest;

namespace {

// Slack for "at once" (a poll that follows without any sleep) and for the real work around a
// timed sleep (answering, decoding, sending: the sleep itself is exact on the skipping clock).
constexpr double kImmediateMs = 250;
constexpr double kLateSlackMs = 250;

std::string fault(const std::string& body) { return "{\"path\": \"/api/v1/retrieve_future\", " + body + "}"; }

void expect_poll_statuses(const std::vector<LogEntry>& ps, const std::vector<int>& statuses) {
  bool ok = ps.size() == statuses.size();
  for (size_t i = 0; ok && i < ps.size(); ++i) ok = ps[i].status == statuses[i];
  if (!ok) {
    print_error("expected %zu polls with statuses:", statuses.size());
    for (int s : statuses) print_error(" %d", s);
    print_error("\ngot:\n");
    dump(ps);
    fail();
  }
}

void expect_gap(const std::vector<LogEntry>& ps, size_t i, double min_ms, double max_ms) {
  double gap = sent_ms(ps.at(i + 1)) - sent_ms(ps.at(i));
  if (gap < min_ms || gap > max_ms) {
    print_error("gap between poll %zu and %zu is %.1f ms, expected [%.0f, %.0f]\n", i, i + 1, gap, min_ms, max_ms);
    dump(ps);
    fail();
  }
}

void expect_immediate(const std::vector<LogEntry>& ps, size_t i) { expect_gap(ps, i, 0, kImmediateMs); }

// A backoff sleep of `seconds` (protocol.md §3.3: min(2^k, 30) s).
void expect_backoff(const std::vector<LogEntry>& ps, size_t i, double seconds) {
  expect_gap(ps, i, seconds * 1000, seconds * 1000 + kLateSlackMs);
}

tinker_service_client_t* client() { return new_client(skipping_options()); }

// Queue-state observations (tinker_queue_state_callback_t).
struct QueueRecord {
  std::mutex mu;
  std::vector<tinker_queue_state_t> states;
  std::vector<std::string> reasons;
  std::vector<std::string> request_ids;
  std::vector<std::thread::id> threads;
};

void on_queue_state(tinker_queue_state_t state, const char* reason, const char* request_id, void* ud) {
  auto* r = static_cast<QueueRecord*>(ud);
  std::lock_guard<std::mutex> lk(r->mu);
  r->states.push_back(state);
  r->reasons.push_back(reason ? reason : "(null)");
  r->request_ids.push_back(request_id ? request_id : "(null)");
  r->threads.push_back(std::this_thread::get_id());
}

struct ThreadRecord {
  std::atomic<bool> done{false};
  std::thread::id thread;
};

void on_done(tinker_future_t*, void* ud) {
  auto* r = static_cast<ThreadRecord*>(ud);
  r->thread = std::this_thread::get_id();
  r->done = true;
}

}  // namespace

// §3.1–§3.2 row 2: while pending the server answers try_again (after holding the poll) and the
// client polls again at once; the iteration header counts 0, 1, 2, …; every poll names the
// request type and the same request id; iteration 0 alone carries the round-trip header.
static void poll_repeats_after_try_again_until_the_result(void**) {
  tinker_service_client_t* c = client();
  Job job;
  job.delay_ms = 750;
  job.result_json = "{\"answer\": 42}";
  tinker_future_t* f = start_job(c, job);
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
  assert_string_equal(job_result_body(f).c_str(), "{\"answer\":42}");

  auto ps = polls();
  expect_poll_statuses(ps, {200, 200, 200});
  for (size_t i = 0; i < ps.size(); ++i) {
    assert_string_equal(ps[i].header("x-tinker-request-iteration").c_str(), std::to_string(i).c_str());
    assert_string_equal(ps[i].header("x-tinker-request-type").c_str(), "Sample");
    assert_string_equal(ps[i].header("x-stainless-retry-count").c_str(), "0");
    assert_string_equal(ps[i].request_id.c_str(), ps[0].request_id.c_str());
    assert_true(ps[i].has_api_key);
    assert_true(ps[i].header("x-tinker-create-promise-roundtrip-time").empty() == (i != 0));
  }
  assert_false(ps[0].request_id.empty());
  // Each try_again came after the 300 ms hold and was followed by a poll at once.
  expect_gap(ps, 0, 280, 300 + kImmediateMs);
  expect_gap(ps, 1, 280, 300 + kImmediateMs);
}

// The request type header follows the operation (§1.3).
static void poll_sends_the_operation_request_type(void**) {
  tinker_service_client_t* c = client();
  Job job;
  job.request_type = "ForwardBackward";
  tinker_future_t* f = start_job(c, job);
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
  auto ps = polls();
  assert_true(ps.size() >= 1);
  for (const auto& p : ps) assert_string_equal(p.header("x-tinker-request-type").c_str(), "ForwardBackward");
}

// §3.3: 408 is "a try_again pretending to be an HTTP error": re-poll immediately, no sleep.
static void poll_repolls_at_once_after_408(void**) {
  tinker_service_client_t* c = client();
  add_fault(fault("\"action\": \"status\", \"status\": 408"));
  tinker_future_t* f = start_job(c, Job{});
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
  auto ps = polls();
  expect_poll_statuses(ps, {408, 200});
  expect_immediate(ps, 0);
  assert_string_equal(ps[1].header("x-tinker-request-iteration").c_str(), "1");
}

// §3.3: a 408 whose body is JSON reports its queue_state to the observer.
static void poll_408_queue_state_reaches_the_observer(void**) {
  QueueRecord rec;
  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_queue_state_callback(o, on_queue_state, &rec), TINKER_OK);
  tinker_service_client_t* c = new_client(o);
  add_fault(fault("\"action\": \"status\", \"status\": 408,"
                  " \"body\": \"{\\\"queue_state\\\": \\\"paused_rate_limit\\\", \\\"queue_state_reason\\\": \\\"slow down\\\"}\""));
  tinker_future_t* f = start_job(c, Job{});
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
  assert_true(eventually([&] { std::lock_guard<std::mutex> lk(rec.mu); return !rec.states.empty(); }, 2000));
  std::lock_guard<std::mutex> lk(rec.mu);
  assert_int_equal(rec.states[0], TINKER_QUEUE_PAUSED_RATE_LIMIT);
  assert_string_equal(rec.reasons[0].c_str(), "slow down");
  expect_poll_statuses(polls(), {408, 200});
}

// §3.3: 5xx answers are re-polled immediately, however many there are.
static void poll_repolls_at_once_after_5xx(void**) {
  tinker_service_client_t* c = client();
  add_fault(fault("\"action\": \"status\", \"status\": 500"));
  add_fault(fault("\"action\": \"status\", \"status\": 503"));
  add_fault(fault("\"action\": \"status\", \"status\": 502"));
  tinker_future_t* f = start_job(c, Job{});
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
  auto ps = polls();
  expect_poll_statuses(ps, {500, 503, 502, 200});
  for (size_t i = 0; i + 1 < ps.size(); ++i) expect_immediate(ps, i);
}

// §3.3: 429 is RETRY_WITH_BACKOFF: sleep min(2^k, 30) s, k counting consecutive backoffs.
static void poll_backs_off_1s_then_2s_after_consecutive_429(void**) {
  tinker_service_client_t* c = client();
  add_fault(fault("\"action\": \"status\", \"status\": 429, \"count\": 2"));
  tinker_future_t* f = start_job(c, Job{});
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
  auto ps = polls();
  expect_poll_statuses(ps, {429, 429, 200});
  expect_backoff(ps, 0, 1);
  expect_backoff(ps, 1, 2);
}

// §3.3: the backoff count resets when an answer that is not itself a backoff kind arrives.
static void poll_backoff_resets_after_a_non_backoff_answer(void**) {
  tinker_service_client_t* c = client();
  add_fault(fault("\"action\": \"status\", \"status\": 429"));
  add_fault(fault("\"action\": \"status\", \"status\": 500"));
  add_fault(fault("\"action\": \"status\", \"status\": 429"));
  tinker_future_t* f = start_job(c, Job{});
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
  auto ps = polls();
  expect_poll_statuses(ps, {429, 500, 429, 200});
  expect_backoff(ps, 0, 1);
  expect_immediate(ps, 1);
  expect_backoff(ps, 2, 1);  // 1 s again, not 2 s
}

// §3.3: a connection error (no response at all) backs off like 429. libcurl resends a request
// once by itself when a reused keep-alive connection dies before any response byte (same
// request, same iteration number), so two drops are injected: at least one reaches the client,
// and every new iteration that follows a dropped one must come after the backoff sleep.
static void poll_backs_off_after_a_dropped_connection(void**) {
  tinker_service_client_t* c = client();
  add_fault(fault("\"action\": \"drop\", \"count\": 2"));
  tinker_future_t* f = start_job(c, Job{});
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
  auto ps = polls();
  assert_true(ps.size() >= 3);
  assert_int_equal(ps.back().status, 200);
  int consecutive = 0;
  int surfaced = 0;
  for (size_t i = 0; i + 1 < ps.size(); ++i) {
    bool new_iteration = ps[i].header("x-tinker-request-iteration") != ps[i + 1].header("x-tinker-request-iteration");
    if (!new_iteration) continue;  // libcurl's own resend of the same poll
    if (ps[i].status == 0) {
      ++surfaced;
      expect_backoff(ps, i, consecutive == 0 ? 1 : 2);
      ++consecutive;
    } else {
      consecutive = 0;
    }
  }
  if (surfaced == 0) dump(ps);
  assert_true(surfaced >= 1);
}

// §3.3 / §1.5: a 400 with an empty body is Cloudflare's "reset the connection": backoff, not
// the bad-request budget.
static void poll_treats_an_empty_400_as_a_connection_reset(void**) {
  tinker_service_client_t* c = client();
  add_fault(fault("\"action\": \"status\", \"status\": 400, \"body\": \"\""));
  tinker_future_t* f = start_job(c, Job{});
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
  auto ps = polls();
  expect_poll_statuses(ps, {400, 200});
  expect_backoff(ps, 0, 1);
}

// A truncated response is a transport failure: backoff, then the result.
static void poll_backs_off_after_a_truncated_response(void**) {
  tinker_service_client_t* c = client();
  add_fault(fault("\"action\": \"truncate\""));
  Job job;
  job.result_json = "{\"text\": \"a result long enough to be cut in the middle of its body\"}";
  tinker_future_t* f = start_job(c, job);
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
  assert_true(contains(job_result_body(f), "cut in the middle"));
  auto ps = polls();
  assert_int_equal(ps.size(), 2);
  assert_string_equal(ps[0].fault.c_str(), "truncate");
  expect_backoff(ps, 0, 1);
}

// §3.3: a 400 with a body is re-polled at once up to 3 times, then the future fails
// INVALID_ARGUMENT saying the retries were exceeded.
static void poll_gives_up_after_3_bad_request_retries(void**) {
  tinker_service_client_t* c = client();
  add_fault(fault("\"action\": \"status\", \"status\": 400, \"count\": 10"));
  tinker_future_t* f = start_job(c, Job{});
  tinker_status_t s = wait_job(f);
  const tinker_error_t* e = tinker_future_error(f);
  assert_status(s, TINKER_E_INVALID_ARGUMENT, e);
  assert_int_equal(tinker_error_http_status(e), 400);
  assert_true(contains(tinker_error_message(e), "3 retries"));
  auto ps = polls();
  expect_poll_statuses(ps, {400, 400, 400, 400});
  for (size_t i = 0; i + 1 < ps.size(); ++i) expect_immediate(ps, i);
  assert_string_equal(tinker_error_request_id(e), ps[0].request_id.c_str());
}

// §3.3: 410 means the server lost the request: ABORTED, retryable, no further polls.
static void poll_410_ends_the_future_aborted_and_retryable(void**) {
  tinker_service_client_t* c = client();
  add_fault(fault("\"action\": \"status\", \"status\": 410"));
  tinker_future_t* f = start_job(c, Job{});
  tinker_status_t s = wait_job(f);
  const tinker_error_t* e = tinker_future_error(f);
  assert_status(s, TINKER_E_ABORTED, e);
  assert_int_equal(tinker_error_retryable(e), 1);
  assert_int_equal(tinker_error_http_status(e), 410);
  sleep_ms(400);
  auto ps = polls();
  expect_poll_statuses(ps, {410});
  assert_string_equal(tinker_error_request_id(e), ps[0].request_id.c_str());
}

// §3.3: other 4xx answers are fatal at once, each mapped to its status code.
static void poll_other_4xx_are_fatal(void**) {
  struct Case {
    int http;
    tinker_status_t code;
  } cases[] = {{404, TINKER_E_NOT_FOUND},
               {401, TINKER_E_UNAUTHENTICATED},
               {403, TINKER_E_PERMISSION_DENIED},
               {409, TINKER_E_ALREADY_EXISTS},
               {422, TINKER_E_INVALID_ARGUMENT}};
  tinker_service_client_t* c = client();
  for (const Case& k : cases) {
    clear_log();
    add_fault(fault("\"action\": \"status\", \"status\": " + std::to_string(k.http)));
    tinker_future_t* f = start_job(c, Job{});
    tinker_status_t s = wait_job(f);
    const tinker_error_t* e = tinker_future_error(f);
    print_message("HTTP %d -> %s\n", k.http, describe(s, e).c_str());
    assert_status(s, k.code, e);
    assert_int_equal(tinker_error_http_status(e), k.http);
    assert_int_equal(tinker_error_category(e), TINKER_ERROR_CATEGORY_USER);
    expect_poll_statuses(polls(), {k.http});
    free_future(f);
  }
}

// §3.3: 402 pauses the poll for 5 s (inside the billing window, default 3600 s), then polls again.
static void poll_pauses_5s_after_402_then_succeeds(void**) {
  tinker_service_client_t* c = client();
  add_fault(fault("\"action\": \"status\", \"status\": 402"));
  tinker_future_t* f = start_job(c, Job{});
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
  auto ps = polls();
  expect_poll_statuses(ps, {402, 200});
  expect_gap(ps, 0, 5000, 5000 + kLateSlackMs);
}

// §3.3, §7.12: once the billing window (billing_exception_max_pause_duration_sec from
// client/config) has passed, a 402 is fatal: FAILED_PRECONDITION.
static void poll_402_after_the_billing_window_is_failed_precondition(void**) {
  set_config("{\"client_config\": {\"billing_exception_max_pause_duration_sec\": 1}}");
  tinker_service_client_t* c = client();
  add_fault(fault("\"action\": \"status\", \"status\": 402, \"count\": 3"));
  tinker_future_t* f = start_job(c, Job{});
  tinker_status_t s = wait_job(f);
  const tinker_error_t* e = tinker_future_error(f);
  assert_status(s, TINKER_E_FAILED_PRECONDITION, e);
  assert_int_equal(tinker_error_http_status(e), 402);
  auto ps = polls();
  expect_poll_statuses(ps, {402, 402});
  expect_gap(ps, 0, 5000, 5000 + kLateSlackMs);
}

// §3.2 row 3: a large result is announced with complete_metadata (only because the first poll
// allowed it), then fetched by the next poll.
static void poll_fetches_a_large_result_after_complete_metadata(void**) {
  set_config("{\"metadata_threshold_bytes\": 1000}");
  tinker_service_client_t* c = client();
  Job job;
  job.result_size_bytes = 5000;
  tinker_future_t* f = start_job(c, job);
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
  assert_int_equal(job_result_body(f).size(), 5000);
  auto ps = polls();
  expect_poll_statuses(ps, {200, 200});
  expect_immediate(ps, 0);
}

// §3.1 item 3: allow_metadata_only is true until the server answered complete_metadata once,
// then false. Here the first complete_metadata is injected; the emulator itself would announce
// the large result again to a poll that still allowed metadata, which the client must treat
// as an error, so success proves the second poll sent false.
static void poll_disallows_metadata_only_after_complete_metadata(void**) {
  set_config("{\"metadata_threshold_bytes\": 1000}");
  tinker_service_client_t* c = client();
  add_fault(fault("\"action\": \"status\", \"status\": 200,"
                  " \"body\": \"{\\\"status\\\": \\\"complete_metadata\\\", \\\"response_payload_size\\\": 5000}\""));
  Job job;
  job.result_size_bytes = 5000;
  tinker_future_t* f = start_job(c, job);
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
  assert_int_equal(job_result_body(f).size(), 5000);
  expect_poll_statuses(polls(), {200, 200});
}

// §3.2 row 3: a second complete_metadata is a protocol violation: INTERNAL.
static void poll_second_complete_metadata_is_an_internal_error(void**) {
  tinker_service_client_t* c = client();
  add_fault(fault("\"action\": \"status\", \"status\": 200, \"count\": 2,"
                  " \"body\": \"{\\\"status\\\": \\\"complete_metadata\\\", \\\"response_payload_size\\\": 10}\""));
  tinker_future_t* f = start_job(c, Job{});
  tinker_status_t s = wait_job(f);
  const tinker_error_t* e = tinker_future_error(f);
  assert_status(s, TINKER_E_INTERNAL, e);
  assert_true(contains(tinker_error_message(e), "complete_metadata"));
  expect_poll_statuses(polls(), {200, 200});
}

// §3.2 row 4: {error, category} ends the future REQUEST_FAILED with the server's message and
// category; it is not retried.
static void poll_request_failed_carries_the_message_and_category(void**) {
  struct Case {
    const char* category;
    tinker_error_category_t expected;
  } cases[] = {{"user", TINKER_ERROR_CATEGORY_USER},
               {"server", TINKER_ERROR_CATEGORY_SERVER},
               {"unknown", TINKER_ERROR_CATEGORY_UNKNOWN},
               {"nonsense", TINKER_ERROR_CATEGORY_UNKNOWN}};
  tinker_service_client_t* c = client();
  for (const Case& k : cases) {
    clear_log();
    Job job;
    job.error = std::string("loss_fn_inputs missing target_tokens (") + k.category + ")";
    job.category = k.category;
    tinker_future_t* f = start_job(c, job);
    tinker_status_t s = wait_job(f);
    const tinker_error_t* e = tinker_future_error(f);
    assert_status(s, TINKER_E_REQUEST_FAILED, e);
    assert_int_equal(tinker_error_code(e), TINKER_E_REQUEST_FAILED);
    assert_int_equal(tinker_error_category(e), k.expected);
    assert_true(contains(tinker_error_message(e), job.error));
    assert_int_equal(tinker_error_retryable(e), 0);
    auto ps = polls();
    expect_poll_statuses(ps, {200});
    assert_string_equal(tinker_error_request_id(e), ps[0].request_id.c_str());
    free_future(f);
  }
}

// A 200 whose body is not JSON cannot be a result: DATA_LOSS, no retry.
static void poll_corrupt_body_is_data_loss(void**) {
  tinker_service_client_t* c = client();
  add_fault(fault("\"action\": \"corrupt\""));
  tinker_future_t* f = start_job(c, Job{});
  tinker_status_t s = wait_job(f);
  assert_status(s, TINKER_E_DATA_LOSS, tinker_future_error(f));
  expect_poll_statuses(polls(), {200});
}

// §3.2 row 2: try_again's queue_state reaches the queue-state callback (PAUSED_CAPACITY with the
// server's reason and the request id), on the completion thread, not the caller's.
static void poll_queue_state_reaches_the_callback_on_the_completion_thread(void**) {
  QueueRecord rec;
  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_queue_state_callback(o, on_queue_state, &rec), TINKER_OK);
  tinker_service_client_t* c = new_client(o);
  add_fault(fault("\"action\": \"queue_state\", \"queue_state\": \"paused_capacity\","
                  " \"queue_state_reason\": \"GPUs are busy\""));
  Job job;
  job.delay_ms = 1500;  // the fault applies to a poll of a pending job
  tinker_future_t* f = start_job(c, job);
  ThreadRecord done;
  assert_int_equal(tinker_future_on_complete(f, on_done, &done, nullptr), TINKER_OK);
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
  assert_true(eventually([&] { return done.done.load(); }, 2000));

  auto ps = polls();
  assert_true(ps.size() >= 2);
  assert_string_equal(ps[0].fault.c_str(), "queue_state");
  std::lock_guard<std::mutex> lk(rec.mu);
  assert_true(rec.states.size() >= 1);
  assert_int_equal(rec.states[0], TINKER_QUEUE_PAUSED_CAPACITY);
  assert_string_equal(rec.reasons[0].c_str(), "GPUs are busy");
  assert_string_equal(rec.request_ids[0].c_str(), ps[0].request_id.c_str());
  for (size_t i = 0; i < rec.threads.size(); ++i) {
    assert_true(rec.threads[i] != std::this_thread::get_id());
    assert_true(rec.threads[i] == done.thread);  // the one completion thread
  }
  // Later try_again answers carry the emulator's default state, "active".
  for (size_t i = 1; i < rec.states.size(); ++i) {
    assert_int_equal(rec.states[i], TINKER_QUEUE_ACTIVE);
    assert_string_equal(rec.reasons[i].c_str(), "");
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(poll_repeats_after_try_again_until_the_result, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_sends_the_operation_request_type, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_repolls_at_once_after_408, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_408_queue_state_reaches_the_observer, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_repolls_at_once_after_5xx, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_backs_off_1s_then_2s_after_consecutive_429, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_backoff_resets_after_a_non_backoff_answer, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_backs_off_after_a_dropped_connection, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_treats_an_empty_400_as_a_connection_reset, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_backs_off_after_a_truncated_response, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_gives_up_after_3_bad_request_retries, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_410_ends_the_future_aborted_and_retryable, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_other_4xx_are_fatal, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_pauses_5s_after_402_then_succeeds, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_402_after_the_billing_window_is_failed_precondition, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_fetches_a_large_result_after_complete_metadata, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_disallows_metadata_only_after_complete_metadata, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_second_complete_metadata_is_an_internal_error, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_request_failed_carries_the_message_and_category, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_corrupt_body_is_data_loss, setup, teardown),
      cmocka_unit_test_setup_teardown(poll_queue_state_reaches_the_callback_on_the_completion_thread, setup,
                                      teardown),
  };
  return cmocka_run_group_tests_name("integration_polling", tests, nullptr, nullptr);
}
