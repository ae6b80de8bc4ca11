// Layer 3 of the retry policy (protocol.md §4.3) for one sampling client: at most
// max_connections sample operations in flight (submission and polling), the delays between
// whole-sample retries, and stuck detection. IO thread only.
//
// The official client shares one handler among sampling clients of the same sampling session
// and settings; here a sampling session has exactly one client, which owns its handler.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>

#include "core/error.h"
#include "core/runtime.h"
#include "core/slots.h"
#include "wire/api_messages.h"

namespace tinker {

// An operation the handler can end when the client makes no progress.
class StuckObserver {
 public:
  virtual ~StuckObserver() = default;
  virtual void stuck(const Error& why) = 0;
};

class SampleHandler {
 public:
  // `max_connections`: the server's sample_max_concurrent_requests, which always replaces the
  // setting's own (§4.3); `stuck_detection`: the setting, forced off by the server's flag.
  // Made on any thread; used on the IO thread only. Its stuck-detection timer exists only while
  // operations are in flight, and they hold the handler.
  SampleHandler(Runtime& rt, const wire::api::RetryConfig& settings, int64_t max_connections, bool stuck_detection);

  // Runs `go` when the operation may start; it is then in flight until leave().
  void enter(std::function<void()> go) { slots_.acquire(std::move(go)); }
  // Gives back the place of an operation that ended before enter's go ran.
  void forgo() { slots_.release(); }
  // The in-flight operation `op` starts (after enter's go) / ends (succeeded: it made progress).
  void join(StuckObserver* op);
  void leave(StuckObserver* op, bool succeeded);

  bool retries_enabled() const { return settings_.enable_retry_logic; }
  // The wait before whole-sample retry number `attempt` + 1 (0-based).
  double retry_delay(int attempt) const;

 private:
  void arm();
  void check();

  Runtime& rt_;
  wire::api::RetryConfig settings_;
  bool stuck_detection_;
  Slots slots_;
  std::set<StuckObserver*> in_flight_;
  Clock::time_point last_progress_;
  Runtime::TimerId timer_ = 0;
};

}  // namespace tinker
