// The completion thread: runs user callbacks (future completion, queue-state observers) one at
// a time, off the IO thread, never under a library lock (docs/design.md "Futures" rule 4).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace tinker {

class CompletionExecutor {
 public:
  CompletionExecutor();
  ~CompletionExecutor();
  CompletionExecutor(const CompletionExecutor&) = delete;
  CompletionExecutor& operator=(const CompletionExecutor&) = delete;

  // Queues `fn`; false (and `fn` dropped) once shutdown has begun.
  bool post(std::function<void()> fn);
  // False once shutdown has begun: nothing posted from now on would run.
  bool accepting() const;
  // Stops accepting work, runs what is queued, and joins the thread. Called from the thread
  // itself (a callback freed the last client), the thread cannot join itself: it finishes its
  // queue and exits on its own after the current callback. Idempotent.
  void shutdown();
  bool on_thread() const { return std::this_thread::get_id() == thread_id_; }

 private:
  // Shared with the thread so that a self-detached thread never touches a destroyed executor.
  struct Queue {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::function<void()>> items;
    bool closed = false;
  };
  static void loop(std::shared_ptr<Queue> q);
  std::shared_ptr<Queue> q_;
  std::thread thread_;
  std::thread::id thread_id_;
};

}  // namespace tinker
