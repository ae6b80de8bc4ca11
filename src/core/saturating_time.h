// Saturating time arithmetic. Every duration the library accepts (options, waits, deadlines) or
// receives (JWT expiry, refresh intervals, retry-after) becomes a point in time through these
// two functions, so a huge value means "far in the future" and never wraps into the past.
#pragma once

#include <chrono>
#include <cstdint>

namespace tinker {

using Clock = std::chrono::steady_clock;

// `now` + `seconds`; Clock::time_point::max() when that is past the clock's range. Zero,
// negative and NaN give `now` (a delay that is not positive is no delay).
inline Clock::time_point saturating_add(Clock::time_point now, double seconds) {
  if (!(seconds > 0)) return now;
  // One second of slack: the double → integer conversion below must not round past max().
  const double room = std::chrono::duration<double>(Clock::time_point::max() - now).count() - 1.0;
  if (seconds >= room) return Clock::time_point::max();
  return now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// `now` + `ms` milliseconds, saturating the same way. Zero and negative give `now`.
inline Clock::time_point saturating_add_ms(Clock::time_point now, int64_t ms) {
  if (ms <= 0) return now;
  const auto room = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::time_point::max() - now).count();
  if (ms >= room) return Clock::time_point::max();
  return now + std::chrono::milliseconds(ms);
}

// What is left at `now` of a deadline of `deadline_ms` counted from `started`, as the deadline
// of the next step of a multi-step operation: 0 when there is none (deadline_ms <= 0), -1 once it
// has passed, else the milliseconds left.
inline int64_t deadline_left_ms(int64_t deadline_ms, Clock::time_point started, Clock::time_point now) {
  if (deadline_ms <= 0) return 0;
  const int64_t used = std::chrono::duration_cast<std::chrono::milliseconds>(now - started).count();
  return used < deadline_ms ? deadline_ms - used : -1;
}

// The deadline of a wait with the C API's timeout convention: negative waits forever (max()),
// 0 only checks, a positive value saturates.
inline Clock::time_point wait_deadline(int64_t timeout_ms) {
  return timeout_ms < 0 ? Clock::time_point::max() : saturating_add_ms(Clock::now(), timeout_ms);
}

// Waits on `cv` until `pred` holds or `deadline` passes; false on timeout. A saturated deadline
// waits without a timeout, so no platform converts time_point::max() to its own clock.
template <class CondVar, class Lock, class Pred>
bool wait_until_saturating(CondVar& cv, Lock& lk, Clock::time_point deadline, Pred pred) {
  if (deadline == Clock::time_point::max()) {
    cv.wait(lk, pred);
    return true;
  }
  return cv.wait_until(lk, deadline, pred);
}

}  // namespace tinker
