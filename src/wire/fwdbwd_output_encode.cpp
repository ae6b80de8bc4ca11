// Emulator-side encoder of ForwardBackwardOutput (protocol.md §1.6.1): per-datum outputs become
// ArrayRecords of BatchedTensors (concatenated data + int64 byte offsets + trailing shape).
#include <algorithm>
#include <cstring>

#include "wire/fail.h"
#include "wire/fwdbwd_output.h"
#include "wire/pb_writer.h"
#include "wire/tensor_layout.h"

namespace tinker::wire {

namespace {

using pb::len_field_size;

bool check_tensor(const OutputTensor& t, size_t di, const std::string& name, std::string* err) {
  if (t.shape.empty())
    return fail(err, "output datum " + std::to_string(di) + " field \"" + name + "\": empty shape");
  uint64_t prod = 0;
  if (!shape_product(t.shape, &prod) || prod != t.numel())
    return fail(err, "output datum " + std::to_string(di) + " field \"" + name + "\": shape does not match " +
                         std::to_string(t.numel()) + " elements");
  return true;
}

// A datum's fields sorted by name (map order), borrowed from the caller's output.
using Fields = std::vector<const std::pair<std::string, OutputTensor>*>;

// Does datum `b` fit in the record started by datum `a` (same kinds, same trailing shapes)?
// Field names were already checked equal.
bool same_layout(const Fields& a, const Fields& b) {
  for (size_t i = 0; i < a.size(); ++i) {
    const OutputTensor& x = a[i]->second;
    const OutputTensor& y = b[i]->second;
    if (x.is_float != y.is_float || x.shape.size() != y.shape.size() ||
        !std::equal(x.shape.begin() + 1, x.shape.end(), y.shape.begin() + 1))
      return false;
  }
  return true;
}

DType wire_dtype(const OutputTensor& t, const OutputEncodeOptions& opt) {
  return t.is_float ? opt.float_dtype : opt.int_dtype;
}

// Appends the values of one datum's tensor in dtype `dt`.
bool put_values(std::string* out, const OutputTensor& t, DType dt, std::string* err) {
  switch (dt) {
    case DType::FLOAT32:
      out->append(reinterpret_cast<const char*>(t.f32.data()), t.f32.size() * 4);
      return true;
    case DType::INT64:
      out->append(reinterpret_cast<const char*>(t.i64.data()), t.i64.size() * 8);
      return true;
    case DType::BFLOAT16:
      for (float v : t.f32) {
        uint16_t h = float_to_bf16(v);
        out->append(reinterpret_cast<const char*>(&h), 2);
      }
      return true;
    case DType::INT32:
      for (int64_t v : t.i64) {
        int32_t w = static_cast<int32_t>(v);
        if (w != v) return fail(err, "output value " + std::to_string(v) + " does not fit INT32");
        out->append(reinterpret_cast<const char*>(&w), 4);
      }
      return true;
    default:
      return fail(err, "unsupported output dtype");
  }
}

// One BatchedTensor for field `fi` of datums [begin, end).
bool put_batched(std::string* out, const std::vector<Fields>& outs, size_t begin, size_t end,
                 size_t fi, const OutputEncodeOptions& opt, std::string* err) {
  const OutputTensor& first = outs[begin][fi]->second;
  const DType dt = wire_dtype(first, opt);
  const size_t es = dtype_size(dt);
  size_t data_bytes = 0;
  for (size_t d = begin; d < end; ++d) data_bytes += outs[d][fi]->second.numel() * es;
  const size_t offsets_bytes = (end - begin + 1) * 8;
  const int64_t* trailing = first.shape.data() + 1;
  const size_t n_trailing = first.shape.size() - 1;
  size_t body = (data_bytes ? len_field_size(data_bytes) : 0) + len_field_size(offsets_bytes) + 2 +
                pb::packed_int64_field_size(trailing, n_trailing);

  const std::string& name = outs[begin][fi]->first;
  pb::put_len_header(out, 2, len_field_size(name.size()) + len_field_size(body));  // fields entry
  pb::put_bytes_field(out, 1, name.data(), name.size());
  pb::put_len_header(out, 2, body);
  if (data_bytes) {
    pb::put_len_header(out, 1, data_bytes);
    for (size_t d = begin; d < end; ++d)
      if (!put_values(out, outs[d][fi]->second, dt, err)) return false;
  }
  pb::put_len_header(out, 2, offsets_bytes);
  int64_t off = 0;
  for (size_t d = begin; d <= end; ++d) {
    out->append(reinterpret_cast<const char*>(&off), 8);
    if (d < end) off += static_cast<int64_t>(outs[d][fi]->second.numel() * es);
  }
  pb::put_varint_field(out, 3, static_cast<uint64_t>(dt));
  pb::put_packed_int64_field(out, 4, trailing, n_trailing);
  return true;
}

}  // namespace

bool encode_forward_backward_output(const ForwardBackwardOutput& o, std::string* out,
                                    std::string* err, const OutputEncodeOptions& opt) {
  if (opt.float_dtype != DType::FLOAT32 && opt.float_dtype != DType::BFLOAT16)
    return fail(err, "float outputs can be sent as FLOAT32 or BFLOAT16 only");
  if (opt.int_dtype != DType::INT64 && opt.int_dtype != DType::INT32)
    return fail(err, "int outputs can be sent as INT64 or INT32 only");

  // Sort each datum's fields by name (map order), then require identical names everywhere.
  std::vector<Fields> outs(o.outputs.size());
  for (size_t d = 0; d < outs.size(); ++d) {
    for (const auto& f : o.outputs[d]) outs[d].push_back(&f);
    std::sort(outs[d].begin(), outs[d].end(), [](auto* a, auto* b) { return a->first < b->first; });
    for (size_t i = 0; i < outs[d].size(); ++i) {
      if (i > 0 && outs[d][i - 1]->first == outs[d][i]->first)
        return fail(err, "output datum " + std::to_string(d) + ": field \"" + outs[d][i]->first + "\" twice");
      if (!check_tensor(outs[d][i]->second, d, outs[d][i]->first, err)) return false;
    }
    if (d > 0) {
      bool same = outs[d].size() == outs[0].size();
      for (size_t i = 0; same && i < outs[d].size(); ++i) same = outs[d][i]->first == outs[0][i]->first;
      if (!same) return fail(err, "output datum " + std::to_string(d) + " has other fields than datum 0");
    }
  }

  const size_t start = out->size();
  if (!o.loss_fn_output_type.empty())
    pb::put_bytes_field(out, 1, o.loss_fn_output_type.data(), o.loss_fn_output_type.size());

  // Each record is built in a scratch buffer, then copied behind its length prefix: the
  // emulator is the only user, and this keeps the sizing code out of the way.
  std::string record;
  size_t begin = 0;
  while (begin < outs.size()) {
    size_t end = begin + 1;
    while (end < outs.size() && same_layout(outs[begin], outs[end]) &&
           (opt.max_datums_per_record == 0 || end - begin < opt.max_datums_per_record))
      ++end;
    record.clear();
    for (size_t fi = 0; fi < outs[begin].size(); ++fi)
      if (!put_batched(&record, outs, begin, end, fi, opt, err)) {
        out->resize(start);
        return false;
      }
    pb::put_varint_field(&record, 3, end - begin);  // num_datums
    pb::put_bytes_field(out, 2, record.data(), record.size());
    begin = end;
  }

  std::vector<const std::pair<std::string, double>*> metrics;
  for (const auto& m : o.metrics) metrics.push_back(&m);
  std::sort(metrics.begin(), metrics.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (size_t i = 0; i < metrics.size(); ++i) {
    if (i > 0 && metrics[i - 1]->first == metrics[i]->first) {
      out->resize(start);
      return fail(err, "metric \"" + metrics[i]->first + "\" twice");
    }
    pb::put_string_double_entry(out, 3, metrics[i]->first, metrics[i]->second);
  }
  return true;
}

}  // namespace tinker::wire
