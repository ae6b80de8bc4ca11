#include "core/sample_dispatch.h"

namespace tinker {

void SampleDispatch::acquire(int64_t prompt_bytes, std::function<void(Ticket)> go) {
  all_.acquire([this, prompt_bytes, go = std::move(go)] {
    // Throttling is decided when the submission gets its turn, as the official client does.
    const bool throttled_now = throttled();
    auto charge = [this, prompt_bytes, throttled_now, go] {
      const int64_t cost = throttled_now ? prompt_bytes * kThrottledByteFactor : prompt_bytes;
      bytes_.acquire(cost, [throttled_now, cost, go] { go(Ticket{throttled_now, cost}); });
    };
    if (throttled_now) throttled_.acquire(charge);
    else charge();
  });
}

void SampleDispatch::release(Ticket t) {
  bytes_.release(t.bytes);
  if (t.throttled) throttled_.release();
  all_.release();
}

void SampleDispatch::back_off(int64_t prompt_bytes) {
  const double seconds = prompt_bytes > kLargePromptBytes ? 5.0 : 1.0;
  backoff_until_ = rt_.now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

void SampleDispatch::when_clear(std::function<void()> go) {
  if (!backoff_until_ || rt_.now() >= *backoff_until_) return go();
  rt_.add_timer(1.0, [this, go = std::move(go)]() mutable { when_clear(std::move(go)); });
}

bool SampleDispatch::throttled() const {
  if (!backoff_until_) return false;
  return rt_.now() < *backoff_until_ + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(kThrottledAfterBackoffSeconds));
}

}  // namespace tinker
