// Base of every operation result a future can hold. Concrete results live in client/ and are
// the objects behind the opaque C result handles.
#pragma once

namespace tinker {

enum class ResultKind {
  None,                // status-only operations (health_check, start_session)
  ServerCapabilities,
  TrainingClient,
  ForwardBackwardOutput,
  OptimStepResult,
  SaveResult,
  LoadResult,
  ModelInfo,
  SamplingClient,
  CustomLossStep,      // phase one of forward_backward_custom
  Internal,            // results of library-internal calls (startup steps)
};

const char* result_kind_name(ResultKind k);

struct Result {
  virtual ~Result() = default;
  virtual ResultKind kind() const = 0;
};

struct NoneResult final : Result {
  ResultKind kind() const override { return ResultKind::None; }
};

}  // namespace tinker
