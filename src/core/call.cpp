#include "core/call.h"

#include <cstdio>

#include "core/client_context.h"
#include "wire/json.h"
#include "core/retry_policy.h"
#include "core/uuid.h"

namespace tinker {

namespace {

constexpr long kPollTimeoutMs = 45000;  // protocol.md §1.4

bool is_protobuf(const http::Response& r) {
  const std::string* ct = r.header("content-type");
  return ct && ct->find("application/x-protobuf") != std::string::npos;
}

class Call final : public Operation, public std::enable_shared_from_this<Call> {
 public:
  Call(ClientContext& ctx, CallSpec spec, std::shared_ptr<FutureState> future)
      : ctx_(ctx), rt_(ctx.runtime()), spec_(std::move(spec)), future_(std::move(future)) {}

  void begin() {
    guarded([this] { begin_unguarded(); });
  }

  void abort(const Error& why) override { finish_error(why); }

 private:
  // Every entry from the runtime (transfer done, timer, prerequisite met) goes through here: an
  // exception (out of memory decoding a huge result, say) ends this call with an error instead
  // of leaving its future pending forever.
  template <class F>
  void guarded(F&& body) noexcept {
    try {
      body();
    } catch (...) {
      finish_error_noexcept(current_exception_error(spec_.what));
    }
  }

  void finish_error_noexcept(Error error) noexcept {
    try {
      finish_error(std::move(error));
    } catch (...) {  // not even the error could be delivered: end the future bare
      finished_ = true;
      future_->fail(Error{});
    }
  }

  void begin_unguarded() {
    started_ = rt_.now();
    rt_.track(shared_from_this());
    std::weak_ptr<Call> weak = shared_from_this();
    Runtime* rt = &rt_;
    future_->set_cancel_hook([weak, rt] {
      rt->post([weak] {
        if (auto self = weak.lock()) self->stop();
      });
    });
    int64_t deadline = spec_.deadline_ms >= 0 ? spec_.deadline_ms : ctx_.options().default_deadline_ms;
    if (deadline > 0) {
      deadline_timer_ = rt_.add_timer(deadline / 1000.0, [weak, deadline] {
        if (auto self = weak.lock()) {
          self->deadline_timer_ = 0;
          std::string why = self->spec_.what + ": deadline of " + std::to_string(deadline) + " ms exceeded";
          if (!self->last_failure_.empty()) why += " (last failure: " + self->last_failure_ + ")";
          self->finish_error(make_error(TINKER_E_DEADLINE_EXCEEDED, why));
        }
      });
    }
    ctx_.ensure(spec_.prerequisite, [weak](const Error* err) {
      auto self = weak.lock();
      if (!self || self->finished_) return;
      self->guarded([&] {
        if (err) return self->finish_error(*err);
        if (!self->spec_.build) return self->finish_with_payload(http::Response{});  // prerequisite only
        if (!self->spec_.wait_turn) return self->submit_when_allowed();
        self->holds_turn_ = true;
        self->spec_.wait_turn([weak] {
          auto me = weak.lock();
          if (me && !me->finished_) me->guarded([&] { me->submit_when_allowed(); });
        });
      });
    });
  }

  // ---- stage 1: submission ------------------------------------------------------------------
  // The first submission, and each one after a backpressure answer: when before_submission
  // lets it go.
  void submit_when_allowed() {
    if (!spec_.before_submission) return submit_attempt();
    std::weak_ptr<Call> weak = shared_from_this();
    spec_.before_submission([weak] {
      auto self = weak.lock();
      if (self && !self->finished_) self->guarded([&] { self->submit_attempt(); });
    });
  }

  void submit_attempt() {
    request_ = spec_.build();
    ctx_.decorate(request_, spec_.timeout_ms);
    if (spec_.adjust_request) spec_.adjust_request(request_);
    idempotency_key_ = "libtinker-retry-" + uuid4();
    http_retries_taken_ = 0;
    send_submission();
  }

