// Client-side decoder of ForwardBackwardOutput (protocol.md §1.6.1 "Decoding rules").
#include <algorithm>
#include <cstring>

#include "wire/fail.h"
#include "wire/fwdbwd_output.h"
#include "wire/pb_reader.h"
#include "wire/unique_keys.h"

namespace tinker::wire {

namespace {

using pb::Field;
using pb::Reader;

struct RawBatched {
  std::string_view data, offsets;
  int32_t dtype = 0;
  size_t n_trailing = 0;          // dimensions in trailing_shape
  std::vector<int64_t> trailing;  // its values; left empty past the cap (refused later)
};

struct RawRecord {
  std::vector<std::pair<std::string_view, RawBatched>> fields;  // wire order, unique keys
  int64_t num_datums = 0;
};

// The budget's unit costs (fwdbwd_output.h, decoded_output_bytes).
uint64_t tensor_bytes(size_t name_len, size_t ndim, uint64_t numel, bool is_float) {
  return sizeof(std::pair<std::string, OutputTensor>) + name_len + 8 * uint64_t{ndim} +
         numel * (is_float ? sizeof(float) : sizeof(int64_t));
}
uint64_t metric_bytes(size_t key_len) { return sizeof(std::pair<std::string, double>) + key_len; }
constexpr uint64_t kDatumBytes = sizeof(LossFnOutput);

bool parse_batched(std::string_view b, const std::string& what, RawBatched* t, std::string* err) {
  Reader r(b, what);
  Field f;
  while (r.next(&f)) {
    if (f.number == 1 && f.type == pb::LEN) t->data = f.bytes;
    else if (f.number == 2 && f.type == pb::LEN) t->offsets = f.bytes;
    else if (f.number == 3 && f.type == pb::VARINT) t->dtype = static_cast<int32_t>(f.value);
    else if (f.number == 4) {
      // Counted before it is stored: a packed field can hold one dimension per body byte.
      size_t n = 0;
      if (!pb::count_repeated_int64(f, &n, err)) return fail(err, what + ": " + *err);
      t->n_trailing += n;
      if (t->n_trailing < kMaxTensorDims) {
        if (!pb::append_repeated_int64(f, &t->trailing, err)) return fail(err, what + ": " + *err);
      } else {
        t->trailing = {};
      }
    }
  }
  if (r.failed()) return fail(err, r.error());
  return true;
}

bool parse_record(std::string_view b, const std::string& what, RawRecord* rec, std::string* err) {
  Reader r(b, what);
  Field f;
  UniqueKeys<std::string_view, RawBatched> keys(&rec->fields);
  while (r.next(&f)) {
    if (f.number == 2 && f.type == pb::LEN) {
      pb::MapEntry e;
      if (!pb::read_map_entry(f.bytes, what + ".fields", &e, err)) return false;
      RawBatched t;
      for (std::string_view part : e.message_parts)
        if (!parse_batched(part, what + ".fields[\"" + std::string(e.key) + "\"]", &t, err)) return false;
      keys.put(e.key, std::move(t));  // duplicate key: the last wins
    } else if (f.number == 3 && f.type == pb::VARINT) {
      rec->num_datums = static_cast<int64_t>(f.value);
    }
  }
  if (r.failed()) return fail(err, r.error());
  return true;
}

// One field of one record, checked: element size, per-datum element ranges, and the product
// of its trailing shape, which every datum's element count must divide.
struct Sliced {
  DType dtype = DType::UNSPECIFIED;
  size_t n_datums = 0;
  uint64_t row = 1;           // prod(trailing_shape); 0 if a dimension is 0
  bool row_overflows = false;  // the product passes 2^64: only empty datums fit
};

bool check_batched(const RawBatched& t, const std::string& what, Sliced* s, std::string* err) {
  s->dtype = dtype_from_wire(t.dtype);
  size_t es = dtype_size(s->dtype);
  if (es == 0) return fail(err, what + ": unsupported dtype " + std::to_string(t.dtype));
  if (t.data.size() % es != 0)
    return fail(err, what + ": data is " + std::to_string(t.data.size()) +
                   " bytes, not a whole number of " + std::to_string(es) + "-byte elements");
  if (t.offsets.size() % 8 != 0)
    return fail(err, what + ": offsets are " + std::to_string(t.offsets.size()) +
                   " bytes, not a whole number of int64");
  size_t n_off = t.offsets.size() / 8;
  int64_t prev = 0;
  for (size_t i = 0; i < n_off; ++i) {
    int64_t o = static_cast<int64_t>(load_u64le(t.offsets.data() + 8 * i));
    if (o < 0 || static_cast<uint64_t>(o) > t.data.size() || o % static_cast<int64_t>(es) != 0 ||
        (i > 0 && o < prev))
      return fail(err, what + ": byte offset " + std::to_string(i) + " (" + std::to_string(o) +
                     ") is out of range, decreasing, or not on an element boundary");
    prev = o;
  }
  if (t.n_trailing + 1 > kMaxTensorDims)
    return fail(err, what + ": trailing_shape has " + std::to_string(t.n_trailing) +
                   " dimensions; an output tensor has at most " + std::to_string(kMaxTensorDims) +
                   " (kMaxTensorDims), the leading one included");
  bool zero = false;
  for (int64_t d : t.trailing) {
    if (d < 0) return fail(err, what + ": negative dimension in trailing_shape");
    const uint64_t u = static_cast<uint64_t>(d);
    zero = zero || u == 0;
    if (zero || s->row_overflows) continue;
    if (s->row > UINT64_MAX / u) s->row_overflows = true;
    else s->row *= u;
  }
  if (zero) {  // a zero dimension decides: no element count but 0 divides
    s->row = 0;
    s->row_overflows = false;
  }
  s->n_datums = n_off ? n_off - 1 : 0;
  return true;
}

// Elements of datum i of a checked field.
uint64_t datum_numel(const RawBatched& t, DType dt, size_t i) {
  const uint64_t a = load_u64le(t.offsets.data() + 8 * i);
  const uint64_t b = load_u64le(t.offsets.data() + 8 * (i + 1));
  return (b - a) / dtype_size(dt);
}

// A record's field names, sorted: keys are unique within a record, so two records have the
// same fields exactly when these are equal (sorting keeps many fields from being quadratic).
std::vector<std::string_view> sorted_names(const RawRecord& r) {
  std::vector<std::string_view> names;
  names.reserve(r.fields.size());
  for (const auto& f : r.fields) names.push_back(f.first);
  std::sort(names.begin(), names.end());
  return names;
}

// Datum i of a checked field, whose element count was checked against the trailing shape.
// Shape [numel / prod(trailing), *trailing]; the leading dimension is 0 when there is no data.
void slice(const RawBatched& t, const Sliced& s, size_t i, OutputTensor* o) {
  const DType dt = s.dtype;
  const char* p = t.data.data() + load_u64le(t.offsets.data() + 8 * i);
  const size_t n = static_cast<size_t>(datum_numel(t, dt, i));
  o->is_float = dtype_is_float(dt);
  switch (dt) {
    case DType::FLOAT32:
      o->f32.resize(n);
      if (n) std::memcpy(o->f32.data(), p, n * 4);
      break;
    case DType::BFLOAT16:
      o->f32.resize(n);
      for (size_t j = 0; j < n; ++j) {
        uint16_t h;
        std::memcpy(&h, p + 2 * j, 2);
        o->f32[j] = bf16_to_float(h);
      }
      break;
    case DType::INT64:
      o->i64.resize(n);
      if (n) std::memcpy(o->i64.data(), p, n * 8);
      break;
    case DType::INT32:
      o->i64.resize(n);
      for (size_t j = 0; j < n; ++j) {
        int32_t v;
        std::memcpy(&v, p + 4 * j, 4);
        o->i64[j] = v;
      }
      break;
    default:
      break;
  }
  o->shape.reserve(t.trailing.size() + 1);
  o->shape.push_back(static_cast<int64_t>(n == 0 ? 0 : n / s.row));
  o->shape.insert(o->shape.end(), t.trailing.begin(), t.trailing.end());
}

}  // namespace

bool decode_forward_backward_output(std::string_view body, ForwardBackwardOutput* out,
                                    std::string* err) {
  std::string ignored;  // helpers below write through err
  if (!err) err = &ignored;
  *out = ForwardBackwardOutput{};
  Reader r(body, "ForwardBackwardOutput");
  Field f;
  std::string raw_type;
  std::vector<RawRecord> records;
  UniqueKeys<std::string, double> metrics(&out->metrics);
  while (r.next(&f)) {
    if (f.number == 1 && f.type == pb::LEN) {
      raw_type.assign(f.bytes);
    } else if (f.number == 2 && f.type == pb::LEN) {
      RawRecord rec;
      if (!parse_record(f.bytes, "ForwardBackwardOutput.loss_fn_outputs[" + std::to_string(records.size()) + "]",
                        &rec, err))
        return false;
      records.push_back(std::move(rec));
    } else if (f.number == 3 && f.type == pb::LEN) {
      pb::MapEntry e;
      if (!pb::read_map_entry(f.bytes, "ForwardBackwardOutput.metrics", &e, err)) return false;
      metrics.put(e.key, e.double_value);  // duplicate key: the last wins
    }
  }
  if (r.failed()) return fail(err, r.error());

  if (records.empty()) {
    out->loss_fn_output_type = raw_type.empty() ? "ArrayRecord" : raw_type;
    return true;
  }
  size_t colon = raw_type.rfind(':');
  out->loss_fn_output_type = colon == std::string::npos ? raw_type : raw_type.substr(colon + 1);

  // Check every record and work out its datum count before building anything.
  std::vector<std::vector<Sliced>> sliced(records.size());
  std::vector<size_t> counts(records.size());
  size_t total = 0;
  for (size_t ri = 0; ri < records.size(); ++ri) {
    const RawRecord& rec = records[ri];
    const std::string where = "ForwardBackwardOutput.loss_fn_outputs[" + std::to_string(ri) + "]";
    if (rec.num_datums < 0)
      return fail(err, where + ": negative num_datums " + std::to_string(rec.num_datums));
    sliced[ri].resize(rec.fields.size());
    for (size_t fi = 0; fi < rec.fields.size(); ++fi)
      if (!check_batched(rec.fields[fi].second,
                         where + ".fields[\"" + std::string(rec.fields[fi].first) + "\"]",
                         &sliced[ri][fi], err))
        return false;
    // num_datums is authoritative; 0 means a writer that predates it, so the fields decide.
    size_t n = static_cast<size_t>(rec.num_datums);
    if (rec.num_datums == 0 && !rec.fields.empty()) n = sliced[ri][0].n_datums;
    for (size_t fi = 0; fi < rec.fields.size(); ++fi)
      if (sliced[ri][fi].n_datums != n)
        return fail(err, where + ": field \"" + std::string(rec.fields[fi].first) + "\" has " +
                       std::to_string(sliced[ri][fi].n_datums) + " datums, the record has " +
                       std::to_string(n));
    if (n > kMaxOutputDatums || total + n > kMaxOutputDatums)
      return fail(err, where + ": more than " + std::to_string(kMaxOutputDatums) + " datums");
    counts[ri] = n;
    total += n;
  }
  // Every datum must carry the same fields, or outputs would misalign across records.
  std::vector<std::string_view> first_names;
  bool have_names = false;
  for (size_t ri = 0; ri < records.size(); ++ri) {
    if (counts[ri] == 0) continue;
    std::vector<std::string_view> names = sorted_names(records[ri]);
    if (!have_names) {
      first_names = std::move(names);
      have_names = true;
    } else if (names != first_names) {
      return fail(err, "ForwardBackwardOutput.loss_fn_outputs[" + std::to_string(ri) +
                     "]: its fields differ from an earlier record's");
    }
  }

  // Size the whole output, and check every datum's shape, before allocating any of it: the
  // budget (fwdbwd_output.h) grows by at least sizeof(LossFnOutput) per step, so this loop ends
  // after at most budget / that many steps, however many datums the body claims.
  const uint64_t budget = max_decoded_output_bytes(body.size());
  uint64_t need = 0;
  for (const auto& m : out->metrics) need += metric_bytes(m.first.size());
  size_t datum_index = 0;
  for (size_t ri = 0; ri < records.size(); ++ri) {
    const RawRecord& rec = records[ri];
    for (size_t i = 0; i < counts[ri]; ++i, ++datum_index) {
      need += kDatumBytes;
      for (size_t fi = 0; fi < rec.fields.size(); ++fi) {
        const RawBatched& t = rec.fields[fi].second;
        const Sliced& s = sliced[ri][fi];
        const uint64_t numel = datum_numel(t, s.dtype, i);
        if (numel != 0 && (s.row == 0 || s.row_overflows || numel % s.row != 0))
          return fail(err, "ForwardBackwardOutput datum " + std::to_string(datum_index) + " field \"" +
                         std::string(rec.fields[fi].first) + "\": " + std::to_string(numel) +
                         " elements do not divide into the trailing shape");
        need += tensor_bytes(rec.fields[fi].first.size(), t.trailing.size() + 1, numel, dtype_is_float(s.dtype));
      }
      if (need > budget)
        return fail(err, "ForwardBackwardOutput: decoding would take more than " + std::to_string(budget) +
                       " bytes, the limit for a " + std::to_string(body.size()) + "-byte body (" +
                       std::to_string(kDecodedBytesPerBodyByte) + " x body + " +
                       std::to_string(kDecodedBytesAllowance) + "); refused at datum " +
                       std::to_string(datum_index) + " of " + std::to_string(total) +
                       " (field names or shapes repeated for many datums?)");
    }
  }

  out->outputs.reserve(total);
  for (size_t ri = 0; ri < records.size(); ++ri) {
    const RawRecord& rec = records[ri];
    for (size_t i = 0; i < counts[ri]; ++i) {
      LossFnOutput datum;
      datum.reserve(rec.fields.size());
      for (size_t fi = 0; fi < rec.fields.size(); ++fi) {
        OutputTensor t;
        slice(rec.fields[fi].second, sliced[ri][fi], i, &t);
        datum.emplace_back(std::string(rec.fields[fi].first), std::move(t));
      }
      out->outputs.push_back(std::move(datum));
    }
  }
  return true;
}

uint64_t max_decoded_output_bytes(size_t body_size) {
  return kDecodedBytesPerBodyByte * uint64_t{body_size} + kDecodedBytesAllowance;
}

uint64_t decoded_output_bytes(const ForwardBackwardOutput& o) {
  uint64_t n = 0;
  for (const auto& m : o.metrics) n += metric_bytes(m.first.size());
  for (const LossFnOutput& d : o.outputs) {
    n += kDatumBytes;
    for (const auto& [name, t] : d) n += tensor_bytes(name.size(), t.shape.size(), t.numel(), t.is_float);
  }
  return n;
}

}  // namespace tinker::wire
