// Durations from the server and the caller saturate: a JWT expiring in the year 3000, a
// refresh interval of 1e10 s, a heartbeat every INT64_MAX ms or a deadline of INT64_MAX ms
// mean "far away", never "now, again and again".
#include "fixture.h"

using namespace hfix;
using hostile::Reply;
using hostile::json_reply;

namespace {

const char* const kToken = "/api/v1/auth/token";
const char* const kDynamic = "/api/v1/client/dynamic_config";
const char* const kHeartbeat = "/api/v1/session_heartbeat";

// Before, each of these made thousands of auth/token requests a second.
void far_future_jwt_expiry_is_refreshed_once_not_in_a_loop(void**) {
  for (const char* exp : {"32503680000", "1e308", "1e999"}) {
    proxy().clear_rules();
    proxy().clear_requests();
    scripted_startup("{\"pjwt_auth_enabled\": true}", "{\"jwt\": \"" + jwt(std::string("{\"exp\":") + exp + "}") + "\"}");
    for (Form f : kForms) {
      tinker_service_client_t* c = client();
      assert_status(start_session(c, f).status, TINKER_OK, nullptr);
    }
    itest::sleep_ms(700);
    if (proxy().count(kToken) != 2) {
      print_error("exp %s: %zu token requests for two clients\n", exp, proxy().count(kToken));
      fail();
    }
  }
}

// Before: 8,453 dynamic_config requests in 3 s for 1e10.
void dynamic_config_refresh_interval_saturates_or_is_refused(void**) {
  for (const char* interval : {"1e10", "1e308", "9223372036854775807", "-5", "0", "\"60\""}) {
    proxy().clear_rules();
    proxy().clear_requests();
    scripted_startup("{}", "", json_reply(200, std::string("{\"refresh_interval_sec\": ") + interval + "}"));
    for (Form f : kForms) {
      tinker_service_client_t* c = client();
      assert_status(start_session(c, f).status, TINKER_OK, nullptr);
    }
    itest::sleep_ms(500);
    if (proxy().count(kDynamic) != 2) {
      print_error("refresh_interval_sec %s: %zu dynamic_config requests for two clients\n", interval, proxy().count(kDynamic));
      fail();
    }
  }
  assert_true(logs_containing("refresh_interval_sec is not a whole number") >= 2);
}

void heartbeat_every_int64_max_ms_sends_none(void**) {
  scripted_startup("{}");
  for (Form f : kForms) {
    tinker_service_client_t* c = client([](tinker_client_options_t* o) {
      tinker_client_options_set_heartbeat_interval_ms(o, INT64_MAX);
    });
    assert_status(start_session(c, f).status, TINKER_OK, nullptr);
  }
  itest::sleep_ms(500);
  assert_int_equal(proxy().count(kHeartbeat), 0);
  // The other end of the range: 1 ms heartbeats do run (each is sent after the previous one's timer).
  tinker_service_client_t* fast = client([](tinker_client_options_t* o) { tinker_client_options_set_heartbeat_interval_ms(o, 1); });
  assert_status(start_session(fast, Form::Blocking).status, TINKER_OK, nullptr);
  assert_true(itest::eventually([] { return proxy().count(kHeartbeat) >= 3; }, 2000));
}

// Before: every call failed at once with DEADLINE_EXCEEDED.
void deadline_of_int64_max_ms_lets_calls_complete(void**) {
  tinker_service_client_t* c = client([](tinker_client_options_t* o) { tinker_client_options_set_default_deadline_ms(o, INT64_MAX); });
  for (Form f : kForms) {
    assert_status(health(c, f).status, TINKER_OK, nullptr);
    assert_status(capabilities(c, f).status, TINKER_OK, nullptr);
  }
  tinker_future_t* fut = nullptr;
  assert_status(tinker_service_client_health_check_async(c, &fut), TINKER_OK, nullptr);
  itest::track(fut);
  assert_status(tinker_future_wait(fut, INT64_MAX), TINKER_OK, tinker_future_error(fut));
  tinker_future_t* all[1] = {fut};
  assert_status(tinker_future_wait_all(all, 1, INT64_MAX), TINKER_OK, nullptr);
}

// A retry-after far in the future is not honoured (§4.1: only 0 < d <= 60 s), so a 503 with
// one is retried on the protocol's own schedule rather than waiting years or looping.
void retry_after_of_years_is_ignored(void**) {
  Reply busy = json_reply(503, "{}");
  busy.headers.emplace_back("Retry-After", "99999999999");
  busy.headers.emplace_back("Retry-After-Ms", "1e300");
  proxy().add_rule(reply("/api/v1/get_server_capabilities", busy, 2));
  tinker_service_client_t* c = client();
  assert_status(capabilities(c, Form::Blocking).status, TINKER_OK, nullptr);
  assert_int_equal(proxy().count("/api/v1/get_server_capabilities"), 3);
}

void the_api_key_leaked_nowhere(void**) { assert_key_never_leaked(); }

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(far_future_jwt_expiry_is_refreshed_once_not_in_a_loop, setup, teardown),
      cmocka_unit_test_setup_teardown(dynamic_config_refresh_interval_saturates_or_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(heartbeat_every_int64_max_ms_sends_none, setup, teardown),
      cmocka_unit_test_setup_teardown(deadline_of_int64_max_ms_lets_calls_complete, setup, teardown),
      cmocka_unit_test_setup_teardown(retry_after_of_years_is_ignored, setup, teardown),
      cmocka_unit_test_setup_teardown(the_api_key_leaked_nowhere, setup, teardown),
  };
  return cmocka_run_group_tests_name("hostile_timers", tests, group_setup, group_teardown);
}
