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
#include <optional>
#include <vector>

#include "api_routes.h"
#include "app.h"
#include "rest_common.h"

namespace emu {

namespace {

namespace wapi = ::tinker::wire::api;

// The default page sizes: GET /api/v1/checkpoints 100, GET /api/v1/sessions 20 (the official
// client's defaults).
constexpr int64_t kDefaultLimit = 100;
constexpr int64_t kDefaultSessionLimit = 20;

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
  // Its record, not the live model: a run's checkpoints outlive an emulator restart.
  std::optional<RunRecord> run = app.runs.find(training_run_id);
  if (!run || run->user != ex->user) {
    return app.reply(ex, Response::not_found("training run " + training_run_id + " not found"));
  }
  wapi::CheckpointList out;
  for (const CheckpointRecord& r : listed_checkpoints(app, ex->user, &training_run_id)) out.checkpoints.push_back(checkpoint_to_wire(r));
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
  std::vector<CheckpointRecord> all = listed_checkpoints(app, ex->user, nullptr);
  std::reverse(all.begin(), all.end());
  wapi::CheckpointList out;
  auto total = static_cast<int64_t>(all.size());
  for (int64_t i = offset; i < total && i - offset < limit; ++i) out.checkpoints.push_back(checkpoint_to_wire(all[i]));
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
  app.sessions.set_project(*s, req.project_id);
  reply_ok(app, ex);
}

// GET /api/v1/sessions/{session_id}?access_scope=: the training runs (models made by
// create_model or create-via-load) and the samplers (sampling sessions, the unnamed
// save_weights_for_sampler's included) made in the session, each oldest first. A run whose
// creation failed is left out: every other call already treats it as not found (model_for).
// One still being created is in: its id is already the client's to use.
void handle_get_session(App& app, Exchange* ex, const std::string& session_id) {
  // Sessions cannot be shared, so both scopes see the same sessions: the caller's own.
  bool accessible = false;
  if (!access_scope(app, ex, &accessible)) return;
  const Session* s = app.sessions.find(session_id);
  if (s == nullptr || s->user != ex->user) {
    return app.reply(ex, Response::not_found("session " + session_id + " not found"));
  }
  // From the stores, which outlive a restart. Only a session's owner may create in it, so the
  // owner checks below never drop anything today; they keep this answer from leaking another
  // user's ids should that ever change.
  wapi::Session out;
  for (const RunRecord& r : app.runs.of_session(session_id)) {
    if (r.user == ex->user) out.training_run_ids.push_back(r.id);
  }
  for (const SamplerEntry& e : app.samplers.of_session(session_id)) {
    if (e.user == ex->user) out.sampler_ids.push_back(e.id);
  }
  app.reply(ex, Response::json(200, wapi::encode_json(out)));
}

// GET /api/v1/sessions?limit=&offset=&access_scope=: the caller's session ids, oldest first,
// one page. Unlike the checkpoint listing the answer has no cursor: a short page is the end.
void handle_list_sessions(App& app, Exchange* ex) {
  int64_t limit = 0, offset = 0;
  if (!page_params(app, ex, kDefaultSessionLimit, &limit, &offset)) return;
  bool accessible = false;  // both scopes: the caller's own sessions (see handle_get_session)
  if (!access_scope(app, ex, &accessible)) return;
  std::vector<std::string> all = app.sessions.ids_of(ex->user);
  wapi::SessionList out;
  auto total = static_cast<int64_t>(all.size());
  for (int64_t i = offset; i < total && i - offset < limit; ++i) out.sessions.push_back(std::move(all[i]));
  app.reply(ex, Response::json(200, wapi::encode_json(out)));
}

}  // namespace emu
