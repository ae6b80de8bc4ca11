// The checkpoint byte format (docs/emulator_model.md, "Checkpoints"). All integers and
// doubles little-endian; doubles as their IEEE-754 bit patterns, so a round trip is exact.
//
//   "TKEMUCKP"                      magic, 8 bytes
//   u32 version (1), u32 flags      bit 0: optimizer state present; bit 1: synthetic
//   str base name; u32 V; u32 d     str = u32 byte length + bytes
//   u32 rank; f64 alpha; u8 train_attn, train_mlp, train_unembed, has_seed; u64 seed
//   i64 adam step
//   u32 tensor count; per tensor: str name, u32 rows, u32 cols, rows*cols f64 values
//   if optimizer state: per tensor rows*cols f64 m, then rows*cols f64 v
//   u64 FNV-1a 64 of every byte before it
#pragma once

#include <string>
#include <vector>

#include "adamw.h"
#include "adapter.h"
#include "emu_model/checkpoint.h"

namespace tinker::emu {

struct CheckpointContents {
  CheckpointInfo info;
  std::vector<ParamTensor> tensors;  // in Adapter::tensors order
  AdamState adam;                    // m, v shaped like tensors when info.has_optimizer
};

std::string encode_checkpoint(const CheckpointContents& contents);
// Internal error for anything malformed: bad magic/version/checksum, truncation, sizes.
Status decode_checkpoint(const std::string& bytes, CheckpointContents* contents);

}  // namespace tinker::emu
