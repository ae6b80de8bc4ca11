// What a model is made of: a base model (named, deterministic) and a LoRA adapter on it
// (protocol.md §7.6 LoraConfig). docs/emulator_model.md describes the architecture.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "emu_model/status.h"

namespace tinker::emu {

// Bounds the emulator accepts. The rank bound matches what the service offers; the others
// keep one model's memory small: at V = 16384, r = 128 the adapter with its gradient and
// Adam moments takes about 200 MB.
inline constexpr int kMaxLoraRank = 128;
inline constexpr int kMinVocabSize = 2;
inline constexpr int kMaxVocabSize = 1 << 14;
inline constexpr int kMaxHiddenSize = 1024;

struct BaseModelSpec {
  // The base model name as the client sends it (e.g. "Qwen/Qwen3-8B"). Its hash seeds every
  // base weight, so the same name gives the same base model in every run and process.
  std::string name;
  // V: token ids are 0..V-1. The row index V is the BOS context (docs: "Contexts").
  int vocab_size = 256;
  // d: width of the factorised base table E (V+1 x d) . U (d x V).
  int hidden_size = 32;
};

struct LoraSpec {
  // r in 1..kMaxLoraRank. 0 means "no adapter": a base-model sampler, which cannot train.
  int rank = 32;
  // Seeds the adapter's A matrices; absent means seed 0 (docs: "Initialisation").
  std::optional<uint64_t> seed;
  // Which adapter parts exist and train (docs: "Adapter parts"). At least one must be true
  // when rank > 0, as the SDK itself asserts (§6.11).
  bool train_unembed = true;
  bool train_mlp = true;
  bool train_attn = true;
  // LoRA scale is alpha / r. Not on the wire; fixed per emulator.
  double alpha = 32.0;
};

struct ModelConfig {
  BaseModelSpec base;
  LoraSpec lora;
  // No compute: inputs are validated, outputs have the right shapes and fixed values
  // (every logprob is -log V). For benchmarks of everything around the model.
  bool synthetic = false;
};

// A user error naming the first field out of range, or ok.
Status validate_config(const ModelConfig& config);

}  // namespace tinker::emu
