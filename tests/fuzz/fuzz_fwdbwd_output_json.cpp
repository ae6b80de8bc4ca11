// decode_forward_backward_output_json (a result from a server speaking the ≤ 0.24 JSON shapes)
// on any bytes. What it accepts respects the datum and dimension caps and the byte budget of
// wire/fwdbwd_output.h, goes through the JSON encoder and back unchanged (non-finite numbers
// come back as NaN, JSON has no other form for them), and, when its datums share their fields
// as protobuf records require, through the protobuf encoder and decoder too.
#include <string>

#include "compare.h"
#include "fuzz_check.h"
#include "wire/fwdbwd_output.h"
#include "wire/json_fwdbwd.h"

namespace w = tinker::wire;

namespace {

bool same_fields_everywhere(const w::ForwardBackwardOutput& o) {
  for (const w::LossFnOutput& d : o.outputs) {
    if (d.size() != o.outputs[0].size()) return false;
    for (const auto& f : d) {
      bool found = false;
      for (const auto& g : o.outputs[0]) found = found || g.first == f.first;
      if (!found) return false;
    }
  }
  return true;
}

// What the protobuf decoder makes of the type: the part after the last ':' when there are
// records, "ArrayRecord" for an empty one without.
std::string protobuf_type(const w::ForwardBackwardOutput& o) {
  const std::string& t = o.loss_fn_output_type;
  if (o.outputs.empty()) return t.empty() ? "ArrayRecord" : t;
  return t.substr(t.rfind(':') == std::string::npos ? 0 : t.rfind(':') + 1);
}

void check_through_protobuf(const w::ForwardBackwardOutput& out) {
  if (!same_fields_everywhere(out)) return;
  std::string bytes, err;
  FUZZ_CHECK(w::encode_forward_backward_output(out, &bytes, &err), "protobuf encoding failed: " + err);
  w::ForwardBackwardOutput pb;
  if (!w::decode_forward_backward_output(bytes, &pb, &err)) {
    FUZZ_CHECK(w::decoded_output_bytes(out) > w::max_decoded_output_bytes(bytes.size()),
               "protobuf decoding failed: " + err);
    return;
  }
  w::ForwardBackwardOutput want = out;
  want.loss_fn_output_type = protobuf_type(out);
  // Protobuf derives the leading dimension from the data, so an empty [5, 0] reads as [0, 0].
  for (w::LossFnOutput& d : want.outputs)
    for (auto& f : d)
      if (f.second.numel() == 0) f.second.shape[0] = 0;
  const std::string diff = fuzz::diff_outputs(want, pb, fuzz::Floats::kBitwise);
  FUZZ_CHECK(diff.empty(), "JSON → protobuf changed the output: " + diff);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > fuzz::kMaxInput) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  w::ForwardBackwardOutput out;
  std::string err;
  if (!w::decode_forward_backward_output_json(body, &out, &err)) {
    FUZZ_CHECK(!err.empty(), "refused without a message");
    return 0;
  }
  FUZZ_CHECK(fuzz::output_invariants(out).empty(), fuzz::output_invariants(out));
  FUZZ_CHECK(w::decoded_output_bytes(out) <= w::max_decoded_output_bytes(size),
             std::to_string(w::decoded_output_bytes(out)) + " decoded bytes from " + std::to_string(size));

  std::string text;
  w::encode_forward_backward_output_json(out, &text);
  w::ForwardBackwardOutput again;
  FUZZ_CHECK(w::decode_forward_backward_output_json(text, &again, &err), "re-encoded output refused: " + err);
  const std::string diff = fuzz::diff_outputs(out, again, fuzz::Floats::kThroughJson);
  FUZZ_CHECK(diff.empty(), "round trip changed the output: " + diff);
  std::string twice;
  w::encode_forward_backward_output_json(again, &twice);
  FUZZ_CHECK(twice == text, "JSON encoding is not stable");

  check_through_protobuf(out);
  return 0;
}
