#include "db.h"

#include <sqlite3.h>

#include <cstdio>

#include "db_schema.h"

namespace emu {

namespace mdl = ::tinker::emu;

Db::~Db() {
  for (auto& kv : cache_) sqlite3_finalize(kv.second);
  if (db_ != nullptr) sqlite3_close(db_);
}

void Db::report(const char* what, int rc) {
  if (quiet_) return;
  std::fprintf(stderr, "tinker-emulator: database: %s: %s (%d)\n", what,
               db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc), rc);
}

bool Db::exec(const char* sql) {
  Use use(*this);
  char* msg = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &msg);
  if (rc != SQLITE_OK) {
    if (!quiet_) std::fprintf(stderr, "tinker-emulator: database: %s\n", msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return false;
  }
  return true;
}

int64_t Db::last_insert_rowid() { return sqlite3_last_insert_rowid(db_); }

bool Db::open(const std::string& path, std::string* error) {
  in_memory_ = path == ":memory:";
  int rc = sqlite3_open_v2(path.c_str(), &db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    *error = "cannot open database " + path + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    return false;
  }
  // One emulator per data directory: the first write takes an exclusive lock that is held
  // until the process ends, so a second emulator on the same directory fails at start-up
  // instead of both overwriting each other's files. WAL keeps a crash from corrupting the file;
  // synchronous=NORMAL does not fsync every commit (a power cut may lose the last moments, an
  // emulator crash loses nothing).
  if (!in_memory_) {
    sqlite3_busy_timeout(db_, 0);
    const char* pragmas = "PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
    char* msg = nullptr;
    if (sqlite3_exec(db_, pragmas, nullptr, nullptr, &msg) != SQLITE_OK) {
      *error = "cannot open database " + path + ": " + (msg ? msg : "pragma failed") +
               " (is another tinker-emulator using this --data-dir?)";
      sqlite3_free(msg);
      return false;
    }
  }
  if (!migrate(error)) {
    *error = "database " + path + ": " + *error;
    return false;
  }
  return true;
}

bool Db::migrate(std::string* error) {
  Use use(*this);
  int64_t version = 0;
  {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &st, nullptr) != SQLITE_OK) {
      *error = sqlite3_errmsg(db_);
      return false;
    }
    if (sqlite3_step(st) == SQLITE_ROW) version = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  if (version == kSchemaVersion) {
    // Take the exclusive lock now (a no-op write), not at the first request.
    char* msg = nullptr;
    if (sqlite3_exec(db_, "BEGIN IMMEDIATE; COMMIT;", nullptr, nullptr, &msg) != SQLITE_OK) {
      *error = std::string(msg ? msg : "locked") + " (is another tinker-emulator using this --data-dir?)";
      sqlite3_free(msg);
      return false;
    }
    return true;
  }
  if (version != 0) {
    *error = "schema version " + std::to_string(version) + " is not " + std::to_string(kSchemaVersion) +
             " (made by another emulator version; use a fresh --data-dir)";
    return false;
  }
  std::string sql = std::string("BEGIN IMMEDIATE;") + kSchema + "PRAGMA user_version=" +
                    std::to_string(kSchemaVersion) + "; COMMIT;";
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    *error = std::string("cannot create the tables: ") + (msg ? msg : "?") +
             " (is another tinker-emulator using this --data-dir?)";
    sqlite3_free(msg);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return false;
  }
  return true;
}

std::string Db::meta(const std::string& key, std::string (*make)()) {
  Tx tx(*this);
  {
    Stmt s(*this, "SELECT value FROM meta WHERE key = ?1");
    s.bind(1, key);
    if (s.step()) return s.text(0);
  }
  std::string v = make();
  Stmt(*this, "INSERT INTO meta (key, value) VALUES (?1, ?2)").bind(1, key).bind(2, v).run();
  tx.commit();
  return v;
}

// ---- transactions -----------------------------------------------------------------------

Db::Tx::Tx(Db& db) : use_(db) { open_ = db.exec("BEGIN IMMEDIATE"); }

