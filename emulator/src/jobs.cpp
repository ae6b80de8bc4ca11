#include "jobs.h"

#include <exception>

#include "ids.h"

namespace emu {

JobResult JobResult::json(std::string body) {
  JobResult r;
  r.body = std::move(body);
  return r;
}

JobResult JobResult::failure(std::string message, std::string category) {
  JobResult r;
  r.failed = true;
  r.error = std::move(message);
  r.category = std::move(category);
  return r;
}

namespace {
constexpr int64_t kGcIntervalMs = 30000;
}

JobTable::JobTable(EventLoop& loop, WorkerPool& workers, const int64_t* retention_ms)
    : loop_(loop), workers_(workers), retention_ms_(retention_ms) {
  schedule_gc();
}

JobTable::~JobTable() {
  if (gc_timer_ != 0) loop_.cancel(gc_timer_);
}

std::string JobTable::submit(JobSpec spec) {
  auto job = std::make_unique<Job>();
  job->id = random_uuid();
  job->user = std::move(spec.user);
  job->kind = std::move(spec.kind);
  job->ordering_key = std::move(spec.ordering_key);
  job->delay_ms = spec.delay_ms;
  job->run = std::move(spec.run);
  job->submitted_ms = loop_.now_ms();
  Job& j = *job;
  std::string id = j.id;
  jobs_.emplace(id, std::move(job));
  ++pending_;
  if (j.ordering_key.empty()) {
    start(j);
  } else {
    auto& lane = lanes_[j.ordering_key];
    lane.push_back(id);
    if (lane.size() == 1) start(j);
  }
  return id;
}

void JobTable::start(Job& job) {
  job.state = JobState::kRunning;
  if (job.delay_ms > 0) {
    std::string id = job.id;
    loop_.after(job.delay_ms, [this, id] { dispatch(id); });
  } else {
    dispatch(job.id);
  }
}

void JobTable::dispatch(const std::string& id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  JobFn fn = std::move(it->second->run);
  it->second->run = nullptr;
  workers_.submit([this, id, fn = std::move(fn)]() {
    JobResult r;
    try {
      r = fn ? fn() : JobResult::failure("job has no body", "server");
    } catch (const std::exception& e) {
      r = JobResult::failure(std::string("internal error: ") + e.what(), "server");
    } catch (...) {
      r = JobResult::failure("internal error", "server");
    }
    loop_.post([this, id, r = std::move(r)]() mutable { finished(id, std::move(r)); });
  });
}

void JobTable::finished(const std::string& id, JobResult result) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  Job& job = *it->second;
  job.result = std::move(result);
  job.state = JobState::kDone;
  job.finished_ms = loop_.now_ms();
  --pending_;
  if (!job.ordering_key.empty()) {
    auto lane_it = lanes_.find(job.ordering_key);
    if (lane_it != lanes_.end()) {
      auto& lane = lane_it->second;
      if (!lane.empty() && lane.front() == id) lane.pop_front();
      if (lane.empty()) {
        lanes_.erase(lane_it);
      } else {
        auto next = jobs_.find(lane.front());
        if (next != jobs_.end()) start(*next->second);
      }
    }
  }
  if (on_done_) on_done_(job);
}

bool JobTable::expired(const Job& job) const {
  return job.state == JobState::kDone && loop_.now_ms() - job.finished_ms > *retention_ms_;
}

Job* JobTable::find(const std::string& id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return nullptr;
  if (expired(*it->second)) {
    jobs_.erase(it);
    return nullptr;
  }
  return it->second.get();
}

void JobTable::schedule_gc() {
  gc_timer_ = loop_.after(kGcIntervalMs, [this] {
    gc_timer_ = 0;
    gc();
    schedule_gc();
  });
}

void JobTable::gc() {
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (expired(*it->second)) {
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace emu
