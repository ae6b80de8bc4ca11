#include "checkpoints.h"

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "emu_model/checkpoint.h"
#include "models.h"

namespace emu {

namespace mdl = ::tinker::emu;

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool parse_tinker_path(const std::string& path, TinkerPath* out, std::string* error) {
  const std::string scheme = "tinker://";
  if (path.compare(0, scheme.size(), scheme) != 0) {
    *error = "invalid checkpoint path '" + path + "': it must start with tinker://";
    return false;
  }
  std::string rest = path.substr(scheme.size());
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = rest.find('/', start);
    parts.push_back(rest.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (parts.size() != 3 || parts[0].empty() || parts[2].empty()) {
    *error = "invalid checkpoint path '" + path +
             "': expected tinker://<training_run_id>/<weights|sampler_weights>/<name>";
    return false;
  }
  if (parts[1] != kTrainingKind && parts[1] != kSamplerKind) {
    *error = "invalid checkpoint path '" + path + "': the kind must be weights or sampler_weights";
    return false;
  }
  out->run_id = parts[0];
  out->kind = parts[1];
  out->name = parts[2];
  return true;
}

std::string make_tinker_path(const std::string& model_id, const std::string& kind,
                             const std::string& name) {
  return "tinker://" + model_id + "/" + kind + "/" + name;
}

bool valid_checkpoint_name(const std::string& name, std::string* error) {
  if (name.empty()) {
    *error = "checkpoint name (path) must not be empty";
    return false;
  }
  if (name.size() > 200) {
    *error = "checkpoint name is longer than 200 bytes";
    return false;
  }
  for (unsigned char c : name) {
    if (c == '/') {
      *error = "checkpoint name '" + name + "' must not contain '/'";
      return false;
    }
    if (c < 0x20 || c == 0x7f) {
      *error = "checkpoint name must not contain control characters";
      return false;
    }
  }
  return true;
}

bool parse_checkpoint_id(const std::string& id, std::string* kind, std::string* name,
                         std::string* error) {
  size_t slash = id.find('/');
  std::string k = slash == std::string::npos ? id : id.substr(0, slash);
  if (slash == std::string::npos || (k != kTrainingKind && k != kSamplerKind)) {
    *error = "invalid checkpoint id '" + id + "': expected <weights|sampler_weights>/<name>";
    return false;
  }
  std::string n = id.substr(slash + 1);
  std::string why;
  if (!valid_checkpoint_name(n, &why)) {
    *error = "invalid checkpoint id '" + id + "': " + why;
    return false;
  }
  *kind = std::move(k);
  *name = std::move(n);
  return true;
}

std::string CheckpointStore::file_for(const std::string& user, const std::string& model_id,
                                      const std::string& kind, const std::string& name) const {
  return root_ + "/" + user + "/" + model_id + "/" + kind + "/" + name + ".ckpt";
}

namespace {

constexpr const char* kSelectAll =
    "SELECT tinker_path, run_id, kind, name, owner, file, has_optimizer, size_bytes, created_unix, "
    "expires_unix, public, ephemeral, seq, base_model, vocab_size, hidden_size, synthetic, lora_rank, "
    "lora_seed, lora_alpha, train_unembed, train_mlp, train_attn FROM checkpoints";

UsageSource source_of(const CheckpointRecord& rec) {
  return UsageSource{rec.owner, session_of(rec.model_id), rec.config.base.name};
}

}  // namespace

CheckpointStore::CheckpointStore(std::string root, Db& db, AuditLog& audit, UsageLedger& usage)
    : root_(std::move(root)), db_(db), audit_(audit), usage_(usage) {
  load();
}

void CheckpointStore::load() {
  std::lock_guard<std::mutex> lock(mu_);
  Db::Use use(db_);
  Db::Stmt s(db_, kSelectAll);
  while (s.step()) {
    CheckpointRecord r;
    r.tinker_path = s.text(0);
    r.model_id = s.text(1);
    r.kind = s.text(2);
    r.name = s.text(3);
    r.owner = s.text(4);
    r.file = s.text(5);
    r.has_optimizer = s.flag(6);
    r.size_bytes = s.i64(7);
    r.created_unix = s.f64(8);
    r.expires_unix = s.opt_f64(9);
    r.is_public = s.flag(10);
    r.ephemeral = s.flag(11);
    r.seq = static_cast<uint64_t>(s.i64(12));
    r.config = read_config(s, 13);
    if (r.seq > next_seq_) next_seq_ = r.seq;
    std::string key = r.tinker_path;
    by_path_.emplace(std::move(key), std::move(r));
  }
}

void CheckpointStore::forget_locked(const CheckpointRecord& rec, const char* event, double t,
                                    const char* purpose) {
  Db::Tx tx(db_);
  Db::Stmt(db_, "DELETE FROM checkpoints WHERE tinker_path = ?1").bind(1, rec.tinker_path).run();
  usage_.storage_end(rec.tinker_path, t);
  if (!rec.ephemeral) {
    audit_.record(rec.owner, AuditRecord{t, event, rec.model_id, rec.tinker_path,
                                         purpose ? std::optional<std::string>(purpose) : std::nullopt});
  }
  tx.commit();
}

bool CheckpointStore::live_locked(const std::string& path) {
  auto it = by_path_.find(path);
  if (it == by_path_.end()) return false;
  if (it->second.expires_unix && *it->second.expires_unix <= unix_now()) {
    // The storage ends at the expiry, however late it is noticed.
    forget_locked(it->second, audit_event::kCheckpointExpired, *it->second.expires_unix, "ttl");
    std::remove(it->second.file.c_str());
    by_path_.erase(it);
    return false;
  }
  return true;
}

bool CheckpointStore::reserve(const std::string& path, bool overwrite) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!overwrite && (live_locked(path) || reserved_.count(path) != 0)) return false;
  ++reserved_[path];
  return true;
}

