// A byte budget with overdraft (protocol.md §6.9): a waiter proceeds as soon as the balance is
// >= 0 and then subtracts its full cost, so the balance may go negative. Waiting for
// "balance >= cost" instead would deadlock on items larger than the budget. Waiters proceed in
// arrival order. IO thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <utility>

namespace tinker {

class BytesBudget {
 public:
  explicit BytesBudget(int64_t capacity) : balance_(capacity) {}
  // Runs `go` once the cost may be charged (at once when nobody waits and balance >= 0).
  void acquire(int64_t cost, std::function<void()> go);
  void release(int64_t cost);
  int64_t balance() const { return balance_; }
  size_t waiting() const { return waiters_.size(); }

 private:
  void drain();
  int64_t balance_;
  std::deque<std::pair<int64_t, std::function<void()>>> waiters_;
};

}  // namespace tinker
