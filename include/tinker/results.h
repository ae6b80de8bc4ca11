/*
 * tinker/results.h — results: the typed tinker_future_take_* functions, and every result type's
 * getters, _to_json and _free (server capabilities, metrics, tensors, forward/backward outputs,
 * optimizer steps, saves, loads, model info, samples, prompt logprobs; string results are plain
 * C strings). Part of <tinker/tinker.h>, whose conventions apply.
 *
 * A result is immutable once taken: any thread may read it at the same time as others; its
 * _free must be the last call on it. Arrays, strings, tensors and metrics returned by getters
 * are borrowed from the result and valid while it lives. String getters return NULL for a NULL
 * handle and "" for a field the server left out. Every _to_json hands out JSON text the caller
 * frees with tinker_free.
 */
#ifndef TINKER_RESULTS_H
#define TINKER_RESULTS_H

#include "tinker/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* =============================================================================================
 * Taking a future's result (each result can be taken once)
 * =========================================================================================== */

/** Takes the S1 result.
 *  Ownership: the caller owns *out (tinker_server_capabilities_free); the future gives it up.
 *  Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL future or out; a future of another kind of result;
 *  the result already taken), TINKER_PENDING (not finished); else the future's failure status,
 *  its error copied into this thread's record. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_server_capabilities(tinker_future_t *future, tinker_server_capabilities_t **out);

/** Takes a training client (S2–S4).
 *  Ownership: the caller owns *out (tinker_training_client_free); the future gives it up.
 *  Threads: any thread.
 *  Errors: as tinker_future_take_server_capabilities, and TINKER_E_FAILED_PRECONDITION when
 *  every handle of the service client has been freed. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_training_client(tinker_future_t *future, tinker_training_client_t **out);

/** Takes a forward / forward_backward / forward_backward_custom(_finish) output.
 *  Ownership: the caller owns *out (tinker_forward_backward_output_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_forward_backward_output(tinker_future_t *future, tinker_forward_backward_output_t **out);

/** Takes an optim_step result.
 *  Ownership: the caller owns *out (tinker_optim_step_result_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_optim_step_result(tinker_future_t *future, tinker_optim_step_result_t **out);

/** Takes a save_state / save_weights_for_sampler result.
 *  Ownership: the caller owns *out (tinker_save_result_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_save_result(tinker_future_t *future, tinker_save_result_t **out);

/** Takes a load_state / load_state_with_optimizer result.
 *  Ownership: the caller owns *out (tinker_load_result_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_load_result(tinker_future_t *future, tinker_load_result_t **out);

/** Takes a get_info result.
 *  Ownership: the caller owns *out (tinker_model_info_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_model_info(tinker_future_t *future, tinker_model_info_t **out);

/** Takes a sampling client (S5, T10, T11).
 *  Ownership: the caller owns *out (tinker_sampling_client_free); the future gives it up.
 *  Threads: any thread.
 *  Errors: as tinker_future_take_server_capabilities, and TINKER_E_FAILED_PRECONDITION when
 *  every handle of the service client has been freed. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_sampling_client(tinker_future_t *future, tinker_sampling_client_t **out);

/** Takes a tokenizer (T13, P4).
 *  Ownership: the caller owns *out (tinker_tokenizer_free); the future gives it up.
 *  Threads: any thread.
 *  Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_tokenizer(tinker_future_t *future, tinker_tokenizer_t **out);

/** Takes the step of tinker_training_client_forward_backward_custom_begin_async.
 *  Ownership: the caller owns *out (tinker_custom_loss_step_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_custom_loss_step(tinker_future_t *future, tinker_custom_loss_step_t **out);

/** Takes a sample result (P1).
 *  Ownership: the caller owns *out (tinker_sample_response_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_sample_response(tinker_future_t *future, tinker_sample_response_t **out);

/** Takes a compute_logprobs result (P2).
 *  Ownership: the caller owns *out (tinker_prompt_logprobs_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_prompt_logprobs(tinker_future_t *future, tinker_prompt_logprobs_t **out);

/** Takes a checkpoint list (R5, R6).
 *  Ownership: the caller owns *out (tinker_checkpoint_list_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_checkpoint_list(tinker_future_t *future, tinker_checkpoint_list_t **out);

/** Takes a sampler (R20).
 *  Ownership: the caller owns *out (tinker_sampler_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_sampler(tinker_future_t *future, tinker_sampler_t **out);

/** Takes a whoami result (R23).
 *  Ownership: the caller owns *out (tinker_whoami_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_whoami(tinker_future_t *future, tinker_whoami_t **out);

/** Takes weights info (R3).
 *  Ownership: the caller owns *out (tinker_weights_info_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_weights_info(tinker_future_t *future, tinker_weights_info_t **out);

/** Takes a session (R16).
 *  Ownership: the caller owns *out (tinker_session_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_session(tinker_future_t *future, tinker_session_t **out);

/** Takes a session list (R17).
 *  Ownership: the caller owns *out (tinker_session_list_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_session_list(tinker_future_t *future, tinker_session_list_t **out);

/** Takes a training run (R1, R2).
 *  Ownership: the caller owns *out (tinker_training_run_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_training_run(tinker_future_t *future, tinker_training_run_t **out);

/** Takes a training run list (R4).
 *  Ownership: the caller owns *out (tinker_training_run_list_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_training_run_list(tinker_future_t *future, tinker_training_run_list_t **out);

/** Takes a checkpoint archive URL (R7, R8).
 *  Ownership: the caller owns *out (tinker_checkpoint_archive_url_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_checkpoint_archive_url(tinker_future_t *future, tinker_checkpoint_archive_url_t **out);

/** Takes an audit log (R21).
 *  Ownership: the caller owns *out (tinker_audit_log_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_audit_log(tinker_future_t *future, tinker_audit_log_t **out);

/** Takes billing usage (R22).
 *  Ownership: the caller owns *out (tinker_billing_usage_free); the future gives it up.
 *  Threads: any thread. Errors: as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_billing_usage(tinker_future_t *future, tinker_billing_usage_t **out);

/** Takes the string an operation returns (P3's base model name, R19's trace URL).
 *  Ownership: the caller owns *out (tinker_free), a NUL-terminated UTF-8 copy; the future gives
 *  the result up. Threads: any thread.
 *  Errors: as tinker_future_take_server_capabilities; TINKER_E_RESOURCE_EXHAUSTED when the copy
 *  cannot be allocated. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_string(tinker_future_t *future, char **out);

/* =============================================================================================
 * Server capabilities (S1)
 * =========================================================================================== */

/** Number of supported models.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; a NULL result gives 0. Since: 0.1. */
TINKER_API size_t tinker_server_capabilities_model_count(const tinker_server_capabilities_t *caps);

/** Name of model `index`.
 *  Ownership: borrowed from `caps`. Threads: any thread.
 *  Errors: none; NULL for a NULL result, an index out of range, or a name the server left out.
 *  Since: 0.1. */
