// The server's client/config flags (protocol.md §7.12), JWT claims (§1.2), the JSON helpers,
// and client options: environment defaults (§1.1), validation, and the C setters.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "capi/handles.h"
#include "core/client_context.h"
#include "core/client_options.h"
#include "wire/json.h"
#include "c_callers.h"
#include "core/jwt.h"
#include "unit_test.h"

using namespace tinker;

namespace {

// The last error's message starts with the function's name and then names the parameter.
#define assert_error_names(fn, param)                                                   \
  do {                                                                                  \
    const std::string tu_msg_ = tinker_error_message(tinker_last_error());              \
    if (tu_msg_.rfind(fn, 0) != 0) TU_FAIL_MSG("\"%s\" does not start with %s\n", tu_msg_.c_str(), fn); \
    assert_contains(tu_msg_.substr(std::strlen(fn)), param);                            \
  } while (0)

// ---- parse_server_config (protocol.md §7.12) ---------------------------------------------------

void server_config_empty_object_gives_the_documented_defaults(void**) {
  ServerConfig c;
  assert_true(parse_server_config("{}", &c));
  assert_false(c.pjwt_auth_enabled);
  assert_int_equal(c.sample_dispatch_bytes_semaphore_size, 10485760);
  assert_int_equal(c.inflight_response_bytes_semaphore_size, 52428800);
  assert_true(c.parallel_fwdbwd_chunks);
  assert_false(c.proto_compress_fwdbwd);
  assert_int_equal(c.fwdbwd_max_chunk_len, 1024);
  assert_int_equal(c.fwdbwd_max_chunk_bytes_count, 5000000);
  assert_int_equal(c.fwdbwd_dispatch_bytes_semaphore_size, 50000000);
  assert_double_near(c.billing_exception_max_pause_duration_sec, 3600, 0);
  assert_false(c.sample_no_retries);
  assert_true(c.sample_enable_stuck_detection);
  assert_int_equal(c.sample_max_concurrent_requests, 2000);
  assert_false(c.create_model_via_load_weights);
}

void server_config_honours_every_flag(void**) {
  ServerConfig c;
  assert_true(parse_server_config(R"({
      "pjwt_auth_enabled": true,
      "sample_dispatch_bytes_semaphore_size": 111,
      "inflight_response_bytes_semaphore_size": 222,
      "parallel_fwdbwd_chunks": false,
      "proto_compress_fwdbwd": true,
      "fwdbwd_max_chunk_len": 7,
      "fwdbwd_max_chunk_bytes_count": 333,
      "fwdbwd_dispatch_bytes_semaphore_size": 444,
      "billing_exception_max_pause_duration_sec": 12.5,
      "sample_no_retries": true,
      "sample_enable_stuck_detection": false,
      "sample_max_concurrent_requests": 3,
      "create_model_via_load_weights": true})",
                                  &c));
  assert_true(c.pjwt_auth_enabled);
  assert_int_equal(c.sample_dispatch_bytes_semaphore_size, 111);
  assert_int_equal(c.inflight_response_bytes_semaphore_size, 222);
  assert_false(c.parallel_fwdbwd_chunks);
  assert_true(c.proto_compress_fwdbwd);
  assert_int_equal(c.fwdbwd_max_chunk_len, 7);
  assert_int_equal(c.fwdbwd_max_chunk_bytes_count, 333);
  assert_int_equal(c.fwdbwd_dispatch_bytes_semaphore_size, 444);
  assert_double_near(c.billing_exception_max_pause_duration_sec, 12.5, 0);
  assert_true(c.sample_no_retries);
  assert_false(c.sample_enable_stuck_detection);
  assert_int_equal(c.sample_max_concurrent_requests, 3);
  assert_true(c.create_model_via_load_weights);
}

void server_config_flags_are_independent(void**) {
  // Setting one flag leaves the others at their defaults.
  ServerConfig c;
  assert_true(parse_server_config("{\"proto_compress_fwdbwd\": true}", &c));
  assert_true(c.proto_compress_fwdbwd);
  assert_false(c.pjwt_auth_enabled);
  assert_true(c.parallel_fwdbwd_chunks);
  assert_int_equal(c.fwdbwd_max_chunk_len, 1024);
  ServerConfig d;
  assert_true(parse_server_config("{\"fwdbwd_max_chunk_len\": 2048}", &d));
  assert_int_equal(d.fwdbwd_max_chunk_len, 2048);
  assert_false(d.proto_compress_fwdbwd);
}

void server_config_ignores_unknown_fields(void**) {
  ServerConfig c;
  assert_true(parse_server_config(R"({"use_pyqwest_transport": false, "credential_default_source": "credential_cmd",
                                      "brand_new_flag": {"nested": [1, 2, 3]}, "sample_no_retries": true})",
                                  &c));
  assert_true(c.sample_no_retries);
  assert_false(c.pjwt_auth_enabled);
  assert_int_equal(c.sample_max_concurrent_requests, 2000);
}

