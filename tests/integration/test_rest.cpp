// The REST client's checkpoint, session and sampler operations (protocol.md §2.4–§2.6, §8),
// blocking and _async, against the emulator: what each sends (checkpoint ids unescaped, queries,
// null for a removed TTL), what comes back, and the failures a user meets (malformed paths
// refused before sending, another user's checkpoint, conflicts that are final at once).
#include "harness.h"

#include <functional>
#include <set>

using namespace itest;

namespace {

tinker_service_client_t* client() { return new_client(fast_options()); }

// A client of another user (another API key; the emulator makes each key a user).
tinker_service_client_t* user(const char* api_key) {
  tinker_client_options_t* o = fast_options();
  assert_status(tinker_client_options_set_api_key(o, api_key), TINKER_OK, nullptr);
  return new_client(o);
}
tinker_service_client_t* other_user() { return user("tml-another-user"); }

struct Listed {
  std::vector<std::string> ids, types, paths;
  std::vector<bool> is_public;
  std::vector<std::string> expires;  // "" = never
  int64_t offset = -2, limit = -2, total = -2;
};

Listed listed(tinker_checkpoint_list_t* l) {
  Listed out;
  for (size_t i = 0; i < tinker_checkpoint_list_checkpoint_count(l); ++i) {
    out.ids.push_back(tinker_checkpoint_list_checkpoint_checkpoint_id(l, i));
    out.types.push_back(tinker_checkpoint_list_checkpoint_checkpoint_type(l, i));
    out.paths.push_back(tinker_checkpoint_list_checkpoint_tinker_path(l, i));
    out.is_public.push_back(tinker_checkpoint_list_checkpoint_is_public(l, i) != 0);
    const char* e = tinker_checkpoint_list_checkpoint_expires_at(l, i);
    out.expires.push_back(e ? e : "");
    assert_non_null(tinker_checkpoint_list_checkpoint_time(l, i));
  }
  out.offset = tinker_checkpoint_list_offset(l);
  out.limit = tinker_checkpoint_list_limit(l);
  out.total = tinker_checkpoint_list_total_count(l);
  tinker_checkpoint_list_free(l);
  return out;
}

// R5, blocking or async.
Listed run_checkpoints(tinker_rest_client_t* rest, const std::string& run, bool async = false) {
  tinker_checkpoint_list_t* l = nullptr;
  if (!async) {
    assert_status(tinker_rest_client_list_checkpoints(rest, run.c_str(), &l), TINKER_OK, tinker_last_error());
  } else {
    tinker_future_t* f = nullptr;
    assert_status(async_outcome(tinker_rest_client_list_checkpoints_async(rest, run.c_str(), &f), &f).status,
                  TINKER_OK, nullptr);
    assert_status(tinker_future_take_checkpoint_list(f, &l), TINKER_OK, tinker_last_error());
  }
  return listed(l);
}

// A status-only operation, blocking (`async` false) or async, as one outcome.
Outcome status_op(bool async, const std::function<tinker_status_t()>& blocking,
                  const std::function<tinker_status_t(tinker_future_t**)>& start) {
  if (!async) return blocking_outcome(blocking());
  tinker_future_t* f = nullptr;
  return async_outcome(start(&f), &f);
}

// A training run with a training checkpoint "a" and a sampler checkpoint "b"; returns the run id.
std::string run_with_two_checkpoints(tinker_service_client_t* c) {
  tinker_training_client_t* tc = new_training_client(c);
  save_state(tc, "a");
  tinker_save_result_t* saved = nullptr;
  assert_status(tinker_training_client_save_weights_for_sampler(tc, "b", 0, &saved), TINKER_OK, tinker_last_error());
  tinker_save_result_free(saved);
  return tinker_training_client_model_id(tc);
}

}  // namespace

