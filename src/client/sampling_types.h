// The results of sampling (protocol.md §7.9): the objects behind tinker_sample_response_t (P1)
// and tinker_prompt_logprobs_t (P2).
#pragma once

#include <vector>

#include "client/api_results.h"
#include "wire/messages.h"

struct tinker_sample_response final : tinker::Result {
  tinker::wire::SampleResponse r;
  tinker::ResultKind kind() const override { return &tinker::result_types::SampleResponse; }
};

// One logprob per prompt token; NaN where the server has none (position 0, typically).
struct tinker_prompt_logprobs final : tinker::Result {
  std::vector<float> values;
  tinker::ResultKind kind() const override { return &tinker::result_types::PromptLogprobs; }
};