// A hostile or broken server must not size the client's own budgets: every numeric flag out of
// range (negative, zero, 1e308, fractional, a string) keeps its default and is reported.
void server_config_out_of_range_values_keep_defaults_with_a_warning(void**) {
  const ServerConfig defaults;
  for (const char* v : {"-1", "0", "1e308", "-1e308", "2.5", "\"100\"", "true", "[]", "9223372036854775807"}) {
    std::string body = std::string("{\"fwdbwd_dispatch_bytes_semaphore_size\": ") + v +
                       ", \"sample_dispatch_bytes_semaphore_size\": " + v + ", \"fwdbwd_max_chunk_len\": " + v +
                       ", \"fwdbwd_max_chunk_bytes_count\": " + v + ", \"sample_max_concurrent_requests\": " + v +
                       ", \"inflight_response_bytes_semaphore_size\": " + v +
                       ", \"billing_exception_max_pause_duration_sec\": " + v + "}";
    ServerConfig c;
    std::vector<std::string> warnings;
    assert_true(parse_server_config(body, &c, &warnings));
    assert_int_equal(c.fwdbwd_dispatch_bytes_semaphore_size, defaults.fwdbwd_dispatch_bytes_semaphore_size);
    assert_int_equal(c.sample_dispatch_bytes_semaphore_size, defaults.sample_dispatch_bytes_semaphore_size);
    assert_int_equal(c.fwdbwd_max_chunk_len, defaults.fwdbwd_max_chunk_len);
    assert_int_equal(c.fwdbwd_max_chunk_bytes_count, defaults.fwdbwd_max_chunk_bytes_count);
    assert_int_equal(c.sample_max_concurrent_requests, defaults.sample_max_concurrent_requests);
    assert_int_equal(c.inflight_response_bytes_semaphore_size, defaults.inflight_response_bytes_semaphore_size);
    // A pause is a number of seconds: 0 and 2.5 are fine, anything negative, huge or not a number is not.
    const bool pause_ok = std::string(v) == "0" || std::string(v) == "2.5";
    if (!pause_ok)
      assert_double_near(c.billing_exception_max_pause_duration_sec, defaults.billing_exception_max_pause_duration_sec, 0);
    if (warnings.size() != (pause_ok ? 6u : 7u)) TU_FAIL_MSG("%zu warnings for value %s\n", warnings.size(), v);
    assert_contains(warnings[0] + warnings[1] + warnings[2] + warnings[3] + warnings[4] + warnings[5],
                    "fwdbwd_dispatch_bytes_semaphore_size");
  }
  ServerConfig c;
  std::vector<std::string> warnings;
  assert_true(parse_server_config(R"({"parallel_fwdbwd_chunks": "yes", "pjwt_auth_enabled": 1})", &c, &warnings));
  assert_true(c.parallel_fwdbwd_chunks);
  assert_false(c.pjwt_auth_enabled);
  assert_int_equal(warnings.size(), 2);
}

void json_get_int_range_checks_before_casting(void**) {
  auto doc = json::parse(R"({"a": 5, "b": 1e308, "c": -1e308, "d": 2.5, "e": "5", "f": null,
                            "g": 9223372036854775807, "h": -9223372036854775808})");
  bool bad = true;
  assert_int_equal(*json::get_int(doc.get(), "a", 0, 10, &bad), 5);
  assert_false(bad);
  for (const char* k : {"b", "c", "d", "e"}) {
    assert_false(json::get_int(doc.get(), k, INT64_MIN, INT64_MAX, &bad).has_value());
    if (!bad) TU_FAIL_MSG("\"%s\" not reported as bad\n", k);
  }
  assert_false(json::get_int(doc.get(), "a", 6, 10, &bad).has_value());
  assert_true(bad);
  for (const char* k : {"f", "absent"}) {
    assert_false(json::get_int(doc.get(), k, 0, 10, &bad).has_value());
    assert_false(bad);
  }
  // 9223372036854775807 parses to the double 2^63, which is not an int64.
  assert_false(json::get_int(doc.get(), "g", INT64_MIN, INT64_MAX, &bad).has_value());
  assert_true(bad);
  assert_int_equal(*json::get_int(doc.get(), "h", INT64_MIN, INT64_MAX, &bad), INT64_MIN);
}

void server_config_rejects_non_objects_and_keeps_previous_values(void**) {
  for (const char* body : {"[]", "[{\"pjwt_auth_enabled\": true}]", "3", "\"x\"", "null", "true", "", "not json", "{"}) {
    ServerConfig c;
    c.fwdbwd_max_chunk_len = 77;
    c.pjwt_auth_enabled = true;
    if (parse_server_config(body, &c)) TU_FAIL_MSG("parse_server_config accepted %s\n", body);
    assert_int_equal(c.fwdbwd_max_chunk_len, 77);
    assert_true(c.pjwt_auth_enabled);
  }
}

// ---- JWT (protocol.md §1.2) ---------------------------------------------------------------------

std::string b64url(const std::string& in) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t)in[i] << 16 | (uint8_t)in[i + 1] << 8 | (uint8_t)in[i + 2];
    out += abc[v >> 18 & 63];
    out += abc[v >> 12 & 63];
    out += abc[v >> 6 & 63];
    out += abc[v & 63];
  }
  if (in.size() - i == 1) {
    uint32_t v = (uint8_t)in[i] << 16;
    out += abc[v >> 18 & 63];
    out += abc[v >> 12 & 63];
  } else if (in.size() - i == 2) {
    uint32_t v = (uint8_t)in[i] << 16 | (uint8_t)in[i + 1] << 8;
    out += abc[v >> 18 & 63];
    out += abc[v >> 12 & 63];
    out += abc[v >> 6 & 63];
  }
  return out;  // no '=' padding, as in JWTs
}

std::string make_jwt(const std::string& payload) {
  return b64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + b64url(payload) + ".c2lnbmF0dXJl";
}

void jwt_payload_decodes_the_middle_part(void**) {
  const std::string payload = R"({"exp":1700000000,"sub":"user-1","email":"a@example.com"})";
  auto p = jwt_payload(make_jwt(payload));
  assert_true(p.has_value());
  assert_string_equal(p->c_str(), payload.c_str());
  auto exp = jwt_expiry(make_jwt(payload));
  assert_true(exp.has_value());
  assert_double_near(*exp, 1700000000.0, 0);
}

