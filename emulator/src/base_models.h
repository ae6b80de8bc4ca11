// Which tiny model stands behind a base_model name (docs/emulator.md "Models").
//  - "tinker-emulator/synthetic": no compute; outputs have the right shapes (synthetic mode).
//  - every other name in get_server_capabilities' supported_models (e.g. "Qwen/Qwen3-8B",
//    "tinker-emulator/tiny-bigram"): a real bigram LM with vocabulary 256 (byte tokens) whose
//    base weights are seeded by the name, so each name is a different, reproducible model.
//  - names not in supported_models: a user error.
#pragma once

#include <string>

#include "emu_model/model_config.h"
#include "json_body.h"

namespace emu {

inline constexpr const char* kSyntheticModel = "tinker-emulator/synthetic";
inline constexpr const char* kTokenizerId = "tinker-emulator/bytes";
inline constexpr int kTinyVocab = 256;
inline constexpr int kTinyHidden = 32;

// Fills config->base (and synthetic) for `name`; false with a user-facing *error when the name
// is not in `supported_models` (the settings array of {"model_name": ...}).
bool resolve_base_model(const cJSON* supported_models, const std::string& name,
                        tinker::emu::ModelConfig* config, std::string* error);

// Parses a create_model lora_config (protocol.md §7.6) into config->lora. Absent = rank 32,
// everything trained. False with *error on a malformed field.
bool parse_lora_config(const cJSON* lora, tinker::emu::ModelConfig* config, std::string* error);

// "bigram-lora", or "synthetic" for the synthetic model.
const char* model_arch(const tinker::emu::ModelConfig& config);

}  // namespace emu
