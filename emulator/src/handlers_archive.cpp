// GET /api/v1/training_runs/{training_run_id}/checkpoints/{checkpoint_id...}/archive
// (protocol.md §2.4; docs/emulator.md "Checkpoint archives"): a .tar.gz of the checkpoint, built
// on a worker the first time it is asked for. While it is being built the answer is 503 (the
// SDK waits and asks again); once built, 302 with Location: a signed, expiring URL the emulator
// serves itself (handlers_downloads.cpp) and Expires: that URL's expiry as an HTTP date. The
// official client sends Accept: application/json yet reads the 302, so the 302 is always the
// answer; its body is the same in JSON ({"url", "expires"}).
//
// Who may have it: whoever may read the checkpoint (its owner, anyone once it is published);
// anyone else gets 404, as for an unknown checkpoint. An archive is kept for the checkpoint's
// save: saving over the checkpoint makes the next request build a new one.
#include <cctype>
#include <cmath>
#include <cstdio>

#include "api_routes.h"
#include "app.h"
#include "emu_model/checkpoint.h"
#include "ids.h"
#include "rest_common.h"
#include "tar_gz.h"
#include "wire/time_text.h"

namespace emu {

namespace {

namespace mdl = ::tinker::emu;
namespace wapi = ::tinker::wire::api;

// What the archive's metadata.json says about the checkpoint.
std::string metadata_json(const CheckpointRecord& r) {
  json::Ptr o = json::new_object();
  cJSON_AddStringToObject(o.get(), "tinker_path", r.tinker_path.c_str());
  cJSON_AddStringToObject(o.get(), "training_run_id", r.model_id.c_str());
  cJSON_AddStringToObject(o.get(), "checkpoint_id", (r.kind + "/" + r.name).c_str());
  cJSON_AddStringToObject(o.get(), "checkpoint_type", r.kind == kTrainingKind ? "training" : "sampler");
  cJSON_AddStringToObject(o.get(), "time", tinker::wire::rfc3339(r.created_unix).c_str());
  cJSON_AddNumberToObject(o.get(), "size_bytes", static_cast<double>(r.size_bytes));
  cJSON_AddStringToObject(o.get(), "base_model", r.config.base.name.c_str());
  cJSON_AddBoolToObject(o.get(), "is_lora", 1);
  cJSON_AddNumberToObject(o.get(), "lora_rank", r.config.lora.rank);
  cJSON_AddBoolToObject(o.get(), "train_unembed", r.config.lora.train_unembed ? 1 : 0);
  cJSON_AddBoolToObject(o.get(), "train_mlp", r.config.lora.train_mlp ? 1 : 0);
  cJSON_AddBoolToObject(o.get(), "train_attn", r.config.lora.train_attn ? 1 : 0);
  cJSON_AddBoolToObject(o.get(), "has_optimizer", r.has_optimizer ? 1 : 0);
  cJSON_AddStringToObject(o.get(), "format", "tinker-emulator checkpoint (docs/emulator_model.md \"Checkpoints\")");
  return json::dump(o.get());
}

// Worker side: checkpoint.ckpt (the checkpoint file as saved) and metadata.json, into `out_file`.
bool write_archive(const CheckpointRecord& r, const std::string& out_file, std::string* error) {
  std::string bytes;
  mdl::Status st = mdl::read_whole_file(r.file, &bytes);
  if (!st.is_ok()) {
    *error = "cannot read the checkpoint: " + st.message();
    return false;
  }
  auto mtime = static_cast<int64_t>(r.created_unix);
  std::string gz;
  if (!make_tar_gz({{"checkpoint.ckpt", std::move(bytes), mtime}, {"metadata.json", metadata_json(r), mtime}},
                   &gz, error)) {
    return false;
  }
  std::string dir = out_file.substr(0, out_file.rfind('/'));
  if (!make_dirs(dir, error)) return false;
  st = mdl::write_file_atomically(out_file, gz);
  if (!st.is_ok()) *error = st.message();
  return st.is_ok();
}

// A file name for Content-Disposition: the path's parts, anything unusual as '_'.
std::string download_name(const CheckpointRecord& r) {
  std::string n = r.model_id + "-" + r.kind + "-" + r.name;
  for (char& c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') c = '_';
  }
  return n + ".tar.gz";
}

// The worker is done: the archive is ready (or failed) once the build time setting has passed
// since the first request, so that tests can watch the 503s.
void finish_build(App& app, const std::string& path, uint64_t generation, bool ok, const std::string& error,
                  const std::string& file, const std::string& name) {
  Export* e = app.archives.current(path, generation);
  if (e == nullptr) {  // replaced meanwhile (a newer save): this archive is stale
    std::remove(file.c_str());
    return;
  }
  if (ok) {
    e->token = app.downloads.add(Downloads::File{file, "application/gzip", name});
    e->state = Export::State::kReady;
  } else {
    e->error = error;
    e->state = Export::State::kFailed;
  }
}

void start_build(App& app, const CheckpointRecord& rec) {
  Export& e = app.archives.start(rec.tinker_path);
  e.version = rec.seq;
  const double ready_at_ms = app.loop.now_ms() + static_cast<double>(app.settings.archive_build_ms);
  std::string file = app.downloads.dir() + "/archive-" + random_hex(8) + ".tar.gz";
  App* a = &app;
  uint64_t generation = e.generation;
  app.workers.submit([a, rec, file, generation, ready_at_ms] {
    std::string error;
    bool ok = write_archive(rec, file, &error);
    a->loop.post([a, path = rec.tinker_path, generation, ok, error, file, name = download_name(rec), ready_at_ms] {
      auto wait = static_cast<int64_t>(std::ceil(ready_at_ms - a->loop.now_ms()));
      auto done = [a, path, generation, ok, error, file, name] { finish_build(*a, path, generation, ok, error, file, name); };
      if (wait > 0) {
        a->loop.after(wait, done);
      } else {
        done();
      }
    });
  });
}

void reply_building(App& app, Exchange* ex, const std::string& path) {
  Response r = Response::error(503, "the archive of " + path + " is being prepared; ask again shortly",
                               "archive_pending");
  r.headers.emplace_back("Retry-After", "1");
  app.reply(ex, std::move(r));
}

void answer_archive(App& app, Exchange* ex, const std::string& training_run_id, const std::string& checkpoint_id,
                    double hold_until_ms) {
  auto not_yet = [&](const std::string& path) {
    auto again = [&app, ex, training_run_id, checkpoint_id, hold_until_ms] {
      answer_archive(app, ex, training_run_id, checkpoint_id, hold_until_ms);
    };
    if (!ask_again_shortly(app, hold_until_ms, again)) reply_building(app, ex, path);
  };
  std::string path;
  if (!checkpoint_path(app, ex, training_run_id, checkpoint_id, &path)) return;
  std::optional<CheckpointRecord> rec = app.checkpoints.lookup(path);
  if (!rec || !can_read_checkpoint(*rec, ex->user, "")) {
    return app.reply(ex, Response::not_found("checkpoint " + path + " not found"));
  }
  Export* e = app.archives.find(path);
  if (e != nullptr && e->version != rec->seq) {  // saved over since: build the new one
    if (!e->token.empty()) app.downloads.remove(e->token);
    app.archives.forget(path);
    e = nullptr;
  }
  if (e == nullptr) {
    start_build(app, *rec);
    return not_yet(path);
  }
  switch (e->state) {
    case Export::State::kWorking:
      return not_yet(path);
    case Export::State::kFailed: {
      std::string error = e->error;
      app.archives.forget(path);  // the next request tries again
      return app.reply(ex, Response::error(500, "the archive of " + path + " could not be built: " + error,
                                           "archive_failed"));
    }
    case Export::State::kReady:
      break;
  }
  const auto expires = static_cast<int64_t>(std::floor(unix_now())) + app.settings.download_url_ttl_sec;
  wapi::CheckpointArchiveUrl out;
  out.url = absolute_url(app, ex, app.downloads.signed_path(e->token, expires));
  out.expires = tinker::wire::rfc3339_seconds(expires);
  app.audit.record(ex->user, AuditRecord{unix_now(), audit_event::kCheckpointArchiveDownload, rec->model_id,
                                         path, std::string("archive")});
  Response r = Response::json(302, wapi::encode_json(out));
  r.headers.emplace_back("Location", out.url);
  r.headers.emplace_back("Expires", tinker::wire::http_date(expires));
  app.reply(ex, std::move(r));
}

}  // namespace

void handle_get_checkpoint_archive_url(App& app, Exchange* ex, const std::string& training_run_id,
                                       const std::string& checkpoint_id) {
  const bool hold = app.settings.archive_build_ms == 0;
  answer_archive(app, ex, training_run_id, checkpoint_id, hold ? app.loop.now_ms() + kPreparedFileHoldMs : 0);
}

}  // namespace emu
