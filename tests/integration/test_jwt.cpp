// JWT mode (protocol.md §1.2, §5.1 step 2), against an emulator started with --jwt: its
// client/config answers pjwt_auth_enabled: true, auth/token accepts the raw API key, and every
// other authenticated endpoint then accepts only an issued, unexpired JWT — so a 200 there
// proves the client presented the JWT and not the raw key. The request log holds anonymous
// user ids, never credentials.
#include "harness.h"

#include <string>
#include <vector>

using namespace itest;

namespace {

const std::string kConfig = "/api/v1/client/config";
const std::string kToken = "/api/v1/auth/token";
const std::string kDynamic = "/api/v1/client/dynamic_config";
const std::string kCreateSession = "/api/v1/create_session";
const std::string kHeartbeat = "/api/v1/session_heartbeat";

std::vector<LogEntry> without_heartbeats(const std::vector<LogEntry>& log) {
  std::vector<LogEntry> out;
  for (const auto& e : log)
    if (e.path != kHeartbeat) out.push_back(e);
  return out;
}

}  // namespace

// The premise of this program: in JWT mode the raw key is refused outside config/token.
static void emulator_refuses_the_raw_key_in_jwt_mode(void**) {
  HttpReply r = http("GET", "/api/v1/get_server_capabilities", "", api_key());
  assert_int_equal(r.status, 401);
  r = http("POST", "/api/v1/client/config", "{}", api_key());
  assert_int_equal(r.status, 200);
  assert_true(contains(r.body, "\"pjwt_auth_enabled\":true"));
}

// §5.1: client/config (raw key), auth/token (raw key), then dynamic_config and create_session
// with the JWT, each answered 200.
static void session_start_exchanges_the_key_for_a_jwt_first(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  assert_status(tinker_service_client_start_session(c), TINKER_OK, tinker_last_error());
  auto log = without_heartbeats(request_log());
  std::vector<std::string> expected = {kConfig, kToken, kDynamic, kCreateSession};
  if (paths(log) != expected) dump(log);
  assert_true(paths(log) == expected);
  for (const auto& e : log) {
    assert_int_equal(e.status, 200);
    assert_true(e.has_api_key);
  }
  assert_non_null(tinker_service_client_session_id(c));
}

// Later requests (a direct call, a future's submission and polls, heartbeats) carry the JWT:
// the emulator accepts them.
static void later_requests_carry_the_jwt(void**) {
  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_heartbeat_interval_ms(o, 150), TINKER_OK);
  tinker_service_client_t* c = new_client(o);
  assert_status(tinker_service_client_start_session(c), TINKER_OK, tinker_last_error());
  tinker_server_capabilities_t* caps = nullptr;
  assert_status(tinker_service_client_get_server_capabilities(c, &caps), TINKER_OK, tinker_last_error());
  assert_true(tinker_server_capabilities_model_count(caps) > 0);
  tinker_server_capabilities_free(caps);
  Job job;
  job.delay_ms = 400;
  tinker_future_t* f = start_job(c, job);
  assert_status(wait_job(f), TINKER_OK, tinker_future_error(f));
  assert_true(eventually([] { return request_log(kHeartbeat).size() >= 2; }, 3000));

  auto log = request_log();
  for (const auto& e : log) {
    if (e.status != 200) dump(log);
    assert_int_equal(e.status, 200);
  }
  assert_int_equal(request_log(kToken).size(), 1);  // one exchange serves them all
}

// The emulator maps both the key and its JWT to one anonymous user; neither credential is
// recorded anywhere in its log.
static void request_log_records_user_ids_not_credentials(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  assert_status(tinker_service_client_start_session(c), TINKER_OK, tinker_last_error());
  auto log = request_log();
  assert_true(log.size() >= 4);
  for (const auto& e : log) {
    assert_false(e.user.empty());
    assert_string_equal(e.user.c_str(), log[0].user.c_str());
  }
  std::string raw = request_log_raw();
  assert_false(contains(raw, api_key()));
  assert_false(contains(raw, "eyJ"));
}

// §1.2: the token exchange always presents the API key itself. With a 1 s token lifetime the
// client refreshes about a second after the first exchange, when the first JWT has expired: a
// refresh that presented the old JWT instead of the key would be refused (401).
static void jwt_refresh_presents_the_api_key_not_the_old_jwt(void**) {
  set_config("{\"jwt_ttl_sec\": 1}");
  tinker_service_client_t* c = new_client(fast_options());
  assert_status(tinker_service_client_start_session(c), TINKER_OK, tinker_last_error());
  bool refreshed = eventually([] { return request_log(kToken).size() >= 2; }, 4000);
  auto tokens = request_log(kToken);
  if (!refreshed) dump(request_log());
  assert_true(refreshed);
  for (const auto& t : tokens) {
    if (t.status != 200) dump(tokens);
    assert_int_equal(t.status, 200);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(emulator_refuses_the_raw_key_in_jwt_mode, setup, teardown),
      cmocka_unit_test_setup_teardown(session_start_exchanges_the_key_for_a_jwt_first, setup, teardown),
      cmocka_unit_test_setup_teardown(later_requests_carry_the_jwt, setup, teardown),
      cmocka_unit_test_setup_teardown(request_log_records_user_ids_not_credentials, setup, teardown),
      cmocka_unit_test_setup_teardown(jwt_refresh_presents_the_api_key_not_the_old_jwt, setup, teardown),
  };
  return cmocka_run_group_tests_name("integration_jwt", tests, nullptr, nullptr);
}
