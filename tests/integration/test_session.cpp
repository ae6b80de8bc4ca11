// Session lifecycle against the emulator (protocol.md §5.1–§5.4, §2.1): lazy startup, the order
// and content of the startup requests, heartbeats, REST-only startup, config failures.
#include "harness.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

using namespace itest;

namespace {

const std::string kConfig = "/api/v1/client/config";
const std::string kDynamic = "/api/v1/client/dynamic_config";
const std::string kCreateSession = "/api/v1/create_session";
const std::string kHeartbeat = "/api/v1/session_heartbeat";

void assert_paths(const std::vector<LogEntry>& log, const std::vector<std::string>& expected) {
  if (paths(log) != expected) {
    print_error("unexpected request sequence; expected:\n");
    for (const auto& p : expected) print_error("  %s\n", p.c_str());
    print_error("got:\n");
    dump(log);
    fail();
  }
}

// The emulator's record of the client's session (sessions accumulate over the whole program).
SessionInfo session_of(tinker_service_client_t* c) {
  const char* id = tinker_service_client_session_id(c);
  assert_non_null(id);
  for (auto& s : sessions())
    if (s.session_id == id) return s;
  print_error("session %s unknown to the emulator\n", id);
  fail();
  return {};
}

// Everything except heartbeats (their timing is checked separately).
std::vector<LogEntry> startup_requests() {
  std::vector<LogEntry> out;
  for (auto& e : request_log())
    if (e.path != kHeartbeat) out.push_back(e);
  return out;
}

}  // namespace

// §5.1: "ServiceClient(...) does no I/O on construction."
static void client_creation_does_no_io(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  sleep_ms(300);
  auto log = request_log();
  if (!log.empty()) dump(log);
  assert_int_equal(log.size(), 0);
  assert_null(tinker_service_client_session_id(c));
  free_client(c);
  assert_int_equal(request_log().size(), 0);
}

// §5.1 steps 1, 3, 4 (no JWT here): client/config, then dynamic_config, then create_session,
// each answered 200, and the session id the client reports is the one the server created.
static void start_session_runs_config_then_dynamic_config_then_create_session(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  assert_status(tinker_service_client_start_session(c), TINKER_OK, tinker_last_error());

  auto log = startup_requests();
  assert_paths(log, {kConfig, kDynamic, kCreateSession});
  for (const auto& e : log) {
    assert_string_equal(e.method.c_str(), "POST");
    assert_int_equal(e.status, 200);
    assert_true(e.has_api_key);
    assert_string_equal(e.header("content-type").c_str(), "application/json");
    assert_string_equal(e.header("x-stainless-retry-count").c_str(), "0");
    assert_false(e.header("x-idempotency-key").empty());  // every non-GET carries one (§1.3)
  }

  const char* id = tinker_service_client_session_id(c);
  assert_non_null(id);
  assert_string_equal(session_of(c).session_id.c_str(), id);
}

// §5.4: tags, user_metadata, sdk_version and project_id come from the options.
static void create_session_carries_tags_metadata_project_and_sdk_version(void**) {
  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_add_tag(o, "integration"), TINKER_OK);
  assert_int_equal(tinker_client_options_add_tag(o, "nightly"), TINKER_OK);
  assert_int_equal(tinker_client_options_add_user_metadata(o, "owner", "alice"), TINKER_OK);
  assert_int_equal(tinker_client_options_add_user_metadata(o, "run", "first"), TINKER_OK);
  assert_int_equal(tinker_client_options_add_user_metadata(o, "run", "42"), TINKER_OK);  // later wins
  assert_int_equal(tinker_client_options_set_project_id(o, "proj-7"), TINKER_OK);
  assert_int_equal(tinker_client_options_set_sdk_version(o, "0.25.0"), TINKER_OK);
  tinker_service_client_t* c = new_client(o);
  assert_status(tinker_service_client_start_session(c), TINKER_OK, tinker_last_error());

  const SessionInfo s = session_of(c);
  assert_int_equal(s.tags.size(), 2);
  assert_string_equal(s.tags[0].c_str(), "integration");
  assert_string_equal(s.tags[1].c_str(), "nightly");
  assert_int_equal(s.user_metadata.size(), 2);
  assert_string_equal(s.user_metadata.at("owner").c_str(), "alice");
  assert_string_equal(s.user_metadata.at("run").c_str(), "42");
  assert_string_equal(s.project_id.c_str(), "proj-7");
  assert_string_equal(s.sdk_version.c_str(), "0.25.0");
}

