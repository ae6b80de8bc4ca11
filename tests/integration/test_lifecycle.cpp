// Future lifecycle against a live server (docs/design.md "Futures", tinker.h): deadlines,
// cancel, interrupt, "submitted", freeing futures and clients with work in flight.
#include "harness.h"

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace itest;

namespace {

// A job that stays pending far longer than any test.
Job slow_job() {
  Job j;
  j.delay_ms = 30000;
  return j;
}

size_t poll_count() { return polls().size(); }

// Asserts that no retrieve_future request arrives during the next `ms` milliseconds.
void expect_no_more_polls(int64_t ms) {
  size_t before = poll_count();
  sleep_ms(ms);
  auto ps = polls();
  if (ps.size() != before) {
    print_error("%zu polls arrived after polling should have stopped\n", ps.size() - before);
    dump(ps);
    fail();
  }
}

struct Record {
  std::atomic<int> calls{0};
  std::atomic<int> destroys{0};
  std::atomic<tinker_status_t> status{TINKER_PENDING};
};

void on_complete(tinker_future_t* f, void* ud) {
  auto* r = static_cast<Record*>(ud);
  r->status = tinker_future_poll(f);
  r->calls++;
}

void on_destroy(void* ud) { static_cast<Record*>(ud)->destroys++; }

}  // namespace

// tinker_client_options_set_default_deadline_ms: when it passes, the future ends
// DEADLINE_EXCEEDED and its polling stops. The polls are answered 429 (backoffs of 1 s, 2 s, …)
// and the client's clock skips those sleeps, so the deadline is checked on that clock, exactly.
static void default_deadline_ends_a_slow_job_and_stops_polling(void**) {
  std::shared_ptr<tinker::SkippingClock> clock;
  tinker_client_options_t* o = skipping_options(&clock);
  assert_int_equal(tinker_client_options_set_default_deadline_ms(o, 1200), TINKER_OK);
  tinker_service_client_t* c = new_client(o);
  add_fault("{\"path\": \"/api/v1/retrieve_future\", \"action\": \"status\", \"status\": 429, \"count\": -1}");
  const auto t0 = clock->now();
  Job j = slow_job();
  j.needs_config = false;
  tinker_future_t* f = start_job(c, j);
  tinker_status_t s = wait_job(f, 10000);
  const double elapsed = ms_between(t0, clock->now());
  const tinker_error_t* e = tinker_future_error(f);
  assert_status(s, TINKER_E_DEADLINE_EXCEEDED, e);
  assert_true(contains(tinker_error_message(e), "deadline"));
  assert_true(contains(tinker_error_message(e), "HTTP 429"));  // what it was retrying
  print_message("deadline fired after %.1f ms on the client's clock\n", elapsed);
  assert_true(elapsed >= 1200 && elapsed < 1200 + 250);
  auto ps = polls();
  assert_int_equal(ps.size(), 2);  // at 0 and after the 1 s backoff; the next would be at 3 s
  assert_true(sent_ms(ps[1]) - sent_ms(ps[0]) >= 1000);
  expect_no_more_polls(300);
}

// A deadline longer than the job does not disturb it.
static void default_deadline_longer_than_the_job_lets_it_finish(void**) {
  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_default_deadline_ms(o, 5000), TINKER_OK);
  tinker_service_client_t* c = new_client(o);
  Job j;
  j.delay_ms = 400;
  tinker_future_t* f = start_job(c, j);
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
}

// tinker_future_cancel on a pending poll: CANCELLED at once, polling stops, cancel is idempotent.
static void cancel_ends_a_pending_poll_at_once_and_stops_polling(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_future_t* f = start_job(c, slow_job());
  assert_true(eventually([] { return poll_count() >= 1; }, 3000));
  assert_int_equal(tinker_future_poll(f), TINKER_PENDING);

  assert_int_equal(tinker_future_cancel(f), TINKER_OK);
  assert_int_equal(tinker_future_wait(f, 0), TINKER_E_CANCELLED);  // already ended when cancel returned
  const tinker_error_t* e = tinker_future_error(f);
  assert_non_null(e);
  assert_int_equal(tinker_error_code(e), TINKER_E_CANCELLED);

  assert_int_equal(tinker_future_cancel(f), TINKER_OK);  // idempotent
  assert_int_equal(tinker_future_poll(f), TINKER_E_CANCELLED);
  expect_no_more_polls(800);  // well past the 300 ms hold of the poll that was in flight
}

// Cancel from another thread wakes a thread blocked in wait(-1).
static void cancel_from_another_thread_wakes_a_blocked_waiter(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_future_t* f = start_job(c, slow_job());
  std::atomic<tinker_status_t> seen{TINKER_PENDING};
  std::thread waiter([&] { seen = tinker_future_wait(f, -1); });
  sleep_ms(300);
  assert_int_equal(seen.load(), TINKER_PENDING);
  assert_int_equal(tinker_future_cancel(f), TINKER_OK);
  waiter.join();
  assert_int_equal(seen.load(), TINKER_E_CANCELLED);
}

