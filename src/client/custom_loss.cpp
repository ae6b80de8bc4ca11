// forward_backward_custom (protocol.md §6.5): forward with cross_entropy, the caller's loss on
// the completion thread, then forward_backward with weights = -d loss / d logprobs.
#include "client/custom_loss.h"

#include <cstring>

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

// Runs `fn` on the completion thread once `f` finished.
void on_finish(const std::shared_ptr<FutureState>& f, std::function<void()> fn) {
  auto* heap = new std::function<void()>(std::move(fn));
  tinker_status_t s = f->on_complete([](tinker_future_t*, void* ud) { (*static_cast<std::function<void()>*>(ud))(); },
                                     heap, [](void* ud) { delete static_cast<std::function<void()>*>(ud); }, nullptr);
  if (s != TINKER_OK) delete heap;
}

struct CustomRun {
  std::shared_ptr<FutureState> user, forward, backward;
  std::vector<OwnedDatum> data;
  std::vector<std::vector<float>> weights;  // backing store of the views sent
  CustomLoss loss;
};

Error loss_error(tinker_status_t s, const std::string& message) {
  return make_error(s == TINKER_OK ? TINKER_E_INVALID_ARGUMENT : s, "forward_backward_custom: " + message);
}

}  // namespace

std::shared_ptr<FutureState> TrainingClient::forward_backward_custom(const std::vector<wire::DatumView>& data,
                                                                     CustomLoss loss, Error* err) {
  auto run = std::make_shared<CustomRun>();
  run->loss = loss;
  run->data.resize(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    std::string msg;
    if (!own(data[i], &run->data[i], &msg)) {
      *err = make_error(TINKER_E_INVALID_ARGUMENT, "forward_backward_custom: datum " + std::to_string(i) + ": " + msg);
      return nullptr;
    }
  }
  // Forward pass with cross_entropy; weights default to zeros (§6.5 step 2).
  std::vector<wire::DatumView> views;
  for (auto& d : run->data) {
    run->weights.push_back(d.weights.value_or(std::vector<float>(d.target_tokens.size(), 0.0f)));
    views.push_back(d.view(run->weights.back()));
  }
  run->forward = forward_backward(views, "cross_entropy", {}, true, err);
  if (!run->forward) return nullptr;
  run->user = std::make_shared<FutureState>(ctx_->runtime().completion(), ResultKind::ForwardBackwardOutput);
  std::weak_ptr<CustomRun> weak = run;
  run->user->set_cancel_hook([weak] {
    if (auto r = weak.lock()) {
      if (r->forward) r->forward->cancel();
      if (r->backward) r->backward->cancel();
    }
  });

  // The callbacks run on the completion thread, which exists only while the context does.
  std::shared_ptr<TrainingRun> tr = run_;
  ClientContext* ctx = ctx_.get();
  on_finish(run->forward, [run, tr, ctx] {
    if (run->user->done()) return;
    std::unique_ptr<Result> fwd;
    if (run->forward->poll() != TINKER_OK) return (void)run->user->fail(*run->forward->error());
    run->forward->take(ResultKind::ForwardBackwardOutput, &fwd);
    auto& out = static_cast<tinker_forward_backward_output&>(*fwd);
    tinker_custom_loss_input in;
    in.data = &run->data;
    for (size_t i = 0; i < out.outputs.size(); ++i) {
      const wire::OutputTensor* lp = nullptr;
      for (auto& kv : out.outputs[i])
        if (kv.first == "logprobs" && kv.second.t.is_float) lp = &kv.second.t;
      if (!lp) return (void)run->user->fail(loss_error(TINKER_E_DATA_LOSS, "forward output " + std::to_string(i) + " has no float logprobs"));
      in.logprobs.push_back(lp);
    }
    tinker_custom_loss_output o;
    o.gradients.resize(in.logprobs.size());
    for (const auto* lp : in.logprobs) o.expected_counts.push_back(lp->f32.size());
    tinker_status_t s = run->loss.fn(&in, &o, run->loss.user_data);
    if (s != TINKER_OK) return (void)run->user->fail(loss_error(s, std::string("the loss function returned ") + tinker_status_str(s)));
    // weights = -gradient (the server's cross_entropy is Σ -logprob · weight; §6.5 step 6).
    std::vector<wire::DatumView> views;
    run->weights.clear();
    run->weights.reserve(o.gradients.size());
    for (size_t i = 0; i < o.gradients.size(); ++i) {
      if (!o.gradients[i]) return (void)run->user->fail(loss_error(TINKER_E_INVALID_ARGUMENT, "no gradient for datum " + std::to_string(i)));
      std::vector<float> w(*o.gradients[i]);
      for (float& x : w) x = -x;
      run->weights.push_back(std::move(w));
      views.push_back(run->data[i].view(run->weights.back()));
    }
    // Reserved now, at its own call time (§6.5): other operations may have come in between.
    Error err;
    run->backward = start_forward_backward(*ctx, tr, views, "cross_entropy", {}, false, &err);
    if (!run->backward) return (void)run->user->fail(err);
    Metrics user_metrics = std::move(o.metrics);
    std::optional<double> loss_value = o.loss;
    on_finish(run->backward, [run, user_metrics, loss_value] {
      if (run->backward->poll() != TINKER_OK) return (void)run->user->fail(*run->backward->error());
      std::unique_ptr<Result> bwd;
      run->backward->take(ResultKind::ForwardBackwardOutput, &bwd);
      auto& res = static_cast<tinker_forward_backward_output&>(*bwd);
      auto set = [&](const std::string& k, double v) {
        for (auto& kv : res.metrics.items)
          if (kv.first == k) return (void)(kv.second = v);
        res.metrics.items.emplace_back(k, v);
      };
      bool has_loss_metric = false;
      for (const auto& kv : user_metrics) {
        set(kv.first, kv.second);
        has_loss_metric |= kv.first == "loss:sum";
      }
      if (loss_value && !has_loss_metric) set("loss:sum", *loss_value);
      run->user->mark_submitted();
      run->user->complete(std::move(bwd));
    });
  });
  return run->user;
}

}  // namespace tinker
