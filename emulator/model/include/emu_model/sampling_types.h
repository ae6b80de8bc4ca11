// Inputs and outputs of sample (protocol.md §6.8, §7.7-§7.9).
#pragma once

#include <cstdint>
#include <vector>

namespace tinker::emu {

// Logprob of an empty top-k cell, the value the wire uses for "no data here" (§1.6.1).
inline constexpr float kTopkNoDataLogprob = -99999.0f;

struct SamplingParams {
  int64_t max_tokens = 16;   // >= 0; the HTTP layer supplies the default when absent
  double temperature = 1.0;  // >= 0; 0 means greedy
  int top_k = -1;            // -1 or 0 = no limit; else keep the k most likely tokens
  double top_p = 1.0;        // (0, 1]; nucleus: smallest prefix reaching this mass
  // Generation stops after emitting any of these ids (the id is kept in the output).
  // Ids outside the vocabulary can never be emitted and are ignored.
  std::vector<int64_t> stop_token_ids;
  // Generation stops once the generated tokens end with one of these sequences (kept in the
  // output). The HTTP layer can map stop strings to token sequences here.
  std::vector<std::vector<int64_t>> stop_sequences;
  // Sampling is a pure function of (weights, prompt, params, seed). The HTTP layer picks a
  // random seed when the request has none.
  uint64_t seed = 0;
};

struct SampleRequest {
  std::vector<int64_t> prompt;
  int num_samples = 1;
  SamplingParams params;
  bool prompt_logprobs = false;
  int topk_prompt_logprobs = 0;  // k >= 0; clamped to V
};

enum class StopReason { kStop, kLength };  // wire: "stop" / "length"

struct SampledSequence {
  std::vector<int64_t> tokens;
  // log p(token | context) under the model at temperature 1, exactly what forward returns
  // for the same tokens (docs: "Sampling").
  std::vector<float> logprobs;
  StopReason stop_reason = StopReason::kLength;
};

// Top-k prompt logprobs laid out as the wire's TopkPromptLogprobs (§1.6.1): row-major
// prompt_length x k; row 0 (no previous token) is all (0, kTopkNoDataLogprob).
struct TopkPromptLogprobs {
  int k = 0;
  int prompt_length = 0;
  std::vector<int32_t> token_ids;
  std::vector<float> logprobs;
};

struct SampleResult {
  std::vector<SampledSequence> sequences;  // num_samples of them
  // When requested: one per prompt token; index 0 is NaN (undefined, §7.9). Else empty.
  std::vector<float> prompt_logprobs;
  TopkPromptLogprobs topk_prompt_logprobs;  // k == 0 when not requested
};

}  // namespace tinker::emu
