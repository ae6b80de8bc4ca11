// A runtime per service client: one IO thread running the libcurl multi loop (woken for new
// work; timers for backoff, heartbeats and config refresh) and one completion thread for user
// callbacks. No thread per request or per future (docs/design.md "Threads").
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/completion_executor.h"
#include "core/error.h"
#include "core/log.h"
#include "core/saturating_time.h"
#include "core/time_source.h"
#include "http/transport.h"

namespace tinker {

// Work the IO thread is doing on behalf of a future; aborted at shutdown.
class Operation {
 public:
  virtual ~Operation() = default;
  virtual void abort(const Error& why) = 0;  // IO thread
};

class Runtime {
 public:
  // `logger` receives what must not pass silently on the IO thread (an exception that escaped
  // a task: the task is dropped, the loop goes on).
  // `time` is where timers read the time (TimeSource: real, or a test clock that skips waits).
  Runtime(http::Settings settings, Logger logger, std::shared_ptr<TimeSource> time = std::make_shared<TimeSource>());
  ~Runtime();  // shutdown()
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Runs `fn` on the IO thread. Any thread. Returns false (fn dropped) after shutdown began.
  bool post(std::function<void()> fn);

  using TimerId = uint64_t;
  // The runtime's time: timers, backoffs and deadlines are measured on it. Any thread.
  Clock::time_point now() const { return time_->now(); }
  const TimeSource& time_source() const { return *time_; }

  // IO thread only. `seconds` saturates (core/saturating_time.h): a delay past the clock's range
  // never fires; zero, negative or NaN fires at the next turn of the loop.
  TimerId add_timer(double seconds, std::function<void()> fn);
  void cancel_timer(TimerId id);
  // Starts a transfer; `done` runs on the IO thread, guarded like every other task.
  uint64_t http(http::Request req, http::Done done) {
    if (time_->stamps_requests()) stamp(req);
    return transport_->start(std::move(req), std::move(done));
  }
  void cancel_http(uint64_t id) { transport_->cancel(id); }
  void track(const std::shared_ptr<Operation>& op);
  void untrack(Operation* op);

  const std::shared_ptr<CompletionExecutor>& completion() const { return completion_; }
  // Runs `fn` on the runtime's worker thread, started on first use: work too long for the IO
  // thread and not the user's to wait for on the completion thread (loading a tokenizer, tens of
  // ms). Any thread. False (fn dropped) once shutdown began; what was queued before runs then.
  bool run_in_background(std::function<void()> fn);
  bool on_io_thread() const { return std::this_thread::get_id() == io_thread_id_; }
  size_t operations_in_flight() const { return ops_count_.load(); }

  // Aborts every operation (their futures end CANCELLED), stops and joins the IO thread, then
  // runs the queued callbacks and joins the completion thread. Idempotent.
  void shutdown();

 private:
  void loop();
  void run_due_timers();
  // Runs one task of the IO thread; an exception it lets escape is logged, never propagated
  // (it would end the thread and the process).
  template <class F>
  void run_task(F&& fn) noexcept {
    try {
      fn();
    } catch (const std::exception& e) {
      report_escaped(e.what());
    } catch (...) {
      report_escaped("unknown exception");
    }
  }
  void report_escaped(const char* what) noexcept;
  // Tests only (core/time_source.h): the send time on the runtime's clock, X-Tinker-Test-Clock-Us.
  void stamp(http::Request& req) const;
  // How long the loop may wait for I/O: until the next timer (at most 1 s). With a skipping
  // clock, an operation that is only waiting for a timer gets it at once.
  int next_wait_ms();

  Logger logger_;
  std::shared_ptr<TimeSource> time_;
  std::unique_ptr<http::Transport> transport_;
  std::shared_ptr<CompletionExecutor> completion_;
  std::mutex background_mu_;
  std::unique_ptr<CompletionExecutor> background_;  // guarded by background_mu_ until shutdown

  std::mutex post_mu_;
  std::vector<std::function<void()>> posted_;
  bool stopping_ = false;

  // IO-thread state.
  struct Timer {
    TimerId id;
    std::function<void()> fn;
  };
  std::multimap<Clock::time_point, Timer> timers_;
  std::unordered_map<TimerId, std::multimap<Clock::time_point, Timer>::iterator> timer_index_;
  TimerId next_timer_ = 1;
  std::unordered_map<Operation*, std::shared_ptr<Operation>> ops_;
  std::atomic<size_t> ops_count_{0};

  std::thread io_thread_;
  std::thread::id io_thread_id_;
  std::once_flag shutdown_once_;
};

}  // namespace tinker
