// Base of every operation result a future can hold. Concrete results live in client/ and are
// the objects behind the opaque C result handles.
#pragma once

namespace tinker {

// What kind of result a future holds, named for messages ("future holds a model info result,
// not a save result"). Each result type owns one descriptor and futures compare their addresses,
// so a new result type is declared where it is defined, not added to a list here.
struct ResultType {
  const char* name;
};
using ResultKind = const ResultType*;

// The two kinds the core itself makes; the operations' own are generated from the registry
// (client/api_results.h).
namespace result_types {
inline constexpr ResultType None{"none"};          // status-only operations (health_check, start_session)
inline constexpr ResultType Internal{"internal"};  // library-internal calls (startup steps, chunks)
}  // namespace result_types

struct Result {
  virtual ~Result() = default;
  virtual ResultKind kind() const = 0;
};

struct NoneResult final : Result {
  ResultKind kind() const override { return &result_types::None; }
};

}  // namespace tinker
