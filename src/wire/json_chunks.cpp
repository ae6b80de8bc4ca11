#include "wire/json_chunks.h"

#include <cjson/cJSON.h>

#include <cstdint>
#include <vector>

#include "wire/base64.h"
#include "wire/fail.h"
#include "wire/json_tensor.h"

namespace tinker::wire {

void write_chunk_json(JsonWriter& w, const ChunkView& c) {
  w.begin_object();
  switch (c.kind) {
    case ChunkKind::ENCODED_TEXT:
      w.key("tokens");
      if (c.token_width == TokenWidth::INT32) w.array_i32(static_cast<const int32_t*>(c.tokens), c.n_tokens);
      else w.array_i64(static_cast<const int64_t*>(c.tokens), c.n_tokens);
      w.key("type").string("encoded_text");
      break;
    case ChunkKind::IMAGE:
      w.key("data").base64(c.data, c.size).key("format").string(c.format);
      if (c.expected_tokens) w.key("expected_tokens").int64(*c.expected_tokens);
      w.key("type").string("image");
      break;
    case ChunkKind::IMAGE_ASSET_POINTER:
      w.key("format").string(c.format).key("location").string(c.location);
      if (c.expected_tokens) w.key("expected_tokens").int64(*c.expected_tokens);
      w.key("type").string("image_asset_pointer");
      break;
    case ChunkKind::DMEL:
      w.key("dmel").base64(c.data, c.size).key("type").string("dmel");
      break;
  }
  w.end_object();
}

namespace {

const cJSON* member(const cJSON* obj, const char* key) {
  return cJSON_GetObjectItemCaseSensitive(obj, key);
}

}  // namespace

bool as_int32(const cJSON* n, int32_t* out) {
  if (!cJSON_IsNumber(n)) return false;
  const double v = n->valuedouble;
  if (!(v >= -2147483648.0 && v <= 2147483647.0) || v != static_cast<double>(static_cast<int64_t>(v)))
    return false;
  *out = static_cast<int32_t>(v);
  return true;
}

bool read_string(const cJSON* obj, const char* key, const std::string& what, std::string* out,
                 std::string* err) {
  const cJSON* s = member(obj, key);
  if (!cJSON_IsString(s)) return fail(err, what + ": missing string \"" + key + "\"");
  *out = s->valuestring;
  return true;
}

namespace {

bool read_expected_tokens(const cJSON* c, const std::string& what, InputChunk* out,
                          std::string* err) {
  const cJSON* e = member(c, "expected_tokens");
  if (!e || cJSON_IsNull(e)) return true;
  int32_t v;
  if (!as_int32(e, &v)) return fail(err, what + ": expected_tokens must be an int32");
  out->expected_tokens = v;
  return true;
}

bool read_base64(const cJSON* obj, const char* key, const std::string& what, std::string* out,
                 std::string* err) {
  std::string text;
  if (!read_string(obj, key, what, &text, err)) return false;
  if (!base64_decode(text, out)) return fail(err, what + ": \"" + key + "\" is not valid base64");
  return true;
}

}  // namespace

bool read_chunk_json(const cJSON* c, const std::string& what, InputChunk* out, std::string* err) {
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

}  // namespace tinker::wire
