// The REST operations that read more than a JSON answer, against scripted answers: the archive
// URL (R7, R8) comes as a redirect that is read and never followed, or as JSON, after rounds of
// 503 while the archive is built; a trace export (R19) is asked for again while pending. Each
// runs blocking and _async; a server that answers badly gets a clear status, and the key goes
// nowhere.
#include <ctime>

#include "fixture.h"

using namespace hfix;
using hostile::Reply;
using hostile::Request;
using hostile::json_reply;
using itest::async_outcome;
using itest::blocking_outcome;
using itest::Rest;
using itest::utc_seconds;

namespace {

const char* const kArchive = "/api/v1/training_runs/run-1/checkpoints/weights/a/archive";
const char* const kTrace = "/api/v1/sessions/sess-1/trace_export";

struct Archive {
  Outcome outcome;
  std::string url, expires;
};

// R7 by ids or (by_path) R8, in form `f`.
Archive archive_url(tinker_rest_client_t* rest, Form f, bool by_path = false) {
  Archive a;
  tinker_checkpoint_archive_url_t* r = nullptr;
  if (f == Form::Blocking) {
    a.outcome = blocking_outcome(
        by_path ? tinker_rest_client_get_checkpoint_archive_url_from_tinker_path(rest, "tinker://run-1/weights/a", &r)
                : tinker_rest_client_get_checkpoint_archive_url(rest, "run-1", "weights/a", &r));
  } else {
    tinker_future_t* fut = nullptr;
    tinker_status_t s = by_path
                            ? tinker_rest_client_get_checkpoint_archive_url_from_tinker_path_async(
                                  rest, "tinker://run-1/weights/a", &fut)
                            : tinker_rest_client_get_checkpoint_archive_url_async(rest, "run-1", "weights/a", &fut);
    a.outcome = async_outcome(s, &fut);
    if (a.outcome.status == TINKER_OK)
      assert_status(tinker_future_take_checkpoint_archive_url(fut, &r), TINKER_OK, tinker_last_error());
  }
  note_message(a.outcome.message);
  if (r) {
    a.url = tinker_checkpoint_archive_url_url(r);
    a.expires = tinker_checkpoint_archive_url_expires(r);
    tinker_checkpoint_archive_url_free(r);
  }
  return a;
}

struct Trace {
  Outcome outcome;
  std::string url;
};

Trace trace_url(tinker_rest_client_t* rest, Form f) {
  Trace t;
  char* url = nullptr;
  if (f == Form::Blocking) {
    t.outcome = blocking_outcome(tinker_rest_client_export_session_trace(rest, "sess-1", &url));
  } else {
    tinker_future_t* fut = nullptr;
    t.outcome = async_outcome(tinker_rest_client_export_session_trace_async(rest, "sess-1", &fut), &fut);
    if (t.outcome.status == TINKER_OK) assert_status(tinker_future_take_string(fut, &url), TINKER_OK, tinker_last_error());
  }
  note_message(t.outcome.message);
  if (url) t.url = url;
  tinker_free(url);
  return t;
}

void quick_retries(tinker_client_options_t* o) {
  assert_status(tinker_client_options_set_archive_retry(o, 10, 6), TINKER_OK, nullptr);
  assert_status(tinker_client_options_set_trace_poll_interval_ms(o, 10), TINKER_OK, nullptr);
}

Reply redirect(const std::string& location, const std::string& expires = "") {
  Reply r = json_reply(302, "{}");
  r.headers.emplace_back("Location", location);
  if (!expires.empty()) r.headers.emplace_back("Expires", expires);
  return r;
}

// A 302 is the answer: its Location (on another host here) is returned, never fetched, and its
// Expires, an HTTP date, comes back in RFC 3339.
void archive_redirect_is_read_not_followed(void**) {
  hostile::Server storage;
  const std::string signed_url = storage.url() + "/ckpt.tar.gz?sig=abc&expires=1";
  proxy().add_rule(reply(kArchive, redirect(signed_url, "Sun, 06 Nov 2033 08:49:37 GMT")));
  Rest rest(client());
  for (Form f : kForms) {
    for (bool by_path : {false, true}) {
      Archive a = archive_url(rest.r, f, by_path);
      assert_status(a.outcome.status, TINKER_OK, nullptr);
      assert_string_equal(a.url.c_str(), signed_url.c_str());
      assert_string_equal(a.expires.c_str(), "2033-11-06T08:49:37Z");
    }
  }
  assert_int_equal(proxy().count(kArchive), 4);
  assert_int_equal(storage.requests().size(), 0);
}

// A Location that is a path names the server's own host; no Expires means 15 minutes.
void archive_relative_location_is_made_absolute(void**) {
  proxy().add_rule(reply(kArchive, redirect("/files/ckpt.tar.gz")));
  Rest rest(client());
  for (Form f : kForms) {
    const int64_t before = static_cast<int64_t>(std::time(nullptr));
    Archive a = archive_url(rest.r, f);
    const int64_t after = static_cast<int64_t>(std::time(nullptr));
    assert_status(a.outcome.status, TINKER_OK, nullptr);
    assert_string_equal(a.url.c_str(), (proxy().url() + "/files/ckpt.tar.gz").c_str());
    const int64_t expires = utc_seconds(a.expires);
    assert_true(expires >= before + 15 * 60 && expires <= after + 15 * 60);
  }
}

// The JSON form of the answer is read as it is.
void archive_json_answer_is_read(void**) {
  proxy().add_rule(reply(kArchive, json_reply(200, "{\"url\": \"https://s.example/a.tar.gz\", \"expires\": \"2033-01-01T00:00:00Z\"}")));
  Rest rest(client());
  for (Form f : kForms) {
    Archive a = archive_url(rest.r, f);
    assert_status(a.outcome.status, TINKER_OK, nullptr);
    assert_string_equal(a.url.c_str(), "https://s.example/a.tar.gz");
    assert_string_equal(a.expires.c_str(), "2033-01-01T00:00:00Z");
  }
}

// 503 while the archive is built: asked for again (every 10 ms here), then the redirect.
void archive_being_built_is_asked_for_again(void**) {
  Rest rest(client(quick_retries));
  for (Form f : kForms) {
    proxy().clear_rules();
    proxy().clear_requests();
    proxy().add_rule(reply(kArchive, json_reply(503, "{\"detail\": \"archive being built\"}"), 3));
    proxy().add_rule(reply(kArchive, redirect("https://s.example/a.tar.gz")));
    Archive a = archive_url(rest.r, f);
    assert_status(a.outcome.status, TINKER_OK, nullptr);
    assert_int_equal(proxy().count(kArchive), 4);
    assert_true(logs_containing("not ready (HTTP 503); asking again") >= 3);
  }
}

// An archive never built: the rounds end, then the usual 5xx handling ends the call UNAVAILABLE.
void archive_never_built_ends_unavailable(void**) {
  proxy().add_rule(reply(kArchive, json_reply(503, "{\"detail\": \"archive being built\"}")));
  Rest rest(client([](tinker_client_options_t* o) {
    assert_status(tinker_client_options_set_archive_retry(o, 1, 2), TINKER_OK, nullptr);
    assert_status(tinker_client_options_set_retry_budget_ms(o, 0), TINKER_OK, nullptr);
  }));
  Archive a = archive_url(rest.r, Form::Blocking);
  assert_status(a.outcome.status, TINKER_E_UNAVAILABLE, nullptr);
  assert_int_equal(a.outcome.http_status, 503);
  assert_true(proxy().count(kArchive) >= 3);  // the first request and two rounds, then HTTP retries
}

// A redirect with no Location, or one that is no URL, is DATA_LOSS; nothing is followed.
void archive_redirect_without_a_usable_location_is_data_loss(void**) {
  Rest rest(client());
  for (const char* location : {"", "javascript:alert(1)", "//evil.example/x", "https://s.example/a b"}) {
    proxy().clear_rules();
    Reply r = json_reply(302, "{}");
    if (*location) r.headers.emplace_back("Location", location);
    proxy().add_rule(reply(kArchive, r));
    for (Form f : kForms) {
      Archive a = archive_url(rest.r, f);
      assert_status(a.outcome.status, TINKER_E_DATA_LOSS, nullptr);
      assert_true(itest::contains(a.outcome.message, "no usable Location"));
    }
  }
}

Reply trace_answer(const std::string& body) { return json_reply(200, body); }

// Pending twice, then ready: the URL, after three requests.
void trace_export_is_asked_for_until_ready(void**) {
  Rest rest(client(quick_retries));
  for (Form f : kForms) {
    proxy().clear_rules();
    proxy().clear_requests();
    proxy().add_rule(reply(kTrace, trace_answer("{\"status\": \"pending\"}"), 2));
    proxy().add_rule(reply(kTrace, trace_answer("{\"status\": \"ready\", \"url\": \"https://s.example/trace.json\"}")));
    Trace t = trace_url(rest.r, f);
    assert_status(t.outcome.status, TINKER_OK, nullptr);
    assert_string_equal(t.url.c_str(), "https://s.example/trace.json");
    assert_int_equal(proxy().count(kTrace), 3);
  }
}

// A failed export is REQUEST_FAILED with the server's reason; a ready one without a URL and an
// unknown status are DATA_LOSS.
void trace_export_failures_are_clear(void**) {
  Rest rest(client(quick_retries));
  struct Case {
    const char* body;
    tinker_status_t status;
    const char* says;
  } cases[] = {
      {"{\"status\": \"failed\", \"error\": \"trace too large\"}", TINKER_E_REQUEST_FAILED, "trace too large"},
      {"{\"status\": \"ready\"}", TINKER_E_DATA_LOSS, "no url"},
      {"{\"status\": \"exploded\"}", TINKER_E_DATA_LOSS, "unknown export status \"exploded\""},
      {"{\"url\": \"https://s.example/t\"}", TINKER_E_DATA_LOSS, "status is missing"},
  };
  for (const Case& c : cases) {
    proxy().clear_rules();
    proxy().add_rule(reply(kTrace, trace_answer(c.body)));
    for (Form f : kForms) {
      Trace t = trace_url(rest.r, f);
      assert_status(t.outcome.status, c.status, nullptr);
      assert_true(itest::contains(t.outcome.message, c.says));
    }
  }
}

// A pending export that never ends stops at the call's deadline.
void trace_export_pending_for_ever_stops_at_the_deadline(void**) {
  proxy().add_rule(reply(kTrace, trace_answer("{\"status\": \"pending\"}")));
  Rest rest(client([](tinker_client_options_t* o) {
    quick_retries(o);
    assert_status(tinker_client_options_set_default_deadline_ms(o, 300), TINKER_OK, nullptr);
  }));
  for (Form f : kForms) assert_status(trace_url(rest.r, f).outcome.status, TINKER_E_DEADLINE_EXCEEDED, nullptr);
}

void the_api_key_leaked_nowhere(void**) { assert_key_never_leaked(); }

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(archive_redirect_is_read_not_followed, setup, teardown),
      cmocka_unit_test_setup_teardown(archive_relative_location_is_made_absolute, setup, teardown),
      cmocka_unit_test_setup_teardown(archive_json_answer_is_read, setup, teardown),
      cmocka_unit_test_setup_teardown(archive_being_built_is_asked_for_again, setup, teardown),
      cmocka_unit_test_setup_teardown(archive_never_built_ends_unavailable, setup, teardown),
      cmocka_unit_test_setup_teardown(archive_redirect_without_a_usable_location_is_data_loss, setup, teardown),
      cmocka_unit_test_setup_teardown(trace_export_is_asked_for_until_ready, setup, teardown),
      cmocka_unit_test_setup_teardown(trace_export_failures_are_clear, setup, teardown),
      cmocka_unit_test_setup_teardown(trace_export_pending_for_ever_stops_at_the_deadline, setup, teardown),
      cmocka_unit_test(the_api_key_leaked_nowhere),
  };
  return cmocka_run_group_tests_name("hostile_rest", tests, group_setup, group_teardown);
}
