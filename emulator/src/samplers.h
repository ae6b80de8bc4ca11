// Sampling sessions (protocol.md §5.5): created today by the unnamed save_weights_for_sampler
// (save_weights_and_get_sampling_client); create_sampling_session and asample plug in here.
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
