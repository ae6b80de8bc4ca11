// Admission of model requests (protocol.md §2.2-§2.4, §6.1), shared by the training and the
// checkpoint handlers: finding the model a request names, checking its seq_id, queueing its
// job in the model's lane at that seq_id, and answering with the future. All of it runs on
// the loop thread, except the job-result helpers, with_model() and install_model(), which job
// bodies call on workers.
//
// Error conventions: a request whose addressing is unusable (no model_id / seq_id, bad JSON)
// gets a direct 400; an unknown model (or another user's) a direct 404. Everything wrong with
// an accepted request itself fails its future with category "user" (submit_user_error).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "emu_model/model.h"
#include "emu_model/status.h"
#include "exchange.h"
#include "jobs.h"
#include "json_body.h"
#include "models.h"

namespace emu {

class App;
struct Session;

namespace admission {

using EntryPtr = std::shared_ptr<ModelEntry>;

// ---- job results -------------------------------------------------------------------------

// A failed job result carrying the model library's message and category.
JobResult from_status(const tinker::emu::Status& st);
// A failed job result of category "user".
JobResult user_failure(const std::string& message);
// A JSON job result holding `o` printed compactly.
JobResult json_result(const cJSON* o);

// ---- answering ---------------------------------------------------------------------------

// Answers 200 {"request_id", "model_id"?} (model_id left out when empty).
void reply_future(App& app, Exchange* ex, const std::string& request_id,
                  const std::string& model_id);

// ---- model lookup ------------------------------------------------------------------------

// The model `model_id` if the caller may use it; otherwise answers 404 and returns null.
EntryPtr model_for(App& app, Exchange* ex, const std::string& model_id);

// Runs `fn(model)` with the model locked (worker side); a user error when the model is gone.
template <class F>
JobResult with_model(const EntryPtr& e, const std::string& model_id, F fn) {
  std::lock_guard<std::mutex> lock(e->mu);
  if (!e->model) {
    return user_failure("model " + model_id +
                        " is not available (it was unloaded or could not be created)");
  }
  return fn(*e->model);
}

// ---- seq_id admission (§6.1) ---------------------------------------------------------------

// The (model_id, seq_id) addressing of a JSON training request; answers 400 when unusable.
bool json_addressing(App& app, Exchange* ex, std::string* model_id, int64_t* seq);

// True when the request has been answered by its seq_id: an identical resubmission gets the
// original answer, any other reuse (or a seq_id already passed) a 400 seq_id_reused.
bool answered_by_seq(App& app, Exchange* ex, ModelEntry& e, int64_t seq, uint64_t digest);

// Records what the submission at `seq` got, keeping the latest ModelTable::kSeqRecordsKept.
void remember_seq(ModelEntry& e, int64_t seq, SeqRecord rec);

// The digest of a request's path and body, for recognising identical resubmissions.
uint64_t digest_of(const Exchange* ex);

// A training request that passed addressing, model lookup and seq admission: what answering
// or queueing it needs.
struct Admitted {
  EntryPtr e;
  std::string model_id;
  int64_t seq = 0;
  uint64_t digest = 0;
};

// Model lookup and seq admission of a request addressed to (model_id, seq). False when the
// request has been answered (404, or its seq_id's earlier answer, or 400 seq_id_reused).
bool admit(App& app, Exchange* ex, const std::string& model_id, int64_t seq, Admitted* out);

// admit() for a JSON training request, addressed by its "model_id" and "seq_id".
bool admit_json(App& app, Exchange* ex, Admitted* out);

// Queues a training job in the model's lane at the request's seq and answers with its future.
void submit_training(App& app, Exchange* ex, const Admitted& a, const char* kind, JobFn run,
                     std::function<void(Job&)> on_finish = {});

// Answers an admitted request directly with `r`; its seq_id is still used up (the client
// moves on to the next one), so later requests do not wait for it.
void reject_admitted(App& app, Exchange* ex, const Admitted& a, Response r);

// Queues a job that fails with `message` (user) in the lane: for requests whose own content
// is wrong.
void submit_user_error(App& app, Exchange* ex, const Admitted& a, const char* kind,
                       const std::string& message);

// ---- model creation (create_model, and load_weights addressed by session) ------------------

// The session of a create request ("session_id", "model_seq_id"); answers 400/404.
Session* session_for(App& app, Exchange* ex, std::string* session_id, int64_t* model_seq_id);

// The checks every model-creating request starts with: its session, user_metadata and
// base_model (of a cJSON type in `base_model_types`); answers 400 or 404 when one fails.
bool create_request_ok(App& app, Exchange* ex, int base_model_types, std::string* session_id,
                       int64_t* model_seq_id);

// True when a model with this id already exists: an identical retry of its creating request
// gets the same future, anything else a 400.
bool answered_existing_model(App& app, Exchange* ex, const std::string& model_id,
                             uint64_t digest);

// Registers a new model (state creating) and opens its lane, whose seq 0 is the creating job.
EntryPtr new_model_entry(App& app, Exchange* ex, const std::string& model_id,
                         const std::string& session_id, int64_t model_seq_id, uint64_t digest,
                         const char* created_by);

// Hands a newly built model to its entry (worker side).
void install_model(const EntryPtr& e, std::unique_ptr<tinker::emu::Model> m);

// Queues the creating job of a new model as its lane's seq 0 and answers with its future. The
// model becomes ready or failed with the job; `on_success` (loop thread) records what the job
// learnt.
void submit_create(App& app, Exchange* ex, const EntryPtr& e, const char* kind, JobFn run,
                   std::function<void()> on_success = {});

}  // namespace admission
}  // namespace emu
