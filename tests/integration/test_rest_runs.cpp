// The REST client's training runs (R1, R2, R4 and the cursor), checkpoint archives (R7, R8),
// trace exports (R19), audit log (R21) and billing usage (R22), blocking and _async, against the
// emulator: what comes back matches what the test did, and the failures a user meets are clear.
#include <ctime>
#include <set>

#include "harness.h"
#include "wire/time_text.h"

using namespace itest;

namespace {

tinker_service_client_t* user(const char* api_key, const char* project = nullptr,
                              const char* meta_key = nullptr, const char* meta_value = nullptr) {
  tinker_client_options_t* o = fast_options();
  assert_status(tinker_client_options_set_api_key(o, api_key), TINKER_OK, nullptr);
  // The emulator answers 503 while it builds an archive and "pending" while it writes a trace:
  // ask again soon rather than after the official 30 s and 5 s.
  assert_status(tinker_client_options_set_archive_retry(o, 20, 100), TINKER_OK, nullptr);
  assert_status(tinker_client_options_set_trace_poll_interval_ms(o, 20), TINKER_OK, nullptr);
  if (project) assert_status(tinker_client_options_set_project_id(o, project), TINKER_OK, nullptr);
  if (meta_key) assert_status(tinker_client_options_add_user_metadata(o, meta_key, meta_value), TINKER_OK, nullptr);
  return new_client(o);
}

std::string str(const char* s) { return s ? s : "(null)"; }

struct Run {
  std::string id, base_model, owner, last_request_time, last_ckpt, last_ckpt_type, last_sampler, metadata;
  int is_lora = -2;
  int64_t rank = -2;
};

// A run's metadata as "k=v;k=v".
std::string metadata_text(const tinker_metadata_t* m) {
  std::string out;
  for (size_t i = 0; i < tinker_metadata_count(m); ++i)
    out += std::string(tinker_metadata_key(m, i)) + "=" + tinker_metadata_value(m, i) + ";";
  return out;
}

Run run_of(const tinker_training_run_t* r) {
  return Run{tinker_training_run_training_run_id(r),
             tinker_training_run_base_model(r),
             tinker_training_run_model_owner(r),
             tinker_training_run_last_request_time(r),
             str(tinker_training_run_last_checkpoint_tinker_path(r)),
             str(tinker_training_run_last_checkpoint_checkpoint_type(r)),
             str(tinker_training_run_last_sampler_checkpoint_tinker_path(r)),
             metadata_text(tinker_training_run_user_metadata(r)),
             tinker_training_run_is_lora(r),
             tinker_training_run_lora_rank(r)};
}

// R1 (or R2 with a tinker:// path), in either form.
Outcome get_run(tinker_rest_client_t* rest, const std::string& id_or_path, bool async, Run* out,
                const char* scope = nullptr) {
  const bool by_path = id_or_path.rfind("tinker://", 0) == 0;
  tinker_training_run_t* r = nullptr;
  Outcome o;
  if (!async) {
    o = blocking_outcome(by_path ? tinker_rest_client_get_training_run_by_tinker_path(rest, id_or_path.c_str(), scope, &r)
                                 : tinker_rest_client_get_training_run(rest, id_or_path.c_str(), scope, &r));
  } else {
    tinker_future_t* f = nullptr;
    tinker_status_t s = by_path ? tinker_rest_client_get_training_run_by_tinker_path_async(rest, id_or_path.c_str(), scope, &f)
                                : tinker_rest_client_get_training_run_async(rest, id_or_path.c_str(), scope, &f);
    o = async_outcome(s, &f);
    if (o.status == TINKER_OK) assert_status(tinker_future_take_training_run(f, &r), TINKER_OK, tinker_last_error());
  }
  if (r) {
    *out = run_of(r);
    tinker_training_run_free(r);
  }
  return o;
}

std::string save_sampler(tinker_training_client_t* tc, const char* name) {
  tinker_save_result_t* saved = nullptr;
  assert_status(tinker_training_client_save_weights_for_sampler(tc, name, 0, &saved), TINKER_OK, tinker_last_error());
  std::string path = tinker_save_result_path(saved);
  tinker_save_result_free(saved);
  return path;
}

std::string rfc3339(int64_t unix_seconds) { return tinker::wire::rfc3339_seconds(unix_seconds); }

// R1, R2: a run with its newest checkpoints of each kind and the metadata it was created with.
void get_training_run_describes_the_run_and_its_newest_checkpoints(void**) {
  tinker_service_client_t* c = user("tml-runs-user", nullptr, "session-only", "not the run's");
  // The run's own metadata, given at its creation (the client option above is the session's).
  tinker_metadata_t* meta = nullptr;
  assert_status(tinker_metadata_new(&meta), TINKER_OK, nullptr);
  assert_status(tinker_metadata_set(meta, "purpose", "rest test"), TINKER_OK, nullptr);
  tinker_lora_config_t* lora = nullptr;
  assert_status(tinker_lora_config_new(&lora), TINKER_OK, nullptr);
  assert_status(tinker_lora_config_set_rank(lora, 8), TINKER_OK, nullptr);
  tinker_training_client_t* tc = nullptr;
  assert_status(tinker_service_client_create_lora_training_client(c, kTinyModel, lora, meta, &tc), TINKER_OK,
                tinker_last_error());
  track_training(tc);
  tinker_lora_config_free(lora);
  tinker_metadata_free(meta);
  const std::string id = tinker_training_client_model_id(tc);
  Rest rest(c);

  Run fresh;
  assert_status(get_run(rest.r, id, false, &fresh).status, TINKER_OK, nullptr);
  assert_string_equal(fresh.last_ckpt.c_str(), "(null)");  // no checkpoint yet
  assert_string_equal(fresh.last_sampler.c_str(), "(null)");

  save_state(tc, "first");
  const std::string second = save_state(tc, "second");
  const std::string sampler = save_sampler(tc, "s1");
  for (bool async : {false, true}) {
    for (const std::string& key : {id, second}) {
      Run r;
      assert_status(get_run(rest.r, key, async, &r).status, TINKER_OK, nullptr);
      assert_string_equal(r.id.c_str(), id.c_str());
      assert_string_equal(r.base_model.c_str(), kTinyModel);
      assert_int_equal(r.is_lora, 1);
      assert_int_equal(r.rank, 8);
      assert_false(r.owner.empty());
      assert_true(is_rfc3339(r.last_request_time.c_str()));
      assert_string_equal(r.last_ckpt.c_str(), second.c_str());
      assert_string_equal(r.last_ckpt_type.c_str(), "training");
      assert_string_equal(r.last_sampler.c_str(), sampler.c_str());
      assert_string_equal(r.metadata.c_str(), "purpose=rest test;");
    }
  }
  // JSON in the server's shape, nested checkpoint included.
  tinker_training_run_t* r = nullptr;
  assert_status(tinker_rest_client_get_training_run(rest.r, id.c_str(), "owned", &r), TINKER_OK, tinker_last_error());
  char* json = nullptr;
  assert_status(tinker_training_run_to_json(r, &json), TINKER_OK, nullptr);
  assert_true(contains(json, "\"last_checkpoint\":{"));
  assert_true(contains(json, "\"user_metadata\":{\"purpose\":\"rest test\"}"));
  tinker_free(json);
  tinker_training_run_free(r);
}

// Unknown runs and other users' runs are NOT_FOUND; bad arguments never reach the server.
void get_training_run_failures_are_clear(void**) {
  tinker_service_client_t* owner = user("tml-runs-owner");
  const std::string id = tinker_training_client_model_id(new_training_client(owner));
  Rest other(user("tml-runs-other"));
  for (bool async : {false, true}) {
    Run r;
    Outcome o = get_run(other.r, "no-such-run", async, &r);
    assert_status(o.status, TINKER_E_NOT_FOUND, nullptr);
    assert_int_equal(o.http_status, 404);
    assert_status(get_run(other.r, id, async, &r).status, TINKER_E_NOT_FOUND, nullptr);
  }
  clear_log();
  Run r;
  Outcome o = get_run(other.r, "tinker://run/optimizer/x", false, &r);
  assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_true(contains(o.message, "tinker_path is not a checkpoint's tinker:// path"));
  o = get_run(other.r, id, false, &r, "everything");
  assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_true(contains(o.message, "access_scope must be \"owned\" or \"accessible\""));
  assert_int_equal(request_log().size(), 0);
}

std::vector<std::string> run_ids(tinker_training_run_list_t* l) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < tinker_training_run_list_training_run_count(l); ++i)
    ids.push_back(tinker_training_run_list_training_run_training_run_id(l, i));
  return ids;
}

