// The sampling C API written by hand: the sampling-parameters builder, and the getters of the two
// sampling results (sample responses, prompt logprobs). The operations themselves are generated
// (capi/api_ops.cpp).
#include <cmath>

#include "capi/op.h"
#include "wire/json_sample.h"
#include "wire/json_writer.h"
#include "wire/sample_response.h"

using namespace tinker;

namespace {

const wire::SampledSequence* sequence(const tinker_sample_response_t* r, size_t index) {
  return r && index < r->r.sequences.size() ? &r->r.sequences[index] : nullptr;
}

const wire::TopkPromptLogprobs* topk(const tinker_sample_response_t* r, size_t position) {
  if (!r || !r->r.topk_prompt_logprobs || position >= r->r.topk_prompt_logprobs->prompt_length) return nullptr;
  return &*r->r.topk_prompt_logprobs;
}

// The copy functions of a sequence's arrays: `array` picks the array (null: not sent).
template <class T, class Pick>
tinker_status_t copy_sequence(const char* name, const tinker_sample_response_t* response, size_t index, T* dst,
                              size_t capacity, size_t* written, Pick array) {
  return capi::guard(name, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, response);
    TINKER_CHECK_ARG(fn, written);
    *written = 0;
    const wire::SampledSequence* s = sequence(response, index);
    if (!s)
      return capi::fail(TINKER_E_OUT_OF_RANGE, std::string(fn) + ": no sequence " + std::to_string(index) +
                                                   " (the response has " + std::to_string(response->r.sequences.size()) +
                                                   ")");
    const std::vector<T>* a = array(*s);
    if (!a) return capi::fail(TINKER_E_NOT_FOUND, std::string(fn) + ": the server sent no logprobs for sequence " +
                                                      std::to_string(index));
    return capi::copy_out(fn, a->data(), a->size(), dst, capacity, written);
  });
}

// The copy functions of a top-k row: `column` picks the matrix (ids or logprobs).
template <class T>
tinker_status_t copy_topk(const char* name, const tinker_sample_response_t* response, size_t position, T* dst,
                          size_t capacity, size_t* written, std::vector<T> wire::TopkPromptLogprobs::*column) {
  return capi::guard(name, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, response);
    TINKER_CHECK_ARG(fn, written);
    *written = 0;
    const wire::TopkPromptLogprobs* t = topk(response, position);
    if (!t)
      return capi::fail(TINKER_E_OUT_OF_RANGE, std::string(fn) + ": no top-k data at position " + std::to_string(position));
    const size_t n = wire::topk_row_length(*t, position);
    return capi::copy_out(fn, ((*t).*column).data() + position * t->k, n, dst, capacity, written);
  });
}

bool defined_at(const std::vector<float>& v, size_t position) {
  return position < v.size() && !std::isnan(v[position]);
}

}  // namespace

extern "C" {

// ---- sampling parameters --------------------------------------------------------------------

TINKER_API tinker_status_t tinker_sampling_params_new(tinker_sampling_params_t** out) {
  return capi::new_builder(__func__, out);
}

TINKER_API tinker_status_t tinker_sampling_params_set_max_tokens(tinker_sampling_params_t* params, int64_t max_tokens) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, params);
    if (max_tokens < 0) return capi::refuse_value(fn, "max_tokens", "must be >= 0", static_cast<double>(max_tokens));
    params->v.max_tokens = max_tokens;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_sampling_params_set_seed(tinker_sampling_params_t* params, int64_t seed) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, params);
    params->v.seed = seed;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_sampling_params_set_temperature(tinker_sampling_params_t* params, double temperature) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, params);
    if (!(std::isfinite(temperature) && temperature >= 0))
      return capi::refuse_value(fn, "temperature", "must be finite and >= 0", temperature);
    params->v.temperature = temperature;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_sampling_params_set_top_k(tinker_sampling_params_t* params, int64_t top_k) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, params);
    if (top_k < -1) return capi::refuse_value(fn, "top_k", "must be -1 (no limit) or >= 0", static_cast<double>(top_k));
    params->v.top_k = top_k;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_sampling_params_set_top_p(tinker_sampling_params_t* params, double top_p) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, params);
    if (!(top_p > 0 && top_p <= 1)) return capi::refuse_value(fn, "top_p", "must be in (0, 1]", top_p);
    params->v.top_p = top_p;
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_sampling_params_add_stop_string(tinker_sampling_params_t* params, const char* stop) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, params);
    TINKER_CHECK_ARG(fn, stop);
    if (!*stop) return capi::fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": stop must not be empty");
    if (!params->v.stop_tokens.empty())
      return capi::fail(TINKER_E_INVALID_ARGUMENT,
                        std::string(fn) + ": stop tokens were added already; stop strings and tokens cannot be mixed");
    params->v.stop_strings.emplace_back(stop);
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_sampling_params_add_stop_token(tinker_sampling_params_t* params, int32_t token) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, params);
    if (!params->v.stop_strings.empty())
      return capi::fail(TINKER_E_INVALID_ARGUMENT,
                        std::string(fn) + ": stop strings were added already; stop strings and tokens cannot be mixed");
    params->v.stop_tokens.push_back(token);
    return TINKER_OK;
  });
}