TINKER_API const char *tinker_server_capabilities_model_name(const tinker_server_capabilities_t *caps, size_t index);

/** Max context length of model `index`.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; -1 for a NULL result, an index out of range, or a length the server left out.
 *  Since: 0.1. */
TINKER_API int64_t tinker_server_capabilities_model_max_context_length(const tinker_server_capabilities_t *caps, size_t index);

/** The result as JSON (the server's shape).
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL caps or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_server_capabilities_to_json(const tinker_server_capabilities_t *caps, char **out);

/** Frees the result.
 *  Ownership: takes `caps`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_server_capabilities_free(tinker_server_capabilities_t *caps);

/* =============================================================================================
 * Metrics (borrowed from a result)
 * =========================================================================================== */

/** Number of metrics.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; NULL metrics give 0. Since: 0.1. */
TINKER_API size_t tinker_metrics_count(const tinker_metrics_t *metrics);

/** Name of metric `index` ("name:reduction").
 *  Ownership: borrowed from the result that holds the metrics. Threads: any thread.
 *  Errors: none; NULL for NULL metrics or an index out of range. Since: 0.1. */
TINKER_API const char *tinker_metrics_name(const tinker_metrics_t *metrics, size_t index);

/** Value of metric `index`.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; NaN for NULL metrics or an index out of range. Since: 0.1. */
TINKER_API double tinker_metrics_value(const tinker_metrics_t *metrics, size_t index);

/** Looks a metric up by name, into *value.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL metrics, name or value), TINKER_E_NOT_FOUND (no such
 *  metric); *value is set only on TINKER_OK. Since: 0.1. */
TINKER_API tinker_status_t tinker_metrics_get(const tinker_metrics_t *metrics, const char *name, double *value);

/* =============================================================================================
 * Tensors (borrowed from a forward/backward output)
 * =========================================================================================== */

/** Element type: TINKER_DTYPE_FLOAT32 or TINKER_DTYPE_INT64.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; a NULL tensor gives 0 (no tinker_dtype_t value). Since: 0.1. */
TINKER_API tinker_dtype_t tinker_tensor_dtype(const tinker_tensor_t *tensor);

/** Number of dimensions.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; a NULL tensor gives 0. Since: 0.1. */
TINKER_API size_t tinker_tensor_ndim(const tinker_tensor_t *tensor);

/** Size of dimension `dim`.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; -1 for a NULL tensor or a dimension out of range. Since: 0.1. */
TINKER_API int64_t tinker_tensor_dim(const tinker_tensor_t *tensor, size_t dim);

/** Number of elements.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; a NULL tensor gives 0. Since: 0.1. */
TINKER_API size_t tinker_tensor_numel(const tinker_tensor_t *tensor);

/** The data if float32, else NULL.
 *  Ownership: borrowed from the result that holds the tensor. Threads: any thread.
 *  Errors: none; NULL for a NULL tensor or an int64 one. Since: 0.1. */
TINKER_API const float *tinker_tensor_data_float32(const tinker_tensor_t *tensor);

/** The data if int64, else NULL.
 *  Ownership: borrowed from the result that holds the tensor. Threads: any thread.
 *  Errors: none; NULL for a NULL tensor or a float32 one. Since: 0.1. */
TINKER_API const int64_t *tinker_tensor_data_int64(const tinker_tensor_t *tensor);

/** Copies the tensor's float32 elements into `dst` (room for `capacity`); *written receives
 *  the number copied. `dst` may be NULL when capacity is 0.
 *  Ownership: `dst` stays the caller's. Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL tensor or written; NULL dst with capacity > 0; a
 *  tensor that is not float32), TINKER_E_OUT_OF_RANGE (capacity smaller than numel: nothing
 *  copied). *written is 0 after a failure once the tensor and written are valid. Since: 0.1. */
TINKER_API tinker_status_t tinker_tensor_copy_to_float32(const tinker_tensor_t *tensor, float *dst, size_t capacity, size_t *written);

/** As tinker_tensor_copy_to_float32, for int64 tensors.
 *  Ownership: `dst` stays the caller's. Threads: any thread.
 *  Errors: as tinker_tensor_copy_to_float32 (a tensor that is not int64 is
 *  TINKER_E_INVALID_ARGUMENT). Since: 0.1. */
TINKER_API tinker_status_t tinker_tensor_copy_to_int64(const tinker_tensor_t *tensor, int64_t *dst, size_t capacity, size_t *written);

/* =============================================================================================
 * Forward / forward_backward outputs (T1, T2, T3)
 * =========================================================================================== */

/** Number of datums (outputs are in input order).
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; a NULL output gives 0. Since: 0.1. */
TINKER_API size_t tinker_forward_backward_output_num_datums(const tinker_forward_backward_output_t *output);

/** The loss function's output type (e.g. "ArrayRecord").
 *  Ownership: borrowed from `output`. Threads: any thread.
 *  Errors: none; a NULL output gives NULL. Since: 0.1. */
TINKER_API const char *tinker_forward_backward_output_loss_fn_output_type(const tinker_forward_backward_output_t *output);

/** Number of named tensors of datum `index`.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; 0 for a NULL output or an index out of range. Since: 0.1. */
TINKER_API size_t tinker_forward_backward_output_tensor_count(const tinker_forward_backward_output_t *output, size_t index);

/** Name of tensor `k` of datum `index`.
 *  Ownership: borrowed from `output`. Threads: any thread.
 *  Errors: none; NULL for a NULL output or an index out of range. Since: 0.1. */
TINKER_API const char *tinker_forward_backward_output_tensor_name(const tinker_forward_backward_output_t *output, size_t index, size_t k);

/** Tensor `name` (e.g. "logprobs") of datum `index`, into *tensor.
 *  Ownership: *tensor is borrowed from `output`, valid while it lives. Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL output, name or tensor), TINKER_E_OUT_OF_RANGE
 *  (index), TINKER_E_NOT_FOUND (no tensor of that name). Since: 0.1. */
TINKER_API tinker_status_t tinker_forward_backward_output_tensor(const tinker_forward_backward_output_t *output, size_t index, const char *name, const tinker_tensor_t **tensor);

/** The combined metrics (e.g. "loss:sum").
 *  Ownership: borrowed from `output`, valid while it lives. Threads: any thread.
 *  Errors: none; a NULL output gives NULL. Since: 0.1. */
TINKER_API const tinker_metrics_t *tinker_forward_backward_output_metrics(const tinker_forward_backward_output_t *output);

/** The output as JSON in the official SDK's shape.
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL output or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_forward_backward_output_to_json(const tinker_forward_backward_output_t *output, char **out);

/** Frees the output (and the tensors and metrics borrowed from it).
 *  Ownership: takes `output`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_forward_backward_output_free(tinker_forward_backward_output_t *output);

/* =============================================================================================
 * Optimizer step results (T4)
 * =========================================================================================== */

