// Sampling sessions (protocol.md §5.5): created by create_sampling_session and by the unnamed
// save_weights_for_sampler (save_weights_and_get_sampling_client); asample samples from them.
// Thread-safe: the unnamed save registers its sampler from a worker.
//
// Every field but the model is kept in the database (table samplers) and cached here, loaded
// at start-up: after a restart a sampler is still listed (get_session), readable
// (GET samplers/{id}) and usable, its frozen model rebuilt on first use (set_model) from its
// checkpoint or base model.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db.h"
#include "emu_model/model.h"

namespace emu {

struct SamplerEntry {
  std::string id;          // sampling_session_id, "<session_id>:sample:<n>"
  std::string user;
  std::string session_id;
  std::string base_model;
  std::optional<std::string> model_path;  // tinker:// path of the weights it samples from
  // A frozen copy of the weights (read-only: Model's const methods may run concurrently);
  // null for a sampler loaded from the database until it is first used.
  std::shared_ptr<const tinker::emu::Model> model;
  double created_unix = 0;
  // "create_sampling_session" or "save_weights_for_sampler", and for the former what the
  // request asked for: a resend asking for the same gets the same session (docs/emulator.md
  // "Resends").
  std::string created_by;
  std::optional<std::string> requested_model_path;
  std::optional<std::string> requested_base_model;
  uint64_t seq = 0;  // set by put(): creation order
};

class SamplerTable {
 public:
  explicit SamplerTable(Db& db);

  // Claims an id for a sampler about to be created; false if it exists or is claimed.
  bool reserve(const std::string& id);
  void release(const std::string& id);
  // Registers (or replaces) a sampler, stores it and drops its claim.
  void put(SamplerEntry e);
  // Gives a sampler loaded from the database its rebuilt model.
  void set_model(const std::string& id, std::shared_ptr<const tinker::emu::Model> model);
  std::optional<SamplerEntry> find(const std::string& id);
  std::vector<SamplerEntry> list();
  // The samplers made in a session, oldest first.
  std::vector<SamplerEntry> of_session(const std::string& session_id);

 private:
  Db& db_;
  std::mutex mu_;
  std::map<std::string, SamplerEntry> by_id_;
  uint64_t next_seq_ = 0;  // creation order (ties of created_unix)
  std::set<std::string> reserved_;
};

}  // namespace emu
