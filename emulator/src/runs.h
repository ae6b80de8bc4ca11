// Training runs (protocol.md §2.4, §7.15): the record of every model made by create_model or
// create-via-load, kept in the database (table training_runs) so that it outlives the process.
// The live model itself (weights, optimizer, seq_id lane) is the ModelTable's and does not
// survive a restart; the record and the run's checkpoints do.
//
// A record is written when the creating request is accepted (state "creating": get_session
// lists it, its id is already the client's), becomes "ready" with the model's configuration
// when the creation succeeds, and is deleted when it fails (every call treats a failed run as
// not found). Records left "creating" by a process that stopped are deleted at start-up: their
// creating jobs died with it. Loop-thread only (it still takes the database's lock).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit.h"
#include "db.h"
#include "emu_model/model_config.h"

namespace emu {

struct RunRecord {
  std::string id;
  std::string user;
  std::string session_id;
  int64_t model_seq_id = 0;
  std::string created_by;  // create_model | load_weights
  bool ready = false;      // false: still being created
  tinker::emu::ModelConfig config;  // base_model "" until known (create-via-load)
  std::string user_metadata;        // JSON object text
  double created_unix = 0;
  double last_request_unix = 0;
  std::optional<std::string> project_id;  // the session's project (read, not stored here)
};

class RunStore {
 public:
  RunStore(Db& db, AuditLog& audit);

  void add(const RunRecord& r);
  // The creation succeeded: the run is ready with `config` (audit: training_run_created).
  void set_ready(const std::string& id, const tinker::emu::ModelConfig& config, double t_unix);
  // The creation failed: the run never existed.
  void remove(const std::string& id);
  // Records the time of the run's latest request.
  void touch(const std::string& id, double t_unix);

  // The run, ready or being created; none when unknown.
  std::optional<RunRecord> find(const std::string& id);
  // The runs made in a session (ready or being created), oldest first.
  std::vector<RunRecord> of_session(const std::string& session_id);
  // Every ready run, newest first; only `user`'s when given.
  std::vector<RunRecord> ready(const std::optional<std::string>& user);

 private:
  std::vector<RunRecord> select(const char* sql, const std::string& arg, bool has_arg);
  Db& db_;
  AuditLog& audit_;
};

}  // namespace emu
