// The job table behind every future-returning call (protocol.md §2.8, §3). A job is
// (user, kind, a function that produces the result body and its content type or an error
// with a category). Jobs run on the worker pool; completion comes back to the loop thread,
// which answers any held retrieve_future polls. Real operations (create_model,
// forward_backward, sample, ...) plug in as JobSpecs; results may be JSON or protobuf.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "event_loop.h"
#include "worker_pool.h"

namespace emu {

struct JobResult {
  bool failed = false;
  // Success: the exact body retrieve_future returns, with its Content-Type (application/json,
  // or application/x-protobuf for sample / forward_backward results, §1.6).
  std::string body;
  std::string content_type = "application/json";
  // Failure: {"error": error, "category": category} (§3.2 row 4).
  std::string error;
  std::string category = "unknown";

  static JobResult json(std::string body);
  static JobResult failure(std::string message, std::string category);
};

using JobFn = std::function<JobResult()>;

struct JobSpec {
  std::string user;
  std::string kind;  // request type, e.g. "CreateModel", "Sample"; "Test" for /_emulator/jobs
  // Jobs sharing a non-empty key execute one at a time in submission order (for per-model
  // execution order later). An empty key means "independent".
  std::string ordering_key;
  // Simulated execution time, spent on a loop timer (not on a worker) before `run` is called,
  // so thousands of slow jobs do not occupy the pool.
  int64_t delay_ms = 0;
  JobFn run;  // called on a worker thread; must not touch loop-thread state
};

enum class JobState { kQueued, kRunning, kDone };

struct Job {
  std::string id;
  std::string user;
  std::string kind;
  std::string ordering_key;
  int64_t delay_ms = 0;
  JobState state = JobState::kQueued;
  double submitted_ms = 0;
  double finished_ms = 0;
  JobResult result;
  // complete_metadata is sent at most once per request id (§3.2 row 3).
  bool metadata_sent = false;
  JobFn run;
};

class JobTable {
 public:
  JobTable(EventLoop& loop, WorkerPool& workers, const int64_t* retention_ms);
  ~JobTable();

  // Registers and starts (or queues behind its ordering key) a job; returns its request id.
  std::string submit(JobSpec spec);
  // The job, or nullptr when the id is unknown or its result has expired (-> 410).
  Job* find(const std::string& id);
  // Called on the loop thread whenever a job reaches kDone.
  void set_on_done(std::function<void(Job&)> cb) { on_done_ = std::move(cb); }

  size_t pending() const { return pending_; }
  size_t size() const { return jobs_.size(); }

 private:
  void start(Job& job);
  void dispatch(const std::string& id);
  void finished(const std::string& id, JobResult result);
  bool expired(const Job& job) const;
  void schedule_gc();
  void gc();

  EventLoop& loop_;
  WorkerPool& workers_;
  const int64_t* retention_ms_;
  std::unordered_map<std::string, std::unique_ptr<Job>> jobs_;
  // ordering key -> ids; the front one is executing.
  std::unordered_map<std::string, std::deque<std::string>> lanes_;
  std::function<void(Job&)> on_done_;
  size_t pending_ = 0;
  EventLoop::TimerId gc_timer_ = 0;
};

}  // namespace emu
