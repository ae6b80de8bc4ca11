#include "sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "hash_rng.h"
#include "term_batch.h"

namespace tinker::emu {

namespace {

// Upper bounds that keep one request's work and memory bounded.
constexpr int kMaxSamples = 1 << 16;
constexpr int64_t kMaxNewTokens = 1 << 20;

Status validate(const SampleRequest& r, int vocab_size, const std::string& base_model_name) {
  const SamplingParams& p = r.params;
  if (r.num_samples < 1 || r.num_samples > kMaxSamples)
    return Status::user_error("num_samples must be in [1, " + std::to_string(kMaxSamples) + "]");
  if (p.max_tokens < 0 || p.max_tokens > kMaxNewTokens)
    return Status::user_error("max_tokens must be in [0, " + std::to_string(kMaxNewTokens) + "]");
  if (!(p.temperature >= 0) || !std::isfinite(p.temperature))
    return Status::user_error("temperature must be finite and >= 0");
  if (p.top_k < -1) return Status::user_error("top_k must be -1 (no limit) or >= 0");
  if (!(p.top_p > 0 && p.top_p <= 1)) return Status::user_error("top_p must be in (0, 1]");
  if (r.topk_prompt_logprobs < 0) return Status::user_error("topk_prompt_logprobs must be >= 0");
  return check_token_range(r.prompt, vocab_size, base_model_name, "prompt");
}

// Greedy choice: the most likely token, the lowest id among equals.
int argmax(const double* logp, int V) {
  int best = 0;
  for (int t = 1; t < V; ++t)
    if (logp[t] > logp[best]) best = t;
  return best;
}

// Token ids ordered by descending logp, ties by ascending id; only the first `keep` are
// guaranteed sorted (a partial sort is enough for top-k).
void order_by_logp(const double* logp, int V, int keep, std::vector<int>* order) {
  order->resize(V);
  std::iota(order->begin(), order->end(), 0);
  auto more_likely = [logp](int a, int b) {
    return logp[a] > logp[b] || (logp[a] == logp[b] && a < b);
  };
  std::partial_sort(order->begin(), order->begin() + keep, order->end(), more_likely);
}

class TokenDrawer {
 public:
  TokenDrawer(const SamplingParams& p, int V) : p_(p), V_(V) {}

  int draw(const double* logp, SplitMix64* rng) {
    if (p_.temperature == 0 || p_.top_k == 1) return argmax(logp, V_);
    const bool limit_k = p_.top_k > 0 && p_.top_k < V_;
    const bool limit_p = p_.top_p < 1;
    const double inv_t = 1.0 / p_.temperature;
    if (!limit_k && !limit_p) {
      // Whole vocabulary in id order: no sort needed.
      weights_.resize(V_);
      const double mx = logp[argmax(logp, V_)];
      double total = 0;
      for (int t = 0; t < V_; ++t) total += weights_[t] = std::exp((logp[t] - mx) * inv_t);
      return pick(
          total, rng, [](int i) { return i; }, V_);
    }
    const int keep_k = limit_k ? p_.top_k : V_;
    order_by_logp(logp, V_, keep_k, &order_);
    weights_.resize(keep_k);
    const double mx = logp[order_[0]];
    double total = 0;
    for (int i = 0; i < keep_k; ++i)
      total += weights_[i] = std::exp((logp[order_[i]] - mx) * inv_t);
    int keep = keep_k;
    if (limit_p) {
      // Smallest prefix (in likelihood order) whose mass reaches top_p of the kept mass.
      double cum = 0;
      for (int i = 0; i < keep_k; ++i) {
        cum += weights_[i];
        if (cum >= p_.top_p * total) {
          keep = i + 1;
          total = cum;
          break;
        }
      }
    }
    return pick(
        total, rng, [this](int i) { return order_[i]; }, keep);
  }

