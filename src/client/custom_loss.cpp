// forward_backward_custom (protocol.md §6.5): forward with cross_entropy, the caller's loss (on
// the completion thread for the callback form, anywhere for the two-phase form), then
// forward_backward with weights = -d loss / d logprobs.
#include "client/custom_loss.h"

#include <algorithm>
#include <atomic>

#include "client/training_client.h"

namespace tinker {

wire::DatumView OwnedDatum::view(const std::vector<float>& w) const {
  wire::DatumView v;
  v.chunks = chunks;
  wire::TensorView t = wire::TensorView::i64(target_tokens.data(), target_tokens.size());
  t.shape = target_shape;
  wire::TensorView wt = wire::TensorView::f32(w.data(), w.size());
  wt.shape = target_shape;
  v.loss_fn_inputs = {{"target_tokens", t}, {"weights", wt}};
  return v;
}

namespace {

// Copies a caller's datum; only target_tokens (int64) and weights (float32) are allowed.
bool own(const wire::DatumView& d, OwnedDatum* out, std::string* err) {
  for (const auto& c : d.chunks) {
    wire::ChunkView copy = c;
    size_t bytes = c.kind == wire::ChunkKind::ENCODED_TEXT
                       ? c.n_tokens * (c.token_width == wire::TokenWidth::INT64 ? 8 : 4)
                       : c.size;
    const void* src = c.kind == wire::ChunkKind::ENCODED_TEXT ? c.tokens : c.data;
    if (bytes && src) {
      out->buffers.emplace_back(static_cast<const uint8_t*>(src), static_cast<const uint8_t*>(src) + bytes);
      if (c.kind == wire::ChunkKind::ENCODED_TEXT) copy.tokens = out->buffers.back().data();
      else copy.data = out->buffers.back().data();
    }
    out->chunks.push_back(copy);
  }
  bool have_targets = false;
  for (const auto& kv : d.loss_fn_inputs) {
    const wire::TensorView& t = kv.second;
    if (kv.first == "target_tokens" && t.dtype == wire::DType::INT64) {
      const int64_t* p = static_cast<const int64_t*>(t.data);
      out->target_tokens.assign(p, p + t.numel);
      out->target_shape = t.shape;
      have_targets = true;
    } else if (kv.first == "weights" && t.dtype == wire::DType::FLOAT32) {
      const float* p = static_cast<const float*>(t.data);
      out->weights = std::vector<float>(p, p + t.numel);
    } else {
      *err = "loss input '" + kv.first + "' is not allowed (only target_tokens and weights)";
      return false;
    }
  }
  if (!have_targets) {
    *err = "every datum needs target_tokens";
    return false;
  }
  return true;
}

// Runs `fn` on the completion thread once `f` finished; false (fn never runs) when the runtime
// has shut down.
bool on_finish(const std::shared_ptr<FutureState>& f, std::function<void()> fn) {
  auto* heap = new std::function<void()>(std::move(fn));
  tinker_status_t s = f->on_complete([](tinker_future_t*, void* ud) { (*static_cast<std::function<void()>*>(ud))(); },
                                     heap, [](void* ud) { delete static_cast<std::function<void()>*>(ud); }, nullptr);
  if (s == TINKER_OK) return true;
  delete heap;
  return false;
}

// Hands `from`'s outcome to `to` once `from` finished: its error, or its result through `fn`
// (which may fail `to` itself, or return the result to complete it with).
void relay(const std::shared_ptr<FutureState>& from, const std::shared_ptr<FutureState>& to,
           std::function<std::unique_ptr<Result>(std::unique_ptr<Result>, FutureState& to)> fn) {
  bool registered = on_finish(from, [from, to, fn = std::move(fn)] {
    if (to->done()) return;
    try {
      std::unique_ptr<Result> r;
      if (from->poll() != TINKER_OK) return (void)to->fail(*from->error());
      from->take(from->expected_kind(), &r);
      if (auto out = fn(std::move(r), *to)) {
        to->mark_submitted();
        to->complete(std::move(out));
      }
    } catch (...) {  // `to` must end, or its caller waits forever
      to->fail(current_exception_error("forward_backward_custom"));
    }
  });
  // Never leave `to` pending with nothing left to finish it.
  if (!registered) to->fail(make_error(TINKER_E_CANCELLED, "forward_backward_custom: the client runtime has shut down"));
}

std::weak_ptr<FutureState> weak(const std::shared_ptr<FutureState>& f) { return f; }

// A refusal at call time: the C boundary prefixes the function's name.
std::shared_ptr<FutureState> refuse(Error* err, tinker_status_t code, const std::string& message) {
  *err = make_error(code, message);
  return nullptr;
}

Error loss_error(tinker_status_t s, const std::string& message) {
  return make_error(s == TINKER_OK ? TINKER_E_INVALID_ARGUMENT : s, "forward_backward_custom: " + message);
}

// Fills the step's input (views of the logprobs) and sizes its output; false if a datum's forward
// output has no float logprobs.
bool prepare_step(tinker_custom_loss_step& step, Error* err) {
  step.input.data = &step.data;
  // The server's outputs are matched to our datums by position (the backward pass indexes both).
  if (step.forward->outputs.size() != step.data.size()) {
    *err = loss_error(TINKER_E_DATA_LOSS, "the forward pass returned " + std::to_string(step.forward->outputs.size()) +
                                              " outputs for " + std::to_string(step.data.size()) + " datums");
    return false;
  }
  for (size_t i = 0; i < step.forward->outputs.size(); ++i) {
    const wire::OutputTensor* lp = nullptr;
    for (auto& kv : step.forward->outputs[i])
      if (kv.first == "logprobs" && kv.second.t.is_float) lp = &kv.second.t;
    if (!lp) {
      *err = loss_error(TINKER_E_DATA_LOSS, "forward output " + std::to_string(i) + " has no float logprobs");
      return false;
    }
    // One logprob per target token: the gradient set for it becomes that datum's weights.
    if (lp->f32.size() != step.data[i].target_tokens.size()) {
      *err = loss_error(TINKER_E_DATA_LOSS, "forward output " + std::to_string(i) + " has " +
                                                std::to_string(lp->f32.size()) + " logprobs for " +
                                                std::to_string(step.data[i].target_tokens.size()) + " target tokens");
      return false;
    }
    step.input.logprobs.push_back(lp);
    step.output.expected_counts.push_back(lp->f32.size());
  }
  step.output.gradients.resize(step.input.logprobs.size());
  return true;
}

}  // namespace

std::shared_ptr<FutureState> begin_custom_loss(ClientContext& ctx, const std::shared_ptr<TrainingRun>& run,
                                               const std::vector<wire::DatumView>& data, Error* err) {
  // Shared only so the completion callback can hold it; moved into the result when done.
  auto step = std::make_shared<std::unique_ptr<tinker_custom_loss_step>>(new tinker_custom_loss_step);
  (*step)->run = run;
  std::vector<OwnedDatum>& owned = (*step)->data;
  owned.resize(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    std::string msg;
    if (!own(data[i], &owned[i], &msg)) {
      return refuse(err, TINKER_E_INVALID_ARGUMENT, "datum " + std::to_string(i) + ": " + msg);
    }
  }
  // Forward pass with cross_entropy; weights default to zeros (§6.5 step 2). The bodies are
  // encoded before start_forward_backward returns, so the weights need not outlive it.
  std::vector<std::vector<float>> weights;
  std::vector<wire::DatumView> views;
  weights.reserve(owned.size());
  for (auto& d : owned) {
    weights.push_back(d.weights.value_or(std::vector<float>(d.target_tokens.size(), 0.0f)));
    views.push_back(d.view(weights.back()));
  }
  std::shared_ptr<FutureState> forward = start_forward_backward(ctx, run, views, "cross_entropy", {}, true, err);
  if (!forward) return nullptr;
  auto user = std::make_shared<FutureState>(ctx.runtime().completion(), &result_types::CustomLossStep);
  user->set_cancel_hook([w = weak(forward)] {
    if (auto f = w.lock()) f->cancel();
  });
  relay(forward, user, [step](std::unique_ptr<Result> r, FutureState& to) -> std::unique_ptr<Result> {
    (*step)->forward.reset(static_cast<tinker_forward_backward_output*>(r.release()));
    Error e;
    if (prepare_step(**step, &e)) return std::move(*step);
    to.fail(e);
    return nullptr;
  });
  return user;
}

std::shared_ptr<FutureState> finish_custom_loss(ClientContext& ctx, const std::shared_ptr<TrainingRun>& run,
                                                tinker_custom_loss_step& step, Error* err) {
  if (step.run != run) return refuse(err, TINKER_E_INVALID_ARGUMENT, "the step belongs to another training client");
  if (step.finished) return refuse(err, TINKER_E_FAILED_PRECONDITION, "the step was already finished");
  tinker_custom_loss_output& o = step.output;
  // weights = -gradient (the server's cross_entropy is Σ -logprob · weight; §6.5 step 6).
  std::vector<std::vector<float>> weights;
  std::vector<wire::DatumView> views;
  weights.reserve(o.gradients.size());
  for (size_t i = 0; i < o.gradients.size(); ++i) {
    if (!o.gradients[i]) return refuse(err, TINKER_E_INVALID_ARGUMENT, "no gradient for datum " + std::to_string(i));
    std::vector<float> w(*o.gradients[i]);
    for (float& x : w) x = -x;
    weights.push_back(std::move(w));
    views.push_back(step.data[i].view(weights.back()));
  }
  // Reserved now, at its own call time (§6.5): other operations may have come in between.
  std::shared_ptr<FutureState> backward = start_forward_backward(ctx, run, views, "cross_entropy", {}, false, err);
  if (!backward) return nullptr;
  step.finished = true;
  auto user = std::make_shared<FutureState>(ctx.runtime().completion(), &result_types::ForwardBackwardOutput);
  user->set_cancel_hook([w = weak(backward)] {
    if (auto f = w.lock()) f->cancel();
  });
  Metrics metrics = o.metrics;
  if (o.loss && std::none_of(metrics.begin(), metrics.end(), [](const auto& kv) { return kv.first == "loss:sum"; }))
    metrics.emplace_back("loss:sum", *o.loss);
  relay(backward, user, [metrics](std::unique_ptr<Result> r, FutureState&) {
    auto& items = static_cast<tinker_forward_backward_output&>(*r).metrics.items;
    for (const auto& m : metrics) {
      auto it = std::find_if(items.begin(), items.end(), [&](const auto& kv) { return kv.first == m.first; });
      if (it != items.end()) it->second = m.second;
      else items.push_back(m);
    }
    return r;
  });
  return user;
}

std::shared_ptr<FutureState> TrainingClient::forward_backward_custom(const std::vector<wire::DatumView>& data,
                                                                     CustomLoss loss, Error* err) {
  std::shared_ptr<FutureState> begin = begin_custom_loss(*ctx_, run_, data, err);
  if (!begin) return nullptr;
  auto user = std::make_shared<FutureState>(ctx_->runtime().completion(), &result_types::ForwardBackwardOutput);
  // Phase two's future appears on the completion thread; a cancel may come from any thread.
  auto backward = std::make_shared<std::shared_ptr<FutureState>>();
  user->set_cancel_hook([b = weak(begin), backward] {
    if (auto f = b.lock()) f->cancel();
    if (auto f = std::atomic_load(backward.get())) f->cancel();
  });
  // The callbacks run on the completion thread, which exists only while the context does.
  std::shared_ptr<TrainingRun> run = run_;
  ClientContext* ctx = ctx_.get();
  relay(begin, user, [run, ctx, loss, user, backward](std::unique_ptr<Result> r, FutureState&) -> std::unique_ptr<Result> {
    std::shared_ptr<tinker_custom_loss_step> step(static_cast<tinker_custom_loss_step*>(r.release()));
    tinker_status_t s = loss.fn(&step->input, &step->output, loss.user_data);
    Error err = loss_error(s, std::string("the loss function returned ") + tinker_status_str(s));
    std::shared_ptr<FutureState> b = s == TINKER_OK ? finish_custom_loss(*ctx, run, *step, &err) : nullptr;
    if (!b) {
      user->fail(err);
      return nullptr;
    }
    std::atomic_store(backward.get(), b);
    if (user->done()) b->cancel();  // cancelled while the loss ran
    relay(b, user, [](std::unique_ptr<Result> out, FutureState&) { return out; });
    return nullptr;  // `user` completes with phase two's result
  });
  return user;
}

std::shared_ptr<FutureState> TrainingClient::forward_backward_custom_begin(const std::vector<wire::DatumView>& data,
                                                                           Error* err) {
  return begin_custom_loss(*ctx_, run_, data, err);
}

std::shared_ptr<FutureState> TrainingClient::forward_backward_custom_finish(tinker_custom_loss_step& step, Error* err) {
  return finish_custom_loss(*ctx_, run_, step, err);
}

}  // namespace tinker
