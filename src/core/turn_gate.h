// Request ordering for one training client (protocol.md §6.1): ids are reserved at call time in
// call order; the submission of id k starts only after the submissions of every id < k
// finished (successfully or not), so the server receives each model's requests in strictly
// increasing seq_id order. Results are not ordered. IO thread only, except reserve().
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace tinker {

class TurnGate {
 public:
  // Reserves `count` consecutive ids and returns the first. Any thread; the order of calls is
  // the order of ids. The first id is 0 (seq_id = id + 1 on the wire).
  uint64_t reserve(uint64_t count);
  // Runs `go` once every id below `first` has been released (at once if that is already so).
  void wait_turn(uint64_t first, std::function<void()> go);
  // Ends the turn of ids [first, last]: the next waiting id may go. Must be called exactly once
  // per reservation, also when its submission failed or was cancelled.
  void release(uint64_t first, uint64_t last);
  uint64_t next_turn() const { return turn_; }

 private:
  void advance();
  std::mutex reserve_mu_;
  uint64_t next_id_ = 0;
  uint64_t turn_ = 0;                                 // lowest id whose submission has not ended
  std::map<uint64_t, uint64_t> released_early_;      // first → last, released out of order
  std::map<uint64_t, std::function<void()>> waiting_; // first id → continuation
};

}  // namespace tinker
