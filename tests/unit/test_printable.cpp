// What reaches a log, an error message or a callback (core/printable.h): no credential, no
// control character, valid UTF-8, bounded length.
#include <memory>
#include <string>

#include "core/printable.h"
#include "unit_test.h"

using namespace tinker;

namespace {

void printable_escapes_line_breaks_and_control_characters(void**) {
  std::string s = printable(std::string("a\nb\rc\x1b[31md\x7f" "e\tf\0g", 17));
  assert_string_equal(s.c_str(), "a\\nb\\rc\\x1b[31md\\x7fe\tf\\x00g");
}

void printable_replaces_invalid_utf8_and_keeps_valid_characters(void**) {
  const std::string in = "ok \xc3\xa9 \xff \xc0\xaf \xed\xa0\x80 \xf0\x9f\x98\x80 \xe2\x82";  // é, bad, overlong /, surrogate, 😀, cut €
  std::string s = printable(in);
  assert_true(unit::valid_utf8(s));
  assert_contains(s, "\xc3\xa9");
  assert_contains(s, "\xf0\x9f\x98\x80");
  assert_not_contains(s, "\xff");
  assert_not_contains(s, "\xc0\xaf");
}

void printable_cuts_long_text_on_a_character_boundary(void**) {
  std::string in;
  while (in.size() < 100000) in += "\xe2\x82\xac";  // €
  for (size_t max : {64, 65, 66, 67, 4096}) {
    std::string s = printable(in, max);
    if (s.size() > max) TU_FAIL_MSG("%zu bytes for a limit of %zu\n", s.size(), max);
    assert_true(unit::valid_utf8(s));
    assert_contains(s, "\xe2\x80\xa6");  // … marks the cut
  }
  assert_true(printable(std::string(10 << 20, 'x')).size() <= kMaxMessageBytes);
}

void secrets_are_redacted_only_while_a_client_holds_them(void**) {
  const std::string key = "tml-unit-secret-0123456789";
  {
    SecretSet held;
    held.add(key);
    std::string s = printable("echo: " + key + " and " + key);
    assert_not_contains(s, key);
    assert_contains(s, "[redacted]");
  }
  assert_contains(printable("echo: " + key), key);
}

void a_secret_shared_by_two_clients_stays_redacted_until_both_are_gone(void**) {
  const std::string key = "tml-shared-secret-abcdef";
  auto a = std::make_unique<SecretSet>();
  auto b = std::make_unique<SecretSet>();
  a->add(key);
  b->add(key);
  a.reset();
  assert_not_contains(redact_secrets(key), key);
  b.reset();
  assert_contains(redact_secrets(key), key);
}

void the_api_key_and_recent_jwts_stay_redacted_after_refreshes(void**) {
  SecretSet s;
  s.add("tml-the-api-key-xyz");
  for (int i = 0; i < 20; ++i) s.add("eyJ.jwt-number-" + std::to_string(i) + ".sig");
  assert_not_contains(redact_secrets("tml-the-api-key-xyz"), "api-key");
  assert_not_contains(redact_secrets("eyJ.jwt-number-19.sig"), "number-19");
  assert_not_contains(redact_secrets("eyJ.jwt-number-12.sig"), "number-12");
  assert_contains(redact_secrets("eyJ.jwt-number-3.sig"), "number-3");  // long replaced
}

// Redaction comes first: the cut can never leave part of a key behind.
void a_key_at_the_cut_is_redacted_whole(void**) {
  const std::string key = "tml-" + std::string(25, 'q');
  SecretSet held;
  held.add(key);
  for (size_t pad = 30; pad < 70; ++pad) {
    std::string s = printable(std::string(pad, '.') + key, 64);
    assert_not_contains(s, "qqqq");
  }
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(printable_escapes_line_breaks_and_control_characters),
      cmocka_unit_test(printable_replaces_invalid_utf8_and_keeps_valid_characters),
      cmocka_unit_test(printable_cuts_long_text_on_a_character_boundary),
      cmocka_unit_test(secrets_are_redacted_only_while_a_client_holds_them),
      cmocka_unit_test(a_secret_shared_by_two_clients_stays_redacted_until_both_are_gone),
      cmocka_unit_test(the_api_key_and_recent_jwts_stay_redacted_after_refreshes),
      cmocka_unit_test(a_key_at_the_cut_is_redacted_whole),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
