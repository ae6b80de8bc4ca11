// The emulator's tiny real model: a bigram language model with a LoRA adapter.
// Pure compute, no I/O except through the caller's bytes. docs/emulator_model.md has the
// architecture, loss formulas, optimiser and checkpoint format.
//
// Thread safety: one Model is used by one worker at a time; the server already serialises
// each model's requests (protocol.md §6.1). Const methods only read the model and may run
// concurrently with each other, never with a non-const method. Different Model objects are
// independent (base weights are shared read-only between models of the same base).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "emu_model/model_config.h"
#include "emu_model/sampling_types.h"
#include "emu_model/status.h"
#include "emu_model/training_types.h"

namespace tinker::emu {

// One trainable adapter tensor, for inspection (tests, diagnostics). Row-major rows x cols.
struct ParameterView {
  const char* name;  // e.g. "attn.A"
  int rows;
  int cols;
  double* value;         // writable: tests perturb parameters through it
  const double* grad;    // accumulated gradient since the last optim_step
  const double* adam_m;  // Adam first moment
  const double* adam_v;  // Adam second moment
};

class Model {
 public:
  // Builds the base model (from its name) and a fresh adapter (B = 0: output = base model).
  static Status create(const ModelConfig& config, std::unique_ptr<Model>* out);
  // A model from checkpoint bytes; with_optimizer restores Adam state too (it must be there).
  static Status create_from_checkpoint(const std::string& bytes, bool with_optimizer,
                                       std::unique_ptr<Model>* out);
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const ModelConfig& config() const;
  int vocab_size() const;

  // forward (forward_only = true, §6.4): logprobs and `loss:sum`; no gradient.
  Status forward(const std::vector<Datum>& data, const std::string& loss_fn,
                 const LossFnConfig& loss_fn_config, ForwardBackwardResult* out) const;
  // forward_backward: as forward, and adds d(loss)/d(params) to the gradient buffer, where
  // it accumulates across calls until optim_step. On error nothing is accumulated.
  Status forward_backward(const std::vector<Datum>& data, const std::string& loss_fn,
                          const LossFnConfig& loss_fn_config, ForwardBackwardResult* out);
  // log p(targets[i] | tokens[i]) for each position: the logprobs forward would return.
  Status target_logprobs(const std::vector<int64_t>& tokens, const std::vector<int64_t>& targets,
                         std::vector<float>* out) const;

  // One AdamW step on the accumulated gradient, then zeroes it. Metrics: `grad_norm:mean`
  // (global L2 norm before clipping) and `learning_rate:mean`.
  Status optim_step(const AdamParams& params, Metrics* metrics);
  void zero_grad();
  int64_t optimizer_step_count() const;

  // Autoregressive sampling with temperature, top-k, top-p, stop ids/sequences and a seed.
  Status sample(const SampleRequest& request, SampleResult* out) const;

  // Serialises the adapter (and with_optimizer: Adam m, v, step). Pending gradients are
  // not saved, as on the service.
  Status save_checkpoint(bool with_optimizer, std::string* bytes) const;
  // Replaces the adapter from checkpoint bytes made for the same base model, rank and flags.
  // with_optimizer restores Adam state (it must be present); otherwise Adam starts afresh.
  // Pending gradients are dropped either way.
  Status load_checkpoint(const std::string& bytes, bool with_optimizer);

  size_t num_parameter_tensors() const;
  ParameterView parameter(size_t index);
  int64_t num_trainable_parameters() const;

 private:
  struct Impl;
  explicit Model(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tinker::emu