/** The optimizer step's metrics.
 *  Ownership: borrowed from `result`, valid while it lives. Threads: any thread.
 *  Errors: none; a NULL result gives NULL. Since: 0.1. */
TINKER_API const tinker_metrics_t *tinker_optim_step_result_metrics(const tinker_optim_step_result_t *result);

/** The result as JSON.
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL result or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_optim_step_result_to_json(const tinker_optim_step_result_t *result, char **out);

/** Frees the result.
 *  Ownership: takes `result`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_optim_step_result_free(tinker_optim_step_result_t *result);

/* =============================================================================================
 * Save results (T5, T8)
 * =========================================================================================== */

/** The checkpoint's tinker:// path.
 *  Ownership: borrowed from `result`. Threads: any thread.
 *  Errors: none; a NULL result gives NULL. Since: 0.1. */
TINKER_API const char *tinker_save_result_path(const tinker_save_result_t *result);

/** The sampling session an unnamed sampler save made (save_weights_and_get_sampling_client), ""
 *  otherwise.
 *  Ownership: borrowed from `result`. Threads: any thread.
 *  Errors: none; a NULL result gives NULL. Since: 0.1. */
TINKER_API const char *tinker_save_result_sampling_session_id(const tinker_save_result_t *result);

/** The result as JSON.
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL result or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_save_result_to_json(const tinker_save_result_t *result, char **out);

/** Frees the result.
 *  Ownership: takes `result`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_save_result_free(tinker_save_result_t *result);

/* =============================================================================================
 * Load results (T6, T7)
 * =========================================================================================== */

/** The loaded path, or "" when the server did not say.
 *  Ownership: borrowed from `result`. Threads: any thread.
 *  Errors: none; a NULL result gives NULL. Since: 0.1. */
TINKER_API const char *tinker_load_result_path(const tinker_load_result_t *result);

/** The training run the weights were loaded into, "" when the server did not say.
 *  Ownership: borrowed from `result`. Threads: any thread.
 *  Errors: none; a NULL result gives NULL. Since: 0.1. */
TINKER_API const char *tinker_load_result_model_id(const tinker_load_result_t *result);

/** The result as JSON.
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL result or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_load_result_to_json(const tinker_load_result_t *result, char **out);

/** Frees the result.
 *  Ownership: takes `result`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_load_result_free(tinker_load_result_t *result);

/* =============================================================================================
 * Model info (T9)
 * =========================================================================================== */

/** Model id (= training run id).
 *  Ownership: borrowed from `info`. Threads: any thread.
 *  Errors: none; a NULL result gives NULL. Since: 0.1. */
TINKER_API const char *tinker_model_info_model_id(const tinker_model_info_t *info);

/** Base model name (model_data.model_name), "" if unknown.
 *  Ownership: borrowed from `info`. Threads: any thread.
 *  Errors: none; a NULL result gives NULL. Since: 0.1. */
TINKER_API const char *tinker_model_info_base_model(const tinker_model_info_t *info);

/** Architecture (model_data.arch), "" if unknown.
 *  Ownership: borrowed from `info`. Threads: any thread.
 *  Errors: none; a NULL result gives NULL. Since: 0.1. */
TINKER_API const char *tinker_model_info_arch(const tinker_model_info_t *info);

/** Tokenizer id, truncated at the first ':' as the official SDK does; "" if unknown.
 *  Ownership: borrowed from `info`. Threads: any thread.
 *  Errors: none; a NULL result gives NULL. Since: 0.1. */
TINKER_API const char *tinker_model_info_tokenizer_id(const tinker_model_info_t *info);

/** 1 if the model is a LoRA adapter, else 0.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; a NULL result gives 0. Since: 0.1. */
TINKER_API int tinker_model_info_is_lora(const tinker_model_info_t *info);

/** LoRA rank, or -1 when not reported.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; a NULL result gives -1. Since: 0.1. */
TINKER_API int64_t tinker_model_info_lora_rank(const tinker_model_info_t *info);

/** The result as JSON.
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL info or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_model_info_to_json(const tinker_model_info_t *info, char **out);

/** Frees the result.
 *  Ownership: takes `info`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_model_info_free(tinker_model_info_t *info);

/* =============================================================================================
 * Sample responses (P1). Sequences are in the server's order; index runs below
 * tinker_sample_response_sequence_count. Logprobs are float32, as on the wire.
 * =========================================================================================== */

/** Number of sampled sequences.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; a NULL response gives 0. Since: 0.1. */
TINKER_API size_t tinker_sample_response_sequence_count(const tinker_sample_response_t *response);

/** Why sequence `index` ended: "stop" (a stop string or token, or the end of sequence) or
 *  "length" (max_tokens reached).
 *  Ownership: a static string. Threads: any thread.
 *  Errors: none; NULL for a NULL response or an index out of range. Since: 0.1. */
TINKER_API const char *tinker_sample_response_stop_reason(const tinker_sample_response_t *response, size_t index);

/** Number of tokens of sequence `index`.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; 0 for a NULL response or an index out of range. Since: 0.1. */
TINKER_API size_t tinker_sample_response_token_count(const tinker_sample_response_t *response, size_t index);

/** The tokens of sequence `index` (token_count of them).
 *  Ownership: borrowed from `response`. Threads: any thread.
 *  Errors: none; NULL for a NULL response, an index out of range or no tokens. Since: 0.1. */
TINKER_API const int32_t *tinker_sample_response_tokens(const tinker_sample_response_t *response, size_t index);

/** The logprob of each token of sequence `index` (token_count of them), or NULL when the
 *  server sent none for it.
 *  Ownership: borrowed from `response`. Threads: any thread.
 *  Errors: none; NULL for a NULL response or an index out of range. Since: 0.1. */
TINKER_API const float *tinker_sample_response_logprobs(const tinker_sample_response_t *response, size_t index);

/** Copies the tokens of sequence `index` into `dst` (room for `capacity`); *written receives
 *  the number copied. `dst` may be NULL when capacity is 0.
 *  Ownership: `dst` stays the caller's. Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL response or written; NULL dst with capacity > 0),
 *  TINKER_E_OUT_OF_RANGE (index out of range, or capacity below token_count: nothing copied).
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_sample_response_copy_tokens(const tinker_sample_response_t *response, size_t index, int32_t *dst, size_t capacity, size_t *written);

/** As tinker_sample_response_copy_tokens, for the logprobs of sequence `index`.
 *  Ownership: `dst` stays the caller's. Threads: any thread.
 *  Errors: as tinker_sample_response_copy_tokens, and TINKER_E_NOT_FOUND when the server sent
 *  no logprobs for the sequence. Since: 0.1. */