void jwt_payload_without_padding_decodes_for_every_length(void**) {
  // Payload lengths 0, 1, 2 (mod 3) leave 0, 2 or 3 trailing characters and no '='.
  for (const std::string& payload : {std::string("{\"exp\":12}"), std::string("{\"exp\":123}"), std::string("{\"exp\":1234}")}) {
    std::string token = make_jwt(payload);
    assert_true(token.find('=') == std::string::npos);
    auto p = jwt_payload(token);
    assert_true(p.has_value());
    assert_string_equal(p->c_str(), payload.c_str());
  }
  assert_double_near(*jwt_expiry(make_jwt("{\"exp\":1234}")), 1234.0, 0);
}

void jwt_payload_uses_the_url_safe_alphabet(void**) {
  // "???>>>" encodes to "Pz8_Pj4-": '_' and '-' where standard base64 has '/' and '+'.
  const std::string raw = "?" "?" "?>>>";  // split so that no trigraph appears
  assert_string_equal(b64url(raw).c_str(), "Pz8_Pj4-");
  auto p = jwt_payload("eyJhbGciOiJIUzI1NiJ9.Pz8_Pj4-.sig");
  assert_true(p.has_value());
  assert_string_equal(p->c_str(), raw.c_str());
}

void jwt_expiry_accepts_fractional_exp(void**) {
  auto exp = jwt_expiry(make_jwt("{\"exp\":1700000000.5}"));
  assert_true(exp.has_value());
  assert_double_near(*exp, 1700000000.5, 1e-6);
}

void malformed_jwts_give_nullopt(void**) {
  for (const char* t : {"", "no-dots-at-all", "only.one-dot", "eyJ.!!!!.sig", "eyJ.a b.sig", "eyJ.abc$.sig"})
    if (jwt_payload(t).has_value()) TU_FAIL_MSG("jwt_payload(\"%s\") should be nullopt\n", t);
  for (const char* t : {"", "no-dots-at-all", "only.one-dot", "eyJ.!!!!.sig"})
    if (jwt_expiry(t).has_value()) TU_FAIL_MSG("jwt_expiry(\"%s\") should be nullopt\n", t);
}

void jwt_expiry_is_nullopt_without_a_numeric_exp(void**) {
  assert_false(jwt_expiry(make_jwt("not json at all")).has_value());
  assert_false(jwt_expiry(make_jwt("{\"sub\":\"u\"}")).has_value());
  assert_false(jwt_expiry(make_jwt("{\"exp\":\"1700000000\"}")).has_value());
  assert_false(jwt_expiry(make_jwt("{\"exp\":null}")).has_value());
  assert_false(jwt_expiry(make_jwt("[1700000000]")).has_value());
}

// ---- json helpers -------------------------------------------------------------------------------

void json_parse_gives_null_for_invalid_documents(void**) {
  for (const char* t : {"", " ", "{", "{\"a\":}", "nul", "[1,2", "{'a':1}", "{\"a\":1,}", "\"unterminated"})
    if (json::parse(t)) TU_FAIL_MSG("json::parse(%s) should be null\n", t);
  assert_non_null(json::parse("{}").get());
  assert_non_null(json::parse(" [1, 2] ").get());
}

void json_parse_rejects_trailing_garbage(void**) {
  // "null when it is not valid JSON" (json.h): a document followed by more text is not JSON.
  for (const char* t : {"{} x", "{\"a\":1}}", "[1]]", "{}{}", "1 2"})
    if (json::parse(t)) TU_FAIL_MSG("json::parse(%s) should be null\n", t);
}

void json_typed_getters_return_nullopt_for_wrong_types(void**) {
  auto doc = json::parse(R"({"s":"text","n":42,"b":true,"z":null,"o":{"k":1},"a":[1,2]})");
  const cJSON* d = doc.get();
  assert_non_null(d);
  // The right type works...
  assert_string_equal(json::get_string(d, "s")->c_str(), "text");
  assert_double_near(*json::get_number(d, "n"), 42, 0);
  assert_true(*json::get_bool(d, "b"));
  assert_non_null(json::get_object(d, "o"));
  assert_non_null(json::get_array(d, "a"));
  // ...every other type is nullopt / null.
  for (const char* k : {"n", "b", "z", "o", "a"}) assert_false(json::get_string(d, k).has_value());
  for (const char* k : {"s", "b", "z", "o", "a"}) assert_false(json::get_number(d, k).has_value());
  for (const char* k : {"s", "n", "z", "o", "a"}) assert_false(json::get_bool(d, k).has_value());
  for (const char* k : {"s", "n", "b", "z", "a"}) assert_null(json::get_object(d, k));
  for (const char* k : {"s", "n", "b", "z", "o"}) assert_null(json::get_array(d, k));
}

void json_getters_handle_missing_keys_null_objects_and_non_objects(void**) {
  auto doc = json::parse(R"({"exp":1})");
  assert_false(json::get_number(doc.get(), "missing").has_value());
  assert_false(json::get_number(doc.get(), "EXP").has_value());  // keys are case-sensitive
  assert_false(json::get_string(nullptr, "x").has_value());
  assert_false(json::get_number(nullptr, "x").has_value());
  assert_false(json::get_bool(nullptr, "x").has_value());
  assert_null(json::get_object(nullptr, "x"));
  assert_null(json::get_array(nullptr, "x"));
  auto arr = json::parse(R"(["exp", 1])");
  assert_false(json::get_string(arr.get(), "exp").has_value());
  assert_false(json::get_number(arr.get(), "exp").has_value());
}

