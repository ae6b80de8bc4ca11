// Runs `n` independent jobs on up to `threads` threads (0: one per core), the calling thread
// among them, at most kMaxThreads; each job index runs exactly once, also when the system
// refuses some threads. Used by the batch encode.
#pragma once

#include <cstddef>
#include <functional>

namespace tinker::tok {

// The most threads one call starts, whatever it asks for.
constexpr size_t kMaxThreads = 256;

void run_parallel(size_t n, size_t threads, const std::function<void(size_t)>& job);

}  // namespace tinker::tok
