// Training runs (protocol.md §2.4, §7.15): GET /api/v1/training_runs/{training_run_id} and
// GET /api/v1/training_runs?limit=&offset=&access_scope=[&project_id=]. Read from the run
// records (runs.h), which outlive a restart, and the checkpoint store.
//
// Who sees a run: its owner, always. With access_scope=accessible also every other user, once
// the run has at least one published checkpoint (that is what the owner shared); such a user
// sees only the published checkpoints as last_checkpoint / last_sampler_checkpoint. Otherwise
// another user's run is a 404 exactly like an unknown one. A run whose creation failed does not
// exist; one still being created is not shown until it is ready (its base model may not be
// known yet).
#include <map>
#include <optional>

#include "api_routes.h"
#include "app.h"
#include "rest_common.h"
#include "wire/time_text.h"

namespace emu {

namespace {

namespace wapi = ::tinker::wire::api;

constexpr int64_t kDefaultRunLimit = 20;  // the official client's default page

// What the checkpoints say about one run, as one user may see them.
struct RunCheckpoints {
  std::optional<CheckpointRecord> last_training;
  std::optional<CheckpointRecord> last_sampler;
  bool has_public = false;
};

// Per run: the newest training and sampler checkpoints (by save order; the ephemeral ones of
// unnamed saves left out, as in the listings) and whether any is published. A user that does
// not own a run sees only its published checkpoints.
std::map<std::string, RunCheckpoints> checkpoints_by_run(App& app, const std::string& user) {
  std::map<std::string, RunCheckpoints> out;
  for (CheckpointRecord& r : app.checkpoints.list()) {
    if (r.ephemeral) continue;
    RunCheckpoints& rc = out[r.model_id];
    if (r.is_public) rc.has_public = true;
    if (r.owner != user && !r.is_public) continue;
    std::optional<CheckpointRecord>& slot = r.kind == kTrainingKind ? rc.last_training : rc.last_sampler;
    if (!slot || slot->seq < r.seq) slot = std::move(r);
  }
  return out;
}

bool visible(const RunRecord& run, const std::string& user, bool accessible,
             const std::map<std::string, RunCheckpoints>& ckpts) {
  if (!run.ready) return false;
  if (run.user == user) return true;
  auto it = ckpts.find(run.id);
  return accessible && it != ckpts.end() && it->second.has_public;
}

// The run's user_metadata as {str: str} (§7.15): the object its creating request gave
// (create_model, create-via-load; not the session's), strings as they are, other JSON values as
// their JSON text, since create_model accepts any object.
tinker_metadata metadata_of(const std::string& json_text) {
  tinker_metadata out;
  json::Ptr md = parse_body(json_text, nullptr);
  for (const cJSON* v = md && cJSON_IsObject(md.get()) ? md->child : nullptr; v != nullptr; v = v->next) {
    out.values[v->string] = cJSON_IsString(v) ? std::string(v->valuestring) : json::dump(v);
  }
  return out;
}

wapi::TrainingRun to_wire(App& app, const RunRecord& run, const std::map<std::string, RunCheckpoints>& ckpts) {
  wapi::TrainingRun t;
  t.training_run_id = run.id;
  t.base_model = run.config.base.name;
  t.model_owner = run.user;
  t.is_lora = true;
  t.corrupted = false;
  t.lora_rank = run.config.lora.rank;
  // The live model knows the latest request to the second; the record may lag by up to one.
  double last = run.last_request_unix;
  if (std::shared_ptr<ModelEntry> e = app.models.find(run.id); e && e->last_request_unix > last) {
    last = e->last_request_unix;
  }
  t.last_request_time = tinker::wire::rfc3339(last);
  auto it = ckpts.find(run.id);
  if (it != ckpts.end()) {
    if (it->second.last_training) t.last_checkpoint = checkpoint_to_wire(*it->second.last_training);
    if (it->second.last_sampler) t.last_sampler_checkpoint = checkpoint_to_wire(*it->second.last_sampler);
  }
  t.user_metadata = metadata_of(run.user_metadata);
  return t;
}

}  // namespace

// GET /api/v1/training_runs/{training_run_id}?access_scope=owned|accessible
void handle_get_training_run(App& app, Exchange* ex, const std::string& training_run_id) {
  bool accessible = false;
  if (!access_scope(app, ex, &accessible)) return;
  std::optional<RunRecord> run = app.runs.find(training_run_id);
  std::map<std::string, RunCheckpoints> ckpts = checkpoints_by_run(app, ex->user);
  if (!run || !visible(*run, ex->user, accessible, ckpts)) {
    return app.reply(ex, Response::not_found("training run " + training_run_id + " not found"));
  }
  app.reply(ex, Response::json(200, wapi::encode_json(to_wire(app, *run, ckpts))));
}

// GET /api/v1/training_runs?limit=20&offset=0&access_scope=owned[&project_id=p]: newest first,
// one page, with the cursor (total_count counts every visible run). project_id keeps the runs
// made in sessions of that project (absent or empty: every project).
void handle_list_training_runs(App& app, Exchange* ex) {
  int64_t limit = 0, offset = 0;
  if (!page_params(app, ex, kDefaultRunLimit, &limit, &offset)) return;
  bool accessible = false;
  if (!access_scope(app, ex, &accessible)) return;
  std::optional<std::string> project = ex->query_param("project_id");
  if (project && project->empty()) project.reset();

  std::map<std::string, RunCheckpoints> ckpts = checkpoints_by_run(app, ex->user);
  std::vector<RunRecord> all;
  for (RunRecord& r : app.runs.ready(accessible ? std::nullopt : std::optional<std::string>(ex->user))) {
    if (!visible(r, ex->user, accessible, ckpts)) continue;
    if (project && r.project_id != project) continue;
    all.push_back(std::move(r));
  }
  wapi::TrainingRunList out;
  auto total = static_cast<int64_t>(all.size());
  for (int64_t i = offset; i < total && i - offset < limit; ++i) out.training_runs.push_back(to_wire(app, all[i], ckpts));
  out.offset = offset;
  out.limit = limit;
  out.total_count = total;
  app.reply(ex, Response::json(200, wapi::encode_json(out)));
}

}  // namespace emu
