#include "json.h"

#include <cmath>

namespace emu {

JsonPtr json_parse(const std::string& text, std::string* error) {
  const char* end = nullptr;
  cJSON* v = cJSON_ParseWithLengthOpts(text.data(), text.size(), &end, 0);
  if (v == nullptr) {
    if (error != nullptr) {
      size_t at = end != nullptr ? static_cast<size_t>(end - text.data()) : 0;
      *error = "invalid JSON near byte " + std::to_string(at);
    }
    return nullptr;
  }
  // Reject trailing garbage other than whitespace: "{}x" is not a JSON document.
  if (end != nullptr) {
    for (const char* p = end; p < text.data() + text.size(); ++p) {
      if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t' && *p != '\0') {
        cJSON_Delete(v);
        if (error != nullptr) *error = "trailing characters after JSON value";
        return nullptr;
      }
    }
  }
  return JsonPtr(v);
}

std::string json_print(const cJSON* value) {
  char* s = cJSON_PrintUnformatted(value);
  if (s == nullptr) return "null";
  std::string out(s);
  cJSON_free(s);
  return out;
}

JsonPtr json_object() { return JsonPtr(cJSON_CreateObject()); }

JsonPtr json_clone(const cJSON* value) {
  if (value == nullptr) return nullptr;
  return JsonPtr(cJSON_Duplicate(value, 1));
}

const cJSON* json_get(const cJSON* obj, const char* key) {
  if (obj == nullptr || !cJSON_IsObject(obj)) return nullptr;
  return cJSON_GetObjectItemCaseSensitive(obj, key);
}

std::optional<std::string> json_string(const cJSON* obj, const char* key) {
  const cJSON* v = json_get(obj, key);
  if (v == nullptr || !cJSON_IsString(v) || v->valuestring == nullptr) return std::nullopt;
  return std::string(v->valuestring);
}

std::optional<int64_t> json_int(const cJSON* obj, const char* key) {
  const cJSON* v = json_get(obj, key);
  if (v == nullptr || !cJSON_IsNumber(v)) return std::nullopt;
  double d = v->valuedouble;
  if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e15) return std::nullopt;
  return static_cast<int64_t>(d);
}

std::optional<bool> json_bool(const cJSON* obj, const char* key) {
  const cJSON* v = json_get(obj, key);
  if (v == nullptr || !cJSON_IsBool(v)) return std::nullopt;
  return cJSON_IsTrue(v) != 0;
}

bool json_present_but_not(const cJSON* obj, const char* key, int cjson_type_mask) {
  const cJSON* v = json_get(obj, key);
  if (v == nullptr) return false;
  return (v->type & 0xFF & cjson_type_mask) == 0;
}

void json_merge_object(cJSON* dst, const cJSON* src) {
  if (dst == nullptr || src == nullptr || !cJSON_IsObject(src)) return;
  for (const cJSON* m = src->child; m != nullptr; m = m->next) {
    if (m->string == nullptr) continue;
    cJSON_DeleteItemFromObjectCaseSensitive(dst, m->string);
    if (!cJSON_IsNull(m)) cJSON_AddItemToObject(dst, m->string, cJSON_Duplicate(m, 1));
  }
}

std::string json_error_body(const std::string& message, const std::string& code) {
  JsonPtr o = json_object();
  cJSON_AddStringToObject(o.get(), "error", message.c_str());
  cJSON_AddStringToObject(o.get(), "code", code.c_str());
  return json_print(o.get());
}

}  // namespace emu
