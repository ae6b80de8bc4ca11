// Post-processors: what encode adds around the model's ids when asked for special tokens
// (TemplateProcessing's single template; ByteLevel only adjusts offsets, so it adds nothing).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tokenizer/json_doc.h"

namespace tinker::tok {

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  // Rewrites the ids of one sequence with the special tokens added.
  virtual void add_special_tokens(std::vector<int32_t>& ids) const = 0;
  // The special token the template puts before / after the sequence, if any (bos / eos when
  // tokenizer_config.json does not name them).
  virtual std::optional<std::string> leading_special() const { return std::nullopt; }
  virtual std::optional<std::string> trailing_special() const { return std::nullopt; }
};

// Builds the post-processor of tokenizer.json's "post_processor" (non-null); throws
// TokenizerError, UNIMPLEMENTED naming an unsupported type.
std::unique_ptr<PostProcessor> make_post_processor(json::Value config);

}  // namespace tinker::tok
