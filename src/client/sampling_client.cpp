// sample and compute_logprobs (protocol.md §4.3, §4.4, §6.8, §6.9). One sample call is a
// SampleOp: it waits for a place among the client's max_connections operations (layer 3), then
// makes attempts. Each attempt is one Call with a new seq_id: through the client-wide submission
// gates, resubmitted with the same seq_id while the server answers "not now" (429), with layer-2
// retries for other submission failures, then polled like every future. An attempt that fails
// in a way a new attempt can heal (a lost promise, a connection failure, 408/409/429/5xx) is
// retried after a growing delay, without limit: only stuck detection, a deadline or a cancel
// ends the operation then.
#include "client/sampling_client.h"

#include "client/sampling_types.h"
#include "core/call.h"
#include "wire/estimate.h"
#include "wire/sample_response.h"

namespace tinker {

// What one sample call sends and returns, fixed when it is called.
struct SamplingClient::Request {
  const char* what = "sample";
  wire::SampleRequestFields fields;
  std::shared_ptr<const std::string> prompt_json;
  int64_t prompt_bytes = 0;     // the submission gates' estimate (§6.9)
  bool whole_retries = true;    // layer 3 (§4.3); the server's sample_no_retries turns it off for sample
  ResultKind kind = &result_types::SampleResponse;
  // The caller's result from a decoded response; false with `err` set when the response does not
  // answer the request.
  std::function<bool(wire::SampleResponse&&, std::unique_ptr<Result>*, Error*)> make_result;
};

namespace {

struct AttemptResult final : Result {
  wire::SampleResponse r;
  ResultKind kind() const override { return &result_types::Internal; }
};

// Failures a new attempt (a new seq_id, a new submission) can heal (§4.3).
bool heals_with_a_new_attempt(const Error& e) {
  const int s = e.http_status;
  if (s == 408 || s == 409 || s == 429 || (s >= 500 && s <= 599)) return true;
  if (e.code == TINKER_E_ABORTED && e.retryable) return true;  // 410: the promise was lost
  return e.code == TINKER_E_UNAVAILABLE && s == 0 && e.retryable;  // connection failure or timeout
}

class SampleOp final : public Operation, public StuckObserver, public std::enable_shared_from_this<SampleOp> {
 public:
  SampleOp(ClientContext& ctx, std::shared_ptr<SampleHandler> handler, std::shared_ptr<std::atomic<int64_t>> seq_ids,
           std::shared_ptr<const SamplingClient::Request> req, std::shared_ptr<FutureState> user)
      : ctx_(ctx), rt_(ctx.runtime()), handler_(std::move(handler)), seq_ids_(std::move(seq_ids)),
        req_(std::move(req)), user_(std::move(user)) {}

  // IO thread, once.
  void begin() {
    rt_.track(shared_from_this());
    std::weak_ptr<SampleOp> weak = shared_from_this();
    Runtime* rt = &rt_;
    user_->set_cancel_hook([weak, rt] {
      rt->post([weak] {
        if (auto self = weak.lock()) self->end(nullptr, nullptr);  // the future is CANCELLED already
      });
    });
    const int64_t deadline = ctx_.options().default_deadline_ms;
    if (deadline > 0) {
      deadline_timer_ = rt_.add_timer(deadline / 1000.0, [weak, deadline] {
        if (auto self = weak.lock()) {
          self->deadline_timer_ = 0;
          std::string why = std::string(self->req_->what) + ": deadline of " + std::to_string(deadline) + " ms exceeded";
          if (!self->last_failure_.empty()) why += " (last failure: " + self->last_failure_ + ")";
          Error e = make_error(TINKER_E_DEADLINE_EXCEEDED, why);
          self->end(nullptr, &e);
        }
      });
    }
    handler_->enter([weak, handler = handler_] {
      auto self = weak.lock();
      if (!self || self->finished_) return handler->forgo();  // ended while it waited for a place
      self->in_flight_ = true;
      handler->join(self.get());
      self->attempt();
    });
  }

  void abort(const Error& why) override { end(nullptr, &why); }
  void stuck(const Error& why) override { end(nullptr, &why); }

 private:
  void attempt() {
    const int64_t seq_id = seq_ids_->fetch_add(1);
    attempt_ = std::make_shared<FutureState>(rt_.completion(), &result_types::Internal);
    start_call(ctx_, attempt_call(seq_id), attempt_);
  }

