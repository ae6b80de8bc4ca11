#include "futures.h"

#include "jobs.h"
#include "json_body.h"
#include "settings.h"

namespace emu {

void FuturePolls::handle(Exchange* ex) {
  const cJSON* body = ex->json.get();
  auto request_id = json::get_string(body, "request_id");
  if (!request_id || request_id->empty()) {
    reply_(ex, Response::bad_request("\"request_id\" (string) is required"));
    return;
  }
  if (json::present_but_not(body, "allow_metadata_only", cJSON_True | cJSON_False)) {
    reply_(ex, Response::bad_request("\"allow_metadata_only\" must be a boolean"));
    return;
  }
  bool allow_md = json::get_bool(body, "allow_metadata_only").value_or(false);

  Job* job = jobs_.find(*request_id);
  if (job == nullptr) {
    expired(ex, *request_id);
    return;
  }
  if (job->user != ex->user) {
    reply_(ex, Response::not_found("request_id " + *request_id + " not found"));
    return;
  }
  if (job->state == JobState::kDone) {
    deliver(ex, *job, allow_md);
    return;
  }
  if (ex->fault && ex->fault->action == FaultAction::kQueueState) {
    const Fault& f = *ex->fault;
    try_again(ex, job->id, f.queue_state,
              f.queue_state_reason ? &*f.queue_state_reason : nullptr);
    return;
  }
  int64_t hold = settings_.poll_hold_ms;
  if (hold <= 0) {
    try_again(ex, job->id, settings_.queue_state,
              settings_.queue_state_reason ? &*settings_.queue_state_reason : nullptr);
    return;
  }
  // Hold the poll: the client re-polls at once after try_again (§3.1 item 4), so answering
  // immediately would make it spin.
  auto& list = waiting_[job->id];
  list.push_back(Waiter{ex, allow_md, 0});
  auto it = std::prev(list.end());
  std::string job_id = job->id;
  it->timer = loop_.after(hold, [this, job_id, it] { hold_expired(job_id, it); });
  ++held_;
}

void FuturePolls::hold_expired(const std::string& job_id, std::list<Waiter>::iterator it) {
  auto wl = waiting_.find(job_id);
  if (wl == waiting_.end()) return;
  Exchange* ex = it->ex;
  wl->second.erase(it);
  if (wl->second.empty()) waiting_.erase(wl);
  --held_;
  try_again(ex, job_id, settings_.queue_state,
            settings_.queue_state_reason ? &*settings_.queue_state_reason : nullptr);
}

void FuturePolls::job_done(Job& job) {
  auto wl = waiting_.find(job.id);
  if (wl == waiting_.end()) return;
  std::list<Waiter> waiters = std::move(wl->second);
  waiting_.erase(wl);
  for (Waiter& w : waiters) {
    loop_.cancel(w.timer);
    --held_;
    if (job.forgotten) {
      expired(w.ex, job.id);  // forgotten while this poll was held
    } else {
      deliver(w.ex, job, w.allow_metadata_only);
    }
  }
}

void FuturePolls::expired(Exchange* ex, const std::string& request_id) {
  // 410 rather than 404: sampling clients resubmit on 410, 404 would be fatal (§3.5).
  reply_(ex, Response::error(410, "unknown or expired request_id " + request_id,
                             "promise_expired"));
}

void FuturePolls::deliver(Exchange* ex, Job& job, bool allow_metadata_only) {
  const JobResult* rp = &job.result;
  if (job.result.render && !job.result.failed) {
    // Two-form results (forward/backward outputs): protobuf when the poll asks for it (the
    // 0.25 SDK always does), the legacy JSON shape otherwise (§1.6, §11).
    const char* accept = ex->header("accept");
    bool want_proto = accept != nullptr &&
                      std::string(accept).find("application/x-protobuf") != std::string::npos;
    if (want_proto != job.result.body_is_protobuf) {
      if (!job.alt_result) job.alt_result = job.result.render(job.result.body, want_proto);
      rp = &*job.alt_result;
    }
  }
  const JobResult& r = *rp;
  if (r.failed) {
    json::Ptr o = json::new_object();
    cJSON_AddStringToObject(o.get(), "error", r.error.c_str());
    cJSON_AddStringToObject(o.get(), "category", r.category.c_str());
    reply_(ex, Response::json(200, json::dump(o.get())));
    return;
  }
  int64_t size = static_cast<int64_t>(r.body.size());
  if (allow_metadata_only && !job.metadata_sent && size > settings_.metadata_threshold_bytes) {
    // Sent at most once per request id: a second complete_metadata crashes the SDK (§3.2).
    job.metadata_sent = true;
    json::Ptr o = json::new_object();
    cJSON_AddStringToObject(o.get(), "status", "complete_metadata");
    cJSON_AddNumberToObject(o.get(), "response_payload_size", static_cast<double>(size));
    reply_(ex, Response::json(200, json::dump(o.get())));
    return;
  }
  Response resp;
  resp.status = 200;
  resp.body = r.body;
  resp.content_type = r.content_type;
  reply_(ex, resp);
}

void FuturePolls::try_again(Exchange* ex, const std::string& request_id,
                            const std::string& queue_state, const std::string* reason) {
  json::Ptr o = json::new_object();
  cJSON_AddStringToObject(o.get(), "type", "try_again");
  cJSON_AddStringToObject(o.get(), "request_id", request_id.c_str());
  cJSON_AddStringToObject(o.get(), "queue_state", queue_state.c_str());
  if (reason != nullptr) cJSON_AddStringToObject(o.get(), "queue_state_reason", reason->c_str());
  reply_(ex, Response::json(200, json::dump(o.get())));
}

void FuturePolls::clear() {
  for (auto& kv : waiting_) {
    for (Waiter& w : kv.second) loop_.cancel(w.timer);
  }
  waiting_.clear();
  held_ = 0;
}

}  // namespace emu
