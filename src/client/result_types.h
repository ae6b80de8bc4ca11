// The result kinds of the operations (core/result.h): one descriptor per result type.
#pragma once

#include "core/result.h"

namespace tinker::result_types {
inline constexpr ResultType ServerCapabilities{"server capabilities"};
inline constexpr ResultType TrainingClient{"training client"};
inline constexpr ResultType ForwardBackwardOutput{"forward/backward output"};
inline constexpr ResultType OptimStepResult{"optim step result"};
inline constexpr ResultType SaveResult{"save result"};
inline constexpr ResultType LoadResult{"load result"};
inline constexpr ResultType ModelInfo{"model info"};
inline constexpr ResultType SamplingClient{"sampling client"};
inline constexpr ResultType CustomLossStep{"custom loss step"};
}  // namespace tinker::result_types