// Cancel after completion changes nothing: the result stays.
static void cancel_after_completion_keeps_the_result(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  Job j;
  j.result_json = "{\"kept\": true}";
  tinker_future_t* f = start_job(c, j);
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
  assert_int_equal(tinker_future_cancel(f), TINKER_OK);
  assert_int_equal(tinker_future_poll(f), TINKER_OK);
  assert_string_equal(job_result_body(f).c_str(), "{\"kept\":true}");
}

// tinker_future_interrupt wakes waiters without cancelling; the operation goes on and finishes.
static void interrupt_wakes_waiters_without_cancelling(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  Job j;
  j.delay_ms = 900;
  tinker_future_t* f = start_job(c, j);
  std::atomic<tinker_status_t> seen{TINKER_PENDING};
  std::thread waiter([&] { seen = tinker_future_wait(f, -1); });
  sleep_ms(200);
  assert_int_equal(tinker_future_interrupt(f), TINKER_OK);
  waiter.join();
  assert_int_equal(seen.load(), TINKER_E_INTERRUPTED);
  assert_int_equal(tinker_future_poll(f), TINKER_PENDING);
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
}

// tinker_future_is_submitted / wait_submitted: "submitted" once the request reached the server,
// before the result.
static void submitted_is_observable_before_the_result(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  add_fault("{\"path\": \"/_emulator/jobs\", \"action\": \"delay\", \"delay_ms\": 400}");
  Job j;
  j.delay_ms = 1000;
  tinker_future_t* f = start_job(c, j);
  sleep_ms(150);
  assert_int_equal(tinker_future_is_submitted(f), 0);  // the submission is still being answered
  assert_int_equal(tinker_future_wait_submitted(f, 5000), TINKER_OK);
  assert_int_equal(tinker_future_is_submitted(f), 1);
  assert_int_equal(tinker_future_poll(f), TINKER_PENDING);
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
}

// wait with a timeout returns TIMEOUT and the future keeps running.
static void wait_timeout_leaves_the_future_running(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  Job j;
  j.delay_ms = 700;
  tinker_future_t* f = start_job(c, j);
  assert_int_equal(tinker_future_wait(f, 100), TINKER_E_TIMEOUT);
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
}

// Cancel also stops the submission stage: no retry is sent after it.
static void cancel_during_submission_retries_stops_them(void**) {
  tinker_client_options_t* o = fast_options();  // real time: the retries must still be pending
  assert_int_equal(tinker_client_options_set_max_retries(o, 5), TINKER_OK);
  tinker_service_client_t* c = new_client(o);
  add_fault("{\"path\": \"/_emulator/jobs\", \"action\": \"status\", \"status\": 503, \"count\": 20}");
  tinker_future_t* f = start_job(c, Job{});
  assert_true(eventually([] { return request_log("/_emulator/jobs").size() >= 1; }, 3000));
  assert_int_equal(tinker_future_cancel(f), TINKER_OK);
  assert_int_equal(tinker_future_wait(f, 1000), TINKER_E_CANCELLED);
  size_t sent = request_log("/_emulator/jobs").size();
  sleep_ms(1200);  // longer than the next layer-1 delays (0.5 s, 1 s)
  assert_int_equal(request_log("/_emulator/jobs").size(), sent);
  assert_int_equal(tinker_future_is_submitted(f), 1);  // "or once the future finished"
}

// The deadline also bounds the submission stage: DEADLINE_EXCEEDED and no retry afterwards
// (on the skipping clock: the retry sleeps pass at once, the deadline is exact).
static void default_deadline_bounds_submission_retries(void**) {
  std::shared_ptr<tinker::SkippingClock> clock;
  tinker_client_options_t* o = skipping_options(&clock);
  assert_int_equal(tinker_client_options_set_max_retries(o, 5), TINKER_OK);
  assert_int_equal(tinker_client_options_set_default_deadline_ms(o, 700), TINKER_OK);
  tinker_service_client_t* c = new_client(o);
  add_fault("{\"path\": \"/_emulator/jobs\", \"action\": \"status\", \"status\": 503, \"count\": 20}");
  const auto t0 = clock->now();
  tinker_future_t* f = start_job(c, Job{});
  tinker_status_t s = wait_job(f, 5000);
  const double elapsed = ms_between(t0, clock->now());
  assert_status(s, TINKER_E_DEADLINE_EXCEEDED, tinker_future_error(f));
  assert_true(elapsed >= 700 && elapsed < 700 + 250);
  size_t sent = request_log("/_emulator/jobs").size();
  assert_true(sent >= 2 && sent <= 3);  // at 0, after 0.375–0.5 s; the next would come past 0.7 s
  sleep_ms(300);
  assert_int_equal(request_log("/_emulator/jobs").size(), sent);
  assert_int_equal(polls().size(), 0);
}