  void send_submission() {
    ++submissions_sent_;
    http::Request req = request_;
    if (req.method != "GET") req.headers.emplace_back("X-Idempotency-Key", idempotency_key_);
    req.headers.emplace_back("X-Stainless-Retry-Count", std::to_string(http_retries_taken_));
    std::weak_ptr<Call> weak = shared_from_this();
    transfer_ = rt_.http(std::move(req), [weak](http::Response&& r) {
      if (auto self = weak.lock()) {
        self->transfer_ = 0;
        self->guarded([&] { self->on_submission_response(std::move(r)); });
      }
    });
  }

  void on_submission_response(http::Response&& r) {
    if (finished_) return;
    if (spec_.ask_again) {
      if (std::optional<double> wait = spec_.ask_again(r, asked_again_)) {
        ++asked_again_;
        ctx_.logger().info(spec_.what + ": not ready (" + describe(r) + "); asking again in " +
                           retry::seconds_text(*wait) + " (round " + std::to_string(asked_again_) + ")");
        return sleep_then(*wait, &Call::submit_attempt);
      }
    }
    if ((r.status >= 200 && r.status < 300) || (spec_.redirect_is_answer && r.status >= 300 && r.status < 400))
      return on_submitted(std::move(r));
    last_failure_ = describe(r);
    if (r.status == 409 && spec_.conflict_is_final) return finish_error(error_for(r, ""));
    if (spec_.before_submission && (r.status == 429 || (r.status == 402 && in_billing_pause()))) {
      ctx_.logger().debug(spec_.what + ": " + last_failure_ + ": the server asks to back off; sending again later");
      if (spec_.on_backpressure) spec_.on_backpressure();
      return submit_when_allowed();
    }

    int max_http = spec_.http_retries >= 0 ? spec_.http_retries : ctx_.options().max_retries;
    if (http_retries_taken_ < max_http && retry::http_layer_retries(r)) {
      double delay = retry::http_retry_delay_seconds(http_retries_taken_, retry::retry_after_seconds(r), random_unit());
      ++http_retries_taken_;
      ctx_.logger().info(spec_.what + ": HTTP retry " + std::to_string(http_retries_taken_) + " of " +
                         std::to_string(max_http) + " in " + retry::seconds_text(delay) + " after " + last_failure_);
      return sleep_then(delay, &Call::send_submission);
    }

    if (r.status == 402 && in_billing_pause()) {
      ctx_.logger().warning(spec_.what + ": billing limit reached (HTTP 402); pausing");
      return sleep_then(retry::kBillingPauseSleepSeconds, &Call::submit_attempt);
    }
    if (spec_.submission_retries && retry::submission_retryable(r)) {
      double budget = ctx_.options().retry_budget_ms / 1000.0;
      if (auto sleep = retry::submission_sleep_seconds(attempt_, seconds_since(started_), budget)) {
        ctx_.logger().info(spec_.what + ": submission retry " + std::to_string(attempt_ + 1) + " in " +
                           retry::seconds_text(*sleep) + " after " + last_failure_ + " (retry budget " +
                           retry::seconds_text(budget) + ")");
        ++attempt_;
        return sleep_then(*sleep, &Call::submit_attempt);
      }
    }
    Error e = error_for(r, "");
    if (submissions_sent_ > 1)  // say what kept failing and for how long
      e.message += " (gave up after " + std::to_string(submissions_sent_) + " attempts in " +
                   retry::seconds_text(seconds_since(started_)) + ")";
    finish_error(std::move(e));
  }

  // The submission is over: the next seq_id may go (protocol.md §6.1).
  void end_turn(bool submitted) {
    if (!holds_turn_) return;
    holds_turn_ = false;
    if (spec_.end_turn) spec_.end_turn(submitted);
  }

