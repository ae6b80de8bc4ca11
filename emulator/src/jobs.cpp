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

JobTable::JobTable(EventLoop& loop, WorkerPool& workers, const int64_t* retention_ms,
                   const int64_t* gap_timeout_ms)
    : loop_(loop), workers_(workers), retention_ms_(retention_ms), gap_timeout_ms_(gap_timeout_ms) {
  schedule_gc();
}

JobTable::~JobTable() {
  if (gc_timer_ != 0) loop_.cancel(gc_timer_);
  for (auto& kv : lanes_) {
    if (kv.second.gap_timer != 0) loop_.cancel(kv.second.gap_timer);
  }
}

std::string JobTable::submit(JobSpec spec) {
  auto job = std::make_unique<Job>();
  job->id = random_uuid();
  job->user = std::move(spec.user);
  job->kind = std::move(spec.kind);
  job->ordering_key = std::move(spec.ordering_key);
  job->seq = spec.seq;
  job->delay_ms = spec.delay_ms;
  job->run = std::move(spec.run);
  job->on_finish = std::move(spec.on_finish);
  job->submitted_ms = loop_.now_ms();
  Job& j = *job;
  std::string id = j.id;
  jobs_.emplace(id, std::move(job));
  ++pending_;
  if (j.ordering_key.empty()) {
    start(j);
    return id;
  }
  Lane& lane = lanes_[j.ordering_key];
  if (j.seq) {
    if (*j.seq < lane.next_seq || lane.by_seq.count(*j.seq) != 0) {
      // Handlers check seq_state() first; this only guards against a handler bug.
      complete(j, JobResult::failure("seq_id " + std::to_string(*j.seq) + " was already used",
                                     "user"));
      return id;
    }
    lane.by_seq.emplace(*j.seq, id);
  } else {
    lane.fifo.push_back(id);
  }
  pump(j.ordering_key);
  return id;
}

void JobTable::pump(const std::string& key) {
  auto it = lanes_.find(key);
  if (it == lanes_.end()) return;
  Lane& lane = it->second;
  if (!lane.busy) {
    while (true) {
      std::string next;
      if (!lane.fifo.empty()) {
        next = lane.fifo.front();
        lane.fifo.pop_front();
        lane.running_seq.reset();
      } else if (!lane.by_seq.empty() && lane.by_seq.begin()->first == lane.next_seq) {
        next = lane.by_seq.begin()->second;
        int64_t seq = lane.by_seq.begin()->first;
        lane.by_seq.erase(lane.by_seq.begin());
        ++lane.next_seq;
        if (next.empty()) continue;  // a consumed seq: nothing to run
        lane.running_seq = seq;
        lane.executed.push_back(seq);
        if (lane.executed.size() > kExecutedKept) lane.executed.pop_front();
      } else {
        break;
      }
      auto jt = jobs_.find(next);
      if (jt == jobs_.end()) continue;
      lane.busy = true;
      start(*jt->second);
      break;
    }
  }
  // A gap timer runs while seq jobs wait and nothing in the lane is making progress.
  bool stalled = !lane.busy && !lane.by_seq.empty();
  if (stalled && lane.gap_timer == 0) {
    int64_t ms = *gap_timeout_ms_ > 0 ? *gap_timeout_ms_ : 1;
    lane.gap_timer = loop_.after(ms, [this, key] {
      auto l = lanes_.find(key);
      if (l != lanes_.end()) l->second.gap_timer = 0;
      gap_expired(key);
    });
  } else if (!stalled && lane.gap_timer != 0) {
    loop_.cancel(lane.gap_timer);
    lane.gap_timer = 0;
  }
  if (!lane.persistent && !lane.busy && lane.fifo.empty() && lane.by_seq.empty()) {
    lanes_.erase(it);
  }
}