 private:
  // Inverse-CDF draw over weights_[0..n), mapping a slot to its token with id_of.
  template <typename IdOf>
  int pick(double total, SplitMix64* rng, IdOf id_of, int n) {
    const double u = rng->next_unit() * total;
    double cum = 0;
    for (int i = 0; i < n; ++i) {
      cum += weights_[i];
      if (u < cum) return id_of(i);
    }
    return id_of(n - 1);  // u within rounding of total
  }

  const SamplingParams& p_;
  int V_;
  std::vector<double> weights_;
  std::vector<int> order_;
};

bool ends_with(const std::vector<int64_t>& seq, const std::vector<int64_t>& suffix) {
  return !suffix.empty() && seq.size() >= suffix.size() &&
         std::equal(suffix.begin(), suffix.end(), seq.end() - suffix.size());
}

void fill_prompt_logprobs(const SampleRequest& r, int V, const LogprobRowFn& row,
                          SampleResult* out) {
  const auto& prompt = r.prompt;
  const int n = static_cast<int>(prompt.size());
  if (r.prompt_logprobs) {
    out->prompt_logprobs.assign(n, std::numeric_limits<float>::quiet_NaN());
    for (int i = 1; i < n; ++i)
      out->prompt_logprobs[i] = static_cast<float>(row(int(prompt[i - 1]))[prompt[i]]);
  }
  if (r.topk_prompt_logprobs > 0) {
    const int k = std::min(r.topk_prompt_logprobs, V);
    TopkPromptLogprobs& tk = out->topk_prompt_logprobs;
    tk.k = k;
    tk.prompt_length = n;
    tk.token_ids.assign(size_t(n) * k, 0);
    tk.logprobs.assign(size_t(n) * k, kTopkNoDataLogprob);
    std::vector<int> order;
    for (int i = 1; i < n; ++i) {
      const double* logp = row(int(prompt[i - 1]));
      order_by_logp(logp, V, k, &order);
      for (int j = 0; j < k; ++j) {
        tk.token_ids[size_t(i) * k + j] = order[j];
        tk.logprobs[size_t(i) * k + j] = static_cast<float>(logp[order[j]]);
      }
    }
  }
}

}  // namespace

Status run_sampling(const SampleRequest& request, int vocab_size,
                    const std::string& base_model_name, const LogprobRowFn& row,
                    SampleResult* out) {
  Status st = validate(request, vocab_size, base_model_name);
  if (!st.is_ok()) return st;
  const SamplingParams& p = request.params;
  const int V = vocab_size;
  SampleResult result;
  fill_prompt_logprobs(request, V, row, &result);

  std::vector<bool> is_stop(V, false);
  for (int64_t id : p.stop_token_ids)
    if (id >= 0 && id < V) is_stop[id] = true;  // other ids can never be emitted

  TokenDrawer drawer(p, V);
  const int first_context = request.prompt.empty() ? V : int(request.prompt.back());
  for (int s = 0; s < request.num_samples; ++s) {
    // One independent stream per sample, so sample s does not depend on num_samples.
    SplitMix64 rng(mix64(mix64(p.seed) + static_cast<uint64_t>(s)));
    SampledSequence seq;
    int context = first_context;
    while (static_cast<int64_t>(seq.tokens.size()) < p.max_tokens) {
      const double* logp = row(context);
      const int token = drawer.draw(logp, &rng);
      seq.tokens.push_back(token);
      seq.logprobs.push_back(static_cast<float>(logp[token]));
      context = token;
      bool stop = is_stop[token];
      for (size_t j = 0; !stop && j < p.stop_sequences.size(); ++j)
        stop = ends_with(seq.tokens, p.stop_sequences[j]);
      if (stop) {
        seq.stop_reason = StopReason::kStop;
        break;
      }
    }
    result.sequences.push_back(std::move(seq));
  }
  *out = std::move(result);
  return Status::ok();
}

}  // namespace tinker::emu
