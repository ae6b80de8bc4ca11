// ServiceClient S2–S4, TrainingClient T1–T12, custom-loss callback objects, sampling-client
// handles and the takes that turn client results into handles.
#include <cmath>

#include "capi/handles.h"
#include "client/custom_loss.h"
#include "client/training_client.h"

using namespace tinker;
using capi::fail;
using capi::guard;

namespace {

std::map<std::string, std::string> metadata_of(const tinker_metadata_t* m) {
  return m ? m->values : std::map<std::string, std::string>{};
}

std::string opt_string(const char* s) { return s ? std::string(s) : std::string(); }

// Every operation's pair shares one shape. `check(fn)` validates the arguments; `start(&err)`
// starts the operation and returns its future, or null with `err` set when the input cannot be
// sent (nothing was started).
template <class Check, class Start>
tinker_status_t start_async(const char* name, tinker_future_t** out, Check check, Start start) {
  return guard(name, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, out);
    if (tinker_status_t s = check(fn)) return s;
    Error err;
    std::shared_ptr<FutureState> f = start(&err);
    if (!f) return fail(err.code, std::string(fn) + ": " + err.message);
    return capi::hand_out(std::move(f), out);
  });
}

// The blocking twin: the same start, then wait and take (`out` null for status-only results).
template <class T, class Check, class Start>
tinker_status_t start_blocking(const char* name, ResultKind kind, T** out, Check check, Start start) {
  return guard(name, [&](const char* fn) -> tinker_status_t {
    if (kind != &result_types::None) TINKER_CHECK_ARG(fn, out);
    if (tinker_status_t s = check(fn)) return s;
    Error err;
    std::shared_ptr<FutureState> f = start(&err);
    if (!f) return fail(err.code, std::string(fn) + ": " + err.message);
    std::unique_ptr<Result> r;
    tinker_status_t s = capi::wait_and_take(f, kind, kind != &result_types::None ? &r : nullptr);
    if (s == TINKER_OK && kind != &result_types::None) *out = static_cast<T*>(r.release());
    return s;
  });
}

// Client results hold their context weakly; the handle made here holds it strongly.
tinker_status_t training_handle(const char* fn, std::unique_ptr<Result> r, tinker_training_client_t** out) {
  auto& res = static_cast<TrainingClientResult&>(*r);
  auto ctx = res.ctx.lock();
  if (!ctx) return fail(TINKER_E_FAILED_PRECONDITION, std::string(fn) + ": the service client was freed");
  *out = new tinker_training_client{std::make_shared<TrainingClient>(ctx, res.model_id, res.ids_used)};
  return TINKER_OK;
}

tinker_status_t sampling_handle(const char* fn, std::unique_ptr<Result> r, tinker_sampling_client_t** out) {
  auto& res = static_cast<SamplingClientResult&>(*r);
  auto ctx = res.ctx.lock();
  if (!ctx) return fail(TINKER_E_FAILED_PRECONDITION, std::string(fn) + ": the service client was freed");
  *out = new tinker_sampling_client{ctx, res.sampling_session_id, res.retry};
  return TINKER_OK;
}

// Blocking creation of a client handle: wait, take the result, make the handle.
template <class Handle, class Check, class Start, class Make>
tinker_status_t start_client(const char* name, ResultKind kind, Handle** out, Check check, Start start, Make make) {
  return guard(name, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, out);
    if (tinker_status_t s = check(fn)) return s;
    std::unique_ptr<Result> r;
    tinker_status_t s = capi::wait_and_take(start(), kind, &r);
    return s == TINKER_OK ? make(fn, std::move(r), out) : s;
  });
}

tinker_status_t check_lora(const char* fn, const tinker_lora_config_t* lora) {
  if (lora && !lora->train_mlp && !lora->train_attn && !lora->train_unembed)
    return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": lora must train at least one of mlp, attn, unembed");
  return TINKER_OK;
}

tinker_status_t check_ttl(const char* fn, int64_t ttl_seconds) {
  if (ttl_seconds < 0)
    return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": ttl_seconds must be >= 0 (0 = never expires)");
  return TINKER_OK;
}

