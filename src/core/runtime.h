// A runtime per service client: one IO thread running the libcurl multi loop (woken for new
// work; timers for backoff, heartbeats and config refresh) and one completion thread for user
// callbacks. No thread per request or per future (ARCHITECTURE.md "Threading").
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
#include "http/transport.h"

namespace tinker {

using Clock = std::chrono::steady_clock;

// Work the IO thread is doing on behalf of a future; aborted at shutdown.
class Operation {
 public:
  virtual ~Operation() = default;
  virtual void abort(const Error& why) = 0;  // IO thread
};

class Runtime {
 public:
  explicit Runtime(http::Settings settings);
  ~Runtime();  // shutdown()
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Runs `fn` on the IO thread. Any thread. Returns false (fn dropped) after shutdown began.
  bool post(std::function<void()> fn);

  using TimerId = uint64_t;
  // IO thread only.
  TimerId add_timer(double seconds, std::function<void()> fn);
  void cancel_timer(TimerId id);
  uint64_t http(http::Request req, http::Done done) { return transport_->start(std::move(req), std::move(done)); }
  void cancel_http(uint64_t id) { transport_->cancel(id); }
  void track(const std::shared_ptr<Operation>& op);
  void untrack(Operation* op);

  const std::shared_ptr<CompletionExecutor>& completion() const { return completion_; }
  bool on_io_thread() const { return std::this_thread::get_id() == io_thread_id_; }
  size_t operations_in_flight() const { return ops_count_.load(); }

  // Aborts every operation (their futures end CANCELLED), stops and joins the IO thread, then
  // runs the queued callbacks and joins the completion thread. Idempotent.
  void shutdown();

 private:
  void loop();
  void run_due_timers();
  int ms_until_next_timer() const;

  std::unique_ptr<http::Transport> transport_;
  std::shared_ptr<CompletionExecutor> completion_;

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
