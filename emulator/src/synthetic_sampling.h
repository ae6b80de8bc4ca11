// Sampling on the synthetic model ("tinker-emulator/synthetic", docs/emulator.md "Sampling"):
// no compute at all, for benchmarks of everything around the model. The answer has the shapes
// and stop rules of a real one: sample tokens count up from the last prompt token
// (t_j = (last + 1 + j) mod V; from 0 for an empty prompt), the same for every sample and seed;
// every logprob is -log V; prompt logprobs are NaN then -log V; top-k rows hold ids 0..k-1 at
// -log V (a uniform distribution's ranking, lowest id first), row 0 the "no data" cell.
#pragma once

#include "emu_model/sampling_types.h"

namespace emu {

// `req` is already validated (sample_io.h to_model_request); `vocab` is the model's V.
void synthetic_sample(const tinker::emu::SampleRequest& req, int vocab,
                      tinker::emu::SampleResult* out);

}  // namespace emu
