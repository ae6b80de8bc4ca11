#include "core/runtime.h"

namespace tinker {

Runtime::Runtime(http::Settings settings, Logger logger, std::shared_ptr<TimeSource> time)
    : logger_(std::move(logger)),
      time_(std::move(time)),
      transport_(std::make_unique<http::Transport>(std::move(settings),
                                                   [this](const char* what) { report_escaped(what); })),
      completion_(std::make_shared<CompletionExecutor>()) {
  io_thread_ = std::thread([this] { loop(); });
  io_thread_id_ = io_thread_.get_id();
}

Runtime::~Runtime() { shutdown(); }

bool Runtime::run_in_background(std::function<void()> fn) {
  std::lock_guard<std::mutex> lk(background_mu_);
  {
    std::lock_guard<std::mutex> post_lk(post_mu_);
    if (stopping_) return false;
  }
  if (!background_) background_ = std::make_unique<CompletionExecutor>();
  return background_->post(std::move(fn));
}

bool Runtime::post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lk(post_mu_);
    if (stopping_) return false;
    posted_.push_back(std::move(fn));
  }
  transport_->wakeup();
  return true;
}

Runtime::TimerId Runtime::add_timer(double seconds, std::function<void()> fn) {
  TimerId id = next_timer_++;
  auto when = saturating_add(now(), seconds);
  auto it = timers_.emplace(when, Timer{id, std::move(fn)});
  timer_index_.emplace(id, it);
  return id;
}

void Runtime::report_escaped(const char* what) noexcept {
  try {
    logger_.error(std::string("internal error on the IO thread, task dropped: ") + what);
  } catch (...) {  // out of memory even for the message: nothing more can be done
  }
}

void Runtime::stamp(http::Request& req) const {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now().time_since_epoch()).count();
  req.headers.emplace_back("X-Tinker-Test-Clock-Us", std::to_string(us));
}

void Runtime::cancel_timer(TimerId id) {
  auto it = timer_index_.find(id);
  if (it == timer_index_.end()) return;
  timers_.erase(it->second);
  timer_index_.erase(it);
}

void Runtime::track(const std::shared_ptr<Operation>& op) {
  ops_.emplace(op.get(), op);
  ops_count_.store(ops_.size());
}

void Runtime::untrack(Operation* op) {
  ops_.erase(op);
  ops_count_.store(ops_.size());
}

void Runtime::run_due_timers() {
  const auto t = now();
  while (!timers_.empty() && timers_.begin()->first <= t) {
    auto it = timers_.begin();
    auto fn = std::move(it->second.fn);
    timer_index_.erase(it->second.id);
    timers_.erase(it);
    run_task(fn);
  }
}

int Runtime::next_wait_ms() {
  if (timers_.empty()) return 1000;
  const auto due = timers_.begin()->first;
  if (!ops_.empty() && transport_->in_flight() == 0 && time_->skip_to(due)) return 0;
  auto d = std::chrono::duration_cast<std::chrono::milliseconds>(due - now()).count();
  if (d < 0) return 0;
  return d > 1000 ? 1000 : static_cast<int>(d) + 1;  // +1: never wake just before the timer
}

void Runtime::loop() {
  std::vector<std::function<void()>> batch;
  for (;;) {
    bool stopping;
    {
      std::lock_guard<std::mutex> lk(post_mu_);
      batch.swap(posted_);
      stopping = stopping_;
    }
    for (auto& fn : batch) run_task(fn);
    batch.clear();
    if (stopping) break;
    run_due_timers();
    {
      std::lock_guard<std::mutex> lk(post_mu_);
      if (!posted_.empty() || stopping_) continue;
    }
    transport_->run_once(next_wait_ms());
  }
  // Shutdown on the IO thread: abort every operation so its future ends CANCELLED.
  Error why = make_error(TINKER_E_CANCELLED, "client shut down");
  while (!ops_.empty()) {
    auto op = ops_.begin()->second;
    ops_.erase(ops_.begin());
    op->abort(why);
  }
  ops_count_.store(0);
  timers_.clear();
  timer_index_.clear();
}

void Runtime::shutdown() {
  std::call_once(shutdown_once_, [this] {
    {
      std::lock_guard<std::mutex> lk(post_mu_);
      stopping_ = true;
    }
    transport_->wakeup();
    if (io_thread_.joinable()) {
      if (on_io_thread()) io_thread_.detach();  // never expected: user code does not run here
      else io_thread_.join();
    }
    transport_.reset();
    std::unique_ptr<CompletionExecutor> background;
    {
      std::lock_guard<std::mutex> lk(background_mu_);
      background = std::move(background_);
    }
    if (background) background->shutdown();  // before the completion thread: its work completes futures
    completion_->shutdown();
  });
}

}  // namespace tinker