TINKER_API tinker_status_t tinker_sample_response_copy_logprobs(const tinker_sample_response_t *response, size_t index, float *dst, size_t capacity, size_t *written);

/** Number of prompt logprobs: one per prompt token when the call asked for them, else 0.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; a NULL response gives 0. Since: 0.1. */
TINKER_API size_t tinker_sample_response_prompt_logprob_count(const tinker_sample_response_t *response);

/** The prompt logprobs (prompt_logprob_count of them): NaN where undefined (the first
 *  position, whose token has nothing before it). NULL when there are none.
 *  Ownership: borrowed from `response`. Threads: any thread.
 *  Errors: none; NULL for a NULL response. Since: 0.1. */
TINKER_API const float *tinker_sample_response_prompt_logprobs(const tinker_sample_response_t *response);

/** Copies the prompt logprobs into `dst` (room for `capacity`), NaN where undefined; *written
 *  receives the number copied. `dst` may be NULL when capacity is 0.
 *  Ownership: `dst` stays the caller's. Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL response or written; NULL dst with capacity > 0),
 *  TINKER_E_OUT_OF_RANGE (capacity below prompt_logprob_count: nothing copied). Since: 0.1. */
TINKER_API tinker_status_t tinker_sample_response_copy_prompt_logprobs(const tinker_sample_response_t *response, float *dst, size_t capacity, size_t *written);

/** 1 when prompt position `position` has a logprob, 0 when it is undefined, out of range or
 *  the response has none: the explicit form of the NaN marker.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; 0 for a NULL response. Since: 0.1. */
TINKER_API int tinker_sample_response_prompt_logprob_defined(const tinker_sample_response_t *response, size_t position);

/** Number of prompt positions with top-k data: the prompt's length when the call asked for
 *  topk_prompt_logprobs > 0, else 0.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; a NULL response gives 0. Since: 0.1. */
TINKER_API size_t tinker_sample_response_topk_position_count(const tinker_sample_response_t *response);

/** Number of top-k entries at prompt position `position`, most likely first: at most k; 0 where
 *  the server has none (the first position, typically).
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; 0 for a NULL response or a position out of range. Since: 0.1. */
TINKER_API size_t tinker_sample_response_topk_count(const tinker_sample_response_t *response, size_t position);

/** The token ids of the top-k entries at `position` (topk_count of them).
 *  Ownership: borrowed from `response`. Threads: any thread.
 *  Errors: none; NULL for a NULL response, a position out of range or no entries. Since: 0.1. */
TINKER_API const int32_t *tinker_sample_response_topk_token_ids(const tinker_sample_response_t *response, size_t position);

/** The logprobs of the top-k entries at `position` (topk_count of them).
 *  Ownership: borrowed from `response`. Threads: any thread.
 *  Errors: none; NULL for a NULL response, a position out of range or no entries. Since: 0.1. */
TINKER_API const float *tinker_sample_response_topk_logprobs(const tinker_sample_response_t *response, size_t position);

/** Copies the token ids of the top-k entries at `position` into `dst` (room for `capacity`);
 *  *written receives the number copied (topk_count). `dst` may be NULL when capacity is 0.
 *  Ownership: `dst` stays the caller's. Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL response or written; NULL dst with capacity > 0),
 *  TINKER_E_OUT_OF_RANGE (position past topk_position_count, or capacity below topk_count:
 *  nothing copied). Since: 0.1. */
TINKER_API tinker_status_t tinker_sample_response_copy_topk_token_ids(const tinker_sample_response_t *response, size_t position, int32_t *dst, size_t capacity, size_t *written);

/** As tinker_sample_response_copy_topk_token_ids, for the logprobs of the top-k entries.
 *  Ownership: `dst` stays the caller's. Threads: any thread.
 *  Errors: as tinker_sample_response_copy_topk_token_ids. Since: 0.1. */
TINKER_API tinker_status_t tinker_sample_response_copy_topk_logprobs(const tinker_sample_response_t *response, size_t position, float *dst, size_t capacity, size_t *written);

/** Prompt tokens the server served from its prefix cache (counted once per prompt).
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; a NULL response gives 0. Since: 0.1. */
TINKER_API int64_t tinker_sample_response_prompt_cache_hit_tokens(const tinker_sample_response_t *response);

/** The response as the legacy JSON form (docs/protocol.md §7.9): undefined prompt logprobs and
 *  top-k positions without data are null, and so is any other non-finite number (JSON has no
 *  form for it): read the values with the getters to tell them apart.
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL response or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_sample_response_to_json(const tinker_sample_response_t *response, char **out);

/** Frees a sample response.
 *  Ownership: takes `response`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_sample_response_free(tinker_sample_response_t *response);

/* =============================================================================================
 * Prompt logprobs (P2)
 * =========================================================================================== */

/** Number of logprobs: one per prompt token.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; a NULL result gives 0. Since: 0.1. */
TINKER_API size_t tinker_prompt_logprobs_count(const tinker_prompt_logprobs_t *logprobs);

/** The logprobs (count of them): NaN where undefined (the first position).
 *  Ownership: borrowed from `logprobs`. Threads: any thread.
 *  Errors: none; NULL for a NULL result or none at all. Since: 0.1. */
TINKER_API const float *tinker_prompt_logprobs_values(const tinker_prompt_logprobs_t *logprobs);

/** 1 when `position` has a logprob, 0 when it is undefined or out of range.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; 0 for a NULL result. Since: 0.1. */
TINKER_API int tinker_prompt_logprobs_defined(const tinker_prompt_logprobs_t *logprobs, size_t position);

/** Copies the logprobs into `dst` (room for `capacity`); *written receives the number copied.
 *  Undefined positions are NaN. `dst` may be NULL when capacity is 0.
 *  Ownership: `dst` stays the caller's. Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL logprobs or written; NULL dst with capacity > 0),
 *  TINKER_E_OUT_OF_RANGE (capacity below count: nothing copied). Since: 0.1. */
TINKER_API tinker_status_t tinker_prompt_logprobs_copy_to(const tinker_prompt_logprobs_t *logprobs, float *dst, size_t capacity, size_t *written);

/** The logprobs as a JSON array, null where undefined.
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL logprobs or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_prompt_logprobs_to_json(const tinker_prompt_logprobs_t *logprobs, char **out);

/** Frees a compute_logprobs result.
 *  Ownership: takes `logprobs`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_prompt_logprobs_free(tinker_prompt_logprobs_t *logprobs);

/* =============================================================================================
 * Checkpoint lists (R5, R6). Checkpoint `index` counts from 0 within this page; an index out of
 * range gives what a NULL list gives.
 * =========================================================================================== */

/** Number of checkpoints in this page.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; 0 for a NULL list.
 *  Since: 0.1. */
TINKER_API size_t tinker_checkpoint_list_checkpoint_count(const tinker_checkpoint_list_t *list);

