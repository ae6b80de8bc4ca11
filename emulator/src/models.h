// Training models created by create_model or create-via-load (protocol.md §2.2, §5.3).
// The table and every field of ModelEntry except `model` and `inputs` are loop-thread only.
// `model` is used by job bodies on workers, under `mu`; the per-model job lane already runs a
// model's training requests one at a time, the mutex also covers unload and sampler snapshots.
// `inputs` has its own lock (input_record.h).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "emu_model/model.h"
#include "exchange.h"
#include "input_record.h"
#include "json_body.h"

namespace emu {

// What happened to a (model, seq_id) submission, so that an identical resubmission (a client
// retry after a lost response) gets the same answer instead of a duplicate-seq_id error.
struct SeqRecord {
  uint64_t digest = 0;               // of the request path and body
  std::string request_id;            // the future it created, or
  std::optional<Response> response;  // the direct answer it got (e.g. 409)
};

struct ModelEntry {
  enum class State { kCreating, kReady, kFailed, kUnloaded };

  std::string id;          // "<session_id>:train:<model_seq_id>"
  std::string user;
  std::string session_id;
  int64_t model_seq_id = 0;
  State state = State::kCreating;
  // Known at submission for create_model; for create-via-load, once the checkpoint is read.
  bool config_known = false;
  tinker::emu::ModelConfig config;
  json::Ptr user_metadata;
  double created_ms = 0;
  // Wall clock of the latest request, and of the latest one written to its run record (the
  // record is written at most once a second, and at shutdown: training requests come fast).
  double last_request_unix = 0;
  double last_request_written = 0;
  std::string created_by;  // "create_model" or "load_weights"
  std::map<int64_t, SeqRecord> seqs;  // the latest kSeqRecordsKept submissions
  uint64_t create_digest = 0;         // of the creating request, for its retries
  std::string create_request_id;

  // Worker side.
  std::mutex mu;
  std::unique_ptr<tinker::emu::Model> model;  // null until created, after unload or failure
  InputRecord inputs;  // the latest forward / forward_backward requests (record_inputs)
};

class ModelTable {
 public:
  static constexpr size_t kSeqRecordsKept = 4096;

  std::shared_ptr<ModelEntry> find(const std::string& id) const;
  std::shared_ptr<ModelEntry> add(const std::string& id);
  const std::map<std::string, std::shared_ptr<ModelEntry>>& all() const { return by_id_; }

 private:
  std::map<std::string, std::shared_ptr<ModelEntry>> by_id_;
};

const char* model_state_name(ModelEntry::State s);

// "<session_id>:train:<model_seq_id>" (§5.3) and "<session_id>:sample:<n>".
std::string training_model_id(const std::string& session_id, int64_t model_seq_id);
std::string sampling_session_id(const std::string& session_id, int64_t seq);
// The session a model or sampling session id was made in (the part before ":train:" or
// ":sample:"); "" for an id of neither form.
std::string session_of(const std::string& id);

// A 64-bit hash of the pair (`a`, `b`), for recognising identical resubmissions.
uint64_t request_digest(const std::string& a, const std::string& b);

}  // namespace emu
