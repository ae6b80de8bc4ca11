// The files a tokenizer is loaded from, fetched into one snapshot directory of the cache: what
// the clients' get_tokenizer operations ask for before loading the directory with the native
// tokenizer (tinker_tokenizer_load_file reads tokenizer.json and, when present,
// tokenizer_config.json for the bos, eos and pad tokens).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "hub/hub_fetch.h"

namespace tinker::hub {

// Fetches `tokenizer.json` of `repo` at "main", then `tokenizer_config.json` at the commit the
// first answer named (so both are in one snapshot even when main moves meanwhile); a repository
// without a config is fine. `done` receives the snapshot directory, or the first file's error,
// or the config's when it is not NOT_FOUND. `deadline_ms` (> 0) bounds both together; the
// returned cancel stops whichever is running. Threads and lifetimes as fetch_file.
std::function<void()> fetch_tokenizer_snapshot(Runtime& rt, const Logger& logger, const std::string& repo,
                                               HubSettings settings, int64_t deadline_ms, FetchDone done);

}  // namespace tinker::hub
