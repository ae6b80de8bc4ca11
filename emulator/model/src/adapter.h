// The LoRA adapter's trainable tensors (docs/emulator_model.md, "Adapter parts"):
//   attn:    A (C x r), B (r x V)  per-context delta on the logits, s * A[c] . B
//   mlp:     A (d x r), B (r x d)  delta on the hidden state, h = e + s * (e . A) . B
//   unembed: A (d x r), B (r x V)  delta on the output projection, U' = U + s * A . B
// with s = alpha / r. A part whose train_* flag is false has no tensors at all.
#pragma once

#include <string>
#include <vector>

#include "base_model.h"
#include "emu_model/model_config.h"

namespace tinker::emu {

struct ParamTensor {
  std::string name;  // "attn.A", "attn.B", "mlp.A", ...
  int rows = 0;
  int cols = 0;
  std::vector<double> value;  // row-major
  size_t size() const { return value.size(); }
};

// Indices of one part's A and B in Adapter::tensors; -1 when the part is absent.
struct LoraPair {
  int a = -1;
  int b = -1;
  bool present() const { return a >= 0; }
};

struct Adapter {
  int rank = 0;
  double scale = 0.0;  // s = alpha / r
  LoraPair attn, mlp, unembed;
  // Present parts in the fixed order attn, mlp, unembed; A before B. Checkpoints and the
  // optimiser rely on this order.
  std::vector<ParamTensor> tensors;

  // A fresh adapter: each A drawn from the LoRA seed, each B zero, so that the adapted model
  // equals the base model until the first optimiser step.
  static Adapter create(const LoraSpec& lora, const BaseModel& base);

  const double* a(const LoraPair& p) const { return tensors[p.a].value.data(); }
  const double* b(const LoraPair& p) const { return tensors[p.b].value.data(); }
  size_t total_size() const;
};

// A buffer shaped like the adapter (one vector per tensor): gradients, Adam moments.
using TensorBuffers = std::vector<std::vector<double>>;
TensorBuffers zeros_like(const Adapter& adapter);

}  // namespace tinker::emu
