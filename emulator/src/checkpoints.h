// Saved checkpoints (protocol.md §2.4, §8): files under the data directory plus their index by
// tinker:// path, kept in the database (table checkpoints, docs/emulator.md "The store") and
// cached in memory (loaded at start-up, every change written to the database first). Each
// change also writes its audit entry and its usage (checkpoint count, storage span) in the same
// transaction. Thread-safe: job bodies write and read checkpoints on workers, handlers check
// names and access on the loop thread. Lock order: this store's mutex, then the database's.
//
// Layout: <data-dir>/<user>/<model_id>/<kind>/<name>.ckpt, kind = weights | sampler_weights,
// in the model library's checkpoint format (adapter weights, and for `weights` the Adam state).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audit.h"
#include "db.h"
#include "emu_model/model_config.h"
#include "emu_model/status.h"
#include "usage.h"

namespace emu {

inline constexpr const char* kTrainingKind = "weights";
inline constexpr const char* kSamplerKind = "sampler_weights";

// tinker://<training_run_id>/<kind>/<name>: exactly three parts after the scheme, kind
// weights or sampler_weights, nothing empty (§8).
struct TinkerPath {
  std::string run_id;
  std::string kind;
  std::string name;
};
bool parse_tinker_path(const std::string& path, TinkerPath* out, std::string* error);
std::string make_tinker_path(const std::string& model_id, const std::string& kind,
                             const std::string& name);

// A checkpoint name: non-empty, no '/', no control characters, at most 200 bytes.
bool valid_checkpoint_name(const std::string& name, std::string* error);

// A checkpoint id as the REST paths carry it, "<kind>/<name>" (weights/0001,
// sampler_weights/final): the part of a tinker:// path after the run id.
bool parse_checkpoint_id(const std::string& id, std::string* kind, std::string* name,
                         std::string* error);

struct CheckpointRecord {
  std::string tinker_path;
  std::string model_id;
  std::string kind;  // kTrainingKind or kSamplerKind
  std::string name;
  std::string owner;  // user id
  std::string file;
  tinker::emu::ModelConfig config;
  bool has_optimizer = false;
  int64_t size_bytes = 0;
  double created_unix = 0;                // seconds since the epoch
  std::optional<double> expires_unix;     // none = never
  bool is_public = false;
  bool ephemeral = false;                 // unnamed save_weights_for_sampler
  uint64_t seq = 0;                       // order of saves (set by store(); an overwrite is newer)
};

class CheckpointStore {
 public:
  // `root` must exist. Loads the index from the database.
  CheckpointStore(std::string root, Db& db, AuditLog& audit, UsageLedger& usage);

  const std::string& root() const { return root_; }
  std::string file_for(const std::string& user, const std::string& model_id,
                       const std::string& kind, const std::string& name) const;

  // Claims `path` for a save about to be queued. False (a conflict, HTTP 409) when the path
  // exists or another queued save claims it, unless overwrite.
  bool reserve(const std::string& path, bool overwrite);
  void release(const std::string& path);

  // Writes bytes to rec.file (creating directories) and indexes the record, replacing any
  // previous one for the path. The reservation stays until release() (the save job's
  // completion on the loop thread releases it, whatever the outcome).
  tinker::emu::Status store(CheckpointRecord rec, const std::string& bytes);
  // The record, or none when unknown or expired (an expired one is deleted now).
  std::optional<CheckpointRecord> lookup(const std::string& tinker_path);
  std::vector<CheckpointRecord> list();
  // Deletes every expired checkpoint now (their storage ends at their expiry either way; this
  // makes the index, the files and the audit log catch up).
  void sweep_expired() { (void)list(); }

  // The REST changes to one checkpoint (publish, unpublish, TTL, delete). Only `owner` may
  // change a checkpoint: another user's answers kNotFound, like an unknown or expired one, so
  // that nobody learns which paths exist. kConflict: already in the requested public state.
  enum class Change { kDone, kNotFound, kConflict };
  Change set_public(const std::string& path, const std::string& owner, bool is_public);
  // none = never expires.
  Change set_expiry(const std::string& path, const std::string& owner,
                    std::optional<double> expires_unix);
  // Deletes the file and the index entry.
  Change remove(const std::string& path, const std::string& owner);

 private:
  void load();
  bool live_locked(const std::string& path);
  // The database side of forgetting `rec` (delete, expiry): row, storage span, audit entry.
  void forget_locked(const CheckpointRecord& rec, const char* event, double t, const char* purpose);
  // The live record at `path` if `owner` owns it, else null.
  CheckpointRecord* owned_locked(const std::string& path, const std::string& owner);

  std::string root_;
  Db& db_;
  AuditLog& audit_;
  UsageLedger& usage_;
  std::mutex mu_;
  std::map<std::string, CheckpointRecord> by_path_;
  std::map<std::string, int> reserved_;
  uint64_t next_seq_ = 0;
};

// Whether `user` may read `rec`: the owner, anyone for a published checkpoint, or anyone
// presenting the owner's credential as weights_access_token (token_user is the user that
// credential belongs to, "" if none).
bool can_read_checkpoint(const CheckpointRecord& rec, const std::string& user,
                         const std::string& token_user);

// The checkpoint at tinker:// `path` if `user` may read it (or through weights_access_token,
// see can_read_checkpoint), and its file's bytes. `required_kind` (kTrainingKind) or nullptr for
// any kind. User errors for a bad path,
// an unknown or unreadable checkpoint and a wrong kind.
tinker::emu::Status read_checkpoint(CheckpointStore* store, const std::string& path, const std::string& user,
                                    const std::string& token_user, const char* required_kind,
                                    CheckpointRecord* rec, std::string* bytes);

// Wall-clock seconds since the epoch (checkpoint and sampler timestamps).
double unix_now();

// mkdir -p; false with *error.
bool make_dirs(const std::string& path, std::string* error);
// rm -r of a directory tree the emulator created (its temporary data directory).
void remove_tree(const std::string& path);

}  // namespace emu
