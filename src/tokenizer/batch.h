// Runs `n` independent jobs on up to `threads` threads (0: one per core), the calling thread
// among them; each job index runs exactly once. Used by the batch encode.
#pragma once

#include <cstddef>
#include <functional>

namespace tinker::tok {

void run_parallel(size_t n, size_t threads, const std::function<void(size_t)>& job);

}  // namespace tinker::tok
