/*
 * tinker/common.h — what every module of the libtinker C interface shares: the export macro,
 * the version, status codes, the error record and its getters, tinker_free, and every typedef
 * (opaque handles, enums, callback types). C89 forbids repeating a typedef, so each one is
 * declared exactly once, here, before any module uses it.
 *
 * Include <tinker/tinker.h> (the umbrella, which states the conventions every function follows)
 * or a single module; each module includes this header itself.
 */
#ifndef TINKER_COMMON_H
#define TINKER_COMMON_H

#include <stddef.h>
#include "tinker/tinker_version.h"

/* Fixed-width integers: <stdint.h> is C99; C89 compilers on our targets ship it too. */
#include <stdint.h>

/* ---------------------------------------------------------------------------------------------
 * Export macro
 * ------------------------------------------------------------------------------------------- */
#if defined(SWIG)
#define TINKER_API /* SWIG cannot parse attributes */
#elif defined(_WIN32)
#if defined(TINKER_BUILDING_LIBRARY)
#define TINKER_API __declspec(dllexport)
#else
#define TINKER_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#define TINKER_API __attribute__((visibility("default")))
#else
#define TINKER_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* =============================================================================================
 * Version
 * =========================================================================================== */

/** The run-time version, e.g. "0.1.0". Compare with TINKER_VERSION_STRING (compile time).
 *  Ownership: static string, never freed. Threads: any thread. Errors: none. Since: 0.1. */
TINKER_API const char *tinker_version_string(void);

/** The run-time version as MAJOR*10000 + MINOR*100 + PATCH (see TINKER_VERSION_NUMBER).
 *  Ownership: nothing to free. Threads: any thread. Errors: none. Since: 0.1. */
TINKER_API int tinker_version_number(void);

/* =============================================================================================
 * Status codes and errors
 * =========================================================================================== */

/** Result of every fallible call. Numbers are fixed forever and never reused.
 *  0–16 follow gRPC's canonical codes; 100+ are specific to futures. Since: 0.1. */
typedef enum tinker_status {
  TINKER_OK = 0,
  TINKER_E_CANCELLED = 1,           /**< the future was cancelled (tinker_future_cancel/free, shutdown) */
  TINKER_E_UNKNOWN = 2,             /**< an error the library cannot classify */
  TINKER_E_INVALID_ARGUMENT = 3,    /**< bad input at the C boundary, or a 400/422 from the server */
  TINKER_E_DEADLINE_EXCEEDED = 4,   /**< the operation's deadline passed; polling stopped */
  TINKER_E_NOT_FOUND = 5,           /**< 404 */
  TINKER_E_ALREADY_EXISTS = 6,      /**< 409 conflict (e.g. a checkpoint name already in use) */
  TINKER_E_PERMISSION_DENIED = 7,   /**< 403 */
  TINKER_E_RESOURCE_EXHAUSTED = 8,  /**< 429 after the retry budget; out of memory; a response over
                                         its size limit (tinker_client_options_set_max_result_bytes) */
  TINKER_E_FAILED_PRECONDITION = 9, /**< wrong state: a runtime already shut down, 402 billing, a TLS
                                         certificate that does not verify, a redirect (never followed) */
  TINKER_E_ABORTED = 10,            /**< the server lost the request (410 on retrieve_future) */
  TINKER_E_OUT_OF_RANGE = 11,       /**< an index past the end */
  TINKER_E_UNIMPLEMENTED = 12,      /**< not supported by this build or server */
  TINKER_E_INTERNAL = 13,           /**< a library bug or a malformed server answer */
  TINKER_E_UNAVAILABLE = 14,        /**< network failure or 5xx after all retries */
  TINKER_E_DATA_LOSS = 15,          /**< a response body that could not be decoded */
  TINKER_E_UNAUTHENTICATED = 16,    /**< 401, or a missing/malformed API key */
  TINKER_PENDING = 100,             /**< tinker_future_poll: the future has not finished */
  TINKER_E_TIMEOUT = 101,           /**< a wait timed out; the future is still running */
  TINKER_E_INTERRUPTED = 102,       /**< a wait was woken by tinker_future_interrupt */
  TINKER_E_REQUEST_FAILED = 103     /**< the server ran the request and reported it failed
                                         ({error, category}); see tinker_error_category */
} tinker_status_t;