void JobTable::gap_expired(const std::string& key) {
  auto it = lanes_.find(key);
  if (it == lanes_.end()) return;
  Lane& lane = it->second;
  if (lane.busy || lane.by_seq.empty()) return;
  int64_t missing = lane.next_seq;
  std::map<int64_t, std::string> waiting = std::move(lane.by_seq);
  lane.by_seq.clear();
  lane.next_seq = waiting.rbegin()->first + 1;
  int64_t waited = *gap_timeout_ms_;
  for (auto& kv : waiting) {
    if (kv.second.empty()) continue;
    auto jt = jobs_.find(kv.second);
    if (jt == jobs_.end()) continue;
    complete(*jt->second,
             JobResult::failure("seq_id " + std::to_string(kv.first) + " for " + key +
                                    " was not executed: seq_id " + std::to_string(missing) +
                                    " never arrived within " + std::to_string(waited) +
                                    " ms (requests execute in seq_id order)",
                                "server"));
  }
  pump(key);
}

void JobTable::start(Job& job) {
  job.state = JobState::kRunning;
  job.started_ms = loop_.now_ms();
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
  std::string key = job.ordering_key;
  if (!key.empty()) {
    auto lane_it = lanes_.find(key);
    if (lane_it != lanes_.end()) {
      lane_it->second.busy = false;
      lane_it->second.running_seq.reset();
    }
  }
  complete(job, std::move(result));
  if (!key.empty()) pump(key);
}

void JobTable::complete(Job& job, JobResult result) {
  job.result = std::move(result);
  job.state = JobState::kDone;
  job.finished_ms = loop_.now_ms();
  job.run = nullptr;
  --pending_;
  if (job.on_finish) {
    auto cb = std::move(job.on_finish);
    job.on_finish = nullptr;
    cb(job);
  }
  if (on_done_) on_done_(job);
}

void JobTable::open_lane(const std::string& key, int64_t first_seq) {
  auto it = lanes_.find(key);
  if (it != lanes_.end()) {
    it->second.persistent = true;
    return;
  }
  Lane& lane = lanes_[key];
  lane.persistent = true;
  lane.next_seq = first_seq;
}

void JobTable::release_lane(const std::string& key) {
  auto it = lanes_.find(key);
  if (it == lanes_.end()) return;
  it->second.persistent = false;
  pump(key);
}

SeqState JobTable::seq_state(const std::string& key, int64_t seq) const {
  auto it = lanes_.find(key);
  if (it == lanes_.end()) return seq < 0 ? SeqState::kPassed : SeqState::kFree;
  const Lane& lane = it->second;
  if (seq < lane.next_seq) return SeqState::kPassed;
  if (lane.by_seq.count(seq) != 0) return SeqState::kTaken;
  return SeqState::kFree;
}

void JobTable::consume_seq(const std::string& key, int64_t seq) {
  Lane& lane = lanes_[key];
  if (seq < lane.next_seq || lane.by_seq.count(seq) != 0) return;
  lane.by_seq.emplace(seq, std::string());
  pump(key);
}

LaneInfo JobTable::lane_info(const std::string& key) const {
  LaneInfo info;
  auto it = lanes_.find(key);
  if (it == lanes_.end()) return info;
  const Lane& lane = it->second;
  info.exists = true;
  info.next_seq = lane.next_seq;
  info.running_seq = lane.running_seq;
  for (const auto& kv : lane.by_seq) {
    if (!kv.second.empty()) info.waiting.push_back(kv.first);
  }
  info.executed.assign(lane.executed.begin(), lane.executed.end());
  info.fifo = lane.fifo.size();
  return info;
}

bool JobTable::expired(const Job& job) const {
  return job.state == JobState::kDone &&
         (job.forgotten || loop_.now_ms() - job.finished_ms > *retention_ms_);
}

Job* JobTable::find(const std::string& id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return nullptr;
  if (expired(*it->second)) {
    jobs_.erase(it);
    return nullptr;
  }
  return it->second->forgotten ? nullptr : it->second.get();
}

void JobTable::forget(const std::string& id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  if (it->second->state == JobState::kDone) {
    jobs_.erase(it);
  } else {
    it->second->forgotten = true;  // erased by gc() once it has finished
  }
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
