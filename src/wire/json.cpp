#include "wire/json.h"

#include <cstdint>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace tinker::json {

Ptr parse(const std::string& text) { return parse(text, nullptr); }

Ptr parse(const std::string& text, std::string* error, bool allow_trailing_nuls) {
  const char* end = nullptr;
  Ptr doc(cJSON_ParseWithLengthOpts(text.data(), text.size(), &end, 0));
  if (!doc) {
    // On failure cJSON points `end` at the byte where parsing stopped.
    const size_t at = end ? static_cast<size_t>(end - text.data()) : 0;
    if (error) *error = "invalid JSON near byte " + std::to_string(at);
    return nullptr;
  }
  // Only whitespace (and NULs, when allowed) may follow the document.
  for (const char* p = end; p < text.data() + text.size(); ++p) {
    const bool space = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
    if (space || (*p == '\0' && allow_trailing_nuls)) continue;
    if (error) *error = "trailing characters after JSON value";
    return nullptr;
  }
  return doc;
}

std::string dump(const cJSON* j) {
  char* s = cJSON_PrintUnformatted(j);
  if (!s) return {};
  std::string out(s);
  cJSON_free(s);
  return out;
}

std::optional<std::string> get_string(const cJSON* obj, const char* key) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!cJSON_IsString(v)) return std::nullopt;
  return std::string(v->valuestring);
}

std::optional<double> get_number(const cJSON* obj, const char* key) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!cJSON_IsNumber(v)) return std::nullopt;
  return v->valuedouble;
}

std::optional<bool> get_bool(const cJSON* obj, const char* key) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!cJSON_IsBool(v)) return std::nullopt;
  return cJSON_IsTrue(v) != 0;
}

std::optional<int64_t> get_int(const cJSON* obj, const char* key, int64_t lo, int64_t hi, bool* bad) {
  *bad = false;
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!v || cJSON_IsNull(v)) return std::nullopt;
  const double d = cJSON_IsNumber(v) ? v->valuedouble : 0.5;  // 0.5: "not a whole number"
  // Checked as doubles before any cast. 2^63 is the first double past INT64_MAX, and hi as a
  // double may round up to it, hence the explicit bound.
  constexpr double kTwo63 = 9223372036854775808.0;
  if (d != std::floor(d) || d < static_cast<double>(lo) || d > static_cast<double>(hi) || d >= kTwo63) {
    *bad = true;
    return std::nullopt;
  }
  return static_cast<int64_t>(d);
}

const cJSON* get_object(const cJSON* obj, const char* key) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
  return cJSON_IsObject(v) ? v : nullptr;
}

const cJSON* get_array(const cJSON* obj, const char* key) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
  return cJSON_IsArray(v) ? v : nullptr;
}

}  // namespace tinker::json

namespace tinker::json {

const cJSON* find(const cJSON* obj, std::initializer_list<const char*> path) {
  const cJSON* v = obj;
  for (const char* key : path) {
    if (!cJSON_IsObject(v)) return nullptr;
    v = cJSON_GetObjectItemCaseSensitive(v, key);
  }
  return v && !cJSON_IsNull(v) ? v : nullptr;
}

static bool wrong(const std::string& what, const std::string& rule, std::string* err) {
  if (err) *err = what + " " + rule;
  return false;
}

bool read(const cJSON* v, const std::string& what, std::string* out, std::string* err) {
  if (!cJSON_IsString(v)) return wrong(what, "is not a string", err);
  *out = v->valuestring;
  return true;
}

bool read(const cJSON* v, const std::string& what, bool* out, std::string* err) {
  if (!cJSON_IsBool(v)) return wrong(what, "is not a boolean", err);
  *out = cJSON_IsTrue(v) != 0;
  return true;
}

bool read(const cJSON* v, const std::string& what, int64_t lo, int64_t hi, int64_t* out, std::string* err) {
  constexpr double kTwo63 = 9223372036854775808.0;
  const double d = cJSON_IsNumber(v) ? v->valuedouble : 0.5;
  if (d != std::floor(d) || d < static_cast<double>(lo) || d > static_cast<double>(hi) || d >= kTwo63)
    return wrong(what, "is not a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]", err);
  *out = static_cast<int64_t>(d);
  return true;
}

bool read(const cJSON* v, const std::string& what, double lo, double hi, double* out, std::string* err) {
  if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi))
    return wrong(what, "is not a number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]", err);
  *out = v->valuedouble;
  return true;
}

bool read_metrics(const cJSON* v, const std::string& what, std::vector<std::pair<std::string, double>>* out,
                  std::string* err) {
  if (!cJSON_IsObject(v)) return wrong(what, "is not an object", err);
  out->clear();
  for (const cJSON* m = v->child; m; m = m->next) {
    double x;
    if (cJSON_IsNumber(m)) x = m->valuedouble;
    else if (cJSON_IsNull(m)) x = std::nan("");
    else return wrong(what + "[\"" + m->string + "\"]", "is not a number", err);
    auto same = [&](const auto& e) { return e.first == m->string; };  // a repeated key: the last value wins
    auto it = std::find_if(out->begin(), out->end(), same);
    if (it != out->end()) it->second = x;
    else out->emplace_back(m->string, x);
  }
  return true;
}

bool read_string_map(const cJSON* v, const std::string& what, std::map<std::string, std::string>* out,
                     std::string* err) {
  if (!cJSON_IsObject(v)) return wrong(what, "is not an object", err);
  out->clear();
  for (const cJSON* m = v->child; m; m = m->next) {
    if (!cJSON_IsString(m)) return wrong(what + "[\"" + m->string + "\"]", "is not a string", err);
    (*out)[m->string] = m->valuestring;
  }
  return true;
}

}  // namespace tinker::json

namespace tinker::json {

std::optional<int64_t> get_int(const cJSON* obj, const char* key, int64_t lo, int64_t hi) {
  bool bad = false;
  return get_int(obj, key, lo, hi, &bad);
}

const cJSON* get(const cJSON* obj, const char* key) {
  if (!cJSON_IsObject(obj)) return nullptr;
  return cJSON_GetObjectItemCaseSensitive(obj, key);
}

bool present_but_not(const cJSON* obj, const char* key, int cjson_types) {
  const cJSON* v = get(obj, key);
  return v && (v->type & 0xFF & cjson_types) == 0;  // the low byte is the type, the rest flags
}

Ptr new_object() { return Ptr(cJSON_CreateObject()); }

Ptr clone(const cJSON* j) { return Ptr(j ? cJSON_Duplicate(j, 1) : nullptr); }

void merge_object(cJSON* dst, const cJSON* src) {
  if (!dst || !cJSON_IsObject(src)) return;
  for (const cJSON* m = src->child; m; m = m->next) {
    if (!m->string) continue;
    cJSON_DeleteItemFromObjectCaseSensitive(dst, m->string);
    if (!cJSON_IsNull(m)) cJSON_AddItemToObject(dst, m->string, cJSON_Duplicate(m, 1));
  }
}

}  // namespace tinker::json
