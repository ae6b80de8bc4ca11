// What asample remembers between requests (protocol.md §4.3, §4.4, §5.3). Loop thread only.
//  - Per sampling session, the seq_ids it has accepted and the future each got, so that an
//    identical resend (the client retrying a submission whose answer was lost) gets the
//    original request_id instead of sampling twice. Sampling seq_ids start at 0 and have gaps
//    (every new attempt of a sample takes a new one), so nothing waits for a missing one.
//  - How many sample requests are in flight (accepted, not yet finished), for backpressure,
//    and counters for GET /_emulator/stats.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>

#include "models.h"

namespace emu {

class SampleLedger {
 public:
  // Records kept per sampling session, the oldest forgotten first: far more than the SDK's
  // 2000 concurrent requests.
  static constexpr size_t kSeqRecordsKept = 16384;

  // The submission accepted at `seq` in `scope` (a sampling session id), or null.
  const SeqRecord* find(const std::string& scope, int64_t seq) const;
  void remember(const std::string& scope, int64_t seq, uint64_t digest,
                const std::string& request_id);

  void accepted() {
    ++accepted_;
    if (++in_flight_ > peak_) peak_ = in_flight_;
  }
  void finished() { --in_flight_; }
  void refused_by_backpressure() { ++backpressure_429s_; }

  int64_t in_flight() const { return in_flight_; }
  // The most in flight at once since the emulator started or the last reset_peak().
  int64_t in_flight_peak() const { return peak_; }
  void reset_peak() { peak_ = in_flight_; }
  int64_t accepted_total() const { return accepted_; }
  int64_t backpressure_429s() const { return backpressure_429s_; }

 private:
  struct Scope {
    std::map<int64_t, SeqRecord> by_seq;
    std::deque<int64_t> order;  // insertion order, for the bound
  };
  std::unordered_map<std::string, Scope> scopes_;
  int64_t in_flight_ = 0;
  int64_t peak_ = 0;
  int64_t accepted_ = 0;
  int64_t backpressure_429s_ = 0;
};

}  // namespace emu
