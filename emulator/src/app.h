// The emulator as a whole: every table, and the request pipeline that runs on the loop
// thread for each request: request log -> fault -> route -> auth -> body -> handler -> reply.
#pragma once

#include <string>

#include "audit.h"
#include "auth.h"
#include "checkpoints.h"
#include "db.h"
#include "downloads.h"
#include "event_loop.h"
#include "exports.h"
#include "exchange.h"
#include "faults.h"
#include "futures.h"
#include "http_server.h"
#include "jobs.h"
#include "models.h"
#include "options.h"
#include "request_log.h"
#include "router.h"
#include "runs.h"
#include "sample_ledger.h"
#include "sampler_models.h"
#include "samplers.h"
#include "sessions.h"
#include "settings.h"
#include "usage.h"
#include "worker_pool.h"

namespace emu {

class App {
 public:
  // `db` is open (db_path(opts)).
  App(EventLoop& loop, const Options& opts, Db& db);

  // Where the database lives: <data-dir>/emulator.db with --data-dir (so that it survives a
  // restart), else ":memory:" (it goes with the process, as the temporary data directory does).
  static std::string db_path(const Options& opts);
  ~App();

  bool listen(std::string* error);
  // Stops workers, forgets held requests and closes every connection.
  void shutdown();

  // Sends `r` for `ex`, applying the request's delay/truncate/corrupt fault, and records the
  // status in the request log. Consumes `ex`.
  void reply(Exchange* ex, Response r);

  static bool is_admin_path(const std::string& path);

  EventLoop& loop;
  Options opts;
  // Checkpoint root: --data-dir, or a temporary directory removed at shutdown.
  std::string data_dir;
  // <data-dir>/emulator.db with --data-dir, else in memory (docs/emulator.md "The store"):
  // opened by main() before the App (db_path()), so that a failure is an ordinary exit.
  Db& db;
  AuditLog audit;
  UsageLedger usage;
  Settings settings;
  Auth auth;
  SessionTable sessions;
  FaultTable faults;
  RequestLog log;
  WorkerPool workers;
  JobTable jobs;
  FuturePolls polls;
  ModelTable models;
  RunStore runs;  // the records of the models, which outlive the process
  CheckpointStore checkpoints;
  SamplerTable samplers;
  BaseModelSamplers base_samplers;  // asample addressed by base_model
  SampleLedger sample_ledger;       // asample seq_ids, in-flight count, counters
  Downloads downloads;              // signed URLs of archives and trace exports
  ExportTable archives;             // checkpoint archives, by tinker:// path
  ExportTable traces;               // trace exports, by session id
  Router router;
  HttpServer server;
  double telemetry_events = 0;

 private:
  void on_request(Exchange* ex);
  void start_log_entry(Exchange* ex);
  // What the narrowing fields of a fault can match for this request (retrieve_future: the
  // polled id and its job's kind, kept in the two strings).
  FaultTarget fault_target(const Exchange* ex, std::string* polled_id, std::string* polled_kind);
  // Takes the request's fault, if any. Answers the faults that replace the handler (status,
  // drop) and returns true; applies expire; keeps the others in ex->fault for reply().
  bool apply_immediate_fault(Exchange* ex);
  void send_now(Exchange* ex, const Response& r, HttpServer::SendMode mode);
  void access_log(const Exchange* ex, int status, const char* note) const;
  bool shut_down_ = false;
  bool owns_data_dir_ = false;
};

// Route tables, one file each.
void register_service_routes(Router& r);
void register_future_routes(Router& r);
void register_admin_routes(Router& r);
void register_training_routes(Router& r);
void register_checkpoint_routes(Router& r);
void register_sampling_routes(Router& r);
void register_asample_routes(Router& r);
void register_download_routes(Router& r);
void register_hub_routes(Router& r);  // the Hugging Face Hub file endpoint (handlers_hub.cpp)

}  // namespace emu
