// An operation made of steps run one after another behind one future: creating a training run
// from a checkpoint (weights_info → create_model → load_weights), get_tokenizer (get_info → the
// Hub → the load). The chain holds the caller's future and the stop of the step running now, so
// that cancelling the future stops that step, whichever it is and whichever thread cancels.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "core/call.h"
#include "core/client_context.h"

namespace tinker {

class StepChain {
 public:
  // A chain whose future, of `kind`, completes on `ctx`'s completion thread. The chain may only
  // run steps while `ctx` lives (its steps run on ctx's IO thread, which stops with it).
  static std::shared_ptr<StepChain> make(ClientContext& ctx, ResultKind kind);

  const std::shared_ptr<FutureState>& future() const { return future_; }

  // Runs `spec` as the next step (any thread). When it fails, the future fails with its error;
  // when it succeeds and the future is still pending, `next` gets the finished step (IO thread).
  void run(CallSpec spec, ResultKind kind, std::function<void(FutureState&)> next);
  // The stop of a step that is not a call (a Hub fetch). Runs at once when the future was
  // cancelled already.
  void set_stop(std::function<void()> stop);
  // The running step ended: its stop is dropped (it may hold this chain).
  void step_ended();

 private:
  StepChain() = default;
  void cancel();

  ClientContext* ctx_ = nullptr;
  std::shared_ptr<FutureState> future_;
  std::weak_ptr<StepChain> self_;
  std::mutex mu_;
  bool cancelled_ = false;
  std::function<void()> stop_;
};

}  // namespace tinker
