// A counting semaphore for the IO thread: at most `capacity` holders at once, waiters served in
// arrival order. A waiter whose operation ended before its slot came must still take the slot
// and release it (see SampleDispatch, SampleHandler), so no slot is lost.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <utility>

namespace tinker {

class Slots {
 public:
  explicit Slots(int64_t capacity) : capacity_(capacity) {}
  // Runs `go` when a slot is free (at once when one is and nobody waits).
  void acquire(std::function<void()> go) {
    waiters_.push_back(std::move(go));
    drain();
  }
  void release() {
    --in_use_;
    drain();
  }
  // A new capacity (the server's limit arrived); holders beyond it keep their slots.
  void resize(int64_t capacity) {
    capacity_ = capacity;
    drain();
  }
  int64_t in_use() const { return in_use_; }
  size_t waiting() const { return waiters_.size(); }

 private:
  void drain() {
    while (!waiters_.empty() && in_use_ < capacity_) {
      auto go = std::move(waiters_.front());
      waiters_.pop_front();
      ++in_use_;
      go();
    }
  }
  int64_t capacity_;
  int64_t in_use_ = 0;
  std::deque<std::function<void()>> waiters_;
};

}  // namespace tinker
