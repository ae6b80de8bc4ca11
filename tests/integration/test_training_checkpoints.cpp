// Checkpoints of training runs (protocol.md §6.6, §6.7, §8): save_state (T5), load_state /
// load_state_with_optimizer (T6, T7), save_weights_for_sampler (T8), create_sampling_client
// (T10), save_weights_and_get_sampling_client (T11) and its sampler's base model (P3), and
// training clients created from a checkpoint (S3, S4), including the create-via-load form of
// client_config create_model_via_load_weights. The emulator's model restores bit for bit, so
// restored runs must give exactly the outputs of the original.
#include "harness.h"

#include <cjson/cJSON.h>

#include <cmath>
#include <string>
#include <vector>

using namespace itest;

namespace {

tinker_service_client_t* service(int64_t budget_ms = 3000) {
  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_retry_budget_ms(o, budget_ms), TINKER_OK);
  return new_client(o);
}

void batch(TrainBatch* b) {
  b->add_text("the log was by the fire.");
  b->add_text("a cat sat on the log.", 0.5f);
}

// A run trained for two steps (so its weights and Adam moments are not the initial ones).
tinker_training_client_t* trained_run(tinker_service_client_t* c, const TrainBatch& b, int64_t seed = 1) {
  tinker_training_client_t* tc = new_training_client(c, 8, seed);
  for (int i = 0; i < 2; ++i) {
    forward_backward(tc, b);
    optim_step(tc, 0.05);
  }
  return tc;
}

// save_state, blocking or _async; the path.
// S3 / S4, blocking or _async; asserts success; the new client (tracked).
tinker_training_client_t* from_state(tinker_service_client_t* c, const std::string& path, bool optimizer, bool async) {
  tinker_training_client_t* tc = nullptr;
  if (!async) {
    tinker_status_t s = optimizer ? tinker_service_client_create_training_client_from_state_with_optimizer(
                                        c, path.c_str(), nullptr, nullptr, nullptr, &tc)
                                  : tinker_service_client_create_training_client_from_state(c, path.c_str(), nullptr,
                                                                                            nullptr, nullptr, &tc);
    assert_status(s, TINKER_OK, tinker_last_error());
  } else {
    tinker_future_t* f = nullptr;
    tinker_status_t s = optimizer ? tinker_service_client_create_training_client_from_state_with_optimizer_async(
                                        c, path.c_str(), nullptr, nullptr, nullptr, &f)
                                  : tinker_service_client_create_training_client_from_state_async(
                                        c, path.c_str(), nullptr, nullptr, nullptr, &f);
    Outcome o = async_outcome(s, &f);
    assert_status(o.status, TINKER_OK, nullptr);
    assert_status(tinker_future_take_training_client(f, &tc), TINKER_OK, tinker_last_error());
  }
  assert_non_null(tc);
  return track_training(tc);
}

// One more identical step on a run; its forward outputs afterwards.
FbResult step_then_forward(tinker_training_client_t* tc, const TrainBatch& b) {
  forward_backward(tc, b);
  optim_step(tc, 0.05);
  return forward(tc, b);
}

std::string model_id(tinker_training_client_t* tc) { return tinker_training_client_model_id(tc); }

}  // namespace

// §6.6, §8: save_state's path is tinker://<model_id>/weights/<name>; it takes the next seq_id.
static void save_state_returns_the_weights_path(bool async) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  batch(&b);
  forward_backward(tc, b);
  std::string path = save_state(tc, "first-save", async);
  assert_string_equal(path.c_str(), ("tinker://" + model_id(tc) + "/weights/first-save").c_str());
  auto saves = model_log(model_id(tc), "/api/v1/save_weights");
  assert_int_equal(saves.size(), 1);
  assert_int_equal(saves[0].seq_id, 2);
}
static void save_state_blocking_returns_the_weights_path(void**) { save_state_returns_the_weights_path(false); }
static void save_state_async_returns_the_weights_path(void**) { save_state_returns_the_weights_path(true); }