// §5.4 / §1.1: without options, tags come from TINKER_TAGS (comma-separated, duplicates
// collapse), project_id from TINKER_PROJECT_ID; user_metadata is {}.
static void create_session_takes_tags_and_project_from_the_environment(void**) {
  setenv("TINKER_TAGS", "env-b,env-a,env-b", 1);
  setenv("TINKER_PROJECT_ID", "env-project", 1);
  tinker_service_client_t* c = new_client(fast_options());
  unsetenv("TINKER_TAGS");
  unsetenv("TINKER_PROJECT_ID");
  assert_status(tinker_service_client_start_session(c), TINKER_OK, tinker_last_error());

  const SessionInfo s = session_of(c);
  std::vector<std::string> tags = s.tags;
  std::sort(tags.begin(), tags.end());
  assert_int_equal(tags.size(), 2);
  assert_string_equal(tags[0].c_str(), "env-a");
  assert_string_equal(tags[1].c_str(), "env-b");
  assert_string_equal(s.project_id.c_str(), "env-project");
  assert_int_equal(s.user_metadata.size(), 0);
}

// §5.4: project_id is omitted (null on the server) when neither option nor env gives one.
static void create_session_omits_project_id_when_none_is_set(void**) {
  unsetenv("TINKER_PROJECT_ID");
  tinker_service_client_t* c = new_client(fast_options());
  assert_status(tinker_service_client_start_session(c), TINKER_OK, tinker_last_error());
  const SessionInfo s = session_of(c);
  assert_string_equal(s.project_id.c_str(), "");
  assert_int_equal(s.tags.size(), 0);
}

// Concurrent first uses share one startup: one client/config, one create_session.
static void concurrent_session_starts_share_one_startup(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_future_t* fs[4];
  for (auto& f : fs) {
    assert_int_equal(tinker_service_client_start_session_async(c, &f), TINKER_OK);
    track(f);
  }
  assert_int_equal(tinker_future_wait_all(fs, 4, 10000), TINKER_OK);
  for (auto* f : fs) assert_status(tinker_future_poll(f), TINKER_OK, tinker_future_error(f));
  assert_paths(startup_requests(), {kConfig, kDynamic, kCreateSession});
  // A later start is a no-op.
  assert_status(tinker_service_client_start_session(c), TINKER_OK, tinker_last_error());
  assert_int_equal(startup_requests().size(), 3);
}

// §5.2: heartbeats run in the background at the configured period and carry the session id.
static void heartbeats_reach_the_server_at_the_configured_interval(void**) {
  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_heartbeat_interval_ms(o, 200), TINKER_OK);
  tinker_service_client_t* c = new_client(o);
  assert_status(tinker_service_client_start_session(c), TINKER_OK, tinker_last_error());
  std::string id = tinker_service_client_session_id(c);

  bool enough = eventually([&] { return session_of(c).heartbeats >= 4; }, 2500);
  if (!enough) dump(request_log());
  assert_true(enough);

  auto beats = request_log(kHeartbeat);
  assert_true(beats.size() >= 4);
  for (const auto& b : beats) {
    assert_int_equal(b.status, 200);
    assert_string_equal(b.session_id.c_str(), id.c_str());
  }
  auto gaps = gaps_ms(beats);
  double sum = 0;
  for (double g : gaps) sum += g;
  double mean = sum / static_cast<double>(gaps.size());
  print_message("mean heartbeat gap %.1f ms over %zu gaps\n", mean, gaps.size());
  assert_true(mean > 150 && mean < 350);
}

// §5.2: "Heartbeats stop when the holder is … closed."
static void heartbeats_stop_when_the_client_is_freed(void**) {
  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_heartbeat_interval_ms(o, 100), TINKER_OK);
  tinker_service_client_t* c = new_client(o);
  assert_status(tinker_service_client_start_session(c), TINKER_OK, tinker_last_error());
  assert_true(eventually([] { return request_log(kHeartbeat).size() >= 2; }, 2000));
  free_client(c);
  size_t after_free = request_log(kHeartbeat).size();
  sleep_ms(500);
  assert_int_equal(request_log(kHeartbeat).size(), after_free);
}

// §5.1: the REST holder (create_rest_client, get_server_capabilities) runs client/config and
// dynamic_config only: no session, no heartbeat.
static void rest_client_and_capabilities_create_no_session(void**) {
  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_heartbeat_interval_ms(o, 100), TINKER_OK);
  tinker_service_client_t* c = new_client(o);
  size_t sessions_before = sessions().size();
  tinker_rest_client_t* rest = nullptr;
  assert_int_equal(tinker_service_client_create_rest_client(c, &rest), TINKER_OK);
  assert_non_null(rest);
  assert_int_equal(request_log().size(), 0);  // creating a REST client is no I/O either

  tinker_server_capabilities_t* caps = nullptr;
  assert_status(tinker_service_client_get_server_capabilities(c, &caps), TINKER_OK, tinker_last_error());
  tinker_server_capabilities_free(caps);
  sleep_ms(400);  // several heartbeat periods

  assert_paths(request_log(), {kConfig, kDynamic, "/api/v1/get_server_capabilities"});
  assert_int_equal(sessions().size(), sessions_before);
  assert_null(tinker_service_client_session_id(c));
  tinker_rest_client_free(rest);
}

