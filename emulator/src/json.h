// Small helpers over cJSON: owning pointers, typed field access, and the error body shape
// every non-2xx JSON reply uses.
#pragma once

#include <cjson/cJSON.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace emu {

struct JsonDeleter {
  void operator()(cJSON* p) const { cJSON_Delete(p); }
};
using JsonPtr = std::unique_ptr<cJSON, JsonDeleter>;

// Parses `text`; on failure returns null and sets *error to a short description.
JsonPtr json_parse(const std::string& text, std::string* error);
// Compact serialisation (never pretty-printed: bodies are for machines).
std::string json_print(const cJSON* value);
JsonPtr json_object();
JsonPtr json_clone(const cJSON* value);

// Field access on an object; absent or wrongly typed fields give nullopt / null.
const cJSON* json_get(const cJSON* obj, const char* key);
std::optional<std::string> json_string(const cJSON* obj, const char* key);
std::optional<int64_t> json_int(const cJSON* obj, const char* key);
std::optional<bool> json_bool(const cJSON* obj, const char* key);

// True when `key` is present with a value of the wrong type (so handlers can answer 400
// instead of silently ignoring a malformed field).
bool json_present_but_not(const cJSON* obj, const char* key, int cjson_type_mask);

// Adds `src`'s members to `dst`, replacing same-named ones; a null member in `src` removes
// the key from `dst`. Used by the admin config merge.
void json_merge_object(cJSON* dst, const cJSON* src);

// {"error": message, "code": code}. Every error reply carries a body (an empty 400 means
// "Cloudflare rejected the connection" to the SDK, protocol.md §1.5).
std::string json_error_body(const std::string& message, const std::string& code);

}  // namespace emu