// S3 (§6.7): weights_info → create_model (the checkpoint's base model and rank) → load_weights
// (seq_id 1 of the new run); the new run's outputs equal the original's at the save, and its
// own operations continue at seq_id 2.
static void create_from_state_restores_identical_outputs(bool async) {
  tinker_service_client_t* c = service();
  TrainBatch b;
  batch(&b);
  tinker_training_client_t* a = trained_run(c, b);
  std::string path = save_state(a, "restore-me", false);
  FbResult saved = forward(a, b);
  clear_log();

  tinker_training_client_t* r = from_state(c, path, false, async);
  assert_string_not_equal(model_id(r).c_str(), model_id(a).c_str());
  std::vector<std::string> seen;
  for (const auto& e : request_log())
    if (e.path != "/api/v1/retrieve_future") seen.push_back(e.path);
  assert_true(seen ==
              std::vector<std::string>({"/api/v1/weights_info", "/api/v1/create_model", "/api/v1/load_weights"}));
  auto loads = model_log(model_id(r), "/api/v1/load_weights");
  assert_int_equal(loads.size(), 1);
  assert_int_equal(loads[0].seq_id, 1);
  EmuModel m = emulator_model(model_id(r));
  assert_int_equal(m.lora_rank, 8);
  assert_string_equal(m.base_model.c_str(), kTinyModel);

  FbResult restored = forward(r, b);
  assert_same_logprobs(restored, saved, 0.0);
  assert_true(restored.metric("loss:sum") == saved.metric("loss:sum"));
  auto fwd = model_log(model_id(r), "/api/v1/forward_backward");
  assert_int_equal(fwd.size(), 1);
  assert_int_equal(fwd[0].seq_id, 2);
}
static void create_from_state_blocking_restores_identical_outputs(void**) {
  create_from_state_restores_identical_outputs(false);
}
static void create_from_state_async_restores_identical_outputs(void**) {
  create_from_state_restores_identical_outputs(true);
}

// S4 (§6.7): restoring with the optimizer state makes the next step exactly the step the
// uninterrupted run takes; restoring weights only (fresh Adam moments) does not.
static void create_from_state_with_optimizer_continues_like_the_uninterrupted_run(bool async) {
  tinker_service_client_t* c = service();
  TrainBatch b;
  batch(&b);
  tinker_training_client_t* a = trained_run(c, b);
  std::string path = save_state(a, "resume", false);
  tinker_training_client_t* with_opt = from_state(c, path, true, async);
  tinker_training_client_t* weights_only = from_state(c, path, false, async);

  FbResult original = step_then_forward(a, b);
  FbResult resumed = step_then_forward(with_opt, b);
  FbResult fresh_adam = step_then_forward(weights_only, b);
  assert_same_logprobs(resumed, original, 0.0);
  assert_true(max_logprob_diff(fresh_adam, original) > 1e-6);
}
static void create_from_state_with_optimizer_blocking_continues_like_the_uninterrupted_run(void**) {
  create_from_state_with_optimizer_continues_like_the_uninterrupted_run(false);
}
static void create_from_state_with_optimizer_async_continues_like_the_uninterrupted_run(void**) {
  create_from_state_with_optimizer_continues_like_the_uninterrupted_run(true);
}

