// The REST endpoints on checkpoints and sessions (protocol.md §2.4, §2.6, §7.14, §7.17):
// listing a run's or a user's checkpoints, deleting, publishing and unpublishing one, changing
// its TTL, assigning a session to a project, and reading a session (its training runs and
// samplers) or the list of the caller's sessions. All direct, on the loop thread; the routes
// and the request decoding are generated from the registry (api_routes.h).
//
// A checkpoint is addressed by its run and its id "<kind>/<name>", i.e. tinker://<run>/<id>.
// Only the owner may list or change checkpoints: another user's are "not found" (404), as
// unknown ones are, so nobody learns which paths exist. Publishing only widens who may *read*
// a checkpoint (load_weights, create_sampling_session, weights_info: can_read_checkpoint).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <vector>

#include "api_routes.h"
#include "app.h"

namespace emu {

namespace {

namespace wapi = ::tinker::wire::api;

// The listing limits of GET /api/v1/checkpoints.
constexpr int64_t kDefaultLimit = 100;
constexpr int64_t kMaxLimit = 1000;
// GET /api/v1/sessions pages by 20 unless told otherwise (the official client's default).
constexpr int64_t kDefaultSessionLimit = 20;

// RFC 3339 in UTC with microseconds, "2026-04-14T09:30:05.123456Z".
std::string rfc3339(double unix_seconds) {
  // A TTL may put an expiry past year 9999, which has no RFC 3339 form: such a checkpoint
  // reads as expiring at the last representable second, which no test run will reach.
  constexpr double kLast = 253402300799.0;  // 9999-12-31T23:59:59Z
  if (unix_seconds > kLast) unix_seconds = kLast;
  if (unix_seconds < 0) unix_seconds = 0;
  double whole = std::floor(unix_seconds);
  auto micros = static_cast<long>(std::lround((unix_seconds - whole) * 1e6));
  if (micros >= 1000000) {
    whole += 1;
    micros -= 1000000;
  }
  std::time_t t = static_cast<std::time_t>(whole);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
  return buf;
}

wapi::Checkpoint to_wire(const CheckpointRecord& r) {
  wapi::Checkpoint c;
  c.checkpoint_id = r.kind + "/" + r.name;
  c.checkpoint_type = r.kind == kTrainingKind ? "training" : "sampler";
  c.time = rfc3339(r.created_unix);
  c.tinker_path = r.tinker_path;
  c.size_bytes = r.size_bytes;
  c.is_public = r.is_public;
  if (r.expires_unix) c.expires_at = rfc3339(*r.expires_unix);
  return c;
}

// The caller's listed checkpoints (of one run when `run_id` is given), in save order.
// Listings leave out the ephemeral sampler checkpoints of unnamed saves: the server makes one
// per save_weights_and_get_sampling_client (an RL loop calls it every step) and the user never
// named them. They can still be addressed by id.
std::vector<CheckpointRecord> listed(App& app, const std::string& user, const std::string* run_id) {
  std::vector<CheckpointRecord> out;
  for (CheckpointRecord& r : app.checkpoints.list()) {
    if (r.owner != user || r.ephemeral) continue;
    if (run_id != nullptr && r.model_id != *run_id) continue;
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(),
            [](const CheckpointRecord& a, const CheckpointRecord& b) { return a.seq < b.seq; });
  return out;
}

// A non-negative decimal integer query parameter: `fallback` when absent, none when malformed.
std::optional<int64_t> query_int(const Exchange* ex, const char* name, int64_t fallback) {
  std::optional<std::string> v = ex->query_param(name);
  if (!v) return fallback;
  int64_t n = 0;
  const char* end = v->data() + v->size();
  auto [p, ec] = std::from_chars(v->data(), end, n);
  if (v->empty() || ec != std::errc() || p != end) return std::nullopt;
  return n;
}

// The limit and offset query parameters of a paged listing: false after answering 400 when
// either is malformed or out of range (limit 1..kMaxLimit, offset >= 0).
bool page_params(App& app, Exchange* ex, int64_t default_limit, int64_t* limit, int64_t* offset) {
  std::optional<int64_t> l = query_int(ex, "limit", default_limit);
  std::optional<int64_t> o = query_int(ex, "offset", 0);
  if (!l || *l < 1 || *l > kMaxLimit) {
    app.reply(ex, Response::bad_request("limit must be an integer from 1 to " + std::to_string(kMaxLimit)));
    return false;
  }
  if (!o || *o < 0) {
    app.reply(ex, Response::bad_request("offset must be an integer >= 0"));
    return false;
  }
  *limit = *l;
  *offset = *o;
  return true;
}

// The access_scope query parameter of the session reads: "owned" (also when absent) or
// "accessible"; false after answering 400 for anything else. Sessions cannot be shared, so the
// two scopes see the same sessions: the caller's own.
bool access_scope_ok(App& app, Exchange* ex) {
  std::optional<std::string> scope = ex->query_param("access_scope");
  if (!scope || *scope == "owned" || *scope == "accessible") return true;
  app.reply(ex, Response::bad_request("access_scope must be \"owned\" or \"accessible\" (got \"" + *scope + "\")"));
  return false;
}

// The tinker:// path of (run, checkpoint id); false after answering 400 for a malformed id.
bool checkpoint_path(App& app, Exchange* ex, const std::string& run_id, const std::string& id,
                     std::string* path) {
  std::string kind, name, err;
  if (!parse_checkpoint_id(id, &kind, &name, &err)) {
    app.reply(ex, Response::bad_request(err));
    return false;
  }
  *path = make_tinker_path(run_id, kind, name);
  return true;
}

void reply_ok(App& app, Exchange* ex) { app.reply(ex, Response::json(200, "{}")); }

void reply_not_found(App& app, Exchange* ex, const std::string& path) {
  app.reply(ex, Response::not_found("checkpoint " + path + " not found"));
}

void delete_checkpoint(App& app, Exchange* ex, const std::string& run_id, const std::string& id) {
  std::string path;
  if (!checkpoint_path(app, ex, run_id, id, &path)) return;
  if (app.checkpoints.remove(path, ex->user) != CheckpointStore::Change::kDone) {
    return reply_not_found(app, ex, path);
  }
  reply_ok(app, ex);
}

void set_public(App& app, Exchange* ex, const std::string& run_id, const std::string& id,
                bool is_public) {
  std::string path;
  if (!checkpoint_path(app, ex, run_id, id, &path)) return;
  switch (app.checkpoints.set_public(path, ex->user, is_public)) {
    case CheckpointStore::Change::kDone:
      return reply_ok(app, ex);
    case CheckpointStore::Change::kConflict:
      return app.reply(ex, Response::error(409,
                                           "checkpoint " + path + " is already " +
                                               (is_public ? "public" : "private"),
                                           "conflict"));
    case CheckpointStore::Change::kNotFound:
      break;
  }
  reply_not_found(app, ex, path);
}

}  // namespace

// GET /api/v1/training_runs/{training_run_id}/checkpoints: the whole list, one page.
void handle_list_checkpoints(App& app, Exchange* ex, const std::string& training_run_id) {
  // The run is the model (protocol.md §8); one the caller does not own does not exist for it.
  std::shared_ptr<ModelEntry> run = app.models.find(training_run_id);
  if (!run || run->user != ex->user) {
    return app.reply(ex, Response::not_found("training run " + training_run_id + " not found"));
  }
  wapi::CheckpointList out;
  for (const CheckpointRecord& r : listed(app, ex->user, &training_run_id)) out.checkpoints.push_back(to_wire(r));
  auto n = static_cast<int64_t>(out.checkpoints.size());
  out.offset = 0;
  out.limit = n;
  out.total_count = n;
  app.reply(ex, Response::json(200, wapi::encode_json(out)));
}

// GET /api/v1/checkpoints?limit=&offset=: the caller's checkpoints over all runs, newest first.
void handle_list_user_checkpoints(App& app, Exchange* ex) {
  int64_t limit = 0, offset = 0;
  if (!page_params(app, ex, kDefaultLimit, &limit, &offset)) return;
  std::vector<CheckpointRecord> all = listed(app, ex->user, nullptr);
  std::reverse(all.begin(), all.end());
  wapi::CheckpointList out;
  auto total = static_cast<int64_t>(all.size());
  for (int64_t i = offset; i < total && i - offset < limit; ++i) out.checkpoints.push_back(to_wire(all[i]));
  out.offset = offset;
  out.limit = limit;
  out.total_count = total;
  app.reply(ex, Response::json(200, wapi::encode_json(out)));
}

// DELETE /api/v1/training_runs/{training_run_id}/checkpoints/{checkpoint_id...}
void handle_delete_checkpoint(App& app, Exchange* ex, const std::string& training_run_id,
                              const std::string& checkpoint_id) {
  delete_checkpoint(app, ex, training_run_id, checkpoint_id);
}

// POST …/checkpoints/{checkpoint_id...}/publish: readable by every user from now on.
void handle_publish_checkpoint(App& app, Exchange* ex, const std::string& training_run_id,
                               const std::string& checkpoint_id) {
  set_public(app, ex, training_run_id, checkpoint_id, true);
}

// DELETE …/checkpoints/{checkpoint_id...}/publish: the owner's alone again.
void handle_unpublish_checkpoint(App& app, Exchange* ex, const std::string& training_run_id,
                                 const std::string& checkpoint_id) {
  // DELETE .../checkpoints/weights/publish reaches this route with the id "weights" (the router
  // prefers the longer pattern), but it can only mean deleting the checkpoint named "publish":
  // a real id always has exactly one slash, so exactly one of the two readings is valid.
  if (checkpoint_id == kTrainingKind || checkpoint_id == kSamplerKind) {
    return delete_checkpoint(app, ex, training_run_id, checkpoint_id + "/publish");
  }
  set_public(app, ex, training_run_id, checkpoint_id, false);
}

// PUT …/checkpoints/{checkpoint_id...}/ttl {"ttl_seconds": int > 0 or null}: null never
// expires; an int expires that many seconds from now (the store's expiry then deletes it).
void handle_set_checkpoint_ttl(App& app, Exchange* ex, const wapi::SetCheckpointTtlRequest& req,
                               const std::string& training_run_id, const std::string& checkpoint_id) {
  std::string path;
  if (!checkpoint_path(app, ex, training_run_id, checkpoint_id, &path)) return;
  std::optional<double> expires;
  if (req.ttl_seconds) {
    // The request's decoder already refuses values below 1 (a 400 naming the field and its
    // range); the rule is kept here too because the handler is what relies on it.
    if (*req.ttl_seconds <= 0) {
      return app.reply(ex, Response::bad_request("ttl_seconds must be an integer > 0, or null to remove the TTL (got " +
                                                 std::to_string(*req.ttl_seconds) + ")"));
    }
    expires = unix_now() + static_cast<double>(*req.ttl_seconds);
  }
  if (app.checkpoints.set_expiry(path, ex->user, expires) != CheckpointStore::Change::kDone) {
    return reply_not_found(app, ex, path);
  }
  reply_ok(app, ex);
}

// PUT /api/v1/sessions/{session_id}/project {"project_id": str}
void handle_assign_session_project(App& app, Exchange* ex, const wapi::AssignSessionProjectRequest& req,
                                   const std::string& session_id) {
  if (req.project_id.empty()) return app.reply(ex, Response::bad_request("\"project_id\" (a non-empty string) is required"));
  Session* s = app.sessions.find(session_id);
  if (s == nullptr || s->user != ex->user) {
    return app.reply(ex, Response::not_found("session " + session_id + " not found"));
  }
  s->project_id = req.project_id;
  reply_ok(app, ex);
}

// GET /api/v1/sessions/{session_id}?access_scope=: the training runs (models made by
// create_model or create-via-load) and the samplers (sampling sessions, the unnamed
// save_weights_for_sampler's included) made in the session, each oldest first. A run whose
// creation failed is left out: every other call already treats it as not found (model_for).
// One still being created is in: its id is already the client's to use.
void handle_get_session(App& app, Exchange* ex, const std::string& session_id) {
  if (!access_scope_ok(app, ex)) return;
  const Session* s = app.sessions.find(session_id);
  if (s == nullptr || s->user != ex->user) {
    return app.reply(ex, Response::not_found("session " + session_id + " not found"));
  }
  // Only a session's owner may create in it, so the owner checks below never drop anything
  // today; they keep this answer from leaking another user's ids should that ever change.
  std::vector<const ModelEntry*> runs;
  for (const auto& [id, e] : app.models.all()) {
    if (e->session_id == session_id && e->user == ex->user && e->state != ModelEntry::State::kFailed) {
      runs.push_back(e.get());
    }
  }
  // The table is keyed by id, where ":train:10" sorts before ":train:2": order by creation.
  std::sort(runs.begin(), runs.end(), [](const ModelEntry* a, const ModelEntry* b) {
    return a->created_ms != b->created_ms ? a->created_ms < b->created_ms : a->model_seq_id < b->model_seq_id;
  });
  std::vector<SamplerEntry> samplers;
  for (SamplerEntry& e : app.samplers.list()) {
    if (e.session_id == session_id && e.user == ex->user) samplers.push_back(std::move(e));
  }
  std::stable_sort(samplers.begin(), samplers.end(), [](const SamplerEntry& a, const SamplerEntry& b) {
    return a.created_unix < b.created_unix;
  });
  wapi::Session out;
  for (const ModelEntry* e : runs) out.training_run_ids.push_back(e->id);
  for (const SamplerEntry& e : samplers) out.sampler_ids.push_back(e.id);
  app.reply(ex, Response::json(200, wapi::encode_json(out)));
}

// GET /api/v1/sessions?limit=&offset=&access_scope=: the caller's session ids, oldest first,
// one page. Unlike the checkpoint listing the answer has no cursor: a short page is the end.
void handle_list_sessions(App& app, Exchange* ex) {
  int64_t limit = 0, offset = 0;
  if (!page_params(app, ex, kDefaultSessionLimit, &limit, &offset)) return;
  if (!access_scope_ok(app, ex)) return;
  std::vector<std::string> all = app.sessions.ids_of(ex->user);
  wapi::SessionList out;
  auto total = static_cast<int64_t>(all.size());
  for (int64_t i = offset; i < total && i - offset < limit; ++i) out.sessions.push_back(std::move(all[i]));
  app.reply(ex, Response::json(200, wapi::encode_json(out)));
}

}  // namespace emu
