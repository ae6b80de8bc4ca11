// decode_forward_backward_request_json (what the emulator reads from a client speaking the
// ≤ 0.24 JSON shapes) on any bytes. What it accepts goes back through the client's JSON
// encoder unchanged, and through the protobuf encoder and decoder too.
#include <string_view>

#include "fuzz_check.h"
#include "request_round_trip.h"
#include "wire/json_fwdbwd.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > fuzz::kMaxInput) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  fuzz::check_request_decoder(body, tinker::wire::decode_forward_backward_request_json, fuzz::through_json, fuzz::through_protobuf);
  return 0;
}
