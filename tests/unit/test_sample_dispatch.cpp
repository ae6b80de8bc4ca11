// The client-wide gates of sample submissions (core/sample_dispatch.h, protocol.md §4.4, §6.9):
// how many submissions may be in flight, normally and after a 429, what each is charged to the
// byte budget, and how long the back-off and the throttled period last. Time is a skipping
// clock, so the seconds of back-off cost nothing.
#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include "core/runtime.h"
#include "core/sample_dispatch.h"
#include "core/time_source.h"
#include "on_io.h"
#include "unit_test.h"

using namespace tinker;

namespace {

constexpr int64_t kHugeBudget = int64_t{1} << 40;

struct Started {
  int asked = 0;           // submissions asked for so far
  std::vector<int> order;  // submission numbers, in the order they were let through
  std::vector<SampleDispatch::Ticket> tickets;
};

// Asks for `n` submissions of `bytes` each; each records itself when let through.
void submit(SampleDispatch& d, Started& s, int n, int64_t bytes) {
  for (int i = 0; i < n; ++i) {
    const int number = s.asked++;
    d.acquire(bytes, [&s, number](SampleDispatch::Ticket t) {
      s.order.push_back(number);
      s.tickets.push_back(t);
    });
  }
}

// The skipping clock skips only while an operation is in flight (the runtime's rule): one that
// does nothing stands in for the samples waiting out the back-off.
struct Waiting final : Operation {
  void abort(const Error&) override {}
};

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void at_most_400_submissions_at_once_in_arrival_order(void**) {
  Runtime rt(http::Settings{}, Logger{});
  SampleDispatch d(rt, kHugeBudget);
  Started s;
  size_t before = 0, after_one = 0;
  on_io(rt, [&] {
    submit(d, s, 1000, 100);
    before = s.order.size();
    d.release(s.tickets[0]);
    after_one = s.order.size();
  });
  assert_int_equal(before, SampleDispatch::kMaxSubmissions);
  assert_int_equal(after_one, SampleDispatch::kMaxSubmissions + 1);
  for (size_t i = 0; i < s.order.size(); ++i) assert_int_equal(s.order[i], i);
  for (const auto& t : s.tickets) {
    assert_false(t.throttled);
    assert_int_equal(t.bytes, 100);
  }
}

// After a 429: 10 submissions at once, each charged 20 times its bytes.
void after_a_429_ten_submissions_at_once_each_charged_twenty_times(void**) {
  Runtime rt(http::Settings{}, Logger{});
  SampleDispatch d(rt, kHugeBudget);
  Started s;
  size_t before = 0, after_one = 0;
  bool throttled = false;
  on_io(rt, [&] {
    d.back_off(100);
    throttled = d.throttled();
    submit(d, s, 50, 100);
    before = s.order.size();
    d.release(s.tickets[0]);
    after_one = s.order.size();
  });
  assert_true(throttled);
  assert_int_equal(before, SampleDispatch::kMaxThrottledSubmissions);
  assert_int_equal(after_one, SampleDispatch::kMaxThrottledSubmissions + 1);
  for (const auto& t : s.tickets) {
    assert_true(t.throttled);
    assert_int_equal(t.bytes, 100 * SampleDispatch::kThrottledByteFactor);
  }
}

// The byte budget lets a submission through while the balance is not negative and charges all
// of it (overdraft): a prompt larger than the whole budget still goes, alone.
void the_byte_budget_admits_with_overdraft_in_arrival_order(void**) {
  Runtime rt(http::Settings{}, Logger{});
  SampleDispatch d(rt, 1000);
  Started s;
  size_t two = 0, after_release = 0, alone = 0, after_big = 0;
  on_io(rt, [&] {
    submit(d, s, 3, 600);  // 1000 -> 400 -> -200: the third waits
    two = s.order.size();
    d.release(s.tickets[0]);  // -200 -> 400: the third goes (-> -200)
    after_release = s.order.size();
    d.release(s.tickets[1]);
    d.release(s.tickets[2]);  // back to 1000
    submit(d, s, 2, 5000);    // larger than the budget: goes alone
    alone = s.order.size();
    d.release(s.tickets[3]);
    after_big = s.order.size();
  });
  assert_int_equal(two, 2);
  assert_int_equal(after_release, 3);
  assert_int_equal(alone, 4);
  assert_int_equal(after_big, 5);
}

// The back-off after a 429 lasts 1 s (5 s for a prompt over 128 KiB): submissions asking to go
// wait it out, checking once a second; throttling lasts 10 s longer.
void the_back_off_lasts_one_or_five_seconds_and_throttling_ten_more(void**) {
  for (int64_t bytes : {int64_t{100}, SampleDispatch::kLargePromptBytes + 1}) {
    const double backoff = bytes > SampleDispatch::kLargePromptBytes ? 5.0 : 1.0;
    Runtime rt(http::Settings{}, Logger{}, std::make_shared<SkippingClock>());
    SampleDispatch d(rt, kHugeBudget);
    Clock::time_point start{}, cleared{};
    std::atomic<bool> done{false};
    bool throttled_before_end = false, throttled_after_end = true, ran_at_once = true;
    auto waiting = std::make_shared<Waiting>();
    on_io(rt, [&] {
      rt.track(waiting);
      start = rt.now();
      d.back_off(bytes);
      d.when_clear([&] { cleared = rt.now(); });
      ran_at_once = cleared != Clock::time_point{};
      rt.add_timer(backoff + SampleDispatch::kThrottledAfterBackoffSeconds - 0.5,
                   [&] { throttled_before_end = d.throttled(); });
      rt.add_timer(backoff + SampleDispatch::kThrottledAfterBackoffSeconds + 0.5, [&] {
        throttled_after_end = d.throttled();
        rt.untrack(waiting.get());
        done = true;
      });
    });
    while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    assert_false(ran_at_once);  // nothing runs before the back-off ends
    const double waited = seconds_between(start, cleared);
    assert_true(waited >= backoff);
    assert_true(waited < backoff + 1.5);  // checked once a second
    assert_true(throttled_before_end);
    assert_false(throttled_after_end);
  }
}

// With no back-off in force a submission goes at once, and nothing is throttled.
void without_a_429_nothing_waits_or_is_throttled(void**) {
  Runtime rt(http::Settings{}, Logger{});
  SampleDispatch d(rt, kHugeBudget);
  bool ran = false, throttled = true;
  on_io(rt, [&] {
    d.when_clear([&] { ran = true; });
    throttled = d.throttled();
  });
  assert_true(ran);
  assert_false(throttled);
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(at_most_400_submissions_at_once_in_arrival_order),
      cmocka_unit_test(after_a_429_ten_submissions_at_once_each_charged_twenty_times),
      cmocka_unit_test(the_byte_budget_admits_with_overdraft_in_arrival_order),
      cmocka_unit_test(the_back_off_lasts_one_or_five_seconds_and_throttling_ten_more),
      cmocka_unit_test(without_a_429_nothing_waits_or_is_throttled),
  };
  return cmocka_run_group_tests_name("sample_dispatch", tests, nullptr, nullptr);
}
