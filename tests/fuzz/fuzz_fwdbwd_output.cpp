// decode_forward_backward_output (a forward/forward_backward result, protobuf) on any bytes.
// Beyond "no crash, no out-of-bounds read": what it accepts respects the limits of
// wire/fwdbwd_output.h, and goes through the emulator's encoder and back unchanged, to the
// same canonical bytes twice.
#include <string>

#include "compare.h"
#include "fuzz_check.h"
#include "wire/fwdbwd_output.h"

namespace w = tinker::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > fuzz::kMaxInput) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  w::ForwardBackwardOutput out;
  std::string err;
  if (!w::decode_forward_backward_output(body, &out, &err)) {
    FUZZ_CHECK(!err.empty(), "refused without a message");
    return 0;
  }
  FUZZ_CHECK(fuzz::output_invariants(out).empty(), fuzz::output_invariants(out));
  FUZZ_CHECK(w::decoded_output_bytes(out) <= w::max_decoded_output_bytes(size),
             std::to_string(w::decoded_output_bytes(out)) + " decoded bytes from " + std::to_string(size));

  // Without records the type reads back as "ArrayRecord" when empty (§1.6.1).
  if (out.outputs.empty() && out.loss_fn_output_type.empty()) out.loss_fn_output_type = "ArrayRecord";
  std::string bytes;
  FUZZ_CHECK(w::encode_forward_backward_output(out, &bytes, &err), "re-encoding failed: " + err);
  w::ForwardBackwardOutput again;
  if (!w::decode_forward_backward_output(bytes, &again, &err)) {
    // The budget is relative to the body: the canonical form can be much smaller than a body
    // padded with unknown fields, and then only the budget may refuse it.
    FUZZ_CHECK(w::decoded_output_bytes(out) > w::max_decoded_output_bytes(bytes.size()),
               "the re-encoded output was refused: " + err);
    return 0;
  }
  const std::string diff = fuzz::diff_outputs(out, again, fuzz::Floats::kBitwise);
  FUZZ_CHECK(diff.empty(), "round trip changed the output: " + diff);
  std::string twice;
  FUZZ_CHECK(w::encode_forward_backward_output(again, &twice, &err), "second encoding failed: " + err);
  FUZZ_CHECK(twice == bytes, "encoding is not canonical");
  return 0;
}