/** Checkpoint `index`'s id within its training run, "<kind>/<name>", e.g. "weights/0001".
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_checkpoint_list_checkpoint_checkpoint_id(const tinker_checkpoint_list_t *list, size_t index);

/** Checkpoint `index`'s type: "training" or "sampler".
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_checkpoint_list_checkpoint_checkpoint_type(const tinker_checkpoint_list_t *list, size_t index);

/** When checkpoint `index` was saved (RFC 3339 text, as the server sent it).
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_checkpoint_list_checkpoint_time(const tinker_checkpoint_list_t *list, size_t index);

/** Checkpoint `index`'s tinker:// path.
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_checkpoint_list_checkpoint_tinker_path(const tinker_checkpoint_list_t *list, size_t index);

/** Checkpoint `index`'s size in bytes; -1 when the server did not say.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL list.
 *  Since: 0.1. */
TINKER_API int64_t tinker_checkpoint_list_checkpoint_size_bytes(const tinker_checkpoint_list_t *list, size_t index);

/** 1 when checkpoint `index` is published (other users can see and load it), else 0.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; 0 for a NULL list.
 *  Since: 0.1. */
TINKER_API int tinker_checkpoint_list_checkpoint_is_public(const tinker_checkpoint_list_t *list, size_t index);

/** When checkpoint `index` expires (RFC 3339 text); NULL when it never does.
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_checkpoint_list_checkpoint_expires_at(const tinker_checkpoint_list_t *list, size_t index);

/** The page's offset among all the checkpoints; -1 when the server sent no cursor.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL list.
 *  Since: 0.1. */
TINKER_API int64_t tinker_checkpoint_list_offset(const tinker_checkpoint_list_t *list);

/** The page's size limit; -1 when the server sent no cursor.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL list.
 *  Since: 0.1. */
TINKER_API int64_t tinker_checkpoint_list_limit(const tinker_checkpoint_list_t *list);

/** How many checkpoints there are in all pages; -1 when the server sent no cursor.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL list.
 *  Since: 0.1. */
TINKER_API int64_t tinker_checkpoint_list_total_count(const tinker_checkpoint_list_t *list);

/** The list as JSON, in the server's shape ({"checkpoints": [...], "cursor": {...}}).
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL list or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_checkpoint_list_to_json(const tinker_checkpoint_list_t *list, char **out);

/** Frees a checkpoint list.
 *  Ownership: takes `list`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_checkpoint_list_free(tinker_checkpoint_list_t *list);

/* =============================================================================================
 * Training runs (R1, R2)
 * =========================================================================================== */

/** The training run's id (its model id).
 *  Ownership: borrowed from `run`. Threads: any thread. Errors: none; NULL for a NULL run.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_training_run_id(const tinker_training_run_t *run);

/** The base model it trains.
 *  Ownership: borrowed from `run`. Threads: any thread. Errors: none; NULL for a NULL run.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_base_model(const tinker_training_run_t *run);

/** The user who owns it.
 *  Ownership: borrowed from `run`. Threads: any thread. Errors: none; NULL for a NULL run.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_model_owner(const tinker_training_run_t *run);

/** 1 for a LoRA run.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; 0 for a NULL run.
 *  Since: 0.1. */
TINKER_API int tinker_training_run_is_lora(const tinker_training_run_t *run);

/** 1 when the server marked the run corrupted.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; 0 for a NULL run.
 *  Since: 0.1. */
TINKER_API int tinker_training_run_corrupted(const tinker_training_run_t *run);

/** The LoRA rank; -1 when the server did not say.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL run.
 *  Since: 0.1. */
TINKER_API int64_t tinker_training_run_lora_rank(const tinker_training_run_t *run);

/** When the run last received a request (RFC 3339).
 *  Ownership: borrowed from `run`. Threads: any thread. Errors: none; NULL for a NULL run.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_last_request_time(const tinker_training_run_t *run);

/** The run's newest training checkpoint: its id within the run, "weights/<name>" or "sampler_weights/<name>"; NULL when the run has none.
 *  Ownership: borrowed from `run`. Threads: any thread. Errors: none; NULL for a NULL run.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_last_checkpoint_checkpoint_id(const tinker_training_run_t *run);

/** The run's newest training checkpoint: its type, "training" or "sampler"; NULL when the run has none.
 *  Ownership: borrowed from `run`. Threads: any thread. Errors: none; NULL for a NULL run.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_last_checkpoint_checkpoint_type(const tinker_training_run_t *run);

/** The run's newest training checkpoint: its save time (RFC 3339); NULL when the run has none.
 *  Ownership: borrowed from `run`. Threads: any thread. Errors: none; NULL for a NULL run.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_last_checkpoint_time(const tinker_training_run_t *run);

/** The run's newest training checkpoint: its tinker:// path; NULL when the run has none.
 *  Ownership: borrowed from `run`. Threads: any thread. Errors: none; NULL for a NULL run.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_last_checkpoint_tinker_path(const tinker_training_run_t *run);

/** The run's newest training checkpoint: its size in bytes (-1 when the server did not say); -1 when the run has none.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL run.
 *  Since: 0.1. */
TINKER_API int64_t tinker_training_run_last_checkpoint_size_bytes(const tinker_training_run_t *run);

/** The run's newest training checkpoint: its state: 1 when published; 0 when the run has none.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; 0 for a NULL run.
 *  Since: 0.1. */
TINKER_API int tinker_training_run_last_checkpoint_is_public(const tinker_training_run_t *run);

/** The run's newest training checkpoint: its expiry (RFC 3339; NULL when it never expires); NULL when the run has none.
 *  Ownership: borrowed from `run`. Threads: any thread. Errors: none; NULL for a NULL run.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_last_checkpoint_expires_at(const tinker_training_run_t *run);

/** The run's newest sampler checkpoint: its id within the run, "weights/<name>" or "sampler_weights/<name>"; NULL when the run has none.
 *  Ownership: borrowed from `run`. Threads: any thread. Errors: none; NULL for a NULL run.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_last_sampler_checkpoint_checkpoint_id(const tinker_training_run_t *run);

/** The run's newest sampler checkpoint: its type, "training" or "sampler"; NULL when the run has none.
 *  Ownership: borrowed from `run`. Threads: any thread. Errors: none; NULL for a NULL run.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_last_sampler_checkpoint_checkpoint_type(const tinker_training_run_t *run);

/** The run's newest sampler checkpoint: its save time (RFC 3339); NULL when the run has none.
 *  Ownership: borrowed from `run`. Threads: any thread. Errors: none; NULL for a NULL run.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_last_sampler_checkpoint_time(const tinker_training_run_t *run);

/** The run's newest sampler checkpoint: its tinker:// path; NULL when the run has none.
 *  Ownership: borrowed from `run`. Threads: any thread. Errors: none; NULL for a NULL run.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_last_sampler_checkpoint_tinker_path(const tinker_training_run_t *run);

/** The run's newest sampler checkpoint: its size in bytes (-1 when the server did not say); -1 when the run has none.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL run.
 *  Since: 0.1. */
