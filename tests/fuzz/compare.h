// Equality of decoded values for the round-trip properties of the harnesses. Each function
// returns "" when the values are equal, otherwise where they first differ. Fields of a datum,
// loss inputs and metrics are compared by name, not position: encoders write them sorted,
// decoders keep wire order.
#pragma once

#include <string>

#include "wire/messages.h"

namespace fuzz {

namespace w = tinker::wire;

enum class Floats {
  kBitwise,      // protobuf: every bit, NaN payloads included
  kThroughJson,  // JSON has no non-finite numbers: they are written as null and read as NaN
};

std::string diff_outputs(const w::ForwardBackwardOutput& want, const w::ForwardBackwardOutput& got,
                         Floats rule);
std::string diff_samples(const w::SampleResponse& want, const w::SampleResponse& got);
std::string diff_requests(const w::ForwardBackwardRequest& want, const w::ForwardBackwardRequest& got,
                          Floats rule);

// What every accepted ForwardBackwardOutput must satisfy (wire/fwdbwd_output.h): at most
// kMaxOutputDatums datums, 1..kMaxTensorDims non-negative dimensions per tensor that multiply
// out to its element count, unique names. "" when it does.
std::string output_invariants(const w::ForwardBackwardOutput& o);

}  // namespace fuzz
