#include "audit.h"

namespace emu {

void AuditLog::record(const std::string& user, const AuditRecord& r) {
  Db::Use use(db_);
  Db::Stmt(db_,
           "INSERT INTO audit_log (user_id, time_unix, event, model_id, tinker_path, purpose) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind(1, user)
      .bind(2, r.time_unix)
      .bind(3, r.event)
      .bind(4, r.model_id)
      .bind(5, r.tinker_path)
      .bind(6, r.purpose)
      .run();
}

std::vector<AuditRecord> AuditLog::entries(const std::string& user, bool checkpoints_only,
                                           std::optional<double> from_unix,
                                           std::optional<double> to_unix) {
  Db::Use use(db_);
  // One statement for every filter: a NULL bound parameter switches its condition off.
  Db::Stmt s(db_,
             "SELECT time_unix, event, model_id, tinker_path, purpose FROM audit_log "
             "WHERE user_id = ?1 AND (?2 = 0 OR event LIKE 'checkpoint\\_%' ESCAPE '\\') "
             "AND (?3 IS NULL OR time_unix >= ?3) AND (?4 IS NULL OR time_unix < ?4) "
             "ORDER BY time_unix, id");
  s.bind(1, user).bind(2, checkpoints_only).bind(3, from_unix).bind(4, to_unix);
  std::vector<AuditRecord> out;
  while (s.step()) {
    AuditRecord r;
    r.time_unix = s.f64(0);
    r.event = s.text(1);
    r.model_id = s.opt_text(2);
    r.tinker_path = s.opt_text(3);
    r.purpose = s.opt_text(4);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace emu
