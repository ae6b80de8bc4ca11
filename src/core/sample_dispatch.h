// The client-wide gates of sample submissions (protocol.md §4.4, §6.9), shared by every sampling
// client of a service client. IO thread only.
//
//  - At most 400 submissions at once; while throttled also at most 10, each charged 20 times its
//    bytes. Throttled means: from a 429 until 10 s after the back-off it started ends.
//  - A byte budget (the server's sample_dispatch_bytes_semaphore_size) charged with the prompt's
//    estimated size, with overdraft (core/bytes_budget.h).
//  - After a 429 every submission waits out a back-off: 1 s, or 5 s for a prompt over 128 KiB.
// The gates hold only while submitting, never while polling.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "core/bytes_budget.h"
#include "core/runtime.h"
#include "core/slots.h"

namespace tinker {

class SampleDispatch {
 public:
  static constexpr int64_t kMaxSubmissions = 400;
  static constexpr int64_t kMaxThrottledSubmissions = 10;
  static constexpr int64_t kThrottledByteFactor = 20;
  static constexpr double kThrottledAfterBackoffSeconds = 10;
  static constexpr int64_t kLargePromptBytes = 128 * 1024;

  SampleDispatch(Runtime& rt, int64_t byte_budget) : rt_(rt), bytes_(byte_budget) {}

  // What a submission holds; give it back with release().
  struct Ticket {
    bool throttled = false;
    int64_t bytes = 0;  // charged to the byte budget
  };
  // Runs `go(ticket)` when a submission of a prompt estimated at `prompt_bytes` may start.
  void acquire(int64_t prompt_bytes, std::function<void(Ticket)> go);
  void release(Ticket t);  // by value: releasing may run waiters that move the caller's copy

  // A 429 (or a 402 in the billing pause) answered a submission of `prompt_bytes`.
  void back_off(int64_t prompt_bytes);
  // Runs `go` once no back-off is in force, looking again every second while one is, as the
  // official client does (so waiters do not all resume at the same instant).
  void when_clear(std::function<void()> go);
  bool throttled() const;

 private:
  Runtime& rt_;
  Slots all_{kMaxSubmissions};
  Slots throttled_{kMaxThrottledSubmissions};
  BytesBudget bytes_;
  std::optional<Clock::time_point> backoff_until_;
};

}  // namespace tinker
