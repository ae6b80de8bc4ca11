#include "sampler_models.h"

#include "base_models.h"

namespace emu {

namespace mdl = ::tinker::emu;

mdl::Status frozen_base_model(const cJSON* supported_models, const std::string& name,
                              FrozenModel* out) {
  mdl::ModelConfig config;
  std::string err;
  if (!resolve_base_model(supported_models, name, &config, &err) ||
      !parse_lora_config(nullptr, &config, &err)) {
    return mdl::Status::user_error(err);
  }
  std::unique_ptr<mdl::Model> m;
  mdl::Status st = mdl::Model::create(config, &m);
  if (st.is_ok()) *out = FrozenModel(std::move(m));
  return st;
}

mdl::Status frozen_checkpoint_model(CheckpointStore* store, const std::string& path,
                                    const std::string& user, FrozenModel* out) {
  CheckpointRecord rec;
  std::string bytes;
  mdl::Status st = read_checkpoint(store, path, user, "", nullptr, &rec, &bytes);
  if (!st.is_ok()) return st;
  std::unique_ptr<mdl::Model> m;
  st = mdl::Model::create_from_checkpoint(bytes, false, &m);
  if (st.is_ok()) *out = FrozenModel(std::move(m));
  return st;
}

mdl::Status BaseModelSamplers::get(const cJSON* supported_models, const std::string& name,
                                   FrozenModel* out) {
  auto it = by_name_.find(name);
  if (it != by_name_.end()) {
    *out = it->second;
    return mdl::Status::ok();
  }
  mdl::Status st = frozen_base_model(supported_models, name, out);
  if (st.is_ok()) by_name_[name] = *out;
  return st;
}

}  // namespace emu