// R5: a run's checkpoints, both kinds, blocking and async; the id goes into the path as is.
static void list_checkpoints_gives_a_runs_training_and_sampler_checkpoints(void**) {
  tinker_service_client_t* c = client();
  Rest rest(c);
  const std::string run = run_with_two_checkpoints(c);
  clear_log();
  for (bool async : {false, true}) {
    Listed l = run_checkpoints(rest.r, run, async);
    assert_int_equal(l.ids.size(), 2);
    const std::set<std::string> ids(l.ids.begin(), l.ids.end());
    assert_true(ids.count("weights/a") && ids.count("sampler_weights/b"));
    for (size_t i = 0; i < l.ids.size(); ++i) {
      assert_string_equal(l.types[i].c_str(), l.ids[i] == "weights/a" ? "training" : "sampler");
      assert_string_equal(l.paths[i].c_str(), ("tinker://" + run + "/" + l.ids[i]).c_str());
      assert_false(l.is_public[i]);
      assert_string_equal(l.expires[i].c_str(), "");
    }
    assert_int_equal(l.total, 2);
  }
  auto log = request_log();
  assert_int_equal(log.size(), 2);
  assert_string_equal(log[0].method.c_str(), "GET");
  assert_string_equal(log[0].path.c_str(), ("/api/v1/training_runs/" + run + "/checkpoints").c_str());
}

