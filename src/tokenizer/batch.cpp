#include "tokenizer/batch.h"

#include <atomic>
#include <thread>
#include <vector>

namespace tinker::tok {

void run_parallel(size_t n, size_t threads, const std::function<void(size_t)>& job) {
  if (threads == 0) threads = std::max<size_t>(1, std::thread::hardware_concurrency());
  if (threads > n) threads = n;
  std::atomic<size_t> next{0};
  // Jobs must not throw (the caller records failures per job): a worker just takes the next.
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) job(i);
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
}

}  // namespace tinker::tok