// T6 / T7: load_state into an existing run gives the checkpoint's outputs (its own adapter is
// replaced); load_state_with_optimizer also restores Adam, so the next step equals the original
// run's. Blocking and _async; the result reports the loaded path.
static void load_state_into_an_existing_client(void**) {
  tinker_service_client_t* c = service();
  TrainBatch b;
  batch(&b);
  tinker_training_client_t* a = trained_run(c, b);
  std::string path = save_state(a, "to-load", true);
  FbResult saved = forward(a, b);

  tinker_training_client_t* d = new_training_client(c, 8, 77);  // another seed: other weights
  tinker_training_client_t* e = new_training_client(c, 8, 78);
  forward_backward(d, b);
  optim_step(d, 0.05);
  assert_true(max_logprob_diff(forward(d, b), saved) > 1e-6);

  tinker_load_result_t* lr = nullptr;
  assert_status(tinker_training_client_load_state(d, path.c_str(), nullptr, &lr), TINKER_OK, tinker_last_error());
  assert_string_equal(tinker_load_result_path(lr), path.c_str());
  tinker_load_result_free(lr);
  assert_same_logprobs(forward(d, b), saved, 0.0);

  tinker_future_t* f = nullptr;
  Outcome o = async_outcome(tinker_training_client_load_state_with_optimizer_async(e, path.c_str(), nullptr, &f), &f);
  assert_status(o.status, TINKER_OK, nullptr);
  lr = nullptr;
  assert_status(tinker_future_take_load_result(f, &lr), TINKER_OK, tinker_last_error());
  assert_string_equal(tinker_load_result_path(lr), path.c_str());
  tinker_load_result_free(lr);
  assert_same_logprobs(forward(e, b), saved, 0.0);

  FbResult original = step_then_forward(a, b);
  assert_same_logprobs(step_then_forward(e, b), original, 0.0);
  assert_true(max_logprob_diff(step_then_forward(d, b), original) > 1e-6);

  // The other two pairs: load_state_async and load_state_with_optimizer (blocking).
  tinker_training_client_t* g = new_training_client(c, 8, 79);
  tinker_training_client_t* h = new_training_client(c, 8, 80);
  f = nullptr;
  o = async_outcome(tinker_training_client_load_state_async(g, path.c_str(), nullptr, &f), &f);
  assert_status(o.status, TINKER_OK, nullptr);
  lr = nullptr;
  assert_status(tinker_training_client_load_state_with_optimizer(h, path.c_str(), nullptr, &lr), TINKER_OK,
                tinker_last_error());
  tinker_load_result_free(lr);
  assert_same_logprobs(forward(g, b), saved, 0.0);
  assert_same_logprobs(forward(h, b), saved, 0.0);
}

// T8 (§6.6, §8): save_weights_for_sampler's path is tinker://<model_id>/sampler_weights/<name>.
static void save_weights_for_sampler_returns_the_sampler_path(bool async) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  tinker_save_result_t* r = nullptr;
  if (!async) {
    assert_status(tinker_training_client_save_weights_for_sampler(tc, "for-sampling", 0, &r), TINKER_OK,
                  tinker_last_error());
  } else {
    tinker_future_t* f = nullptr;
    Outcome o = async_outcome(tinker_training_client_save_weights_for_sampler_async(tc, "for-sampling", 3600, &f), &f);
    assert_status(o.status, TINKER_OK, nullptr);
    assert_status(tinker_future_take_save_result(f, &r), TINKER_OK, tinker_last_error());
  }
  assert_string_equal(tinker_save_result_path(r),
                      ("tinker://" + model_id(tc) + "/sampler_weights/for-sampling").c_str());
  tinker_save_result_free(r);
  auto saves = model_log(model_id(tc), "/api/v1/save_weights_for_sampler");
  assert_int_equal(saves.size(), 1);
  assert_int_equal(saves[0].seq_id, 1);
}
static void save_weights_for_sampler_blocking_returns_the_sampler_path(void**) {
  save_weights_for_sampler_returns_the_sampler_path(false);
}
static void save_weights_for_sampler_async_returns_the_sampler_path(void**) {
  save_weights_for_sampler_returns_the_sampler_path(true);
}

