// Small helpers over cJSON for the few, small JSON documents of the protocol (requests and
// direct responses). Large numeric arrays never go through cJSON (see wire/).
#pragma once

#include <cjson/cJSON.h>

#include <cstdint>
#include <initializer_list>
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
// Serialises without whitespace.
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

}  // namespace tinker::json
