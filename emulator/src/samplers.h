// Sampling sessions (protocol.md §5.5): created by create_sampling_session and by the unnamed
// save_weights_for_sampler (save_weights_and_get_sampling_client); asample samples from them.
// Thread-safe: the unnamed save registers its sampler from a worker.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "emu_model/model.h"

namespace emu {

struct SamplerEntry {
  std::string id;          // sampling_session_id, "<session_id>:sample:<n>"
  std::string user;
  std::string session_id;
  std::string base_model;
  std::optional<std::string> model_path;  // tinker:// path of the weights it samples from
  // A frozen copy of the weights (read-only: Model's const methods may run concurrently).
  std::shared_ptr<const tinker::emu::Model> model;
  double created_unix = 0;
  // "create_sampling_session" or "save_weights_for_sampler", and for the former what the
  // request asked for: a resend asking for the same gets the same session (docs/emulator.md
  // "Resends").
  std::string created_by;
  std::optional<std::string> requested_model_path;
  std::optional<std::string> requested_base_model;
};

class SamplerTable {
 public:
  // Claims an id for a sampler about to be created; false if it exists or is claimed.
  bool reserve(const std::string& id);
  void release(const std::string& id);
  // Registers (or replaces) a sampler and drops its claim.
  void put(SamplerEntry e);
  std::optional<SamplerEntry> find(const std::string& id);
  std::vector<SamplerEntry> list();

 private:
  std::mutex mu_;
  std::map<std::string, SamplerEntry> by_id_;
  std::set<std::string> reserved_;
};

}  // namespace emu
