// Client-side encoder of the legacy JSON forward/backward request (protocol.md §11, §7.1–7.3).
#include "wire/datum_check.h"
#include "wire/json_chunks.h"
#include "wire/json_fwdbwd.h"
#include "wire/json_tensor.h"
#include "wire/json_writer.h"

namespace tinker::wire {

namespace {

// A rough upper bound of the text per element, to reserve once: int32 ids "-2147483648,",
// floats "-1.2345678e-38,". Too small only costs a reallocation.
constexpr size_t kJsonBytesPerElement = 12;

size_t estimate_json_size(const DatumView& d) {
  size_t n = 128;
  for (const ChunkView& c : d.chunks) n += 64 + c.n_tokens * kJsonBytesPerElement + c.size * 4 / 3;
  for (const auto& [name, t] : d.loss_fn_inputs) n += 96 + name.size() + t.numel * kJsonBytesPerElement;
  return n;
}

void write_datum(JsonWriter& w, const DatumView& d, const std::vector<uint32_t>& order) {
  w.begin_object().key("model_input").begin_object().key("chunks").begin_array();
  for (const ChunkView& c : d.chunks) write_chunk_json(w, c);
  w.end_array().end_object().key("loss_fn_inputs").begin_object();
  for (uint32_t i : order) {
    const auto& [name, t] = d.loss_fn_inputs[i];
    w.key(name);
    write_tensor_json(w, t.dtype, t.data, t.numel, t.shape.data(), t.shape.size(),
                      t.sparse ? &*t.sparse : nullptr);
  }
  w.end_object().end_object();
}

// Everything before the first datum, and everything after the last.
void write_front(JsonWriter& w, const RequestHeader& h) {
  w.begin_object().key(h.forward_only ? "forward_input" : "forward_backward_input").begin_object();
  w.key("data").begin_array();
}

void write_back(JsonWriter& w, const RequestHeader& h) {
  w.end_array().key("loss_fn").string(h.loss_fn);
  if (!h.loss_fn_config.empty()) {
    w.key("loss_fn_config").begin_object();
    for (const auto& [k, v] : h.loss_fn_config) w.key(k).float64(v);
    w.end_object();
  }
  w.end_object().key("model_id").string(h.model_id).key("seq_id").int64(h.seq_id).end_object();
}

}  // namespace

bool encode_datum_json(const DatumView& d, std::string* out, std::string* err) {
  std::vector<uint32_t> order;
  if (!check_datum(d, 0, AssetPointers::ALLOW, err) || !check_token_ranges(d, 0, err) ||
      !sorted_loss_inputs(d, 0, &order, err))
    return false;
  out->reserve(out->size() + estimate_json_size(d));
  JsonWriter w(out);
  write_datum(w, d, order);
  return true;
}

void assemble_forward_backward_request_json(const RequestHeader& h,
                                            const std::vector<std::string_view>& datums,
                                            std::string* out) {
  size_t total = 256 + h.model_id.size() + h.loss_fn.size() + 32 * h.loss_fn_config.size();
  for (std::string_view d : datums) total += d.size() + 1;
  out->reserve(out->size() + total);
  JsonWriter w(out);
  write_front(w, h);
  for (std::string_view d : datums) w.raw(d);
  write_back(w, h);
}

bool encode_forward_backward_request_json(const RequestHeader& h,
                                          const std::vector<DatumView>& data, std::string* out,
                                          std::string* err) {
  std::vector<std::vector<uint32_t>> orders(data.size());
  size_t total = 256 + h.model_id.size() + h.loss_fn.size() + 32 * h.loss_fn_config.size();
  for (size_t i = 0; i < data.size(); ++i) {
    if (!check_datum(data[i], i, AssetPointers::ALLOW, err) || !check_token_ranges(data[i], i, err) ||
        !sorted_loss_inputs(data[i], i, &orders[i], err))
      return false;
    total += estimate_json_size(data[i]);
  }
  out->reserve(out->size() + total);
  JsonWriter w(out);
  write_front(w, h);
  for (size_t i = 0; i < data.size(); ++i) write_datum(w, data[i], orders[i]);
  write_back(w, h);
  return true;
}

}  // namespace tinker::wire
