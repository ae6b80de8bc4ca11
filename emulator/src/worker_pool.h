// A small fixed pool of threads for job bodies (result construction today, model compute
// later). Workers never touch evhttp or emulator tables; they hand results back through
// EventLoop::post().
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace emu {

class WorkerPool {
 public:
  explicit WorkerPool(int n_threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void submit(std::function<void()> task);
  // Lets running tasks finish, discards queued ones, joins the threads. Idempotent.
  void stop();
  int size() const { return static_cast<int>(threads_.size()); }

 private:
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace emu