// R6: the caller's checkpoints page by page; the cursor says where each page is.
static void list_user_checkpoints_pages_through_every_checkpoint(void**) {
  tinker_service_client_t* c = user("tml-pages-user");  // a user with only these checkpoints
  Rest rest(c);
  run_with_two_checkpoints(c);
  run_with_two_checkpoints(c);
  std::set<std::string> seen;
  int64_t total = -1;
  for (int64_t offset = 0; total < 0 || offset < total; offset += 3) {
    tinker_checkpoint_list_t* l = nullptr;
    assert_status(tinker_rest_client_list_user_checkpoints(rest.r, 3, offset, &l), TINKER_OK, tinker_last_error());
    Listed page = listed(l);
    assert_int_equal(page.offset, offset);
    assert_int_equal(page.limit, 3);
    total = page.total;
    assert_true(page.paths.size() <= 3);
    seen.insert(page.paths.begin(), page.paths.end());
  }
  assert_int_equal(total, 4);
  assert_int_equal(seen.size(), 4);
  // The cursor does the same paging: pages of 3 and 1, then none.
  tinker_checkpoint_cursor_t* cursor = nullptr;
  assert_status(tinker_rest_client_user_checkpoints_cursor(rest.r, 3, &cursor), TINKER_OK, tinker_last_error());
  std::vector<size_t> page_sizes;
  std::set<std::string> by_cursor;
  for (;;) {
    tinker_checkpoint_list_t* page = nullptr;
    assert_status(tinker_checkpoint_cursor_next(cursor, &page), TINKER_OK, tinker_last_error());
    if (!page) break;
    Listed l = listed(page);
    page_sizes.push_back(l.paths.size());
    by_cursor.insert(l.paths.begin(), l.paths.end());
  }
  tinker_checkpoint_list_t* after_end = nullptr;
  assert_status(tinker_checkpoint_cursor_next(cursor, &after_end), TINKER_OK, nullptr);
  assert_null(after_end);
  tinker_checkpoint_cursor_free(cursor);
  assert_true(page_sizes == (std::vector<size_t>{3, 1}));
  assert_true(by_cursor == seen);
  assert_status(tinker_rest_client_user_checkpoints_cursor(rest.r, 0, &cursor), TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_null(cursor);
  auto log = request_log("/api/v1/checkpoints");
  assert_true(!log.empty());
  // Another user sees none of them.
  Rest theirs(other_user());
  tinker_checkpoint_list_t* l = nullptr;
  assert_status(tinker_rest_client_list_user_checkpoints(theirs.r, 100, 0, &l), TINKER_OK, tinker_last_error());
  assert_int_equal(listed(l).ids.size(), 0);
  // A user without checkpoints: the cursor has no page at all.
  assert_status(tinker_rest_client_user_checkpoints_cursor(theirs.r, 10, &cursor), TINKER_OK, nullptr);
  assert_status(tinker_checkpoint_cursor_next(cursor, &l), TINKER_OK, tinker_last_error());
  assert_null(l);
  tinker_checkpoint_cursor_free(cursor);
  // Bad pages are refused before sending.
  clear_log();
  assert_status(tinker_rest_client_list_user_checkpoints(rest.r, 0, 0, &l), TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_status(tinker_rest_client_list_user_checkpoints(rest.r, 1, -1, &l), TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_int_equal(request_log().size(), 0);
}

// R11-R14: publishing makes a checkpoint public, and a second publish is a conflict that fails at
// once (no retries); unpublishing reverses it. By ids and by path, blocking and async.
static void publish_and_unpublish_by_ids_and_by_path(void**) {
  tinker_service_client_t* c = client();
  Rest rest(c);
  const std::string run = run_with_two_checkpoints(c);
  const std::string path = "tinker://" + run + "/weights/a";
  for (bool async : {false, true}) {
    Outcome o = status_op(
        async, [&] { return tinker_rest_client_publish_checkpoint(rest.r, run.c_str(), "weights/a"); },
        [&](tinker_future_t** f) { return tinker_rest_client_publish_checkpoint_async(rest.r, run.c_str(), "weights/a", f); });
    assert_status(o.status, TINKER_OK, nullptr);
    assert_true(run_checkpoints(rest.r, run).is_public[0] || run_checkpoints(rest.r, run).is_public[1]);
    clear_log();
    o = status_op(
        async, [&] { return tinker_rest_client_publish_checkpoint_from_tinker_path(rest.r, path.c_str()); },
        [&](tinker_future_t** f) { return tinker_rest_client_publish_checkpoint_from_tinker_path_async(rest.r, path.c_str(), f); });
    assert_status(o.status, TINKER_E_ALREADY_EXISTS, nullptr);
    assert_int_equal(o.category, TINKER_ERROR_CATEGORY_USER);
    auto log = request_log();
    assert_int_equal(log.size(), 1);  // final at once
    assert_string_equal(log[0].path.c_str(), ("/api/v1/training_runs/" + run + "/checkpoints/weights/a/publish").c_str());
    o = status_op(
        async, [&] { return tinker_rest_client_unpublish_checkpoint_from_tinker_path(rest.r, path.c_str()); },
        [&](tinker_future_t** f) { return tinker_rest_client_unpublish_checkpoint_from_tinker_path_async(rest.r, path.c_str(), f); });
    assert_status(o.status, TINKER_OK, nullptr);
    o = status_op(
        async, [&] { return tinker_rest_client_unpublish_checkpoint(rest.r, run.c_str(), "weights/a"); },
        [&](tinker_future_t** f) { return tinker_rest_client_unpublish_checkpoint_async(rest.r, run.c_str(), "weights/a", f); });
    assert_status(o.status, TINKER_E_ALREADY_EXISTS, nullptr);
  }
  // Another user's private checkpoint is not found.
  Rest theirs(other_user());
  Outcome o = blocking_outcome(tinker_rest_client_publish_checkpoint(theirs.r, run.c_str(), "weights/a"));
  assert_status(o.status, TINKER_E_NOT_FOUND, nullptr);
}

// R15: a time to live sets expires_at; 0 removes it, which sends null.
static void set_ttl_and_remove_it(void**) {
  tinker_service_client_t* c = client();
  Rest rest(c);
  const std::string run = run_with_two_checkpoints(c);
  const std::string path = "tinker://" + run + "/sampler_weights/b";
  auto expires_of_b = [&] {
    Listed l = run_checkpoints(rest.r, run);
    for (size_t i = 0; i < l.ids.size(); ++i)
      if (l.ids[i] == "sampler_weights/b") return l.expires[i];
    fail_msg("sampler_weights/b is not listed");
    return std::string();
  };
  clear_log();
  assert_status(tinker_rest_client_set_checkpoint_ttl_from_tinker_path(rest.r, path.c_str(), 3600), TINKER_OK,
                tinker_last_error());
  assert_string_not_equal(expires_of_b().c_str(), "");
  tinker_future_t* f = nullptr;
  assert_status(async_outcome(tinker_rest_client_set_checkpoint_ttl_from_tinker_path_async(rest.r, path.c_str(), 0, &f), &f)
                    .status,
                TINKER_OK, nullptr);
  assert_string_equal(expires_of_b().c_str(), "");
  const std::string raw = request_log_raw();
  assert_true(contains(raw, "PUT"));
  assert_true(contains(raw, "/checkpoints/sampler_weights/b/ttl"));
  Outcome o = blocking_outcome(tinker_rest_client_set_checkpoint_ttl_from_tinker_path(rest.r, path.c_str(), -1));
  assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_true(contains(o.message, "ttl_seconds must be >= 0"));
}

// R9, R10: a deleted checkpoint is gone from the listing; deleting it again is NOT_FOUND.
static void delete_by_ids_and_by_path(void**) {
  tinker_service_client_t* c = client();
  Rest rest(c);
  const std::string run = run_with_two_checkpoints(c);
  assert_status(tinker_rest_client_delete_checkpoint(rest.r, run.c_str(), "weights/a"), TINKER_OK, tinker_last_error());
  const std::string path = "tinker://" + run + "/sampler_weights/b";
  tinker_future_t* f = nullptr;
  assert_status(async_outcome(tinker_rest_client_delete_checkpoint_from_tinker_path_async(rest.r, path.c_str(), &f), &f)
                    .status,
                TINKER_OK, nullptr);
  assert_int_equal(run_checkpoints(rest.r, run).ids.size(), 0);
  Outcome o = blocking_outcome(tinker_rest_client_delete_checkpoint(rest.r, run.c_str(), "weights/a"));
  assert_status(o.status, TINKER_E_NOT_FOUND, nullptr);
  auto deletes = request_log();
  bool sent_delete = false;
  for (const LogEntry& e : deletes) sent_delete |= e.method == "DELETE";
  assert_true(sent_delete);
}

// Malformed run ids, checkpoint ids and paths are refused before anything is sent, saying why.
static void malformed_arguments_are_refused_before_sending(void**) {
  tinker_service_client_t* c = client();
  Rest rest(c);
  clear_log();
  Outcome o = blocking_outcome(tinker_rest_client_delete_checkpoint_from_tinker_path(rest.r, "tinker://run/weights"));
  assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_true(contains(o.message, "tinker_rest_client_delete_checkpoint_from_tinker_path: tinker_path is not a "
                                  "checkpoint's tinker:// path"));
  o = blocking_outcome(tinker_rest_client_publish_checkpoint(rest.r, "run", "optimizer/x"));
  assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_true(contains(o.message, "checkpoint_id must be weights/<name> or sampler_weights/<name>"));
  o = blocking_outcome(tinker_rest_client_publish_checkpoint(rest.r, "", "weights/x"));
  assert_true(contains(o.message, "training_run_id is empty"));
  tinker_future_t* f = nullptr;
  o = blocking_outcome(tinker_rest_client_unpublish_checkpoint_from_tinker_path_async(rest.r, "s3://x/weights/y", &f));
  assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_null(f);
  assert_int_equal(request_log().size(), 0);
}

// R18: the session's project; R20: a sampler's base model and checkpoint.
static void assign_session_project_and_get_sampler(void**) {
  tinker_service_client_t* c = client();
  Rest rest(c);
  tinker_training_client_t* tc = new_training_client(c);
  const std::string session = tinker_service_client_session_id(c);
  assert_status(tinker_rest_client_assign_session_project(rest.r, session.c_str(), "proj-7"), TINKER_OK,
                tinker_last_error());
  bool found = false;
  for (const SessionInfo& s : sessions())
    if (s.session_id == session) found = s.project_id == "proj-7";
  assert_true(found);
  assert_status(tinker_rest_client_assign_session_project(rest.r, "no-such-session", "p"), TINKER_E_NOT_FOUND, nullptr);

  tinker_sampling_client_t* sc = nullptr;
  assert_status(tinker_training_client_save_weights_and_get_sampling_client(tc, nullptr, &sc), TINKER_OK,
                tinker_last_error());
  track_sampling(sc);
  const std::string id = tinker_sampling_client_sampling_session_id(sc);
  for (bool async : {false, true}) {
    tinker_sampler_t* s = nullptr;
    if (!async) {
      assert_status(tinker_rest_client_get_sampler(rest.r, id.c_str(), &s), TINKER_OK, tinker_last_error());
    } else {
      tinker_future_t* f = nullptr;
      assert_status(async_outcome(tinker_rest_client_get_sampler_async(rest.r, id.c_str(), &f), &f).status, TINKER_OK,
                    nullptr);
      assert_status(tinker_future_take_sampler(f, &s), TINKER_OK, tinker_last_error());
    }
    assert_string_equal(tinker_sampler_sampler_id(s), id.c_str());
    assert_string_equal(tinker_sampler_base_model(s), kTinyModel);
    assert_non_null(tinker_sampler_model_path(s));
    assert_true(std::string(tinker_sampler_model_path(s)).rfind("tinker://", 0) == 0);
    tinker_sampler_free(s);
  }
  tinker_sampler_t* s = nullptr;
  assert_status(tinker_rest_client_get_sampler(rest.r, "nobody:sample:9", &s), TINKER_E_NOT_FOUND, nullptr);
}

// R23: from the JWT's claims when the server uses JWTs; UNIMPLEMENTED with a plain API key.
static void whoami_reads_the_jwt_and_needs_one(void**) {
  {
    Rest rest(client());
    tinker_whoami_t* w = nullptr;
    Outcome o = blocking_outcome(tinker_rest_client_whoami(rest.r, &w));
    assert_status(o.status, TINKER_E_UNIMPLEMENTED, nullptr);
    assert_true(contains(o.message, "plain API key"));
    assert_null(w);
  }
  set_config(R"({"client_config": {"pjwt_auth_enabled": true}})");
  tinker_service_client_t* c = client();
  Rest rest(c);
  tinker_future_t* f = nullptr;
  Outcome o = async_outcome(tinker_rest_client_whoami_async(rest.r, &f), &f);
  set_config(R"({"client_config": {"pjwt_auth_enabled": null}})");
  assert_status(o.status, TINKER_OK, nullptr);
  tinker_whoami_t* w = nullptr;
  assert_status(tinker_future_take_whoami(f, &w), TINKER_OK, tinker_last_error());
  assert_true(std::string(tinker_whoami_user_urn(w)).size() > 0);
  char* json = nullptr;
  assert_status(tinker_whoami_to_json(w, &json), TINKER_OK, nullptr);
  assert_true(contains(json, "\"user_urn\""));
  tinker_free(json);
  tinker_whoami_free(w);
}

// R3: what a checkpoint's weights are, as saved; malformed paths never leave the client; another
// user's private checkpoint is not found.
static void weights_info_describes_a_saved_checkpoint(void**) {
  tinker_service_client_t* c = client();
  Rest rest(c);
  const std::string run = run_with_two_checkpoints(c);
  const std::string path = "tinker://" + run + "/weights/a";
  for (bool async : {false, true}) {
    tinker_weights_info_t* info = nullptr;
    if (!async) {
      assert_status(tinker_rest_client_get_weights_info_by_tinker_path(rest.r, path.c_str(), &info), TINKER_OK,
                    tinker_last_error());
    } else {
      tinker_future_t* f = nullptr;
      assert_status(
          async_outcome(tinker_rest_client_get_weights_info_by_tinker_path_async(rest.r, path.c_str(), &f), &f).status,
          TINKER_OK, nullptr);
      assert_status(tinker_future_take_weights_info(f, &info), TINKER_OK, tinker_last_error());
    }
    assert_string_equal(tinker_weights_info_base_model(info), kTinyModel);
    assert_int_equal(tinker_weights_info_is_lora(info), 1);
    assert_int_equal(tinker_weights_info_lora_rank(info), 8);  // new_training_client's rank
    for (int v : {tinker_weights_info_train_unembed(info), tinker_weights_info_train_mlp(info),
                  tinker_weights_info_train_attn(info)})
      assert_true(v == 0 || v == 1);
    tinker_weights_info_free(info);
  }
  assert_int_equal(tinker_weights_info_train_mlp(nullptr), -1);
  clear_log();
  tinker_weights_info_t* info = nullptr;
  Outcome o = blocking_outcome(tinker_rest_client_get_weights_info_by_tinker_path(rest.r, "tinker://x/weights", &info));
  assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_int_equal(request_log().size(), 0);
  Rest theirs(other_user());
  o = blocking_outcome(tinker_rest_client_get_weights_info_by_tinker_path(theirs.r, path.c_str(), &info));
  assert_status(o.status, TINKER_E_NOT_FOUND, nullptr);
}

// R16, R17: a session lists the runs and samplers made in it; the caller's sessions page by page.
static void get_and_list_sessions(void**) {
  tinker_service_client_t* c = user("tml-sessions-user");
  Rest rest(c);
  tinker_training_client_t* tc = new_training_client(c);
  tinker_sampling_client_t* sc = nullptr;
  assert_status(tinker_training_client_save_weights_and_get_sampling_client(tc, nullptr, &sc), TINKER_OK,
                tinker_last_error());
  track_sampling(sc);
  const std::string session = tinker_service_client_session_id(c);
  for (bool async : {false, true}) {
    tinker_session_t* s = nullptr;
    if (!async) {
      assert_status(tinker_rest_client_get_session(rest.r, session.c_str(), nullptr, &s), TINKER_OK,
                    tinker_last_error());
    } else {
      tinker_future_t* f = nullptr;
      assert_status(async_outcome(tinker_rest_client_get_session_async(rest.r, session.c_str(), "accessible", &f), &f)
                        .status,
                    TINKER_OK, nullptr);
      assert_status(tinker_future_take_session(f, &s), TINKER_OK, tinker_last_error());
    }
    assert_int_equal(tinker_session_training_run_id_count(s), 1);
    assert_string_equal(tinker_session_training_run_id(s, 0), tinker_training_client_model_id(tc));
    assert_int_equal(tinker_session_sampler_id_count(s), 1);
    assert_string_equal(tinker_session_sampler_id(s, 0), tinker_sampling_client_sampling_session_id(sc));
    assert_null(tinker_session_sampler_id(s, 1));
    tinker_session_free(s);
  }
  tinker_session_t* s = nullptr;
  assert_status(tinker_rest_client_get_session(rest.r, "no-such-session", nullptr, &s), TINKER_E_NOT_FOUND, nullptr);
  clear_log();
  Outcome o = blocking_outcome(tinker_rest_client_get_session(rest.r, session.c_str(), "everyone", &s));
  assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_true(contains(o.message, "access_scope must be \"owned\" or \"accessible\""));
  assert_int_equal(request_log().size(), 0);

  // A second session of the same user: two sessions, one per page of one.
  tinker_service_client_t* c2 = user("tml-sessions-user");
  new_training_client(c2);
  std::set<std::string> seen;
  for (int64_t offset = 0; offset < 3; ++offset) {
    tinker_session_list_t* l = nullptr;
    assert_status(tinker_rest_client_list_sessions(rest.r, 1, offset, nullptr, &l), TINKER_OK, tinker_last_error());
    assert_true(tinker_session_list_session_count(l) <= 1);
    if (tinker_session_list_session_count(l)) seen.insert(tinker_session_list_session(l, 0));
    tinker_session_list_free(l);
  }
  assert_int_equal(seen.size(), 2);
  assert_true(seen.count(session) && seen.count(tinker_service_client_session_id(c2)));
  tinker_session_list_t* l = nullptr;
  assert_status(tinker_rest_client_list_sessions(rest.r, 0, 0, nullptr, &l), TINKER_E_INVALID_ARGUMENT, nullptr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(list_checkpoints_gives_a_runs_training_and_sampler_checkpoints, setup, teardown),
      cmocka_unit_test_setup_teardown(list_user_checkpoints_pages_through_every_checkpoint, setup, teardown),
      cmocka_unit_test_setup_teardown(publish_and_unpublish_by_ids_and_by_path, setup, teardown),
      cmocka_unit_test_setup_teardown(set_ttl_and_remove_it, setup, teardown),
      cmocka_unit_test_setup_teardown(delete_by_ids_and_by_path, setup, teardown),
      cmocka_unit_test_setup_teardown(malformed_arguments_are_refused_before_sending, setup, teardown),
      cmocka_unit_test_setup_teardown(assign_session_project_and_get_sampler, setup, teardown),
      cmocka_unit_test_setup_teardown(whoami_reads_the_jwt_and_needs_one, setup, teardown),
      cmocka_unit_test_setup_teardown(weights_info_describes_a_saved_checkpoint, setup, teardown),
      cmocka_unit_test_setup_teardown(get_and_list_sessions, setup, teardown),
  };
  return cmocka_run_group_tests_name("rest", tests, nullptr, nullptr);
}
