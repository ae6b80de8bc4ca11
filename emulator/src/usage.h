// The usage behind GET /api/v1/billing/usage/events (protocol.md §2.6, §7.18; docs/emulator.md
// "Billing"), kept in the database: tokens and checkpoint saves summed per user, UTC hour,
// event type, session, base model (and, for prefill, cached or not) in table usage; and the
// time each checkpoint file was stored (table storage_spans), from which a query computes
// gigabyte-hours per hour. Thread-safe: training and sampling jobs record on workers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db.h"

namespace emu {

namespace usage_type {
inline constexpr const char* kTraining = "training";
inline constexpr const char* kSamplingPrefill = "sampling_prefill";
inline constexpr const char* kSamplingSample = "sampling_sample";
inline constexpr const char* kCheckpoint = "checkpoint";
inline constexpr const char* kStorage = "storage";
}  // namespace usage_type

// Who used something and on what.
struct UsageSource {
  std::string user;
  std::string session_id;
  std::string base_model;
};

// One row of a usage query: a bucket of one hour.
struct UsageRow {
  int64_t hour = 0;  // the bucket's start, unix seconds
  std::string event_type;
  std::string session_id;
  std::string base_model;
  int cached = -1;              // sampling_prefill: 0 or 1; else -1
  int64_t amount = 0;           // tokens or checkpoints (storage: 0)
  double gigabyte_hours = 0;    // storage only (1 GB = 10^9 bytes)
};

class UsageLedger {
 public:
  static constexpr int64_t kHour = 3600;

  explicit UsageLedger(Db& db) : db_(db) {}

  // Adds `amount` (tokens, or 1 checkpoint) to the bucket of the hour containing `t_unix`.
  // Nothing for amount <= 0. `cached`: -1 unless the type is sampling_prefill.
  void add(const UsageSource& src, const char* event_type, int64_t amount, double t_unix,
           int cached = -1);

  // A checkpoint file of `size_bytes` is stored at `tinker_path` from `t_unix` on; and is gone
  // (deleted, expired, replaced) at `t_unix`. Inside the caller's transaction, if any.
  void storage_begin(const std::string& tinker_path, const UsageSource& src, int64_t size_bytes,
                     double t_unix);
  void storage_end(const std::string& tinker_path, double t_unix);

  // `user`'s usage in the hours [from_hour, to_hour) (unix seconds, multiples of kHour),
  // ordered by hour, event type, session, base model; storage counted up to `now_unix` for
  // files still stored. Buckets with nothing in them are left out.
  std::vector<UsageRow> rows(const std::string& user, int64_t from_hour, int64_t to_hour,
                             double now_unix);

 private:
  void storage_rows(const std::string& user, int64_t from_hour, int64_t to_hour, double now_unix,
                    std::vector<UsageRow>* out);
  Db& db_;
};

}  // namespace emu