// T11 (§6.6): one unnamed save_weights_for_sampler (a seq_id of the run, a
// sampling_session_seq_id of the session) gives a sampling client on the returned sampling
// session; no create_sampling_session.
static void save_weights_and_get_sampling_client_gives_a_sampling_session(bool async) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  tinker_sampling_client_t* sc = nullptr;
  if (!async) {
    assert_status(tinker_training_client_save_weights_and_get_sampling_client(tc, nullptr, &sc), TINKER_OK,
                  tinker_last_error());
  } else {
    tinker_future_t* f = nullptr;
    Outcome o = async_outcome(tinker_training_client_save_weights_and_get_sampling_client_async(tc, nullptr, &f), &f);
    assert_status(o.status, TINKER_OK, nullptr);
    assert_status(tinker_future_take_sampling_client(f, &sc), TINKER_OK, tinker_last_error());
  }
  track_sampling(sc);
  std::string sid = tinker_sampling_client_sampling_session_id(sc);
  assert_false(sid.empty());
  assert_true(sid.rfind(std::string(tinker_service_client_session_id(c)) + ":sample:", 0) == 0);
  HttpReply samplers = http("GET", "/_emulator/samplers");
  assert_true(contains(samplers.body, "\"" + sid + "\""));
  auto saves = model_log(model_id(tc), "/api/v1/save_weights_for_sampler");
  assert_int_equal(saves.size(), 1);
  assert_int_equal(saves[0].seq_id, 1);
  assert_int_equal(request_log("/api/v1/create_sampling_session").size(), 0);
}
static void save_weights_and_get_sampling_client_blocking_gives_a_sampling_session(void**) {
  save_weights_and_get_sampling_client_gives_a_sampling_session(false);
}
static void save_weights_and_get_sampling_client_async_gives_a_sampling_session(void**) {
  save_weights_and_get_sampling_client_gives_a_sampling_session(true);
}

// T10 (§5.5): create_sampling_session on a saved sampler checkpoint gives a sampling session of
// this client's session whose seq counter is the one unnamed sampler saves use, so a session made
// after save_weights_and_get_sampling_client (seq 0) is ":sample:1". The emulator's session
// samples from the checkpoint's weights.
static void create_sampling_client_opens_a_session_on_the_checkpoint(bool async) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  tinker_sampling_client_t* first = nullptr;
  assert_status(tinker_training_client_save_weights_and_get_sampling_client(tc, nullptr, &first), TINKER_OK,
                tinker_last_error());
  track_sampling(first);
  tinker_save_result_t* r = nullptr;
  assert_status(tinker_training_client_save_weights_for_sampler(tc, "to-sample", 0, &r), TINKER_OK,
                tinker_last_error());
  const std::string path = tinker_save_result_path(r);
  tinker_save_result_free(r);
  tinker_sampling_client_t* sc = nullptr;
  if (!async) {
    assert_status(tinker_training_client_create_sampling_client(tc, path.c_str(), nullptr, &sc), TINKER_OK,
                  tinker_last_error());
  } else {
    tinker_future_t* f = nullptr;
    Outcome o = async_outcome(tinker_training_client_create_sampling_client_async(tc, path.c_str(), nullptr, &f), &f);
    assert_status(o.status, TINKER_OK, nullptr);
    assert_status(tinker_future_take_sampling_client(f, &sc), TINKER_OK, tinker_last_error());
  }
  track_sampling(sc);
  const std::string session = tinker_service_client_session_id(c);
  assert_string_equal(tinker_sampling_client_sampling_session_id(first), (session + ":sample:0").c_str());
  assert_string_equal(tinker_sampling_client_sampling_session_id(sc), (session + ":sample:1").c_str());
  auto creates = request_log("/api/v1/create_sampling_session");
  assert_int_equal(creates.size(), 1);
  assert_int_equal(creates[0].status, 200);
  assert_string_equal(creates[0].session_id.c_str(), session.c_str());
  HttpReply samplers = http("GET", "/_emulator/samplers");
  assert_true(contains(samplers.body, "\"" + session + ":sample:1\""));
  assert_true(contains(samplers.body, "\"" + path + "\""));
}
static void create_sampling_client_blocking_opens_a_session_on_the_checkpoint(void**) {
  create_sampling_client_opens_a_session_on_the_checkpoint(false);
}
static void create_sampling_client_async_opens_a_session_on_the_checkpoint(void**) {
  create_sampling_client_opens_a_session_on_the_checkpoint(true);
}

