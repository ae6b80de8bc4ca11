// Checkpoint bytes: what a saved model is, without loading it, and file helpers.
// The format (header, tensors, checksum) is in docs/emulator_model.md, "Checkpoints".
// Model::save_checkpoint / load_checkpoint / create_from_checkpoint produce and consume it.
#pragma once

#include <cstdint>
#include <string>

#include "emu_model/model_config.h"
#include "emu_model/status.h"

namespace tinker::emu {

struct CheckpointInfo {
  ModelConfig config;          // base model, LoRA rank/flags/seed/alpha, synthetic
  bool has_optimizer = false;  // Adam m, v and step count are included
  int64_t optimizer_step = 0;  // Adam steps taken when saved (0 without optimizer state)
};

// Parses and verifies (magic, version, checksum, sizes) a checkpoint; fills *info.
// A malformed or corrupted buffer is an internal error (the emulator wrote it).
Status read_checkpoint_info(const std::string& bytes, CheckpointInfo* info);

// Writes bytes to path through a temporary file and rename, so a crash never leaves a
// half-written checkpoint under the final name.
Status write_file_atomically(const std::string& path, const std::string& bytes);
Status read_whole_file(const std::string& path, std::string* bytes);

}  // namespace tinker::emu