// R4: pages with their cursor, a project's runs only, and the cursor over every page.
void list_training_runs_pages_and_filters_by_project(void**) {
  tinker_service_client_t* c = user("tml-runs-lister");
  std::set<std::string> made;
  for (int i = 0; i < 3; ++i) made.insert(tinker_training_client_model_id(new_training_client(c)));
  tinker_service_client_t* in_project = user("tml-runs-lister", "proj-7");
  const std::string project_run = tinker_training_client_model_id(new_training_client(in_project));
  made.insert(project_run);
  Rest rest(c);

  std::set<std::string> seen;
  for (bool async : {false, true}) {
    seen.clear();
    for (int64_t offset = 0; offset < 4; offset += 3) {
      tinker_training_run_list_t* l = nullptr;
      if (!async) {
        assert_status(tinker_rest_client_list_training_runs(rest.r, 3, offset, nullptr, nullptr, &l), TINKER_OK,
                      tinker_last_error());
      } else {
        tinker_future_t* f = nullptr;
        assert_status(async_outcome(tinker_rest_client_list_training_runs_async(rest.r, 3, offset, "owned", "", &f), &f).status,
                      TINKER_OK, nullptr);
        assert_status(tinker_future_take_training_run_list(f, &l), TINKER_OK, tinker_last_error());
      }
      assert_int_equal(tinker_training_run_list_offset(l), offset);
      assert_int_equal(tinker_training_run_list_limit(l), 3);
      assert_int_equal(tinker_training_run_list_total_count(l), 4);
      assert_int_equal(tinker_training_run_list_training_run_count(l), offset == 0 ? 3 : 1);
      for (const std::string& id : run_ids(l)) seen.insert(id);
      tinker_training_run_list_free(l);
    }
    assert_true(seen == made);
  }

  tinker_training_run_list_t* l = nullptr;
  assert_status(tinker_rest_client_list_training_runs(rest.r, 20, 0, nullptr, "proj-7", &l), TINKER_OK, tinker_last_error());
  std::vector<std::string> ids = run_ids(l);
  tinker_training_run_list_free(l);
  assert_int_equal(ids.size(), 1);
  assert_string_equal(ids[0].c_str(), project_run.c_str());

  // The cursor, two runs a page: every run once, then the end.
  tinker_training_run_cursor_t* cur = nullptr;
  assert_status(tinker_rest_client_training_runs_cursor(rest.r, 2, nullptr, nullptr, &cur), TINKER_OK, tinker_last_error());
  seen.clear();
  int pages = 0;
  for (;;) {
    tinker_training_run_list_t* page = nullptr;
    assert_status(tinker_training_run_cursor_next(cur, &page), TINKER_OK, tinker_last_error());
    if (!page) break;
    ++pages;
    for (const std::string& id : run_ids(page)) assert_true(seen.insert(id).second);
    tinker_training_run_list_free(page);
  }
  tinker_training_run_cursor_free(cur);
  assert_int_equal(pages, 2);
  assert_true(seen == made);
  assert_status(tinker_rest_client_training_runs_cursor(rest.r, 0, nullptr, nullptr, &cur), TINKER_E_INVALID_ARGUMENT, nullptr);
}

