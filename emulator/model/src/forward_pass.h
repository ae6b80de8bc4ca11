// Loss, per-target logprobs and (optionally) gradients of a validated batch.
//
// Terms are grouped by context with a counting sort; each distinct context's row is computed
// once, its terms read their logprobs from it, and (for backward) their dL/dlogp fold into a
// single dL/dlogits for the row:
//   delta_c = sum_{j in c} g_j * (onehot(target_j) - softmax_c),   g_j = df/dl_j
// so a batch costs O(distinct contexts * row cost + terms), with memory O(V + terms).
// The loss is summed in term order, so it does not depend on the grouping.
#pragma once

#include "adapter.h"
#include "base_model.h"
#include "emu_model/training_types.h"
#include "term_batch.h"

namespace tinker::emu {

// grads == nullptr: forward only. base == nullptr: synthetic model (every logprob is
// -log V; no gradient).
void run_forward_pass(const BaseModel* base, const Adapter& adapter, int vocab_size,
                      const TermBatch& batch, TensorBuffers* grads, ForwardBackwardResult* out);

}  // namespace tinker::emu
