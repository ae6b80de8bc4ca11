// The emulator's SQLite database (docs/emulator.md "The store"): <data-dir>/emulator.db when
// the emulator is given --data-dir, an in-memory database otherwise. It holds what must outlive
// a restart: users, sessions, training runs, checkpoints, samplers' metadata, the audit log and
// the usage behind billing. The schema and its reasons are in docs/emulator.md.
//
// One connection, shared by the loop thread and the workers (checkpoint saves run on workers),
// serialised by one recursive mutex: every statement runs while a Db::Use (or Db::Tx) is held,
// and a store may call another store's method inside its own transaction.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "emu_model/model_config.h"

struct sqlite3;
struct sqlite3_stmt;

namespace emu {

class Db {
 public:
  Db() = default;
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Opens `path` (":memory:" for an in-memory database), creating it and its tables when new.
  // False with *error when the file cannot be opened, is not an emulator database of a known
  // version, or another emulator has it open (the database is locked exclusively).
  bool open(const std::string& path, std::string* error);
  bool in_memory() const { return in_memory_; }
  // Diagnostics for failed statements go to stderr unless quiet.
  void set_quiet(bool quiet) { quiet_ = quiet; }

  // Holds the database for the lifetime of the object (statements may run).
  class Use {
   public:
    explicit Use(Db& db) : db_(db), lock_(db.mu_) {}
    Db& db() { return db_; }

   private:
    Db& db_;
    std::unique_lock<std::recursive_mutex> lock_;
  };

  // A transaction: BEGIN now, COMMIT on commit(), ROLLBACK if destroyed without it. Not nested:
  // inner code uses Db::Use, which joins the outer transaction.
  class Tx {
   public:
    explicit Tx(Db& db);
    ~Tx();
    bool commit();

   private:
    Use use_;
    bool open_ = false;
  };

  // A prepared statement (cached per SQL text; the text must be a string literal, it is the
  // cache key). Bind with 1-based indexes, step() until false, read columns 0-based. Reset on
  // destruction. Only while the database is held.
  class Stmt {
   public:
    Stmt(Db& db, const char* sql);
    ~Stmt();
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    Stmt& bind(int i, const std::string& v);
    Stmt& bind(int i, const char* v);
    Stmt& bind(int i, int64_t v);
    Stmt& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
    Stmt& bind(int i, bool v) { return bind(i, static_cast<int64_t>(v ? 1 : 0)); }
    Stmt& bind(int i, double v);
    Stmt& bind_null(int i);
    template <class T>
    Stmt& bind(int i, const std::optional<T>& v) {
      return v ? bind(i, *v) : bind_null(i);
    }

    // True while a row is available; false when done or on error (reported, see ok()).
    bool step();
    // Steps to the end; false on error.
    bool run();
    bool ok() const { return ok_; }

    bool is_null(int col) const;
    int64_t i64(int col) const;
    double f64(int col) const;
    bool flag(int col) const { return i64(col) != 0; }
    std::string text(int col) const;
    std::optional<std::string> opt_text(int col) const;
    std::optional<double> opt_f64(int col) const;

   private:
    Db& db_;
    sqlite3_stmt* st_ = nullptr;
    bool ok_ = true;
  };

  // Runs SQL without results (schema, pragmas, transactions); false after reporting an error.
  bool exec(const char* sql);
  // rowid of the last INSERT on the connection.
  int64_t last_insert_rowid();

  // A value of the meta table (key/value settings the database keeps: secrets, salts); made
  // with `make` and stored the first time it is asked for.
  std::string meta(const std::string& key, std::string (*make)());

 private:
  friend class Stmt;
  void report(const char* what, int rc);
  bool migrate(std::string* error);

  sqlite3* db_ = nullptr;
  bool in_memory_ = false;
  bool quiet_ = false;
  std::recursive_mutex mu_;
  std::map<const char*, sqlite3_stmt*> cache_;
};

// The model configuration columns shared by training_runs and checkpoints (a run's or a
// checkpoint's ModelConfig, every field of it): "base_model, vocab_size, hidden_size, synthetic,
// lora_rank, lora_seed, lora_alpha, train_unembed, train_mlp, train_attn", in that order.
inline constexpr int kConfigColumns = 10;
void bind_config(Db::Stmt& s, int first, const tinker::emu::ModelConfig& c);
tinker::emu::ModelConfig read_config(const Db::Stmt& s, int first);

}  // namespace emu
