// The frozen models that sampling runs on (protocol.md §5.5): a checkpoint's weights, or a base
// model with fresh adapters. Read-only once built, so every request of a sampling session
// shares one (Model's const methods may run concurrently, emu_model/model.h).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "checkpoints.h"
#include "emu_model/model.h"
#include "emu_model/status.h"
#include "json_body.h"

namespace emu {

using FrozenModel = std::shared_ptr<const tinker::emu::Model>;

// The base model `name` (one of `supported_models`, the settings array) with fresh adapters,
// whose B = 0 leaves the base model's outputs unchanged. A user error for an unknown name.
tinker::emu::Status frozen_base_model(const cJSON* supported_models, const std::string& name,
                                      FrozenModel* out);

// The checkpoint at tinker:// `path` (training or sampler weights) if `user` may read it.
// User errors for a malformed path and an unknown or unreadable checkpoint.
tinker::emu::Status frozen_checkpoint_model(CheckpointStore* store, const std::string& path,
                                            const std::string& user, FrozenModel* out);

// asample addressed by base_model instead of a sampling session: one frozen model per name,
// built on first use. Loop thread only.
class BaseModelSamplers {
 public:
  tinker::emu::Status get(const cJSON* supported_models, const std::string& name,
                          FrozenModel* out);

 private:
  std::map<std::string, FrozenModel> by_name_;
};

}  // namespace emu
