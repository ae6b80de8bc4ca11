// What cannot heal fails at once; what can is retried visibly and within bounds: a certificate
// that does not verify is final (and names the option that fixes it), a server that answers
// "not yet" instantly is not polled thousands of times a second, every retry is logged at
// info, and the final message says what kept failing and for how long.
#include "fixture.h"
#include "tls_server.h"

#include <algorithm>

using namespace hfix;
using hostile::Reply;
using hostile::json_reply;

namespace {

const char* const kCaps = "/api/v1/get_server_capabilities";
const char* const kPoll = "/api/v1/retrieve_future";

tinker_service_client_t* tls_client(const hostile::TlsServer& tls, const std::string& ca_file) {
  tinker_client_options_t* o = options(tls.url());
  if (!ca_file.empty()) tinker_client_options_set_ca_bundle_path(o, ca_file.c_str());
  return itest::new_client(o);
}

// Before: retried as a network error for 304 s with the defaults.
void untrusted_certificate_fails_at_once_naming_the_ca_bundle_option(void**) {
  hostile::TlsServer tls("IP:127.0.0.1");
  tinker_service_client_t* c = tls_client(tls, "");
  for (Form f : kForms) {
    Outcome o = health(c, f);
    assert_status(o.status, TINKER_E_FAILED_PRECONDITION, nullptr);
    assert_true(itest::contains(o.message, "certificate"));
    assert_true(itest::contains(o.message, "tinker_client_options_set_ca_bundle_path"));
  }
  assert_int_equal(tls.connections(), 2);  // one per call: no retries
}

void certificate_for_another_host_fails_at_once(void**) {
  hostile::TlsServer tls("DNS:other.invalid");
  tinker_service_client_t* c = tls_client(tls, tls.ca_file());  // trusted, but not for 127.0.0.1
  for (Form f : kForms) {
    Outcome o = health(c, f);
    assert_status(o.status, TINKER_E_FAILED_PRECONDITION, nullptr);
    assert_true(itest::contains(o.message, "127.0.0.1"));
  }
  assert_int_equal(tls.connections(), 2);
}

// The control: the same kind of server, trusted through the option the messages name.
void certificate_trusted_through_the_ca_bundle_option_works(void**) {
  hostile::TlsServer tls("IP:127.0.0.1");
  tinker_service_client_t* c = tls_client(tls, tls.ca_file());
  for (Form f : kForms) assert_status(health(c, f).status, TINKER_OK, nullptr);
}

// Before: ~4,000 polls a second for an instant try_again, ~2,600 for a proxy's 502. On the
// skipping clock the waits pass at once and show exactly in the polls' send times: 5 polls at
// once, then 10 ms, 20 ms, 40 ms, … up to 1 s between polls.
void instant_not_yet_answers_are_polled_with_growing_delays(void**) {
  tinker_training_client_t* tc = itest::new_training_client(client([](tinker_client_options_t* o) {
    o->o.time_source = std::make_shared<tinker::SkippingClock>();
  }));
  itest::TrainBatch b;
  b.add_text("throttle");
  const Reply answers[] = {json_reply(200, "{\"type\":\"try_again\",\"request_id\":\"r\",\"queue_state\":\"active\"}"),
                           json_reply(502, "<html>bad gateway</html>"), json_reply(408, "{}")};
  const size_t kPolls = 14;
  for (const Reply& not_yet : answers) {
    proxy().clear_rules();
    proxy().clear_requests();
    proxy().add_rule(reply(kPoll, not_yet));
    tinker_future_t* f = nullptr;
    assert_status(tinker_training_client_forward_async(tc, b.get(), "cross_entropy", nullptr, &f), TINKER_OK, nullptr);
    itest::track(f);
    assert_true(itest::eventually([] { return proxy().count(kPoll) >= kPolls; }, 10000));
    tinker_future_cancel(f);
    // This future's polls only (a poll of the previous round may still reach the proxy late).
    auto request_id = [](const hostile::Request& r) { return r.body.substr(0, r.body.find(',')); };
    const auto all = proxy().requests();
    std::string mine;
    for (const auto& r : all)
      if (r.path == kPoll) mine = request_id(r);
    std::vector<double> sent;
    for (const auto& r : all)
      if (r.path == kPoll && request_id(r) == mine) sent.push_back(std::stod(r.header("x-tinker-test-clock-us")) / 1000.0);
    assert_true(sent.size() >= kPolls);
    for (size_t i = 1; i < kPolls; ++i) {
      const double gap = sent[i] - sent[i - 1];
      const double want = i <= 5 ? 0.0 : std::min(10.0 * (1 << (i - 6)), 1000.0);
      if (gap < want || (i <= 5 && gap > 250)) {
        print_error("HTTP %ld: gap before poll %zu is %.1f ms, expected %.0f ms\n", not_yet.status, i, gap, want);
        fail();
      }
    }
    itest::free_future(f);
  }
}

// Both forms of get_server_capabilities give up as unavailable, and the message says why (`cause`)
// and how many attempts were made (`gave_up_after`).
void capabilities_give_up_unavailable(tinker_service_client_t* c, const char* cause, const char* gave_up_after) {
  for (Form f : kForms) {
    Outcome o = capabilities(c, f);
    assert_status(o.status, TINKER_E_UNAVAILABLE, nullptr);
    assert_true(itest::contains(o.message, cause));
    assert_true(itest::contains(o.message, gave_up_after));
  }
}

// Every retry at info; the final message counts the attempts and the time they took.
void retries_are_logged_at_info_and_the_final_message_counts_them(void**) {
  proxy().add_rule(reply(kCaps, json_reply(503, "{\"detail\":\"overloaded\"}")));
  tinker_service_client_t* c = client([](tinker_client_options_t* o) {
    tinker_client_options_set_max_retries(o, 2);
    tinker_client_options_set_retry_budget_ms(o, 0);
  });
  capabilities_give_up_unavailable(c, "overloaded", "gave up after 3 attempts in");
  assert_true(logs_containing("HTTP retry 1 of 2") == 2);
  assert_true(logs_containing("HTTP retry 2 of 2") == 2);
}

// A server that accepts and never answers: each attempt ends at the request timeout, and the
// message says so.
void a_server_that_never_answers_ends_at_the_timeouts_with_a_clear_message(void**) {
  proxy().add_rule(answer(kCaps, hostile::silent()));
  tinker_service_client_t* c = client([](tinker_client_options_t* o) {
    tinker_client_options_set_request_timeout_ms(o, 300);
    tinker_client_options_set_max_retries(o, 1);
    tinker_client_options_set_retry_budget_ms(o, 0);
  });
  capabilities_give_up_unavailable(c, "timed out", "gave up after 2 attempts");
  // With a deadline, the deadline's message names what was failing meanwhile.
  tinker_service_client_t* d = client([](tinker_client_options_t* o) {
    tinker_client_options_set_request_timeout_ms(o, 200);
    tinker_client_options_set_default_deadline_ms(o, 1000);
  });
  Outcome o = capabilities(d, Form::Async);
  assert_status(o.status, TINKER_E_DEADLINE_EXCEEDED, nullptr);
  assert_true(itest::contains(o.message, "last failure"));
  assert_true(itest::contains(o.message, "timed out"));
}

void the_api_key_leaked_nowhere(void**) { assert_key_never_leaked(); }

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(untrusted_certificate_fails_at_once_naming_the_ca_bundle_option, setup, teardown),
      cmocka_unit_test_setup_teardown(certificate_for_another_host_fails_at_once, setup, teardown),
      cmocka_unit_test_setup_teardown(certificate_trusted_through_the_ca_bundle_option_works, setup, teardown),
      cmocka_unit_test_setup_teardown(instant_not_yet_answers_are_polled_with_growing_delays, setup, teardown),
      cmocka_unit_test_setup_teardown(retries_are_logged_at_info_and_the_final_message_counts_them, setup, teardown),
      cmocka_unit_test_setup_teardown(a_server_that_never_answers_ends_at_the_timeouts_with_a_clear_message, setup, teardown),
      cmocka_unit_test_setup_teardown(the_api_key_leaked_nowhere, setup, teardown),
  };
  return cmocka_run_group_tests_name("hostile_failfast", tests, group_setup, group_teardown);
}
