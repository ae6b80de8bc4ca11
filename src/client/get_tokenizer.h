// get_tokenizer (T13, P4): which model, then which Hugging Face repository holds its tokenizer
// (the official client's rules, hub/repo_id.h), then its files fetched into the Hub cache
// (hub/tokenizer_snapshot.h), then the tokenizer loaded off the IO thread. The training and
// sampling clients differ only in the first step: get_info, or the sampler's base model.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "client/api_results.h"
#include "core/call.h"
#include "core/client_context.h"

namespace tinker {

namespace tok {
class Tokenizer;
}

// What a get_tokenizer future holds: the loaded tokenizer, shared by every handle made of it
// (it is immutable; the process-wide table of loaded tokenizers refers to it weakly).
struct TokenizerResult final : Result {
  std::shared_ptr<const tok::Tokenizer> tokenizer;
  ResultKind kind() const override { return &result_types::Tokenizer; }
};

// The model a tokenizer is wanted for, read from the first step's result.
struct TokenizerModel {
  std::string name;          // "Qwen/Qwen3-8B", possibly with a ":suffix"
  std::string tokenizer_id;  // empty: decide from the name
};
using ReadModel = std::function<TokenizerModel(Result& first)>;

// Runs `first` (whose result has kind `first_kind`), reads the model from it with `read`, and
// completes the returned future with a TokenizerResult. The client's default deadline bounds
// the whole operation; cancelling the future stops whichever step is running.
std::shared_ptr<FutureState> start_get_tokenizer(const std::shared_ptr<ClientContext>& ctx, CallSpec first,
                                                 ResultKind first_kind, ReadModel read);

}  // namespace tinker