// §2.1: a 404 from dynamic_config means "use the defaults"; the session still starts, and the
// 404 is not retried.
static void dynamic_config_404_is_tolerated(void**) {
  set_config("{\"dynamic_config_404\": true}");
  tinker_service_client_t* c = new_client(fast_options());
  assert_status(tinker_service_client_start_session(c), TINKER_OK, tinker_last_error());
  auto log = startup_requests();
  assert_paths(log, {kConfig, kDynamic, kCreateSession});
  assert_int_equal(log[1].status, 404);
  assert_int_equal(log[2].status, 200);
  assert_non_null(tinker_service_client_session_id(c));
}

// §10 item 10: client/config is mandatory; a 404 (not retryable) fails the operation at once,
// and nothing after it is attempted.
static void client_config_404_fails_the_operation(void**) {
  add_fault("{\"path\": \"/api/v1/client/config\", \"action\": \"status\", \"status\": 404}");
  tinker_service_client_t* c = new_client(fast_options());
  size_t sessions_before = sessions().size();
  tinker_status_t s = tinker_service_client_start_session(c);
  const tinker_error_t* e = tinker_last_error();
  assert_status(s, TINKER_E_NOT_FOUND, e);
  assert_int_equal(tinker_error_http_status(e), 404);
  assert_true(contains(tinker_error_message(e), "client/config"));
  assert_paths(request_log(), {kConfig});
  assert_null(tinker_service_client_session_id(c));
  assert_int_equal(sessions().size(), sessions_before);
}

// A failed startup is not cached: the next operation runs client/config again.
static void failed_startup_is_retried_by_the_next_operation(void**) {
  add_fault("{\"path\": \"/api/v1/client/config\", \"action\": \"status\", \"status\": 404}");
  tinker_service_client_t* c = new_client(fast_options());
  assert_int_equal(tinker_service_client_start_session(c), TINKER_E_NOT_FOUND);
  assert_status(tinker_service_client_start_session(c), TINKER_OK, tinker_last_error());
  assert_paths(startup_requests(), {kConfig, kConfig, kDynamic, kCreateSession});
}

// §4.2: client/config is wrapped in the retry layers: a 503 is retried and startup succeeds.
static void client_config_5xx_is_retried(void**) {
  add_fault("{\"path\": \"/api/v1/client/config\", \"action\": \"status\", \"status\": 503,"
            " \"headers\": {\"retry-after-ms\": \"20\"}}");
  tinker_service_client_t* c = new_client(fast_options());
  assert_status(tinker_service_client_start_session(c), TINKER_OK, tinker_last_error());
  auto log = startup_requests();
  assert_paths(log, {kConfig, kConfig, kDynamic, kCreateSession});
  assert_int_equal(log[0].status, 503);
  assert_string_equal(log[1].header("x-stainless-retry-count").c_str(), "1");
  assert_string_equal(log[0].header("x-idempotency-key").c_str(), log[1].header("x-idempotency-key").c_str());
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(client_creation_does_no_io, setup, teardown),
      cmocka_unit_test_setup_teardown(start_session_runs_config_then_dynamic_config_then_create_session, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(create_session_carries_tags_metadata_project_and_sdk_version, setup, teardown),
      cmocka_unit_test_setup_teardown(create_session_takes_tags_and_project_from_the_environment, setup, teardown),
      cmocka_unit_test_setup_teardown(create_session_omits_project_id_when_none_is_set, setup, teardown),
      cmocka_unit_test_setup_teardown(concurrent_session_starts_share_one_startup, setup, teardown),
      cmocka_unit_test_setup_teardown(heartbeats_reach_the_server_at_the_configured_interval, setup, teardown),
      cmocka_unit_test_setup_teardown(heartbeats_stop_when_the_client_is_freed, setup, teardown),
      cmocka_unit_test_setup_teardown(rest_client_and_capabilities_create_no_session, setup, teardown),
      cmocka_unit_test_setup_teardown(dynamic_config_404_is_tolerated, setup, teardown),
      cmocka_unit_test_setup_teardown(client_config_404_fails_the_operation, setup, teardown),
      cmocka_unit_test_setup_teardown(failed_startup_is_retried_by_the_next_operation, setup, teardown),
      cmocka_unit_test_setup_teardown(client_config_5xx_is_retried, setup, teardown),
  };
  return cmocka_run_group_tests_name("integration_session", tests, nullptr, nullptr);
}