// T10: a tinker:// path with no checkpoint behind it is the server's user error, with its
// message; no sampling client is made.
static void create_sampling_client_on_a_missing_checkpoint_is_a_user_error(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  const std::string missing = "tinker://" + model_id(tc) + "/sampler_weights/never-saved";
  for (int async = 0; async < 2; ++async) {
    tinker_sampling_client_t* sc = nullptr;
    Outcome o;
    if (!async) {
      o = blocking_outcome(tinker_training_client_create_sampling_client(tc, missing.c_str(), nullptr, &sc));
    } else {
      tinker_future_t* f = nullptr;
      o = async_outcome(tinker_training_client_create_sampling_client_async(tc, missing.c_str(), nullptr, &f), &f);
    }
    assert_int_not_equal(o.status, TINKER_OK);
    assert_int_equal(o.category, TINKER_ERROR_CATEGORY_USER);
    assert_true(contains(o.message, "not found"));
    assert_null(sc);
  }
}

// P3: the base model of a sampler, asked of the server (GET /api/v1/samplers/{id}) blocking and
// async; a sampler the server does not know is NOT_FOUND, an answer without base_model is
// DATA_LOSS, and *out is NULL after either.
static void get_base_model_asks_the_server(void**) {
  tinker_sampling_client_t* sc = nullptr;
  assert_status(tinker_training_client_save_weights_and_get_sampling_client(new_training_client(service()), nullptr, &sc),
                TINKER_OK, tinker_last_error());
  track_sampling(sc);
  const std::string path = std::string("/api/v1/samplers/") + tinker_sampling_client_sampling_session_id(sc);
  char* base = nullptr;
  assert_status(tinker_sampling_client_get_base_model(sc, &base), TINKER_OK, tinker_last_error());
  assert_string_equal(base, kTinyModel);
  tinker_free(base);
  tinker_future_t* f = nullptr;
  assert_status(async_outcome(tinker_sampling_client_get_base_model_async(sc, &f), &f).status, TINKER_OK, nullptr);
  assert_status(tinker_future_take_string(f, &base), TINKER_OK, tinker_last_error());
  assert_string_equal(base, kTinyModel);
  tinker_free(base);
  assert_int_equal(request_log(path).size(), 2);

  add_fault(R"({"path": ")" + path + R"(", "action": "status", "status": 404})");
  add_fault(R"({"path": ")" + path + R"(", "action": "status", "status": 200, "body": "{\"sampler_id\": \"x\"}"})");
  for (tinker_status_t want : {TINKER_E_NOT_FOUND, TINKER_E_DATA_LOSS}) {
    base = reinterpret_cast<char*>(&sc);  // not NULL: the failed call must clear it
    assert_status(tinker_sampling_client_get_base_model(sc, &base), want, tinker_last_error());
    assert_null(base);
  }
}

// T10: model_path must start with tinker://; anything else is TINKER_E_INVALID_ARGUMENT before
// any request.
static void create_sampling_client_needs_a_tinker_path(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  clear_log();
  for (const char* bad : {"/tmp/sampler_weights/x", "https://example.com/w", ""}) {
    tinker_sampling_client_t* sc = nullptr;
    assert_status(tinker_training_client_create_sampling_client(tc, bad, nullptr, &sc), TINKER_E_INVALID_ARGUMENT,
                  tinker_last_error());
    assert_null(sc);
    tinker_future_t* f = nullptr;
    assert_status(tinker_training_client_create_sampling_client_async(tc, bad, nullptr, &f), TINKER_E_INVALID_ARGUMENT,
                  tinker_last_error());
    assert_null(f);
  }
  sleep_ms(100);
  assert_int_equal(request_log().size(), 0);
}

