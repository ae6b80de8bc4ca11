// The audit log behind GET /api/v1/audit (protocol.md §2.6, §7.17; docs/emulator.md "Audit
// log"): what happened to a user's checkpoints, training runs and sessions, kept in the
// database (table audit_log). Thread-safe: checkpoint saves record from workers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db.h"

namespace emu {

// Event names. Checkpoint events all start with "checkpoint_" (event_type=checkpoints).
namespace audit_event {
inline constexpr const char* kCheckpointSaved = "checkpoint_saved";
inline constexpr const char* kCheckpointDeleted = "checkpoint_deleted";
inline constexpr const char* kCheckpointExpired = "checkpoint_expired";
inline constexpr const char* kCheckpointPublished = "checkpoint_published";
inline constexpr const char* kCheckpointUnpublished = "checkpoint_unpublished";
inline constexpr const char* kCheckpointTtlSet = "checkpoint_ttl_set";
inline constexpr const char* kCheckpointArchiveDownload = "checkpoint_archive_download";
inline constexpr const char* kTrainingRunCreated = "training_run_created";
inline constexpr const char* kSessionCreated = "session_created";
}  // namespace audit_event

struct AuditRecord {
  double time_unix = 0;
  std::string event;
  std::optional<std::string> model_id;
  std::optional<std::string> tinker_path;
  std::optional<std::string> purpose;
};

class AuditLog {
 public:
  explicit AuditLog(Db& db) : db_(db) {}

  // Appends an entry to `user`'s log (inside the caller's transaction, if it has one).
  void record(const std::string& user, const AuditRecord& r);
  // `user`'s entries, oldest first: every event, or only checkpoint events; only those in
  // [from_unix, to_unix) when a window is given.
  std::vector<AuditRecord> entries(const std::string& user, bool checkpoints_only,
                                   std::optional<double> from_unix, std::optional<double> to_unix);

 private:
  Db& db_;
};

}  // namespace emu
