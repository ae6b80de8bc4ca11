// Loading a tokenizer from the file system: a tokenizer.json file, or a directory laid out as a
// Hub snapshot (tokenizer.json and, optionally, tokenizer_config.json). What
// tinker_tokenizer_load_file and the clients' get_tokenizer share.
#pragma once

#include <memory>
#include <string>

#include "tokenizer/tokenizer.h"

namespace tinker::tok {

// Throws TokenizerError: NOT_FOUND (no such file), PERMISSION_DENIED (unreadable),
// RESOURCE_EXHAUSTED (a file over the JSON limit), INVALID_ARGUMENT (unreadable for another
// reason, or malformed), UNIMPLEMENTED (a component not supported).
std::unique_ptr<Tokenizer> load_path(const std::string& path);

}  // namespace tinker::tok
