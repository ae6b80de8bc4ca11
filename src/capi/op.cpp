#include "capi/op.h"

#include <cstdio>

#include "client/get_tokenizer.h"
#include "wire/time_text.h"

namespace tinker::capi {

tinker_status_t training_client_handle(const char* fn, std::unique_ptr<Result> r, tinker_training_client_t** out) {
  auto& res = static_cast<TrainingClientResult&>(*r);
  auto ctx = res.ctx.lock();
  if (!ctx) return fail(TINKER_E_FAILED_PRECONDITION, std::string(fn) + ": the service client was freed");
  *out = new tinker_training_client{std::make_shared<TrainingClient>(ctx, res.model_id, res.ids_used)};
  return TINKER_OK;
}

tinker_status_t sampling_client_handle(const char* fn, std::unique_ptr<Result> r, tinker_sampling_client_t** out) {
  auto& res = static_cast<SamplingClientResult&>(*r);
  auto ctx = res.ctx.lock();
  if (!ctx) return fail(TINKER_E_FAILED_PRECONDITION, std::string(fn) + ": the service client was freed");
  *out = new tinker_sampling_client{std::make_shared<SamplingClient>(ctx, res.sampling_session_id, res.retry)};
  return TINKER_OK;
}

tinker_status_t tokenizer_handle(const char*, std::unique_ptr<Result> r, tinker_tokenizer_t** out) {
  *out = new tinker_tokenizer{std::move(static_cast<TokenizerResult&>(*r).tokenizer)};
  return TINKER_OK;
}

tinker_status_t refuse_value(const char* fn, const char* param, const char* rule, double value) {
  char got[32];
  std::snprintf(got, sizeof got, "%.15g", value);
  return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": " + param + " " + rule + ", got " + got);
}

tinker_status_t check_checkpoint_name(const char* fn, const char* param, const char* name) {
  std::string n(name);
  if (n.empty() || n.find('/') != std::string::npos)
    return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": " + param + " must be non-empty and contain no '/'");
  return TINKER_OK;
}

tinker_status_t check_tinker_path(const char* fn, const char* param, const char* path) {
  if (std::string(path).rfind("tinker://", 0) != 0)
    return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": " + param + " must start with tinker://");
  return TINKER_OK;
}

// NULL and "" are both "none", as for every optional string (bindings pass "" for absent).
tinker_status_t check_optional_tinker_path(const char* fn, const char* param, const char* path) {
  return path && *path ? check_tinker_path(fn, param, path) : TINKER_OK;
}

tinker_status_t check_positive(const char* fn, const char* param, int64_t value) {
  if (value < 1) return refuse_value(fn, param, "must be >= 1", static_cast<double>(value));
  return TINKER_OK;
}

tinker_status_t check_non_negative(const char* fn, const char* param, int64_t value) {
  if (value < 0) return refuse_value(fn, param, "must be >= 0", static_cast<double>(value));
  return TINKER_OK;
}

tinker_status_t check_ttl(const char* fn, const char* param, int64_t ttl_seconds) {
  if (ttl_seconds < 0)
    return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": " + param + " must be >= 0 (0 = never expires)");
  return TINKER_OK;
}

tinker_status_t check_lora(const char* fn, const char* param, const tinker_lora_config_t* lora) {
  if (lora && !lora->v.train_mlp && !lora->v.train_attn && !lora->v.train_unembed)
    return fail(TINKER_E_INVALID_ARGUMENT,
                std::string(fn) + ": " + param + " must train at least one of mlp, attn, unembed");
  return TINKER_OK;
}

tinker_status_t check_id(const char* fn, const char* param, const char* id) {
  if (!*id) return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": " + param + " is empty");
  return TINKER_OK;
}

tinker_status_t check_checkpoint_id(const char* fn, const char* param, const char* id) {
  std::string why;
  if (!wire::valid_checkpoint_id(id, &why))
    return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": " + param +
                                               " must be weights/<name> or sampler_weights/<name>: " + why);
  return TINKER_OK;
}

tinker_status_t check_checkpoint_path(const char* fn, const char* param, const char* path) {
  std::string why;
  if (!wire::parse_tinker_path(path, &why))
    return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": " + param +
                                               " is not a checkpoint's tinker:// path: " + why);
  return TINKER_OK;
}

tinker_status_t check_audit_event_type(const char* fn, const char* param, const char* event_type) {
  if (event_type && *event_type && std::string(event_type) != "all" && std::string(event_type) != "checkpoints")
    return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": " + param + " must be \"all\" or \"checkpoints\"");
  return TINKER_OK;
}

tinker_status_t check_optional_day(const char* fn, const char* param, const char* day) {
  std::string why;
  if (day && *day && !wire::parse_day(day, nullptr, &why))
    return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": " + param + " must be a day, YYYY-MM-DD: it " + why);
  return TINKER_OK;
}

tinker_status_t check_timestamp(const char* fn, const char* param, const char* timestamp) {
  std::string why;
  if (!wire::parse_rfc3339(timestamp, nullptr, nullptr, &why))
    return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": " + param +
                                               " must be an RFC 3339 time such as 2026-12-01T00:00:00Z: it " + why);
  return TINKER_OK;
}

tinker_status_t check_access_scope(const char* fn, const char* param, const char* scope) {
  if (scope && *scope && std::string(scope) != "owned" && std::string(scope) != "accessible")
    return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": " + param + " must be \"owned\" or \"accessible\"");
  return TINKER_OK;
}

}  // namespace tinker::capi
