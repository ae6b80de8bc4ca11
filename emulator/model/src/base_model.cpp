#include "base_model.h"

#include <cmath>
#include <map>
#include <mutex>
#include <string>

#include "hash_rng.h"

namespace tinker::emu {

namespace {

// Scales chosen so the base model is neither uniform nor nearly deterministic: the entries
// of E . U have standard deviation sqrt(d) * 1 * (2 / sqrt(d)) = 2 nats, plus a unigram bias
// of 1 nat, which for V = 256 gives next-token entropies around 3-4 nats.
constexpr double kEmbedStd = 1.0;
constexpr double kUnembedStdTimesSqrtD = 2.0;
constexpr double kBiasStd = 1.0;

void fill(std::vector<double>* v, size_t n, uint64_t seed, double std) {
  SplitMix64 rng(seed);
  v->resize(n);
  for (auto& x : *v) x = rng.next_centered(std);
}

}  // namespace

std::shared_ptr<const BaseModel> BaseModel::build(const BaseModelSpec& spec) {
  auto m = std::make_shared<BaseModel>();
  m->spec = spec;
  m->vocab = spec.vocab_size;
  m->contexts = spec.vocab_size + 1;
  m->hidden = spec.hidden_size;
  // The shape joins the name in the seed, so one name configured with two vocabularies
  // does not give two models that share a prefix of their weights.
  const uint64_t shape =
      (static_cast<uint64_t>(spec.vocab_size) << 32) | static_cast<uint64_t>(spec.hidden_size);
  const uint64_t seed = mix64(fnv1a64(spec.name) ^ mix64(shape));
  const size_t C = m->contexts, V = m->vocab, d = m->hidden;
  fill(&m->embed, C * d, mix64(seed + 1), kEmbedStd);
  fill(&m->unembed, d * V, mix64(seed + 2), kUnembedStdTimesSqrtD / std::sqrt(double(d)));
  fill(&m->bias, V, mix64(seed + 3), kBiasStd);
  return m;
}

std::shared_ptr<const BaseModel> BaseModel::get(const BaseModelSpec& spec) {
  // weak_ptr entries: a base lives while some model uses it, and is rebuilt (identically)
  // when needed again.
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<const BaseModel>> cache;
  const std::string key =
      std::to_string(spec.vocab_size) + "/" + std::to_string(spec.hidden_size) + "/" + spec.name;
  std::lock_guard<std::mutex> lock(mu);
  for (auto it = cache.begin(); it != cache.end();) {  // forget bases no model uses
    if (it->second.expired() && it->first != key) {
      it = cache.erase(it);
    } else {
      ++it;
    }
  }
  auto& slot = cache[key];
  if (auto existing = slot.lock()) return existing;
  auto built = build(spec);
  slot = built;
  return built;
}

}  // namespace tinker::emu
