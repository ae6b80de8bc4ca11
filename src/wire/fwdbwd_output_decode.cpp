// Client-side decoder of ForwardBackwardOutput (protocol.md §1.6.1 "Decoding rules").
#include <algorithm>
#include <cstring>

#include "wire/fail.h"
#include "wire/fwdbwd_output.h"
#include "wire/pb_reader.h"

namespace tinker::wire {

namespace {

using pb::Field;
using pb::Reader;

struct RawBatched {
  std::string_view data, offsets;
  int32_t dtype = 0;
  std::vector<int64_t> trailing;
};

struct RawRecord {
  std::vector<std::pair<std::string_view, RawBatched>> fields;  // wire order, unique keys
  int64_t num_datums = 0;
};

bool parse_batched(std::string_view b, const std::string& what, RawBatched* t, std::string* err) {
  Reader r(b, what);
  Field f;
  while (r.next(&f)) {
    if (f.number == 1 && f.type == pb::LEN) t->data = f.bytes;
    else if (f.number == 2 && f.type == pb::LEN) t->offsets = f.bytes;
    else if (f.number == 3 && f.type == pb::VARINT) t->dtype = static_cast<int32_t>(f.value);
    else if (f.number == 4 && !pb::append_repeated_int64(f, &t->trailing, err))
      return fail(err, what + ": " + *err);
  }
  if (r.failed()) return fail(err, r.error());
  return true;
}

bool parse_record(std::string_view b, const std::string& what, RawRecord* rec, std::string* err) {
  Reader r(b, what);
  Field f;
  while (r.next(&f)) {
    if (f.number == 2 && f.type == pb::LEN) {
      pb::MapEntry e;
      if (!pb::read_map_entry(f.bytes, what + ".fields", &e, err)) return false;
      RawBatched t;
      for (std::string_view part : e.message_parts)
        if (!parse_batched(part, what + ".fields[\"" + std::string(e.key) + "\"]", &t, err)) return false;
      auto same = [&](const auto& fld) { return fld.first == e.key; };
      auto it = std::find_if(rec->fields.begin(), rec->fields.end(), same);
      if (it != rec->fields.end()) it->second = std::move(t);  // duplicate key: the last wins
      else rec->fields.emplace_back(e.key, std::move(t));
    } else if (f.number == 3 && f.type == pb::VARINT) {
      rec->num_datums = static_cast<int64_t>(f.value);
    }
  }
  if (r.failed()) return fail(err, r.error());
  return true;
}

// One field of one record, checked: element size, per-datum element ranges.
struct Sliced {
  DType dtype = DType::UNSPECIFIED;
  size_t n_datums = 0;
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
  for (int64_t d : t.trailing)
    if (d < 0) return fail(err, what + ": negative dimension in trailing_shape");
  s->n_datums = n_off ? n_off - 1 : 0;
  return true;
}

// Keys are unique within a record, so equal sizes + inclusion = equal sets.
bool same_field_names(const RawRecord& a, const RawRecord& b) {
  if (a.fields.size() != b.fields.size()) return false;
  for (const auto& fa : a.fields) {
    bool found = false;
    for (const auto& fb : b.fields) found = found || fa.first == fb.first;
    if (!found) return false;
  }
  return true;
}

// [numel / prod(trailing), *trailing]; the leading dimension is 0 when there is no data.
bool datum_shape(const std::vector<int64_t>& trailing, uint64_t numel, const std::string& what,
                 std::vector<int64_t>* shape, std::string* err) {
  uint64_t leading = 0;
  if (numel != 0) {
    uint64_t prod = 1;  // stays <= numel, or becomes 0 / numel + 1 to mean "cannot divide"
    for (int64_t d : trailing) {  // d >= 0 (checked)
      if (d == 0 || static_cast<uint64_t>(d) > numel / prod) {
        prod = d == 0 ? 0 : numel + 1;
        break;
      }
      prod *= static_cast<uint64_t>(d);
    }
    if (prod == 0 || numel % prod != 0)
      return fail(err, what + ": " + std::to_string(numel) +
                     " elements do not divide into the trailing shape");
    leading = numel / prod;
  }
  shape->reserve(trailing.size() + 1);
  shape->push_back(static_cast<int64_t>(leading));
  shape->insert(shape->end(), trailing.begin(), trailing.end());
  return true;
}

bool slice(const RawBatched& t, DType dt, size_t i, const std::string& what, OutputTensor* o,
           std::string* err) {
  const size_t es = dtype_size(dt);
  const int64_t a = static_cast<int64_t>(load_u64le(t.offsets.data() + 8 * i));
  const int64_t b = static_cast<int64_t>(load_u64le(t.offsets.data() + 8 * (i + 1)));
  const char* p = t.data.data() + a;
  const size_t n = static_cast<size_t>(b - a) / es;
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
  return datum_shape(t.trailing, n, what, &o->shape, err);
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
      const double v = e.double_value;
      auto same = [&](const auto& m) { return m.first == e.key; };
      auto it = std::find_if(out->metrics.begin(), out->metrics.end(), same);
      if (it != out->metrics.end()) it->second = v;  // duplicate key: the last wins
      else out->metrics.emplace_back(std::string(e.key), v);
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
  const RawRecord* first = nullptr;
  for (size_t ri = 0; ri < records.size(); ++ri) {
    if (counts[ri] == 0) continue;
    if (!first) {
      first = &records[ri];
      continue;
    }
    if (!same_field_names(*first, records[ri]))
      return fail(err, "ForwardBackwardOutput.loss_fn_outputs[" + std::to_string(ri) +
                     "]: its fields differ from an earlier record's");
  }

  out->outputs.reserve(total);
  for (size_t ri = 0; ri < records.size(); ++ri) {
    const RawRecord& rec = records[ri];
    for (size_t i = 0; i < counts[ri]; ++i) {
      LossFnOutput datum;
      datum.reserve(rec.fields.size());
      for (size_t fi = 0; fi < rec.fields.size(); ++fi) {
        OutputTensor t;
        const std::string_view name = rec.fields[fi].first;
        if (!slice(rec.fields[fi].second, sliced[ri][fi].dtype, i,
                   "ForwardBackwardOutput datum " + std::to_string(out->outputs.size()) + " field \"" +
                       std::string(name) + "\"",
                   &t, err))
          return false;
        datum.emplace_back(std::string(name), std::move(t));
      }
      out->outputs.push_back(std::move(datum));
    }
  }
  return true;
}

}  // namespace tinker::wire