/** A short constant English name for a status, e.g. "TINKER_E_NOT_FOUND".
 *  Ownership: static string, never freed. Threads: any thread.
 *  Errors: none; a number that is no status gives "TINKER_E_UNKNOWN_STATUS". Since: 0.1. */
TINKER_API const char *tinker_status_str(tinker_status_t status);

/** Who is to blame for a failure: from the server's `category`, else from the HTTP status
 *  (4xx user, 5xx server). Since: 0.1. */
typedef enum tinker_error_category {
  TINKER_ERROR_CATEGORY_UNKNOWN = 0,
  TINKER_ERROR_CATEGORY_USER = 1,
  TINKER_ERROR_CATEGORY_SERVER = 2
} tinker_error_category_t;

/** An error record: code, message, category, HTTP status, request id, retryable. Opaque.
 *  Records come from tinker_last_error (per thread) and tinker_future_error (per future). */
typedef struct tinker_error tinker_error_t;

/** The calling thread's error record. Never NULL: with no error its code is TINKER_OK and its
 *  message "". Every fallible tinker_* function (one that returns tinker_status_t) clears it
 *  first and fills it on failure. Ownership: borrowed; valid, and unchanged, until this thread's
 *  next call of a tinker_* function that returns tinker_status_t (the error getters below,
 *  tinker_error_code included, never change it). Threads: each thread has its own record.
 *  Errors: none. Since: 0.1. */
TINKER_API const tinker_error_t *tinker_last_error(void);

/** The status code of an error (TINKER_OK for "no error"). Does not change any record.
 *  Ownership: nothing to free. Threads: any thread, while the record is valid.
 *  Errors: none; a NULL `error` gives TINKER_E_INVALID_ARGUMENT. Since: 0.1. */
TINKER_API tinker_status_t tinker_error_code(const tinker_error_t *error);

/** The human-readable message; "" when none. Valid UTF-8, at most 4096 bytes, no control
 *  characters but tab; never contains an API key or JWT (redacted before any cut, whatever the
 *  server echoed). Ownership: borrowed from `error`, valid as long as it is.
 *  Threads: any thread, while the record is valid. Errors: none; a NULL `error` gives "".
 *  Since: 0.1. */
TINKER_API const char *tinker_error_message(const tinker_error_t *error);

/** The error's category (user/server/unknown). Ownership: nothing to free.
 *  Threads: any thread, while the record is valid.
 *  Errors: none; a NULL `error` gives TINKER_ERROR_CATEGORY_UNKNOWN. Since: 0.1. */
TINKER_API tinker_error_category_t tinker_error_category(const tinker_error_t *error);

/** The HTTP status of the response that caused the error, or 0 when none.
 *  Ownership: nothing to free. Threads: any thread, while the record is valid.
 *  Errors: none; a NULL `error` gives 0. Since: 0.1. */
TINKER_API int tinker_error_http_status(const tinker_error_t *error);

/** The Tinker request id (future id) the error belongs to, or "" when none.
 *  Ownership: borrowed from `error`, valid as long as it is.
 *  Threads: any thread, while the record is valid. Errors: none; a NULL `error` gives "".
 *  Since: 0.1. */
TINKER_API const char *tinker_error_request_id(const tinker_error_t *error);

/** 1 if retrying the same operation later could succeed (network, 5xx, 429, 408, 410),
 *  0 otherwise. Ownership: nothing to free. Threads: any thread, while the record is valid.
 *  Errors: none; a NULL `error` gives 0. Since: 0.1. */