void CheckpointStore::release(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = reserved_.find(path);
  if (it == reserved_.end()) return;
  if (--it->second <= 0) reserved_.erase(it);
}

mdl::Status CheckpointStore::store(CheckpointRecord rec, const std::string& bytes) {
  std::string dir = rec.file.substr(0, rec.file.rfind('/'));
  std::string err;
  if (!make_dirs(dir, &err)) return mdl::Status::internal_error(err);
  mdl::Status st = mdl::write_file_atomically(rec.file, bytes);
  if (!st.is_ok()) return st;
  rec.size_bytes = static_cast<int64_t>(bytes.size());
  if (rec.created_unix == 0) rec.created_unix = unix_now();
  std::lock_guard<std::mutex> lock(mu_);
  rec.seq = ++next_seq_;
  {
    Db::Tx tx(db_);
    // A save over an existing path replaces it: its file's storage ends now.
    usage_.storage_end(rec.tinker_path, rec.created_unix);
    Db::Stmt s(db_,
               "INSERT OR REPLACE INTO checkpoints (tinker_path, run_id, kind, name, owner, file, "
               "has_optimizer, size_bytes, created_unix, expires_unix, public, ephemeral, seq, "
               "base_model, vocab_size, hidden_size, synthetic, lora_rank, lora_seed, lora_alpha, "
               "train_unembed, train_mlp, train_attn) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
               "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)");
    s.bind(1, rec.tinker_path)
        .bind(2, rec.model_id)
        .bind(3, rec.kind)
        .bind(4, rec.name)
        .bind(5, rec.owner)
        .bind(6, rec.file)
        .bind(7, rec.has_optimizer)
        .bind(8, rec.size_bytes)
        .bind(9, rec.created_unix)
        .bind(10, rec.expires_unix)
        .bind(11, rec.is_public)
        .bind(12, rec.ephemeral)
        .bind(13, static_cast<int64_t>(rec.seq));
    bind_config(s, 14, rec.config);
    if (!s.run()) return mdl::Status::internal_error("cannot index checkpoint " + rec.tinker_path);
    UsageSource src = source_of(rec);
    usage_.storage_begin(rec.tinker_path, src, rec.size_bytes, rec.created_unix);
    usage_.add(src, usage_type::kCheckpoint, 1, rec.created_unix);
    // Unnamed sampler saves are left out of the audit log as they are of the listings: an RL
    // loop makes one per step.
    if (!rec.ephemeral) {
      audit_.record(rec.owner, AuditRecord{rec.created_unix, audit_event::kCheckpointSaved,
                                           rec.model_id, rec.tinker_path,
                                           rec.kind == kTrainingKind ? "training" : "sampler"});
    }
    if (!tx.commit()) return mdl::Status::internal_error("cannot index checkpoint " + rec.tinker_path);
  }
  std::string key = rec.tinker_path;
  by_path_[key] = std::move(rec);
  return mdl::Status::ok();
}

std::optional<CheckpointRecord> CheckpointStore::lookup(const std::string& tinker_path) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!live_locked(tinker_path)) return std::nullopt;
  return by_path_.at(tinker_path);
}

std::vector<CheckpointRecord> CheckpointStore::list() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<CheckpointRecord> out;
  std::vector<std::string> keys;
  for (const auto& kv : by_path_) keys.push_back(kv.first);
  for (const auto& k : keys) {
    if (live_locked(k)) out.push_back(by_path_.at(k));
  }
  return out;
}

