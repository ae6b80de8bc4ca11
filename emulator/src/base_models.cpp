#include "base_models.h"

#include <cmath>

namespace emu {

namespace mdl = ::tinker::emu;

bool resolve_base_model(const cJSON* supported_models, const std::string& name,
                        mdl::ModelConfig* config, std::string* error) {
  bool listed = false;
  std::string names;
  if (supported_models != nullptr && cJSON_IsArray(supported_models)) {
    for (const cJSON* m = supported_models->child; m != nullptr; m = m->next) {
      auto n = json::get_string(m, "model_name");
      if (!n) continue;
      if (*n == name) listed = true;
      names += (names.empty() ? "" : ", ") + *n;
    }
  }
  if (name.empty()) {
    *error = "base_model is required";
    return false;
  }
  if (!listed) {
    *error = "base model '" + name + "' is not supported by this server (supported: " +
             (names.empty() ? std::string("none") : names) + ")";
    return false;
  }
  config->base.name = name;
  if (name == kSyntheticModel) {
    // No tables are built for a synthetic model, so its vocabulary can be as large as the
    // model library allows: token ids from real tokenizers mostly fit.
    config->synthetic = true;
    config->base.vocab_size = mdl::kMaxVocabSize;
    config->base.hidden_size = 1;
  } else {
    config->synthetic = false;
    config->base.vocab_size = kTinyVocab;
    config->base.hidden_size = kTinyHidden;
  }
  return true;
}

bool parse_lora_config(const cJSON* lora, mdl::ModelConfig* config, std::string* error) {
  config->lora = mdl::LoraSpec();
  if (lora == nullptr || cJSON_IsNull(lora)) return true;
  if (!cJSON_IsObject(lora)) {
    *error = "lora_config must be an object";
    return false;
  }
  const cJSON* rank = json::get(lora, "rank");
  auto r = json::get_int(lora, "rank");
  if (rank == nullptr || !r) {
    *error = "lora_config.rank (integer) is required";
    return false;
  }
  if (*r < 1 || *r > mdl::kMaxLoraRank) {
    *error = "lora_config.rank = " + std::to_string(*r) + " is outside the supported range [1, " +
             std::to_string(mdl::kMaxLoraRank) + "]";
    return false;
  }
  config->lora.rank = static_cast<int>(*r);
  const cJSON* seed = json::get(lora, "seed");
  if (seed != nullptr && !cJSON_IsNull(seed)) {
    auto s = json::get_int(lora, "seed");
    if (!s || *s < 0) {
      *error = "lora_config.seed must be a non-negative integer";
      return false;
    }
    config->lora.seed = static_cast<uint64_t>(*s);
  }
  struct Flag {
    const char* key;
    bool* target;
  } flags[] = {{"train_unembed", &config->lora.train_unembed},
               {"train_mlp", &config->lora.train_mlp},
               {"train_attn", &config->lora.train_attn}};
  for (const Flag& f : flags) {
    const cJSON* v = json::get(lora, f.key);
    if (v == nullptr || cJSON_IsNull(v)) continue;
    if (!cJSON_IsBool(v)) {
      *error = std::string("lora_config.") + f.key + " must be a boolean";
      return false;
    }
    *f.target = cJSON_IsTrue(v) != 0;
  }
  return true;
}

const char* model_arch(const mdl::ModelConfig& config) {
  return config.synthetic ? "synthetic" : "bigram-lora";
}

}  // namespace emu
