#include "runs.h"

namespace emu {

namespace mdl = ::tinker::emu;

namespace {

// The columns every query reads, in RunRecord order; the session's project comes from a join
// so that assigning a session to a project (PUT sessions/{id}/project) moves its runs with it.
#define RUN_COLUMNS                                                                              \
  "r.id, r.user_id, r.session_id, r.model_seq_id, r.created_by, r.state, r.user_metadata, "      \
  "r.created_unix, r.last_request_unix, s.project_id, r.base_model, r.vocab_size, r.hidden_size, " \
  "r.synthetic, r.lora_rank, r.lora_seed, r.lora_alpha, r.train_unembed, r.train_mlp, r.train_attn"
#define RUN_FROM " FROM training_runs r LEFT JOIN sessions s ON s.id = r.session_id "

RunRecord read_run(const Db::Stmt& s) {
  RunRecord r;
  r.id = s.text(0);
  r.user = s.text(1);
  r.session_id = s.text(2);
  r.model_seq_id = s.i64(3);
  r.created_by = s.text(4);
  r.ready = s.text(5) == "ready";
  r.user_metadata = s.text(6);
  r.created_unix = s.f64(7);
  r.last_request_unix = s.f64(8);
  r.project_id = s.opt_text(9);
  r.config = read_config(s, 10);
  return r;
}

}  // namespace

RunStore::RunStore(Db& db, AuditLog& audit) : db_(db), audit_(audit) {
  Db::Use use(db_);
  Db::Stmt(db_, "DELETE FROM training_runs WHERE state = 'creating'").run();
}

void RunStore::add(const RunRecord& r) {
  Db::Use use(db_);
  Db::Stmt s(db_,
             "INSERT OR REPLACE INTO training_runs (id, user_id, session_id, model_seq_id, created_by, "
             "state, user_metadata, created_unix, last_request_unix, base_model, vocab_size, "
             "hidden_size, synthetic, lora_rank, lora_seed, lora_alpha, train_unembed, train_mlp, "
             "train_attn) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
             "?16, ?17, ?18, ?19)");
  s.bind(1, r.id)
      .bind(2, r.user)
      .bind(3, r.session_id)
      .bind(4, r.model_seq_id)
      .bind(5, r.created_by)
      .bind(6, r.ready ? "ready" : "creating")
      .bind(7, r.user_metadata)
      .bind(8, r.created_unix)
      .bind(9, r.last_request_unix);
  bind_config(s, 10, r.config);
  s.run();
}

void RunStore::set_ready(const std::string& id, const mdl::ModelConfig& config, double t_unix) {
  Db::Tx tx(db_);
  std::optional<std::string> user;
  {
    Db::Stmt s(db_, "SELECT user_id FROM training_runs WHERE id = ?1");
    s.bind(1, id);
    if (s.step()) user = s.text(0);
  }
  if (!user) return;
  Db::Stmt s(db_,
             "UPDATE training_runs SET state = 'ready', base_model = ?2, vocab_size = ?3, "
             "hidden_size = ?4, synthetic = ?5, lora_rank = ?6, lora_seed = ?7, lora_alpha = ?8, "
             "train_unembed = ?9, train_mlp = ?10, train_attn = ?11 WHERE id = ?1");
  s.bind(1, id);
  bind_config(s, 2, config);
  s.run();
  std::optional<std::string> how;
  {
    Db::Stmt c(db_, "SELECT created_by FROM training_runs WHERE id = ?1");
    c.bind(1, id);
    if (c.step()) how = c.text(0);
  }
  audit_.record(*user, AuditRecord{t_unix, audit_event::kTrainingRunCreated, id, std::nullopt, how});
  tx.commit();
}

void RunStore::remove(const std::string& id) {
  Db::Use use(db_);
  Db::Stmt(db_, "DELETE FROM training_runs WHERE id = ?1").bind(1, id).run();
}

void RunStore::touch(const std::string& id, double t_unix) {
  Db::Use use(db_);
  Db::Stmt(db_, "UPDATE training_runs SET last_request_unix = MAX(last_request_unix, ?2) WHERE id = ?1")
      .bind(1, id)
      .bind(2, t_unix)
      .run();
}

std::vector<RunRecord> RunStore::select(const char* sql, const std::string& arg, bool has_arg) {
  Db::Use use(db_);
  Db::Stmt s(db_, sql);
  if (has_arg) s.bind(1, arg);
  std::vector<RunRecord> out;
  while (s.step()) out.push_back(read_run(s));
  return out;
}

std::optional<RunRecord> RunStore::find(const std::string& id) {
  std::vector<RunRecord> v = select("SELECT " RUN_COLUMNS RUN_FROM "WHERE r.id = ?1", id, true);
  if (v.empty()) return std::nullopt;
  return std::move(v.front());
}

std::vector<RunRecord> RunStore::of_session(const std::string& session_id) {
  // rowid: creation order, also between runs made in the same microsecond.
  return select("SELECT " RUN_COLUMNS RUN_FROM "WHERE r.session_id = ?1 ORDER BY r.created_unix, r.rowid",
                session_id, true);
}

std::vector<RunRecord> RunStore::ready(const std::optional<std::string>& user) {
  if (user) {
    return select("SELECT " RUN_COLUMNS RUN_FROM
                  "WHERE r.state = 'ready' AND r.user_id = ?1 ORDER BY r.created_unix DESC, r.rowid DESC",
                  *user, true);
  }
  return select("SELECT " RUN_COLUMNS RUN_FROM
                "WHERE r.state = 'ready' ORDER BY r.created_unix DESC, r.rowid DESC",
                "", false);
}

}  // namespace emu