  void on_submitted(http::Response&& r) {
    end_turn(true);
    if (!spec_.returns_future) return finish_with_payload(r);
    auto doc = json::parse(r.body);
    auto id = doc ? json::get_string(doc.get(), "request_id") : std::nullopt;
    if (!id) {
      Error e = make_error(TINKER_E_INTERNAL, spec_.what + ": server answered without a request_id");
      e.http_status = static_cast<int>(r.status);
      return finish_error(e);
    }
    request_id_ = *id;
    future_->mark_submitted();
    submitted_at_ = rt_.now();
    poll();
  }

  // ---- stage 2: retrieve_future (protocol.md §3) ---------------------------------------------
  void poll() {
    http::Request req;
    req.method = "POST";
    req.url = "/api/v1/retrieve_future";
    cJSON* body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "request_id", request_id_.c_str());
    cJSON_AddBoolToObject(body, "allow_metadata_only", allow_metadata_only_);
    req.body = json::dump(body);
    cJSON_Delete(body);
    if (spec_.accept_protobuf) req.headers.emplace_back("Accept", "application/x-protobuf");
    ctx_.decorate(req, kPollTimeoutMs);
    req.max_response_bytes = ctx_.options().max_result_bytes;  // a poll's answer may be the result
    req.headers.emplace_back("X-Idempotency-Key", "libtinker-retry-" + uuid4());
    req.headers.emplace_back("X-Stainless-Retry-Count", "0");
    req.headers.emplace_back("X-Tinker-Request-Iteration", std::to_string(poll_iteration_));
    if (!spec_.request_type.empty()) req.headers.emplace_back("X-Tinker-Request-Type", spec_.request_type);
    if (poll_iteration_ == 0) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.4f", std::chrono::duration<double>(submitted_at_ - started_).count());
      req.headers.emplace_back("X-Tinker-Create-Promise-Roundtrip-Time", buf);
    }
    ++poll_iteration_;
    poll_sent_at_ = rt_.now();
    std::weak_ptr<Call> weak = shared_from_this();
    transfer_ = rt_.http(std::move(req), [weak](http::Response&& r) {
      if (auto self = weak.lock()) {
        self->transfer_ = 0;
        self->guarded([&] { self->on_poll_response(std::move(r)); });
      }
    });
  }

  void on_poll_response(http::Response&& r) {
    if (finished_) return;
    using retry::PollAction;
    PollAction action = retry::classify_poll(r);
    if (action != PollAction::RepollAfterBackoff) backoff_count_ = 0;
    if (action != PollAction::Success) last_failure_ = describe(r);
    switch (action) {
      case PollAction::Success: return on_poll_success(r);
      case PollAction::RepollNow:
        if (r.status == 408) {
          // "408 is a try_again pretending to be an HTTP error" (§3.3): report its queue state;
          // a JSON body also resets the bad-request budget.
          if (auto doc = json::parse(r.body)) {
            bad_request_polls_ = 0;
            report_queue_state(doc.get());
          }
        }
        return repoll();
      case PollAction::RepollAfterBackoff: {
        double delay = retry::poll_backoff_seconds(backoff_count_++);
        ctx_.logger().info(spec_.what + ": polling " + request_id_ + " again in " + retry::seconds_text(delay) + " after " +
                           last_failure_);
        return sleep_then(delay, &Call::poll);
      }
      case PollAction::RepollIfBudget:
        if (++bad_request_polls_ > retry::kPollBadRequestBudget) {
          Error e = error_for(r, request_id_);
          e.message += " (retrieve_future exceeded " + std::to_string(retry::kPollBadRequestBudget) + " retries)";
          return finish_error(e);
        }
        return poll();
      case PollAction::Expired: {
        Error e = error_for(r, request_id_);
        e.message = spec_.what + ": the server no longer knows request " + request_id_ +
                    " (HTTP 410: promise expired or broken)";
        e.retryable = true;
        return finish_error(e);
      }
      case PollAction::BillingPause:
        if (in_billing_pause()) {
          ctx_.logger().warning(spec_.what + ": billing limit reached (HTTP 402); pausing");
          return sleep_then(retry::kBillingPauseSleepSeconds, &Call::poll);
        }
        return finish_error(error_for(r, request_id_));
      case PollAction::Fatal: return finish_error(error_for(r, request_id_));
    }
  }