TINKER_API int tinker_error_retryable(const tinker_error_t *error);

/* =============================================================================================
 * Memory
 * =========================================================================================== */

/** Frees memory the library handed out as `char **out` (the JSON text of every _to_json).
 *  Ownership: takes `ptr` back; NULL is allowed. Threads: any thread, once per pointer.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_free(void *ptr);

/* =============================================================================================
 * Opaque handles (every one of them; the module that uses a handle documents its functions)
 * =========================================================================================== */

/* ---- options.h ---- */
/** Builder for the settings of a service client. Opaque; setters copy their arguments.
 *  A new option is always a new function, so the ABI only grows.
 *  Threads: one builder must not be used from two threads at once. */
typedef struct tinker_client_options tinker_client_options_t;

/* ---- future.h ---- */
/** The one future type every `_async` call returns. */
typedef struct tinker_future tinker_future_t;
/** A queue of finished futures' tags, drained by a host-owned thread (gRPC's model). */
typedef struct tinker_completion_queue tinker_completion_queue_t;

/* ---- service.h, rest.h ---- */
/** Entry point: owns the runtime (one IO thread, one completion thread) shared by every client
 *  and future created from it. */
typedef struct tinker_service_client tinker_service_client_t;
/** REST management client (checkpoints, runs, sessions). Shares its service client's runtime. */
typedef struct tinker_rest_client tinker_rest_client_t;

/* ---- training.h: inputs (builders over borrowed arrays) ---- */
/** Model input: a sequence of chunks (docs/protocol.md §7.1). */
typedef struct tinker_model_input tinker_model_input_t;
/** One training example: a model input plus named loss-function input tensors (§7.3). */
typedef struct tinker_datum tinker_datum_t;
/** An ordered list of datums: the `data` of forward / forward_backward. */
typedef struct tinker_batch tinker_batch_t;
/** Loss-function configuration: named doubles (e.g. PPO clip thresholds). */
typedef struct tinker_loss_fn_config tinker_loss_fn_config_t;
/** Adam optimizer parameters (§7.5). */
typedef struct tinker_adam_params tinker_adam_params_t;
/** LoRA configuration of a new training run (§7.6). */
typedef struct tinker_lora_config tinker_lora_config_t;
/** String-to-string user metadata: built for a request (training.h), or borrowed from a result
 *  (a training run's, a billing session's) and read with tinker_metadata_count/_key/_value/_get. */
typedef struct tinker_metadata tinker_metadata_t;

/* ---- training.h: the client and the custom loss objects ---- */
/** A training run on the server (a LoRA model). Thread-safe; shares its service client's
 *  runtime and session. */
typedef struct tinker_training_client tinker_training_client_t;
/** What a custom loss function sees: every datum's logprobs from a forward pass. Borrowed for
 *  the duration of the callback. */
typedef struct tinker_custom_loss_input tinker_custom_loss_input_t;
/** What a custom loss function fills in: loss, one gradient per datum, metrics. */
typedef struct tinker_custom_loss_output tinker_custom_loss_output_t;
/** forward_backward_custom in two phases, for hosts that cannot hand the library a C callback
 *  (the SWIG bindings, FFIs, or C code that wants the loss on its own thread). Phase one
 *  (`_begin`) runs the forward pass exactly as T3 does and hands back a step that holds the
 *  forward output; the caller computes its loss on any thread and fills the step's loss,
 *  gradients and metrics; phase two (`_finish`) reserves the next seq_id at that moment and sends
 *  forward_backward with `weights = -gradient`, merging the metrics. T3 is `_begin`, the callback,
 *  then `_finish`: the results are the same. A step is not thread-safe: use it from one thread
 *  at a time (any thread; no library thread touches it after `_begin` handed it over). */
typedef struct tinker_custom_loss_step tinker_custom_loss_step_t;