TINKER_API void tinker_sampling_params_free(tinker_sampling_params_t* params) { delete params; }

// ---- sample responses (P1) ----------------------------------------------------------------

TINKER_API size_t tinker_sample_response_sequence_count(const tinker_sample_response_t* response) {
  return response ? response->r.sequences.size() : 0;
}

TINKER_API const char* tinker_sample_response_stop_reason(const tinker_sample_response_t* response, size_t index) {
  const wire::SampledSequence* s = sequence(response, index);
  return s ? wire::stop_reason_name(s->stop_reason) : nullptr;
}

TINKER_API size_t tinker_sample_response_token_count(const tinker_sample_response_t* response, size_t index) {
  const wire::SampledSequence* s = sequence(response, index);
  return s ? s->tokens.size() : 0;
}

TINKER_API const int32_t* tinker_sample_response_tokens(const tinker_sample_response_t* response, size_t index) {
  const wire::SampledSequence* s = sequence(response, index);
  return s && !s->tokens.empty() ? s->tokens.data() : nullptr;
}

TINKER_API const float* tinker_sample_response_logprobs(const tinker_sample_response_t* response, size_t index) {
  const wire::SampledSequence* s = sequence(response, index);
  return s && s->logprobs ? s->logprobs->data() : nullptr;
}

TINKER_API tinker_status_t tinker_sample_response_copy_tokens(const tinker_sample_response_t* response, size_t index,
                                                              int32_t* dst, size_t capacity, size_t* written) {
  return copy_sequence(__func__, response, index, dst, capacity, written,
                       [](const wire::SampledSequence& s) { return &s.tokens; });
}

TINKER_API tinker_status_t tinker_sample_response_copy_logprobs(const tinker_sample_response_t* response, size_t index,
                                                                float* dst, size_t capacity, size_t* written) {
  return copy_sequence(__func__, response, index, dst, capacity, written,
                       [](const wire::SampledSequence& s) { return s.logprobs ? &*s.logprobs : nullptr; });
}

TINKER_API size_t tinker_sample_response_prompt_logprob_count(const tinker_sample_response_t* response) {
  return response && response->r.prompt_logprobs ? response->r.prompt_logprobs->size() : 0;
}

TINKER_API const float* tinker_sample_response_prompt_logprobs(const tinker_sample_response_t* response) {
  return response && response->r.prompt_logprobs ? response->r.prompt_logprobs->data() : nullptr;
}

TINKER_API tinker_status_t tinker_sample_response_copy_prompt_logprobs(const tinker_sample_response_t* response,
                                                                       float* dst, size_t capacity, size_t* written) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, response);
    TINKER_CHECK_ARG(fn, written);
    static const std::vector<float> none;
    const std::vector<float>& v = response->r.prompt_logprobs ? *response->r.prompt_logprobs : none;
    return capi::copy_out(fn, v.data(), v.size(), dst, capacity, written);
  });
}