// T5, §6.6: a name in use without overwrite gets a 409, which no retry can heal: the save fails
// TINKER_E_ALREADY_EXISTS after that one request; overwrite=1 replaces the checkpoint; the
// rejected saves' seq_ids do not hold up later operations.
static void duplicate_save_name_is_already_exists_at_once_and_overwrite_replaces(void**) {
  tinker_service_client_t* c = service(2000);
  TrainBatch b;
  batch(&b);
  tinker_training_client_t* tc = trained_run(c, b);
  std::string path = save_state(tc, "taken", false);  // seq 5
  FbResult at_first_save = forward(tc, b);            // seq 6

  tinker_save_result_t* r = nullptr;
  Outcome o = blocking_outcome(tinker_training_client_save_state(tc, "taken", 0, 0, &r));  // seq 7
  assert_null(r);
  assert_status(o.status, TINKER_E_ALREADY_EXISTS, nullptr);
  assert_int_equal(o.http_status, 409);
  auto conflicts = model_log(model_id(tc), "/api/v1/save_weights");
  size_t n409 = 0;
  for (const auto& e : conflicts) n409 += e.status == 409 && e.seq_id == 7;
  assert_int_equal(n409, 1);  // not retried

  tinker_future_t* f = nullptr;
  o = async_outcome(tinker_training_client_save_state_async(tc, "taken", 0, 0, &f), &f);  // seq 8
  assert_status(o.status, TINKER_E_ALREADY_EXISTS, nullptr);

  forward_backward(tc, b);  // seq 9: not held up
  optim_step(tc, 0.05);     // seq 10
  FbResult changed = forward(tc, b);
  assert_true(max_logprob_diff(changed, at_first_save) > 1e-6);
  std::string again = save_state(tc, "taken", false, 1);
  assert_string_equal(again.c_str(), path.c_str());
  // The checkpoint now holds the new weights.
  tinker_training_client_t* restored = from_state(c, path, false, false);
  assert_same_logprobs(forward(restored, b), changed, 0.0);
}

// §6.7: with client_config create_model_via_load_weights, S3/S4 send a single load_weights with
// session addressing (session_id, model_seq_id) — no weights_info, no create_model — and the
// run's id is <session_id>:train:<model_seq_id>; its operations start at seq_id 1.
static void create_via_load_weights_when_the_server_says_so(void**) {
  tinker_service_client_t* c1 = service();
  TrainBatch b;
  batch(&b);
  tinker_training_client_t* a = trained_run(c1, b);
  std::string path = save_state(a, "via-load", false);
  FbResult saved = forward(a, b);

  set_config("{\"client_config\": {\"create_model_via_load_weights\": true}}");
  tinker_service_client_t* c2 = service();
  assert_status(tinker_service_client_start_session(c2), TINKER_OK, tinker_last_error());
  set_config("{\"client_config\": {\"create_model_via_load_weights\": null}}");
  std::string sid = tinker_service_client_session_id(c2);
  clear_log();

  tinker_training_client_t* r = from_state(c2, path, false, false);
  tinker_training_client_t* ro = from_state(c2, path, true, true);
  assert_string_equal(model_id(r).c_str(), (sid + ":train:0").c_str());
  assert_string_equal(model_id(ro).c_str(), (sid + ":train:1").c_str());
  auto log = request_log();
  size_t loads = 0;
  for (const auto& e : log) {
    assert_string_not_equal(e.path.c_str(), "/api/v1/create_model");
    assert_string_not_equal(e.path.c_str(), "/api/v1/weights_info");
    if (e.path == "/api/v1/load_weights") {
      ++loads;
      assert_string_equal(e.session_id.c_str(), sid.c_str());
      assert_string_equal(e.model_id.c_str(), "");
      assert_int_equal(e.seq_id, -1);
    }
  }
  assert_int_equal(loads, 2);
  assert_string_equal(emulator_model(model_id(r)).created_by.c_str(), "load_weights");
  assert_string_equal(emulator_model(model_id(ro)).created_by.c_str(), "load_weights");

  assert_same_logprobs(forward(r, b), saved, 0.0);
  assert_same_logprobs(forward(ro, b), saved, 0.0);
  assert_int_equal(model_log(model_id(r), "/api/v1/forward_backward").at(0).seq_id, 1);
  FbResult original = step_then_forward(a, b);
  assert_same_logprobs(step_then_forward(ro, b), original, 0.0);
  assert_true(max_logprob_diff(step_then_forward(r, b), original) > 1e-6);
}