tinker_status_t check_name(const char* fn, const char* name) {
  if (!name) return capi::null_argument(fn, "name");
  std::string n(name);
  if (n.empty() || n.find('/') != std::string::npos)
    return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": name must be non-empty and contain no '/'");
  return TINKER_OK;
}

tinker_status_t check_tinker_path(const char* fn, const char* param, const char* path) {
  if (!path) return capi::null_argument(fn, param);
  if (std::string(path).rfind("tinker://", 0) != 0)
    return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": " + param + " must start with tinker://");
  return TINKER_OK;
}

std::shared_ptr<FutureState> from_state(tinker_service_client_t* client, const char* path, const char* base_model,
                                        const tinker_metadata_t* md, const char* token, bool optimizer) {
  return create_training_client_from_state(client->impl->context(), path, opt_string(base_model), metadata_of(md),
                                           opt_string(token), optimizer);
}

}  // namespace

extern "C" {

// ---- ServiceClient: S2–S4 ----------------------------------------------------------------------

#define LORA_CHECK                                         \
  [&](const char* fn) -> tinker_status_t {                 \
    TINKER_CHECK_ARG(fn, client);                          \
    TINKER_CHECK_ARG(fn, base_model);                      \
    return check_lora(fn, lora);                           \
  }
#define LORA_START                                                                                      \
  create_lora_training_client(client->impl->context(), base_model, lora ? *lora : tinker_lora_config{}, \
                              metadata_of(user_metadata))

TINKER_API tinker_status_t tinker_service_client_create_lora_training_client_async(
    tinker_service_client_t* client, const char* base_model, const tinker_lora_config_t* lora,
    const tinker_metadata_t* user_metadata, tinker_future_t** out) {
  return start_async(__func__, out, LORA_CHECK, [&](Error*) { return LORA_START; });
}

TINKER_API tinker_status_t tinker_service_client_create_lora_training_client(
    tinker_service_client_t* client, const char* base_model, const tinker_lora_config_t* lora,
    const tinker_metadata_t* user_metadata, tinker_training_client_t** out) {
  return start_client(__func__, &result_types::TrainingClient, out, LORA_CHECK, [&] { return LORA_START; },
                      training_handle);
}

#define FROM_STATE_CHECK                                   \
  [&](const char* fn) -> tinker_status_t {                 \
    TINKER_CHECK_ARG(fn, client);                          \
    return check_tinker_path(fn, "path", path);            \
  }

TINKER_API tinker_status_t tinker_service_client_create_training_client_from_state_async(
    tinker_service_client_t* client, const char* path, const char* base_model, const tinker_metadata_t* user_metadata,
    const char* weights_access_token, tinker_future_t** out) {
  return start_async(__func__, out, FROM_STATE_CHECK, [&](Error*) {
    return from_state(client, path, base_model, user_metadata, weights_access_token, false);
  });
}

TINKER_API tinker_status_t tinker_service_client_create_training_client_from_state(
    tinker_service_client_t* client, const char* path, const char* base_model, const tinker_metadata_t* user_metadata,
    const char* weights_access_token, tinker_training_client_t** out) {
  return start_client(
      __func__, &result_types::TrainingClient, out, FROM_STATE_CHECK,
      [&] { return from_state(client, path, base_model, user_metadata, weights_access_token, false); }, training_handle);
}

TINKER_API tinker_status_t tinker_service_client_create_training_client_from_state_with_optimizer_async(
    tinker_service_client_t* client, const char* path, const char* base_model, const tinker_metadata_t* user_metadata,
    const char* weights_access_token, tinker_future_t** out) {
  return start_async(__func__, out, FROM_STATE_CHECK, [&](Error*) {
    return from_state(client, path, base_model, user_metadata, weights_access_token, true);
  });
}

TINKER_API tinker_status_t tinker_service_client_create_training_client_from_state_with_optimizer(
    tinker_service_client_t* client, const char* path, const char* base_model, const tinker_metadata_t* user_metadata,
    const char* weights_access_token, tinker_training_client_t** out) {
  return start_client(
      __func__, &result_types::TrainingClient, out, FROM_STATE_CHECK,
      [&] { return from_state(client, path, base_model, user_metadata, weights_access_token, true); }, training_handle);
}

TINKER_API tinker_status_t tinker_future_take_training_client(tinker_future_t* future, tinker_training_client_t** out) {
  return capi::take_as(__func__, future, &result_types::TrainingClient, out, training_handle);
}

TINKER_API tinker_status_t tinker_future_take_sampling_client(tinker_future_t* future, tinker_sampling_client_t** out) {
  return capi::take_as(__func__, future, &result_types::SamplingClient, out, sampling_handle);
}

// ---- TrainingClient ----------------------------------------------------------------------------

TINKER_API const char* tinker_training_client_model_id(const tinker_training_client_t* client) {
  return client ? client->impl->model_id().c_str() : nullptr;
}

TINKER_API void tinker_training_client_free(tinker_training_client_t* client) {
  capi::guard_value(0, [&] {
    delete client;
    return 0;
  });
}

#define FORWARD_CHECK                                      \
  [&](const char* fn) -> tinker_status_t {                 \
    TINKER_CHECK_ARG(fn, client);                          \
    TINKER_CHECK_ARG(fn, data);                            \
    TINKER_CHECK_ARG(fn, loss_fn);                         \
    return TINKER_OK;                                      \
  }
#define FORWARD_START(FORWARD_ONLY)                                                                       \
  [&](Error* err) {                                                                                       \
    return client->impl->forward_backward(data->datums, loss_fn,                                          \
                                          config ? config->values : std::map<std::string, double>{},      \
                                          FORWARD_ONLY, err);                                             \
  }

TINKER_API tinker_status_t tinker_training_client_forward_async(tinker_training_client_t* client, const tinker_batch_t* data,
                                                              const char* loss_fn, const tinker_loss_fn_config_t* config,
                                                              tinker_future_t** out) {
  return start_async(__func__, out, FORWARD_CHECK, FORWARD_START(true));
}

TINKER_API tinker_status_t tinker_training_client_forward(tinker_training_client_t* client, const tinker_batch_t* data,
                                                        const char* loss_fn, const tinker_loss_fn_config_t* config,
                                                        tinker_forward_backward_output_t** out) {
  return start_blocking(__func__, &result_types::ForwardBackwardOutput, out, FORWARD_CHECK, FORWARD_START(true));
}

TINKER_API tinker_status_t tinker_training_client_forward_backward_async(tinker_training_client_t* client,
                                                                       const tinker_batch_t* data, const char* loss_fn,
                                                                       const tinker_loss_fn_config_t* config,
                                                                       tinker_future_t** out) {
  return start_async(__func__, out, FORWARD_CHECK, FORWARD_START(false));
}

TINKER_API tinker_status_t tinker_training_client_forward_backward(tinker_training_client_t* client,
                                                                 const tinker_batch_t* data, const char* loss_fn,
                                                                 const tinker_loss_fn_config_t* config,
                                                                 tinker_forward_backward_output_t** out) {
  return start_blocking(__func__, &result_types::ForwardBackwardOutput, out, FORWARD_CHECK, FORWARD_START(false));
}

#define CUSTOM_CHECK                                       \
  [&](const char* fn) -> tinker_status_t {                 \
    TINKER_CHECK_ARG(fn, client);                          \
    TINKER_CHECK_ARG(fn, data);                            \
    TINKER_CHECK_ARG(fn, loss_fn);                         \
    return TINKER_OK;                                      \
  }
#define CUSTOM_START \
  [&](Error* err) { return client->impl->forward_backward_custom(data->datums, CustomLoss{loss_fn, user_data}, err); }

TINKER_API tinker_status_t tinker_training_client_forward_backward_custom_async(tinker_training_client_t* client,
                                                                              const tinker_batch_t* data,
                                                                              tinker_custom_loss_fn_t loss_fn,
                                                                              void* user_data, tinker_future_t** out) {
  return start_async(__func__, out, CUSTOM_CHECK, CUSTOM_START);
}

TINKER_API tinker_status_t tinker_training_client_forward_backward_custom(tinker_training_client_t* client,
                                                                        const tinker_batch_t* data,
                                                                        tinker_custom_loss_fn_t loss_fn, void* user_data,
                                                                        tinker_forward_backward_output_t** out) {
  return start_blocking(__func__, &result_types::ForwardBackwardOutput, out, CUSTOM_CHECK, CUSTOM_START);
}

#define CUSTOM_BEGIN_CHECK                                 \
  [&](const char* fn) -> tinker_status_t {                 \
    TINKER_CHECK_ARG(fn, client);                          \
    TINKER_CHECK_ARG(fn, data);                            \
    return TINKER_OK;                                      \
  }
#define CUSTOM_BEGIN_START \
  [&](Error* err) { return client->impl->forward_backward_custom_begin(data->datums, err); }

TINKER_API tinker_status_t tinker_training_client_forward_backward_custom_begin_async(tinker_training_client_t* client,
                                                                                    const tinker_batch_t* data,
                                                                                    tinker_future_t** out) {
  return start_async(__func__, out, CUSTOM_BEGIN_CHECK, CUSTOM_BEGIN_START);
}

TINKER_API tinker_status_t tinker_training_client_forward_backward_custom_begin(tinker_training_client_t* client,
                                                                              const tinker_batch_t* data,
                                                                              tinker_custom_loss_step_t** out) {
  return start_blocking(__func__, &result_types::CustomLossStep, out, CUSTOM_BEGIN_CHECK, CUSTOM_BEGIN_START);
}

#define CUSTOM_FINISH_CHECK                                \
  [&](const char* fn) -> tinker_status_t {                 \
    TINKER_CHECK_ARG(fn, client);                          \
    TINKER_CHECK_ARG(fn, step);                            \
    return TINKER_OK;                                      \
  }
#define CUSTOM_FINISH_START \
  [&](Error* err) { return client->impl->forward_backward_custom_finish(*step, err); }

TINKER_API tinker_status_t tinker_training_client_forward_backward_custom_finish_async(tinker_training_client_t* client,
                                                                                     tinker_custom_loss_step_t* step,
                                                                                     tinker_future_t** out) {
  return start_async(__func__, out, CUSTOM_FINISH_CHECK, CUSTOM_FINISH_START);
}

TINKER_API tinker_status_t tinker_training_client_forward_backward_custom_finish(tinker_training_client_t* client,
                                                                               tinker_custom_loss_step_t* step,
                                                                               tinker_forward_backward_output_t** out) {
  return start_blocking(__func__, &result_types::ForwardBackwardOutput, out, CUSTOM_FINISH_CHECK, CUSTOM_FINISH_START);
}

TINKER_API tinker_status_t tinker_future_take_custom_loss_step(tinker_future_t* future, tinker_custom_loss_step_t** out) {
  return capi::take(__func__, future, &result_types::CustomLossStep, out);
}

#define CLIENT_CHECK                                       \
  [&](const char* fn) -> tinker_status_t {                 \
    TINKER_CHECK_ARG(fn, client);                          \
    return TINKER_OK;                                      \
  }

TINKER_API tinker_status_t tinker_training_client_optim_step_async(tinker_training_client_t* client,
                                                                 const tinker_adam_params_t* params,
                                                                 tinker_future_t** out) {
  return start_async(__func__, out, CLIENT_CHECK,
                     [&](Error*) { return client->impl->optim_step(params ? *params : tinker_adam_params{}); });
}

TINKER_API tinker_status_t tinker_training_client_optim_step(tinker_training_client_t* client,
                                                           const tinker_adam_params_t* params,
                                                           tinker_optim_step_result_t** out) {
  return start_blocking(__func__, &result_types::OptimStepResult, out, CLIENT_CHECK,
                        [&](Error*) { return client->impl->optim_step(params ? *params : tinker_adam_params{}); });
}

#define SAVE_CHECK                                         \
  [&](const char* fn) -> tinker_status_t {                 \
    TINKER_CHECK_ARG(fn, client);                          \
    if (tinker_status_t s = check_name(fn, name)) return s; \
    return check_ttl(fn, ttl_seconds);                     \
  }

TINKER_API tinker_status_t tinker_training_client_save_state_async(tinker_training_client_t* client, const char* name,
                                                                 int64_t ttl_seconds, int overwrite,
                                                                 tinker_future_t** out) {
  return start_async(__func__, out, SAVE_CHECK,
                     [&](Error*) { return client->impl->save_state(name, ttl_seconds, overwrite != 0); });
}

TINKER_API tinker_status_t tinker_training_client_save_state(tinker_training_client_t* client, const char* name,
                                                           int64_t ttl_seconds, int overwrite,
                                                           tinker_save_result_t** out) {
  return start_blocking(__func__, &result_types::SaveResult, out, SAVE_CHECK,
                        [&](Error*) { return client->impl->save_state(name, ttl_seconds, overwrite != 0); });
}

TINKER_API tinker_status_t tinker_training_client_save_weights_for_sampler_async(tinker_training_client_t* client,
                                                                               const char* name, int64_t ttl_seconds,
                                                                               tinker_future_t** out) {
  return start_async(__func__, out, SAVE_CHECK,
                     [&](Error*) { return client->impl->save_weights_for_sampler(name, ttl_seconds); });
}

TINKER_API tinker_status_t tinker_training_client_save_weights_for_sampler(tinker_training_client_t* client,
                                                                         const char* name, int64_t ttl_seconds,
                                                                         tinker_save_result_t** out) {
  return start_blocking(__func__, &result_types::SaveResult, out, SAVE_CHECK,
                        [&](Error*) { return client->impl->save_weights_for_sampler(name, ttl_seconds); });
}

#define LOAD_CHECK                                         \
  [&](const char* fn) -> tinker_status_t {                 \
    TINKER_CHECK_ARG(fn, client);                          \
    return check_tinker_path(fn, "path", path);            \
  }

TINKER_API tinker_status_t tinker_training_client_load_state_async(tinker_training_client_t* client, const char* path,
                                                                 const char* weights_access_token,
                                                                 tinker_future_t** out) {
  return start_async(__func__, out, LOAD_CHECK,
                     [&](Error*) { return client->impl->load_state(path, opt_string(weights_access_token), false); });
}

TINKER_API tinker_status_t tinker_training_client_load_state(tinker_training_client_t* client, const char* path,
                                                           const char* weights_access_token,
                                                           tinker_load_result_t** out) {
  return start_blocking(__func__, &result_types::LoadResult, out, LOAD_CHECK,
                        [&](Error*) { return client->impl->load_state(path, opt_string(weights_access_token), false); });
}

TINKER_API tinker_status_t tinker_training_client_load_state_with_optimizer_async(tinker_training_client_t* client,
                                                                                const char* path,
                                                                                const char* weights_access_token,
                                                                                tinker_future_t** out) {
  return start_async(__func__, out, LOAD_CHECK,
                     [&](Error*) { return client->impl->load_state(path, opt_string(weights_access_token), true); });
}

TINKER_API tinker_status_t tinker_training_client_load_state_with_optimizer(tinker_training_client_t* client,
                                                                          const char* path,
                                                                          const char* weights_access_token,
                                                                          tinker_load_result_t** out) {
  return start_blocking(__func__, &result_types::LoadResult, out, LOAD_CHECK,
                        [&](Error*) { return client->impl->load_state(path, opt_string(weights_access_token), true); });
}

TINKER_API tinker_status_t tinker_training_client_get_info_async(tinker_training_client_t* client, tinker_future_t** out) {
  return start_async(__func__, out, CLIENT_CHECK, [&](Error*) { return client->impl->get_info(); });
}

TINKER_API tinker_status_t tinker_training_client_get_info(tinker_training_client_t* client, tinker_model_info_t** out) {
  return start_blocking(__func__, &result_types::ModelInfo, out, CLIENT_CHECK,
                        [&](Error*) { return client->impl->get_info(); });
}

TINKER_API tinker_status_t tinker_training_client_unload_model_async(tinker_training_client_t* client,
                                                                   tinker_future_t** out) {
  return start_async(__func__, out, CLIENT_CHECK, [&](Error*) { return client->impl->unload_model(); });
}

TINKER_API tinker_status_t tinker_training_client_unload_model(tinker_training_client_t* client) {
  return start_blocking<Result>(__func__, &result_types::None, nullptr, CLIENT_CHECK,
                                [&](Error*) { return client->impl->unload_model(); });
}

#define SAMPLER_CHECK                                      \
  [&](const char* fn) -> tinker_status_t {                 \
    TINKER_CHECK_ARG(fn, client);                          \
    return check_tinker_path(fn, "model_path", model_path); \
  }

TINKER_API tinker_status_t tinker_training_client_create_sampling_client_async(tinker_training_client_t* client,
                                                                             const char* model_path,
                                                                             const tinker_retry_config_t* retry,
                                                                             tinker_future_t** out) {
  return start_async(__func__, out, SAMPLER_CHECK, [&](Error*) {
    return client->impl->create_sampling_client(model_path, retry ? *retry : tinker_retry_config{});
  });
}

TINKER_API tinker_status_t tinker_training_client_create_sampling_client(tinker_training_client_t* client,
                                                                       const char* model_path,
                                                                       const tinker_retry_config_t* retry,
                                                                       tinker_sampling_client_t** out) {
  return start_client(
      __func__, &result_types::SamplingClient, out, SAMPLER_CHECK,
      [&] { return client->impl->create_sampling_client(model_path, retry ? *retry : tinker_retry_config{}); },
      sampling_handle);
}

TINKER_API tinker_status_t tinker_training_client_save_weights_and_get_sampling_client_async(
    tinker_training_client_t* client, const tinker_retry_config_t* retry, tinker_future_t** out) {
  return start_async(__func__, out, CLIENT_CHECK, [&](Error*) {
    return client->impl->save_weights_and_get_sampling_client(retry ? *retry : tinker_retry_config{});
  });
}

TINKER_API tinker_status_t tinker_training_client_save_weights_and_get_sampling_client(
    tinker_training_client_t* client, const tinker_retry_config_t* retry, tinker_sampling_client_t** out) {
  return start_client(
      __func__, &result_types::SamplingClient, out, CLIENT_CHECK,
      [&] { return client->impl->save_weights_and_get_sampling_client(retry ? *retry : tinker_retry_config{}); },
      sampling_handle);
}

// ---- sampling client handles -------------------------------------------------------------------

TINKER_API const char* tinker_sampling_client_sampling_session_id(const tinker_sampling_client_t* client) {
  return client ? client->sampling_session_id.c_str() : nullptr;
}

TINKER_API void tinker_sampling_client_free(tinker_sampling_client_t* client) {
  capi::guard_value(0, [&] {
    delete client;
    return 0;
  });
}

// ---- custom loss callback objects --------------------------------------------------------------

TINKER_API size_t tinker_custom_loss_input_num_datums(const tinker_custom_loss_input_t* input) {
  return input ? input->logprobs.size() : 0;
}

TINKER_API tinker_status_t tinker_custom_loss_input_logprobs(const tinker_custom_loss_input_t* input, size_t index,
                                                             const float** data, size_t* count) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, input);
    TINKER_CHECK_ARG(fn, data);
    TINKER_CHECK_ARG(fn, count);
    if (index >= input->logprobs.size()) return fail(TINKER_E_OUT_OF_RANGE, std::string(fn) + ": index out of range");
    *data = input->logprobs[index]->f32.data();
    *count = input->logprobs[index]->f32.size();
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_custom_loss_input_tensor_int64(const tinker_custom_loss_input_t* input, size_t index,
                                                                 const char* name, const int64_t** data, size_t* count) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, input);
    TINKER_CHECK_ARG(fn, name);
    TINKER_CHECK_ARG(fn, data);
    TINKER_CHECK_ARG(fn, count);
    if (index >= input->data->size()) return fail(TINKER_E_OUT_OF_RANGE, std::string(fn) + ": index out of range");
    if (std::string(name) != "target_tokens")
      return fail(TINKER_E_NOT_FOUND, std::string(fn) + ": no int64 input '" + name + "'");
    const auto& d = (*input->data)[index];
    *data = d.target_tokens.data();
    *count = d.target_tokens.size();
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_custom_loss_input_tensor_float32(const tinker_custom_loss_input_t* input, size_t index,
                                                                   const char* name, const float** data, size_t* count) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, input);
    TINKER_CHECK_ARG(fn, name);
    TINKER_CHECK_ARG(fn, data);
    TINKER_CHECK_ARG(fn, count);
    if (index >= input->data->size()) return fail(TINKER_E_OUT_OF_RANGE, std::string(fn) + ": index out of range");
    const auto& d = (*input->data)[index];
    if (std::string(name) != "weights" || !d.weights)
      return fail(TINKER_E_NOT_FOUND, std::string(fn) + ": no float32 input '" + name + "'");
    *data = d.weights->data();
    *count = d.weights->size();
    return TINKER_OK;
  });
}

