// What every operation's C functions share (the generated shims of capi/api_ops.cpp and the few
// written by hand): the _async and blocking shapes, the checks named by the parameters' kinds
// (api/kinds.py), and turning client results into handles.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "capi/handles.h"
#include "capi/api_builders.h"
#include "client/api_results.h"
#include "client/training_client.h"
#include "wire/json_writer.h"
#include "wire/tinker_path.h"

namespace tinker::capi {

// ---- the two shapes of an operation ----------------------------------------------------------
// `check(fn)` validates the arguments (nothing is started when it fails); `start(&err)` starts
// the operation and returns its future, or null with `err` set when the input cannot be sent.

template <class Check, class Start>
tinker_status_t op_async(const char* name, tinker_future_t** out, Check check, Start start) {
  return guard(name, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    if (tinker_status_t s = check(fn)) return s;
    Error err;
    std::shared_ptr<FutureState> f = start(&err);
    if (!f) return fail(err.code, std::string(fn) + ": " + err.message);
    return hand_out(std::move(f), out);
  });
}

// The blocking twins: the same check and start, then wait on the caller's thread and hand the
// taken result to `finish`.
template <class Check, class Start, class Finish>
tinker_status_t blocking(const char* name, ResultKind kind, Check check, Start start, Finish finish) {
  return guard(name, [&](const char* fn) -> tinker_status_t {
    if (tinker_status_t s = check(fn)) return s;
    Error err;
    std::shared_ptr<FutureState> f = start(&err);
    if (!f) return fail(err.code, std::string(fn) + ": " + err.message);
    std::unique_ptr<Result> r;  // status-only operations have no result to take
    tinker_status_t s = wait_and_take(f, kind, kind == &result_types::None ? nullptr : &r);
    return s == TINKER_OK ? finish(fn, std::move(r)) : s;
  });
}

// Blocking, for operations whose result is handed out as `make` turns it (a client handle, a
// string); *out is cleared first.
template <class Out, class Check, class Start, class Make>
tinker_status_t op_blocking_handle(const char* name, ResultKind kind, Out** out, Check check, Start start, Make make) {
  auto check_out = [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    return check(fn);
  };
  return blocking(name, kind, check_out, start,
                  [&](const char* fn, std::unique_ptr<Result> r) { return make(fn, std::move(r), out); });
}

// Blocking, for operations whose result object is handed out as it is.
template <class T, class Check, class Start>
tinker_status_t op_blocking(const char* name, ResultKind kind, T** out, Check check, Start start) {
  return op_blocking_handle(name, kind, out, check, start, [](const char*, std::unique_ptr<Result> r, T** o) {
    *o = static_cast<T*>(r.release());
    return TINKER_OK;
  });
}

// Blocking, for operations whose final status is the whole result.
template <class Check, class Start>
tinker_status_t op_blocking_status(const char* name, Check check, Start start) {
  return blocking(name, &result_types::None, check, start,
                  [](const char*, std::unique_ptr<Result>) { return TINKER_OK; });
}

// Client results hold their context weakly; the handle made from one holds it strongly.
tinker_status_t training_client_handle(const char* fn, std::unique_ptr<Result> r, tinker_training_client_t** out);
tinker_status_t sampling_client_handle(const char* fn, std::unique_ptr<Result> r, tinker_sampling_client_t** out);
tinker_status_t tokenizer_handle(const char* fn, std::unique_ptr<Result> r, tinker_tokenizer_t** out);

// ---- checks, by parameter kind (each returns TINKER_OK or fails naming `param`) ---------------

tinker_status_t check_checkpoint_name(const char* fn, const char* param, const char* name);
tinker_status_t check_tinker_path(const char* fn, const char* param, const char* path);
tinker_status_t check_optional_tinker_path(const char* fn, const char* param, const char* path);
tinker_status_t check_ttl(const char* fn, const char* param, int64_t ttl_seconds);
tinker_status_t check_positive(const char* fn, const char* param, int64_t value);
tinker_status_t check_non_negative(const char* fn, const char* param, int64_t value);
tinker_status_t check_lora(const char* fn, const char* param, const tinker_lora_config_t* lora);
tinker_status_t check_id(const char* fn, const char* param, const char* id);
tinker_status_t check_checkpoint_id(const char* fn, const char* param, const char* id);
tinker_status_t check_checkpoint_path(const char* fn, const char* param, const char* path);
tinker_status_t check_access_scope(const char* fn, const char* param, const char* scope);
tinker_status_t check_audit_event_type(const char* fn, const char* param, const char* event_type);
tinker_status_t check_optional_day(const char* fn, const char* param, const char* day);
tinker_status_t check_timestamp(const char* fn, const char* param, const char* timestamp);

// ---- values, by parameter kind ----------------------------------------------------------------

inline std::string opt_string(const char* s) { return s ? std::string(s) : std::string(); }
inline std::map<std::string, std::string> metadata_of(const tinker_metadata_t* m) {
  return m ? m->values : std::map<std::string, std::string>{};
}
inline const wire::SamplingParams& sampling_params_of(const tinker_sampling_params_t* p) {
  static const wire::SamplingParams defaults;
  return p ? p->v : defaults;
}
// A checkpoint path's parts (checked by check_checkpoint_path before any start).
inline wire::TinkerPath parsed_checkpoint_path(const char* path) {
  std::string why;
  return wire::parse_tinker_path(path, &why).value_or(wire::TinkerPath{});
}
// An access scope: NULL and "" are the official client's default.
inline std::string access_scope_or_owned(const char* scope) {
  return scope && *scope ? std::string(scope) : std::string("owned");
}
// An audit log's event type: NULL and "" are the official client's default.
inline std::string audit_event_type_or_all(const char* event_type) {
  return event_type && *event_type ? std::string(event_type) : std::string("all");
}
// A time to live for a request that sends null for none: 0 = none.
inline std::optional<int64_t> ttl_or_none(int64_t ttl_seconds) {
  return ttl_seconds > 0 ? std::optional<int64_t>(ttl_seconds) : std::nullopt;
}
// An optional builder's message: its value, or the registry's defaults.
template <class B>
auto builder_value(const B* b) -> decltype(b->v) {
  return b ? b->v : decltype(b->v){};
}

// ---- builders (capi/api_builders.cpp) ---------------------------------------------------------

template <class B>
tinker_status_t new_builder(const char* name, B** out) {
  return guard(name, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    *out = new B{};
    return TINKER_OK;
  });
}

// INVALID_ARGUMENT: "<fn>: <param> <rule>, got <value>".
tinker_status_t refuse_value(const char* fn, const char* param, const char* rule, double value);

// ---- results ----------------------------------------------------------------------------------

// A registry result's _to_json: its message, encoded as the server would send it.
template <class R>
tinker_status_t result_to_json(const char* name, const char* param, const R* result, char** out) {
  return guard(name, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    if (!result) return null_argument(fn, param);
    return out_string(fn, wire::api::encode_json(result->m), out);
  });
}

}  // namespace tinker::capi