TINKER_API int tinker_sample_response_prompt_logprob_defined(const tinker_sample_response_t* response,
                                                             size_t position) {
  return response && response->r.prompt_logprobs && defined_at(*response->r.prompt_logprobs, position);
}

TINKER_API size_t tinker_sample_response_topk_position_count(const tinker_sample_response_t* response) {
  return response && response->r.topk_prompt_logprobs ? response->r.topk_prompt_logprobs->prompt_length : 0;
}

TINKER_API size_t tinker_sample_response_topk_count(const tinker_sample_response_t* response, size_t position) {
  const wire::TopkPromptLogprobs* t = topk(response, position);
  return t ? wire::topk_row_length(*t, position) : 0;
}

TINKER_API const int32_t* tinker_sample_response_topk_token_ids(const tinker_sample_response_t* response,
                                                                size_t position) {
  const wire::TopkPromptLogprobs* t = topk(response, position);
  return t && wire::topk_row_length(*t, position) ? t->token_ids.data() + position * t->k : nullptr;
}

TINKER_API const float* tinker_sample_response_topk_logprobs(const tinker_sample_response_t* response,
                                                            size_t position) {
  const wire::TopkPromptLogprobs* t = topk(response, position);
  return t && wire::topk_row_length(*t, position) ? t->logprobs.data() + position * t->k : nullptr;
}

TINKER_API tinker_status_t tinker_sample_response_copy_topk_token_ids(const tinker_sample_response_t* response,
                                                                      size_t position, int32_t* dst, size_t capacity,
                                                                      size_t* written) {
  return copy_topk(__func__, response, position, dst, capacity, written, &wire::TopkPromptLogprobs::token_ids);
}

TINKER_API tinker_status_t tinker_sample_response_copy_topk_logprobs(const tinker_sample_response_t* response,
                                                                    size_t position, float* dst, size_t capacity,
                                                                    size_t* written) {
  return copy_topk(__func__, response, position, dst, capacity, written, &wire::TopkPromptLogprobs::logprobs);
}

TINKER_API int64_t tinker_sample_response_prompt_cache_hit_tokens(const tinker_sample_response_t* response) {
  return response ? response->r.prompt_cache_hit_tokens : 0;
}

TINKER_API tinker_status_t tinker_sample_response_to_json(const tinker_sample_response_t* response, char** out) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    TINKER_CHECK_ARG(fn, response);
    std::string json;
    wire::encode_sample_response_json(response->r, &json);
    return capi::out_string(fn, json, out);
  });
}

TINKER_API void tinker_sample_response_free(tinker_sample_response_t* response) { delete response; }

// ---- prompt logprobs (P2) -----------------------------------------------------------------

TINKER_API size_t tinker_prompt_logprobs_count(const tinker_prompt_logprobs_t* logprobs) {
  return logprobs ? logprobs->values.size() : 0;
}

TINKER_API const float* tinker_prompt_logprobs_values(const tinker_prompt_logprobs_t* logprobs) {
  return logprobs && !logprobs->values.empty() ? logprobs->values.data() : nullptr;
}

TINKER_API int tinker_prompt_logprobs_defined(const tinker_prompt_logprobs_t* logprobs, size_t position) {
  return logprobs && defined_at(logprobs->values, position);
}

TINKER_API tinker_status_t tinker_prompt_logprobs_copy_to(const tinker_prompt_logprobs_t* logprobs, float* dst,
                                                          size_t capacity, size_t* written) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, logprobs);
    TINKER_CHECK_ARG(fn, written);
    return capi::copy_out(fn, logprobs->values.data(), logprobs->values.size(), dst, capacity, written);
  });
}

TINKER_API tinker_status_t tinker_prompt_logprobs_to_json(const tinker_prompt_logprobs_t* logprobs, char** out) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    TINKER_CHECK_ARG(fn, logprobs);
    std::string json;
    wire::JsonWriter(&json).array_f32(logprobs->values.data(), logprobs->values.size());  // NaN is null
    return capi::out_string(fn, json, out);
  });
}

TINKER_API void tinker_prompt_logprobs_free(tinker_prompt_logprobs_t* logprobs) { delete logprobs; }

}  // extern "C"
