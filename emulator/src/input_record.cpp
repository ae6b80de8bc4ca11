#include "input_record.h"

#include "wire/json_writer.h"

namespace emu {

namespace wire = ::tinker::wire;

namespace {

// The dtype as the client sent it (the decoded values are already widened: bfloat16 to
// float32, int32 to int64), so a test can also see which wire form was used.
const char* wire_dtype_name(wire::DType d) {
  switch (d) {
    case wire::DType::FLOAT32: return "float32";
    case wire::DType::BFLOAT16: return "bfloat16";
    case wire::DType::INT64: return "int64";
    case wire::DType::INT32: return "int32";
    default: return "unspecified";
  }
}

// Floats are written as the shortest text that reads back to the same float32 (signed zeros
// included), so a reader can compare them bit for bit.
void write_tensor(wire::JsonWriter& w, const wire::InputTensor& t) {
  w.begin_object();
  w.key("dtype").string(wire_dtype_name(t.dtype));
  w.key("shape").array_i64(t.shape.data(), t.shape.size());
  w.key("data");
  if (t.is_float()) {
    w.array_f32(t.f32.data(), t.f32.size());
  } else {
    w.array_i64(t.i64.data(), t.i64.size());
  }
  if (t.sparse) {
    w.key("sparse_crow_indices").array_i64(t.crow_indices.data(), t.crow_indices.size());
    w.key("sparse_col_indices").array_i64(t.col_indices.data(), t.col_indices.size());
  }
  w.end_object();
}

std::string render(const wire::ForwardBackwardRequest& req, const std::string& encoding) {
  std::string out;
  wire::JsonWriter w(&out);
  w.begin_object();
  w.key("seq_id").int64(req.seq_id);
  w.key("forward_only").boolean(req.forward_only);
  w.key("loss_fn").string(req.loss_fn);
  w.key("loss_fn_config").begin_object();
  for (const auto& kv : req.loss_fn_config) w.key(kv.first).float64(kv.second);
  w.end_object();
  w.key("encoding").string(encoding);
  w.key("data").begin_array();
  for (const wire::InputDatum& d : req.data) {
    size_t tokens = 0;
    for (const wire::InputChunk& c : d.chunks) tokens += c.tokens.size();
    w.begin_object();
    w.key("model_input_tokens").int64(static_cast<int64_t>(tokens));
    w.key("model_input_chunks").int64(static_cast<int64_t>(d.chunks.size()));
    w.key("loss_fn_inputs").begin_object();
    for (const auto& kv : d.loss_fn_inputs) {
      w.key(kv.first);
      write_tensor(w, kv.second);
    }
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

}  // namespace

void InputRecord::add(const wire::ForwardBackwardRequest& req, const std::string& encoding,
                      size_t keep) {
  std::string entry = render(req, encoding);  // outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  entries_.push_back(std::move(entry));
  while (entries_.size() > keep) entries_.pop_front();
}

std::string InputRecord::to_json() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out = "[";
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (i) out += ',';
    out += entries_[i];
  }
  out += ']';
  return out;
}

}  // namespace emu
