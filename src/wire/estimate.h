// The client's per-datum size estimate that drives forward/backward chunking and the dispatch
// byte budget (protocol.md §6.2).
#pragma once

#include <cstdint>
#include <vector>

#include "wire/views.h"

namespace tinker::wire {

// Text: 4 bytes per token (ids travel as int32 whatever the caller's width); image: its byte
// length; image asset pointer: the length of its location; dmel: its byte length; each loss
// input: numel × dtype size, plus 8 per CSR row pointer and 8 per CSR column index.
uint64_t estimate_datum_bytes(const DatumView& d);

// A sample prompt's estimate for the sampling dispatch budget (§6.9): as above, except that text
// counts 10 bytes per token, as the official client estimates prompts.
uint64_t estimate_prompt_bytes(const std::vector<ChunkView>& chunks);

}  // namespace tinker::wire
