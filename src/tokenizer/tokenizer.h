// A loaded tokenizer: the pipeline of Hugging Face's TokenizerImpl for one sequence (added
// tokens, normalizer, pre-tokenizer, model, post-processor; decoder for the way back). Immutable
// after load, so any number of threads may encode and decode at once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/added_tokens.h"
#include "tokenizer/bpe.h"
#include "tokenizer/decoder.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/post_processor.h"
#include "tokenizer/pre_tokenizer.h"

namespace tinker::tok {

// A token named by tokenizer_config.json or inferred from tokenizer.json (bos, eos, pad).
struct NamedToken {
  std::optional<std::string> content;
  int32_t id = -1;
};

class Tokenizer {
 public:
  // Loads tokenizer.json's text and, when `config` is given, tokenizer_config.json's.
  // Throws TokenizerError.
  static std::unique_ptr<Tokenizer> load(std::string_view json, const std::string_view* config);

  // Throws TokenizerError (INVALID_ARGUMENT for text that is not UTF-8).
  std::vector<int32_t> encode(std::string_view text, bool add_special_tokens) const;
  // Throws TokenizerError (INVALID_ARGUMENT for an id that names no token).
  std::string decode(const int32_t* ids, size_t count, bool skip_special_tokens) const;

  int32_t token_to_id(std::string_view token) const;
  // The token of `id` (NUL-terminated), or a view with a null data() when none.
  std::string_view id_to_token(int32_t id) const;
  size_t vocab_size() const { return vocab_size_; }
  const std::vector<AddedToken>& added_tokens() const { return added_.tokens(); }
  const NamedToken& bos() const { return bos_; }
  const NamedToken& eos() const { return eos_; }
  const NamedToken& pad() const { return pad_; }

 private:
  Tokenizer() = default;
  void load_added_tokens(json::Value list);
  void load_named_tokens(json::Value root, const json::Value* config);

  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<Bpe> model_;
  std::unique_ptr<PostProcessor> post_processor_;
  std::unique_ptr<Decoder> decoder_;
  AddedTokens added_;
  size_t vocab_size_ = 0;
  NamedToken bos_, eos_, pad_;
};

}  // namespace tinker::tok
