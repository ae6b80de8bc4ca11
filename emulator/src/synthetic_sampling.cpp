#include "synthetic_sampling.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace emu {

namespace mdl = ::tinker::emu;

namespace {

bool ends_with(const std::vector<int64_t>& seq, const std::vector<int64_t>& suffix) {
  return !suffix.empty() && seq.size() >= suffix.size() &&
         std::equal(suffix.begin(), suffix.end(), seq.end() - suffix.size());
}

bool stops_after(const std::vector<int64_t>& tokens, const mdl::SamplingParams& p) {
  const int64_t last = tokens.back();
  if (std::find(p.stop_token_ids.begin(), p.stop_token_ids.end(), last) != p.stop_token_ids.end()) {
    return true;
  }
  for (const auto& s : p.stop_sequences) {
    if (ends_with(tokens, s)) return true;
  }
  return false;
}

void fill_prompt_logprobs(const mdl::SampleRequest& req, int vocab, float uniform,
                          mdl::SampleResult* out) {
  const size_t n = req.prompt.size();
  if (req.prompt_logprobs) {
    out->prompt_logprobs.assign(n, uniform);
    if (n > 0) out->prompt_logprobs[0] = std::numeric_limits<float>::quiet_NaN();
  }
  if (req.topk_prompt_logprobs > 0 && n > 0) {
    const int k = std::min(req.topk_prompt_logprobs, vocab);
    mdl::TopkPromptLogprobs& t = out->topk_prompt_logprobs;
    t.k = k;
    t.prompt_length = static_cast<int>(n);
    t.token_ids.assign(n * k, 0);
    t.logprobs.assign(n * k, mdl::kTopkNoDataLogprob);
    for (size_t i = 1; i < n; ++i) {
      for (int j = 0; j < k; ++j) {
        t.token_ids[i * k + j] = j;
        t.logprobs[i * k + j] = uniform;
      }
    }
  }
}

}  // namespace

void synthetic_sample(const mdl::SampleRequest& req, int vocab, mdl::SampleResult* out) {
  const float uniform = static_cast<float>(-std::log(static_cast<double>(vocab)));
  mdl::SampleResult r;
  fill_prompt_logprobs(req, vocab, uniform, &r);
  const int64_t first = req.prompt.empty() ? 0 : (req.prompt.back() + 1) % vocab;
  mdl::SampledSequence seq;
  seq.stop_reason = mdl::StopReason::kLength;
  for (int64_t j = 0; j < req.params.max_tokens; ++j) {
    seq.tokens.push_back((first + j) % vocab);
    if (stops_after(seq.tokens, req.params)) {
      seq.stop_reason = mdl::StopReason::kStop;
      break;
    }
  }
  seq.logprobs.assign(seq.tokens.size(), uniform);
  r.sequences.assign(static_cast<size_t>(req.num_samples), seq);
  *out = std::move(r);
}

}  // namespace emu
