#include "training_admission.h"

#include "app.h"
#include "json_body.h"

namespace emu {
namespace admission {

namespace {

// The "model_id" of a JSON request; answers 400 when it is missing.
bool json_model_id(App& app, Exchange* ex, std::string* model_id) {
  auto m = json::get_string(ex->json.get(), "model_id");
  if (!m || m->empty()) {
    app.reply(ex, Response::bad_request("\"model_id\" (string) is required"));
    return false;
  }
  *model_id = *m;
  return true;
}

// Optional {"user_metadata": object}; answers 400 when present with another type.
bool user_metadata_ok(App& app, Exchange* ex) {
  if (json::present_but_not(ex->json.get(), "user_metadata", cJSON_Object | cJSON_NULL)) {
    app.reply(ex, Response::bad_request("\"user_metadata\" must be an object"));
    return false;
  }
  return true;
}

}  // namespace

JobResult from_status(const tinker::emu::Status& st) {
  return JobResult::failure(st.message(), st.is_ok() ? "unknown" : st.category());
}

JobResult user_failure(const std::string& message) { return JobResult::failure(message, "user"); }

JobResult json_result(const cJSON* o) { return JobResult::json(json::dump(o)); }

void reply_future(App& app, Exchange* ex, const std::string& request_id,
                  const std::string& model_id) {
  json::Ptr o = json::new_object();
  cJSON_AddStringToObject(o.get(), "request_id", request_id.c_str());
  if (!model_id.empty()) cJSON_AddStringToObject(o.get(), "model_id", model_id.c_str());
  app.reply(ex, Response::json(200, json::dump(o.get())));
}

EntryPtr model_for(App& app, Exchange* ex, const std::string& model_id) {
  EntryPtr e = app.models.find(model_id);
  if (e == nullptr) {
    // A run made before the emulator restarted has its record and checkpoints, not its model.
    std::optional<RunRecord> run = app.runs.find(model_id);
    if (run && run->user == ex->user) {
      app.reply(ex, Response::not_found("model " + model_id +
                                        " is not loaded: the emulator restarted since it was created "
                                        "(its checkpoints remain; load one into a new model)"));
      return nullptr;
    }
  }
  if (e == nullptr || e->user != ex->user || e->state == ModelEntry::State::kFailed) {
    app.reply(ex, Response::not_found("model " + model_id + " not found"));
    return nullptr;
  }
  if (e->state == ModelEntry::State::kUnloaded) {
    app.reply(ex, Response::not_found("model " + model_id + " was unloaded"));
    return nullptr;
  }
  return e;
}

bool json_addressing(App& app, Exchange* ex, std::string* model_id, int64_t* seq) {
  if (!json_model_id(app, ex, model_id)) return false;
  auto s = json::get_int(ex->json.get(), "seq_id");
  if (!s) {
    app.reply(ex, Response::bad_request("\"seq_id\" (integer) is required"));
    return false;
  }
  *seq = *s;
  return true;
}

bool answered_by_seq(App& app, Exchange* ex, ModelEntry& e, int64_t seq, uint64_t digest) {
  auto rec = e.seqs.find(seq);
  if (rec != e.seqs.end()) {
    if (rec->second.digest == digest) {
      if (rec->second.response) {
        app.reply(ex, *rec->second.response);
      } else {
        reply_future(app, ex, rec->second.request_id, e.id);
      }
    } else {
      app.reply(ex, Response::error(400, "seq_id " + std::to_string(seq) +
                                             " was already used for model " + e.id,
                                    "seq_id_reused"));
    }
    return true;
  }
  switch (app.jobs.seq_state(e.id, seq)) {
    case SeqState::kFree:
      return false;
    case SeqState::kTaken:
      app.reply(ex, Response::error(400, "seq_id " + std::to_string(seq) +
                                             " was already used for model " + e.id,
                                    "seq_id_reused"));
      return true;
    case SeqState::kPassed: {
      LaneInfo li = app.jobs.lane_info(e.id);
      app.reply(ex, Response::error(
                        400,
                        "seq_id " + std::to_string(seq) + " for model " + e.id +
                            " is no longer accepted: the next expected seq_id is " +
                            std::to_string(li.next_seq) +
                            " (seq_ids start at 1 and every training request takes the next one)",
                        "seq_id_reused"));
      return true;
    }
  }
  return true;
}

void remember_seq(ModelEntry& e, int64_t seq, SeqRecord rec) {
  e.seqs[seq] = std::move(rec);
  while (e.seqs.size() > ModelTable::kSeqRecordsKept) e.seqs.erase(e.seqs.begin());
}

uint64_t digest_of(const Exchange* ex) { return request_digest(ex->path, ex->body); }

void touch_run(App& app, ModelEntry& e) {
  const double now = unix_now();
  e.last_request_unix = now;
  if (now - e.last_request_written >= 1.0) {
    app.runs.touch(e.id, now);
    e.last_request_written = now;
  }
}

bool admit(App& app, Exchange* ex, const std::string& model_id, int64_t seq, Admitted* out) {
  EntryPtr e = model_for(app, ex, model_id);
  if (e == nullptr) return false;
  touch_run(app, *e);
  uint64_t digest = digest_of(ex);
  if (answered_by_seq(app, ex, *e, seq, digest)) return false;
  *out = Admitted{std::move(e), model_id, seq, digest};
  return true;
}

bool admit_json(App& app, Exchange* ex, Admitted* out) {
  std::string model_id;
  int64_t seq = 0;
  return json_addressing(app, ex, &model_id, &seq) && admit(app, ex, model_id, seq, out);
}

void submit_training(App& app, Exchange* ex, const Admitted& a, const char* kind, JobFn run,
                     std::function<void(Job&)> on_finish) {
  JobSpec spec;
  spec.user = ex->user;
  spec.kind = kind;
  spec.ordering_key = a.e->id;
  spec.seq = a.seq;
  spec.run = std::move(run);
  spec.on_finish = std::move(on_finish);
  std::string id = app.jobs.submit(std::move(spec));
  SeqRecord rec;
  rec.digest = a.digest;
  rec.request_id = id;
  remember_seq(*a.e, a.seq, std::move(rec));
  reply_future(app, ex, id, a.e->id);
}

void reject_admitted(App& app, Exchange* ex, const Admitted& a, Response r) {
  app.jobs.consume_seq(a.e->id, a.seq);
  SeqRecord rec;
  rec.digest = a.digest;
  rec.response = r;
  remember_seq(*a.e, a.seq, std::move(rec));
  app.reply(ex, std::move(r));
}

void submit_user_error(App& app, Exchange* ex, const Admitted& a, const char* kind,
                       const std::string& message) {
  submit_training(app, ex, a, kind, [message] { return user_failure(message); });
}

Session* session_for(App& app, Exchange* ex, std::string* session_id, int64_t* model_seq_id) {
  const cJSON* b = ex->json.get();
  auto sid = json::get_string(b, "session_id");
  if (!sid || sid->empty()) {
    app.reply(ex, Response::bad_request("\"session_id\" (string) is required"));
    return nullptr;
  }
  auto n = json::get_int(b, "model_seq_id");
  if (!n || *n < 0) {
    app.reply(ex, Response::bad_request("\"model_seq_id\" (integer >= 0) is required"));
    return nullptr;
  }
  Session* s = app.sessions.find(*sid);
  if (s == nullptr || s->user != ex->user) {
    app.reply(ex, Response::not_found("session " + *sid + " not found"));
    return nullptr;
  }
  *session_id = *sid;
  *model_seq_id = *n;
  return s;
}

bool create_request_ok(App& app, Exchange* ex, int base_model_types, std::string* session_id,
                       int64_t* model_seq_id) {
  if (session_for(app, ex, session_id, model_seq_id) == nullptr) return false;
  if (!user_metadata_ok(app, ex)) return false;
  if (json::present_but_not(ex->json.get(), "base_model", base_model_types)) {
    app.reply(ex, Response::bad_request("\"base_model\" must be a string"));
    return false;
  }
  return true;
}

bool answered_existing_model(App& app, Exchange* ex, const std::string& model_id,
                             uint64_t digest) {
  EntryPtr existing = app.models.find(model_id);
  if (existing == nullptr) {
    // Made before a restart: its record is kept, so the id stays taken.
    if (!app.runs.find(model_id)) return false;
    app.reply(ex, Response::bad_request("model " + model_id +
                                        " already exists: model_seq_id is already in use in this session"));
    return true;
  }
  if (existing->user == ex->user && existing->create_digest == digest) {
    reply_future(app, ex, existing->create_request_id, model_id);
  } else {
    app.reply(ex, Response::bad_request("model " + model_id +
                              " already exists: model_seq_id is already in use in this session"));
  }
  return true;
}

EntryPtr new_model_entry(App& app, Exchange* ex, const std::string& model_id,
                         const std::string& session_id, int64_t model_seq_id, uint64_t digest,
                         const char* created_by) {
  EntryPtr e = app.models.add(model_id);
  e->user = ex->user;
  e->session_id = session_id;
  e->model_seq_id = model_seq_id;
  e->created_ms = app.loop.now_ms();
  e->last_request_unix = e->last_request_written = unix_now();
  e->created_by = created_by;
  e->create_digest = digest;
  const cJSON* md = json::get(ex->json.get(), "user_metadata");
  e->user_metadata = md != nullptr && cJSON_IsObject(md) ? json::clone(md) : json::new_object();
  // The creating request is the lane's seq 0; the client's training requests start at 1.
  app.jobs.open_lane(model_id, 0);
  return e;
}

void install_model(const EntryPtr& e, std::unique_ptr<tinker::emu::Model> m) {
  std::lock_guard<std::mutex> lock(e->mu);
  e->model = std::move(m);
}

// The run's record as the creating request leaves it (state creating).
RunRecord run_record(const ModelEntry& e) {
  RunRecord r;
  r.id = e.id;
  r.user = e.user;
  r.session_id = e.session_id;
  r.model_seq_id = e.model_seq_id;
  r.created_by = e.created_by;
  if (e.config_known) {
    r.config = e.config;
  } else {
    r.config.base.name.clear();  // create-via-load: known once the checkpoint is read
  }
  r.user_metadata = json::dump(e.user_metadata.get());
  r.created_unix = r.last_request_unix = e.last_request_unix;
  return r;
}

void submit_create(App& app, Exchange* ex, const EntryPtr& e, const char* kind, JobFn run,
                   std::function<void()> on_success) {
  app.runs.add(run_record(*e));
  RunStore* runs = &app.runs;
  JobSpec spec;
  spec.user = ex->user;
  spec.kind = kind;
  spec.ordering_key = e->id;
  spec.seq = 0;
  spec.run = std::move(run);
  spec.on_finish = [e, on_success, runs](Job& job) {
    if (!job.result.failed && on_success) on_success();
    if (job.result.failed) {
      runs->remove(e->id);  // a failed creation made no run (every call answers not found)
    } else {
      runs->set_ready(e->id, e->config, unix_now());
    }
    if (e->state == ModelEntry::State::kCreating) {
      e->state = job.result.failed ? ModelEntry::State::kFailed : ModelEntry::State::kReady;
    }
  };
  e->create_request_id = app.jobs.submit(std::move(spec));
  reply_future(app, ex, e->create_request_id, e->id);
}

}  // namespace admission
}  // namespace emu