// tinker_service_client_free shuts the runtime down only with the last handle: while a REST
// client from it lives, pending futures keep running and finish normally.
static void a_live_rest_client_keeps_the_runtime_running(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_rest_client_t* rest = nullptr;
  assert_int_equal(tinker_service_client_create_rest_client(c, &rest), TINKER_OK);
  Job j;
  j.delay_ms = 600;
  tinker_future_t* f = start_job(c, j);
  Record rec;
  assert_int_equal(tinker_future_on_complete(f, on_complete, &rec, on_destroy), TINKER_OK);
  free_client(c);
  assert_int_equal(tinker_future_poll(f), TINKER_PENDING);
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
  assert_true(eventually([&] { return rec.destroys.load() == 1; }, 2000));
  assert_int_equal(rec.status.load(), TINKER_OK);
  tinker_rest_client_free(rest);  // the last handle: the runtime stops here
}

// tinker_service_client_free with futures in flight: every pending future ends CANCELLED, every
// registered callback has run (and its destroy notify) before free returns, nothing runs after,
// and no request is sent afterwards.
static void freeing_the_client_cancels_pending_futures_and_runs_their_callbacks_first(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  add_fault("{\"path\": \"/api/v1/healthz\", \"action\": \"delay\", \"delay_ms\": 5000}");
  const int jobs = 3;
  std::vector<tinker_future_t*> fs;
  for (int i = 0; i < jobs; ++i) fs.push_back(start_job(c, slow_job()));
  tinker_future_t* health = nullptr;
  assert_int_equal(tinker_service_client_health_check_async(c, &health), TINKER_OK);
  fs.push_back(track(health));
  Record recs[jobs + 1];
  for (size_t i = 0; i < fs.size(); ++i) {
    assert_int_equal(tinker_future_on_complete(fs[i], on_complete, &recs[i], on_destroy), TINKER_OK);
  }
  assert_true(eventually([] { return poll_count() >= jobs && request_log("/api/v1/healthz").size() == 1; }, 3000));

  double t0 = now_ms();
  free_client(c);
  double took = now_ms() - t0;
  print_message("free with %zu futures in flight took %.1f ms\n", fs.size(), took);
  assert_true(took < 1000);
  for (size_t i = 0; i < fs.size(); ++i) {
    assert_int_equal(recs[i].calls.load(), 1);
    assert_int_equal(recs[i].destroys.load(), 1);
    assert_int_equal(recs[i].status.load(), TINKER_E_CANCELLED);
    assert_int_equal(tinker_future_poll(fs[i]), TINKER_E_CANCELLED);
  }
  expect_no_more_polls(600);
  for (size_t i = 0; i < fs.size(); ++i) {
    assert_int_equal(recs[i].calls.load(), 1);
    assert_int_equal(recs[i].destroys.load(), 1);
  }
}

// Futures may outlive their client: they report CANCELLED, waits return at once, and a
// callback can no longer be registered (neither it nor its destroy notify runs).
static void futures_freed_after_the_client_stay_usable(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_future_t* pending = start_job(c, slow_job());
  tinker_future_t* finished = start_job(c, Job{});
  assert_status(wait_job(finished), TINKER_OK, tinker_future_error(finished));
  free_client(c);

  assert_int_equal(tinker_future_poll(pending), TINKER_E_CANCELLED);
  assert_int_equal(tinker_future_wait(pending, -1), TINKER_E_CANCELLED);
  assert_int_equal(tinker_future_cancel(pending), TINKER_OK);
  Record rec;
  assert_int_equal(tinker_future_on_complete(pending, on_complete, &rec, on_destroy), TINKER_E_FAILED_PRECONDITION);
  sleep_ms(100);
  assert_int_equal(rec.calls.load(), 0);
  assert_int_equal(rec.destroys.load(), 0);

  assert_int_equal(tinker_future_poll(finished), TINKER_OK);
  assert_string_equal(job_result_body(finished).c_str(), "{}");
  free_future(pending);
  free_future(finished);
}

