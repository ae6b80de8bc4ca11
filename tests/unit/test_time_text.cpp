// Times as the protocol writes them (wire/time_text.h), the checks the C API makes with them
// (billing windows, audit days) and the metadata a result lends (tinker_metadata_*).
#include "capi/handles.h"
#include "tinker/tinker.h"
#include "unit_test.h"
#include "wire/time_text.h"

using namespace tinker::wire;

namespace {

void rfc3339_times_with_an_offset_are_valid(void**) {
  for (const char* t : {"2026-12-01T00:00:00Z", "2026-12-01t23:59:59z", "2024-02-29T12:00:00.123456Z",
                        "2026-12-01T00:00:00+01:00", "2026-12-01T00:00:00-05:30", "2016-12-31T23:59:60Z"}) {
    std::string why;
    assert_true(parse_rfc3339(t, nullptr, nullptr, &why));
  }
}

void malformed_rfc3339_times_say_why(void**) {
  const std::pair<const char*, const char*> cases[] = {
      {"2026-12-01", "too short"},
      {"2026-12-01 00:00:00Z", "no 'T'"},
      {"2026-12-01T00:00:00", "too short"},
      {"2026-12-01T00:00:00.5", "no offset"},
      {"2026-12-01T00:00:00+0100", "no offset"},
      {"2026-13-01T00:00:00Z", "no such month"},
      {"2025-02-29T00:00:00Z", "no such day"},
      {"2026-12-01T24:00:00Z", "out of range"},
      {"2026-12-01T00:00:00.Z", "no fraction"},
      {"2026-12-01T00:00:00Zjunk", "no offset"},
      {"yyyy-12-01T00:00:00Z", "not YYYY-MM-DD"},
  };
  for (const auto& [text, says] : cases) {
    std::string why;
    assert_false(parse_rfc3339(text, nullptr, nullptr, &why));
    assert_non_null(strstr(why.c_str(), says));
  }
}

void days_must_exist(void**) {
  std::string why;
  assert_true(parse_day("2024-02-29", nullptr, &why));
  assert_false(parse_day("2023-02-29", nullptr, &why));
  assert_false(parse_day("2026-04-31", nullptr, &why));
  assert_false(parse_day("2026-4-30", nullptr, &why));
  assert_false(parse_day("2026-04-30Z", nullptr, &why));
}

void http_dates_read_as_utc_seconds(void**) {
  assert_int_equal(*parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  assert_int_equal(*parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  assert_int_equal(*parse_http_date("Tue, 29 Feb 2028 23:59:59 GMT"), 1835481599);
  for (const char* bad : {"Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 UTC",
                          "Sun, 31 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "", "0"})
    assert_false(parse_http_date(bad).has_value());
}

void rfc3339_utc_round_trips_http_dates(void**) {
  assert_string_equal(rfc3339_seconds(0).c_str(), "1970-01-01T00:00:00Z");
  assert_string_equal(rfc3339_seconds(784111777).c_str(), "1994-11-06T08:49:37Z");
  assert_string_equal(rfc3339_seconds(1835481599).c_str(), "2028-02-29T23:59:59Z");
  assert_string_equal(rfc3339_seconds(-1).c_str(), "1969-12-31T23:59:59Z");
}

void rfc3339_reads_the_instant_and_its_offset(void**) {
  double t = 0;
  int offset = -1;
  assert_true(parse_rfc3339("1994-11-06T09:49:37.25+01:00", &t, &offset, nullptr));
  assert_true(t == 784111777.25);
  assert_int_equal(offset, 3600);
  assert_true(parse_rfc3339("1970-01-01T00:00:00Z", &t, &offset, nullptr));
  assert_true(t == 0.0);
  assert_int_equal(offset, 0);
  int64_t day = 0;
  assert_true(parse_day("2028-02-29", &day, nullptr));
  assert_int_equal(day, 1835395200);
}

void times_are_written_as_the_protocol_does(void**) {
  assert_string_equal(http_date(784111777).c_str(), "Sun, 06 Nov 1994 08:49:37 GMT");
  assert_string_equal(http_date(0).c_str(), "Thu, 01 Jan 1970 00:00:00 GMT");
  assert_string_equal(rfc3339(784111777.5).c_str(), "1994-11-06T08:49:37.500000Z");
  assert_string_equal(rfc3339(1e300).c_str(), "9999-12-31T23:59:59.000000Z");  // clamped
  assert_string_equal(rfc3339(-5).c_str(), "1970-01-01T00:00:00.000000Z");
  for (int64_t t : {int64_t{0}, int64_t{784111777}, int64_t{1835481599}, int64_t{4102444800}})
    assert_int_equal(*parse_http_date(http_date(t)), t);
}

// The C checks behind R21 and R22: bad values are refused naming the parameter, nothing sent.
void billing_and_audit_arguments_are_checked_at_the_boundary(void**) {
  tinker_billing_usage_t* u = nullptr;
  auto* rest = reinterpret_cast<tinker_rest_client_t*>(0x1);  // never used: the checks come first
  assert_int_equal(tinker_rest_client_get_billing_usage(rest, "2026-12-01", "2026-12-02T00:00:00Z", &u),
                   TINKER_E_INVALID_ARGUMENT);
  assert_non_null(strstr(tinker_error_message(tinker_last_error()), "starting_on must be an RFC 3339 time"));
  assert_int_equal(tinker_rest_client_get_billing_usage(rest, "2026-12-01T00:00:00Z", "tomorrow", &u),
                   TINKER_E_INVALID_ARGUMENT);
  assert_non_null(strstr(tinker_error_message(tinker_last_error()), "ending_before must be an RFC 3339 time"));
  tinker_audit_log_t* log = nullptr;
  assert_int_equal(tinker_rest_client_get_audit_log(rest, "sessions", nullptr, &log), TINKER_E_INVALID_ARGUMENT);
  assert_non_null(strstr(tinker_error_message(tinker_last_error()), "event_type must be \"all\" or \"checkpoints\""));
  assert_int_equal(tinker_rest_client_get_audit_log(rest, nullptr, "2026-02-30", &log), TINKER_E_INVALID_ARGUMENT);
  assert_non_null(strstr(tinker_error_message(tinker_last_error()), "day must be a day, YYYY-MM-DD"));
}

void metadata_reads_in_key_order(void**) {
  tinker_metadata_t* m = nullptr;
  assert_int_equal(tinker_metadata_new(&m), TINKER_OK);
  assert_int_equal(tinker_metadata_set(m, "b", "2"), TINKER_OK);
  assert_int_equal(tinker_metadata_set(m, "a", "1"), TINKER_OK);
  assert_int_equal(tinker_metadata_count(m), 2);
  assert_string_equal(tinker_metadata_key(m, 0), "a");
  assert_string_equal(tinker_metadata_value(m, 1), "2");
  assert_string_equal(tinker_metadata_get(m, "b"), "2");
  assert_null(tinker_metadata_get(m, "c"));
  assert_null(tinker_metadata_key(m, 2));
  assert_null(tinker_metadata_value(nullptr, 0));
  assert_int_equal(tinker_metadata_count(nullptr), 0);
  tinker_metadata_free(m);
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rfc3339_times_with_an_offset_are_valid),
      cmocka_unit_test(malformed_rfc3339_times_say_why),
      cmocka_unit_test(days_must_exist),
      cmocka_unit_test(http_dates_read_as_utc_seconds),
      cmocka_unit_test(rfc3339_utc_round_trips_http_dates),
      cmocka_unit_test(rfc3339_reads_the_instant_and_its_offset),
      cmocka_unit_test(times_are_written_as_the_protocol_does),
      cmocka_unit_test(billing_and_audit_arguments_are_checked_at_the_boundary),
      cmocka_unit_test(metadata_reads_in_key_order),
  };
  return cmocka_run_group_tests_name("time_text", tests, nullptr, nullptr);
}
