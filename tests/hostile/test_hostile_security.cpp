// No injection, no credential where it does not belong: a server's JWT cannot add header
// lines, redirects are never followed (so the key never reaches another host or plain http),
// and server text that echoes the key reaches no log, message or callback with it.
#include <mutex>

#include "fixture.h"

using namespace hfix;
using hostile::Reply;
using hostile::Request;
using hostile::json_reply;

namespace {

const char* const kCaps = "/api/v1/get_server_capabilities";
const char* const kPoll = "/api/v1/retrieve_future";

bool any_head_contains(const std::string& needle) {
  for (const auto& r : proxy().requests())
    if (r.head.find(needle) != std::string::npos) return true;
  return false;
}

// The JWT becomes every later request's X-API-Key: a CR LF in it would add header lines.
void server_jwt_with_a_line_break_is_refused_and_adds_no_header(void**) {
  scripted_startup("{\"pjwt_auth_enabled\": true}", "{\"jwt\": \"eyJhbGciOiJub25lIn0.e30.c2ln\\r\\nX-Injected: 1\"}");
  for (Form f : kForms) {
    Outcome o = start_session(client(), f);
    assert_status(o.status, TINKER_E_DATA_LOSS, nullptr);
    assert_true(itest::contains(o.message, "jwt"));
  }
  assert_false(any_head_contains("X-Injected"));
  assert_int_equal(proxy().count("/api/v1/create_session"), 0);
}

Reply redirect(long status, const std::string& location) {
  Reply r = json_reply(status, "{}");
  r.headers.emplace_back("Location", location);
  return r;
}

// Before: the key followed a redirect to another host, also from https to http.
void redirects_are_not_followed_and_the_key_goes_nowhere_else(void**) {
  hostile::Server elsewhere;
  tinker_service_client_t* c = client();
  for (long status : {301L, 302L, 307L, 308L}) {
    proxy().clear_rules();
    proxy().clear_requests();
    proxy().add_rule(reply(kCaps, redirect(status, "http://user:hunter2@127.0.0.1:" + std::to_string(elsewhere.port()) + kCaps)));
    for (Form f : kForms) {
      Outcome o = capabilities(c, f);
      assert_status(o.status, TINKER_E_FAILED_PRECONDITION, nullptr);
      assert_int_equal(o.http_status, status);
      assert_true(itest::contains(o.message, "redirect to " + elsewhere.url()));
      assert_false(itest::contains(o.message, "hunter2"));
    }
    assert_int_equal(proxy().count(kCaps), 2);  // not retried either
  }
  assert_int_equal(elsewhere.requests().size(), 0);
  note_wire(elsewhere.requests());
}

// Before: ~3,800 redirects per attempt, 7,513 requests per call.
void a_redirect_loop_costs_one_request(void**) {
  tinker_service_client_t* c = client();
  proxy().add_rule(reply(kCaps, redirect(302, proxy().url() + kCaps)));
  for (Form f : kForms) assert_status(capabilities(c, f).status, TINKER_E_FAILED_PRECONDITION, nullptr);
  assert_int_equal(proxy().count(kCaps), 2);
}

std::mutex g_reasons_mu;
std::vector<std::string> g_reasons;
void on_queue_state(tinker_queue_state_t, const char* reason, const char*, void*) {
  std::lock_guard<std::mutex> lk(g_reasons_mu);
  g_reasons.emplace_back(reason);
}

// Server text that echoes the key: session messages (logged), a queue-state reason (logged and
// passed to the callback), error bodies (in messages), with the key where the old 512-byte cut
// fell and in a failed future's error.
void server_text_echoing_the_key_is_redacted_everywhere(void**) {
  proxy().add_rule(edit("/api/v1/create_session", [](const Request&, Reply& r) {
    r.body.insert(1, "\"info_message\":\"hello " + kKey + "\",\"warning_message\":\"" + kKey + "\",\"error_message\":\"x" +
                         kKey + "x\",");
  }));
  tinker_service_client_t* c = client([](tinker_client_options_t* o) {
    tinker_client_options_set_queue_state_callback(o, on_queue_state, nullptr);
  });
  assert_status(start_session(c, Form::Blocking).status, TINKER_OK, nullptr);
  assert_true(logs_containing("hello [redacted]") >= 1);

  tinker_training_client_t* tc = itest::new_training_client(c);
  itest::TrainBatch b;
  b.add_text("echo");
  proxy().add_rule(reply(kPoll, json_reply(200, "{\"type\":\"try_again\",\"request_id\":\"r\",\"queue_state\":\"paused_capacity\","
                                                "\"queue_state_reason\":\"capacity for " + kKey + "\"}"), 2));
  for (Form f : kForms) assert_status(forward(tc, b, f).status, TINKER_OK, nullptr);
  assert_true(itest::eventually([] {
    std::lock_guard<std::mutex> lk(g_reasons_mu);
    return g_reasons.size() >= 2;
  }, 2000));
  {
    std::lock_guard<std::mutex> lk(g_reasons_mu);
    for (const auto& r : g_reasons) {
      note_message(r);
      assert_true(itest::contains(r, "capacity for [redacted]"));
    }
  }
  for (size_t pad : {480, 500, 505, 510, 512, 520}) {
    proxy().clear_rules();
    proxy().add_rule(reply(kCaps, json_reply(400, "{\"detail\":\"" + std::string(pad, 'p') + kKey + "\"}")));
    for (Form f : kForms) assert_status(capabilities(c, f).status, TINKER_E_INVALID_ARGUMENT, nullptr);
  }
  proxy().clear_rules();
  proxy().add_rule(reply(kPoll, json_reply(200, "{\"error\":\"bad key " + kKey + "\",\"category\":\"user\"}")));
  for (Form f : kForms) {
    Outcome o = forward(tc, b, f);
    assert_status(o.status, TINKER_E_REQUEST_FAILED, nullptr);
    assert_true(itest::contains(o.message, "bad key [redacted]"));
  }
}

// Messages reach bindings and terminals: no raw control characters, valid UTF-8, bounded size.
void server_text_in_messages_is_printable_and_bounded(void**) {
  tinker_service_client_t* c = client();
  tinker_training_client_t* tc = itest::new_training_client(c);
  itest::TrainBatch b;
  b.add_text("long");
  proxy().add_rule(reply(kPoll, json_reply(200, "{\"error\":\"" + std::string(10 << 20, 'e') + "\",\"category\":\"server\"}")));
  for (Form f : kForms) {
    Outcome o = forward(tc, b, f);
    assert_status(o.status, TINKER_E_REQUEST_FAILED, nullptr);
    assert_true(o.message.size() <= 4096);  // 10 MB in: 10 MB out before
  }
  proxy().clear_rules();
  proxy().add_rule(reply(kCaps, json_reply(500, "{\"detail\":\"line1\\nline2\\u001b[31m red\"}"), 1));
  proxy().add_rule(reply(kCaps, json_reply(500, "not json: \xff\xfe \xc3( \r\n\x07")));
  tinker_service_client_t* once = client([](tinker_client_options_t* opt) {
    tinker_client_options_set_max_retries(opt, 0);
    tinker_client_options_set_retry_budget_ms(opt, 0);
  });
  Outcome o = capabilities(once, Form::Blocking);
  assert_true(itest::contains(o.message, "line1\\nline2\\x1b[31m red"));
  for (unsigned char ch : o.message) assert_true(ch >= 0x20 || ch == '\t');
  o = capabilities(once, Form::Async);
  assert_true(itest::contains(o.message, "not json: \xef\xbf\xbd"));  // U+FFFD for the invalid bytes
  assert_true(itest::contains(o.message, "\\r\\n\\x07"));
  assert_false(itest::contains(o.message, "\xff"));
}

void the_api_key_leaked_nowhere(void**) { assert_key_never_leaked(); }

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(server_jwt_with_a_line_break_is_refused_and_adds_no_header, setup, teardown),
      cmocka_unit_test_setup_teardown(redirects_are_not_followed_and_the_key_goes_nowhere_else, setup, teardown),
      cmocka_unit_test_setup_teardown(a_redirect_loop_costs_one_request, setup, teardown),
      cmocka_unit_test_setup_teardown(server_text_echoing_the_key_is_redacted_everywhere, setup, teardown),
      cmocka_unit_test_setup_teardown(server_text_in_messages_is_printable_and_bounded, setup, teardown),
      cmocka_unit_test_setup_teardown(the_api_key_leaked_nowhere, setup, teardown),
  };
  return cmocka_run_group_tests_name("hostile_security", tests, group_setup, group_teardown);
}