TINKER_API int64_t tinker_training_run_last_sampler_checkpoint_size_bytes(const tinker_training_run_t *run);

/** The run's newest sampler checkpoint: its state: 1 when published; 0 when the run has none.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; 0 for a NULL run.
 *  Since: 0.1. */
TINKER_API int tinker_training_run_last_sampler_checkpoint_is_public(const tinker_training_run_t *run);

/** The run's newest sampler checkpoint: its expiry (RFC 3339; NULL when it never expires); NULL when the run has none.
 *  Ownership: borrowed from `run`. Threads: any thread. Errors: none; NULL for a NULL run.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_last_sampler_checkpoint_expires_at(const tinker_training_run_t *run);

/** The metadata given when the run was created, in key order.
 *  Ownership: borrowed from `run` (read it with tinker_metadata_count/_key/_value/_get). Threads: any thread. Errors: none; NULL for a NULL run.
 *  Since: 0.1. */
TINKER_API const tinker_metadata_t *tinker_training_run_user_metadata(const tinker_training_run_t *run);

/** The run as JSON, in the server's shape.
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL run or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_training_run_to_json(const tinker_training_run_t *run, char **out);

/** Frees a training run result.
 *  Ownership: takes `run`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_training_run_free(tinker_training_run_t *run);

/* =============================================================================================
 * Training run lists (R4). Run `index` counts from 0 within this page; an index out of range
 * gives what a NULL list gives.
 * =========================================================================================== */

/** Number of training runs.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; 0 for a NULL list.
 *  Since: 0.1. */
TINKER_API size_t tinker_training_run_list_training_run_count(const tinker_training_run_list_t *list);

/** Training run `index`: the training run's id (its model id).
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_list_training_run_training_run_id(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: the base model it trains.
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_list_training_run_base_model(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: the user who owns it.
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_list_training_run_model_owner(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: 1 for a LoRA run.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; 0 for a NULL list.
 *  Since: 0.1. */
