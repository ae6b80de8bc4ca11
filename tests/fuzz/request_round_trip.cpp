#include "request_round_trip.h"

#include "compare.h"
#include "fuzz_check.h"
#include "wire/fwdbwd_request.h"
#include "wire/json_fwdbwd.h"

namespace fuzz {

namespace {

w::RequestHeader header_of(const w::ForwardBackwardRequest& r) {
  w::RequestHeader h;
  h.model_id = r.model_id;
  h.seq_id = r.seq_id;
  h.loss_fn = r.loss_fn;
  h.loss_fn_config = r.loss_fn_config;
  h.forward_only = r.forward_only;
  return h;
}

std::vector<w::DatumView> views_of(const w::ForwardBackwardRequest& r) {
  std::vector<w::DatumView> v;
  for (const w::InputDatum& d : r.data) v.push_back(w::datum_view(d));
  return v;
}

bool any_chunk(const w::ForwardBackwardRequest& r, bool (*pred)(const w::InputChunk&)) {
  for (const w::InputDatum& d : r.data)
    for (const w::InputChunk& c : d.chunks)
      if (pred(c)) return true;
  return false;
}

bool bad_image_format(const w::InputChunk& c) {
  return (c.kind == w::ChunkKind::IMAGE || c.kind == w::ChunkKind::IMAGE_ASSET_POINTER) && c.format != "png" &&
         c.format != "jpeg";
}

bool asset_pointer(const w::InputChunk& c) { return c.kind == w::ChunkKind::IMAGE_ASSET_POINTER; }

bool has_nul(const std::string& s) { return s.find('\0') != std::string::npos; }

bool exact_in_double(const std::vector<int64_t>& v) {
  constexpr int64_t k = int64_t{1} << 53;
  for (int64_t x : v)
    if (x > k || x < -k) return false;
  return true;
}

bool json_can_carry(const w::ForwardBackwardRequest& r) {
  if (has_nul(r.model_id) || has_nul(r.loss_fn)) return false;
  for (const auto& [k, v] : r.loss_fn_config)
    if (has_nul(k)) return false;
  for (const w::InputDatum& d : r.data) {
    for (const w::InputChunk& c : d.chunks)
      if (has_nul(c.format) || has_nul(c.location)) return false;
    for (const auto& [name, t] : d.loss_fn_inputs)
      if (has_nul(name) || !exact_in_double(t.i64) || !exact_in_double(t.shape) ||
          !exact_in_double(t.crow_indices) || !exact_in_double(t.col_indices))
        return false;
  }
  return true;
}

}  // namespace

std::string through_protobuf(const w::ForwardBackwardRequest& req) {
  std::string bytes, err;
  const bool ok = w::encode_forward_backward_request(header_of(req), views_of(req), &bytes, &err);
  const bool refusable = any_chunk(req, asset_pointer) || any_chunk(req, bad_image_format);
  if (!ok) return refusable ? "" : "protobuf encoding failed: " + err;
  if (refusable) return "protobuf encoding accepted an asset pointer or a bad image format";
  w::ForwardBackwardRequest again;
  if (!w::decode_forward_backward_request(bytes, &again, &err)) return "protobuf decoding failed: " + err;
  const std::string diff = diff_requests(req, again, Floats::kBitwise);
  return diff.empty() ? "" : "through protobuf: " + diff;
}

std::string through_json(const w::ForwardBackwardRequest& req) {
  std::string text, err;
  const bool ok = w::encode_forward_backward_request_json(header_of(req), views_of(req), &text, &err);
  const bool refusable = any_chunk(req, bad_image_format);
  if (!ok) return refusable ? "" : "JSON encoding failed: " + err;
  if (refusable) return "JSON encoding accepted a bad image format";
  if (!json_can_carry(req)) return "";
  w::ForwardBackwardRequest again;
  if (!w::decode_forward_backward_request_json(text, &again, &err)) return "JSON decoding failed: " + err;
  const std::string diff = diff_requests(req, again, Floats::kThroughJson);
  return diff.empty() ? "" : "through JSON: " + diff;
}

void check_request_decoder(std::string_view body, RequestDecoder decode, RequestRoundTrip first,
                           RequestRoundTrip second) {
  w::ForwardBackwardRequest req;
  std::string err;
  if (!decode(body, &req, &err)) {
    FUZZ_CHECK(!err.empty(), "refused without a message");
    return;
  }
  const std::string first_failure = first(req);
  FUZZ_CHECK(first_failure.empty(), first_failure);
  const std::string second_failure = second(req);
  FUZZ_CHECK(second_failure.empty(), second_failure);
}

}  // namespace fuzz
