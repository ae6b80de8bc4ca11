// Emulator-side decoder of the legacy JSON forward/backward request (protocol.md §11). Request
// bodies are parsed with cJSON: the emulator is not on the client's hot path.
#include <cjson/cJSON.h>

#include <limits>
#include <memory>

#include "wire/fail.h"
#include "wire/json_chunks.h"
#include "wire/json_fwdbwd.h"
#include "wire/json_tensor.h"
#include "wire/unique_keys.h"

namespace tinker::wire {

namespace {


const cJSON* member(const cJSON* obj, const char* key) {
  return cJSON_GetObjectItemCaseSensitive(obj, key);
}

bool read_datum(const cJSON* d, const std::string& what, InputDatum* out, std::string* err) {
  if (!cJSON_IsObject(d)) return fail(err, what + ": expected a Datum object");
  const cJSON* chunks = member(member(d, "model_input"), "chunks");
  if (!cJSON_IsArray(chunks)) return fail(err, what + ": missing model_input.chunks");
  for (const cJSON* c = chunks->child; c; c = c->next) {
    InputChunk chunk;
    if (!read_chunk_json(c, what + ".model_input.chunks[" + std::to_string(out->chunks.size()) + "]", &chunk, err))
      return false;
    out->chunks.push_back(std::move(chunk));
  }
  const cJSON* inputs = member(d, "loss_fn_inputs");
  if (!inputs || cJSON_IsNull(inputs)) return true;  // defaults to {}
  if (!cJSON_IsObject(inputs)) return fail(err, what + ": loss_fn_inputs must be an object");
  UniqueKeys<std::string, InputTensor> names(&out->loss_fn_inputs);
  for (const cJSON* t = inputs->child; t; t = t->next) {
    InputTensor tensor;
    if (!read_tensor_json(t, what + ".loss_fn_inputs[\"" + t->string + "\"]", &tensor, err)) return false;
    names.put(t->string, std::move(tensor));  // last one wins
  }
  return true;
}

}  // namespace

bool decode_forward_backward_request_json(std::string_view body, ForwardBackwardRequest* out,
                                          std::string* err) {
  std::string ignored;  // helpers below write through err
  if (!err) err = &ignored;
  *out = ForwardBackwardRequest{};
  CJsonPtr root(cJSON_ParseWithLength(body.data(), body.size()));
  if (!root || !cJSON_IsObject(root.get())) return fail(err, "request body is not a JSON object");
  const cJSON* input = member(root.get(), "forward_backward_input");
  if (!input) {
    input = member(root.get(), "forward_input");
    out->forward_only = true;
  }
  if (!cJSON_IsObject(input))
    return fail(err, "request needs a \"forward_backward_input\" or \"forward_input\" object");
  if (!read_string(root.get(), "model_id", "request", &out->model_id, err)) return false;
  const cJSON* seq = member(root.get(), "seq_id");
  if (seq && !cJSON_IsNull(seq)) {
    if (!as_int32(seq, &out->seq_id)) return fail(err, "request: seq_id must be an int32");
  }
  if (!read_string(input, "loss_fn", "request", &out->loss_fn, err)) return false;
  const cJSON* config = member(input, "loss_fn_config");
  if (config && !cJSON_IsNull(config)) {
    if (!cJSON_IsObject(config)) return fail(err, "request: loss_fn_config must be an object");
    for (const cJSON* e = config->child; e; e = e->next) {
      // null is how the encoders write a non-finite number (wire/json_writer.h)
      if (cJSON_IsNull(e)) out->loss_fn_config[e->string] = std::numeric_limits<double>::quiet_NaN();
      else if (cJSON_IsNumber(e)) out->loss_fn_config[e->string] = e->valuedouble;
      else return fail(err, std::string("request: loss_fn_config[\"") + e->string + "\"] is not a number");
    }
  }
  const cJSON* data = member(input, "data");
  if (!cJSON_IsArray(data)) return fail(err, "request: missing \"data\" array");
  for (const cJSON* d = data->child; d; d = d->next) {
    InputDatum datum;
    if (!read_datum(d, "request.data[" + std::to_string(out->data.size()) + "]", &datum, err)) return false;
    out->data.push_back(std::move(datum));
  }
  return true;
}

}  // namespace tinker::wire
