// Emulator-side decoder of ForwardBackwardRequest (protocol.md §1.6.1). Protobuf merge rules
// apply where they matter: the last value of a singular field wins, a repeated sub-message
// of the same oneof member merges into the previous one, a duplicate map key replaces the
// earlier entry. Unknown fields of every wire type are skipped.
#include <cstring>
#include <type_traits>

#include "wire/fail.h"
#include "wire/fwdbwd_request.h"
#include "wire/pb_reader.h"
#include "wire/tensor_layout.h"
#include "wire/unique_keys.h"

namespace tinker::wire {

namespace {

using pb::Field;
using pb::Reader;

struct RawTensor {
  bool sparse = false;
  std::string_view dense;
  std::string_view values, crow, col;
  int32_t dtype = 0;
  std::vector<int64_t> shape;
};

bool parse_csr(std::string_view b, const std::string& what, RawTensor* t, std::string* err) {
  Reader r(b, what + ".sparse_csr");
  Field f;
  while (r.next(&f)) {
    if (f.type != pb::LEN) continue;
    if (f.number == 1) t->values = f.bytes;
    else if (f.number == 2) t->crow = f.bytes;
    else if (f.number == 3) t->col = f.bytes;
  }
  if (r.failed()) return fail(err, r.error());
  return true;
}

bool parse_tensor(std::string_view b, const std::string& what, RawTensor* t, std::string* err) {
  Reader r(b, what);
  Field f;
  while (r.next(&f)) {
    if (f.number == 1 && f.type == pb::LEN) {
      t->sparse = false;
      t->dense = f.bytes;
      t->values = t->crow = t->col = {};
    } else if (f.number == 2 && f.type == pb::LEN) {
      if (!t->sparse) {  // switching oneof member: start from an empty SparseCsr
        t->sparse = true;
        t->dense = {};
        t->values = t->crow = t->col = {};
      }
      if (!parse_csr(f.bytes, what, t, err)) return false;
    } else if (f.number == 3 && f.type == pb::VARINT) {
      t->dtype = static_cast<int32_t>(f.value);
    } else if (f.number == 4) {
      if (!pb::append_repeated_int64(f, &t->shape, err)) return fail(err, what + ": " + *err);
    }
  }
  if (r.failed()) return fail(err, r.error());
  return true;
}

template <typename T, typename Wide>
void widen(std::string_view b, std::vector<Wide>* out) {
  const size_t n = b.size() / sizeof(T);
  out->resize(n);
  if (sizeof(T) == sizeof(Wide)) {
    if (n) std::memcpy(out->data(), b.data(), b.size());
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, b.data() + i * sizeof(T), sizeof(T));
    if constexpr (std::is_same_v<T, uint16_t>) (*out)[i] = bf16_to_float(v);
    else (*out)[i] = static_cast<Wide>(v);
  }
}

void widen_values(DType dt, std::string_view b, InputTensor* t) {
  switch (dt) {
    case DType::FLOAT32: widen<float>(b, &t->f32); break;
    case DType::BFLOAT16: widen<uint16_t>(b, &t->f32); break;
    case DType::INT64: widen<int64_t>(b, &t->i64); break;
    case DType::INT32: widen<int32_t>(b, &t->i64); break;
    default: break;
  }
}

bool build_tensor(RawTensor& raw, const std::string& what, InputTensor* t, std::string* err) {
  DType dt = dtype_from_wire(raw.dtype);
  size_t es = dtype_size(dt);
  if (es == 0) return fail(err, what + ": unsupported dtype " + std::to_string(raw.dtype));
  t->dtype = dt;
  t->sparse = raw.sparse;
  std::string_view values = raw.sparse ? raw.values : raw.dense;
  if (values.size() % es != 0)
    return fail(err, what + ": " + std::to_string(values.size()) + " value bytes is not a whole number of " +
                   std::to_string(es) + "-byte elements");
  const uint64_t numel = values.size() / es;
  if (raw.sparse && (!pb::bytes_to_i64(raw.crow, &t->crow_indices, "crow_indices", err) ||
                     !pb::bytes_to_i64(raw.col, &t->col_indices, "col_indices", err)))
    return fail(err, what + ": " + *err);
  if (!check_tensor_layout(raw.shape, numel, raw.sparse, t->col_indices.size(), err))
    return fail(err, what + ": " + *err);
  t->shape = std::move(raw.shape);
  widen_values(dt, values, t);
  return true;
}

// A Chunk message: the oneof member decides the kind; a later, different member replaces it.
bool parse_chunk(std::string_view b, const std::string& what, InputChunk* c, std::string* err) {
  Reader r(b, what);
  Field f;
  bool set = false;
  std::string_view tokens;
  while (r.next(&f)) {
    if (f.type != pb::LEN || f.number < 1 || f.number > 3) continue;
    ChunkKind k = f.number == 1 ? ChunkKind::ENCODED_TEXT
                : f.number == 2 ? ChunkKind::IMAGE : ChunkKind::DMEL;
    if (!set || c->kind != k) {
      *c = InputChunk{};
      c->kind = k;
      tokens = {};
      set = true;
    }
    Reader m(f.bytes, what);
    Field g;
    while (m.next(&g)) {
      if (k == ChunkKind::ENCODED_TEXT) {
        if (g.number == 1 && g.type == pb::LEN) tokens = g.bytes;
      } else if (k == ChunkKind::IMAGE) {
        if (g.number == 1 && g.type == pb::LEN) c->data.assign(g.bytes);
        else if (g.number == 2 && g.type == pb::LEN) c->format.assign(g.bytes);
        else if (g.number == 3 && g.type == pb::VARINT) c->expected_tokens = static_cast<int32_t>(g.value);
      } else if (g.number == 1 && g.type == pb::LEN) {
        c->data.assign(g.bytes);
      }
    }
    if (m.failed()) return fail(err, m.error());
  }
  if (r.failed()) return fail(err, r.error());
  if (!set) return fail(err, what + ": chunk has no content (none of encoded_text, image, dmel)");
  if (c->kind == ChunkKind::ENCODED_TEXT && !pb::bytes_to_i32(tokens, &c->tokens, "tokens", err))
    return fail(err, what + ": " + *err);
  return true;
}

bool parse_datum(std::string_view b, const std::string& what, InputDatum* d, std::string* err) {
  Reader r(b, what);
  Field f;
  // Raw entries first (duplicate names: the last entry wins, in the first one's position).
  std::vector<std::pair<std::string_view, std::vector<std::string_view>>> inputs;
  UniqueKeys<std::string_view, std::vector<std::string_view>> names(&inputs);
  while (r.next(&f)) {
    if (f.type != pb::LEN) continue;
    if (f.number == 1) {
      InputChunk c;
      if (!parse_chunk(f.bytes, what + ".model_input[" + std::to_string(d->chunks.size()) + "]", &c, err))
        return false;
      d->chunks.push_back(std::move(c));
    } else if (f.number == 2) {
      pb::MapEntry e;
      if (!pb::read_map_entry(f.bytes, what + ".loss_fn_inputs", &e, err)) return false;
      names.put(e.key, std::move(e.message_parts));
    }
  }
  if (r.failed()) return fail(err, r.error());
  d->loss_fn_inputs.reserve(inputs.size());
  for (const auto& [name, parts] : inputs) {
    std::string where = what + ".loss_fn_inputs[\"" + std::string(name) + "\"]";
    RawTensor raw;
    for (std::string_view part : parts)
      if (!parse_tensor(part, where, &raw, err)) return false;
    InputTensor t;
    if (!build_tensor(raw, where, &t, err)) return false;
    d->loss_fn_inputs.emplace_back(std::string(name), std::move(t));
  }
  return true;
}

}  // namespace

