// Checks a forward/forward_backward request against the model and flattens it into terms:
// one term per target element, carrying its context token, its target and the per-element
// loss inputs. Every user error of a training request is found here, before any compute.
//
// Alignment (Tinker convention, protocol.md §7.3): target_tokens[i] is the token that
// follows model_input[i], so the context of target element (i, k) is model_input[i].
// target_tokens is [N] or [N, K] (K candidates per position, e.g. top-K distillation).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emu_model/status.h"
#include "emu_model/training_types.h"
#include "loss_functions.h"

namespace tinker::emu {

struct TermBatch {
  LossKind kind = LossKind::kCrossEntropy;
  std::vector<int32_t> context;     // per term
  std::vector<int32_t> target;      // per term
  std::vector<TermInputs> inputs;   // per term
  std::vector<size_t> datum_begin;  // datum i owns terms [datum_begin[i], datum_begin[i+1])
  std::vector<std::vector<int64_t>> shapes;  // per datum: target_tokens' shape
  size_t size() const { return context.size(); }
};

// Fills *out or returns a user error naming the datum and input at fault.
Status build_term_batch(const std::vector<Datum>& data, const std::string& loss_fn,
                        const LossFnConfig& loss_fn_config, int vocab_size,
                        const std::string& base_model_name, TermBatch* out);

// Checks that every token is in [0, vocab_size); what names the tokens in the message.
Status check_token_range(const std::vector<int64_t>& tokens, int vocab_size,
                         const std::string& base_model_name, const std::string& what);

}  // namespace tinker::emu
