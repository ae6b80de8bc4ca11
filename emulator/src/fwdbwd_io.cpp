#include "fwdbwd_io.h"

#include <memory>
#include <utility>

#include "wire/fwdbwd_output.h"
#include "wire/json_fwdbwd.h"
#include "wire/pb_reader.h"

namespace emu {

namespace wire = ::tinker::wire;
namespace mdl = ::tinker::emu;

bool scan_fwdbwd_header(std::string_view body, FwdBwdHeader* out, std::string* err) {
  FwdBwdHeader h;
  wire::pb::Reader r(body, "ForwardBackwardRequest");
  wire::pb::Field f;
  while (r.next(&f)) {
    switch (f.number) {
      case 1:
        if (f.type == wire::pb::LEN) h.model_id.assign(f.bytes.data(), f.bytes.size());
        break;
      case 2:
        // int32 on the wire: negative values arrive sign-extended to 64 bits.
        if (f.type == wire::pb::VARINT) h.seq_id = static_cast<int32_t>(static_cast<uint32_t>(f.value));
        break;
      case 3:
        if (f.type == wire::pb::LEN) ++h.n_datums;
        break;
      case 4:
        if (f.type == wire::pb::LEN) h.loss_fn.assign(f.bytes.data(), f.bytes.size());
        break;
      case 6:
        if (f.type == wire::pb::VARINT) h.forward_only = f.value != 0;
        break;
      default:
        break;
    }
  }
  if (r.failed()) {
    if (err != nullptr) *err = r.error();
    return false;
  }
  *out = std::move(h);
  return true;
}

namespace {

bool densify(const wire::InputTensor& t, const std::string& what, mdl::TensorData* out,
             std::string* err) {
  const bool is_float = t.is_float();
  if (!t.sparse) {
    *out = is_float ? mdl::TensorData::floats(t.f32, t.shape) : mdl::TensorData::ints(t.i64, t.shape);
    return true;
  }
  if (t.shape.size() != 2 || t.shape[0] < 0 || t.shape[1] < 0) {
    *err = what + ": a sparse tensor needs a 2-D shape";
    return false;
  }
  const int64_t rows = t.shape[0], cols = t.shape[1];
  if (static_cast<int64_t>(t.crow_indices.size()) != rows + 1) {
    *err = what + ": sparse_crow_indices must have nrows + 1 entries";
    return false;
  }
  if (rows * cols > (int64_t{1} << 28)) {
    *err = what + ": dense size " + std::to_string(rows * cols) + " is too large";
    return false;
  }
  const size_t nnz = t.numel();
  if (t.col_indices.size() != nnz) {
    *err = what + ": sparse_col_indices must have one entry per value";
    return false;
  }
  std::vector<float> f;
  std::vector<int64_t> i;
  if (is_float) {
    f.assign(static_cast<size_t>(rows * cols), 0.0f);
  } else {
    i.assign(static_cast<size_t>(rows * cols), 0);
  }
  for (int64_t r = 0; r < rows; ++r) {
    int64_t b = t.crow_indices[r], e = t.crow_indices[r + 1];
    if (b < 0 || e < b || e > static_cast<int64_t>(nnz)) {
      *err = what + ": sparse_crow_indices are not a valid CSR row index";
      return false;
    }
    for (int64_t k = b; k < e; ++k) {
      int64_t c = t.col_indices[k];
      if (c < 0 || c >= cols) {
        *err = what + ": sparse column index " + std::to_string(c) + " is out of range";
        return false;
      }
      if (is_float) {
        f[r * cols + c] = t.f32[k];
      } else {
        i[r * cols + c] = t.i64[k];
      }
    }
  }
  *out = is_float ? mdl::TensorData::floats(std::move(f), t.shape)
                  : mdl::TensorData::ints(std::move(i), t.shape);
  return true;
}

}  // namespace

const char* chunk_kind_name(wire::ChunkKind k) {
  switch (k) {
    case wire::ChunkKind::ENCODED_TEXT: return "encoded_text";
    case wire::ChunkKind::IMAGE: return "image";
    case wire::ChunkKind::IMAGE_ASSET_POINTER: return "image_asset_pointer";
    case wire::ChunkKind::DMEL: return "dmel";
  }
  return "unknown";
}

bool to_model_data(const wire::ForwardBackwardRequest& req, std::vector<mdl::Datum>* out,
                   std::string* err) {
  std::vector<mdl::Datum> data;
  data.reserve(req.data.size());
  for (size_t i = 0; i < req.data.size(); ++i) {
    const wire::InputDatum& in = req.data[i];
    mdl::Datum d;
    size_t n = 0;
    for (const auto& c : in.chunks) n += c.tokens.size();
    d.tokens.reserve(n);
    for (size_t k = 0; k < in.chunks.size(); ++k) {
      const wire::InputChunk& c = in.chunks[k];
      if (c.kind != wire::ChunkKind::ENCODED_TEXT) {
        *err = "datum " + std::to_string(i) + ": model_input chunk " + std::to_string(k) +
               " is " + chunk_kind_name(c.kind) +
               "; the emulator's models read text (encoded_text) chunks only";
        return false;
      }
      d.tokens.insert(d.tokens.end(), c.tokens.begin(), c.tokens.end());
    }
    for (const auto& kv : in.loss_fn_inputs) {
      mdl::TensorData t;
      if (!densify(kv.second, "datum " + std::to_string(i) + ": loss_fn_inputs '" + kv.first + "'",
                   &t, err)) {
        return false;
      }
      d.loss_fn_inputs[kv.first] = std::move(t);
    }
    data.push_back(std::move(d));
  }
  *out = std::move(data);
  return true;
}

wire::ForwardBackwardOutput to_wire_output(mdl::ForwardBackwardResult&& r) {
  wire::ForwardBackwardOutput o;
  o.loss_fn_output_type = "ArrayRecord";
  o.outputs.reserve(r.outputs.size());
  for (mdl::LossFnOutput& lo : r.outputs) {
    wire::OutputTensor t;
    t.is_float = true;
    t.shape = std::move(lo.shape);
    if (t.shape.empty()) t.shape.push_back(static_cast<int64_t>(lo.logprobs.size()));
    t.f32 = std::move(lo.logprobs);
    wire::LossFnOutput fields;
    fields.emplace_back("logprobs", std::move(t));
    o.outputs.push_back(std::move(fields));
  }
  for (const auto& kv : r.metrics) o.metrics.emplace_back(kv.first, kv.second);
  return o;
}

namespace {

JobResult render(const wire::ForwardBackwardOutput& o, bool protobuf) {
  JobResult r;
  if (protobuf) {
    std::string err;
    if (!wire::encode_forward_backward_output(o, &r.body, &err)) {
      return JobResult::failure("cannot encode the forward/backward result: " + err, "server");
    }
    r.content_type = "application/x-protobuf";
  } else {
    wire::encode_forward_backward_output_json(o, &r.body);
    r.content_type = "application/json";
  }
  return r;
}

// Converts a result body of one form into the other (exact: JSON floats are written as the
// shortest text that reads back to the same float32).
JobResult convert(const std::string& body, bool to_protobuf) {
  wire::ForwardBackwardOutput o;
  std::string err;
  bool ok = to_protobuf ? wire::decode_forward_backward_output_json(body, &o, &err)
                        : wire::decode_forward_backward_output(body, &o, &err);
  if (!ok) return JobResult::failure("cannot re-encode the forward/backward result: " + err, "server");
  return render(o, to_protobuf);
}

}  // namespace

JobResult fwdbwd_job_result(wire::ForwardBackwardOutput output, bool prefer_protobuf) {
  JobResult r = render(output, prefer_protobuf);
  if (r.failed) return r;
  r.body_is_protobuf = prefer_protobuf;
  r.render = convert;
  return r;
}

}  // namespace emu
