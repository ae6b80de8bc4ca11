// The legacy JSON ForwardBackwardOutput (protocol.md §7.4): decoder for the client, encoder
// for the emulator.
#include <cjson/cJSON.h>

#include <limits>

#include "wire/fail.h"
#include "wire/fwdbwd_output.h"
#include "wire/json_fwdbwd.h"
#include "wire/json_tensor.h"
#include "wire/json_writer.h"
#include "wire/unique_keys.h"

namespace tinker::wire {

void encode_forward_backward_output_json(const ForwardBackwardOutput& o, std::string* out) {
  size_t total = 128 + o.loss_fn_output_type.size() + 48 * o.metrics.size();
  for (const LossFnOutput& d : o.outputs)
    for (const auto& [name, t] : d) total += 64 + name.size() + 16 * t.numel();
  out->reserve(out->size() + total);

  JsonWriter w(out);
  w.begin_object().key("loss_fn_output_type").string(o.loss_fn_output_type);
  w.key("loss_fn_outputs").begin_array();
  for (const LossFnOutput& d : o.outputs) {
    w.begin_object();
    for (const auto& [name, t] : d) {
      w.key(name);
      if (t.is_float)
        write_tensor_json(w, DType::FLOAT32, t.f32.data(), t.f32.size(), t.shape.data(), t.shape.size(), nullptr);
      else
        write_tensor_json(w, DType::INT64, t.i64.data(), t.i64.size(), t.shape.data(), t.shape.size(), nullptr);
    }
    w.end_object();
  }
  w.end_array().key("metrics").begin_object();
  for (const auto& [k, v] : o.metrics) w.key(k).float64(v);
  w.end_object().end_object();
}

bool decode_forward_backward_output_json(std::string_view body, ForwardBackwardOutput* out,
                                         std::string* err) {
  std::string ignored;  // helpers below write through err
  if (!err) err = &ignored;
  *out = ForwardBackwardOutput{};
  CJsonPtr root(cJSON_ParseWithLength(body.data(), body.size()));
  if (!root || !cJSON_IsObject(root.get())) return fail(err, "ForwardBackwardOutput: not a JSON object");

  const cJSON* type = cJSON_GetObjectItemCaseSensitive(root.get(), "loss_fn_output_type");
  if (!cJSON_IsString(type)) return fail(err, "ForwardBackwardOutput: missing \"loss_fn_output_type\"");
  out->loss_fn_output_type = type->valuestring;

  const cJSON* outputs = cJSON_GetObjectItemCaseSensitive(root.get(), "loss_fn_outputs");
  if (!cJSON_IsArray(outputs)) return fail(err, "ForwardBackwardOutput: missing \"loss_fn_outputs\" array");
  for (const cJSON* d = outputs->child; d; d = d->next) {
    if (out->outputs.size() == kMaxOutputDatums)
      return fail(err, "ForwardBackwardOutput: more than " + std::to_string(kMaxOutputDatums) + " datums");
    const std::string where = "ForwardBackwardOutput.loss_fn_outputs[" + std::to_string(out->outputs.size()) + "]";
    if (!cJSON_IsObject(d)) return fail(err, where + ": expected an object");
    LossFnOutput datum;
    UniqueKeys<std::string, OutputTensor> fields(&datum);
    for (const cJSON* f = d->child; f; f = f->next) {
      InputTensor t;
      if (!read_tensor_json(f, where + "[\"" + f->string + "\"]", &t, err)) return false;
      if (t.sparse) return fail(err, where + "[\"" + f->string + "\"]: sparse outputs are not supported");
      if (t.shape.size() > kMaxTensorDims)  // the protobuf decoder's cap (fwdbwd_output.h)
        return fail(err, where + "[\"" + f->string + "\"]: shape has " + std::to_string(t.shape.size()) +
                       " dimensions; an output tensor has at most " + std::to_string(kMaxTensorDims) +
                       " (kMaxTensorDims)");
      OutputTensor o;
      o.is_float = t.is_float();
      o.shape = t.shape.empty() ? std::vector<int64_t>{static_cast<int64_t>(t.numel())} : std::move(t.shape);
      o.f32 = std::move(t.f32);
      o.i64 = std::move(t.i64);
      fields.put(f->string, std::move(o));  // duplicate key: the last one wins
    }
    out->outputs.push_back(std::move(datum));
  }

  const cJSON* metrics = cJSON_GetObjectItemCaseSensitive(root.get(), "metrics");
  if (metrics && !cJSON_IsNull(metrics)) {  // defaults to {}
    if (!cJSON_IsObject(metrics)) return fail(err, "ForwardBackwardOutput: \"metrics\" must be an object");
    UniqueKeys<std::string, double> keys(&out->metrics);
    for (const cJSON* m = metrics->child; m; m = m->next) {
      double v = std::numeric_limits<double>::quiet_NaN();  // null: the writer's non-finite
      if (cJSON_IsNumber(m)) v = m->valuedouble;
      else if (!cJSON_IsNull(m))
        return fail(err, std::string("ForwardBackwardOutput: metric \"") + m->string + "\" is not a number");
      keys.put(m->string, v);  // duplicate key: the last one wins
    }
  }
  return true;
}

}  // namespace tinker::wire
