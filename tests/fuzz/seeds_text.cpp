// Seeds of zstd_decompress and of the core's small JSON parsers: client/config, JWTs, and
// json::parse itself.
#include <string>

#include "../wire/zstd_streaming.h"
#include "seed_values.h"
#include "seeds.h"
#include "wire/base64.h"
#include "wire/sample_response.h"
#include "wire/zstd_codec.h"

namespace fuzz {

namespace {

std::string zstd(const std::string& in, int level) {
  std::string z, err;
  w::zstd_compress(in, level, &z, &err);
  return z;
}

// A frame header claiming `size` bytes (single segment, 8-byte content size), then one empty
// raw block: a few bytes that ask the decoder to allocate `size`.
std::string zstd_claiming(uint64_t size) {
  std::string f("\x28\xb5\x2f\xfd\xe0", 5);
  f.append(reinterpret_cast<const char*>(&size), 8);
  f.append("\x01\x00\x00", 3);
  return f;
}

std::string base64url(const std::string& s) {
  std::string b;
  w::base64_encode(s.data(), s.size(), &b);
  for (char& c : b) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!b.empty() && b.back() == '=') b.pop_back();
  return b;
}

std::string jwt(const std::string& payload) { return "eyJhbGciOiJIUzI1NiJ9." + base64url(payload) + ".c2ln"; }

}  // namespace

std::vector<Seed> zstd_seeds() {
  std::vector<Seed> s;
  Rng r(0x5eed0006);
  std::string sample;
  w::encode_sample_response(random_sample(r), &sample, nullptr);
  const std::string text = "forward_backward_input " + r.bytes(300) + std::string(2000, 'a');
  for (int level : {1, 3, 19}) s.push_back({"level_" + std::to_string(level), zstd(text, level)});
  s.push_back({"sample_body", zstd(sample, 3)});
  s.push_back({"no_content_size", wiretest::zstd_compress_streaming(text)});
  s.push_back({"two_frames", zstd(text, 1) + wiretest::zstd_compress_streaming(sample)});
  s.push_back({"skippable_then_frame", std::string("\x50\x2a\x4d\x18\x04\x00\x00\x00skip", 12) + zstd(text, 1)});
  s.push_back({"empty_content", zstd("", 3)});
  s.push_back({"content_at_the_limit", zstd(std::string(size_t{1} << 20, '\0'), 3)});
  s.push_back({"content_past_the_limit", zstd(std::string((size_t{1} << 20) + 1, '\0'), 3)});
  s.push_back({"streamed_past_the_limit", wiretest::zstd_compress_streaming(std::string((size_t{1} << 20) + 1, 'z'))});
  s.push_back({"claims_a_gigabyte", zstd_claiming(uint64_t{1} << 30)});
  s.push_back({"claims_the_limit", zstd_claiming(uint64_t{1} << 20)});
  std::string lie = zstd("12345678", 1);
  lie[5] = '\x7f';  // single-segment 1-byte content size: claim 127 bytes for 8
  s.push_back({"claims_more_than_it_has", lie});
  s.push_back({"truncated", zstd(text, 3).substr(0, 20)});
  s.push_back({"trailing_garbage", zstd(text, 3) + "garbage"});
  s.push_back({"not_zstd", "plain text"});
  return s;
}

std::vector<Seed> server_config_seeds() {
  std::vector<Seed> s;
  s.push_back({"typical",
               R"({"pjwt_auth_enabled":false,"sample_dispatch_bytes_semaphore_size":10485760,)"
               R"("inflight_response_bytes_semaphore_size":52428800,"parallel_fwdbwd_chunks":true,)"
               R"("proto_compress_fwdbwd":true,"fwdbwd_max_chunk_len":1024,"fwdbwd_max_chunk_bytes_count":5000000,)"
               R"("fwdbwd_dispatch_bytes_semaphore_size":50000000,"billing_exception_max_pause_duration_sec":3600,)"
               R"("sample_no_retries":false,"sample_enable_stuck_detection":true,"sample_max_concurrent_requests":2000,)"
               R"("create_model_via_load_weights":false,"unknown_flag":{"nested":[1,2,3]}})"});
  const char* ints[] = {"sample_dispatch_bytes_semaphore_size", "inflight_response_bytes_semaphore_size",
                        "fwdbwd_max_chunk_len", "fwdbwd_max_chunk_bytes_count", "fwdbwd_dispatch_bytes_semaphore_size",
                        "sample_max_concurrent_requests", "billing_exception_max_pause_duration_sec"};
  const std::pair<const char*, const char*> values[] = {
      {"negative", "-1"},          {"zero", "0"},           {"huge", "1e308"},          {"minus_huge", "-1e308"},
      {"infinite", "1e999"},       {"fraction", "2.5"},     {"two_63", "9223372036854775808"},
      {"past_int32", "2147483648"}, {"string", "\"7\""},    {"null", "null"},           {"bool", "true"},
      {"object", "{}"}};
  for (const char* key : ints)
    for (const auto& [name, v] : values) s.push_back({std::string(key) + "_" + name, "{\"" + std::string(key) + "\":" + v + "}"});
  const char* bools[] = {"pjwt_auth_enabled", "parallel_fwdbwd_chunks", "proto_compress_fwdbwd", "sample_no_retries"};
  for (const char* key : bools) {
    s.push_back({std::string(key) + "_string", "{\"" + std::string(key) + "\":\"true\"}"});
    s.push_back({std::string(key) + "_number", "{\"" + std::string(key) + "\":1}"});
  }
  s.push_back({"duplicate_keys", R"({"fwdbwd_max_chunk_len":5,"fwdbwd_max_chunk_len":-5})"});
  s.push_back({"root_array", "[]"});
  s.push_back({"root_string", "\"config\""});
  s.push_back({"root_null", "null"});
  s.push_back({"empty", ""});
  s.push_back({"trailing_garbage", "{} x"});
  s.push_back({"deep_nesting", "{\"a\":" + std::string(1001, '[') + std::string(1001, ']') + "}"});
  return s;
}