bool decode_forward_backward_request(std::string_view body, ForwardBackwardRequest* out,
                                     std::string* err) {
  std::string ignored;  // helpers below write through err
  if (!err) err = &ignored;
  *out = ForwardBackwardRequest{};
  Reader r(body, "ForwardBackwardRequest");
  Field f;
  while (r.next(&f)) {
    switch (f.number) {
      case 1:
        if (f.type == pb::LEN) out->model_id.assign(f.bytes);
        break;
      case 2:
        if (f.type == pb::VARINT) out->seq_id = static_cast<int32_t>(f.value);
        break;
      case 3:
        if (f.type == pb::LEN) {
          InputDatum d;
          if (!parse_datum(f.bytes, "ForwardBackwardRequest.data[" + std::to_string(out->data.size()) + "]",
                           &d, err))
            return false;
          out->data.push_back(std::move(d));
        }
        break;
      case 4:
        if (f.type == pb::LEN) out->loss_fn.assign(f.bytes);
        break;
      case 5:
        if (f.type == pb::LEN) {
          pb::MapEntry e;
          if (!pb::read_map_entry(f.bytes, "ForwardBackwardRequest.loss_fn_config", &e, err)) return false;
          out->loss_fn_config[std::string(e.key)] = e.double_value;
        }
        break;
      case 6:
        if (f.type == pb::VARINT) out->forward_only = f.value != 0;
        break;
      default:
        break;
    }
  }
  if (r.failed()) return fail(err, r.error());
  return true;
}

}  // namespace tinker::wire
