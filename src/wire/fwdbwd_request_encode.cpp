// Hand-written encoder of ForwardBackwardRequest / Datum (protocol.md §1.6.1). Two passes per
// datum: validate and size every nested message (cheap: per chunk and per tensor, never per
// element), then write each field once with its length prefix. Bytes equal libprotobuf's
// deterministic serialisation of the same message (tests/wire checks it): fields in number
// order, proto3 defaults omitted, map entries sorted by key with key and value always written.
#include <algorithm>
#include <cstring>

#include "wire/byte_order.h"
#include "wire/datum_check.h"
#include "wire/fail.h"
#include "wire/fwdbwd_request.h"
#include "wire/pb_writer.h"

namespace tinker::wire {

namespace {

using pb::len_field_size;

// Field numbers (protocol.md §1.6.1).
enum : uint32_t {
  kReqModelId = 1, kReqSeqId = 2, kReqData = 3, kReqLossFn = 4, kReqLossFnConfig = 5,
  kReqForwardOnly = 6,
  kDatumModelInput = 1, kDatumLossFnInputs = 2,
  kChunkEncodedText = 1, kChunkImage = 2, kChunkDmel = 3,
  kTextTokens = 1,
  kImageData = 1, kImageFormat = 2, kImageExpectedTokens = 3,
  kDmelBytes = 1,
  kTensorDense = 1, kTensorSparse = 2, kTensorDtype = 3, kTensorShape = 4,
  kCsrValues = 1, kCsrCrow = 2, kCsrCol = 3,
  kEntryKey = 1, kEntryValue = 2,
};

// Optional bytes-like field: absent when empty (proto3 default).
size_t opt_bytes_size(size_t n) { return n ? len_field_size(n) : 0; }

void put_opt_bytes(std::string* out, uint32_t field, const void* p, size_t n) {
  if (n) pb::put_bytes_field(out, field, p, n);
}

// ---- sizes ------------------------------------------------------------------------------

// Body of the chunk's oneof member message (EncodedTextChunk / ImageChunk / DmelChunk).
size_t chunk_member_size(const ChunkView& c) {
  switch (c.kind) {
    case ChunkKind::ENCODED_TEXT:
      return opt_bytes_size(c.n_tokens * 4);
    case ChunkKind::IMAGE:
      return opt_bytes_size(c.size) + opt_bytes_size(c.format.size()) +
             (c.expected_tokens ? 1 + pb::varint_size(pb::signed_varint_value(*c.expected_tokens)) : 0);
    case ChunkKind::DMEL:
      return opt_bytes_size(c.size);
    case ChunkKind::IMAGE_ASSET_POINTER:
      break;  // rejected by check_chunk
  }
  return 0;
}

size_t csr_size(const TensorView& t) {
  const SparseCsrView& s = *t.sparse;
  return opt_bytes_size(t.numel * dtype_size(t.dtype)) + opt_bytes_size(s.n_crow * 8) +
         opt_bytes_size(s.n_col * 8);
}

size_t tensor_size(const TensorView& t) {
  // The oneof member is always written once set, even when empty (proto3 oneof presence).
  size_t n = t.sparse ? len_field_size(csr_size(t)) : len_field_size(t.numel * dtype_size(t.dtype));
  n += 1 + pb::varint_size(static_cast<uint64_t>(t.dtype));
  n += pb::packed_int64_field_size(t.shape.data(), t.shape.size());
  return n;
}

size_t input_entry_size(const std::string& name, const TensorView& t) {
  return len_field_size(name.size()) + len_field_size(tensor_size(t));
}

size_t datum_size(const DatumView& d) {
  size_t n = 0;
  for (const ChunkView& c : d.chunks) n += len_field_size(len_field_size(chunk_member_size(c)));
  for (const auto& [name, t] : d.loss_fn_inputs) n += len_field_size(input_entry_size(name, t));
  return n;
}

// ---- writing ----------------------------------------------------------------------------

// int64 token ids → packed int32, a block at a time through a stack buffer. The range check is
// an OR over the block (branch-free, vectorisable); the slow search for the culprit only runs
// when a block failed.
bool put_narrowed_tokens(std::string* out, const int64_t* t, size_t n, size_t di, size_t ci,
                         std::string* err) {
  constexpr size_t kBlock = 2048;
  int32_t buf[kBlock];
  for (size_t i = 0; i < n; i += kBlock) {
    size_t m = std::min(kBlock, n - i);
    uint64_t bad = 0;
    for (size_t j = 0; j < m; ++j) {
      int64_t v = t[i + j];
      int32_t w = static_cast<int32_t>(v);
      buf[j] = w;
      bad |= static_cast<uint64_t>(v ^ static_cast<int64_t>(w));
    }
    if (bad) return check_tokens_int32(t, n, di, ci, err);  // finds and names the culprit
    out->append(reinterpret_cast<const char*>(buf), m * 4);
  }
  return true;
}

bool put_chunk(std::string* out, const ChunkView& c, size_t di, size_t ci, std::string* err) {
  size_t member = chunk_member_size(c);
  pb::put_len_header(out, kDatumModelInput, len_field_size(member));
  switch (c.kind) {
    case ChunkKind::ENCODED_TEXT:
      pb::put_len_header(out, kChunkEncodedText, member);
      if (c.n_tokens == 0) return true;
      pb::put_len_header(out, kTextTokens, c.n_tokens * 4);
      if (c.token_width == TokenWidth::INT32) {
        out->append(static_cast<const char*>(c.tokens), c.n_tokens * 4);
        return true;
      }
      return put_narrowed_tokens(out, static_cast<const int64_t*>(c.tokens), c.n_tokens, di, ci, err);
    case ChunkKind::IMAGE:
      pb::put_len_header(out, kChunkImage, member);
      put_opt_bytes(out, kImageData, c.data, c.size);
      put_opt_bytes(out, kImageFormat, c.format.data(), c.format.size());
      if (c.expected_tokens)
        pb::put_varint_field(out, kImageExpectedTokens, pb::signed_varint_value(*c.expected_tokens));
      return true;
    case ChunkKind::DMEL:
      pb::put_len_header(out, kChunkDmel, member);
      put_opt_bytes(out, kDmelBytes, c.data, c.size);
      return true;
    case ChunkKind::IMAGE_ASSET_POINTER:
      break;
  }
  return fail(err, "unencodable chunk");  // unreachable after check_chunk
}

void put_tensor(std::string* out, const TensorView& t) {
  size_t value_bytes = t.numel * dtype_size(t.dtype);
  if (t.sparse) {
    const SparseCsrView& s = *t.sparse;
    pb::put_len_header(out, kTensorSparse, csr_size(t));
    put_opt_bytes(out, kCsrValues, t.data, value_bytes);
    put_opt_bytes(out, kCsrCrow, s.crow_indices, s.n_crow * 8);
    put_opt_bytes(out, kCsrCol, s.col_indices, s.n_col * 8);
  } else {
    pb::put_len_header(out, kTensorDense, value_bytes);
    if (value_bytes) out->append(static_cast<const char*>(t.data), value_bytes);
  }
  pb::put_varint_field(out, kTensorDtype, static_cast<uint64_t>(t.dtype));
  pb::put_packed_int64_field(out, kTensorShape, t.shape.data(), t.shape.size());
}

bool put_datum(std::string* out, const DatumView& d, const std::vector<uint32_t>& order, size_t di,
               std::string* err) {
  for (size_t ci = 0; ci < d.chunks.size(); ++ci)
    if (!put_chunk(out, d.chunks[ci], di, ci, err)) return false;
  for (uint32_t i : order) {
    const auto& [name, t] = d.loss_fn_inputs[i];
    pb::put_len_header(out, kDatumLossFnInputs, input_entry_size(name, t));
    pb::put_bytes_field(out, kEntryKey, name.data(), name.size());
    pb::put_len_header(out, kEntryValue, tensor_size(t));
    put_tensor(out, t);
  }
  return true;
}

size_t header_size(const RequestHeader& h) {
  size_t n = opt_bytes_size(h.model_id.size()) + opt_bytes_size(h.loss_fn.size());
  if (h.seq_id != 0) n += 1 + pb::varint_size(pb::signed_varint_value(h.seq_id));
  for (const auto& [k, v] : h.loss_fn_config) n += len_field_size(pb::string_double_entry_size(k));
  if (h.forward_only) n += 2;
  return n;
}

void put_header_front(std::string* out, const RequestHeader& h) {
  put_opt_bytes(out, kReqModelId, h.model_id.data(), h.model_id.size());
  if (h.seq_id != 0) pb::put_varint_field(out, kReqSeqId, pb::signed_varint_value(h.seq_id));
}

void put_header_back(std::string* out, const RequestHeader& h) {
  put_opt_bytes(out, kReqLossFn, h.loss_fn.data(), h.loss_fn.size());
  for (const auto& [k, v] : h.loss_fn_config) pb::put_string_double_entry(out, kReqLossFnConfig, k, v);
  if (h.forward_only) pb::put_varint_field(out, kReqForwardOnly, 1);
}

}  // namespace

bool encode_datum(const DatumView& d, std::string* out, std::string* err) {
  std::vector<uint32_t> order;
  if (!check_datum(d, 0, AssetPointers::REJECT, err) || !sorted_loss_inputs(d, 0, &order, err))
    return false;
  const size_t start = out->size();
  out->reserve(start + datum_size(d));
  if (!put_datum(out, d, order, 0, err)) {
    out->resize(start);
    return false;
  }
  return true;
}

void assemble_forward_backward_request(const RequestHeader& h,
                                       const std::vector<std::string_view>& datums,
                                       std::string* out) {
  size_t total = header_size(h);
  for (std::string_view d : datums) total += len_field_size(d.size());
  out->reserve(out->size() + total);
  put_header_front(out, h);
  for (std::string_view d : datums) pb::put_bytes_field(out, kReqData, d.data(), d.size());
  put_header_back(out, h);
}

bool encode_forward_backward_request(const RequestHeader& h, const std::vector<DatumView>& data,
                                     std::string* out, std::string* err) {
  std::vector<std::vector<uint32_t>> orders(data.size());
  std::vector<size_t> sizes(data.size());
  size_t total = header_size(h);
  for (size_t i = 0; i < data.size(); ++i) {
    if (!check_datum(data[i], i, AssetPointers::REJECT, err) ||
        !sorted_loss_inputs(data[i], i, &orders[i], err))
      return false;
    sizes[i] = datum_size(data[i]);
    total += len_field_size(sizes[i]);
  }
  const size_t start = out->size();
  out->reserve(start + total);
  put_header_front(out, h);
  for (size_t i = 0; i < data.size(); ++i) {
    pb::put_len_header(out, kReqData, sizes[i]);
    if (!put_datum(out, data[i], orders[i], i, err)) {
      out->resize(start);
      return false;
    }
  }
  put_header_back(out, h);
  return true;
}

DatumView datum_view(const InputDatum& d) {
  DatumView v;
  v.chunks.reserve(d.chunks.size());
  for (const InputChunk& c : d.chunks) {
    ChunkView cv;
    cv.kind = c.kind;
    cv.tokens = c.tokens.data();
    cv.n_tokens = c.tokens.size();
    cv.token_width = TokenWidth::INT32;
    cv.data = reinterpret_cast<const uint8_t*>(c.data.data());
    cv.size = c.data.size();
    cv.format = c.format;
    cv.location = c.location;
    cv.expected_tokens = c.expected_tokens;
    v.chunks.push_back(std::move(cv));
  }
  v.loss_fn_inputs.reserve(d.loss_fn_inputs.size());
  for (const auto& [name, t] : d.loss_fn_inputs) {
    TensorView tv;
    if (t.is_float()) {
      tv.dtype = DType::FLOAT32;
      tv.data = t.f32.data();
    } else {
      tv.dtype = DType::INT64;
      tv.data = t.i64.data();
    }
    tv.numel = t.numel();
    tv.shape = t.shape;
    if (t.sparse)
      tv.sparse = SparseCsrView{t.crow_indices.data(), t.crow_indices.size(), t.col_indices.data(),
                                t.col_indices.size()};
    v.loss_fn_inputs.emplace_back(name, std::move(tv));
  }
  return v;
}

}  // namespace tinker::wire
