#include "event_loop.h"

#include <event2/event.h>
#include <event2/thread.h>

#include <stdexcept>

namespace emu {

struct EventLoop::Timer {
  EventLoop* loop;
  TimerId id;
  event* ev;
  std::function<void()> fn;
};

EventLoop::EventLoop() : start_(std::chrono::steady_clock::now()) {
  // Must precede event_base_new so the base gets locks and a notify fd: post() calls
  // event_active() from worker threads.
  if (evthread_use_pthreads() != 0) throw std::runtime_error("evthread_use_pthreads failed");
  base_ = event_base_new();
  if (base_ == nullptr) throw std::runtime_error("event_base_new failed");
  wake_ = event_new(base_, -1, 0, &EventLoop::on_wake, this);
}

EventLoop::~EventLoop() {
  for (auto& kv : timers_) event_free(kv.second->ev);
  timers_.clear();
  if (wake_ != nullptr) event_free(wake_);
  if (base_ != nullptr) event_base_free(base_);
}

void EventLoop::run() { event_base_dispatch(base_); }

void EventLoop::stop() { event_base_loopbreak(base_); }

EventLoop::TimerId EventLoop::after(int64_t ms, std::function<void()> fn) {
  if (ms < 0) ms = 0;
  auto t = std::make_unique<Timer>();
  t->loop = this;
  t->id = next_timer_++;
  t->fn = std::move(fn);
  t->ev = evtimer_new(base_, &EventLoop::on_timer, t.get());
  timeval tv;
  tv.tv_sec = static_cast<time_t>(ms / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  evtimer_add(t->ev, &tv);
  TimerId id = t->id;
  timers_.emplace(id, std::move(t));
  return id;
}

void EventLoop::cancel(TimerId id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  event_free(it->second->ev);
  timers_.erase(it);
}

void EventLoop::on_timer(int, short, void* arg) {
  auto* t = static_cast<Timer*>(arg);
  EventLoop* loop = t->loop;
  auto it = loop->timers_.find(t->id);
  if (it == loop->timers_.end()) return;
  // Detach before running: the callback may schedule or cancel other timers.
  std::unique_ptr<Timer> owned = std::move(it->second);
  loop->timers_.erase(it);
  std::function<void()> fn = std::move(owned->fn);
  event_free(owned->ev);
  owned.reset();
  fn();
}

void EventLoop::post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(posted_mu_);
    posted_.push_back(std::move(fn));
  }
  event_active(wake_, EV_READ, 0);
}

void EventLoop::on_wake(int, short, void* arg) { static_cast<EventLoop*>(arg)->drain_posted(); }

void EventLoop::drain_posted() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(posted_mu_);
    batch.swap(posted_);
  }
  for (auto& fn : batch) fn();
}

double EventLoop::now_ms() const {
  auto d = std::chrono::steady_clock::now() - start_;
  return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace emu