  void on_poll_success(const http::Response& r) {
    if (is_protobuf(r)) {
      if (!spec_.accept_protobuf) {
        Error e = make_error(TINKER_E_DATA_LOSS, spec_.what + ": server sent a protobuf result for a JSON operation");
        e.request_id = request_id_;
        return finish_error(e);
      }
      return finish_with_payload(r);
    }
    auto doc = json::parse(r.body);
    if (!doc || !cJSON_IsObject(doc.get())) {
      Error e = make_error(TINKER_E_DATA_LOSS, spec_.what + ": retrieve_future answered with a body that is not a JSON object");
      e.request_id = request_id_;
      e.http_status = static_cast<int>(r.status);
      return finish_error(e);
    }
    const cJSON* d = doc.get();
    if (json::get_string(d, "type").value_or("") == "try_again") {
      report_queue_state(d);
      return repoll();
    }
    if (json::get_string(d, "status").value_or("") == "complete_metadata") {
      if (!allow_metadata_only_) {
        Error e = make_error(TINKER_E_INTERNAL, spec_.what + ": server sent complete_metadata twice");
        e.request_id = request_id_;
        return finish_error(e);
      }
      allow_metadata_only_ = false;
      bool bad = false;
      auto size = json::get_int(d, "response_payload_size", 0, INT64_MAX, &bad);
      ctx_.logger().debug(spec_.what + ": large result (" + (size ? std::to_string(*size) : std::string("unknown")) +
                          " bytes) ready; fetching it");
      return poll();
    }
    if (cJSON_GetObjectItemCaseSensitive(d, "error")) {
      const cJSON* msg = cJSON_GetObjectItemCaseSensitive(d, "error");
      std::string text = cJSON_IsString(msg) ? msg->valuestring : json::dump(msg);
      return finish_error(error_from_request_failed(spec_.what + ": " + text,
                                                    json::get_string(d, "category").value_or("unknown"), request_id_));
    }
    // The decoder parses the body its own way: a large JSON result must not have two trees at
    // once (cJSON takes ~80 bytes per number).
    doc.reset();
    finish_with_payload(r);
  }

  // Re-polls after an answer that means "not yet" (§3.1): at once, unless the server keeps
  // answering faster than a held poll would (retry::rapid_repoll_delay_seconds).
  void repoll() {
    if (seconds_since(poll_sent_at_) < retry::kRapidAnswerSeconds) ++rapid_answers_;
    else rapid_answers_ = 0;
    double delay = retry::rapid_repoll_delay_seconds(rapid_answers_);
    if (delay <= 0) return poll();
    ctx_.logger().debug(spec_.what + ": the server answered " + std::to_string(rapid_answers_) +
                        " polls in a row at once; next poll in " + retry::seconds_text(delay));
    sleep_then(delay, &Call::poll);
  }

  void report_queue_state(const cJSON* d) {
    auto state = json::get_string(d, "queue_state");
    if (!state) return;
    ctx_.report_queue_state(*state, json::get_string(d, "queue_state_reason").value_or(""), request_id_, spec_.what);
  }

  // ---- shared --------------------------------------------------------------------------------
  bool in_billing_pause() {
    auto now = rt_.now();
    if (!billing_incident_ || seconds_since(last_402_) > retry::kBillingIncidentResetSeconds) billing_start_ = now;
    billing_incident_ = true;
    last_402_ = now;
    return seconds_since(billing_start_) < ctx_.billing_pause_max_seconds();
  }

  void sleep_then(double seconds, void (Call::*next)()) {
    std::weak_ptr<Call> weak = shared_from_this();
    sleep_timer_ = rt_.add_timer(seconds, [weak, next] {
      if (auto self = weak.lock()) {
        self->sleep_timer_ = 0;
        if (!self->finished_) self->guarded([&] { ((*self).*next)(); });
      }
    });
  }