Db::Tx::~Tx() {
  if (open_) use_.db().exec("ROLLBACK");
}

bool Db::Tx::commit() {
  if (!open_) return false;
  open_ = false;
  return use_.db().exec("COMMIT");
}

// ---- statements -------------------------------------------------------------------------

Db::Stmt::Stmt(Db& db, const char* sql) : db_(db) {
  auto it = db.cache_.find(sql);
  if (it != db.cache_.end()) {
    st_ = it->second;
    return;
  }
  int rc = sqlite3_prepare_v3(db.db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st_, nullptr);
  if (rc != SQLITE_OK) {
    db.report(sql, rc);
    st_ = nullptr;
    ok_ = false;
    return;
  }
  db.cache_.emplace(sql, st_);
}

Db::Stmt::~Stmt() {
  if (st_ == nullptr) return;
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}

Db::Stmt& Db::Stmt::bind(int i, const std::string& v) {
  if (st_) sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Db::Stmt& Db::Stmt::bind(int i, const char* v) {
  if (st_) sqlite3_bind_text(st_, i, v, -1, SQLITE_TRANSIENT);
  return *this;
}

Db::Stmt& Db::Stmt::bind(int i, int64_t v) {
  if (st_) sqlite3_bind_int64(st_, i, v);
  return *this;
}

Db::Stmt& Db::Stmt::bind(int i, double v) {
  if (st_) sqlite3_bind_double(st_, i, v);
  return *this;
}

Db::Stmt& Db::Stmt::bind_null(int i) {
  if (st_) sqlite3_bind_null(st_, i);
  return *this;
}

bool Db::Stmt::step() {
  if (st_ == nullptr || !ok_) return false;
  int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) {
    ok_ = false;
    db_.report(sqlite3_sql(st_), rc);
  }
  return false;
}

bool Db::Stmt::run() {
  while (step()) {
  }
  return ok_;
}

bool Db::Stmt::is_null(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }
int64_t Db::Stmt::i64(int col) const { return sqlite3_column_int64(st_, col); }
double Db::Stmt::f64(int col) const { return sqlite3_column_double(st_, col); }

std::string Db::Stmt::text(int col) const {
  const unsigned char* p = sqlite3_column_text(st_, col);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(st_, col)));
}

std::optional<std::string> Db::Stmt::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}

std::optional<double> Db::Stmt::opt_f64(int col) const {
  if (is_null(col)) return std::nullopt;
  return f64(col);
}

// ---- model configuration columns -----------------------------------------------------------

void bind_config(Db::Stmt& s, int i, const mdl::ModelConfig& c) {
  s.bind(i, c.base.name)
      .bind(i + 1, c.base.vocab_size)
      .bind(i + 2, c.base.hidden_size)
      .bind(i + 3, c.synthetic)
      .bind(i + 4, c.lora.rank);
  // SQLite integers are signed 64-bit: a seed is stored as its two's-complement pattern.
  if (c.lora.seed) {
    s.bind(i + 5, static_cast<int64_t>(*c.lora.seed));
  } else {
    s.bind_null(i + 5);
  }
  s.bind(i + 6, c.lora.alpha).bind(i + 7, c.lora.train_unembed).bind(i + 8, c.lora.train_mlp).bind(i + 9, c.lora.train_attn);
}

mdl::ModelConfig read_config(const Db::Stmt& s, int i) {
  mdl::ModelConfig c;
  c.base.name = s.text(i);
  c.base.vocab_size = static_cast<int>(s.i64(i + 1));
  c.base.hidden_size = static_cast<int>(s.i64(i + 2));
  c.synthetic = s.flag(i + 3);
  c.lora.rank = static_cast<int>(s.i64(i + 4));
  if (!s.is_null(i + 5)) c.lora.seed = static_cast<uint64_t>(s.i64(i + 5));
  c.lora.alpha = s.f64(i + 6);
  c.lora.train_unembed = s.flag(i + 7);
  c.lora.train_mlp = s.flag(i + 8);
  c.lora.train_attn = s.flag(i + 9);
  return c;
}

}  // namespace emu