// R7, R8: a signed URL that downloads the checkpoint as .tar.gz, without the API key, until it
// expires; a tampered URL is refused.
void archive_url_downloads_the_checkpoint(void**) {
  tinker_service_client_t* c = user("tml-archive-user");
  tinker_training_client_t* tc = new_training_client(c);
  const std::string path = save_state(tc, "arch");
  const std::string id = tinker_training_client_model_id(tc);
  Rest rest(c);
  for (bool async : {false, true}) {
    for (bool by_path : {false, true}) {
      tinker_checkpoint_archive_url_t* a = nullptr;
      if (!async) {
        assert_status(by_path ? tinker_rest_client_get_checkpoint_archive_url_from_tinker_path(rest.r, path.c_str(), &a)
                              : tinker_rest_client_get_checkpoint_archive_url(rest.r, id.c_str(), "weights/arch", &a),
                      TINKER_OK, tinker_last_error());
      } else {
        tinker_future_t* f = nullptr;
        tinker_status_t s = by_path
                                ? tinker_rest_client_get_checkpoint_archive_url_from_tinker_path_async(rest.r, path.c_str(), &f)
                                : tinker_rest_client_get_checkpoint_archive_url_async(rest.r, id.c_str(), "weights/arch", &f);
        assert_status(async_outcome(s, &f, 60000).status, TINKER_OK, nullptr);
        assert_status(tinker_future_take_checkpoint_archive_url(f, &a), TINKER_OK, tinker_last_error());
      }
      const std::string url = tinker_checkpoint_archive_url_url(a);
      const std::string expires = tinker_checkpoint_archive_url_expires(a);
      tinker_checkpoint_archive_url_free(a);
      assert_true(url.rfind(base_url(), 0) == 0);  // the emulator serves its archives itself
      assert_true(utc_seconds(expires) > static_cast<int64_t>(std::time(nullptr)));
      HttpReply got = http("GET", url.substr(base_url().size()));  // no API key
      assert_int_equal(got.status, 200);
      assert_true(got.body.size() > 2 && static_cast<unsigned char>(got.body[0]) == 0x1f &&
                  static_cast<unsigned char>(got.body[1]) == 0x8b);  // gzip
      std::string tampered = url.substr(base_url().size());
      tampered.back() = tampered.back() == '0' ? '1' : '0';
      assert_true(http("GET", tampered).status >= 400);
    }
  }
  // Another user's private checkpoint does not exist for them.
  Rest other(user("tml-archive-other"));
  tinker_checkpoint_archive_url_t* a = nullptr;
  assert_status(tinker_rest_client_get_checkpoint_archive_url_from_tinker_path(other.r, path.c_str(), &a),
                TINKER_E_NOT_FOUND, nullptr);
}

