#include "adapter.h"

#include <cmath>

#include "hash_rng.h"

namespace tinker::emu {

namespace {

// Per-part stream tags: a part's initial A depends only on the seed and the part, not on
// which other parts are enabled.
enum : uint64_t { kTagAttn = 1, kTagMlp = 2, kTagUnembed = 3 };

LoraPair add_pair(Adapter* ad, const std::string& part, int a_rows, int b_cols, double a_std,
                  uint64_t stream_seed) {
  const int r = ad->rank;
  LoraPair p;
  p.a = static_cast<int>(ad->tensors.size());
  ParamTensor a{part + ".A", a_rows, r, std::vector<double>(size_t(a_rows) * r)};
  SplitMix64 rng(stream_seed);
  for (auto& x : a.value) x = rng.next_centered(a_std);
  ad->tensors.push_back(std::move(a));
  p.b = static_cast<int>(ad->tensors.size());
  ad->tensors.push_back(
      ParamTensor{part + ".B", r, b_cols, std::vector<double>(size_t(r) * b_cols)});
  return p;
}

}  // namespace

Adapter Adapter::create(const LoraSpec& lora, const BaseModel& base) {
  Adapter ad;
  ad.rank = lora.rank;
  if (lora.rank == 0) return ad;
  ad.scale = lora.alpha / lora.rank;
  const uint64_t seed = mix64(lora.seed.value_or(0));
  const int C = base.contexts, V = base.vocab, d = base.hidden, r = lora.rank;
  // A's spread makes its output O(1) per component: an attn.A row is an embedding of r
  // numbers (std 1/sqrt(r), unit norm on average); the mlp/unembed A read the hidden state
  // whose components have std ~1, so std 1/sqrt(d) (the usual fan-in scaling).
  if (lora.train_attn)
    ad.attn = add_pair(&ad, "attn", C, V, 1.0 / std::sqrt(double(r)), mix64(seed + kTagAttn));
  if (lora.train_mlp)
    ad.mlp = add_pair(&ad, "mlp", d, d, 1.0 / std::sqrt(double(d)), mix64(seed + kTagMlp));
  if (lora.train_unembed)
    ad.unembed =
        add_pair(&ad, "unembed", d, V, 1.0 / std::sqrt(double(d)), mix64(seed + kTagUnembed));
  return ad;
}

size_t Adapter::total_size() const {
  size_t n = 0;
  for (const auto& t : tensors) n += t.size();
  return n;
}

TensorBuffers zeros_like(const Adapter& adapter) {
  TensorBuffers buffers;
  buffers.reserve(adapter.tensors.size());
  for (const auto& t : adapter.tensors) buffers.emplace_back(t.size(), 0.0);
  return buffers;
}

}  // namespace tinker::emu
