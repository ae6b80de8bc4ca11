// Small helpers over cJSON for the few, small JSON documents of the protocol (requests and
// direct responses). Large numeric arrays never go through cJSON (see wire/).
#pragma once

#include <cjson/cJSON.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tinker::json {

struct Deleter {
  void operator()(cJSON* j) const { cJSON_Delete(j); }
};
using Ptr = std::unique_ptr<cJSON, Deleter>;

// Parses a document; null when it is not valid JSON.
Ptr parse(const std::string& text);
// parse(text) that says why it failed: *error (when not null) is "invalid JSON near byte N" or
// "trailing characters after JSON value". Only whitespace may follow the document; with
// `allow_trailing_nuls`, NUL bytes too (the emulator accepts request bodies ending in one).
Ptr parse(const std::string& text, std::string* error, bool allow_trailing_nuls = false);
// Serialises without whitespace ("" when cJSON cannot: a null `j`, or out of memory).
std::string dump(const cJSON* j);

// Typed lookups on an object; nullopt when the key is absent or has another type.
std::optional<std::string> get_string(const cJSON* obj, const char* key);
std::optional<double> get_number(const cJSON* obj, const char* key);
// A whole number in [lo, hi]: server numbers are cast to integers only through this (a cast of
// 1e308 to int64 is undefined). Absent or null: nullopt with *bad false. Present but not a
// whole number in range (1e308, 2.5, "7"): nullopt with *bad true.
std::optional<int64_t> get_int(const cJSON* obj, const char* key, int64_t lo, int64_t hi, bool* bad);
std::optional<bool> get_bool(const cJSON* obj, const char* key);
const cJSON* get_object(const cJSON* obj, const char* key);
const cJSON* get_array(const cJSON* obj, const char* key);

}  // namespace tinker::json

// ---- requests taken apart and documents built (the emulator's handlers) --------------------
namespace tinker::json {

// The largest magnitude the short get_int below accepts by default: under 2^53, so every whole
// number up to it is exact in a double.
inline constexpr int64_t kMaxExactInt = 9'000'000'000'000'000;

// get_int without the reason: nullopt when `key` is absent, null, or not a whole number in
// [lo, hi] (checked as a double first, like the long form).
std::optional<int64_t> get_int(const cJSON* obj, const char* key, int64_t lo = -kMaxExactInt,
                               int64_t hi = kMaxExactInt);

// The member `key` of `obj` as it is, JSON null included; null when `obj` is not an object or
// has no such member. (find() skips JSON null; this is for "present" checks.)
const cJSON* get(const cJSON* obj, const char* key);

// True when `key` is present in `obj` with a type outside `cjson_types`, a mask of cJSON type
// flags (cJSON_String | cJSON_NULL, cJSON_True | cJSON_False, ...): so that a malformed
// optional field can be refused instead of silently ignored.
bool present_but_not(const cJSON* obj, const char* key, int cjson_types);

// A new empty object.
Ptr new_object();
// A deep copy of `j`; null for null.
Ptr clone(const cJSON* j);
// Adds `src`'s members to the object `dst`, replacing members of the same name; a JSON null
// member of `src` removes that key from `dst` instead. Nothing happens unless `src` is an
// object (and `dst` is not null).
void merge_object(cJSON* dst, const cJSON* src);

}  // namespace tinker::json

// ---- reading message fields (the generated decoders of wire/api_messages, api/gen_c.py) ------
namespace tinker::json {

// The value at `path` (object keys, outermost first) under `obj`; null when a step is missing,
// is not an object, or the value is JSON null.
const cJSON* find(const cJSON* obj, std::initializer_list<const char*> path);

// Typed reads of a present value. False, with `err` naming `what`, when the value has another
// type or lies outside the bounds: the server is not trusted with ranges (docs/design.md
// "Hostile input").
bool read(const cJSON* v, const std::string& what, std::string* out, std::string* err);
bool read(const cJSON* v, const std::string& what, bool* out, std::string* err);
bool read(const cJSON* v, const std::string& what, int64_t lo, int64_t hi, int64_t* out, std::string* err);
bool read(const cJSON* v, const std::string& what, double lo, double hi, double* out, std::string* err);
// An object of numbers, in its order; a JSON null value is NaN (the writer's non-finite).
bool read_metrics(const cJSON* v, const std::string& what, std::vector<std::pair<std::string, double>>* out,
                  std::string* err);
// An object of strings; a repeated key keeps its last value.
bool read_string_map(const cJSON* v, const std::string& what, std::map<std::string, std::string>* out,
                     std::string* err);

}  // namespace tinker::json
