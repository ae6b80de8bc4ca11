// The future state machine (docs/design.md "Futures", tinker.h "Futures" and "Completion
// queues"), driven through the C API on futures made directly from a FutureState and a
// CompletionExecutor: no runtime, no network. Producer-side transitions (complete, fail,
// mark_submitted, cancel hooks) come from the C++ object, as the call engine would do them.
#include <poll.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "capi/handles.h"
#include "client/api_results.h"
#include "core/completion_executor.h"
#include "core/future_state.h"
#include "unit_test.h"

using namespace tinker;
using std::chrono::milliseconds;

namespace {

constexpr auto kLongWait = std::chrono::seconds(10);  // "never" for a test that must not hang

std::shared_ptr<CompletionExecutor> new_executor() { return std::make_shared<CompletionExecutor>(); }

tinker_future_t* new_future(const std::shared_ptr<CompletionExecutor>& ex, ResultKind kind = &result_types::None) {
  return new tinker_future{std::make_shared<FutureState>(ex, kind)};
}

bool complete_ok(tinker_future_t* f) { return f->state->complete(std::make_unique<NoneResult>()); }

bool fail_with(tinker_future_t* f, tinker_status_t code, const char* message) {
  Error e = make_error(code, message);
  e.http_status = 404;
  e.category = TINKER_ERROR_CATEGORY_USER;
  e.request_id = "req-42";
  return (f->state->fail)(e);  // parenthesised: CMocka defines a fail() macro
}

// Runs an empty task on the executor and waits for it: everything posted before has run.
bool drain(CompletionExecutor& ex) {
  auto done = std::make_shared<std::promise<void>>();
  auto fut = done->get_future();
  if (!ex.post([done] { done->set_value(); })) return false;
  return fut.wait_for(kLongWait) == std::future_status::ready;
}

std::thread::id executor_thread_id(CompletionExecutor& ex) {
  auto id = std::make_shared<std::promise<std::thread::id>>();
  auto fut = id->get_future();
  ex.post([id] { id->set_value(std::this_thread::get_id()); });
  return fut.get();
}

// Blocks the completion thread until opened, so that the test controls when queued callbacks
// may run.
class Gate {
 public:
  void block(CompletionExecutor& ex) {
    ex.post([this] {
      std::unique_lock<std::mutex> lk(mu_);
      entered_ = true;
      cv_.notify_all();
      cv_.wait_for(lk, kLongWait, [&] { return open_; });
    });
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait_for(lk, kLongWait, [&] { return entered_; });
  }
  void open() {
    std::lock_guard<std::mutex> lk(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false;
  bool open_ = false;
};

// What happened to one callback registration.
struct CallbackLog {
  std::mutex mu;
  int calls = 0;
  int destroys = 0;
  bool destroy_before_callback = false;
  std::thread::id cb_thread;
  tinker_future_t* cb_future = nullptr;
  tinker_status_t status_in_cb = TINKER_PENDING;
  // Behaviour of the callback.
  bool wait_in_callback = false;
  bool free_in_callback = false;
  tinker_status_t wait_status_in_cb = TINKER_PENDING;

  int calls_now() {
    std::lock_guard<std::mutex> lk(mu);
    return calls;
  }
  int destroys_now() {
    std::lock_guard<std::mutex> lk(mu);
    return destroys;
  }
};

void log_callback(tinker_future_t* f, void* ud) {
  auto* l = static_cast<CallbackLog*>(ud);
  tinker_status_t st = tinker_future_poll(f);
  // Calling back into the library must not deadlock: the callback runs under no library lock.
  tinker_status_t ws = l->wait_in_callback ? tinker_future_wait(f, -1) : TINKER_OK;
  {
    std::lock_guard<std::mutex> lk(l->mu);
    ++l->calls;
    l->cb_thread = std::this_thread::get_id();
    l->cb_future = f;
    l->status_in_cb = st;
    l->wait_status_in_cb = ws;
  }
  if (l->free_in_callback) tinker_future_free(f);
}

void log_destroy(void* ud) {
  auto* l = static_cast<CallbackLog*>(ud);
  std::lock_guard<std::mutex> lk(l->mu);
  if (l->calls == 0) l->destroy_before_callback = true;
  ++l->destroys;
}

bool readable(int fd) {
  struct pollfd p = {fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

// ---- poll / complete ------------------------------------------------------------------------

void poll_is_pending_until_completed_then_ok(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  assert_status(tinker_future_poll(f), TINKER_PENDING);
  assert_status(tinker_future_poll(f), TINKER_PENDING);  // polling changes nothing
  assert_true(complete_ok(f));
  assert_status(tinker_future_poll(f), TINKER_OK);
  assert_null(tinker_future_error(f));
  tinker_future_free(f);
}

void poll_reports_failure_status_and_error_record(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  assert_true(fail_with(f, TINKER_E_NOT_FOUND, "model xyz not found"));
  assert_status(tinker_future_poll(f), TINKER_E_NOT_FOUND);
  const tinker_error_t* e = tinker_future_error(f);
  assert_non_null(e);
  assert_status(tinker_error_code(e), TINKER_E_NOT_FOUND);
  assert_string_equal(tinker_error_message(e), "model xyz not found");
  assert_int_equal(tinker_error_http_status(e), 404);
  assert_int_equal(tinker_error_category(e), TINKER_ERROR_CATEGORY_USER);
  assert_string_equal(tinker_error_request_id(e), "req-42");
  // poll fills the thread's error record as wait does (tinker.h conventions).
  assert_status(tinker_error_code(tinker_last_error()), TINKER_E_NOT_FOUND);
  assert_string_equal(tinker_error_message(tinker_last_error()), "model xyz not found");
  assert_status(tinker_future_wait(f, 0), TINKER_E_NOT_FOUND);
  assert_string_equal(tinker_error_message(tinker_last_error()), "model xyz not found");
  tinker_future_free(f);
}

void failure_without_code_never_reads_as_success(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  assert_true((f->state->fail)(make_error(TINKER_OK, "confused producer")));
  assert_true(tinker_future_poll(f) != TINKER_OK);
  assert_true(tinker_future_poll(f) != TINKER_PENDING);
  assert_non_null(tinker_future_error(f));
  tinker_future_free(f);
}

void future_completes_only_once(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  assert_true(complete_ok(f));
  assert_false(complete_ok(f));
  assert_false(fail_with(f, TINKER_E_INTERNAL, "late"));
  assert_status(tinker_future_poll(f), TINKER_OK);
  assert_null(tinker_future_error(f));

  tinker_future_t* g = new_future(ex);
  assert_true(fail_with(g, TINKER_E_UNAVAILABLE, "first"));
  assert_false(complete_ok(g));
  assert_false(fail_with(g, TINKER_E_INTERNAL, "second"));
  assert_status(tinker_future_poll(g), TINKER_E_UNAVAILABLE);
  assert_string_equal(tinker_error_message(tinker_future_error(g)), "first");
  tinker_future_free(f);
  tinker_future_free(g);
}

void concurrent_completions_finish_exactly_once(void**) {
  auto ex = new_executor();
  for (int round = 0; round < 50; ++round) {
    tinker_future_t* f = new_future(ex);
    std::atomic<int> winners{0};
    std::vector<std::thread> ts;
    for (int i = 0; i < 4; ++i)
      ts.emplace_back([&, i] {
        bool won = (i % 2) ? complete_ok(f) : fail_with(f, TINKER_E_UNAVAILABLE, "x");
        if (won) ++winners;
      });
    for (auto& t : ts) t.join();
    assert_int_equal(winners.load(), 1);
    assert_true(tinker_future_poll(f) != TINKER_PENDING);
    tinker_future_free(f);
  }
}

// ---- submitted ------------------------------------------------------------------------------

void is_submitted_turns_on_with_mark_submitted(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  assert_int_equal(tinker_future_is_submitted(f), 0);
  f->state->mark_submitted();
  assert_int_equal(tinker_future_is_submitted(f), 1);
  assert_status(tinker_future_poll(f), TINKER_PENDING);  // submitted is not finished
  assert_status(tinker_future_wait_submitted(f, 0), TINKER_OK);
  tinker_future_free(f);

  tinker_future_t* g = new_future(ex);  // finished counts as submitted
  complete_ok(g);
  assert_int_equal(tinker_future_is_submitted(g), 1);
  assert_status(tinker_future_wait_submitted(g, 0), TINKER_OK);
  tinker_future_free(g);
}

void wait_submitted_returns_once_another_thread_submits(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  std::thread producer([&] {
    std::this_thread::sleep_for(milliseconds(50));
    f->state->mark_submitted();
  });
  tinker_status_t s = tinker_future_wait_submitted(f, 10000);
  producer.join();
  assert_status(s, TINKER_OK);
  assert_status(tinker_future_poll(f), TINKER_PENDING);
  tinker_future_free(f);
}

void wait_submitted_times_out_while_not_submitted(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  assert_status(tinker_future_wait_submitted(f, 30), TINKER_E_TIMEOUT);
  assert_status(tinker_future_wait_submitted(f, 0), TINKER_E_TIMEOUT);
  assert_int_equal(tinker_future_is_submitted(f), 0);
  tinker_future_free(f);
}

void wait_submitted_returns_the_error_of_a_future_that_failed_unsubmitted(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  std::thread producer([&] {
    std::this_thread::sleep_for(milliseconds(30));
    fail_with(f, TINKER_E_UNAUTHENTICATED, "bad key");
  });
  tinker_status_t s = tinker_future_wait_submitted(f, 10000);
  producer.join();
  assert_status(s, TINKER_E_UNAUTHENTICATED);
  assert_status(tinker_error_code(tinker_last_error()), TINKER_E_UNAUTHENTICATED);
  tinker_future_free(f);
}

void wait_submitted_is_woken_by_interrupt(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  std::atomic<bool> returned{false};
  tinker_status_t s = TINKER_OK;
  std::thread waiter([&] {
    s = tinker_future_wait_submitted(f, 10000);
    returned = true;
  });
  auto until = std::chrono::steady_clock::now() + kLongWait;
  while (!returned && std::chrono::steady_clock::now() < until) {
    tinker_future_interrupt(f);
    std::this_thread::sleep_for(milliseconds(5));
  }
  waiter.join();
  assert_status(s, TINKER_E_INTERRUPTED);
  tinker_future_free(f);
}

// ---- wait -----------------------------------------------------------------------------------

void wait_timeout_returns_timeout_and_future_keeps_running(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  auto t0 = std::chrono::steady_clock::now();
  assert_status(tinker_future_wait(f, 50), TINKER_E_TIMEOUT);
  assert_true(std::chrono::steady_clock::now() - t0 >= milliseconds(45));
  assert_status(tinker_future_wait(f, 0), TINKER_E_TIMEOUT);
  assert_status(tinker_future_poll(f), TINKER_PENDING);
  assert_null(tinker_future_error(f));
  // Still alive: it finishes normally afterwards.
  assert_true(complete_ok(f));
  assert_status(tinker_future_wait(f, 0), TINKER_OK);
  tinker_future_free(f);
}

void wait_returns_final_status_of_a_finished_future(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  complete_ok(f);
  assert_status(tinker_future_wait(f, -1), TINKER_OK);
  assert_status(tinker_error_code(tinker_last_error()), TINKER_OK);

  tinker_future_t* g = new_future(ex);
  fail_with(g, TINKER_E_PERMISSION_DENIED, "no access to model");
  assert_status(tinker_future_wait(g, -1), TINKER_E_PERMISSION_DENIED);
  // The blocking path copies the future's error into the thread's last error.
  assert_status(tinker_error_code(tinker_last_error()), TINKER_E_PERMISSION_DENIED);
  assert_string_equal(tinker_error_message(tinker_last_error()), "no access to model");
  tinker_future_free(f);
  tinker_future_free(g);
}

void wait_forever_returns_when_another_thread_completes(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  std::thread producer([&] {
    std::this_thread::sleep_for(milliseconds(50));
    complete_ok(f);
  });
  tinker_status_t s = tinker_future_wait(f, -1);
  producer.join();  // before asserting: a failed assertion longjmps past the thread's owner
  assert_status(s, TINKER_OK);
  tinker_future_free(f);
}

void several_waiters_are_all_woken_by_completion(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  constexpr int kWaiters = 6;
  std::vector<tinker_status_t> got(kWaiters, TINKER_PENDING);
  std::vector<std::thread> ts;
  for (int i = 0; i < kWaiters; ++i)
    ts.emplace_back([&, i] { got[i] = tinker_future_wait(f, i % 2 ? -1 : 10000); });
  std::this_thread::sleep_for(milliseconds(50));
  fail_with(f, TINKER_E_ABORTED, "expired");
  for (auto& t : ts) t.join();
  for (int i = 0; i < kWaiters; ++i) assert_status(got[i], TINKER_E_ABORTED);
  tinker_future_free(f);
}

void interrupt_wakes_every_waiter_and_does_not_cancel(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  std::atomic<int> hook_runs{0};
  f->state->set_cancel_hook([&] { ++hook_runs; });
  constexpr int kWaiters = 4;
  std::vector<tinker_status_t> got(kWaiters, TINKER_PENDING);
  std::atomic<int> returned{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < kWaiters; ++i)
    ts.emplace_back([&, i] {
      got[i] = tinker_future_wait(f, 10000);
      ++returned;
    });
  // interrupt() wakes the threads waiting at that moment; repeat until all have returned, so a
  // thread that was slow to start waiting is woken too.
  auto until = std::chrono::steady_clock::now() + kLongWait;
  while (returned < kWaiters && std::chrono::steady_clock::now() < until) {
    assert_status(tinker_future_interrupt(f), TINKER_OK);
    std::this_thread::sleep_for(milliseconds(5));
  }
  for (auto& t : ts) t.join();
  for (int i = 0; i < kWaiters; ++i) assert_status(got[i], TINKER_E_INTERRUPTED);
  // Not cancelled: still pending, no cancel hook, and it can still finish.
  assert_status(tinker_future_poll(f), TINKER_PENDING);
  assert_int_equal(hook_runs.load(), 0);
  assert_true(complete_ok(f));
  assert_status(tinker_future_wait(f, 0), TINKER_OK);
  tinker_future_free(f);
}

void interrupt_does_not_affect_a_later_wait(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  assert_status(tinker_future_interrupt(f), TINKER_OK);  // nobody waiting
  assert_status(tinker_future_wait(f, 30), TINKER_E_TIMEOUT);
  tinker_future_free(f);
}

// ---- cancel ---------------------------------------------------------------------------------

void cancel_ends_a_pending_future_cancelled_and_is_idempotent(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  std::atomic<int> hook_runs{0};
  f->state->set_cancel_hook([&] { ++hook_runs; });
  assert_status(tinker_future_cancel(f), TINKER_OK);
  assert_status(tinker_future_poll(f), TINKER_E_CANCELLED);
  assert_status(tinker_error_code(tinker_future_error(f)), TINKER_E_CANCELLED);
  assert_status(tinker_future_cancel(f), TINKER_OK);
  assert_status(tinker_future_cancel(f), TINKER_OK);
  assert_status(tinker_future_poll(f), TINKER_E_CANCELLED);
  assert_int_equal(hook_runs.load(), 1);
  // A producer finishing afterwards changes nothing.
  assert_false(complete_ok(f));
  assert_status(tinker_future_wait(f, 0), TINKER_E_CANCELLED);
  tinker_future_free(f);
}

void concurrent_cancels_run_the_hook_once(void**) {
  auto ex = new_executor();
  for (int round = 0; round < 50; ++round) {
    tinker_future_t* f = new_future(ex);
    std::atomic<int> hook_runs{0};
    f->state->set_cancel_hook([&] { ++hook_runs; });
    std::vector<std::thread> ts;
    std::atomic<int> not_ok{0};
    for (int i = 0; i < 4; ++i)
      ts.emplace_back([&] {
        if (tinker_future_cancel(f) != TINKER_OK) ++not_ok;
      });
    for (auto& t : ts) t.join();
    assert_int_equal(not_ok.load(), 0);
    assert_int_equal(hook_runs.load(), 1);
    assert_status(tinker_future_poll(f), TINKER_E_CANCELLED);
    tinker_future_free(f);
  }
}

void cancel_wakes_a_waiter_with_cancelled(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  tinker_status_t got = TINKER_PENDING;
  std::thread waiter([&] { got = tinker_future_wait(f, -1); });
  std::this_thread::sleep_for(milliseconds(30));
  tinker_future_cancel(f);
  waiter.join();
  assert_status(got, TINKER_E_CANCELLED);
  tinker_future_free(f);
}

void cancel_after_completion_does_nothing(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  std::atomic<int> hook_runs{0};
  f->state->set_cancel_hook([&] { ++hook_runs; });
  complete_ok(f);
  assert_status(tinker_future_cancel(f), TINKER_OK);
  assert_status(tinker_future_poll(f), TINKER_OK);
  assert_null(tinker_future_error(f));
  assert_int_equal(hook_runs.load(), 0);

  tinker_future_t* g = new_future(ex);
  fail_with(g, TINKER_E_NOT_FOUND, "gone");
  assert_status(tinker_future_cancel(g), TINKER_OK);
  assert_status(tinker_future_poll(g), TINKER_E_NOT_FOUND);
  tinker_future_free(f);
  tinker_future_free(g);
}

void cancel_hook_set_after_cancel_runs_at_once(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  tinker_future_cancel(f);
  int runs = 0;
  f->state->set_cancel_hook([&] { ++runs; });
  assert_int_equal(runs, 1);
  // ...but not on a future that finished otherwise.
  tinker_future_t* g = new_future(ex);
  complete_ok(g);
  int g_runs = 0;
  g->state->set_cancel_hook([&] { ++g_runs; });
  assert_int_equal(g_runs, 0);
  tinker_future_free(f);
  tinker_future_free(g);
}

// ---- on_complete ----------------------------------------------------------------------------

void callback_runs_once_on_the_completion_thread(void**) {
  auto ex = new_executor();
  const std::thread::id completion_thread = executor_thread_id(*ex);
  tinker_future_t* f = new_future(ex);
  CallbackLog log;
  assert_status(tinker_future_on_complete(f, log_callback, &log, log_destroy), TINKER_OK);
  std::thread::id producer_thread;
  std::thread producer([&] {
    producer_thread = std::this_thread::get_id();
    complete_ok(f);
  });
  producer.join();
  assert_true(drain(*ex));
  assert_int_equal(log.calls_now(), 1);
  assert_int_equal(log.destroys_now(), 1);
  assert_false(log.destroy_before_callback);
  assert_true(log.cb_thread == completion_thread);
  assert_true(log.cb_thread != std::this_thread::get_id());
  assert_true(log.cb_thread != producer_thread);
  assert_ptr_equal(log.cb_future, f);
  assert_status(log.status_in_cb, TINKER_OK);
  // Nothing more happens later, e.g. when the future is freed.
  tinker_future_free(f);
  assert_true(drain(*ex));
  assert_int_equal(log.calls_now(), 1);
  assert_int_equal(log.destroys_now(), 1);
}

void callback_sees_the_failure(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  CallbackLog log;
  assert_status(tinker_future_on_complete(f, log_callback, &log, log_destroy), TINKER_OK);
  fail_with(f, TINKER_E_REQUEST_FAILED, "server said no");
  assert_true(drain(*ex));
  assert_int_equal(log.calls_now(), 1);
  assert_status(log.status_in_cb, TINKER_E_REQUEST_FAILED);
  tinker_future_free(f);
}

void callback_registered_on_a_finished_future_is_not_run_inline(void**) {
  auto ex = new_executor();
  const std::thread::id completion_thread = executor_thread_id(*ex);
  tinker_future_t* f = new_future(ex);
  complete_ok(f);
  Gate gate;
  gate.block(*ex);  // the completion thread is busy: a queued callback cannot run yet
  CallbackLog log;
  assert_status(tinker_future_on_complete(f, log_callback, &log, log_destroy), TINKER_OK);
  // If the callback had run inline it would have done so on this thread, before returning.
  assert_int_equal(log.calls_now(), 0);
  assert_int_equal(log.destroys_now(), 0);
  gate.open();
  assert_true(drain(*ex));
  assert_int_equal(log.calls_now(), 1);
  assert_int_equal(log.destroys_now(), 1);
  assert_false(log.destroy_before_callback);
  assert_true(log.cb_thread == completion_thread);
  tinker_future_free(f);
}

void callback_without_destroy_notify_runs(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  CallbackLog log;
  assert_status(tinker_future_on_complete(f, log_callback, &log, nullptr), TINKER_OK);
  complete_ok(f);
  assert_true(drain(*ex));
  assert_int_equal(log.calls_now(), 1);
  assert_int_equal(log.destroys_now(), 0);
  tinker_future_free(f);
}

void callback_may_wait_on_and_free_its_own_future(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  std::weak_ptr<FutureState> weak = f->state;
  CallbackLog log;
  log.wait_in_callback = true;  // would deadlock if the callback ran under the future's lock
  log.free_in_callback = true;
  assert_status(tinker_future_on_complete(f, log_callback, &log, log_destroy), TINKER_OK);
  complete_ok(f);
  f = nullptr;  // owned by the callback now
  assert_true(drain(*ex));
  assert_int_equal(log.calls_now(), 1);
  assert_status(log.wait_status_in_cb, TINKER_OK);
  assert_int_equal(log.destroys_now(), 1);
  assert_false(log.destroy_before_callback);
  // Once the callback is done, the state is released too.
  assert_true(drain(*ex));
  assert_true(weak.expired());
}

// free() from another thread while the callback runs waits for it to finish.
struct SlowCallback {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  bool proceed = false;
  int destroys = 0;
  bool callback_finished = false;
  bool callback_finished_when_destroyed = false;
};

void slow_callback(tinker_future_t*, void* ud) {
  auto* s = static_cast<SlowCallback*>(ud);
  std::unique_lock<std::mutex> lk(s->mu);
  s->entered = true;
  s->cv.notify_all();
  s->cv.wait_for(lk, kLongWait, [&] { return s->proceed; });
  s->callback_finished = true;
}

void slow_destroy(void* ud) {
  auto* s = static_cast<SlowCallback*>(ud);
  std::lock_guard<std::mutex> lk(s->mu);
  s->callback_finished_when_destroyed = s->callback_finished;
  ++s->destroys;
}

void free_waits_for_a_running_callback(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  SlowCallback s;
  assert_status(tinker_future_on_complete(f, slow_callback, &s, slow_destroy), TINKER_OK);
  complete_ok(f);
  {
    std::unique_lock<std::mutex> lk(s.mu);
    assert_true(s.cv.wait_for(lk, kLongWait, [&] { return s.entered; }));
  }
  std::atomic<bool> freed{false};
  std::thread freer([&] {
    tinker_future_free(f);
    freed = true;
  });
  std::this_thread::sleep_for(milliseconds(50));
  const bool freed_early = freed.load();  // asserted after the join (an assertion longjmps)
  {
    std::lock_guard<std::mutex> lk(s.mu);
    s.proceed = true;
  }
  s.cv.notify_all();
  freer.join();
  assert_false(freed_early);  // free waited: the callback was still running
  assert_true(freed.load());
  assert_true(drain(*ex));
  std::lock_guard<std::mutex> lk(s.mu);
  assert_int_equal(s.destroys, 1);
  assert_true(s.callback_finished_when_destroyed);
}

void on_complete_twice_fails_and_runs_neither_second(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  CallbackLog first, second;
  assert_status(tinker_future_on_complete(f, log_callback, &first, log_destroy), TINKER_OK);
  assert_status(tinker_future_on_complete(f, log_callback, &second, log_destroy), TINKER_E_FAILED_PRECONDITION);
  assert_status(tinker_error_code(tinker_last_error()), TINKER_E_FAILED_PRECONDITION);
  complete_ok(f);
  assert_true(drain(*ex));
  tinker_future_free(f);
  assert_true(drain(*ex));
  assert_int_equal(first.calls_now(), 1);
  assert_int_equal(first.destroys_now(), 1);
  assert_int_equal(second.calls_now(), 0);
  assert_int_equal(second.destroys_now(), 0);
}

void on_complete_with_null_callback_is_invalid_and_runs_no_destroy(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  CallbackLog log;
  assert_status(tinker_future_on_complete(f, nullptr, &log, log_destroy), TINKER_E_INVALID_ARGUMENT);
  complete_ok(f);
  assert_true(drain(*ex));
  assert_int_equal(log.destroys_now(), 0);
  // The failed registration did not use up the future's one registration.
  assert_status(tinker_future_on_complete(f, log_callback, &log, log_destroy), TINKER_OK);
  assert_true(drain(*ex));
  assert_int_equal(log.calls_now(), 1);
  tinker_future_free(f);
}

void on_complete_after_executor_shutdown_fails_and_runs_neither(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  complete_ok(f);
  ex->shutdown();
  CallbackLog log;
  assert_status(tinker_future_on_complete(f, log_callback, &log, log_destroy), TINKER_E_FAILED_PRECONDITION);
  assert_status(tinker_error_code(tinker_last_error()), TINKER_E_FAILED_PRECONDITION);
  tinker_future_free(f);
  assert_int_equal(log.calls_now(), 0);
  assert_int_equal(log.destroys_now(), 0);
}

void on_complete_on_pending_future_after_executor_shutdown_fails_and_runs_neither(void**) {
  // tinker.h: "runtime shut down: TINKER_E_FAILED_PRECONDITION ... neither runs". A
  // registration that succeeded would promise a callback that can never run.
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  ex->shutdown();
  CallbackLog log;
  tinker_status_t s = tinker_future_on_complete(f, log_callback, &log, log_destroy);
  complete_ok(f);
  tinker_future_free(f);
  assert_status(s, TINKER_E_FAILED_PRECONDITION);
  assert_int_equal(log.calls_now(), 0);
  assert_int_equal(log.destroys_now(), 0);
}

// ---- free -----------------------------------------------------------------------------------

void free_pending_future_cancels_it(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  std::shared_ptr<FutureState> state = f->state;  // to observe it after the handle is gone
  std::atomic<int> hook_runs{0};
  state->set_cancel_hook([&] { ++hook_runs; });
  tinker_future_free(f);
  assert_status(state->poll(), TINKER_E_CANCELLED);
  assert_int_equal(hook_runs.load(), 1);
}

void free_with_pending_callback_runs_destroy_never_the_callback(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  CallbackLog log;
  assert_status(tinker_future_on_complete(f, log_callback, &log, log_destroy), TINKER_OK);
  tinker_future_free(f);
  // The destroy notify ran in free's caller, before free returned.
  assert_int_equal(log.destroys_now(), 1);
  assert_true(drain(*ex));
  assert_int_equal(log.calls_now(), 0);
  assert_int_equal(log.destroys_now(), 1);
}

// The same, many times over with an idle completion thread: free's own cancel must not queue
// the callback before free detaches it (the completion thread could then start it while free
// runs; seen about once in ten runs of the test above under ThreadSanitizer).
void free_of_a_pending_future_never_starts_its_callback_repeatedly(void**) {
  auto ex = new_executor();
  int calls = 0, destroys = 0;
  for (int round = 0; round < 300; ++round) {
    tinker_future_t* f = new_future(ex);
    CallbackLog log;
    assert_status(tinker_future_on_complete(f, log_callback, &log, log_destroy), TINKER_OK);
    tinker_future_free(f);
    assert_true(drain(*ex));
    calls += log.calls_now();
    destroys += log.destroys_now();
  }
  assert_int_equal(calls, 0);
  assert_int_equal(destroys, 300);
}

void free_before_a_queued_callback_starts_means_it_never_starts(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  CallbackLog log;
  assert_status(tinker_future_on_complete(f, log_callback, &log, log_destroy), TINKER_OK);
  Gate gate;
  gate.block(*ex);
  complete_ok(f);  // the callback is queued behind the gate
  tinker_future_free(f);
  assert_int_equal(log.destroys_now(), 1);
  gate.open();
  assert_true(drain(*ex));
  assert_int_equal(log.calls_now(), 0);
  assert_int_equal(log.destroys_now(), 1);
}

void free_finished_future_in_any_state(void**) {
  auto ex = new_executor();
  tinker_future_t* ok = new_future(ex);
  complete_ok(ok);
  tinker_future_free(ok);
  tinker_future_t* failed = new_future(ex);
  fail_with(failed, TINKER_E_INTERNAL, "x");
  tinker_future_free(failed);
  tinker_future_t* submitted = new_future(ex);
  submitted->state->mark_submitted();
  std::shared_ptr<FutureState> state = submitted->state;
  tinker_future_free(submitted);
  assert_status(state->poll(), TINKER_E_CANCELLED);
  // Free after the callback has run does not repeat the destroy notify.
  tinker_future_t* cb = new_future(ex);
  CallbackLog log;
  tinker_future_on_complete(cb, log_callback, &log, log_destroy);
  complete_ok(cb);
  assert_true(drain(*ex));
  tinker_future_free(cb);
  assert_int_equal(log.calls_now(), 1);
  assert_int_equal(log.destroys_now(), 1);
  tinker_future_free(nullptr);
}

// ---- take -----------------------------------------------------------------------------------

std::unique_ptr<tinker_server_capabilities> caps_with(const char* model) {
  auto caps = std::make_unique<tinker_server_capabilities>();
  tinker::wire::api::SupportedModel m;
  m.name = model;
  m.max_context_length = 4096;
  caps->m.models.push_back(m);
  return caps;
}

void take_of_the_wrong_kind_is_invalid_argument(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex, &result_types::None);
  complete_ok(f);
  tinker_server_capabilities_t* caps = nullptr;
  assert_status(tinker_future_take_server_capabilities(f, &caps), TINKER_E_INVALID_ARGUMENT);
  assert_null(caps);
  assert_status(tinker_error_code(tinker_last_error()), TINKER_E_INVALID_ARGUMENT);
  assert_false(std::string(tinker_error_message(tinker_last_error())).empty());
  // Wrong kind is wrong in every state.
  tinker_future_t* pending = new_future(ex, &result_types::None);
  assert_status(tinker_future_take_server_capabilities(pending, &caps), TINKER_E_INVALID_ARGUMENT);
  tinker_future_free(f);
  tinker_future_free(pending);
}

void take_moves_the_result_out_once(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex, &result_types::ServerCapabilities);
  assert_true(f->state->complete(caps_with("Qwen/Qwen3-8B")));
  tinker_server_capabilities_t* caps = nullptr;
  assert_status(tinker_future_take_server_capabilities(f, &caps), TINKER_OK);
  assert_non_null(caps);
  assert_int_equal(tinker_server_capabilities_model_count(caps), 1);
  assert_string_equal(tinker_server_capabilities_model_name(caps, 0), "Qwen/Qwen3-8B");
  tinker_server_capabilities_t* again = nullptr;
  assert_status(tinker_future_take_server_capabilities(f, &again), TINKER_E_INVALID_ARGUMENT);
  assert_null(again);
  assert_contains(tinker_error_message(tinker_last_error()), "taken");
  tinker_future_free(f);
  // The result outlives its future.
  assert_string_equal(tinker_server_capabilities_model_name(caps, 0), "Qwen/Qwen3-8B");
  tinker_server_capabilities_free(caps);
}

void take_on_a_pending_future_returns_pending(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex, &result_types::ServerCapabilities);
  tinker_server_capabilities_t* caps = nullptr;
  assert_status(tinker_future_take_server_capabilities(f, &caps), TINKER_PENDING);
  assert_null(caps);
  // Taking too early does not spoil the result.
  f->state->complete(caps_with("m"));
  assert_status(tinker_future_take_server_capabilities(f, &caps), TINKER_OK);
  tinker_server_capabilities_free(caps);
  tinker_future_free(f);
}

void take_on_a_failed_future_returns_the_failure(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex, &result_types::ServerCapabilities);
  fail_with(f, TINKER_E_UNAVAILABLE, "server down");
  tinker_server_capabilities_t* caps = nullptr;
  assert_status(tinker_future_take_server_capabilities(f, &caps), TINKER_E_UNAVAILABLE);
  assert_null(caps);
  assert_status(tinker_error_code(tinker_last_error()), TINKER_E_UNAVAILABLE);
  assert_string_equal(tinker_error_message(tinker_last_error()), "server down");
  tinker_future_free(f);
}

void future_error_is_null_while_pending_and_on_success(void**) {
  auto ex = new_executor();
  tinker_future_t* f = new_future(ex);
  assert_null(tinker_future_error(f));
  f->state->mark_submitted();
  assert_null(tinker_future_error(f));
  complete_ok(f);
  assert_null(tinker_future_error(f));
  tinker_future_free(f);
}

// ---- wait_all / wait_any --------------------------------------------------------------------

struct Futures {
  std::shared_ptr<CompletionExecutor> ex = new_executor();
  std::vector<tinker_future_t*> fs;
  explicit Futures(size_t n) {
    for (size_t i = 0; i < n; ++i) fs.push_back(new_future(ex));
  }
  ~Futures() {
    for (auto* f : fs) tinker_future_free(f);
  }
};

void wait_all_returns_ok_when_all_finished(void**) {
  Futures s(3);
  complete_ok(s.fs[0]);
  fail_with(s.fs[1], TINKER_E_NOT_FOUND, "x");  // finished counts, whatever the outcome
  s.fs[2]->state->cancel();
  assert_status(tinker_future_wait_all(s.fs.data(), 3, 0), TINKER_OK);
  assert_status(tinker_future_wait_all(s.fs.data(), 3, -1), TINKER_OK);
}

void wait_all_times_out_while_one_is_pending(void**) {
  Futures s(3);
  complete_ok(s.fs[0]);
  complete_ok(s.fs[2]);
  auto t0 = std::chrono::steady_clock::now();
  assert_status(tinker_future_wait_all(s.fs.data(), 3, 40), TINKER_E_TIMEOUT);
  assert_true(std::chrono::steady_clock::now() - t0 >= milliseconds(35));
  assert_status(tinker_future_wait_all(s.fs.data(), 3, 0), TINKER_E_TIMEOUT);
  assert_status(tinker_future_poll(s.fs[1]), TINKER_PENDING);  // still running
}

void wait_all_returns_when_the_last_one_finishes(void**) {
  Futures s(4);
  std::thread producer([&] {
    for (auto* f : s.fs) {
      std::this_thread::sleep_for(milliseconds(15));
      complete_ok(f);
    }
  });
  tinker_status_t st = tinker_future_wait_all(s.fs.data(), 4, 10000);
  bool all_done = true;
  for (auto* f : s.fs) all_done = all_done && tinker_future_poll(f) == TINKER_OK;
  producer.join();
  assert_status(st, TINKER_OK);
  assert_true(all_done);
}

void wait_all_is_interrupted_by_any_of_its_futures(void**) {
  Futures s(3);
  complete_ok(s.fs[0]);
  std::atomic<bool> returned{false};
  tinker_status_t st = TINKER_OK;
  std::thread waiter([&] {
    st = tinker_future_wait_all(s.fs.data(), 3, 10000);
    returned = true;
  });
  auto until = std::chrono::steady_clock::now() + kLongWait;
  while (!returned && std::chrono::steady_clock::now() < until) {
    tinker_future_interrupt(s.fs[2]);
    std::this_thread::sleep_for(milliseconds(5));
  }
  waiter.join();
  assert_status(st, TINKER_E_INTERRUPTED);
  assert_status(tinker_future_poll(s.fs[2]), TINKER_PENDING);
}

void wait_all_rejects_null_array_and_elements(void**) {
  Futures s(2);
  assert_status(tinker_future_wait_all(nullptr, 2, 0), TINKER_E_INVALID_ARGUMENT);
  assert_contains(tinker_error_message(tinker_last_error()), "futures");
  tinker_future_t* with_null[] = {s.fs[0], nullptr, s.fs[1]};
  assert_status(tinker_future_wait_all(with_null, 3, 0), TINKER_E_INVALID_ARGUMENT);
  assert_contains(tinker_error_message(tinker_last_error()), "futures[1]");
  // An empty set is trivially all finished.
  assert_status(tinker_future_wait_all(s.fs.data(), 0, 0), TINKER_OK);
}

void wait_any_index_is_the_lowest_finished(void**) {
  Futures s(4);
  complete_ok(s.fs[3]);
  fail_with(s.fs[1], TINKER_E_ABORTED, "x");
  size_t index = 99;
  assert_status(tinker_future_wait_any(&index, s.fs.data(), 4, 0), TINKER_OK);
  assert_int_equal(index, 1);
  complete_ok(s.fs[0]);
  assert_status(tinker_future_wait_any(&index, s.fs.data(), 4, -1), TINKER_OK);
  assert_int_equal(index, 0);
}

void wait_any_times_out_when_none_finished(void**) {
  Futures s(3);
  size_t index = 99;
  auto t0 = std::chrono::steady_clock::now();
  assert_status(tinker_future_wait_any(&index, s.fs.data(), 3, 40), TINKER_E_TIMEOUT);
  assert_true(std::chrono::steady_clock::now() - t0 >= milliseconds(35));
  assert_status(tinker_future_wait_any(&index, s.fs.data(), 3, 0), TINKER_E_TIMEOUT);
}

void wait_any_returns_when_one_finishes_later(void**) {
  Futures s(3);
  std::thread producer([&] {
    std::this_thread::sleep_for(milliseconds(50));
    complete_ok(s.fs[2]);
  });
  size_t index = 99;
  tinker_status_t st = tinker_future_wait_any(&index, s.fs.data(), 3, 10000);
  producer.join();
  assert_status(st, TINKER_OK);
  assert_int_equal(index, 2);
  assert_status(tinker_future_poll(s.fs[0]), TINKER_PENDING);
}

void wait_any_is_interrupted(void**) {
  Futures s(2);
  std::atomic<bool> returned{false};
  tinker_status_t st = TINKER_OK;
  size_t index = 99;
  std::thread waiter([&] {
    st = tinker_future_wait_any(&index, s.fs.data(), 2, 10000);
    returned = true;
  });
  auto until = std::chrono::steady_clock::now() + kLongWait;
  while (!returned && std::chrono::steady_clock::now() < until) {
    tinker_future_interrupt(s.fs[0]);
    std::this_thread::sleep_for(milliseconds(5));
  }
  waiter.join();
  assert_status(st, TINKER_E_INTERRUPTED);
}

void wait_any_rejects_null_index_array_element_and_empty_set(void**) {
  Futures s(2);
  complete_ok(s.fs[0]);
  size_t index = 99;
  assert_status(tinker_future_wait_any(nullptr, s.fs.data(), 2, 0), TINKER_E_INVALID_ARGUMENT);
  assert_contains(tinker_error_message(tinker_last_error()), "index");
  assert_status(tinker_future_wait_any(&index, nullptr, 2, 0), TINKER_E_INVALID_ARGUMENT);
  assert_contains(tinker_error_message(tinker_last_error()), "futures");
  tinker_future_t* with_null[] = {nullptr, s.fs[0]};
  assert_status(tinker_future_wait_any(&index, with_null, 2, 0), TINKER_E_INVALID_ARGUMENT);
  assert_contains(tinker_error_message(tinker_last_error()), "futures[0]");
  assert_status(tinker_future_wait_any(&index, s.fs.data(), 0, 0), TINKER_E_INVALID_ARGUMENT);
  assert_contains(tinker_error_message(tinker_last_error()), "count");
  assert_int_equal(index, 99);
}

// ---- completion queues ----------------------------------------------------------------------

struct Queue {
  tinker_completion_queue_t* q = nullptr;
  Queue() { tinker_completion_queue_new(&q); }
  ~Queue() { tinker_completion_queue_free(q); }
};

void queue_returns_tags_in_completion_order(void**) {
  Queue cq;
  assert_non_null(cq.q);
  Futures s(3);
  for (size_t i = 0; i < 3; ++i) assert_status(tinker_future_set_completion_queue(s.fs[i], cq.q, 100 + i), TINKER_OK);
  complete_ok(s.fs[2]);
  fail_with(s.fs[0], TINKER_E_INTERNAL, "x");
  complete_ok(s.fs[1]);
  uint64_t tag = 0;
  assert_status(tinker_completion_queue_next(cq.q, 0, &tag), TINKER_OK);
  assert_int_equal(tag, 102);
  assert_status(tinker_completion_queue_next(cq.q, 0, &tag), TINKER_OK);
  assert_int_equal(tag, 100);
  assert_status(tinker_completion_queue_next(cq.q, -1, &tag), TINKER_OK);
  assert_int_equal(tag, 101);
  assert_status(tinker_completion_queue_next(cq.q, 0, &tag), TINKER_E_TIMEOUT);
}

void queue_next_times_out_when_empty(void**) {
  Queue cq;
  uint64_t tag = 7;
  auto t0 = std::chrono::steady_clock::now();
  assert_status(tinker_completion_queue_next(cq.q, 40, &tag), TINKER_E_TIMEOUT);
  assert_true(std::chrono::steady_clock::now() - t0 >= milliseconds(35));
  assert_int_equal(tag, 7);
}

void queue_next_blocks_until_a_future_finishes(void**) {
  Queue cq;
  Futures s(1);
  tinker_future_set_completion_queue(s.fs[0], cq.q, 5);
  std::thread producer([&] {
    std::this_thread::sleep_for(milliseconds(50));
    complete_ok(s.fs[0]);
  });
  uint64_t tag = 0;
  tinker_status_t st = tinker_completion_queue_next(cq.q, 10000, &tag);
  producer.join();
  assert_status(st, TINKER_OK);
  assert_int_equal(tag, 5);
}

void queue_wakeup_interrupts_a_blocked_next(void**) {
  Queue cq;
  uint64_t tag = 0;
  tinker_status_t st = TINKER_OK;
  std::thread waiter([&] { st = tinker_completion_queue_next(cq.q, -1, &tag); });
  std::this_thread::sleep_for(milliseconds(30));
  assert_status(tinker_completion_queue_wakeup(cq.q), TINKER_OK);
  waiter.join();
  assert_status(st, TINKER_E_INTERRUPTED);
  // One wakeup, one interruption.
  assert_status(tinker_completion_queue_next(cq.q, 0, &tag), TINKER_E_TIMEOUT);
  // A wakeup with nobody waiting interrupts the next call.
  tinker_completion_queue_wakeup(cq.q);
  assert_status(tinker_completion_queue_next(cq.q, 1000, &tag), TINKER_E_INTERRUPTED);
}

void queue_fd_is_readable_exactly_while_tags_are_queued(void**) {
  Queue cq;
  int fd = -1;
  assert_status(tinker_completion_queue_fd(cq.q, &fd), TINKER_OK);
  assert_true(fd >= 0);
  assert_false(readable(fd));
  Futures s(2);
  tinker_future_set_completion_queue(s.fs[0], cq.q, 1);
  tinker_future_set_completion_queue(s.fs[1], cq.q, 2);
  assert_false(readable(fd));
  complete_ok(s.fs[0]);
  assert_true(readable(fd));
  complete_ok(s.fs[1]);
  assert_true(readable(fd));
  uint64_t tag = 0;
  assert_status(tinker_completion_queue_next(cq.q, 0, &tag), TINKER_OK);
  assert_true(readable(fd));  // one tag left
  assert_status(tinker_completion_queue_next(cq.q, 0, &tag), TINKER_OK);
  assert_false(readable(fd));
  // A wakeup is not a tag.
  tinker_completion_queue_wakeup(cq.q);
  assert_false(readable(fd));
  assert_status(tinker_completion_queue_next(cq.q, 0, &tag), TINKER_E_INTERRUPTED);
}

void queue_attached_to_a_finished_future_gets_the_tag_at_once(void**) {
  Queue cq;
  Futures s(1);
  complete_ok(s.fs[0]);
  int fd = -1;
  tinker_completion_queue_fd(cq.q, &fd);
  assert_status(tinker_future_set_completion_queue(s.fs[0], cq.q, 77), TINKER_OK);
  assert_true(readable(fd));
  uint64_t tag = 0;
  assert_status(tinker_completion_queue_next(cq.q, 0, &tag), TINKER_OK);
  assert_int_equal(tag, 77);
}

void queue_and_callback_are_exclusive(void**) {
  Queue cq;
  Futures s(2);
  CallbackLog log;
  assert_status(tinker_future_on_complete(s.fs[0], log_callback, &log, log_destroy), TINKER_OK);
  assert_status(tinker_future_set_completion_queue(s.fs[0], cq.q, 1), TINKER_E_FAILED_PRECONDITION);

  CallbackLog refused;
  assert_status(tinker_future_set_completion_queue(s.fs[1], cq.q, 2), TINKER_OK);
  assert_status(tinker_future_on_complete(s.fs[1], log_callback, &refused, log_destroy), TINKER_E_FAILED_PRECONDITION);
  assert_status(tinker_future_set_completion_queue(s.fs[1], cq.q, 3), TINKER_E_FAILED_PRECONDITION);

  complete_ok(s.fs[0]);
  complete_ok(s.fs[1]);
  assert_true(drain(*s.ex));
  uint64_t tag = 0;
  assert_status(tinker_completion_queue_next(cq.q, 0, &tag), TINKER_OK);
  assert_int_equal(tag, 2);
  assert_status(tinker_completion_queue_next(cq.q, 0, &tag), TINKER_E_TIMEOUT);
  assert_int_equal(log.calls_now(), 1);
  assert_int_equal(refused.calls_now(), 0);
  assert_int_equal(refused.destroys_now(), 0);
}

void future_outlives_a_freed_queue(void**) {
  Futures s(1);
  tinker_completion_queue_t* q = nullptr;
  assert_status(tinker_completion_queue_new(&q), TINKER_OK);
  assert_status(tinker_future_set_completion_queue(s.fs[0], q, 9), TINKER_OK);
  tinker_completion_queue_free(q);
  assert_true(complete_ok(s.fs[0]));  // reports to nobody, harmlessly
  assert_status(tinker_future_poll(s.fs[0]), TINKER_OK);
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(poll_is_pending_until_completed_then_ok),
      cmocka_unit_test(poll_reports_failure_status_and_error_record),
      cmocka_unit_test(failure_without_code_never_reads_as_success),
      cmocka_unit_test(future_completes_only_once),
      cmocka_unit_test(concurrent_completions_finish_exactly_once),
      cmocka_unit_test(is_submitted_turns_on_with_mark_submitted),
      cmocka_unit_test(wait_submitted_returns_once_another_thread_submits),
      cmocka_unit_test(wait_submitted_times_out_while_not_submitted),
      cmocka_unit_test(wait_submitted_returns_the_error_of_a_future_that_failed_unsubmitted),
      cmocka_unit_test(wait_submitted_is_woken_by_interrupt),
      cmocka_unit_test(wait_timeout_returns_timeout_and_future_keeps_running),
      cmocka_unit_test(wait_returns_final_status_of_a_finished_future),
      cmocka_unit_test(wait_forever_returns_when_another_thread_completes),
      cmocka_unit_test(several_waiters_are_all_woken_by_completion),
      cmocka_unit_test(interrupt_wakes_every_waiter_and_does_not_cancel),
      cmocka_unit_test(interrupt_does_not_affect_a_later_wait),
      cmocka_unit_test(cancel_ends_a_pending_future_cancelled_and_is_idempotent),
      cmocka_unit_test(concurrent_cancels_run_the_hook_once),
      cmocka_unit_test(cancel_wakes_a_waiter_with_cancelled),
      cmocka_unit_test(cancel_after_completion_does_nothing),
      cmocka_unit_test(cancel_hook_set_after_cancel_runs_at_once),
      cmocka_unit_test(callback_runs_once_on_the_completion_thread),
      cmocka_unit_test(callback_sees_the_failure),
      cmocka_unit_test(callback_registered_on_a_finished_future_is_not_run_inline),
      cmocka_unit_test(callback_without_destroy_notify_runs),
      cmocka_unit_test(callback_may_wait_on_and_free_its_own_future),
      cmocka_unit_test(free_waits_for_a_running_callback),
      cmocka_unit_test(on_complete_twice_fails_and_runs_neither_second),
      cmocka_unit_test(on_complete_with_null_callback_is_invalid_and_runs_no_destroy),
      cmocka_unit_test(on_complete_after_executor_shutdown_fails_and_runs_neither),
      cmocka_unit_test(on_complete_on_pending_future_after_executor_shutdown_fails_and_runs_neither),
      cmocka_unit_test(free_pending_future_cancels_it),
      cmocka_unit_test(free_with_pending_callback_runs_destroy_never_the_callback),
      cmocka_unit_test(free_of_a_pending_future_never_starts_its_callback_repeatedly),
      cmocka_unit_test(free_before_a_queued_callback_starts_means_it_never_starts),
      cmocka_unit_test(free_finished_future_in_any_state),
      cmocka_unit_test(take_of_the_wrong_kind_is_invalid_argument),
      cmocka_unit_test(take_moves_the_result_out_once),
      cmocka_unit_test(take_on_a_pending_future_returns_pending),
      cmocka_unit_test(take_on_a_failed_future_returns_the_failure),
      cmocka_unit_test(future_error_is_null_while_pending_and_on_success),
      cmocka_unit_test(wait_all_returns_ok_when_all_finished),
      cmocka_unit_test(wait_all_times_out_while_one_is_pending),
      cmocka_unit_test(wait_all_returns_when_the_last_one_finishes),
      cmocka_unit_test(wait_all_is_interrupted_by_any_of_its_futures),
      cmocka_unit_test(wait_all_rejects_null_array_and_elements),
      cmocka_unit_test(wait_any_index_is_the_lowest_finished),
      cmocka_unit_test(wait_any_times_out_when_none_finished),
      cmocka_unit_test(wait_any_returns_when_one_finishes_later),
      cmocka_unit_test(wait_any_is_interrupted),
      cmocka_unit_test(wait_any_rejects_null_index_array_element_and_empty_set),
      cmocka_unit_test(queue_returns_tags_in_completion_order),
      cmocka_unit_test(queue_next_times_out_when_empty),
      cmocka_unit_test(queue_next_blocks_until_a_future_finishes),
      cmocka_unit_test(queue_wakeup_interrupts_a_blocked_next),
      cmocka_unit_test(queue_fd_is_readable_exactly_while_tags_are_queued),
      cmocka_unit_test(queue_attached_to_a_finished_future_gets_the_tag_at_once),
      cmocka_unit_test(queue_and_callback_are_exclusive),
      cmocka_unit_test(future_outlives_a_freed_queue),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