// R19: a session's trace, exported to a URL the emulator serves; an unknown session is NOT_FOUND.
void export_session_trace_gives_a_url(void**) {
  tinker_service_client_t* c = user("tml-trace-user");
  new_training_client(c);
  const std::string session = tinker_service_client_session_id(c);
  Rest rest(c);
  for (bool async : {false, true}) {
    char* url = nullptr;
    if (!async) {
      assert_status(tinker_rest_client_export_session_trace(rest.r, session.c_str(), &url), TINKER_OK, tinker_last_error());
    } else {
      tinker_future_t* f = nullptr;
      assert_status(async_outcome(tinker_rest_client_export_session_trace_async(rest.r, session.c_str(), &f), &f, 60000).status,
                    TINKER_OK, nullptr);
      assert_status(tinker_future_take_string(f, &url), TINKER_OK, tinker_last_error());
    }
    const std::string u = url;
    tinker_free(url);
    assert_true(u.rfind(base_url(), 0) == 0);
    HttpReply got = http("GET", u.substr(base_url().size()));
    assert_int_equal(got.status, 200);
    assert_true(contains(got.body, "create_session"));  // the session's own requests
  }
  char* url = nullptr;
  assert_status(tinker_rest_client_export_session_trace(rest.r, "no-such-session", &url), TINKER_E_NOT_FOUND, nullptr);
}

struct Entry {
  std::string event, path;
};

std::vector<Entry> audit(tinker_rest_client_t* rest, const char* type, const char* day, bool async = false) {
  tinker_audit_log_t* log = nullptr;
  if (!async) {
    assert_status(tinker_rest_client_get_audit_log(rest, type, day, &log), TINKER_OK, tinker_last_error());
  } else {
    tinker_future_t* f = nullptr;
    assert_status(async_outcome(tinker_rest_client_get_audit_log_async(rest, type, day, &f), &f).status, TINKER_OK, nullptr);
    assert_status(tinker_future_take_audit_log(f, &log), TINKER_OK, tinker_last_error());
  }
  std::vector<Entry> out;
  for (size_t i = 0; i < tinker_audit_log_entry_count(log); ++i) {
    assert_true(is_rfc3339(tinker_audit_log_entry_timestamp(log, i)));
    const char* p = tinker_audit_log_entry_tinker_path(log, i);
    out.push_back({tinker_audit_log_entry_event(log, i), p ? p : ""});
  }
  tinker_audit_log_free(log);
  return out;
}

