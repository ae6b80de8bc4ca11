// The job table behind every future-returning call (protocol.md §2.8, §3). A job is
// (user, kind, a function that produces the result body and its content type or an error
// with a category). Jobs run on the worker pool; completion comes back to the loop thread,
// which answers any held retrieve_future polls.
//
// Ordering lanes. Jobs that share a non-empty ordering key run one at a time. Within a lane,
// jobs with a `seq` run strictly in seq order starting from the lane's next expected seq
// (protocol.md §6.1: a model's training requests execute in seq_id order, whatever order they
// arrive in); an early arrival waits until the gap before it fills. If a gap stays unfilled
// for the lane's gap timeout, the waiting jobs fail with a server error and the lane moves on
// past them. Jobs without a seq run in submission order, ahead of seq jobs waiting on a gap.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "event_loop.h"
#include "worker_pool.h"

namespace emu {

struct JobResult {
  bool failed = false;
  // Success: the exact body retrieve_future returns, with its Content-Type (application/json,
  // or application/x-protobuf for sample / forward_backward results, §1.6).
  std::string body;
  std::string content_type = "application/json";
  // Results with two wire forms (forward/backward outputs: protobuf or legacy JSON): `body`
  // is the form named by body_is_protobuf, and `render(body, protobuf)` converts it to the
  // other form on demand (only `body` is kept, not a second copy of the output).
  // retrieve_future picks the form by the poll's Accept header.
  bool body_is_protobuf = false;
  std::function<JobResult(const std::string& body, bool protobuf)> render;
  // Failure: {"error": error, "category": category} (§3.2 row 4).
  std::string error;
  std::string category = "unknown";

  static JobResult json(std::string body);
  static JobResult failure(std::string message, std::string category);
};

using JobFn = std::function<JobResult()>;

struct Job;

struct JobSpec {
  std::string user;
  std::string kind;  // request type, e.g. "CreateModel", "Sample"; "Test" for /_emulator/jobs
  // Jobs sharing a non-empty key execute one at a time (see the file comment).
  std::string ordering_key;
  // With an ordering key: the job's place in the lane's seq order. Callers check it with
  // seq_state() first; a seq that is already taken or passed is a programming error.
  std::optional<int64_t> seq;
  // Simulated execution time, spent on a loop timer (not on a worker) before `run` is called,
  // so thousands of slow jobs do not occupy the pool.
  int64_t delay_ms = 0;
  JobFn run;  // called on a worker thread; must not touch loop-thread state
  // Called on the loop thread when the job reaches kDone (also when it failed without
  // running, e.g. after a gap timeout), before its lane moves on and before held polls are
  // answered. For updating loop-thread tables from the result.
  std::function<void(Job&)> on_finish;
};

enum class JobState { kQueued, kRunning, kDone };

struct Job {
  std::string id;
  std::string user;
  std::string kind;
  std::string ordering_key;
  std::optional<int64_t> seq;
  int64_t delay_ms = 0;
  JobState state = JobState::kQueued;
  double submitted_ms = 0;
  double started_ms = 0;
  double finished_ms = 0;
  JobResult result;
  // The other wire form of a two-form result, rendered on first request.
  std::optional<JobResult> alt_result;
  // complete_metadata is sent at most once per request id (§3.2 row 3).
  bool metadata_sent = false;
  // Forgotten (the "expire" fault): its id answers 410 from now on, as after the retention
  // time. A job still running finishes (its lane and hooks need that), its result is dropped.
  bool forgotten = false;
  JobFn run;
  std::function<void(Job&)> on_finish;
};

// What a lane knows about one seq, for admission checks.
enum class SeqState {
  kFree,     // not seen yet and not passed: can be submitted
  kTaken,    // a job with this seq is waiting or was consumed
  kPassed,   // below the lane's next expected seq (executed, consumed, or skipped)
};

struct LaneInfo {
  bool exists = false;
  int64_t next_seq = 0;
  std::optional<int64_t> running_seq;
  std::vector<int64_t> waiting;   // seqs of waiting jobs, ascending
  std::vector<int64_t> executed;  // seqs in the order they started (latest kExecutedKept)
  size_t fifo = 0;                // waiting jobs without a seq
};

class JobTable {
 public:
  static constexpr size_t kExecutedKept = 256;

  JobTable(EventLoop& loop, WorkerPool& workers, const int64_t* retention_ms,
           const int64_t* gap_timeout_ms);
  ~JobTable();

  // Registers and starts (or queues in its lane) a job; returns its request id.
  std::string submit(JobSpec spec);
  // The job, or nullptr when the id is unknown, forgotten or its result has expired (-> 410).
  Job* find(const std::string& id);
  // Makes the id unknown from now on, as if its result had expired (the "expire" fault).
  void forget(const std::string& id);
  // Called on the loop thread whenever a job reaches kDone.
  void set_on_done(std::function<void(Job&)> cb) { on_done_ = std::move(cb); }

  // Seq lanes. open_lane creates a persistent lane whose first expected seq is first_seq
  // (a no-op if it exists); release_lane lets it disappear once it has nothing queued.
  void open_lane(const std::string& key, int64_t first_seq);
  void release_lane(const std::string& key);
  SeqState seq_state(const std::string& key, int64_t seq) const;
  // Marks `seq` as used without a job (a submission that was rejected after its seq was
  // accepted), so later seqs do not wait for it.
  void consume_seq(const std::string& key, int64_t seq);
  LaneInfo lane_info(const std::string& key) const;

  size_t pending() const { return pending_; }
  size_t size() const { return jobs_.size(); }

 private:
  struct Lane {
    bool persistent = false;
    int64_t next_seq = 0;
    bool busy = false;
    std::optional<int64_t> running_seq;
    std::deque<std::string> fifo;             // jobs without seq, submission order
    std::map<int64_t, std::string> by_seq;    // waiting seq jobs; "" marks a consumed seq
    std::deque<int64_t> executed;
    EventLoop::TimerId gap_timer = 0;
  };

  void start(Job& job);
  void dispatch(const std::string& id);
  void finished(const std::string& id, JobResult result);
  void complete(Job& job, JobResult result);
  void pump(const std::string& key);
  void gap_expired(const std::string& key);
  bool expired(const Job& job) const;
  void schedule_gc();
  void gc();

  EventLoop& loop_;
  WorkerPool& workers_;
  const int64_t* retention_ms_;
  const int64_t* gap_timeout_ms_;
  std::unordered_map<std::string, std::unique_ptr<Job>> jobs_;
  std::unordered_map<std::string, Lane> lanes_;
  std::function<void(Job&)> on_done_;
  size_t pending_ = 0;
  EventLoop::TimerId gc_timer_ = 0;
};

}  // namespace emu