// §6.7: weights_access_token lets another account's credential authorise the read: a client of
// a second API key restores the first key's checkpoint with that key as the token (weights_info
// is asked with the token as the API key); without it the checkpoint is not found.
static void create_from_state_with_an_access_token_reads_another_accounts_checkpoint(void**) {
  tinker_service_client_t* owner = service();
  TrainBatch b;
  batch(&b);
  tinker_training_client_t* a = trained_run(owner, b);
  std::string path = save_state(a, "shared", false);
  FbResult saved = forward(a, b);

  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_api_key(o, "tml-another-account-0002"), TINKER_OK);
  tinker_service_client_t* other = new_client(o);
  tinker_training_client_t* denied = nullptr;
  Outcome no_token = blocking_outcome(
      tinker_service_client_create_training_client_from_state(other, path.c_str(), nullptr, nullptr, nullptr, &denied));
  assert_null(denied);
  assert_status(no_token.status, TINKER_E_NOT_FOUND, nullptr);

  clear_log();
  tinker_training_client_t* r = nullptr;
  assert_status(tinker_service_client_create_training_client_from_state(other, path.c_str(), nullptr, nullptr,
                                                                        api_key().c_str(), &r),
                TINKER_OK, tinker_last_error());
  track_training(r);
  auto info = request_log("/api/v1/weights_info");
  auto create = request_log("/api/v1/create_model");
  assert_int_equal(info.size(), 1);
  assert_int_equal(create.size(), 1);
  assert_string_not_equal(info[0].user.c_str(), create[0].user.c_str());  // asked as the owner
  assert_same_logprobs(forward(r, b), saved, 0.0);
}

// Lifetime in seconds (expires − created) of checkpoint `tinker_path` in the emulator's index;
// -1 when it never expires.
double checkpoint_ttl(const std::string& tinker_path) {
  HttpReply r = http("GET", "/_emulator/checkpoints");
  assert_int_equal(r.status, 200);
  cJSON* j = cJSON_Parse(r.body.c_str());
  assert_non_null(j);
  double ttl = -2;
  const cJSON* c;
  cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(j, "checkpoints")) {
    const cJSON* p = cJSON_GetObjectItemCaseSensitive(c, "tinker_path");
    if (!cJSON_IsString(p) || tinker_path != p->valuestring) continue;
    const cJSON* created = cJSON_GetObjectItemCaseSensitive(c, "created_unix");
    const cJSON* expires = cJSON_GetObjectItemCaseSensitive(c, "expires_unix");
    ttl = cJSON_IsNumber(expires) ? expires->valuedouble - created->valuedouble : -1;
  }
  cJSON_Delete(j);
  if (ttl == -2) {
    print_error("no checkpoint %s in %s\n", tinker_path.c_str(), r.body.c_str());
    fail();
  }
  return ttl;
}

// §8: ttl_seconds reaches the server for both kinds of save (0 = never expires, nothing sent).
static void save_ttl_reaches_the_server(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  tinker_save_result_t* r = nullptr;
  assert_status(tinker_training_client_save_state(tc, "short-lived", 3600, 0, &r), TINKER_OK, tinker_last_error());
  std::string a = tinker_save_result_path(r);
  tinker_save_result_free(r);
  assert_status(tinker_training_client_save_state(tc, "forever", 0, 0, &r), TINKER_OK, tinker_last_error());
  std::string b = tinker_save_result_path(r);
  tinker_save_result_free(r);
  assert_status(tinker_training_client_save_weights_for_sampler(tc, "sampler-ttl", 120, &r), TINKER_OK,
                tinker_last_error());
  std::string s = tinker_save_result_path(r);
  tinker_save_result_free(r);
  assert_true(std::fabs(checkpoint_ttl(a) - 3600) < 1e-3);
  assert_true(checkpoint_ttl(b) == -1);
  assert_true(std::fabs(checkpoint_ttl(s) - 120) < 1e-3);
}