  double seconds_since(Clock::time_point t) const { return std::chrono::duration<double>(rt_.now() - t).count(); }

  std::string describe(const http::Response& r) const {
    return r.has_response() ? "HTTP " + std::to_string(r.status) : r.transport_error;
  }

  Error error_for(const http::Response& r, const std::string& request_id) const {
    Error e = r.has_response() ? error_from_http(spec_.what, r.status, r.body)
                               : error_from_transport(spec_.what, r.failure, r.transport_error);
    if (r.status >= 300 && r.status <= 399) {
      const std::string* to = r.header("location");
      e.message += " (a redirect" + (to ? " to " + url_origin(*to) : std::string()) +
                   ", not followed: API requests never follow redirects; set base_url to the address that answers)";
    }
    if (r.failure == http::Failure::TooLarge)
      e.message += request_id.empty() ? " (raise it with tinker_client_options_set_max_response_bytes)"
                                      : " (raise it with tinker_client_options_set_max_result_bytes)";
    e.request_id = request_id;
    return e;
  }

  void finish_with_payload(const http::Response& r) {
    std::unique_ptr<Result> result;
    Error err;
    if (spec_.decode && !spec_.decode(r, &result, &err)) {
      if (err.code == TINKER_OK) err.code = TINKER_E_DATA_LOSS;
      err.request_id = request_id_;
      if (!err.http_status) err.http_status = static_cast<int>(r.status);
      return finish_error(err);
    }
    if (!result) result = std::make_unique<NoneResult>();
    finished_ = true;
    future_->complete(std::move(result));
    cleanup();
  }

  void finish_error(Error e) {
    if (finished_) return;
    finished_ = true;
    future_->fail(std::move(e));
    cleanup();
  }

  // Stop local work after a cancel from any thread (the future is already CANCELLED).
  void stop() {
    if (finished_) return;
    finished_ = true;
    cleanup();
  }

  void cleanup() {
    end_turn(false);  // a call that ends before or during its submission still releases its turn
    if (transfer_) rt_.cancel_http(transfer_);
    if (sleep_timer_) rt_.cancel_timer(sleep_timer_);
    if (deadline_timer_) rt_.cancel_timer(deadline_timer_);
    transfer_ = sleep_timer_ = deadline_timer_ = 0;
    if (spec_.then) spec_.then(*future_);
    auto keep = shared_from_this();  // untrack drops the runtime's reference
    rt_.untrack(this);
  }

  ClientContext& ctx_;
  Runtime& rt_;
  CallSpec spec_;
  std::shared_ptr<FutureState> future_;

  bool finished_ = false;
  bool holds_turn_ = false;
  Clock::time_point started_, submitted_at_, billing_start_, last_402_;
  bool billing_incident_ = false;
  http::Request request_;
  std::string idempotency_key_;
  int http_retries_taken_ = 0;
  int attempt_ = 0;
  int asked_again_ = 0;             // rounds of ask_again
  std::string request_id_;
  bool allow_metadata_only_ = true;
  int poll_iteration_ = 0;
  int backoff_count_ = 0;
  int bad_request_polls_ = 0;
  int rapid_answers_ = 0;           // "not yet" answers in a row that came back at once
  Clock::time_point poll_sent_at_;
  int submissions_sent_ = 0;        // every submission request, across both retry layers
  std::string last_failure_;        // the last thing that went wrong, for the final message
  uint64_t transfer_ = 0;
  Runtime::TimerId sleep_timer_ = 0, deadline_timer_ = 0;
};

}  // namespace

void start_call(ClientContext& ctx, CallSpec spec, std::shared_ptr<FutureState> future) {
  auto call = std::make_shared<Call>(ctx, std::move(spec), future);
  auto begin = [call] { call->begin(); };
  if (ctx.runtime().on_io_thread()) {
    begin();
  } else if (!ctx.runtime().post(begin)) {
    future->fail(make_error(TINKER_E_FAILED_PRECONDITION, "the client runtime has shut down"));
  }
}

}  // namespace tinker