void json_unicode_strings_round_trip(void**) {
  // Escapes decode to UTF-8, including a surrogate pair.
  auto doc = json::parse(R"({"s":"caf\u00e9 \u20ac \ud83d\ude00"})");
  assert_non_null(doc.get());
  assert_string_equal(json::get_string(doc.get(), "s")->c_str(), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  // Raw UTF-8 and characters that need escaping survive dump -> parse.
  const std::string tricky = "na\xc3\xafve \xe6\x97\xa5\xe6\x9c\xac \"quoted\" back\\slash\nnew line\ttab \x01 \xf0\x9f\x98\x80";
  json::Ptr obj(cJSON_CreateObject());
  cJSON_AddStringToObject(obj.get(), "s", tricky.c_str());
  std::string text = json::dump(obj.get());
  auto back = json::parse(text);
  assert_non_null(back.get());
  assert_string_equal(json::get_string(back.get(), "s")->c_str(), tricky.c_str());
}

void json_dump_has_no_whitespace(void**) {
  auto doc = json::parse("{ \"a\" : [ 1 , 2 ] , \"b\" : { \"c\" : true } }");
  assert_string_equal(json::dump(doc.get()).c_str(), "{\"a\":[1,2],\"b\":{\"c\":true}}");
}

// ---- resolve_client_options (protocol.md §1.1) --------------------------------------------------

ClientOptions with_key(const char* key = "tml-test-key") {
  ClientOptions o;
  o.api_key = key;
  return o;
}

// The error of resolving with_key() options whose base_url is `url`; the test fails if the URL
// is accepted.
Error error_for_refused_base_url(const char* url) {
  ClientOptions o = with_key();
  o.base_url = url;
  Error err;
  if (resolve_client_options(o, err)) TU_FAIL_MSG("base_url \"%s\" was accepted\n", url);
  return err;
}

void options_default_base_url_without_env(void**) {
  unit::clear_tinker_env();
  ClientOptions o = with_key();
  Error err;
  assert_true(resolve_client_options(o, err));
  assert_string_equal(o.base_url->c_str(), "https://tinker.thinkingmachines.dev/services/tinker-prod");
  assert_false(o.project_id.has_value());
  assert_true(o.tags.has_value());
  assert_int_equal(o.tags->size(), 0);
  assert_int_equal(o.headers.size(), 0);
}

void options_take_base_url_key_and_project_from_env(void**) {
  unit::clear_tinker_env();
  setenv("TINKER_BASE_URL", "http://127.0.0.1:8765/svc", 1);
  setenv("TINKER_API_KEY", "tml-from-env", 1);
  setenv("TINKER_PROJECT_ID", "proj-7", 1);
  ClientOptions o;
  Error err;
  assert_true(resolve_client_options(o, err));
  assert_string_equal(o.base_url->c_str(), "http://127.0.0.1:8765/svc");
  assert_string_equal(o.api_key->c_str(), "tml-from-env");
  assert_string_equal(o.project_id->c_str(), "proj-7");
  unit::clear_tinker_env();
}

void explicit_options_win_over_env(void**) {
  unit::clear_tinker_env();
  setenv("TINKER_BASE_URL", "http://env-host", 1);
  setenv("TINKER_API_KEY", "tml-env", 1);
  setenv("TINKER_PROJECT_ID", "env-proj", 1);
  setenv("TINKER_TAGS", "env-tag", 1);
  ClientOptions o;
  o.base_url = "https://explicit-host";
  o.api_key = "tml-explicit";
  o.project_id = "explicit-proj";
  o.tags = std::vector<std::string>{"explicit-tag"};
  Error err;
  assert_true(resolve_client_options(o, err));
  assert_string_equal(o.base_url->c_str(), "https://explicit-host");
  assert_string_equal(o.api_key->c_str(), "tml-explicit");
  assert_string_equal(o.project_id->c_str(), "explicit-proj");
  assert_int_equal(o.tags->size(), 1);
  assert_string_equal((*o.tags)[0].c_str(), "explicit-tag");
  unit::clear_tinker_env();
}

void empty_env_counts_as_unset(void**) {
  unit::clear_tinker_env();
  setenv("TINKER_BASE_URL", "", 1);
  setenv("TINKER_PROJECT_ID", "", 1);
  setenv("TINKER_TAGS", "", 1);
  ClientOptions o = with_key();
  Error err;
  assert_true(resolve_client_options(o, err));
  assert_string_equal(o.base_url->c_str(), "https://tinker.thinkingmachines.dev/services/tinker-prod");
  assert_false(o.project_id.has_value());
  assert_int_equal(o.tags->size(), 0);

  setenv("TINKER_API_KEY", "", 1);
  ClientOptions no_key;
  assert_false(resolve_client_options(no_key, err));
  assert_status(err.code, TINKER_E_UNAUTHENTICATED);
  unit::clear_tinker_env();
}

void env_tags_are_split_on_commas_and_deduplicated(void**) {
  unit::clear_tinker_env();
  setenv("TINKER_TAGS", "beta,alpha,beta,,gamma,alpha", 1);
  ClientOptions o = with_key();
  Error err;
  assert_true(resolve_client_options(o, err));
  std::multiset<std::string> got(o.tags->begin(), o.tags->end());
  assert_int_equal(got.size(), 3);  // no duplicates, no empty tag
  assert_int_equal(got.count("alpha"), 1);
  assert_int_equal(got.count("beta"), 1);
  assert_int_equal(got.count("gamma"), 1);
  unit::clear_tinker_env();
}

void cloudflare_env_becomes_access_headers(void**) {
  unit::clear_tinker_env();
  setenv("CLOUDFLARE_ACCESS_CLIENT_ID", "cf-id", 1);
  setenv("CLOUDFLARE_ACCESS_CLIENT_SECRET", "cf-secret", 1);
  ClientOptions o = with_key();
  Error err;
  assert_true(resolve_client_options(o, err));
  bool id = false, secret = false;
  for (const auto& h : o.headers) {
    if (h.first == "CF-Access-Client-Id" && h.second == "cf-id") id = true;
    if (h.first == "CF-Access-Client-Secret" && h.second == "cf-secret") secret = true;
  }
  assert_true(id);
  assert_true(secret);
  unit::clear_tinker_env();
}

void malformed_base_urls_are_invalid_argument_naming_base_url(void**) {
  unit::clear_tinker_env();
  for (const char* url : {"ftp://x", "http://", "https://", "not a url", "", "http:///path", "http://:8080",
                          "http://exa mple.com", "localhost:8080", "http://[::1", "http://[::1]x", "http://[zz]:80",
                          "http://host:", "http://host:0", "http://host:65536", "http://host:80a", "http://ho$t/"}) {
    const Error err = error_for_refused_base_url(url);
    assert_status(err.code, TINKER_E_INVALID_ARGUMENT);
    assert_contains(err.message, "base_url");
  }
  setenv("TINKER_BASE_URL", "ftp://x", 1);  // the same check applies to the environment's URL
  ClientOptions o = with_key();
  Error err;
  assert_false(resolve_client_options(o, err));
  assert_status(err.code, TINKER_E_INVALID_ARGUMENT);
  assert_contains(err.message, "base_url");
  unit::clear_tinker_env();
}

void well_formed_base_urls_are_accepted(void**) {
  unit::clear_tinker_env();
  for (const char* url : {"http://127.0.0.1:8080", "http://localhost", "https://tinker.example/services/x/",
                          "http://[::1]:9000", "http://[::1]", "https://my_host.internal:65535/x"}) {
    ClientOptions o = with_key();
    o.base_url = url;
    Error err;
    if (!resolve_client_options(o, err)) TU_FAIL_MSG("base_url \"%s\" was rejected: %s\n", url, err.message.c_str());
  }
}

void missing_or_malformed_api_key_is_unauthenticated(void**) {
  unit::clear_tinker_env();
  ClientOptions none;
  none.base_url = "http://127.0.0.1:1";
  Error err;
  assert_false(resolve_client_options(none, err));
  assert_status(err.code, TINKER_E_UNAUTHENTICATED);
  assert_contains(err.message, "api_key");

  for (const char* key : {"bad-key", "", "TML-upper", "tml", "sk-123", " tml-leading-space"}) {
    ClientOptions o;
    o.base_url = "http://127.0.0.1:1";
    o.api_key = key;
    Error e;
    if (resolve_client_options(o, e)) TU_FAIL_MSG("api key \"%s\" was accepted\n", key);
    assert_status(e.code, TINKER_E_UNAUTHENTICATED);
    assert_contains(e.message, "api_key");
  }
}

void tml_and_jwt_api_keys_are_accepted(void**) {
  unit::clear_tinker_env();
  for (const char* key : {"tml-abc123", "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.c2ln"}) {
    ClientOptions o;
    o.base_url = "http://127.0.0.1:1";
    o.api_key = key;
    Error err;
    if (!resolve_client_options(o, err)) TU_FAIL_MSG("api key \"%s\" was rejected: %s\n", key, err.message.c_str());
  }
  assert_true(api_key_has_valid_prefix("tml-x"));
  assert_true(api_key_has_valid_prefix("eyJx"));
  assert_false(api_key_has_valid_prefix("eyj"));
  assert_false(api_key_has_valid_prefix(""));
}

// ---- options setters through the C API ----------------------------------------------------------

struct Options {
  tinker_client_options_t* o = nullptr;
  Options() { tinker_client_options_new(&o); }
  ~Options() { tinker_client_options_free(o); }
};

void options_new_holds_the_documented_defaults(void**) {
  Options opts;
  assert_non_null(opts.o);
  const ClientOptions& c = opts.o->o;
  assert_false(c.base_url.has_value());  // resolved later, from the environment
  assert_false(c.api_key.has_value());
  assert_int_equal(c.request_timeout_ms, 60000);
  assert_int_equal(c.connect_timeout_ms, 5000);
  assert_int_equal(c.max_retries, 10);
  assert_int_equal(c.retry_budget_ms, 300000);
  assert_true(c.verify_tls);
  assert_string_equal(c.sdk_version.c_str(), "0.25.0");
  assert_int_equal(c.wire_mode, TINKER_WIRE_PROTOBUF);
  assert_int_equal(c.default_deadline_ms, 0);
  assert_int_equal(c.heartbeat_interval_ms, 10000);
}

void positive_only_settings_reject_zero_and_negative_values(void**) {
  Options opts;
  struct Case {
    const char* fn;
    tinker_status_t (*set)(tinker_client_options_t*, int64_t);
    int64_t ClientOptions::*field;
  };
  const Case cases[] = {
      {"tinker_client_options_set_request_timeout_ms", tinker_client_options_set_request_timeout_ms, &ClientOptions::request_timeout_ms},
      {"tinker_client_options_set_connect_timeout_ms", tinker_client_options_set_connect_timeout_ms, &ClientOptions::connect_timeout_ms},
      {"tinker_client_options_set_heartbeat_interval_ms", tinker_client_options_set_heartbeat_interval_ms, &ClientOptions::heartbeat_interval_ms},
  };
  for (const auto& c : cases) {
    assert_status(c.set(opts.o, 1234), TINKER_OK);
    assert_int_equal(opts.o->o.*c.field, 1234);
    for (int64_t bad : {(int64_t)0, (int64_t)-1, INT64_MIN}) {
      assert_status(c.set(opts.o, bad), TINKER_E_INVALID_ARGUMENT);
      assert_error_names(c.fn, "ms");
      assert_int_equal(opts.o->o.*c.field, 1234);  // a rejected value changes nothing
    }
  }
}

void non_negative_settings_reject_negative_values_and_accept_zero(void**) {
  Options opts;
  struct Case {
    const char* fn;
    tinker_status_t (*set)(tinker_client_options_t*, int64_t);
    int64_t ClientOptions::*field;
  };
  const Case cases[] = {
      {"tinker_client_options_set_retry_budget_ms", tinker_client_options_set_retry_budget_ms, &ClientOptions::retry_budget_ms},
      {"tinker_client_options_set_default_deadline_ms", tinker_client_options_set_default_deadline_ms, &ClientOptions::default_deadline_ms},
  };
  for (const auto& c : cases) {
    assert_status(c.set(opts.o, 0), TINKER_OK);
    assert_int_equal(opts.o->o.*c.field, 0);
    assert_status(c.set(opts.o, 5000), TINKER_OK);
    assert_status(c.set(opts.o, -1), TINKER_E_INVALID_ARGUMENT);
    assert_error_names(c.fn, "ms");
    assert_int_equal(opts.o->o.*c.field, 5000);
  }
  assert_status(tinker_client_options_set_max_retries(opts.o, 0), TINKER_OK);
  assert_int_equal(opts.o->o.max_retries, 0);
  assert_status(tinker_client_options_set_max_retries(opts.o, -1), TINKER_E_INVALID_ARGUMENT);
  assert_error_names("tinker_client_options_set_max_retries", "max_retries");
  assert_int_equal(opts.o->o.max_retries, 0);
}

void setters_on_a_null_handle_say_options_is_null(void**) {
  struct Case {
    const char* fn;
    tinker_status_t status;
  };
  const Case cases[] = {
      {"tinker_client_options_set_base_url", tinker_client_options_set_base_url(nullptr, "http://x")},
      {"tinker_client_options_set_api_key", tinker_client_options_set_api_key(nullptr, "tml-x")},
      {"tinker_client_options_set_request_timeout_ms", tinker_client_options_set_request_timeout_ms(nullptr, 1)},
      {"tinker_client_options_set_connect_timeout_ms", tinker_client_options_set_connect_timeout_ms(nullptr, 1)},
      {"tinker_client_options_set_max_retries", tinker_client_options_set_max_retries(nullptr, 1)},
      {"tinker_client_options_set_retry_budget_ms", tinker_client_options_set_retry_budget_ms(nullptr, 1)},
      {"tinker_client_options_add_user_metadata", tinker_client_options_add_user_metadata(nullptr, "k", "v")},
      {"tinker_client_options_set_project_id", tinker_client_options_set_project_id(nullptr, "p")},
      {"tinker_client_options_add_tag", tinker_client_options_add_tag(nullptr, "t")},
      {"tinker_client_options_add_header", tinker_client_options_add_header(nullptr, "X-A", "b")},
      {"tinker_client_options_set_proxy", tinker_client_options_set_proxy(nullptr, "")},
      {"tinker_client_options_set_ca_bundle_path", tinker_client_options_set_ca_bundle_path(nullptr, "/x")},
      {"tinker_client_options_set_verify_tls", tinker_client_options_set_verify_tls(nullptr, 1)},
      {"tinker_client_options_set_sdk_version", tinker_client_options_set_sdk_version(nullptr, "0.25.0")},
      {"tinker_client_options_set_wire_mode", tinker_client_options_set_wire_mode(nullptr, TINKER_WIRE_JSON)},
      {"tinker_client_options_set_default_deadline_ms", tinker_client_options_set_default_deadline_ms(nullptr, 1)},
      {"tinker_client_options_set_heartbeat_interval_ms", tinker_client_options_set_heartbeat_interval_ms(nullptr, 1)},
      {"tinker_client_options_set_log_callback", tinker_client_options_set_log_callback(nullptr, nullptr, nullptr, TINKER_LOG_INFO)},
      {"tinker_client_options_set_queue_state_callback", tinker_client_options_set_queue_state_callback(nullptr, nullptr, nullptr)},
  };
  for (const auto& c : cases)
    if (c.status != TINKER_E_INVALID_ARGUMENT) TU_FAIL_MSG("%s(NULL, ...) = %d\n", c.fn, (int)c.status);
  // Each call resets the last error, so check the messages one call at a time.
  assert_status(tinker_client_options_set_base_url(nullptr, "http://x"), TINKER_E_INVALID_ARGUMENT);
  assert_string_equal(tinker_error_message(tinker_last_error()), "tinker_client_options_set_base_url: options is NULL");
  assert_status(tinker_client_options_set_max_retries(nullptr, -5), TINKER_E_INVALID_ARGUMENT);
  assert_string_equal(tinker_error_message(tinker_last_error()), "tinker_client_options_set_max_retries: options is NULL");
  assert_status(tinker_client_options_set_verify_tls(nullptr, 0), TINKER_E_INVALID_ARGUMENT);
  assert_string_equal(tinker_error_message(tinker_last_error()), "tinker_client_options_set_verify_tls: options is NULL");
  assert_status(tinker_client_options_set_queue_state_callback(nullptr, nullptr, nullptr), TINKER_E_INVALID_ARGUMENT);
  assert_string_equal(tinker_error_message(tinker_last_error()),
                      "tinker_client_options_set_queue_state_callback: options is NULL");
  assert_status(tinker_client_options_add_header(nullptr, "X-A", "b"), TINKER_E_INVALID_ARGUMENT);
  assert_string_equal(tinker_error_message(tinker_last_error()), "tinker_client_options_add_header: options is NULL");
}

void invalid_header_names_are_rejected(void**) {
  Options opts;
  for (const char* name : {"", "Bad:Name", "Bad Name", "Bad\r\nName", "Bad\nName"}) {
    if (tinker_client_options_add_header(opts.o, name, "v") != TINKER_E_INVALID_ARGUMENT)
      TU_FAIL_MSG("header name \"%s\" was accepted\n", name);
    assert_error_names("tinker_client_options_add_header", "name");
  }
  assert_int_equal(opts.o->o.headers.size(), 0);
}

void header_names_must_be_tokens(void**) {
  // RFC 9110 §5.1: a field name is a token; separators, whitespace, controls and non-ASCII
  // bytes make a request the server rejects (or, worse, reads differently).
  Options opts;
  for (const char* name : {"Bad\tName", "Bad(Name)", "Bad\"Name\"", "Bad,Name", "B\xc3\xa4" "d", "Bad\x01",
                           "Bad/Name", "Bad@Name", "Bad;Name", "Bad=Name", "Bad{Name}"}) {
    if (tinker_client_options_add_header(opts.o, name, "v") != TINKER_E_INVALID_ARGUMENT)
      TU_FAIL_MSG("header name \"%s\" was accepted\n", name);
  }
  assert_int_equal(opts.o->o.headers.size(), 0);
}

void header_values_with_line_breaks_are_rejected(void**) {
  Options opts;
  for (const char* value : {"a\r\nX-Injected: 1", "a\nb", "a\rb", "a\x01b", "a\x7f"}) {
    assert_status(tinker_client_options_add_header(opts.o, "X-Token", value), TINKER_E_INVALID_ARGUMENT);
    assert_error_names("tinker_client_options_add_header", "value");
  }
  assert_int_equal(opts.o->o.headers.size(), 0);
}

// Every value that becomes a header line refuses CR/LF and other control characters, at the
// boundary, so nothing the caller or the environment holds can add header lines on the wire.
void api_key_and_sdk_version_with_control_characters_are_rejected(void**) {
  Options opts;
  for (const char* bad : {"tml-abc\r\nX-Injected: 1", "tml-abc\n", "tml-\x01"}) {
    assert_status(tinker_client_options_set_api_key(opts.o, bad), TINKER_E_INVALID_ARGUMENT);
    assert_error_names("tinker_client_options_set_api_key", "api_key");
    assert_not_contains(tinker_error_message(tinker_last_error()), "tml-abc");
    assert_status(tinker_client_options_set_sdk_version(opts.o, bad), TINKER_E_INVALID_ARGUMENT);
    assert_error_names("tinker_client_options_set_sdk_version", "version");
  }
  assert_false(opts.o->o.api_key.has_value());
  assert_string_equal(opts.o->o.sdk_version.c_str(), "0.25.0");
  assert_status(tinker_client_options_set_api_key(opts.o, "tml-ok\tstill-a-header-value"), TINKER_OK);
}

void header_values_from_the_environment_with_control_characters_are_rejected(void**) {
  for (const char* name : {"TINKER_API_KEY", "CLOUDFLARE_ACCESS_CLIENT_ID", "CLOUDFLARE_ACCESS_CLIENT_SECRET"}) {
    unit::clear_tinker_env();
    if (std::string(name) != "TINKER_API_KEY") setenv("TINKER_API_KEY", "tml-fine", 1);
    setenv(name, "tml-value\r\nX-Injected: 1", 1);
    ClientOptions o;
    o.base_url = "http://127.0.0.1:1";
    Error err;
    if (resolve_client_options(o, err)) TU_FAIL_MSG("%s with CR LF was accepted\n", name);
    assert_status(err.code, TINKER_E_INVALID_ARGUMENT);
    assert_not_contains(err.message, "X-Injected");
  }
  unit::clear_tinker_env();
}

void base_urls_with_user_information_are_rejected_without_echoing_it(void**) {
  unit::clear_tinker_env();
  for (const char* url : {"http://user@127.0.0.1:1", "https://user:hunter2@host/x", "http://:hunter2@host"}) {
    const Error err = error_for_refused_base_url(url);
    assert_status(err.code, TINKER_E_INVALID_ARGUMENT);
    assert_contains(err.message, "base_url");
    assert_contains(err.message, "user information");
    assert_not_contains(err.message, "hunter2");
    assert_not_contains(err.message, "user@");
  }
  for (const char* url : {"http://host/x?token=1", "http://host/#frag", "http://host\x01/x"})
    error_for_refused_base_url(url);
}

void valid_headers_are_kept_in_order(void**) {
  Options opts;
  assert_status(tinker_client_options_add_header(opts.o, "X-Gateway-Token", "abc def"), TINKER_OK);
  assert_status(tinker_client_options_add_header(opts.o, "x_custom.1~!#$%&'*+^`|", ""), TINKER_OK);
  assert_int_equal(opts.o->o.headers.size(), 2);
  assert_string_equal(opts.o->o.headers[0].first.c_str(), "X-Gateway-Token");
  assert_string_equal(opts.o->o.headers[0].second.c_str(), "abc def");
}

void enum_and_string_settings_reject_bad_values(void**) {
  Options opts;
  assert_status(c_set_wire_mode(opts.o, 7), TINKER_E_INVALID_ARGUMENT);
  assert_error_names("tinker_client_options_set_wire_mode", "mode");
  assert_int_equal(opts.o->o.wire_mode, TINKER_WIRE_PROTOBUF);
  assert_status(tinker_client_options_set_wire_mode(opts.o, TINKER_WIRE_JSON), TINKER_OK);
  assert_int_equal(opts.o->o.wire_mode, TINKER_WIRE_JSON);

  assert_status(c_set_wire_mode(opts.o, -1), TINKER_E_INVALID_ARGUMENT);
  assert_int_equal(opts.o->o.wire_mode, TINKER_WIRE_JSON);

  assert_status(c_set_log_callback(opts.o, nullptr, 9), TINKER_E_INVALID_ARGUMENT);
  assert_error_names("tinker_client_options_set_log_callback", "level");

  assert_status(tinker_client_options_set_sdk_version(opts.o, ""), TINKER_E_INVALID_ARGUMENT);
  assert_error_names("tinker_client_options_set_sdk_version", "version");
  assert_string_equal(opts.o->o.sdk_version.c_str(), "0.25.0");
  assert_status(tinker_client_options_set_sdk_version(opts.o, "0.24.1"), TINKER_OK);
  assert_string_equal(opts.o->o.sdk_version.c_str(), "0.24.1");
}

void string_setters_copy_their_arguments(void**) {
  Options opts;
  std::string url = "http://127.0.0.1:9000", key = "tml-copy", project = "p1", tag = "t1";
  assert_status(tinker_client_options_set_base_url(opts.o, url.c_str()), TINKER_OK);
  assert_status(tinker_client_options_set_api_key(opts.o, key.c_str()), TINKER_OK);
  assert_status(tinker_client_options_set_project_id(opts.o, project.c_str()), TINKER_OK);
  assert_status(tinker_client_options_add_tag(opts.o, tag.c_str()), TINKER_OK);
  assert_status(tinker_client_options_add_user_metadata(opts.o, "k", "v1"), TINKER_OK);
  assert_status(tinker_client_options_add_user_metadata(opts.o, "k", "v2"), TINKER_OK);  // later value wins
  url.assign(url.size(), 'x');
  key.assign(key.size(), 'x');
  project.assign(project.size(), 'x');
  tag.assign(tag.size(), 'x');
  const ClientOptions& c = opts.o->o;
  assert_string_equal(c.base_url->c_str(), "http://127.0.0.1:9000");
  assert_string_equal(c.api_key->c_str(), "tml-copy");
  assert_string_equal(c.project_id->c_str(), "p1");
  assert_int_equal(c.tags->size(), 1);
  assert_string_equal((*c.tags)[0].c_str(), "t1");
  assert_string_equal(c.user_metadata.at("k").c_str(), "v2");
}

void added_tags_replace_env_tags(void**) {
  unit::clear_tinker_env();
  setenv("TINKER_TAGS", "from-env", 1);
  Options opts;
  tinker_client_options_add_tag(opts.o, "mine");
  ClientOptions o = opts.o->o;
  o.api_key = "tml-x";
  Error err;
  assert_true(resolve_client_options(o, err));
  assert_int_equal(o.tags->size(), 1);
  assert_string_equal((*o.tags)[0].c_str(), "mine");
  unit::clear_tinker_env();
}

}  // namespace

