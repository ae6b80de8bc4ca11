#include "emu_model/model_config.h"

#include <cmath>
#include <string>

namespace tinker::emu {

namespace {

Status out_of_range(const char* field, long long value, long long lo, long long hi) {
  return Status::user_error(std::string(field) + " = " + std::to_string(value) +
                            " is outside the supported range [" + std::to_string(lo) + ", " +
                            std::to_string(hi) + "]");
}

}  // namespace

Status validate_config(const ModelConfig& c) {
  if (c.base.name.empty()) return Status::user_error("base_model must not be empty");
  if (c.base.vocab_size < kMinVocabSize || c.base.vocab_size > kMaxVocabSize)
    return out_of_range("vocab_size", c.base.vocab_size, kMinVocabSize, kMaxVocabSize);
  if (c.base.hidden_size < 1 || c.base.hidden_size > kMaxHiddenSize)
    return out_of_range("hidden_size", c.base.hidden_size, 1, kMaxHiddenSize);
  if (c.lora.rank < 0 || c.lora.rank > kMaxLoraRank)
    return out_of_range("lora_config.rank", c.lora.rank, 0, kMaxLoraRank);
  if (!(c.lora.alpha > 0) || !std::isfinite(c.lora.alpha))
    return Status::user_error("LoRA alpha must be finite and > 0");
  if (c.lora.rank > 0 && !c.lora.train_attn && !c.lora.train_mlp && !c.lora.train_unembed)
    return Status::user_error(
        "lora_config: at least one of train_unembed, train_mlp, train_attn must be true");
  return Status::ok();
}

}  // namespace tinker::emu
