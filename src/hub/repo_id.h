// Which Hugging Face repository holds a model's tokenizer, and the checks every repository id,
// revision and file name passes before it becomes part of a URL or a path in the cache
// (docs/hub.md). Pure functions: the unit tests check each rule.
#pragma once

#include <string>

#include "core/error.h"

namespace tinker::hub {

// "org/name": two segments of [A-Za-z0-9._-], neither starting with '.' or '-', no "..".
bool valid_repo_id(const std::string& repo);
// A branch, tag or commit ("main", "v1.0", "refs/pr/1", 40 hex): segments of [A-Za-z0-9._-]
// separated by '/', none empty, none starting with '.' or '-'.
bool valid_revision(const std::string& revision);
// A file in a repository ("tokenizer.json", "sub/dir/file"): segments of [A-Za-z0-9._-]
// separated by '/', none empty, none "." or "..".
bool valid_filename(const std::string& filename);
// 40 lower-case hexadecimal digits: a git commit as the Hub names it.
bool is_commit_hash(const std::string& s);

// The repository of a model's tokenizer, as the official SDK chooses it: `tokenizer_id` when the
// model info gave one (non-empty); otherwise from the model name without anything from its first
// ':' on: "meta-llama/Llama-3…" → the Llama 3 instruct tokenizer repository, "org/model/variant"
// → "org/model", else the name itself. Fails TINKER_E_UNIMPLEMENTED for tokenizers that need
// Python code to load (TML/ and thinkingmachines/ ids, the Kimi models the SDK loads with
// trust_remote_code), naming the model; TINKER_E_INVALID_ARGUMENT for an id that is not a valid
// repository id.
bool tokenizer_repo_for(const std::string& model_name, const std::string& tokenizer_id, std::string* repo,
                        Error* error);

}  // namespace tinker::hub
