// decode_forward_backward_request (what the emulator reads from a client, protobuf) on any
// bytes. What it accepts goes back through the client's protobuf encoder unchanged (int32 and
// bfloat16 tensors come back widened), and through the JSON encoder and decoder too.
#include <string>

#include "fuzz_check.h"
#include "request_round_trip.h"
#include "wire/fwdbwd_request.h"

namespace w = tinker::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > fuzz::kMaxInput) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  w::ForwardBackwardRequest req;
  std::string err;
  if (!w::decode_forward_backward_request(body, &req, &err)) {
    FUZZ_CHECK(!err.empty(), "refused without a message");
    return 0;
  }
  const std::string pb = fuzz::through_protobuf(req);
  FUZZ_CHECK(pb.empty(), pb);
  const std::string json = fuzz::through_json(req);
  FUZZ_CHECK(json.empty(), json);
  return 0;
}