/* ---- sampling.h ---- */
/** A sampling client: sample, compute_logprobs, get_base_model on one sampling session. */
typedef struct tinker_sampling_client tinker_sampling_client_t;
/** Retry settings of a sampling client (its whole-sample retries and limits). */
typedef struct tinker_retry_config tinker_retry_config_t;
/** Sampling parameters of one sample call (max_tokens, seed, stop, temperature, top_k, top_p). */
typedef struct tinker_sampling_params tinker_sampling_params_t;

/* ---- results.h ---- */
/** Server capabilities result (S1). */
typedef struct tinker_server_capabilities tinker_server_capabilities_t;
/** Results of forward / forward_backward. */
typedef struct tinker_forward_backward_output tinker_forward_backward_output_t;
/** Result of optim_step. */
typedef struct tinker_optim_step_result tinker_optim_step_result_t;
/** Result of save_state / save_weights_for_sampler: the checkpoint's tinker:// path. */
typedef struct tinker_save_result tinker_save_result_t;
/** Result of load_state / load_state_with_optimizer. */
typedef struct tinker_load_result tinker_load_result_t;
/** Result of get_info. */
typedef struct tinker_model_info tinker_model_info_t;
/** Result of sample: the sampled sequences, and the prompt's logprobs when asked for. */
typedef struct tinker_sample_response tinker_sample_response_t;
/** Result of compute_logprobs: one logprob per prompt token, undefined where the server has none. */
typedef struct tinker_prompt_logprobs tinker_prompt_logprobs_t;
/** Result of list_checkpoints and list_user_checkpoints: checkpoints and the page they are. */
typedef struct tinker_checkpoint_list tinker_checkpoint_list_t;
/** Result of get_sampler: a sampler's base model and checkpoint. */
typedef struct tinker_sampler tinker_sampler_t;
/** Result of get_weights_info_by_tinker_path: what a checkpoint's weights are. */
typedef struct tinker_weights_info tinker_weights_info_t;
/** Result of get_session: the training runs and samplers made in a session. */
typedef struct tinker_session tinker_session_t;
/** Result of list_sessions: one page of session ids. */
typedef struct tinker_session_list tinker_session_list_t;
/** Result of whoami: the caller's user URN and email. */
typedef struct tinker_whoami tinker_whoami_t;
/** Result of get_training_run and get_training_run_by_tinker_path: one training run. */
typedef struct tinker_training_run tinker_training_run_t;
/** Result of list_training_runs: training runs and the page they are. */
typedef struct tinker_training_run_list tinker_training_run_list_t;
/** Result of get_checkpoint_archive_url[_from_tinker_path]: a signed download URL and its expiry. */
typedef struct tinker_checkpoint_archive_url tinker_checkpoint_archive_url_t;
/** Result of get_audit_log: audit entries. */
typedef struct tinker_audit_log tinker_audit_log_t;
/** Result of get_billing_usage: usage events and the sessions they name. */
typedef struct tinker_billing_usage tinker_billing_usage_t;
/** A position in the pages of the caller's training runs (tinker_training_run_cursor_next). */
typedef struct tinker_training_run_cursor tinker_training_run_cursor_t;
/** A position in the pages of the caller's checkpoints (tinker_checkpoint_cursor_next). */
typedef struct tinker_checkpoint_cursor tinker_checkpoint_cursor_t;
/** The parts of a checkpoint's tinker:// path (tinker_path_parse). */
typedef struct tinker_parsed_path tinker_parsed_path_t;
/** A borrowed view of one output tensor. */
typedef struct tinker_tensor tinker_tensor_t;
/** A borrowed view of a result's metrics (name → double). */
typedef struct tinker_metrics tinker_metrics_t;
/** A loaded Hugging Face tokenizer (tinker/tokenizer.h). */
typedef struct tinker_tokenizer tinker_tokenizer_t;

/* =============================================================================================
 * Enums
 * =========================================================================================== */

/** Element types of tensors; numbers match the protocol's DType (training.h, results.h).
 *  Since: 0.1. */
