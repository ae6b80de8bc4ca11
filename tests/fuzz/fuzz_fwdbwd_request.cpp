// decode_forward_backward_request (what the emulator reads from a client, protobuf) on any
// bytes. What it accepts goes back through the client's protobuf encoder unchanged (int32 and
// bfloat16 tensors come back widened), and through the JSON encoder and decoder too.
#include <string_view>

#include "fuzz_check.h"
#include "request_round_trip.h"
#include "wire/fwdbwd_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > fuzz::kMaxInput) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  fuzz::check_request_decoder(body, tinker::wire::decode_forward_backward_request, fuzz::through_protobuf, fuzz::through_json);
  return 0;
}
