#include "tokenizer/batch.h"

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>
#include <vector>

namespace tinker::tok {

void run_parallel(size_t n, size_t threads, const std::function<void(size_t)>& job) {
  if (threads == 0) threads = std::max<size_t>(1, std::thread::hardware_concurrency());
  // More threads than jobs, or than a machine could run, only cost memory.
  threads = std::min({threads, n, kMaxThreads});
  std::atomic<size_t> next{0};
  // Jobs must not throw (the caller records failures per job): a worker just takes the next.
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) job(i);
  };
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (size_t t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(worker);
    } catch (const std::system_error&) {
      break;  // no more threads to be had: the ones running (and this one) do every job
    }
  }
  worker();
  for (std::thread& t : pool) t.join();
}

}  // namespace tinker::tok
