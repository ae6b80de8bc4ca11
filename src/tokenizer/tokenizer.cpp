#include "tokenizer/tokenizer.h"

#include <unordered_set>

#include "tokenizer/error.h"
#include "core/utf8.h"

namespace tinker::tok {

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool add_special_tokens) const {
  if (!utf8_valid(text)) throw TokenizerError(TINKER_E_INVALID_ARGUMENT, "text is not valid UTF-8");
  const std::string input(text);
  // 1. Added tokens matched on the raw text; 2. the rest normalized, then the added tokens
  // matched on the normalized text (AddedVocabulary::extract_and_normalize).
  std::vector<Segment> raw;
  added_.split(input, false, raw);
  std::vector<Segment> segments;
  for (Segment& s : raw) {
    if (s.token >= 0) {
      segments.push_back(std::move(s));
    } else {
      added_.split(normalizer_ ? normalizer_->normalize(s.text) : s.text, true, segments);
    }
  }
  std::vector<int32_t> ids;
  ids.reserve(text.size() / 3 + 4);
  // Matching state is per thread and kept: creating a JIT stack per call costs page faults.
  thread_local RegexScratch scratch;
  std::vector<std::string> pieces;
  for (const Segment& s : segments) {
    if (s.token >= 0) {
      ids.push_back(s.token);
      continue;
    }
    pieces.clear();
    pieces.push_back(s.text);
    if (pre_tokenizer_) pre_tokenizer_->apply(pieces, scratch);
    for (const std::string& p : pieces) {
      if (!p.empty()) model_->encode(p, ids);
    }
  }
  if (add_special_tokens && post_processor_) post_processor_->add_special_tokens(ids);
  return ids;
}

std::string Tokenizer::decode(const int32_t* ids, size_t count, bool skip_special_tokens) const {
  std::vector<std::string_view> tokens;
  tokens.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    std::string_view token = id_to_token(ids[i]);
    if (!token.data())
      throw TokenizerError(TINKER_E_INVALID_ARGUMENT,
                           "ids[" + std::to_string(i) + "] = " + std::to_string(ids[i]) + " names no token");
    if (skip_special_tokens && added_.is_special_content(token)) continue;
    tokens.push_back(token);
  }
  return decoder_->decode(tokens);
}

int32_t Tokenizer::token_to_id(std::string_view token) const {
  int32_t id = added_.find(token);
  return id >= 0 ? id : model_->vocab().find(token);
}

std::string_view Tokenizer::id_to_token(int32_t id) const {
  if (const AddedToken* t = added_.by_id(id)) return t->content;
  return model_->vocab().token(id);
}

}  // namespace tinker::tok