  CallSpec attempt_call(int64_t seq_id) {
    CallSpec spec;
    spec.what = req_->what;
    spec.prerequisite = Prerequisite::Session;
    spec.returns_future = true;
    spec.request_type = "Sample";
    const bool json_wire = ctx_.options().wire_mode == TINKER_WIRE_JSON;
    spec.accept_protobuf = !json_wire;
    spec.http_retries = 0;  // §4.1: asample goes out once per submission
    spec.deadline_ms = 0;   // the operation's deadline is this op's, across attempts
    std::string body;
    wire::assemble_sample_request_json(req_->fields, *req_->prompt_json, seq_id, &body);
    spec.build = [body = http::Body(std::move(body))] {
      http::Request r;
      r.method = "POST";
      r.url = "/api/v1/asample";
      r.headers.emplace_back("X-Tinker-Sampling-Backpressure", "1");
      r.body = body;
      return r;
    };
    gate_submission(spec);
    std::string what = req_->what;
    spec.decode = [json_wire, what](const http::Response& r, std::unique_ptr<Result>* out, Error* err) {
      auto res = std::make_unique<AttemptResult>();
      std::string msg;
      const bool ok = json_wire ? wire::decode_sample_response_json(r.body, &res->r, &msg)
                                : wire::decode_sample_response(r.body, &res->r, &msg);
      if (!ok) {
        *err = make_error(TINKER_E_DATA_LOSS, what + ": undecodable result: " + msg);
        return false;
      }
      *out = std::move(res);
      return true;
    };
    std::weak_ptr<SampleOp> weak = shared_from_this();
    spec.then = [weak](FutureState& f) {
      if (auto self = weak.lock()) self->attempt_done(f);
    };
    return spec;
  }

  // The client-wide gates (§6.9) hold from the turn until the submission is over; a "not now"
  // answer backs every submission off (§4.4).
  void gate_submission(CallSpec& spec) {
    ClientContext* ctx = &ctx_;
    const int64_t bytes = req_->prompt_bytes;
    auto ticket = std::make_shared<std::optional<SampleDispatch::Ticket>>();
    auto ended = std::make_shared<bool>(false);
    spec.wait_turn = [ctx, bytes, ticket, ended](std::function<void()> go) {
      ctx->sample_dispatch().acquire(bytes, [ctx, ticket, ended, go = std::move(go)](SampleDispatch::Ticket t) {
        if (*ended) return ctx->sample_dispatch().release(t);  // the call ended while it waited
        *ticket = t;
        go();
      });
    };
    std::weak_ptr<SampleOp> weak = shared_from_this();
    spec.end_turn = [ctx, ticket, ended, weak](bool submitted) {
      *ended = true;
      if (*ticket) ctx->sample_dispatch().release(**ticket);
      ticket->reset();
      if (auto self = weak.lock(); self && submitted) self->user_->mark_submitted();
    };
    spec.before_submission = [ctx](std::function<void()> go) { ctx->sample_dispatch().when_clear(std::move(go)); };
    spec.on_backpressure = [ctx, bytes] { ctx->sample_dispatch().back_off(bytes); };
  }

  void attempt_done(FutureState& f) {
    if (finished_ || &f != attempt_.get()) return;
    std::unique_ptr<Result> r;
    if (f.poll() == TINKER_OK && f.take(&result_types::Internal, &r) == TINKER_OK) {
      std::unique_ptr<Result> out;
      Error err;
      if (!req_->make_result(std::move(static_cast<AttemptResult&>(*r).r), &out, &err)) return end(nullptr, &err);
      return end(std::move(out), nullptr);
    }
    if (f.poll() == TINKER_E_CANCELLED) return;  // this op cancelled it
    const Error e = f.error() ? *f.error() : make_error(TINKER_E_INTERNAL, std::string(req_->what) + ": attempt failed");
    last_failure_ = e.message;
    if (!req_->whole_retries || !handler_->retries_enabled() || !heals_with_a_new_attempt(e)) return end(nullptr, &e);
    const double delay = handler_->retry_delay(retries_++);
    char when[32];
    std::snprintf(when, sizeof when, "%.2f s", delay);
    ctx_.logger().info(std::string(req_->what) + ": attempt " + std::to_string(retries_) + " failed (" + e.message +
                       "); a new attempt with a new seq_id in " + when);
    std::weak_ptr<SampleOp> weak = shared_from_this();
    retry_timer_ = rt_.add_timer(delay, [weak] {
      if (auto self = weak.lock()) {
        self->retry_timer_ = 0;
        if (!self->finished_) self->attempt();
      }
    });
  }

  // Ends the operation once: with `result`, with `err`, or (both null) after the caller's
  // cancel. Gives the place back and stops the attempt in flight.
  void end(std::unique_ptr<Result> result, const Error* err) {
    if (finished_) return;
    finished_ = true;
    if (result) user_->complete(std::move(result));
    else if (err) user_->fail(*err);
    if (in_flight_) handler_->leave(this, result != nullptr);
    if (attempt_) attempt_->cancel();
    if (retry_timer_) rt_.cancel_timer(retry_timer_);
    if (deadline_timer_) rt_.cancel_timer(deadline_timer_);
    retry_timer_ = deadline_timer_ = 0;
    auto keep = shared_from_this();  // untrack drops the runtime's reference
    rt_.untrack(this);
  }

