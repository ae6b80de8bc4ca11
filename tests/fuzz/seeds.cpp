#include "seeds.h"

#include <stdexcept>

namespace fuzz {

const std::vector<std::string>& fuzz_targets() {
  static const std::vector<std::string> kTargets = {
      "fwdbwd_output",   "fwdbwd_output_json", "sample_response", "sample_response_json", "fwdbwd_request",
      "fwdbwd_request_json",
      "zstd_decompress", "server_config",      "jwt",             "json_parse"};
  return kTargets;
}

std::vector<Seed> seeds_for(const std::string& target) {
  if (target == "fwdbwd_output") return output_seeds();
  if (target == "fwdbwd_output_json") return output_json_seeds();
  if (target == "sample_response") return sample_seeds();
  if (target == "sample_response_json") return sample_json_seeds();
  if (target == "fwdbwd_request") return request_seeds();
  if (target == "fwdbwd_request_json") return request_json_seeds();
  if (target == "zstd_decompress") return zstd_seeds();
  if (target == "server_config") return server_config_seeds();
  if (target == "jwt") return jwt_seeds();
  if (target == "json_parse") return json_seeds();
  throw std::invalid_argument("no fuzz target " + target);
}

namespace {

// Field tags of the messages (field << 3 | wire type), varints at their limits, unknown
// groups, and the dtype field with every value.
std::vector<std::string> protobuf_tokens() {
  return {"\x08", "\x0a", "\x10", "\x12", "\x18", "\x1a", "\x20", "\x22", "\x2a", "\x18\x01", "\x18\x02",
          "\x18\x03", "\x18\x04", "\x18\x09", std::string("\x00", 1), "\x80\x01", "\xff\xff\xff\xff\x0f",
          "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", "\xa3\x01", "\xa4\x01", "\x0d\x00\x00\x80\x7f",
          std::string("\x00\x00\x00\x00\x00\x00\x00\x00", 8)};
}

std::vector<std::string> json_tokens() {
  return {"{", "}", "[", "]", "\"", ":", ",", "null", "true", "false", "0", "-0", "1e308", "-1e308", "1e999",
          "5e-324", "0.5", "9223372036854775808", "-9223372036854775809", "2147483648", "\"NaN\"", "NaN",
          "Infinity", "\\u0000", "\\ud800", "\\\"", "\"data\":", "\"dtype\":\"int64\"", "\"dtype\":\"float32\"",
          "\"shape\":", "[1,1,1,1,1,1,1,1,1]", "\"metrics\":", "\"loss_fn_outputs\":", "\"loss_fn_output_type\":"};
}

}  // namespace

std::vector<std::string> dictionary_for(const std::string& target) {
  if (target == "fwdbwd_output" || target == "sample_response" || target == "fwdbwd_request")
    return protobuf_tokens();
  if (target == "zstd_decompress")
    return {"\x28\xb5\x2f\xfd", "\x50\x2a\x4d\x18", std::string("\x01\x00\x00", 3), "\xe0", "\x20", std::string(1, '\0')};
  if (target == "jwt") return {".", "=", "-", "_", "+", "/", "eyJleHAiOjF9", "eyJ", "..", "=="};
  std::vector<std::string> t = json_tokens();
  if (target == "fwdbwd_request_json")
    t.insert(t.end(), {"\"forward_backward_input\":", "\"forward_input\":", "\"model_input\":", "\"chunks\":",
                       "\"tokens\":", "\"type\":\"image\"", "\"type\":\"dmel\"", "\"type\":\"image_asset_pointer\"",
                       "\"expected_tokens\":", "\"loss_fn_config\":", "\"seq_id\":", "\"sparse_crow_indices\":",
                       "\"sparse_col_indices\":", "\"format\":\"png\"", "\"data\":\"AA==\""});
  if (target == "sample_response_json")
    t.insert(t.end(), {"\"sequences\":", "\"stop_reason\":\"stop\"", "\"stop_reason\":\"length\"", "\"tokens\":",
                       "\"logprobs\":", "\"prompt_logprobs\":", "\"topk_prompt_logprobs\":", "[[0,-99999]]",
                       "\"prompt_cache_hit_tokens\":"});
  if (target == "server_config")
    t.insert(t.end(), {"\"fwdbwd_max_chunk_len\":", "\"sample_max_concurrent_requests\":", "\"pjwt_auth_enabled\":",
                       "\"billing_exception_max_pause_duration_sec\":", "\"fwdbwd_dispatch_bytes_semaphore_size\":"});
  return t;
}

}  // namespace fuzz