int main(void) {
  unit::clear_tinker_env();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(server_config_empty_object_gives_the_documented_defaults),
      cmocka_unit_test(server_config_honours_every_flag),
      cmocka_unit_test(server_config_flags_are_independent),
      cmocka_unit_test(server_config_ignores_unknown_fields),
      cmocka_unit_test(server_config_rejects_non_objects_and_keeps_previous_values),
      cmocka_unit_test(server_config_out_of_range_values_keep_defaults_with_a_warning),
      cmocka_unit_test(json_get_int_range_checks_before_casting),
      cmocka_unit_test(api_key_and_sdk_version_with_control_characters_are_rejected),
      cmocka_unit_test(header_values_from_the_environment_with_control_characters_are_rejected),
      cmocka_unit_test(base_urls_with_user_information_are_rejected_without_echoing_it),
      cmocka_unit_test(jwt_payload_decodes_the_middle_part),
      cmocka_unit_test(jwt_payload_without_padding_decodes_for_every_length),
      cmocka_unit_test(jwt_payload_uses_the_url_safe_alphabet),
      cmocka_unit_test(jwt_expiry_accepts_fractional_exp),
      cmocka_unit_test(malformed_jwts_give_nullopt),
      cmocka_unit_test(jwt_expiry_is_nullopt_without_a_numeric_exp),
      cmocka_unit_test(json_parse_gives_null_for_invalid_documents),
      cmocka_unit_test(json_parse_rejects_trailing_garbage),
      cmocka_unit_test(json_typed_getters_return_nullopt_for_wrong_types),
      cmocka_unit_test(json_getters_handle_missing_keys_null_objects_and_non_objects),
      cmocka_unit_test(json_unicode_strings_round_trip),
      cmocka_unit_test(json_dump_has_no_whitespace),
      cmocka_unit_test(options_default_base_url_without_env),
      cmocka_unit_test(options_take_base_url_key_and_project_from_env),
      cmocka_unit_test(explicit_options_win_over_env),
      cmocka_unit_test(empty_env_counts_as_unset),
      cmocka_unit_test(env_tags_are_split_on_commas_and_deduplicated),
      cmocka_unit_test(cloudflare_env_becomes_access_headers),
      cmocka_unit_test(malformed_base_urls_are_invalid_argument_naming_base_url),
      cmocka_unit_test(well_formed_base_urls_are_accepted),
      cmocka_unit_test(missing_or_malformed_api_key_is_unauthenticated),
      cmocka_unit_test(tml_and_jwt_api_keys_are_accepted),
      cmocka_unit_test(options_new_holds_the_documented_defaults),
      cmocka_unit_test(positive_only_settings_reject_zero_and_negative_values),
      cmocka_unit_test(non_negative_settings_reject_negative_values_and_accept_zero),
      cmocka_unit_test(setters_on_a_null_handle_say_options_is_null),
      cmocka_unit_test(invalid_header_names_are_rejected),
      cmocka_unit_test(header_names_must_be_tokens),
      cmocka_unit_test(header_values_with_line_breaks_are_rejected),
      cmocka_unit_test(valid_headers_are_kept_in_order),
      cmocka_unit_test(enum_and_string_settings_reject_bad_values),
      cmocka_unit_test(string_setters_copy_their_arguments),
      cmocka_unit_test(added_tags_replace_env_tags),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
