// Autoregressive sampling and prompt logprobs over any source of per-context log-probability
// rows (the real model, or the synthetic model's uniform row).
//
// Generation: the context of the first new token is the last prompt token (BOS, row V, when
// the prompt is empty); each emitted token is the next context. A token is drawn from
// softmax(logp / T) restricted to the top_k most likely tokens, then to the smallest
// most-likely prefix whose probability reaches top_p; T = 0 or top_k = 1 is greedy (ties go
// to the lowest id). The logprob reported for a token is its log p at temperature 1 without
// truncation, which is what forward computes for the same tokens (docs: "Sampling").
#pragma once

#include <functional>
#include <string>

#include "emu_model/sampling_types.h"
#include "emu_model/status.h"

namespace tinker::emu {

// Returns the V log-probabilities of the next token given context c (0..V, V = BOS). The
// pointer stays valid until the next call.
using LogprobRowFn = std::function<const double*(int context)>;

Status run_sampling(const SampleRequest& request, int vocab_size,
                    const std::string& base_model_name, const LogprobRowFn& row, SampleResult* out);

}  // namespace tinker::emu
