#include "client/step_chain.h"

namespace tinker {

std::shared_ptr<StepChain> StepChain::make(ClientContext& ctx, ResultKind kind) {
  std::shared_ptr<StepChain> chain(new StepChain);
  chain->ctx_ = &ctx;
  chain->self_ = chain;
  chain->future_ = std::make_shared<FutureState>(ctx.runtime().completion(), kind);
  std::weak_ptr<StepChain> weak = chain;  // weak: the future must not keep its own chain alive
  chain->future_->set_cancel_hook([weak] {
    if (auto self = weak.lock()) self->cancel();
  });
  return chain;
}

void StepChain::run(CallSpec spec, ResultKind kind, std::function<void(FutureState&)> next) {
  std::shared_ptr<StepChain> self = self_.lock();
  spec.then = [self, next = std::move(next)](FutureState& f) {
    self->step_ended();
    if (f.poll() != TINKER_OK) {
      if (const Error* e = f.error()) self->future_->fail(*e);
      return;
    }
    if (self->future_->done()) return;  // cancelled meanwhile
    next(f);
  };
  auto step = std::make_shared<FutureState>(ctx_->runtime().completion(), kind);
  set_stop([step] { step->cancel(); });
  start_call(*ctx_, std::move(spec), step);
}

void StepChain::set_stop(std::function<void()> stop) {
  std::unique_lock<std::mutex> lk(mu_);
  if (!cancelled_) {
    stop_ = std::move(stop);
    return;
  }
  lk.unlock();
  stop();
}

void StepChain::step_ended() {
  std::function<void()> ended;  // destroyed after the lock is released
  std::lock_guard<std::mutex> lk(mu_);
  ended.swap(stop_);
}

void StepChain::cancel() {
  std::function<void()> stop;
  {
    std::lock_guard<std::mutex> lk(mu_);
    cancelled_ = true;
    stop.swap(stop_);
  }
  if (stop) stop();
}

}  // namespace tinker
