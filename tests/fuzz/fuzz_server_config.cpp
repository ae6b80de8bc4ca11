// parse_server_config (the server's client/config body, src/core/client_context.h) on any
// bytes. It accepts exactly the bodies that are JSON objects, and a flag takes the server's
// value only when it has the right type and, for the integer flags, is a whole number: a
// server's 1e308, -5 or 2.5 keeps the default (casting 1e308 to int64 is undefined behaviour,
// and a non-positive budget or count would stall every request).
#include <cmath>
#include <string>

#include "core/client_context.h"
#include "wire/json.h"
#include "fuzz_check.h"

namespace {

const cJSON* member(const cJSON* doc, const char* key) { return cJSON_GetObjectItemCaseSensitive(doc, key); }

void check_bool(const cJSON* doc, const char* key, bool got, bool dflt) {
  const cJSON* v = member(doc, key);
  const bool want = cJSON_IsBool(v) ? cJSON_IsTrue(v) != 0 : dflt;
  FUZZ_CHECK(got == want, std::string(key) + " is not the server's boolean or the default");
}

void check_int(const cJSON* doc, const char* key, int64_t got, int64_t dflt) {
  if (got == dflt) return;
  const cJSON* v = member(doc, key);
  FUZZ_CHECK(cJSON_IsNumber(v), std::string(key) + " changed without a number");
  const double d = v->valuedouble;
  FUZZ_CHECK(d == std::floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0,
             std::string(key) + " took a value that is not a whole int64: " + std::to_string(d));
  FUZZ_CHECK(static_cast<int64_t>(d) == got, std::string(key) + " is not the server's value");
  FUZZ_CHECK(got >= 1, std::string(key) + " took a non-positive value " + std::to_string(got));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > fuzz::kMaxInput) return 0;
  const std::string body(reinterpret_cast<const char*>(data), size);
  const tinker::ServerConfig dflt;
  tinker::ServerConfig c;
  const bool ok = tinker::parse_server_config(body, &c);
  tinker::json::Ptr doc = tinker::json::parse(body);
  FUZZ_CHECK(ok == (doc && cJSON_IsObject(doc.get())), "accepts a body that is not a JSON object, or refuses one");
  if (!ok) return 0;
  const cJSON* d = doc.get();

  check_bool(d, "pjwt_auth_enabled", c.pjwt_auth_enabled, dflt.pjwt_auth_enabled);
  check_bool(d, "parallel_fwdbwd_chunks", c.parallel_fwdbwd_chunks, dflt.parallel_fwdbwd_chunks);
  check_bool(d, "proto_compress_fwdbwd", c.proto_compress_fwdbwd, dflt.proto_compress_fwdbwd);
  check_bool(d, "sample_no_retries", c.sample_no_retries, dflt.sample_no_retries);
  check_bool(d, "sample_enable_stuck_detection", c.sample_enable_stuck_detection, dflt.sample_enable_stuck_detection);
  check_bool(d, "create_model_via_load_weights", c.create_model_via_load_weights, dflt.create_model_via_load_weights);
  check_int(d, "sample_dispatch_bytes_semaphore_size", c.sample_dispatch_bytes_semaphore_size,
            dflt.sample_dispatch_bytes_semaphore_size);
  check_int(d, "inflight_response_bytes_semaphore_size", c.inflight_response_bytes_semaphore_size,
            dflt.inflight_response_bytes_semaphore_size);
  check_int(d, "fwdbwd_max_chunk_len", c.fwdbwd_max_chunk_len, dflt.fwdbwd_max_chunk_len);
  check_int(d, "fwdbwd_max_chunk_bytes_count", c.fwdbwd_max_chunk_bytes_count, dflt.fwdbwd_max_chunk_bytes_count);
  check_int(d, "fwdbwd_dispatch_bytes_semaphore_size", c.fwdbwd_dispatch_bytes_semaphore_size,
            dflt.fwdbwd_dispatch_bytes_semaphore_size);
  check_int(d, "sample_max_concurrent_requests", c.sample_max_concurrent_requests, dflt.sample_max_concurrent_requests);

  const double pause = c.billing_exception_max_pause_duration_sec;
  if (pause != dflt.billing_exception_max_pause_duration_sec) {
    const cJSON* v = member(d, "billing_exception_max_pause_duration_sec");
    FUZZ_CHECK(cJSON_IsNumber(v) && v->valuedouble == pause, "billing pause is not the server's number");
    FUZZ_CHECK(std::isfinite(pause) && pause >= 0, "billing pause took " + std::to_string(pause));
  }
  return 0;
}
