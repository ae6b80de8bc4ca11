// The state machine behind tinker_future_t (docs/design.md "Futures"):
//   pending → (submitted) → done(status, error | result)
// Completion happens once; everything after it (waking waiters, the callback on the completion
// thread, the completion-queue tag) follows from that single transition.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/completion_executor.h"
#include "core/completion_queue.h"
#include "core/error.h"
#include "core/result.h"

namespace tinker {

// Wakes a thread in wait_all / wait_any when one of its futures ends or is interrupted. It counts interrupts
// itself, so that a waiter on thousands of futures need not ask each of them after every wake.
struct MultiWaiter {
  std::mutex mu;
  std::condition_variable cv;
  uint64_t generation = 0;
  uint64_t interrupts = 0;
  void notify(bool interrupt = false);
};

class FutureState : public std::enable_shared_from_this<FutureState> {
 public:
  FutureState(std::shared_ptr<CompletionExecutor> executor, ResultKind expected);
  ~FutureState();

  // ---- producer side (library) ----
  void mark_submitted();
  // Finish successfully / with an error. Only the first completion counts; returns whether
  // this call finished the future.
  bool complete(std::unique_ptr<Result> result);
  bool fail(Error error);
  // Runs (once, on the cancelling thread) when the future is cancelled, so the operation can
  // stop its local work. Runs at once if the future was already cancelled.
  void set_cancel_hook(std::function<void()> hook);

  // ---- consumer side (C API) ----
  tinker_status_t poll() const;
  bool is_submitted() const;
  tinker_status_t wait(int64_t timeout_ms);
  tinker_status_t wait_submitted(int64_t timeout_ms);
  void interrupt();
  tinker_status_t cancel();
  const Error* error() const;  // null unless failed
  // Moves the result out. INVALID_ARGUMENT for the wrong kind or when taken already.
  tinker_status_t take(ResultKind kind, std::unique_ptr<Result>* out);
  tinker_status_t on_complete(tinker_future_callback_t cb, void* user_data, tinker_destroy_notify_t destroy,
                              tinker_future_t* handle);
  tinker_status_t set_queue(std::shared_ptr<CompletionQueue> queue, uint64_t tag);
  // tinker_future_free: cancels if pending, guarantees no callback starts afterwards.
  void release();

  bool done() const;
  uint64_t interrupt_epoch() const;
  void add_waiter(const std::shared_ptr<MultiWaiter>& w);
  void remove_waiter(const std::shared_ptr<MultiWaiter>& w);
  ResultKind expected_kind() const { return expected_; }

 private:
  enum class Registration { None, Callback, Queue };
  enum class CallbackState { Idle, Queued, Running, Finished };

  bool finish(tinker_status_t status, std::unique_ptr<Result> result, Error error);
  void dispatch_locked_out();  // after the transition: callback / queue / waiters
  void run_callback();
  tinker_status_t wait_until(int64_t timeout_ms, bool submitted_is_enough);

  std::shared_ptr<CompletionExecutor> executor_;
  const ResultKind expected_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool submitted_ = false;
  bool done_ = false;
  bool taken_ = false;
  tinker_status_t status_ = TINKER_PENDING;
  Error error_;
  std::unique_ptr<Result> result_;
  uint64_t interrupt_epoch_ = 0;
  std::function<void()> cancel_hook_;
  std::vector<std::shared_ptr<MultiWaiter>> waiters_;

  Registration registration_ = Registration::None;
  CallbackState cb_state_ = CallbackState::Idle;
  std::thread::id cb_thread_;
  tinker_future_callback_t cb_ = nullptr;
  void* cb_user_data_ = nullptr;
  tinker_destroy_notify_t cb_destroy_ = nullptr;
  tinker_future_t* handle_ = nullptr;
  std::shared_ptr<CompletionQueue> queue_;
  uint64_t queue_tag_ = 0;
};

}  // namespace tinker