TINKER_API int tinker_training_run_list_training_run_is_lora(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: 1 when the server marked the run corrupted.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; 0 for a NULL list.
 *  Since: 0.1. */
TINKER_API int tinker_training_run_list_training_run_corrupted(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: the LoRA rank; -1 when the server did not say.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL list.
 *  Since: 0.1. */
TINKER_API int64_t tinker_training_run_list_training_run_lora_rank(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: when the run last received a request (RFC 3339).
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_list_training_run_last_request_time(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: the run's newest training checkpoint: its id within the run, "weights/<name>" or "sampler_weights/<name>"; NULL when the run has none.
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_list_training_run_last_checkpoint_checkpoint_id(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: the run's newest training checkpoint: its type, "training" or "sampler"; NULL when the run has none.
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_list_training_run_last_checkpoint_checkpoint_type(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: the run's newest training checkpoint: its save time (RFC 3339); NULL when the run has none.
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_list_training_run_last_checkpoint_time(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: the run's newest training checkpoint: its tinker:// path; NULL when the run has none.
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_list_training_run_last_checkpoint_tinker_path(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: the run's newest training checkpoint: its size in bytes (-1 when the server did not say); -1 when the run has none.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL list.
 *  Since: 0.1. */
TINKER_API int64_t tinker_training_run_list_training_run_last_checkpoint_size_bytes(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: the run's newest training checkpoint: its state: 1 when published; 0 when the run has none.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; 0 for a NULL list.
 *  Since: 0.1. */
TINKER_API int tinker_training_run_list_training_run_last_checkpoint_is_public(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: the run's newest training checkpoint: its expiry (RFC 3339; NULL when it never expires); NULL when the run has none.
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_list_training_run_last_checkpoint_expires_at(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: the run's newest sampler checkpoint: its id within the run, "weights/<name>" or "sampler_weights/<name>"; NULL when the run has none.
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_list_training_run_last_sampler_checkpoint_checkpoint_id(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: the run's newest sampler checkpoint: its type, "training" or "sampler"; NULL when the run has none.
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_list_training_run_last_sampler_checkpoint_checkpoint_type(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: the run's newest sampler checkpoint: its save time (RFC 3339); NULL when the run has none.
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_list_training_run_last_sampler_checkpoint_time(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: the run's newest sampler checkpoint: its tinker:// path; NULL when the run has none.
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_list_training_run_last_sampler_checkpoint_tinker_path(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: the run's newest sampler checkpoint: its size in bytes (-1 when the server did not say); -1 when the run has none.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL list.
 *  Since: 0.1. */
TINKER_API int64_t tinker_training_run_list_training_run_last_sampler_checkpoint_size_bytes(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: the run's newest sampler checkpoint: its state: 1 when published; 0 when the run has none.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; 0 for a NULL list.
 *  Since: 0.1. */
TINKER_API int tinker_training_run_list_training_run_last_sampler_checkpoint_is_public(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: the run's newest sampler checkpoint: its expiry (RFC 3339; NULL when it never expires); NULL when the run has none.
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_run_list_training_run_last_sampler_checkpoint_expires_at(const tinker_training_run_list_t *list, size_t index);

/** Training run `index`: the metadata given when the run was created, in key order.
 *  Ownership: borrowed from `list` (read it with tinker_metadata_count/_key/_value/_get). Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const tinker_metadata_t *tinker_training_run_list_training_run_user_metadata(const tinker_training_run_list_t *list, size_t index);

/** The page's offset.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL list.
 *  Since: 0.1. */
TINKER_API int64_t tinker_training_run_list_offset(const tinker_training_run_list_t *list);

/** The page's size limit.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL list.
 *  Since: 0.1. */
TINKER_API int64_t tinker_training_run_list_limit(const tinker_training_run_list_t *list);

/** How many training runs there are in all.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL list.
 *  Since: 0.1. */
TINKER_API int64_t tinker_training_run_list_total_count(const tinker_training_run_list_t *list);

/** The list as JSON, in the server's shape.
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL list or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_training_run_list_to_json(const tinker_training_run_list_t *list, char **out);

/** Frees a training run list result.
 *  Ownership: takes `list`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_training_run_list_free(tinker_training_run_list_t *list);

/* =============================================================================================
 * Checkpoint archive URLs (R7, R8)
 * =========================================================================================== */

/** The signed URL the archive (.tar.gz) downloads from, without credentials.
 *  Ownership: borrowed from `archive`. Threads: any thread. Errors: none; NULL for a NULL archive.
 *  Since: 0.1. */
TINKER_API const char *tinker_checkpoint_archive_url_url(const tinker_checkpoint_archive_url_t *archive);

/** When the URL stops working (RFC 3339).
 *  Ownership: borrowed from `archive`. Threads: any thread. Errors: none; NULL for a NULL archive.
 *  Since: 0.1. */
TINKER_API const char *tinker_checkpoint_archive_url_expires(const tinker_checkpoint_archive_url_t *archive);

/** The archive as JSON, in the server's shape.
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL archive or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_checkpoint_archive_url_to_json(const tinker_checkpoint_archive_url_t *archive, char **out);

/** Frees a checkpoint archive URL result.
 *  Ownership: takes `archive`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_checkpoint_archive_url_free(tinker_checkpoint_archive_url_t *archive);

/* =============================================================================================
 * Audit logs (R21). Entry `index` counts from 0; an index out of range gives what a NULL log gives.
 * =========================================================================================== */

/** Number of entries.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; 0 for a NULL log.
 *  Since: 0.1. */
TINKER_API size_t tinker_audit_log_entry_count(const tinker_audit_log_t *log);

/** Entry `index`: when it happened (RFC 3339).
 *  Ownership: borrowed from `log`. Threads: any thread. Errors: none; NULL for a NULL log.
 *  Since: 0.1. */
TINKER_API const char *tinker_audit_log_entry_timestamp(const tinker_audit_log_t *log, size_t index);

/** Entry `index`: what happened, e.g. "checkpoint_saved".
 *  Ownership: borrowed from `log`. Threads: any thread. Errors: none; NULL for a NULL log.
 *  Since: 0.1. */
TINKER_API const char *tinker_audit_log_entry_event(const tinker_audit_log_t *log, size_t index);

/** Entry `index`: the training run concerned; NULL when none.
 *  Ownership: borrowed from `log`. Threads: any thread. Errors: none; NULL for a NULL log.
 *  Since: 0.1. */
TINKER_API const char *tinker_audit_log_entry_model_id(const tinker_audit_log_t *log, size_t index);

/** Entry `index`: the checkpoint concerned; NULL when none.
 *  Ownership: borrowed from `log`. Threads: any thread. Errors: none; NULL for a NULL log.
 *  Since: 0.1. */
TINKER_API const char *tinker_audit_log_entry_tinker_path(const tinker_audit_log_t *log, size_t index);

/** Entry `index`: why, as the server recorded it; NULL when not said.
 *  Ownership: borrowed from `log`. Threads: any thread. Errors: none; NULL for a NULL log.
 *  Since: 0.1. */
TINKER_API const char *tinker_audit_log_entry_purpose(const tinker_audit_log_t *log, size_t index);

/** The log as JSON, in the server's shape.
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL log or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_audit_log_to_json(const tinker_audit_log_t *log, char **out);

/** Frees an audit log result.
 *  Ownership: takes `log`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_audit_log_free(tinker_audit_log_t *log);

/* =============================================================================================
 * Billing usage (R22). Event and session `index` count from 0; an index out of range gives what a
 * NULL usage gives.
 * =========================================================================================== */

/** Number of events.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; 0 for a NULL usage.
 *  Since: 0.1. */
TINKER_API size_t tinker_billing_usage_event_count(const tinker_billing_usage_t *usage);

/** Event `index`: the start of the usage bucket (RFC 3339).
 *  Ownership: borrowed from `usage`. Threads: any thread. Errors: none; NULL for a NULL usage.
 *  Since: 0.1. */
TINKER_API const char *tinker_billing_usage_event_bucket_start(const tinker_billing_usage_t *usage, size_t index);

/** Event `index`: the end of the usage bucket (RFC 3339).
 *  Ownership: borrowed from `usage`. Threads: any thread. Errors: none; NULL for a NULL usage.
 *  Since: 0.1. */
TINKER_API const char *tinker_billing_usage_event_bucket_end(const tinker_billing_usage_t *usage, size_t index);

/** Event `index`: the model used; NULL when not said.
 *  Ownership: borrowed from `usage`. Threads: any thread. Errors: none; NULL for a NULL usage.
 *  Since: 0.1. */
TINKER_API const char *tinker_billing_usage_event_base_model(const tinker_billing_usage_t *usage, size_t index);

/** Event `index`: the user; NULL when not said.
 *  Ownership: borrowed from `usage`. Threads: any thread. Errors: none; NULL for a NULL usage.
 *  Since: 0.1. */
TINKER_API const char *tinker_billing_usage_event_user_id(const tinker_billing_usage_t *usage, size_t index);

/** Event `index`: the user's name; NULL when not said.
 *  Ownership: borrowed from `usage`. Threads: any thread. Errors: none; NULL for a NULL usage.
 *  Since: 0.1. */
TINKER_API const char *tinker_billing_usage_event_user_name(const tinker_billing_usage_t *usage, size_t index);

/** Event `index`: the session; NULL when not said.
 *  Ownership: borrowed from `usage`. Threads: any thread. Errors: none; NULL for a NULL usage.
 *  Since: 0.1. */
TINKER_API const char *tinker_billing_usage_event_session_id(const tinker_billing_usage_t *usage, size_t index);

/** Event `index`: the project; NULL when not said.
 *  Ownership: borrowed from `usage`. Threads: any thread. Errors: none; NULL for a NULL usage.
 *  Since: 0.1. */
TINKER_API const char *tinker_billing_usage_event_project_id(const tinker_billing_usage_t *usage, size_t index);

/** Event `index`: "training", "sampling_prefill", "sampling_sample", "checkpoint" or "storage".
 *  Ownership: borrowed from `usage`. Threads: any thread. Errors: none; NULL for a NULL usage.
 *  Since: 0.1. */
TINKER_API const char *tinker_billing_usage_event_event_type(const tinker_billing_usage_t *usage, size_t index);

/** Event `index`: tokens (training, sampling_prefill, sampling_sample); -1 for other types.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL usage.
 *  Since: 0.1. */
TINKER_API int64_t tinker_billing_usage_event_token_count(const tinker_billing_usage_t *usage, size_t index);

/** Event `index`: 1 or 0: whether the prefill hit the cache (sampling_prefill); -1 for other types.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL usage.
 *  Since: 0.1. */
TINKER_API int tinker_billing_usage_event_cached(const tinker_billing_usage_t *usage, size_t index);

/** Event `index`: checkpoints saved (checkpoint); -1 for other types.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL usage.
 *  Since: 0.1. */
TINKER_API int64_t tinker_billing_usage_event_checkpoint_count(const tinker_billing_usage_t *usage, size_t index);

/** Event `index`: storage used (storage); -1 for other types.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; NaN for a NULL usage.
 *  Since: 0.1. */
TINKER_API double tinker_billing_usage_event_gigabyte_hours(const tinker_billing_usage_t *usage, size_t index);

/** Number of sessions.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; 0 for a NULL usage.
 *  Since: 0.1. */
TINKER_API size_t tinker_billing_usage_session_count(const tinker_billing_usage_t *usage);

/** Session `index`: the session's id.
 *  Ownership: borrowed from `usage`. Threads: any thread. Errors: none; NULL for a NULL usage.
 *  Since: 0.1. */
TINKER_API const char *tinker_billing_usage_session_session_id(const tinker_billing_usage_t *usage, size_t index);

/** Session `index`: the session's metadata, in key order.
 *  Ownership: borrowed from `usage` (read it with tinker_metadata_count/_key/_value/_get). Threads: any thread. Errors: none; NULL for a NULL usage.
 *  Since: 0.1. */
TINKER_API const tinker_metadata_t *tinker_billing_usage_session_user_metadata(const tinker_billing_usage_t *usage, size_t index);

/** The usage as JSON, in the server's shape.
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL usage or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_billing_usage_to_json(const tinker_billing_usage_t *usage, char **out);

/** Frees a billing usage result.
 *  Ownership: takes `usage`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_billing_usage_free(tinker_billing_usage_t *usage);


/* =============================================================================================
 * Samplers (R20)
 * =========================================================================================== */

/** The sampler's id (its sampling session id).
 *  Ownership: borrowed from `sampler`. Threads: any thread. Errors: none; NULL for a NULL sampler.
 *  Since: 0.1. */
TINKER_API const char *tinker_sampler_sampler_id(const tinker_sampler_t *sampler);

/** The base model the sampler samples from.
 *  Ownership: borrowed from `sampler`. Threads: any thread. Errors: none; NULL for a NULL sampler.
 *  Since: 0.1. */
TINKER_API const char *tinker_sampler_base_model(const tinker_sampler_t *sampler);

/** The checkpoint the sampler samples (tinker://…); NULL for a sampler on the base model.
 *  Ownership: borrowed from `sampler`. Threads: any thread. Errors: none; NULL for a NULL sampler.
 *  Since: 0.1. */
TINKER_API const char *tinker_sampler_model_path(const tinker_sampler_t *sampler);

/** The sampler as JSON ({"sampler_id", "base_model", "model_path"?}).
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL sampler or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_sampler_to_json(const tinker_sampler_t *sampler, char **out);

/** Frees a sampler result.
 *  Ownership: takes `sampler`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_sampler_free(tinker_sampler_t *sampler);

/* =============================================================================================
 * Weights info (R3). The three train_* getters say 1 or 0, or -1 when the server did not say.
 * =========================================================================================== */

/** The base model the checkpoint was trained from.
 *  Ownership: borrowed from `info`. Threads: any thread. Errors: none; NULL for a NULL info.
 *  Since: 0.1. */
TINKER_API const char *tinker_weights_info_base_model(const tinker_weights_info_t *info);

/** 1 for LoRA weights, else 0.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; 0 for a NULL info.
 *  Since: 0.1. */
TINKER_API int tinker_weights_info_is_lora(const tinker_weights_info_t *info);

/** The LoRA rank; -1 when the server did not say.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL info.
 *  Since: 0.1. */
TINKER_API int64_t tinker_weights_info_lora_rank(const tinker_weights_info_t *info);

/** Whether the unembedding was trained: 1, 0, or -1 when the server did not say.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL info.
 *  Since: 0.1. */
TINKER_API int tinker_weights_info_train_unembed(const tinker_weights_info_t *info);

/** Whether the MLP layers were trained: 1, 0, or -1 when the server did not say.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL info.
 *  Since: 0.1. */
TINKER_API int tinker_weights_info_train_mlp(const tinker_weights_info_t *info);

/** Whether the attention layers were trained: 1, 0, or -1 when the server did not say.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; -1 for a NULL info.
 *  Since: 0.1. */
TINKER_API int tinker_weights_info_train_attn(const tinker_weights_info_t *info);

/** The weights info as JSON, in the server's shape.
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL info or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_weights_info_to_json(const tinker_weights_info_t *info, char **out);

/** Frees weights info.
 *  Ownership: takes `info`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_weights_info_free(tinker_weights_info_t *info);

/* =============================================================================================
 * Sessions (R16, R17). An index out of range gives NULL.
 * =========================================================================================== */

/** Number of training runs made in the session.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; 0 for a NULL session.
 *  Since: 0.1. */
TINKER_API size_t tinker_session_training_run_id_count(const tinker_session_t *session);

/** The id (model id) of training run `index`.
 *  Ownership: borrowed from `session`. Threads: any thread. Errors: none; NULL for a NULL session.
 *  Since: 0.1. */
TINKER_API const char *tinker_session_training_run_id(const tinker_session_t *session, size_t index);

/** Number of samplers made in the session.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; 0 for a NULL session.
 *  Since: 0.1. */
TINKER_API size_t tinker_session_sampler_id_count(const tinker_session_t *session);

/** The id of sampler `index`.
 *  Ownership: borrowed from `session`. Threads: any thread. Errors: none; NULL for a NULL session.
 *  Since: 0.1. */
TINKER_API const char *tinker_session_sampler_id(const tinker_session_t *session, size_t index);

/** The session as JSON ({"training_run_ids", "sampler_ids"}).
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL session or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_session_to_json(const tinker_session_t *session, char **out);

/** Frees a session result.
 *  Ownership: takes `session`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_session_free(tinker_session_t *session);

/** Number of session ids in the page.
 *  Ownership: nothing changes hands. Threads: any thread. Errors: none; 0 for a NULL list.
 *  Since: 0.1. */
TINKER_API size_t tinker_session_list_session_count(const tinker_session_list_t *list);

/** Session id `index` of the page.
 *  Ownership: borrowed from `list`. Threads: any thread. Errors: none; NULL for a NULL list.
 *  Since: 0.1. */
TINKER_API const char *tinker_session_list_session(const tinker_session_list_t *list, size_t index);

/** The page as JSON ({"sessions"}).
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL list or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_session_list_to_json(const tinker_session_list_t *list, char **out);

/** Frees a session list.
 *  Ownership: takes `list`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_session_list_free(tinker_session_list_t *list);

/* =============================================================================================
 * Whoami (R23)
 * =========================================================================================== */

/** The caller's user URN (the JWT's "sub" claim).
 *  Ownership: borrowed from `who`. Threads: any thread. Errors: none; NULL for a NULL result.
 *  Since: 0.1. */
TINKER_API const char *tinker_whoami_user_urn(const tinker_whoami_t *who);

/** The caller's email; NULL for principals without one.
 *  Ownership: borrowed from `who`. Threads: any thread. Errors: none; NULL for a NULL result.
 *  Since: 0.1. */
TINKER_API const char *tinker_whoami_email(const tinker_whoami_t *who);

/** The result as JSON ({"user_urn", "email"?}).
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL who or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_whoami_to_json(const tinker_whoami_t *who, char **out);

/** Frees a whoami result.
 *  Ownership: takes `who`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_whoami_free(tinker_whoami_t *who);

#ifdef __cplusplus
}
#endif

#endif /* TINKER_RESULTS_H */
