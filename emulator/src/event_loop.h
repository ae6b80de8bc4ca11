// The single libevent loop thread that owns every connection and every piece of emulator
// state except the job closures running on workers. Other threads talk to it only through
// post(), so no lock guards sessions, faults, the request log or the job table.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

struct event_base;
struct event;

namespace emu {

class EventLoop {
 public:
  using TimerId = uint64_t;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  event_base* base() const { return base_; }

  // Runs until stop() (or a SIGTERM/SIGINT handler calls it).
  void run();
  void stop();

  // One-shot timer on the loop thread. The callback never runs after cancel().
  TimerId after(int64_t ms, std::function<void()> fn);
  void cancel(TimerId id);

  // Thread-safe: queue `fn` to run on the loop thread soon (how workers hand completions back;
  // evhttp objects must only be touched on the loop thread).
  void post(std::function<void()> fn);

  // Milliseconds since the loop was created, monotonic clock (request-log timestamps).
  double now_ms() const;

 private:
  struct Timer;
  static void on_timer(int, short, void* arg);
  static void on_wake(int, short, void* arg);
  void drain_posted();

  event_base* base_ = nullptr;
  event* wake_ = nullptr;
  std::chrono::steady_clock::time_point start_;
  TimerId next_timer_ = 1;
  std::unordered_map<TimerId, std::unique_ptr<Timer>> timers_;
  std::mutex posted_mu_;
  std::vector<std::function<void()>> posted_;
};

}  // namespace emu
