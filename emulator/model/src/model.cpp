// Model: owns the base model reference, the adapter, its gradient and Adam state, and
// routes each operation to the file that implements it.
#include "emu_model/model.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "adamw.h"
#include "adapter.h"
#include "base_model.h"
#include "checkpoint_format.h"
#include "forward_pass.h"
#include "row_math.h"
#include "sampler.h"
#include "term_batch.h"

namespace tinker::emu {

struct Model::Impl {
  ModelConfig config;
  std::shared_ptr<const BaseModel> base;  // null in synthetic mode: nothing to compute
  Adapter adapter;
  TensorBuffers grads;
  AdamState adam;
  int64_t synthetic_steps = 0;  // synthetic mode counts steps without Adam state

  void reset_optimizer() {
    adam.m = zeros_like(adapter);
    adam.v = zeros_like(adapter);
    adam.step = 0;
    synthetic_steps = 0;
  }
  bool trainable() const { return config.synthetic || adapter.rank > 0; }

  Status run(const std::vector<Datum>& data, const std::string& loss_fn,
             const LossFnConfig& loss_fn_config, TensorBuffers* g,
             ForwardBackwardResult* out) const {
    TermBatch batch;
    Status st = build_term_batch(data, loss_fn, loss_fn_config, config.base.vocab_size,
                                 config.base.name, &batch);
    if (!st.is_ok()) return st;
    run_forward_pass(base.get(), adapter, config.base.vocab_size, batch, g, out);
    return Status::ok();
  }
};

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::~Model() = default;

Status Model::create(const ModelConfig& config, std::unique_ptr<Model>* out) {
  Status st = validate_config(config);
  if (!st.is_ok()) return st;
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  if (!config.synthetic) {
    impl->base = BaseModel::get(config.base);
    impl->adapter = Adapter::create(config.lora, *impl->base);
  }
  impl->grads = zeros_like(impl->adapter);
  impl->reset_optimizer();
  out->reset(new Model(std::move(impl)));
  return Status::ok();
}

Status Model::create_from_checkpoint(const std::string& bytes, bool with_optimizer,
                                     std::unique_ptr<Model>* out) {
  CheckpointInfo info;
  Status st = read_checkpoint_info(bytes, &info);
  if (!st.is_ok()) return st;
  std::unique_ptr<Model> model;
  st = create(info.config, &model);
  if (!st.is_ok()) return st;
  st = model->load_checkpoint(bytes, with_optimizer);
  if (!st.is_ok()) return st;
  *out = std::move(model);
  return Status::ok();
}

const ModelConfig& Model::config() const { return impl_->config; }
int Model::vocab_size() const { return impl_->config.base.vocab_size; }

Status Model::forward(const std::vector<Datum>& data, const std::string& loss_fn,
                      const LossFnConfig& loss_fn_config, ForwardBackwardResult* out) const {
  return impl_->run(data, loss_fn, loss_fn_config, nullptr, out);
}

Status Model::forward_backward(const std::vector<Datum>& data, const std::string& loss_fn,
                               const LossFnConfig& loss_fn_config, ForwardBackwardResult* out) {
  if (!impl_->trainable())
    return Status::user_error("this model has no LoRA adapter (rank 0) and cannot be trained");
  TensorBuffers* g = impl_->config.synthetic ? nullptr : &impl_->grads;
  return impl_->run(data, loss_fn, loss_fn_config, g, out);
}

Status Model::target_logprobs(const std::vector<int64_t>& tokens,
                              const std::vector<int64_t>& targets, std::vector<float>* out) const {
  Datum d;
  d.tokens = tokens;
  d.loss_fn_inputs["target_tokens"] = TensorData::ints(targets);
  ForwardBackwardResult r;
  Status st = forward({d}, "cross_entropy", {}, &r);
  if (st.is_ok()) *out = std::move(r.outputs[0].logprobs);
  return st;
}

Status Model::optim_step(const AdamParams& params, Metrics* metrics) {
  Status st = validate_adam_params(params);
  if (!st.is_ok()) return st;
  if (!impl_->trainable())
    return Status::user_error("this model has no LoRA adapter (rank 0) and cannot be trained");
  double norm = 0.0;
  if (impl_->config.synthetic) {
    ++impl_->synthetic_steps;
  } else {
    norm = adamw_step(params, &impl_->grads, &impl_->adam, &impl_->adapter);
  }
  Metrics m;
  m["grad_norm:mean"] = norm;
  m["learning_rate:mean"] = params.learning_rate;
  *metrics = std::move(m);
  return Status::ok();
}

void Model::zero_grad() {
  for (auto& g : impl_->grads) std::fill(g.begin(), g.end(), 0.0);
}

int64_t Model::optimizer_step_count() const {
  return impl_->config.synthetic ? impl_->synthetic_steps : impl_->adam.step;
}

Status Model::sample(const SampleRequest& request, SampleResult* out) const {
  const int V = vocab_size();
  if (impl_->config.synthetic) {
    const std::vector<double> uniform(V, -std::log(static_cast<double>(V)));
    return run_sampling(
        request, V, impl_->config.base.name, [&uniform](int) { return uniform.data(); }, out);
  }
  // Rows are computed on first use and kept: a sampling call revisits the same contexts
  // many times. The cache is dropped whole when it outgrows its budget (only large
  // vocabularies get there), which the sampler allows (a row is used before the next).
  constexpr size_t kRowCacheBytes = size_t(64) << 20;
  RowMath math(*impl_->base, impl_->adapter);
  std::vector<std::vector<double>> rows(math.contexts());
  size_t cached = 0;
  auto row = [&](int c) -> const double* {
    auto& r = rows[c];
    if (r.empty()) {
      if ((cached + 1) * math.row_size() * sizeof(double) > kRowCacheBytes) {
        for (auto& old : rows) std::vector<double>().swap(old);
        cached = 0;
      }
      r.resize(math.row_size());
      math.forward(c, r.data());
      ++cached;
    }
    return RowMath::logp(r.data());
  };
  return run_sampling(request, V, impl_->config.base.name, row, out);
}

Status Model::save_checkpoint(bool with_optimizer, std::string* bytes) const {
  CheckpointContents c;
  c.info.config = impl_->config;
  c.info.has_optimizer = with_optimizer;
  c.tensors = impl_->adapter.tensors;
  if (with_optimizer) {
    c.adam = impl_->adam;
    if (impl_->config.synthetic) c.adam.step = impl_->synthetic_steps;
  }
  c.info.optimizer_step = with_optimizer ? c.adam.step : 0;
  *bytes = encode_checkpoint(c);
  return Status::ok();
}

Status Model::load_checkpoint(const std::string& bytes, bool with_optimizer) {
  CheckpointContents c;
  Status st = decode_checkpoint(bytes, &c);
  if (!st.is_ok()) return st;
  const ModelConfig& mine = impl_->config;
  const ModelConfig& theirs = c.info.config;
  auto mismatch = [](const std::string& what) {
    return Status::user_error("checkpoint does not fit this model: " + what);
  };
  if (theirs.base.name != mine.base.name)
    return mismatch("it is for base model '" + theirs.base.name + "', this model is '" +
                    mine.base.name + "'");
  if (theirs.base.vocab_size != mine.base.vocab_size ||
      theirs.base.hidden_size != mine.base.hidden_size)
    return mismatch("different base model dimensions");
  if (theirs.lora.rank != mine.lora.rank)
    return mismatch("LoRA rank " + std::to_string(theirs.lora.rank) + ", this model has rank " +
                    std::to_string(mine.lora.rank));
  if (theirs.lora.train_attn != mine.lora.train_attn ||
      theirs.lora.train_mlp != mine.lora.train_mlp ||
      theirs.lora.train_unembed != mine.lora.train_unembed)
    return mismatch("different train_unembed / train_mlp / train_attn");
  if (theirs.lora.alpha != mine.lora.alpha) return mismatch("different LoRA alpha");
  if (theirs.synthetic != mine.synthetic) return mismatch("synthetic and real models differ");
  auto& tensors = impl_->adapter.tensors;
  if (c.tensors.size() != tensors.size()) return mismatch("different adapter tensors");
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (c.tensors[i].name != tensors[i].name || c.tensors[i].rows != tensors[i].rows ||
        c.tensors[i].cols != tensors[i].cols)
      return mismatch("tensor '" + c.tensors[i].name + "' has a different name or shape");
  }
  if (with_optimizer && !c.info.has_optimizer)
    return Status::user_error("checkpoint has no optimizer state (it was saved without it)");

  for (size_t i = 0; i < tensors.size(); ++i) tensors[i].value = std::move(c.tensors[i].value);
  if (with_optimizer) {
    impl_->adam = std::move(c.adam);
    impl_->synthetic_steps = mine.synthetic ? impl_->adam.step : 0;
  } else {
    impl_->reset_optimizer();
  }
  zero_grad();
  return Status::ok();
}

size_t Model::num_parameter_tensors() const { return impl_->adapter.tensors.size(); }

ParameterView Model::parameter(size_t i) {
  ParamTensor& t = impl_->adapter.tensors.at(i);
  return ParameterView{t.name.c_str(),
                       t.rows,
                       t.cols,
                       t.value.data(),
                       impl_->grads[i].data(),
                       impl_->adam.m[i].data(),
                       impl_->adam.v[i].data()};
}

int64_t Model::num_trainable_parameters() const {
  return static_cast<int64_t>(impl_->adapter.total_size());
}

}  // namespace tinker::emu