std::vector<Seed> jwt_seeds() {
  return {
      {"exp_integer", jwt(R"({"sub":"user","exp":1700000000})")},
      {"exp_fraction", jwt(R"({"exp":1700000000.5})")},
      {"exp_huge", jwt(R"({"exp":1e308})")},
      {"exp_infinite", jwt(R"({"exp":1e999})")},
      {"exp_negative", jwt(R"({"exp":-1})")},
      {"exp_string", jwt(R"({"exp":"1700000000"})")},
      {"exp_missing", jwt(R"({"sub":"user"})")},
      {"payload_array", jwt("[1,2]")},
      {"payload_not_json", jwt("not json")},
      {"payload_deep", jwt(std::string(2000, '[') + std::string(2000, ']'))},
      {"payload_not_base64", "eyJhbGciOiJIUzI1NiJ9.e$J!.c2ln"},
      {"payload_standard_alphabet", "a.eyJleHAiOjF9+/.b"},
      {"padding_inside", "a.eyJl=eHAiOjF9.b"},
      {"empty_payload", "a..b"},
      {"no_dots", "eyJleHAiOjF9"},
      {"one_dot", "a.eyJleHAiOjF9"},
      {"many_dots", "a.eyJleHAiOjF9.b.c.d"},
      {"nul_in_payload", std::string("a.eyJl\0eHAiOjF9.b", 17)},
      {"empty", ""},
  };
}

std::vector<Seed> json_seeds() {
  std::vector<Seed> s = {
      {"object", R"({"a":1,"b":[true,false,null],"c":{"d":"e"}})"},
      {"numbers", "[0,-0,1e308,-1e308,1e999,-1e999,5e-324,0.1,123456789012345678901234567890,1E+2]"},
      {"escapes", R"(["\u0000","\ud800","\udc00\ud800","\ud83d\ude00","\"\\\/\b\f\n\r\t"])"},
      {"bad_escape", R"(["\x"])"},
      {"backslash_at_end", "\"\\"},
      {"unterminated_string", "\"abc"},
      {"nan_literals", "[NaN,Infinity,-Infinity]"},
      {"nan_strings", R"(["NaN","nan","inf"])"},
      {"bom", "\xef\xbb\xbf{}"},
      {"whitespace_only", " \t\r\n"},
      {"empty", ""},
      {"trailing_garbage", "{} x"},
      {"control_chars", std::string("[\"a\x01\x1f\"]", 7)},
      {"invalid_utf8", "[\"\xff\xfe\xc0\x80\"]"},
      {"duplicate_keys", R"({"a":1,"a":2})"},
      {"truncated", R"({"a":[1,2)"},
  };
  for (int depth : {999, 1000, 1001, 5000}) {
    s.push_back({"arrays_" + std::to_string(depth), std::string(depth, '[') + std::string(depth, ']')});
    std::string obj;
    for (int i = 0; i < depth; ++i) obj += "{\"a\":";
    s.push_back({"objects_" + std::to_string(depth), obj + "1" + std::string(depth, '}')});
  }
  std::string big = "[0";
  for (int i = 0; i < 100000; ++i) big += ",0";
  s.push_back({"big_array", big + "]"});
  std::string keys = "{\"k0\":0";
  for (int i = 1; i < 10000; ++i) keys += ",\"k" + std::to_string(i) + "\":" + std::to_string(i);
  s.push_back({"many_keys", keys + "}"});
  return s;
}

}  // namespace fuzz
