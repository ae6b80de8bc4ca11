#include "core/future_state.h"

#include <chrono>

#include "core/printable.h"
#include "core/saturating_time.h"

namespace tinker {

constexpr size_t kMaxRequestIdBytes = 256;

void MultiWaiter::notify(bool interrupt) {
  {
    std::lock_guard<std::mutex> lk(mu);
    ++generation;
    if (interrupt) ++interrupts;
  }
  cv.notify_all();
}

FutureState::FutureState(std::shared_ptr<CompletionExecutor> executor, ResultKind expected)
    : executor_(std::move(executor)), expected_(expected) {}

FutureState::~FutureState() = default;

void FutureState::mark_submitted() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (submitted_) return;
    submitted_ = true;
  }
  // Only this future's own waiters (wait_submitted) care: wait_all / wait_any wait for an end
  // or an interrupt, and waking them here would double their wake-ups for nothing.
  cv_.notify_all();
}

bool FutureState::complete(std::unique_ptr<Result> result) { return finish(TINKER_OK, std::move(result), Error{}); }

bool FutureState::fail(Error error) {
  if (error.code == TINKER_OK) error.code = TINKER_E_UNKNOWN;
  // Every asynchronous failure passes here: messages and request ids carry server text.
  error.message = printable(std::move(error.message));
  error.request_id = printable(std::move(error.request_id), kMaxRequestIdBytes);
  tinker_status_t s = error.code;
  return finish(s, nullptr, std::move(error));
}

bool FutureState::finish(tinker_status_t status, std::unique_ptr<Result> result, Error error) {
  std::vector<std::shared_ptr<MultiWaiter>> waiters;
  Registration reg;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (done_) return false;
    done_ = true;
    status_ = status;
    result_ = std::move(result);
    error_ = std::move(error);
    cancel_hook_ = nullptr;  // the operation is over; drop what the hook captured
    waiters = waiters_;
    reg = registration_;
    // Only an idle callback is queued: release() detaches it (Finished) before it cancels, and
    // a detached callback must never start.
    if (reg == Registration::Callback) {
      if (cb_state_ == CallbackState::Idle) cb_state_ = CallbackState::Queued;
      else reg = Registration::None;
    }
  }
  cv_.notify_all();
  for (auto& w : waiters) w->notify();
  if (reg == Registration::Callback) {
    auto self = shared_from_this();
    if (!executor_->post([self] { self->run_callback(); })) {
      // The runtime already shut down: no callback may run any more; only destroy remains.
      // Whoever moves Queued → Finished runs it (tinker_future_free may race with us).
      tinker_destroy_notify_t destroy = nullptr;
      void* ud = nullptr;
      {
        std::lock_guard<std::mutex> lk(mu_);
        if (cb_state_ == CallbackState::Queued) {
          cb_state_ = CallbackState::Finished;
          destroy = cb_destroy_;
          ud = cb_user_data_;
        }
      }
      if (destroy) destroy(ud);
    }
  } else if (reg == Registration::Queue) {
    queue_->push(queue_tag_);
  }
  return true;
}

void FutureState::run_callback() {
  tinker_future_callback_t cb;
  void* ud;
  tinker_destroy_notify_t destroy;
  tinker_future_t* handle;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (cb_state_ != CallbackState::Queued) return;  // freed before it could start
    cb_state_ = CallbackState::Running;
    cb_thread_ = std::this_thread::get_id();
    cb = cb_;
    ud = cb_user_data_;
    destroy = cb_destroy_;
    handle = handle_;
  }
  cb(handle, ud);  // may free the handle (release() then sees Running on this thread)
  {
    std::lock_guard<std::mutex> lk(mu_);
    cb_state_ = CallbackState::Finished;
  }
  cv_.notify_all();
  if (destroy) destroy(ud);
}

void FutureState::set_cancel_hook(std::function<void()> hook) {
  std::unique_lock<std::mutex> lk(mu_);
  if (done_) {
    bool cancelled = status_ == TINKER_E_CANCELLED;
    lk.unlock();
    if (cancelled && hook) hook();
    return;
  }
  cancel_hook_ = std::move(hook);
}

tinker_status_t FutureState::poll() const {
  std::lock_guard<std::mutex> lk(mu_);
  return done_ ? status_ : TINKER_PENDING;
}

bool FutureState::done() const {
  std::lock_guard<std::mutex> lk(mu_);
  return done_;
}

bool FutureState::is_submitted() const {
  std::lock_guard<std::mutex> lk(mu_);
  return submitted_ || done_;
}

uint64_t FutureState::interrupt_epoch() const {
  std::lock_guard<std::mutex> lk(mu_);
  return interrupt_epoch_;
}

tinker_status_t FutureState::wait_until(int64_t timeout_ms, bool submitted_is_enough) {
  std::unique_lock<std::mutex> lk(mu_);
  const uint64_t epoch = interrupt_epoch_;
  auto ready = [&] { return done_ || (submitted_is_enough && submitted_) || interrupt_epoch_ != epoch; };
  if (!wait_until_saturating(cv_, lk, wait_deadline(timeout_ms), ready)) return TINKER_E_TIMEOUT;
  if (submitted_is_enough && submitted_) return TINKER_OK;  // even if it failed afterwards
  if (done_) return status_;
  return TINKER_E_INTERRUPTED;
}

