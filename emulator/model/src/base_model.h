// The frozen base model: a factorised bigram table, logits_base[c] = bias + E[c] . U,
// with every weight derived from a hash of the base model's name.
#pragma once

#include <memory>
#include <vector>

#include "emu_model/model_config.h"

namespace tinker::emu {

struct BaseModel {
  BaseModelSpec spec;
  int vocab = 0;                // V
  int contexts = 0;             // C = V + 1: token contexts 0..V-1, then the BOS context V
  int hidden = 0;               // d
  std::vector<double> embed;    // E, C x d, row-major
  std::vector<double> unembed;  // U, d x V, row-major
  std::vector<double> bias;     // b, V

  // The base model for spec; models on the same base share one read-only copy.
  // Thread-safe. spec must have passed validate_config.
  static std::shared_ptr<const BaseModel> get(const BaseModelSpec& spec);

  // Builds the weights (no caching). Exposed for tests.
  static std::shared_ptr<const BaseModel> build(const BaseModelSpec& spec);
};

}  // namespace tinker::emu