  ClientContext& ctx_;
  Runtime& rt_;
  std::shared_ptr<SampleHandler> handler_;
  std::shared_ptr<std::atomic<int64_t>> seq_ids_;
  std::shared_ptr<const SamplingClient::Request> req_;
  std::shared_ptr<FutureState> user_;
  std::shared_ptr<FutureState> attempt_;
  bool finished_ = false;
  bool in_flight_ = false;
  int retries_ = 0;
  std::string last_failure_;
  Runtime::TimerId retry_timer_ = 0, deadline_timer_ = 0;
};

// The number of tokens a prompt holds, when the client can know it: text, and images that say
// how many tokens they expect.
std::optional<size_t> prompt_tokens(const std::vector<wire::ChunkView>& prompt) {
  size_t n = 0;
  for (const wire::ChunkView& c : prompt) {
    if (c.kind == wire::ChunkKind::ENCODED_TEXT) n += c.n_tokens;
    else if (c.expected_tokens) n += static_cast<size_t>(*c.expected_tokens);
    else return std::nullopt;
  }
  return n;
}

}  // namespace

SamplingClient::SamplingClient(std::shared_ptr<ClientContext> ctx, std::string sampling_session_id,
                               wire::api::RetryConfig retry)
    : ctx_(std::move(ctx)), sampling_session_id_(std::move(sampling_session_id)), retry_(std::move(retry)) {
  const ServerConfig cfg = ctx_->server_config_snapshot();
  handler_ = std::make_shared<SampleHandler>(ctx_->runtime(), retry_, cfg.sample_max_concurrent_requests,
                                             cfg.sample_enable_stuck_detection);
}

std::shared_ptr<FutureState> SamplingClient::run(const JsonOp& op, const BodyFn& body, std::string path) {
  return ctx_->start(json_call(op, body(0), std::move(path)), op.result);
}

bool SamplingClient::prepare(const char* what, const std::vector<wire::ChunkView>& prompt, Request* req, Error* err) {
  std::string msg, json;
  if (!wire::encode_prompt_json(prompt, &json, &msg)) {
    *err = make_error(TINKER_E_INVALID_ARGUMENT, msg);  // the C boundary names the function
    return false;
  }
  req->what = what;
  req->fields.sampling_session_id = sampling_session_id_;
  req->prompt_json = std::make_shared<const std::string>(std::move(json));
  req->prompt_bytes = static_cast<int64_t>(wire::estimate_prompt_bytes(prompt));
  return true;
}

std::shared_ptr<FutureState> SamplingClient::sample(const std::vector<wire::ChunkView>& prompt, int64_t num_samples,
                                                    const wire::SamplingParams& params, bool prompt_logprobs,
                                                    int64_t topk_prompt_logprobs, Error* err) {
  Request req;
  if (!prepare("sample", prompt, &req, err)) return nullptr;
  req.fields.num_samples = num_samples;
  req.fields.params = params;
  req.fields.prompt_logprobs = prompt_logprobs;
  req.fields.topk_prompt_logprobs = topk_prompt_logprobs;
  req.whole_retries = !ctx_->server_config_snapshot().sample_no_retries;
  req.kind = &result_types::SampleResponse;
  req.make_result = [](wire::SampleResponse&& r, std::unique_ptr<Result>* out, Error*) {
    auto res = std::make_unique<tinker_sample_response>();
    res->r = std::move(r);
    *out = std::move(res);
    return true;
  };
  return start(std::move(req), err);
}

std::shared_ptr<FutureState> SamplingClient::compute_logprobs(const std::vector<wire::ChunkView>& prompt, Error* err) {
  Request req;
  if (!prepare("compute_logprobs", prompt, &req, err)) return nullptr;
  req.fields.num_samples = 1;
  req.fields.params.max_tokens = 1;
  req.fields.prompt_logprobs = true;
  req.whole_retries = true;  // unlike sample, whatever sample_no_retries says (§4.3)
  req.kind = &result_types::PromptLogprobs;
  // The logprobs are matched to the prompt's tokens by position: any other count would
  // misattribute them.
  req.make_result = [tokens = prompt_tokens(prompt)](wire::SampleResponse&& r, std::unique_ptr<Result>* out,
                                                      Error* err) {
    if (!r.prompt_logprobs && tokens == size_t{0}) r.prompt_logprobs.emplace();  // an empty prompt has none
    if (!r.prompt_logprobs) {
      *err = make_error(TINKER_E_DATA_LOSS, "compute_logprobs: the server returned no prompt logprobs");
      return false;
    }
    if (tokens && r.prompt_logprobs->size() != *tokens) {
      *err = make_error(TINKER_E_DATA_LOSS, "compute_logprobs: the server returned " +
                                                std::to_string(r.prompt_logprobs->size()) + " prompt logprobs for " +
                                                std::to_string(*tokens) + " prompt tokens");
      return false;
    }
    auto res = std::make_unique<tinker_prompt_logprobs>();
    res->values = std::move(*r.prompt_logprobs);
    *out = std::move(res);
    return true;
  };
  return start(std::move(req), err);
}

std::shared_ptr<FutureState> SamplingClient::start(Request req, Error* err) {
  auto user = std::make_shared<FutureState>(ctx_->runtime().completion(), req.kind);
  auto op = std::make_shared<SampleOp>(*ctx_, handler_, next_seq_id_, std::make_shared<const Request>(std::move(req)),
                                       user);
  if (!ctx_->runtime().post([op] { op->begin(); })) {
    *err = make_error(TINKER_E_FAILED_PRECONDITION, "the client runtime has shut down");
    return nullptr;
  }
  return user;
}

}  // namespace tinker
