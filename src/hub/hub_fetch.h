// Fetching one file of a Hugging Face repository into the Hugging Face cache, on a client's
// runtime (docs/hub.md). What the later get_tokenizer operations call; no public C API.
//
// One fetch: HEAD {endpoint}/{repo}/resolve/{revision}/{filename} for the commit (X-Repo-Commit)
// and the blob's name (X-Linked-Etag, else ETag); when the cache already holds that blob, only
// the snapshot link and the ref are written. Otherwise a GET downloads it into the cache.
// Redirects are followed here, at most 5 per request, and the token goes only to the
// endpoint's origin. 5xx, 408, 429 and network failures are retried with backoff; after the
// last attempt a cached copy is used when there is one, as huggingface_hub does. Offline mode
// reads the cache only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/error.h"
#include "core/log.h"
#include "core/runtime.h"
#include "hub/hub_settings.h"

namespace tinker::hub {

struct FileRef {
  std::string repo;  // "org/name"
  std::string revision = "main";
  std::string filename;
};

// The cached file's path (the snapshot entry), or the error (`error` non-null).
using FetchDone = std::function<void(const Error* error, const std::string& path)>;

// Starts a fetch on `rt`'s IO thread (any thread may call). `done` runs exactly once, on the IO
// thread; only when the runtime has already shut down does it run at once on the caller's
// thread (TINKER_E_FAILED_PRECONDITION). `deadline_ms` > 0 bounds the whole fetch
// (TINKER_E_DEADLINE_EXCEEDED); 0 = none. Statuses: INVALID_ARGUMENT (a repository id, revision,
// file name, endpoint or token that cannot be used), NOT_FOUND (404), UNAUTHENTICATED /
// PERMISSION_DENIED (401 / 403: gated or private), UNAVAILABLE (the Hub cannot be reached and
// nothing is cached, or offline mode and nothing cached), RESOURCE_EXHAUSTED (larger than
// max_file_bytes), DATA_LOSS (no valid commit or ETag, a bad redirect), FAILED_PRECONDITION
// (the cache cannot be written), CANCELLED.
//
// Returns the cancel: callable from any thread, any number of times while `rt` lives; the fetch
// stops its transfer and timers and `done` runs with TINKER_E_CANCELLED unless it ran already.
// It fits FutureState::set_cancel_hook (a future runs its hook only while pending, and the
// runtime's shutdown ends every fetch first).
std::function<void()> fetch_file(Runtime& rt, const Logger& logger, FileRef file, HubSettings settings,
                                 int64_t deadline_ms, FetchDone done);

}  // namespace tinker::hub
