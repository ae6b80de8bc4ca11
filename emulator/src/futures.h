// retrieve_future (protocol.md §2.7, §3): long-poll holding, try_again with queue state,
// complete_metadata for large results, error envelopes, and 410 for unknown/expired ids.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <string>
#include <unordered_map>

#include "event_loop.h"
#include "exchange.h"

namespace emu {

class JobTable;
struct Job;
struct Settings;

class FuturePolls {
 public:
  // How an answer goes out: App::reply, which applies the request's fault and logs the status.
  using Reply = std::function<void(Exchange*, Response)>;

  // Polls look jobs up in `jobs`, hold and answer per `settings` (poll_hold_ms, queue_state,
  // metadata_threshold_bytes) on `loop`'s timers, and answer through `reply`.
  FuturePolls(EventLoop& loop, JobTable& jobs, const Settings& settings, Reply reply)
      : loop_(loop), jobs_(jobs), settings_(settings), reply_(std::move(reply)) {}

  // POST /api/v1/retrieve_future, after auth and body parsing.
  void handle(Exchange* ex);
  // A job finished: answer every poll held for it.
  void job_done(Job& job);
  // Number of polls currently held open.
  size_t held() const { return held_; }
  // Forget held polls without answering (shutdown).
  void clear();

 private:
  struct Waiter {
    Exchange* ex;
    bool allow_metadata_only;
    EventLoop::TimerId timer;
  };
  void deliver(Exchange* ex, Job& job, bool allow_metadata_only);
  // The 410 of an unknown, expired or forgotten request id.
  void expired(Exchange* ex, const std::string& request_id);
  void try_again(Exchange* ex, const std::string& request_id, const std::string& queue_state,
                 const std::string* reason);
  void hold_expired(const std::string& job_id, std::list<Waiter>::iterator it);

  EventLoop& loop_;
  JobTable& jobs_;
  const Settings& settings_;
  Reply reply_;
  std::unordered_map<std::string, std::list<Waiter>> waiting_;
  size_t held_ = 0;
};

}  // namespace emu
