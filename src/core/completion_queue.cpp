#include "core/completion_queue.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>

#include "core/saturating_time.h"

namespace tinker {

CompletionQueue::CompletionQueue() { fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

CompletionQueue::~CompletionQueue() {
  if (fd_ >= 0) close(fd_);
}

// Keeps the eventfd readable exactly while tags are queued.
void CompletionQueue::sync_fd_locked() {
  bool want = !tags_.empty();
  if (want == fd_signalled_) return;
  if (want) {
    uint64_t one = 1;
    (void)!write(fd_, &one, sizeof one);
  } else {
    uint64_t v;
    (void)!read(fd_, &v, sizeof v);
  }
  fd_signalled_ = want;
}

void CompletionQueue::push(uint64_t tag) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    tags_.push_back(tag);
    sync_fd_locked();
  }
  cv_.notify_one();
}

tinker_status_t CompletionQueue::next(int64_t timeout_ms, uint64_t* tag) {
  std::unique_lock<std::mutex> lk(mu_);
  auto ready = [&] { return !tags_.empty() || wakeups_ > 0; };
  if (!wait_until_saturating(cv_, lk, wait_deadline(timeout_ms), ready)) return TINKER_E_TIMEOUT;
  if (wakeups_ > 0 && tags_.empty()) {
    --wakeups_;
    return TINKER_E_INTERRUPTED;
  }
  *tag = tags_.front();
  tags_.pop_front();
  sync_fd_locked();
  return TINKER_OK;
}

void CompletionQueue::wakeup() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    ++wakeups_;
  }
  cv_.notify_one();
}

}  // namespace tinker