CheckpointRecord* CheckpointStore::owned_locked(const std::string& path, const std::string& owner) {
  if (!live_locked(path)) return nullptr;
  CheckpointRecord& rec = by_path_.at(path);
  return rec.owner == owner ? &rec : nullptr;
}

CheckpointStore::Change CheckpointStore::set_public(const std::string& path,
                                                    const std::string& owner, bool is_public) {
  std::lock_guard<std::mutex> lock(mu_);
  CheckpointRecord* rec = owned_locked(path, owner);
  if (rec == nullptr) return Change::kNotFound;
  if (rec->is_public == is_public) return Change::kConflict;
  Db::Tx tx(db_);
  Db::Stmt(db_, "UPDATE checkpoints SET public = ?2 WHERE tinker_path = ?1").bind(1, path).bind(2, is_public).run();
  audit_.record(owner, AuditRecord{unix_now(),
                                   is_public ? audit_event::kCheckpointPublished : audit_event::kCheckpointUnpublished,
                                   rec->model_id, path, std::nullopt});
  if (!tx.commit()) return Change::kNotFound;
  rec->is_public = is_public;
  return Change::kDone;
}

CheckpointStore::Change CheckpointStore::set_expiry(const std::string& path,
                                                    const std::string& owner,
                                                    std::optional<double> expires_unix) {
  std::lock_guard<std::mutex> lock(mu_);
  CheckpointRecord* rec = owned_locked(path, owner);
  if (rec == nullptr) return Change::kNotFound;
  const double now = unix_now();
  std::string purpose = "ttl removed";
  if (expires_unix) purpose = "ttl " + std::to_string(std::llround(*expires_unix - now)) + "s";
  Db::Tx tx(db_);
  Db::Stmt(db_, "UPDATE checkpoints SET expires_unix = ?2 WHERE tinker_path = ?1")
      .bind(1, path)
      .bind(2, expires_unix)
      .run();
  audit_.record(owner, AuditRecord{now, audit_event::kCheckpointTtlSet, rec->model_id, path, purpose});
  if (!tx.commit()) return Change::kNotFound;
  rec->expires_unix = expires_unix;
  return Change::kDone;
}

CheckpointStore::Change CheckpointStore::remove(const std::string& path, const std::string& owner) {
  std::lock_guard<std::mutex> lock(mu_);
  CheckpointRecord* rec = owned_locked(path, owner);
  if (rec == nullptr) return Change::kNotFound;
  forget_locked(*rec, audit_event::kCheckpointDeleted, unix_now(), nullptr);
  // Samplers made from it keep working: they hold a frozen copy of the weights, not the file.
  // While a save of the same path is queued the file is left alone: that save may already have
  // written its new file and be about to index it (store() writes before it takes the lock).
  if (reserved_.count(path) == 0) std::remove(rec->file.c_str());
  by_path_.erase(path);
  return Change::kDone;
}

bool can_read_checkpoint(const CheckpointRecord& rec, const std::string& user,
                         const std::string& token_user) {
  return rec.owner == user || rec.is_public || (!token_user.empty() && token_user == rec.owner);
}

mdl::Status read_checkpoint(CheckpointStore* store, const std::string& path, const std::string& user,
                            const std::string& token_user, const char* required_kind, CheckpointRecord* rec,
                            std::string* bytes) {
  TinkerPath tp;
  std::string err;
  if (!parse_tinker_path(path, &tp, &err)) return mdl::Status::user_error(err);
  auto found = store->lookup(path);
  if (!found || !can_read_checkpoint(*found, user, token_user)) {
    return mdl::Status::user_error("checkpoint " + path + " not found");
  }
  if (required_kind != nullptr && found->kind != required_kind) {
    return mdl::Status::user_error("checkpoint " + path + " is a sampler checkpoint (" + kSamplerKind +
                                   "); load_weights needs a training checkpoint (" + kTrainingKind +
                                   ", from save_weights)");
  }
  mdl::Status st = mdl::read_whole_file(found->file, bytes);
  if (!st.is_ok()) return mdl::Status::internal_error("cannot read " + path + ": " + st.message());
  *rec = std::move(*found);
  return mdl::Status::ok();
}

bool make_dirs(const std::string& path, std::string* error) {
  std::string cur;
  size_t i = 0;
  while (i <= path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string::npos) slash = path.size();
    cur = path.substr(0, slash);
    if (!cur.empty() && mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) {
      *error = "cannot create directory " + cur + ": " + std::strerror(errno);
      return false;
    }
    i = slash + 1;
  }
  return true;
}

namespace {
int remove_entry(const char* path, const struct stat*, int, struct FTW*) {
  return ::remove(path) == 0 ? 0 : 0;
}
}  // namespace

void remove_tree(const std::string& path) {
  if (path.empty() || path == "/") return;
  nftw(path.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

}  // namespace emu
