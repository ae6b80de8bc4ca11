// Emulator-side decoder of the legacy JSON forward/backward request (protocol.md §11). Request
// bodies are parsed with cJSON: the emulator is not on the client's hot path.
#include <cjson/cJSON.h>

#include <limits>
#include <memory>

#include "wire/base64.h"
#include "wire/fail.h"
#include "wire/json_fwdbwd.h"
#include "wire/json_tensor.h"
#include "wire/unique_keys.h"

namespace tinker::wire {

namespace {


const cJSON* member(const cJSON* obj, const char* key) {
  return cJSON_GetObjectItemCaseSensitive(obj, key);
}

// JSON numbers are doubles here; an int32 field must hold an integral value in range.
bool as_int32(const cJSON* n, int32_t* out) {
  if (!cJSON_IsNumber(n)) return false;
  const double v = n->valuedouble;
  if (!(v >= -2147483648.0 && v <= 2147483647.0) || v != static_cast<double>(static_cast<int64_t>(v)))
    return false;
  *out = static_cast<int32_t>(v);
  return true;
}

bool read_expected_tokens(const cJSON* c, const std::string& what, InputChunk* out,
                          std::string* err) {
  const cJSON* e = member(c, "expected_tokens");
  if (!e || cJSON_IsNull(e)) return true;
  int32_t v;
  if (!as_int32(e, &v)) return fail(err, what + ": expected_tokens must be an int32");
  out->expected_tokens = v;
  return true;
}

bool read_string(const cJSON* obj, const char* key, const std::string& what, std::string* out,
                 std::string* err) {
  const cJSON* s = member(obj, key);
  if (!cJSON_IsString(s)) return fail(err, what + ": missing string \"" + key + "\"");
  *out = s->valuestring;
  return true;
}

bool read_base64(const cJSON* obj, const char* key, const std::string& what, std::string* out,
                 std::string* err) {
  std::string text;
  if (!read_string(obj, key, what, &text, err)) return false;
  if (!base64_decode(text, out)) return fail(err, what + ": \"" + key + "\" is not valid base64");
  return true;
}

bool read_chunk(const cJSON* c, const std::string& what, InputChunk* out, std::string* err) {
  if (!cJSON_IsObject(c)) return fail(err, what + ": expected a chunk object");
  std::string type;
  if (!read_string(c, "type", what, &type, err)) return false;
  if (type == "encoded_text") {
    out->kind = ChunkKind::ENCODED_TEXT;
    std::vector<int64_t> ids;
    if (!read_int_array_json(member(c, "tokens"), what + ".tokens", &ids, err)) return false;
    out->tokens.reserve(ids.size());
    for (int64_t id : ids) {
      if (id != static_cast<int32_t>(id))
        return fail(err, what + ": token id " + std::to_string(id) + " does not fit in int32");
      out->tokens.push_back(static_cast<int32_t>(id));
    }
    return true;
  }
  if (type == "image") {
    out->kind = ChunkKind::IMAGE;
    return read_base64(c, "data", what, &out->data, err) &&
           read_string(c, "format", what, &out->format, err) &&
           read_expected_tokens(c, what, out, err);
  }
  if (type == "image_asset_pointer") {
    out->kind = ChunkKind::IMAGE_ASSET_POINTER;
    return read_string(c, "location", what, &out->location, err) &&
           read_string(c, "format", what, &out->format, err) &&
           read_expected_tokens(c, what, out, err);
  }
  if (type == "dmel") {
    out->kind = ChunkKind::DMEL;
    return read_base64(c, "dmel", what, &out->data, err);
  }
  return fail(err, what + ": unknown chunk type \"" + type + "\"");
}

bool read_datum(const cJSON* d, const std::string& what, InputDatum* out, std::string* err) {
  if (!cJSON_IsObject(d)) return fail(err, what + ": expected a Datum object");
  const cJSON* chunks = member(member(d, "model_input"), "chunks");
  if (!cJSON_IsArray(chunks)) return fail(err, what + ": missing model_input.chunks");
  for (const cJSON* c = chunks->child; c; c = c->next) {
    InputChunk chunk;
    if (!read_chunk(c, what + ".model_input.chunks[" + std::to_string(out->chunks.size()) + "]", &chunk, err))
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
