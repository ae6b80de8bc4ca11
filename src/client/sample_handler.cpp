#include "client/sample_handler.h"

#include <chrono>
#include <vector>

#include "core/retry_policy.h"
#include "core/uuid.h"

namespace tinker {

SampleHandler::SampleHandler(Runtime& rt, const wire::api::RetryConfig& settings, int64_t max_connections,
                             bool stuck_detection)
    : rt_(rt), settings_(settings), stuck_detection_(stuck_detection && settings.enable_stuck_detection),
      slots_(max_connections) {}

void SampleHandler::join(StuckObserver* op) {
  // Progress is counted from when the handler became busy, as well as from each success.
  if (in_flight_.empty()) last_progress_ = rt_.now();
  in_flight_.insert(op);
  arm();
}

void SampleHandler::leave(StuckObserver* op, bool succeeded) {
  if (in_flight_.erase(op) == 0) return;
  if (succeeded) last_progress_ = rt_.now();
  slots_.release();
  if (in_flight_.empty() && timer_) {
    rt_.cancel_timer(timer_);
    timer_ = 0;
  }
}

double SampleHandler::retry_delay(int attempt) const {
  return retry::sample_retry_delay_seconds(attempt, settings_.retry_delay_base, settings_.retry_delay_max,
                                           settings_.jitter_factor, random_unit());
}

void SampleHandler::arm() {
  if (!stuck_detection_ || timer_ || in_flight_.empty()) return;
  const double left = settings_.progress_timeout - std::chrono::duration<double>(rt_.now() - last_progress_).count();
  timer_ = rt_.add_timer(left > 0 ? left : 0, [this] {
    timer_ = 0;
    check();
  });
}

// Every operation in flight fails once nothing has completed for progress_timeout: a server that
// lost them would otherwise keep them waiting for ever.
void SampleHandler::check() {
  const double idle = std::chrono::duration<double>(rt_.now() - last_progress_).count();
  if (idle < settings_.progress_timeout) return arm();
  Error e = make_error(TINKER_E_UNAVAILABLE, "no progress made in " + retry::seconds_text(settings_.progress_timeout) +
                                                 ": sample requests appear to be stuck");
  e.retryable = true;
  std::vector<StuckObserver*> ops(in_flight_.begin(), in_flight_.end());
  for (StuckObserver* op : ops) op->stuck(e);  // each leaves the set
}

}  // namespace tinker
