#include "core/bytes_budget.h"

namespace tinker {

void BytesBudget::acquire(int64_t cost, std::function<void()> go) {
  waiters_.emplace_back(cost, std::move(go));
  drain();
}

void BytesBudget::release(int64_t cost) {
  balance_ += cost;
  drain();
}

void BytesBudget::drain() {
  while (!waiters_.empty() && balance_ >= 0) {
    auto w = std::move(waiters_.front());
    waiters_.pop_front();
    balance_ -= w.first;
    w.second();
  }
}

}  // namespace tinker
