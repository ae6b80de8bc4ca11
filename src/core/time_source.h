// Where the runtime reads the time: the real steady clock, or, in tests, a clock that skips the
// time an operation spends only waiting (a backoff, a billing pause, a retry delay), so that
// tests of the retry schedules run in milliseconds and assert exact durations instead of
// wall-clock windows.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "core/saturating_time.h"

namespace tinker {

class TimeSource {
 public:
  virtual ~TimeSource() = default;
  virtual Clock::time_point now() { return Clock::now(); }
  // The IO loop has nothing to do but wait for a timer due at `next` while an operation is in
  // flight: a skipping clock jumps there (and returns true); the real one lets time pass.
  virtual bool skip_to(Clock::time_point /*next*/) { return false; }
  // Whether requests should carry the time they were sent on this clock (tests read it back
  // from the server's request log: header X-Tinker-Test-Clock-Us, microseconds).
  virtual bool stamps_requests() const { return false; }
};

// The test clock: real time plus every wait it skipped.
class SkippingClock final : public TimeSource {
 public:
  Clock::time_point now() override { return Clock::now() + std::chrono::nanoseconds(skipped_ns_.load()); }
  bool skip_to(Clock::time_point next) override {
    const auto ahead = next - now();
    if (ahead.count() <= 0 || next == Clock::time_point::max()) return false;
    skipped_ns_ += std::chrono::duration_cast<std::chrono::nanoseconds>(ahead).count();
    return true;
  }
  bool stamps_requests() const override { return true; }

 private:
  std::atomic<int64_t> skipped_ns_{0};
};

}  // namespace tinker