// T5, T8: a name that is empty or contains '/', and a negative ttl, are TINKER_E_INVALID_ARGUMENT
// before any request; they use no seq_id (the next save is seq_id 1).
static void save_names_and_ttls_are_checked_before_any_request(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  clear_log();
  struct Bad {
    const char* name;
    int64_t ttl;
  } bad[] = {{"", 0}, {"a/b", 0}, {"fine", -1}};
  for (const Bad& x : bad) {
    tinker_save_result_t* r = nullptr;
    tinker_future_t* f = nullptr;
    assert_status(tinker_training_client_save_state(tc, x.name, x.ttl, 0, &r), TINKER_E_INVALID_ARGUMENT,
                  tinker_last_error());
    assert_status(tinker_training_client_save_state_async(tc, x.name, x.ttl, 0, &f), TINKER_E_INVALID_ARGUMENT,
                  tinker_last_error());
    assert_status(tinker_training_client_save_weights_for_sampler(tc, x.name, x.ttl, &r), TINKER_E_INVALID_ARGUMENT,
                  tinker_last_error());
    assert_status(tinker_training_client_save_weights_for_sampler_async(tc, x.name, x.ttl, &f),
                  TINKER_E_INVALID_ARGUMENT, tinker_last_error());
    assert_null(r);
    assert_null(f);
  }
  tinker_load_result_t* lr = nullptr;
  assert_status(tinker_training_client_load_state(tc, "weights/x", nullptr, &lr), TINKER_E_INVALID_ARGUMENT,
                tinker_last_error());
  sleep_ms(100);
  assert_int_equal(request_log().size(), 0);
  save_state(tc, "valid", false);
  assert_int_equal(model_log(model_id(tc), "/api/v1/save_weights").at(0).seq_id, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(save_state_blocking_returns_the_weights_path, training_setup, teardown),
      cmocka_unit_test_setup_teardown(save_state_async_returns_the_weights_path, training_setup, teardown),
      cmocka_unit_test_setup_teardown(create_from_state_blocking_restores_identical_outputs, training_setup, teardown),
      cmocka_unit_test_setup_teardown(create_from_state_async_restores_identical_outputs, training_setup, teardown),
      cmocka_unit_test_setup_teardown(create_from_state_with_optimizer_blocking_continues_like_the_uninterrupted_run,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(create_from_state_with_optimizer_async_continues_like_the_uninterrupted_run,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(load_state_into_an_existing_client, training_setup, teardown),
      cmocka_unit_test_setup_teardown(save_weights_for_sampler_blocking_returns_the_sampler_path, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(save_weights_for_sampler_async_returns_the_sampler_path, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(save_weights_and_get_sampling_client_blocking_gives_a_sampling_session,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(save_weights_and_get_sampling_client_async_gives_a_sampling_session,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(create_sampling_client_needs_a_tinker_path, training_setup, teardown),
      cmocka_unit_test_setup_teardown(get_base_model_asks_the_server, training_setup, teardown),
      cmocka_unit_test_setup_teardown(create_sampling_client_blocking_opens_a_session_on_the_checkpoint, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(create_sampling_client_async_opens_a_session_on_the_checkpoint, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(create_sampling_client_on_a_missing_checkpoint_is_a_user_error, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(save_ttl_reaches_the_server, training_setup, teardown),
      cmocka_unit_test_setup_teardown(save_names_and_ttls_are_checked_before_any_request, training_setup, teardown),
      cmocka_unit_test_setup_teardown(duplicate_save_name_is_already_exists_at_once_and_overwrite_replaces, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(create_via_load_weights_when_the_server_says_so, training_setup, teardown),
      cmocka_unit_test_setup_teardown(create_from_state_with_an_access_token_reads_another_accounts_checkpoint,
                                      training_setup, teardown),
  };
  return cmocka_run_group_tests_name("integration_training_checkpoints", tests, nullptr, nullptr);
}