tinker_status_t FutureState::wait(int64_t timeout_ms) { return wait_until(timeout_ms, false); }

tinker_status_t FutureState::wait_submitted(int64_t timeout_ms) { return wait_until(timeout_ms, true); }

void FutureState::interrupt() {
  std::vector<std::shared_ptr<MultiWaiter>> waiters;
  {
    std::lock_guard<std::mutex> lk(mu_);
    ++interrupt_epoch_;
    waiters = waiters_;
  }
  cv_.notify_all();
  for (auto& w : waiters) w->notify(/*interrupt=*/true);
}

tinker_status_t FutureState::cancel() {
  std::function<void()> hook;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (done_) return TINKER_OK;
    hook = std::move(cancel_hook_);
  }
  fail(make_error(TINKER_E_CANCELLED, "cancelled"));
  if (hook) hook();
  return TINKER_OK;
}

const Error* FutureState::error() const {
  std::lock_guard<std::mutex> lk(mu_);
  return (done_ && status_ != TINKER_OK) ? &error_ : nullptr;
}

tinker_status_t FutureState::take(ResultKind kind, std::unique_ptr<Result>* out) {
  std::lock_guard<std::mutex> lk(mu_);
  if (kind != expected_) {
    set_last_error(make_error(TINKER_E_INVALID_ARGUMENT, std::string("future holds a ") + expected_->name +
                                                              " result, not " + kind->name));
    return TINKER_E_INVALID_ARGUMENT;
  }
  if (!done_) {
    set_last_error(make_error(TINKER_PENDING, "future has not finished"));
    return TINKER_PENDING;
  }
  if (status_ != TINKER_OK) {
    set_last_error(error_);
    return status_;
  }
  if (taken_ || !result_) {
    set_last_error(make_error(TINKER_E_INVALID_ARGUMENT, "result already taken"));
    return TINKER_E_INVALID_ARGUMENT;
  }
  taken_ = true;
  *out = std::move(result_);
  return TINKER_OK;
}

tinker_status_t FutureState::on_complete(tinker_future_callback_t cb, void* user_data, tinker_destroy_notify_t destroy,
                                         tinker_future_t* handle) {
  bool already_done;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (registration_ != Registration::None) {
      set_last_error(make_error(TINKER_E_FAILED_PRECONDITION, "future already has a callback or completion queue"));
      return TINKER_E_FAILED_PRECONDITION;
    }
    if (!executor_->accepting()) {
      set_last_error(make_error(TINKER_E_FAILED_PRECONDITION, "the client runtime has shut down"));
      return TINKER_E_FAILED_PRECONDITION;
    }
    registration_ = Registration::Callback;
    cb_ = cb;
    cb_user_data_ = user_data;
    cb_destroy_ = destroy;
    handle_ = handle;
    already_done = done_;
    if (already_done) cb_state_ = CallbackState::Queued;
  }
  if (already_done) {
    auto self = shared_from_this();
    if (!executor_->post([self] { self->run_callback(); })) {
      std::lock_guard<std::mutex> lk(mu_);
      registration_ = Registration::None;
      cb_state_ = CallbackState::Idle;
      cb_ = nullptr;
      cb_destroy_ = nullptr;
      set_last_error(make_error(TINKER_E_FAILED_PRECONDITION, "the client runtime has shut down"));
      return TINKER_E_FAILED_PRECONDITION;
    }
  }
  return TINKER_OK;
}

tinker_status_t FutureState::set_queue(std::shared_ptr<CompletionQueue> queue, uint64_t tag) {
  bool already_done;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (registration_ != Registration::None) {
      set_last_error(make_error(TINKER_E_FAILED_PRECONDITION, "future already has a callback or completion queue"));
      return TINKER_E_FAILED_PRECONDITION;
    }
    registration_ = Registration::Queue;
    queue_ = std::move(queue);
    queue_tag_ = tag;
    already_done = done_;
  }
  if (already_done) queue_->push(tag);
  return TINKER_OK;
}

void FutureState::release() {
  // Detach the callback first, cancel afterwards. Cancelling first would queue the callback
  // (finish) before it is detached, and the completion thread could start it while free runs.
  tinker_destroy_notify_t destroy = nullptr;
  void* ud = nullptr;
  {
    std::unique_lock<std::mutex> lk(mu_);
    if (registration_ == Registration::Callback) {
      if (cb_state_ == CallbackState::Idle || cb_state_ == CallbackState::Queued) {
        // The callback never started and now never will: only destroy remains.
        cb_state_ = CallbackState::Finished;
        destroy = cb_destroy_;
        ud = cb_user_data_;
      } else if (cb_state_ == CallbackState::Running && cb_thread_ != std::this_thread::get_id()) {
        cv_.wait(lk, [&] { return cb_state_ == CallbackState::Finished; });
      }
    }
    handle_ = nullptr;
  }
  cancel();
  if (destroy) destroy(ud);
}

void FutureState::add_waiter(const std::shared_ptr<MultiWaiter>& w) {
  std::lock_guard<std::mutex> lk(mu_);
  waiters_.push_back(w);
}

void FutureState::remove_waiter(const std::shared_ptr<MultiWaiter>& w) {
  std::lock_guard<std::mutex> lk(mu_);
  for (auto it = waiters_.begin(); it != waiters_.end(); ++it)
    if (*it == w) { waiters_.erase(it); return; }
}

}  // namespace tinker
