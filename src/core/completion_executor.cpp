#include "core/completion_executor.h"

namespace tinker {

CompletionExecutor::CompletionExecutor() : q_(std::make_shared<Queue>()) {
  thread_ = std::thread(loop, q_);
  thread_id_ = thread_.get_id();
}

CompletionExecutor::~CompletionExecutor() { shutdown(); }

bool CompletionExecutor::post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lk(q_->mu);
    if (q_->closed) return false;
    q_->items.push_back(std::move(fn));
  }
  q_->cv.notify_one();
  return true;
}

bool CompletionExecutor::accepting() const {
  std::lock_guard<std::mutex> lk(q_->mu);
  return !q_->closed;
}

void CompletionExecutor::loop(std::shared_ptr<Queue> q) {
  std::unique_lock<std::mutex> lk(q->mu);
  for (;;) {
    q->cv.wait(lk, [&] { return q->closed || !q->items.empty(); });
    if (q->items.empty()) return;  // closed and drained
    auto fn = std::move(q->items.front());
    q->items.pop_front();
    lk.unlock();
    // An exception must not end this thread (every later callback would be lost) nor the
    // process; user callbacks are C and cannot throw, so this is the library's own task.
    try {
      fn();
    } catch (...) {
    }
    fn = nullptr;  // release captures outside the lock
    lk.lock();
  }
}

void CompletionExecutor::shutdown() {
  {
    std::lock_guard<std::mutex> lk(q_->mu);
    q_->closed = true;
  }
  q_->cv.notify_all();
  if (!thread_.joinable()) return;
  if (on_thread()) thread_.detach();
  else thread_.join();
}

}  // namespace tinker
