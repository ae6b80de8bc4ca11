// Durations saturate (core/saturating_time.h): at 0, 1, INT64_MAX and negative values, every
// duration the library accepts or receives means what it says, never a wrap into the past.
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <thread>

#include "core/completion_executor.h"
#include "core/completion_queue.h"
#include "core/future_state.h"
#include "core/runtime.h"
#include "core/saturating_time.h"
#include "on_io.h"
#include "tinker/tinker.h"
#include "unit_test.h"

using namespace tinker;

namespace {

const Clock::time_point kMax = Clock::time_point::max();

void huge_delays_saturate_at_the_end_of_time(void**) {
  const auto now = Clock::now();
  assert_true(saturating_add_ms(now, INT64_MAX) == kMax);
  assert_true(saturating_add(now, 9.3e18 / 1000) == kMax);  // INT64_MAX ms in seconds
  assert_true(saturating_add(now, 3.2e10) == kMax);         // a JWT expiring in the year 3000
  assert_true(saturating_add(now, 1e300) == kMax);
  assert_true(saturating_add(now, std::numeric_limits<double>::infinity()) == kMax);
  assert_true(saturating_add(kMax - std::chrono::seconds(1), 2.0) == kMax);
}

void zero_negative_and_nan_delays_are_now(void**) {
  const auto now = Clock::now();
  assert_true(saturating_add_ms(now, 0) == now);
  assert_true(saturating_add_ms(now, -1) == now);
  assert_true(saturating_add_ms(now, INT64_MIN) == now);
  assert_true(saturating_add(now, 0.0) == now);
  assert_true(saturating_add(now, -1e300) == now);
  assert_true(saturating_add(now, std::nan("")) == now);
  assert_true(saturating_add(now, -std::numeric_limits<double>::infinity()) == now);
}

void small_delays_are_exact(void**) {
  const auto now = Clock::now();
  assert_true(saturating_add_ms(now, 1) == now + std::chrono::milliseconds(1));
  assert_true(saturating_add(now, 1.0) == now + std::chrono::seconds(1));
  assert_true(saturating_add(now, 0.001) == now + std::chrono::milliseconds(1));
}

void a_wait_with_a_negative_timeout_has_no_deadline(void**) {
  assert_true(wait_deadline(-1) == kMax);
  assert_true(wait_deadline(INT64_MIN) == kMax);
  assert_true(wait_deadline(INT64_MAX) == kMax);
  const auto zero = wait_deadline(0);  // "only check": a deadline already reached
  assert_true(zero <= Clock::now());
}

// A heartbeat every INT64_MAX ms, a refresh in 1e10 s: such timers wait; they never fire at once.
void runtime_timers_with_huge_delays_never_fire_and_zero_fires_at_once(void**) {
  Runtime rt(http::Settings{}, Logger{});
  std::atomic<int> huge{0}, zero{0}, negative{0};
  on_io(rt, [&] {
    rt.add_timer(static_cast<double>(INT64_MAX) / 1000.0, [&] { ++huge; });
    rt.add_timer(1e10, [&] { ++huge; });
    rt.add_timer(std::numeric_limits<double>::infinity(), [&] { ++huge; });
    rt.add_timer(0, [&] { ++zero; });
    rt.add_timer(-5, [&] { ++negative; });
  });
  for (int i = 0; i < 200 && (zero == 0 || negative == 0); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // Stopped before asserting: a failed assertion leaves the function by longjmp, without
  // destructors, and an IO thread still running would fire timers into this dead frame.
  rt.shutdown();
  assert_int_equal(zero.load(), 1);
  assert_int_equal(negative.load(), 1);
  assert_int_equal(huge.load(), 0);
}

void completion_queue_waits_accept_int64_max(void**) {
  CompletionQueue q;
  q.push(7);
  uint64_t tag = 0;
  assert_status(q.next(INT64_MAX, &tag), TINKER_OK);
  assert_int_equal(tag, 7);
  std::thread later([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    q.push(9);
  });
  const tinker_status_t s = q.next(INT64_MAX, &tag);
  later.join();  // before asserting: a failed assertion longjmps past the thread's owner
  assert_status(s, TINKER_OK);
  assert_int_equal(tag, 9);
  assert_status(q.next(0, &tag), TINKER_E_TIMEOUT);
  assert_status(q.next(1, &tag), TINKER_E_TIMEOUT);
}

void future_waits_accept_int64_max(void**) {
  auto f = std::make_shared<FutureState>(std::make_shared<CompletionExecutor>(), &result_types::None);
  std::thread later([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    (f->fail)(make_error(TINKER_E_NOT_FOUND, "x"));  // parenthesised: CMocka defines fail()
  });
  const tinker_status_t s = f->wait(INT64_MAX);
  later.join();  // before asserting: a failed assertion longjmps past the thread's owner
  assert_status(s, TINKER_E_NOT_FOUND);
  assert_status(f->wait(0), TINKER_E_NOT_FOUND);
  auto pending = std::make_shared<FutureState>(std::make_shared<CompletionExecutor>(), &result_types::None);
  assert_status(pending->wait(0), TINKER_E_TIMEOUT);
  assert_status(pending->wait(1), TINKER_E_TIMEOUT);
}

// Every duration setter: what it accepts at 0, 1, INT64_MAX and negative values.
void duration_and_size_options_accept_their_range_and_refuse_the_rest(void**) {
  using Setter = tinker_status_t (*)(tinker_client_options_t*, int64_t);
  struct Case {
    const char* name;
    Setter set;
    bool zero_ok;
  };
  const Case cases[] = {
      {"request_timeout_ms", tinker_client_options_set_request_timeout_ms, false},
      {"connect_timeout_ms", tinker_client_options_set_connect_timeout_ms, false},
      {"retry_budget_ms", tinker_client_options_set_retry_budget_ms, true},
      {"default_deadline_ms", tinker_client_options_set_default_deadline_ms, true},
      {"heartbeat_interval_ms", tinker_client_options_set_heartbeat_interval_ms, false},
      {"max_result_bytes", tinker_client_options_set_max_result_bytes, false},
      {"max_response_bytes", tinker_client_options_set_max_response_bytes, false},
  };
  tinker_client_options_t* o = nullptr;
  assert_status(tinker_client_options_new(&o), TINKER_OK);
  for (const Case& c : cases) {
    const tinker_status_t ok = TINKER_OK, bad = TINKER_E_INVALID_ARGUMENT;
    struct {
      int64_t v;
      tinker_status_t want;
    } values[] = {{0, c.zero_ok ? ok : bad}, {1, ok}, {INT64_MAX, ok}, {-1, bad}, {INT64_MIN, bad}};
    for (const auto& v : values) {
      tinker_status_t got = c.set(o, v.v);
      if (got != v.want)
        TU_FAIL_MSG("set_%s(%lld) = %s, expected %s\n", c.name, (long long)v.v, tinker_status_str(got),
                    tinker_status_str(v.want));
    }
  }
  tinker_client_options_free(o);
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(huge_delays_saturate_at_the_end_of_time),
      cmocka_unit_test(zero_negative_and_nan_delays_are_now),
      cmocka_unit_test(small_delays_are_exact),
      cmocka_unit_test(a_wait_with_a_negative_timeout_has_no_deadline),
      cmocka_unit_test(runtime_timers_with_huge_delays_never_fire_and_zero_fires_at_once),
      cmocka_unit_test(completion_queue_waits_accept_int64_max),
      cmocka_unit_test(future_waits_accept_int64_max),
      cmocka_unit_test(duration_and_size_options_accept_their_range_and_refuse_the_rest),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
