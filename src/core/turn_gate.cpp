#include "core/turn_gate.h"

namespace tinker {

uint64_t TurnGate::reserve(uint64_t count) {
  std::lock_guard<std::mutex> lk(reserve_mu_);
  uint64_t first = next_id_;
  next_id_ += count;
  return first;
}

void TurnGate::wait_turn(uint64_t first, std::function<void()> go) {
  if (first <= turn_) return go();
  waiting_.emplace(first, std::move(go));
}

void TurnGate::release(uint64_t first, uint64_t last) {
  // A reservation can end before its turn came (cancelled while waiting): remember it so the
  // turn skips over it when it arrives.
  if (first != turn_) {
    waiting_.erase(first);
    released_early_.emplace(first, last);
    return;
  }
  turn_ = last + 1;
  advance();
}

void TurnGate::advance() {
  for (;;) {
    auto early = released_early_.find(turn_);
    if (early != released_early_.end()) {
      turn_ = early->second + 1;
      released_early_.erase(early);
      continue;
    }
    auto it = waiting_.find(turn_);
    if (it == waiting_.end()) return;
    auto go = std::move(it->second);
    waiting_.erase(it);
    go();  // may release synchronously (and so advance further) or later
    return;
  }
}

}  // namespace tinker