// The callback's output object and the two-phase step share these setters.
namespace {

tinker_status_t set_loss(const char* fn, tinker_custom_loss_output* output, double loss) {
  TINKER_CHECK_ARG(fn, output);
  output->loss = loss;
  return TINKER_OK;
}

tinker_status_t set_gradient(const char* fn, tinker_custom_loss_output* output, size_t index, const float* gradient,
                             size_t count) {
  TINKER_CHECK_ARG(fn, output);
  TINKER_CHECK_ARG(fn, gradient);
  if (index >= output->gradients.size()) return fail(TINKER_E_OUT_OF_RANGE, std::string(fn) + ": index out of range");
  if (count != output->expected_counts[index])
    return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": count " + std::to_string(count) + " != " +
                                               std::to_string(output->expected_counts[index]) + " logprobs of datum " +
                                               std::to_string(index));
  output->gradients[index] = std::vector<float>(gradient, gradient + count);
  return TINKER_OK;
}

tinker_status_t add_metric(const char* fn, tinker_custom_loss_output* output, const char* name, double value) {
  TINKER_CHECK_ARG(fn, output);
  TINKER_CHECK_ARG(fn, name);
  output->metrics.emplace_back(name, value);
  return TINKER_OK;
}

}  // namespace

TINKER_API tinker_status_t tinker_custom_loss_output_set_loss(tinker_custom_loss_output_t* output, double loss) {
  return guard(__func__, [&](const char* fn) { return set_loss(fn, output, loss); });
}