typedef enum tinker_dtype {
  TINKER_DTYPE_FLOAT32 = 1,
  TINKER_DTYPE_INT64 = 2
} tinker_dtype_t;

/** Which encoding forward/backward requests and results use on the wire (options.h).
 *  Since: 0.1. */
typedef enum tinker_wire_mode {
  TINKER_WIRE_PROTOBUF = 0, /**< the protocol of the official SDK 0.25.0 (default) */
  TINKER_WIRE_JSON = 1      /**< the older JSON shapes (SDK <= 0.24) for servers that need them */
} tinker_wire_mode_t;

/** Log levels for the log callback; a message is delivered when its level >= the threshold
 *  (options.h). Since: 0.1. */
typedef enum tinker_log_level {
  TINKER_LOG_DEBUG = 0,
  TINKER_LOG_INFO = 1,
  TINKER_LOG_WARNING = 2,
  TINKER_LOG_ERROR = 3,
  TINKER_LOG_OFF = 4
} tinker_log_level_t;

/** Queue states the server reports while a request waits (docs/protocol.md §3.2). Since: 0.1. */
typedef enum tinker_queue_state {
  TINKER_QUEUE_ACTIVE = 0,
  TINKER_QUEUE_PAUSED_CAPACITY = 1,   /**< the service is short of capacity */
  TINKER_QUEUE_PAUSED_RATE_LIMIT = 2, /**< a rate limit of this account was hit */
  TINKER_QUEUE_UNKNOWN = 3            /**< a state this library version does not know */
} tinker_queue_state_t;

/* =============================================================================================
 * Callback types
 * =========================================================================================== */

/** Called for each log message at or above the configured level
 *  (tinker_client_options_set_log_callback). Runs on any library thread (usually the IO
 *  thread), synchronously: it must return quickly and must not call blocking tinker_* functions
 *  or wait on futures. `message` is borrowed for the duration of the call, is valid UTF-8 of at
 *  most 4096 bytes, never contains an API key or JWT, and has no control characters but tab
 *  (server text has them escaped: "\n", "\x1b"). Every retry is logged at TINKER_LOG_INFO. */
typedef void (*tinker_log_callback_t)(tinker_log_level_t level, const char *message, void *user_data);

/** Called when a polled request reports its queue state
 *  (tinker_client_options_set_queue_state_callback). Runs on the library's completion thread,
 *  in order per client; it may call any tinker_* function but should return quickly.
 *  `request_id` and `reason` are borrowed for the call; `reason` is "" when the server gave none.
 *  Both are server text made printable as error messages are (see tinker_error_message). */
typedef void (*tinker_queue_state_callback_t)(tinker_queue_state_t state, const char *reason,
                                              const char *request_id, void *user_data);

/** Completion callback (tinker_future_on_complete): runs exactly once, on the library's
 *  completion thread, never inline in the registering call and never under a library lock. It
 *  may call any tinker_* function, including tinker_future_free(future). */
typedef void (*tinker_future_callback_t)(tinker_future_t *future, void *user_data);

/** Destroy notify for callback user data: runs exactly once, after the callback ran or once it
 *  can no longer run (on the completion thread, or in tinker_future_free's caller). */
typedef void (*tinker_destroy_notify_t)(void *user_data);

/** A client-side loss (docs/protocol.md §6.5; tinker_training_client_forward_backward_custom).
 *  Called once per forward_backward_custom, on the library's completion thread; it must not
 *  wait on futures of the same service client (their callbacks need that thread). `input` and
 *  `output` are borrowed for the call. Return TINKER_OK, or an error status to fail the
 *  operation with it. */
typedef tinker_status_t (*tinker_custom_loss_fn_t)(const tinker_custom_loss_input_t *input, tinker_custom_loss_output_t *output, void *user_data);

#ifdef __cplusplus
}
#endif

#endif /* TINKER_COMMON_H */