// Freeing a pending future cancels it. tinker_future_free: "No callback starts after this
// returns": the callback either ran (seeing CANCELLED) before free returned, or never runs and
// its destroy notify ran in free; destroy runs exactly once either way. Polling stops.
static void freeing_a_pending_future_cancels_it_and_nothing_runs_afterwards(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_future_t* f = start_job(c, slow_job());
  Record rec;
  assert_int_equal(tinker_future_on_complete(f, on_complete, &rec, on_destroy), TINKER_OK);
  assert_true(eventually([] { return poll_count() >= 1; }, 3000));
  free_future(f);
  assert_int_equal(rec.destroys.load(), 1);
  int calls = rec.calls.load();
  assert_true(calls == 0 || calls == 1);
  if (calls == 1) assert_int_equal(rec.status.load(), TINKER_E_CANCELLED);
  expect_no_more_polls(700);
  assert_int_equal(rec.calls.load(), calls);
  assert_int_equal(rec.destroys.load(), 1);
}

namespace {

struct SelfFree {
  std::atomic<bool> returned{false};
  std::atomic<int> destroys{0};
};

void free_own_future(tinker_future_t* f, void* ud) {
  tinker_future_free(f);
  static_cast<SelfFree*>(ud)->returned = true;
}

void count_destroy(void* ud) { static_cast<SelfFree*>(ud)->destroys++; }

struct FreeClientInCallback {
  tinker_service_client_t* client = nullptr;
  std::atomic<bool> returned{false};
};

void free_client_in_callback(tinker_future_t* f, void* ud) {
  auto* s = static_cast<FreeClientInCallback*>(ud);
  tinker_service_client_free(s->client);
  tinker_future_free(f);
  s->returned = true;
}

}  // namespace

// A callback may free its own future ("it may call any tinker_* function").
static void a_callback_may_free_its_own_future(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_future_t* f = start_job(c, Job{});
  untrack(f);
  SelfFree s;
  assert_int_equal(tinker_future_on_complete(f, free_own_future, &s, count_destroy), TINKER_OK);
  assert_true(eventually([&] { return s.returned.load() && s.destroys.load() == 1; }, 5000));
}

// Freeing the client from inside a completion callback does not deadlock; another future of
// that client still ends (CANCELLED) and its callback still runs once.
static void freeing_the_client_inside_a_completion_callback_does_not_deadlock(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  untrack(c);
  tinker_future_t* other = start_job(c, slow_job());
  Record rec;
  assert_int_equal(tinker_future_on_complete(other, on_complete, &rec, on_destroy), TINKER_OK);
  tinker_future_t* f = nullptr;
  assert_int_equal(tinker_service_client_health_check_async(c, &f), TINKER_OK);
  FreeClientInCallback s;
  s.client = c;
  assert_int_equal(tinker_future_on_complete(f, free_client_in_callback, &s, nullptr), TINKER_OK);
  bool returned = eventually([&] { return s.returned.load(); }, 5000);
  if (!returned) print_error("tinker_service_client_free did not return inside the callback\n");
  assert_true(returned);
  assert_true(eventually([&] { return rec.calls.load() == 1 && rec.destroys.load() == 1; }, 3000));
  assert_int_equal(rec.status.load(), TINKER_E_CANCELLED);
  assert_int_equal(tinker_future_poll(other), TINKER_E_CANCELLED);
  expect_no_more_polls(500);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(default_deadline_ends_a_slow_job_and_stops_polling, setup, teardown),
      cmocka_unit_test_setup_teardown(default_deadline_longer_than_the_job_lets_it_finish, setup, teardown),
      cmocka_unit_test_setup_teardown(cancel_ends_a_pending_poll_at_once_and_stops_polling, setup, teardown),
      cmocka_unit_test_setup_teardown(cancel_from_another_thread_wakes_a_blocked_waiter, setup, teardown),
      cmocka_unit_test_setup_teardown(cancel_after_completion_keeps_the_result, setup, teardown),
      cmocka_unit_test_setup_teardown(interrupt_wakes_waiters_without_cancelling, setup, teardown),
      cmocka_unit_test_setup_teardown(submitted_is_observable_before_the_result, setup, teardown),
      cmocka_unit_test_setup_teardown(wait_timeout_leaves_the_future_running, setup, teardown),
      cmocka_unit_test_setup_teardown(cancel_during_submission_retries_stops_them, setup, teardown),
      cmocka_unit_test_setup_teardown(default_deadline_bounds_submission_retries, setup, teardown),
      cmocka_unit_test_setup_teardown(a_live_rest_client_keeps_the_runtime_running, setup, teardown),
      cmocka_unit_test_setup_teardown(freeing_the_client_cancels_pending_futures_and_runs_their_callbacks_first,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(futures_freed_after_the_client_stay_usable, setup, teardown),
      cmocka_unit_test_setup_teardown(freeing_a_pending_future_cancels_it_and_nothing_runs_afterwards, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(a_callback_may_free_its_own_future, setup, teardown),
      cmocka_unit_test_setup_teardown(freeing_the_client_inside_a_completion_callback_does_not_deadlock, setup,
                                      teardown),
  };
  return cmocka_run_group_tests_name("integration_lifecycle", tests, nullptr, nullptr);
}
