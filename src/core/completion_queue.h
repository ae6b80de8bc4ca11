// The object behind tinker_completion_queue_t: tags of finished futures, drained by a host
// thread with next(), or watched through an eventfd that is readable while tags are queued.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>

#include "tinker/tinker.h"

namespace tinker {

class CompletionQueue {
 public:
  CompletionQueue();
  ~CompletionQueue();
  bool valid() const { return fd_ >= 0; }
  void push(uint64_t tag);
  tinker_status_t next(int64_t timeout_ms, uint64_t* tag);
  void wakeup();
  int fd() const { return fd_; }

 private:
  void sync_fd_locked();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<uint64_t> tags_;
  uint64_t wakeups_ = 0;
  int fd_ = -1;
  bool fd_signalled_ = false;
};

}  // namespace tinker