// R21: checkpoint events appear, filtered by type and by day.
void audit_log_records_checkpoint_events(void**) {
  tinker_service_client_t* c = user("tml-audit-user");
  tinker_training_client_t* tc = new_training_client(c);
  const std::string path = save_state(tc, "audited");
  Rest rest(c);
  assert_status(tinker_rest_client_publish_checkpoint_from_tinker_path(rest.r, path.c_str()), TINKER_OK, tinker_last_error());
  assert_status(tinker_rest_client_delete_checkpoint_from_tinker_path(rest.r, path.c_str()), TINKER_OK, tinker_last_error());
  const std::string today = rfc3339(static_cast<int64_t>(std::time(nullptr))).substr(0, 10);
  for (bool async : {false, true}) {
    std::vector<Entry> checkpoints = audit(rest.r, "checkpoints", nullptr, async);
    size_t about_it = 0;
    for (const Entry& e : checkpoints) about_it += e.path == path;
    assert_true(about_it >= 3);  // saved, published, deleted
    std::vector<Entry> all = audit(rest.r, nullptr, today.c_str(), async);
    assert_true(all.size() > checkpoints.size());  // also the run and the session
  }
  assert_int_equal(audit(rest.r, "all", "2000-01-01").size(), 0);
  // Another user sees none of it.
  Rest other(user("tml-audit-other"));
  for (const Entry& e : audit(other.r, "all", nullptr)) assert_true(e.path != path);
}

// R22: the tokens trained and sampled in this test, in the hour's buckets; a window the server
// refuses is INVALID_ARGUMENT with its message.
void billing_usage_counts_what_was_trained_and_sampled(void**) {
  tinker_service_client_t* c = user("tml-billing-user");
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch batch;
  batch.add_text("hello billing");  // 12 input tokens
  forward_backward(tc, batch);
  save_state(tc, "billed");
  Rest rest(c);
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  const std::string start = rfc3339(now / 3600 * 3600 - 3600), end = rfc3339(now / 3600 * 3600 + 3600);
  for (bool async : {false, true}) {
    tinker_billing_usage_t* u = nullptr;
    if (!async) {
      assert_status(tinker_rest_client_get_billing_usage(rest.r, start.c_str(), end.c_str(), &u), TINKER_OK,
                    tinker_last_error());
    } else {
      tinker_future_t* f = nullptr;
      assert_status(async_outcome(tinker_rest_client_get_billing_usage_async(rest.r, start.c_str(), end.c_str(), &f), &f).status,
                    TINKER_OK, nullptr);
      assert_status(tinker_future_take_billing_usage(f, &u), TINKER_OK, tinker_last_error());
    }
    int64_t trained = 0, checkpoints = 0;
    for (size_t i = 0; i < tinker_billing_usage_event_count(u); ++i) {
      const std::string type = tinker_billing_usage_event_event_type(u, i);
      if (type == "training") trained += tinker_billing_usage_event_token_count(u, i);
      if (type == "checkpoint") checkpoints += tinker_billing_usage_event_checkpoint_count(u, i);
      assert_true(is_rfc3339(tinker_billing_usage_event_bucket_start(u, i)));
    }
    assert_int_equal(trained, 12);
    assert_int_equal(checkpoints, 1);
    tinker_billing_usage_free(u);
  }
  tinker_billing_usage_t* u = nullptr;
  Outcome o = blocking_outcome(tinker_rest_client_get_billing_usage(rest.r, "2026-01-01T00:30:00Z", "2026-01-01T02:00:00Z", &u));
  assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_int_equal(o.http_status, 400);
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(get_training_run_describes_the_run_and_its_newest_checkpoints, setup, teardown),
      cmocka_unit_test_setup_teardown(get_training_run_failures_are_clear, setup, teardown),
      cmocka_unit_test_setup_teardown(list_training_runs_pages_and_filters_by_project, setup, teardown),
      cmocka_unit_test_setup_teardown(archive_url_downloads_the_checkpoint, setup, teardown),
      cmocka_unit_test_setup_teardown(export_session_trace_gives_a_url, setup, teardown),
      cmocka_unit_test_setup_teardown(audit_log_records_checkpoint_events, setup, teardown),
      cmocka_unit_test_setup_teardown(billing_usage_counts_what_was_trained_and_sampled, setup, teardown),
  };
  return cmocka_run_group_tests_name("rest_runs", tests, nullptr, nullptr);
}
