// The tables of emulator.db (docs/emulator.md "The store" explains each choice). A database
// whose PRAGMA user_version is not kSchemaVersion is refused at start-up rather than guessed at:
// the emulator is a test tool, and a fresh --data-dir is always an option.
#pragma once

namespace emu {

inline constexpr int kSchemaVersion = 1;

inline constexpr const char* kSchema = R"SQL(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE users (
  n            INTEGER PRIMARY KEY,   -- the user id is 'u' || n
  key_hash     TEXT NOT NULL UNIQUE,  -- hex SHA-256 of (meta key_salt, API key); never the key
  created_unix REAL NOT NULL
);

CREATE TABLE sessions (
  id            TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL,
  tags          TEXT NOT NULL,        -- JSON array of strings
  project_id    TEXT,
  user_metadata TEXT NOT NULL,        -- JSON object
  sdk_version   TEXT,
  created_unix  REAL NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE training_runs (
  id                TEXT PRIMARY KEY, -- the model id, <session_id>:train:<model_seq_id>
  user_id           TEXT NOT NULL,
  session_id        TEXT NOT NULL,
  model_seq_id      INTEGER NOT NULL,
  created_by        TEXT NOT NULL,    -- create_model | load_weights
  state             TEXT NOT NULL,    -- creating | ready
  base_model        TEXT NOT NULL,    -- '' while a create-via-load has not read its checkpoint
  vocab_size        INTEGER NOT NULL,
  hidden_size       INTEGER NOT NULL,
  synthetic         INTEGER NOT NULL,
  lora_rank         INTEGER NOT NULL,
  lora_seed         INTEGER,
  lora_alpha        REAL NOT NULL,
  train_unembed     INTEGER NOT NULL,
  train_mlp         INTEGER NOT NULL,
  train_attn        INTEGER NOT NULL,
  user_metadata     TEXT NOT NULL,    -- JSON object
  created_unix      REAL NOT NULL,
  last_request_unix REAL NOT NULL
);
CREATE INDEX training_runs_by_user ON training_runs (user_id, created_unix);
CREATE INDEX training_runs_by_session ON training_runs (session_id);

CREATE TABLE checkpoints (
  tinker_path   TEXT PRIMARY KEY,     -- tinker://<run_id>/<kind>/<name>
  run_id        TEXT NOT NULL,
  kind          TEXT NOT NULL,        -- weights | sampler_weights
  name          TEXT NOT NULL,
  owner         TEXT NOT NULL,
  file          TEXT NOT NULL,
  base_model    TEXT NOT NULL,
  vocab_size    INTEGER NOT NULL,
  hidden_size   INTEGER NOT NULL,
  synthetic     INTEGER NOT NULL,
  lora_rank     INTEGER NOT NULL,
  lora_seed     INTEGER,
  lora_alpha    REAL NOT NULL,
  train_unembed INTEGER NOT NULL,
  train_mlp     INTEGER NOT NULL,
  train_attn    INTEGER NOT NULL,
  has_optimizer INTEGER NOT NULL,
  size_bytes    INTEGER NOT NULL,
  created_unix  REAL NOT NULL,
  expires_unix  REAL,                 -- NULL: never expires
  public        INTEGER NOT NULL,
  ephemeral     INTEGER NOT NULL,
  seq           INTEGER NOT NULL      -- save order over the whole store
);
CREATE INDEX checkpoints_by_run ON checkpoints (run_id);

CREATE TABLE samplers (
  id                   TEXT PRIMARY KEY, -- <session_id>:sample:<n>
  user_id              TEXT NOT NULL,
  session_id           TEXT NOT NULL,
  base_model           TEXT NOT NULL,
  model_path           TEXT,
  created_unix         REAL NOT NULL,
  created_by           TEXT NOT NULL,    -- create_sampling_session | save_weights_for_sampler
  requested_model_path TEXT,
  requested_base_model TEXT
);
CREATE INDEX samplers_by_session ON samplers (session_id);

CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  user_id     TEXT NOT NULL,
  time_unix   REAL NOT NULL,
  event       TEXT NOT NULL,
  model_id    TEXT,
  tinker_path TEXT,
  purpose     TEXT
);
CREATE INDEX audit_by_user ON audit_log (user_id, time_unix);

CREATE TABLE usage (
  user_id    TEXT NOT NULL,
  hour       INTEGER NOT NULL,        -- the bucket's start, unix seconds, a multiple of 3600
  event_type TEXT NOT NULL,           -- training | sampling_prefill | sampling_sample | checkpoint
  session_id TEXT NOT NULL,
  base_model TEXT NOT NULL,
  cached     INTEGER NOT NULL,        -- sampling_prefill: 0 or 1; -1 for the other types
  amount     INTEGER NOT NULL,        -- tokens, or checkpoints saved
  PRIMARY KEY (user_id, hour, event_type, session_id, base_model, cached)
) WITHOUT ROWID;

CREATE TABLE storage_spans (
  id          INTEGER PRIMARY KEY,
  tinker_path TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  session_id  TEXT NOT NULL,
  base_model  TEXT NOT NULL,
  size_bytes  INTEGER NOT NULL,
  start_unix  REAL NOT NULL,
  end_unix    REAL                    -- NULL while the file is stored
);
CREATE INDEX storage_by_user ON storage_spans (user_id, start_unix);
CREATE INDEX storage_open ON storage_spans (tinker_path) WHERE end_unix IS NULL;
)SQL";

}  // namespace emu