TINKER_API tinker_status_t tinker_custom_loss_output_set_gradient(tinker_custom_loss_output_t* output, size_t index,
                                                                  const float* gradient, size_t count) {
  return guard(__func__, [&](const char* fn) { return set_gradient(fn, output, index, gradient, count); });
}

TINKER_API tinker_status_t tinker_custom_loss_output_add_metric(tinker_custom_loss_output_t* output, const char* name,
                                                                double value) {
  return guard(__func__, [&](const char* fn) { return add_metric(fn, output, name, value); });
}

TINKER_API const tinker_forward_backward_output_t* tinker_custom_loss_step_forward_output(
    const tinker_custom_loss_step_t* step) {
  return step ? step->forward.get() : nullptr;
}

TINKER_API tinker_status_t tinker_custom_loss_step_set_loss(tinker_custom_loss_step_t* step, double loss) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, step);
    return set_loss(fn, &step->output, loss);
  });
}

TINKER_API tinker_status_t tinker_custom_loss_step_set_gradient(tinker_custom_loss_step_t* step, size_t index,
                                                                const float* gradient, size_t count) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, step);
    return set_gradient(fn, &step->output, index, gradient, count);
  });
}

TINKER_API tinker_status_t tinker_custom_loss_step_add_metric(tinker_custom_loss_step_t* step, const char* name,
                                                              double value) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, step);
    return add_metric(fn, &step->output, name, value);
  });
}

TINKER_API void tinker_custom_loss_step_free(tinker_custom_loss_step_t* step) {
  capi::guard_value(0, [&] {
    delete step;
    return 0;
  });
}

}  // extern "C"
