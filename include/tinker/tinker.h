/*
 * tinker.h — the C interface of libtinker, a client for the Tinker fine-tuning service.
 *
 * This header is the specification. It reads top to bottom:
 *   export macros → version → status and errors → client options → service client →
 *   REST client → futures → completion queues → results → memory.
 *
 * Conventions (all functions):
 *   - Names are tinker_<noun>_<verb>. Outputs are `**out` parameters: first for constructors
 *     (`_new`) and tinker_future_wait_any, last everywhere else.
 *   - Every fallible function returns tinker_status_t. On failure it leaves detail in the
 *     calling thread's error record (tinker_last_error()), which each call clears first.
 *   - `**out` means the caller owns what it receives and frees it with the matching _free.
 *     A returned `const` pointer is borrowed: valid while its owner lives.
 *   - Every _free accepts NULL. Handles may be freed in any order.
 *   - Each operation exists twice: a blocking call and an `_async` twin that returns a
 *     tinker_future_t. The blocking call is exactly "the _async call, wait, take".
 *   - All client handles are thread-safe: share them across threads freely.
 *   - No function ever calls exit() or lets a C++ exception escape.
 *
 * Compiles as C89, C99 and C++ (checked with -pedantic -Werror). SWIG parses it as is.
 */
#ifndef TINKER_H
#define TINKER_H

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
 *  Ownership: static string, never freed. Thread safety: any thread. Since: 0.1. */
TINKER_API const char *tinker_version_string(void);

/** The run-time version as MAJOR*10000 + MINOR*100 + PATCH (see TINKER_VERSION_NUMBER).
 *  Thread safety: any thread. Since: 0.1. */
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

/** A short constant English name for a status, e.g. "TINKER_E_NOT_FOUND". Unknown numbers give
 *  "TINKER_E_UNKNOWN_STATUS". Ownership: static. Thread safety: any thread. Since: 0.1. */
TINKER_API const char *tinker_status_str(tinker_status_t status);

/** Who is to blame for a failure: from the server's `category`, else from the HTTP status
 *  (4xx user, 5xx server). Since: 0.1. */
typedef enum tinker_error_category {
  TINKER_ERROR_CATEGORY_UNKNOWN = 0,
  TINKER_ERROR_CATEGORY_USER = 1,
  TINKER_ERROR_CATEGORY_SERVER = 2
} tinker_error_category_t;

/** An error record: code, message, category, HTTP status, request id, retryable. Opaque. */
typedef struct tinker_error tinker_error_t;

/** The calling thread's last error. Never NULL: with no error its code is TINKER_OK and its
 *  message "". Every tinker_* call that returns tinker_status_t resets it first.
 *  Ownership: borrowed; valid until the next tinker_* call on this thread.
 *  Thread safety: per thread. Since: 0.1. */
TINKER_API const tinker_error_t *tinker_last_error(void);

/** The status code of an error (TINKER_OK for "no error"). NULL gives TINKER_E_INVALID_ARGUMENT.
 *  Thread safety: any thread, for an error that is not being replaced. Since: 0.1. */
TINKER_API tinker_status_t tinker_error_code(const tinker_error_t *error);
/** The human-readable message; "" when none. Valid UTF-8, at most 4096 bytes, no control
 *  characters but tab; never contains an API key or JWT (redacted before any cut, whatever the
 *  server echoed). Ownership: borrowed from `error`. Since: 0.1. */
TINKER_API const char *tinker_error_message(const tinker_error_t *error);
/** The error's category (user/server/unknown). Since: 0.1. */
TINKER_API tinker_error_category_t tinker_error_category(const tinker_error_t *error);
/** The HTTP status of the response that caused the error, or 0 when none. Since: 0.1. */
TINKER_API int tinker_error_http_status(const tinker_error_t *error);
/** The Tinker request id (future id) the error belongs to, or "" when none. Borrowed. Since: 0.1. */
TINKER_API const char *tinker_error_request_id(const tinker_error_t *error);
/** 1 if retrying the same operation later could succeed (network, 5xx, 429, 408, 410),
 *  0 otherwise. Since: 0.1. */
TINKER_API int tinker_error_retryable(const tinker_error_t *error);

/* =============================================================================================
 * Client options
 * =========================================================================================== */

/** Builder for the settings of a service client. Opaque; setters copy their arguments.
 *  A new option is always a new function, so the ABI only grows.
 *  Thread safety: one builder must not be used from two threads at once. */
typedef struct tinker_client_options tinker_client_options_t;

/** Which encoding forward/backward requests and results use on the wire. Since: 0.1. */
typedef enum tinker_wire_mode {
  TINKER_WIRE_PROTOBUF = 0, /**< the protocol of the official SDK 0.25.0 (default) */
  TINKER_WIRE_JSON = 1      /**< the older JSON shapes (SDK <= 0.24) for servers that need them */
} tinker_wire_mode_t;

/** Log levels for the log callback; a message is delivered when its level >= the threshold. */
typedef enum tinker_log_level {
  TINKER_LOG_DEBUG = 0,
  TINKER_LOG_INFO = 1,
  TINKER_LOG_WARNING = 2,
  TINKER_LOG_ERROR = 3,
  TINKER_LOG_OFF = 4
} tinker_log_level_t;

/** Called for each log message at or above the configured level. Runs on any library thread
 *  (usually the IO thread), synchronously: it must return quickly and must not call blocking
 *  tinker_* functions. `message` is borrowed for the duration of the call, is valid UTF-8 of at
 *  most 4096 bytes, never contains an API key or JWT, and has no control characters but tab
 *  (server text has them escaped: "\n", "\x1b"). Every retry is logged at TINKER_LOG_INFO. */
typedef void (*tinker_log_callback_t)(tinker_log_level_t level, const char *message, void *user_data);

/** Queue states the server reports while a request waits (protocol.md §3.2). */
typedef enum tinker_queue_state {
  TINKER_QUEUE_ACTIVE = 0,
  TINKER_QUEUE_PAUSED_CAPACITY = 1,   /**< the service is short of capacity */
  TINKER_QUEUE_PAUSED_RATE_LIMIT = 2, /**< a rate limit of this account was hit */
  TINKER_QUEUE_UNKNOWN = 3            /**< a state this library version does not know */
} tinker_queue_state_t;

/** Called when a polled request reports its queue state. Runs on the library's completion
 *  thread, in order per client; it may call any tinker_* function but should return quickly.
 *  `request_id` and `reason` are borrowed for the call; `reason` is "" when the server gave none.
 *  Both are server text made printable as error messages are (see tinker_error_message). */
typedef void (*tinker_queue_state_callback_t)(tinker_queue_state_t state, const char *reason,
                                              const char *request_id, void *user_data);

/** Creates an options builder holding the defaults (every default is listed at its setter).
 *  Ownership: free with tinker_client_options_free. Thread safety: any thread. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_new(tinker_client_options_t **out);
/** Frees a builder. NULL is allowed. Clients created from it keep their own copy. Since: 0.1. */
TINKER_API void tinker_client_options_free(tinker_client_options_t *options);

/** Base URL of the service. Default: env TINKER_BASE_URL when set and non-empty, else
 *  "https://tinker.thinkingmachines.dev/services/tinker-prod". Must be http:// or https:// with
 *  a host, and no user information ("user:password@"), query or fragment: checked by
 *  tinker_service_client_new, whose error never repeats user information.
 *  Requests never follow redirects: a 3xx answer fails the operation with
 *  TINKER_E_FAILED_PRECONDITION (a redirect would carry the API key to wherever it points).
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_base_url(tinker_client_options_t *options, const char *url);
/** API key. Default: env TINKER_API_KEY. Must start with "tml-" or be a JWT ("eyJ…"); checked
 *  by tinker_service_client_new. TINKER_E_INVALID_ARGUMENT when it holds a control character
 *  (it is sent as a header; CR or LF would add header lines). Never logged: it (and every JWT
 *  it is exchanged for) is replaced by "[redacted]" in every log message and error message,
 *  whatever the server echoes. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_api_key(tinker_client_options_t *options, const char *api_key);
/** Total timeout of one HTTP request in ms (default 60000; retrieve_future polls use 45000).
 *  Must be > 0. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_request_timeout_ms(tinker_client_options_t *options, int64_t ms);
/** Connect timeout in ms (default 5000). Must be > 0. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_connect_timeout_ms(tinker_client_options_t *options, int64_t ms);
/** HTTP-layer retries per request (protocol.md §4.1; default 10). Must be >= 0. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_max_retries(tinker_client_options_t *options, int max_retries);
/** Time budget in ms of the submission retry layer (protocol.md §4.2; default 300000). 0 means
 *  a single attempt. Must be >= 0. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_retry_budget_ms(tinker_client_options_t *options, int64_t ms);
/** Adds one user_metadata entry sent with create_session (later value wins). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_add_user_metadata(tinker_client_options_t *options, const char *key, const char *value);
/** Project id for create_session. Default: env TINKER_PROJECT_ID, else none. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_project_id(tinker_client_options_t *options, const char *project_id);
/** Adds a session tag. When none is added, env TINKER_TAGS (comma-separated) is used. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_add_tag(tinker_client_options_t *options, const char *tag);
/** Adds a header sent with every request (e.g. a gateway token). The library's own protocol
 *  headers (X-API-Key, Content-Type, …) cannot be overridden this way. TINKER_E_INVALID_ARGUMENT
 *  for a name that is not an HTTP token or a value with a control character other than tab.
 *  The same check applies to env CLOUDFLARE_ACCESS_CLIENT_ID/_SECRET (sent as CF-Access-Client-*),
 *  in tinker_service_client_new. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_add_header(tinker_client_options_t *options, const char *name, const char *value);
/** Proxy URL for every request (libcurl syntax); "" means none. Default: libcurl's environment
 *  handling (http_proxy, …). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_proxy(tinker_client_options_t *options, const char *proxy_url);
/** Path of a PEM CA bundle used instead of the system store. A server certificate or host name
 *  that does not verify fails the operation at once (no retries: it cannot heal) with
 *  TINKER_E_FAILED_PRECONDITION and a message naming the cause and this option. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_ca_bundle_path(tinker_client_options_t *options, const char *path);
/** TLS peer and host verification: 1 (default) on, 0 off (testing only). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_verify_tls(tinker_client_options_t *options, int verify);
/** The SDK version reported to the server (body sdk_version, User-Agent). The server gates
 *  features on it. Default "0.25.0". TINKER_E_INVALID_ARGUMENT when empty or holding a control
 *  character (it is sent as a header). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_sdk_version(tinker_client_options_t *options, const char *version);
/** Wire mode for forward/backward (default TINKER_WIRE_PROTOBUF). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_wire_mode(tinker_client_options_t *options, tinker_wire_mode_t mode);
/** Default deadline in ms for every operation started by this client (0 = none, the default).
 *  When it passes, the future ends with TINKER_E_DEADLINE_EXCEEDED (its message names the last
 *  failure it was retrying, if any) and its polling stops. Must be >= 0. Every duration the
 *  library takes or receives saturates: INT64_MAX means "never", not a wrap into the past.
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_default_deadline_ms(tinker_client_options_t *options, int64_t ms);
/** Session heartbeat period in ms (default 10000, protocol.md §5.2). Must be > 0. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_heartbeat_interval_ms(tinker_client_options_t *options, int64_t ms);
/** Largest body accepted for an operation's result polled from retrieve_future (forward/backward
 *  outputs, samples), counted after content decoding, so a compression bomb stops here too.
 *  Default 268435456 (256 MiB: the largest real results are tens of MiB). A larger result fails
 *  the operation with TINKER_E_RESOURCE_EXHAUSTED, without retries, naming this option.
 *  Must be > 0. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_max_result_bytes(tinker_client_options_t *options, int64_t bytes);
/** Largest body accepted for every other response (config, acknowledgements, REST listings,
 *  errors). Default 16777216 (16 MiB). Over it: TINKER_E_RESOURCE_EXHAUSTED, without retries.
 *  Must be > 0. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_max_response_bytes(tinker_client_options_t *options, int64_t bytes);
/** Log callback and threshold. Default: none; messages at or above env TINKER_LOG (debug, info,
 *  warning, error) go to stderr when no callback is set, nothing when TINKER_LOG is unset.
 *  `callback` NULL removes it. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_log_callback(tinker_client_options_t *options, tinker_log_callback_t callback, void *user_data, tinker_log_level_t level);
/** Queue-state callback (see tinker_queue_state_callback_t). NULL removes it. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_queue_state_callback(tinker_client_options_t *options, tinker_queue_state_callback_t callback, void *user_data);

/* =============================================================================================
 * Handles
 * =========================================================================================== */

/** Entry point: owns the runtime (one IO thread, one completion thread) shared by every client
 *  and future created from it. */
typedef struct tinker_service_client tinker_service_client_t;
/** REST management client (checkpoints, runs, sessions). Shares its service client's runtime. */
typedef struct tinker_rest_client tinker_rest_client_t;
/** The one future type every `_async` call returns. */
typedef struct tinker_future tinker_future_t;
/** Server capabilities result (S1). */
typedef struct tinker_server_capabilities tinker_server_capabilities_t;

/* =============================================================================================
 * ServiceClient
 * =========================================================================================== */

/** Creates a service client. Does no I/O: the server is first contacted by the first operation
 *  (client/config, then for sessions auth/token, dynamic_config, create_session; protocol.md
 *  §5.1). Validates the options: TINKER_E_INVALID_ARGUMENT for a malformed base URL,
 *  TINKER_E_UNAUTHENTICATED for a missing API key or one without the "tml-"/JWT prefix.
 *  `options` may be NULL (all defaults, from the environment).
 *  Ownership: free with tinker_service_client_free. Thread safety: any thread. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_new(tinker_service_client_t **out, const tinker_client_options_t *options);

/** Releases the handle. When it was the last handle on the runtime (no REST/training/sampling
 *  client from it remains), every pending future ends TINKER_E_CANCELLED, queued callbacks run,
 *  and the runtime's threads are joined before this returns: no callback runs afterwards.
 *  Futures may outlive it. NULL is allowed. Thread safety: any thread, once per handle; calling
 *  it from inside a completion callback is allowed. Since: 0.1. */
TINKER_API void tinker_service_client_free(tinker_service_client_t *client);

/** S1: the models the server supports. Blocking. Thread safety: any thread. Since: 0.1.
 *  Errors: transport/HTTP errors after the retry layers (protocol.md §4.1, §4.2). */
TINKER_API tinker_status_t tinker_service_client_get_server_capabilities(tinker_service_client_t *client, tinker_server_capabilities_t **out);
/** S1, asynchronous: take the result with tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_get_server_capabilities_async(tinker_service_client_t *client, tinker_future_t **out);

/** S7 (beyond the Python SDK): GET /api/v1/healthz; TINKER_OK when the server answers
 *  {"status":"ok"}. Blocking. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_health_check(tinker_service_client_t *client);
/** S7, asynchronous: the future's final status is the result; it has nothing to take. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_health_check_async(tinker_service_client_t *client, tinker_future_t **out);

/** S6: creates a REST client on this service client's runtime. No I/O, no session (protocol.md
 *  §5.1). Ownership: free with tinker_rest_client_free. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_create_rest_client(tinker_service_client_t *client, tinker_rest_client_t **out);

/** (beyond) Makes sure this client's session exists: on first use runs client/config,
 *  auth/token when the server enables JWTs, dynamic_config and create_session, then starts the
 *  heartbeat. Training and sampling operations do this implicitly. Blocking. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_start_session(tinker_service_client_t *client);
/** (beyond) Asynchronous twin of tinker_service_client_start_session. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_start_session_async(tinker_service_client_t *client, tinker_future_t **out);
/** (beyond) The session id once a session exists, else NULL. Ownership: borrowed from the
 *  client, valid while it lives. Thread safety: any thread. Since: 0.1. */
TINKER_API const char *tinker_service_client_session_id(const tinker_service_client_t *client);

/* =============================================================================================
 * RestClient
 * =========================================================================================== */

/** Releases a REST client (see tinker_service_client_free for the last-handle rule). NULL is
 *  allowed. Since: 0.1. */
TINKER_API void tinker_rest_client_free(tinker_rest_client_t *client);

/* =============================================================================================
 * Training inputs: builders over borrowed arrays
 *
 * Large arrays (token ids, tensors, image bytes) are BORROWED: a builder stores the pointer and
 * length, not a copy. They must stay valid and unchanged until every builder that refers to
 * them has been handed to an operation (which encodes them into its request before it returns,
 * blocking or _async) or freed. After that the caller may free them at once.
 * Builders are not thread-safe; building one per thread is fine.
 * =========================================================================================== */

/** Model input: a sequence of chunks (protocol.md §7.1). */
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
/** String-to-string user metadata attached to a training run. */
typedef struct tinker_metadata tinker_metadata_t;

/** Element types of tensors; numbers match the protocol's DType. Since: 0.1. */
typedef enum tinker_dtype {
  TINKER_DTYPE_FLOAT32 = 1,
  TINKER_DTYPE_INT64 = 2
} tinker_dtype_t;

/** Creates an empty model input. Ownership: tinker_model_input_free. Since: 0.1. */
TINKER_API tinker_status_t tinker_model_input_new(tinker_model_input_t **out);
/** Appends an encoded_text chunk of `count` (> 0) int32 token ids (borrowed). Since: 0.1. */
TINKER_API tinker_status_t tinker_model_input_add_text_int32(tinker_model_input_t *input, const int32_t *tokens, size_t count);
/** Appends an encoded_text chunk of `count` int64 token ids (borrowed; each must fit int32,
 *  checked when the input is encoded). Since: 0.1. */
TINKER_API tinker_status_t tinker_model_input_add_text_int64(tinker_model_input_t *input, const int64_t *tokens, size_t count);
/** Appends an image chunk: `size` (> 0) bytes of PNG or JPEG (borrowed), `format` "png" or "jpeg",
 *  `expected_tokens` its length in tokens, or -1 when unknown (the length is then unknown).
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_model_input_add_image(tinker_model_input_t *input, const uint8_t *data, size_t size, const char *format, int32_t expected_tokens);
/** Appends an image_asset_pointer chunk (a path or URL; copied). Such chunks have no protobuf
 *  form: forward/backward with them fails in protobuf wire mode (protocol.md §10 item 21).
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_model_input_add_image_asset_pointer(tinker_model_input_t *input, const char *location, const char *format, int32_t expected_tokens);
/** Length in tokens. TINKER_E_FAILED_PRECONDITION when an image chunk lacks expected_tokens.
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_model_input_length(const tinker_model_input_t *input, int64_t *length);
/** Frees the builder (not the borrowed arrays). NULL allowed. Since: 0.1. */
TINKER_API void tinker_model_input_free(tinker_model_input_t *input);

/** Creates a datum from a model input (its chunk list is copied; the arrays stay borrowed).
 *  Ownership: tinker_datum_free. Since: 0.1. */
TINKER_API tinker_status_t tinker_datum_new(tinker_datum_t **out, const tinker_model_input_t *input);
/** Adds a float32 loss input named `name` (borrowed data, `numel` elements). `shape` may be
 *  NULL with ndim 0 (flat), else its product must equal numel. The protocol's key rules apply
 *  (§7.2): "target_tokens" must be int64; "weights", "advantages", "logprobs",
 *  "clip_low_threshold", "clip_high_threshold" must be float32; other names take either type.
 *  A repeated name is TINKER_E_INVALID_ARGUMENT. Sparse inputs: tinker_datum_add_sparse_tensor_*.
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_datum_add_tensor_float32(tinker_datum_t *datum, const char *name, const float *data, size_t numel, const int64_t *shape, size_t ndim);
/** Adds an int64 loss input (see tinker_datum_add_tensor_float32). Since: 0.1. */
TINKER_API tinker_status_t tinker_datum_add_tensor_int64(tinker_datum_t *datum, const char *name, const int64_t *data, size_t numel, const int64_t *shape, size_t ndim);
/** Adds a sparse CSR float32 loss input (§7.2): a 2-D tensor of dense `shape` {nrows, ncols}
 *  (ndim must be 2) whose `count` non-zero `values` sit in row r at positions
 *  crow_indices[r] .. crow_indices[r+1]-1, in columns col_indices[...]. Checked here:
 *  crow_count == nrows + 1, crow_indices from 0 to count and never decreasing,
 *  col_count == count, every column in [0, ncols); otherwise TINKER_E_INVALID_ARGUMENT saying
 *  which. Key → dtype rules and borrowing as for tinker_datum_add_tensor_float32. Sent as the
 *  protobuf SparseCsr (or the JSON sparse fields in JSON wire mode). Since: 0.1. */
TINKER_API tinker_status_t tinker_datum_add_sparse_tensor_float32(tinker_datum_t *datum, const char *name, const float *values, size_t count, const int64_t *crow_indices, size_t crow_count, const int64_t *col_indices, size_t col_count, const int64_t *shape, size_t ndim);
/** As tinker_datum_add_sparse_tensor_float32, for int64 values. Since: 0.1. */
TINKER_API tinker_status_t tinker_datum_add_sparse_tensor_int64(tinker_datum_t *datum, const char *name, const int64_t *values, size_t count, const int64_t *crow_indices, size_t crow_count, const int64_t *col_indices, size_t col_count, const int64_t *shape, size_t ndim);
/** Frees the datum. NULL allowed. Since: 0.1. */
TINKER_API void tinker_datum_free(tinker_datum_t *datum);

/** Creates an empty batch. Ownership: tinker_batch_free. Since: 0.1. */
TINKER_API tinker_status_t tinker_batch_new(tinker_batch_t **out);
/** Appends a datum (its description is copied; arrays stay borrowed). Since: 0.1. */
TINKER_API tinker_status_t tinker_batch_add(tinker_batch_t *batch, const tinker_datum_t *datum);
/** Number of datums. Since: 0.1. */
TINKER_API size_t tinker_batch_size(const tinker_batch_t *batch);
/** Frees the batch. NULL allowed. Since: 0.1. */
TINKER_API void tinker_batch_free(tinker_batch_t *batch);

/** Creates an empty loss-function config. Ownership: tinker_loss_fn_config_free. Since: 0.1. */
TINKER_API tinker_status_t tinker_loss_fn_config_new(tinker_loss_fn_config_t **out);
/** Sets `key` to `value` (later value wins). Since: 0.1. */
TINKER_API tinker_status_t tinker_loss_fn_config_set(tinker_loss_fn_config_t *config, const char *key, double value);
/** Frees the config. NULL allowed. Since: 0.1. */
TINKER_API void tinker_loss_fn_config_free(tinker_loss_fn_config_t *config);

/** Creates Adam parameters with the official defaults: learning_rate 1e-4, beta1 0.9,
 *  beta2 0.95, eps 1e-12, weight_decay 0 (decoupled), grad_clip_norm 0 (no clipping).
 *  Ownership: tinker_adam_params_free. Since: 0.1. */
TINKER_API tinker_status_t tinker_adam_params_new(tinker_adam_params_t **out);
/** Learning rate, finite and >= 0 (as every Adam setter: NaN and infinity are rejected). Since: 0.1. */
TINKER_API tinker_status_t tinker_adam_params_set_learning_rate(tinker_adam_params_t *params, double value);
/** The value set, or the default; a NULL builder reads as the defaults. Since: 0.1. */
TINKER_API double tinker_adam_params_get_learning_rate(const tinker_adam_params_t *params);
/** beta1 in [0, 1). Since: 0.1. */
TINKER_API tinker_status_t tinker_adam_params_set_beta1(tinker_adam_params_t *params, double value);
/** The value set, or the default; a NULL builder reads as the defaults. Since: 0.1. */
TINKER_API double tinker_adam_params_get_beta1(const tinker_adam_params_t *params);
/** beta2 in [0, 1). Since: 0.1. */
TINKER_API tinker_status_t tinker_adam_params_set_beta2(tinker_adam_params_t *params, double value);
/** The value set, or the default; a NULL builder reads as the defaults. Since: 0.1. */
TINKER_API double tinker_adam_params_get_beta2(const tinker_adam_params_t *params);
/** eps, >= 0. Since: 0.1. */
TINKER_API tinker_status_t tinker_adam_params_set_eps(tinker_adam_params_t *params, double value);
/** The value set, or the default; a NULL builder reads as the defaults. Since: 0.1. */
TINKER_API double tinker_adam_params_get_eps(const tinker_adam_params_t *params);
/** Decoupled weight decay, >= 0. Since: 0.1. */
TINKER_API tinker_status_t tinker_adam_params_set_weight_decay(tinker_adam_params_t *params, double value);
/** The value set, or the default; a NULL builder reads as the defaults. Since: 0.1. */
TINKER_API double tinker_adam_params_get_weight_decay(const tinker_adam_params_t *params);
/** Global gradient-norm clip, >= 0 (0 = none). Since: 0.1. */
TINKER_API tinker_status_t tinker_adam_params_set_grad_clip_norm(tinker_adam_params_t *params, double value);
/** The value set, or the default; a NULL builder reads as the defaults. Since: 0.1. */
TINKER_API double tinker_adam_params_get_grad_clip_norm(const tinker_adam_params_t *params);
/** Frees the parameters. NULL allowed. Since: 0.1. */
TINKER_API void tinker_adam_params_free(tinker_adam_params_t *params);

/** Creates a LoRA config with the official defaults: rank 32, no seed, train_mlp, train_attn
 *  and train_unembed all on. Ownership: tinker_lora_config_free. Since: 0.1. */
TINKER_API tinker_status_t tinker_lora_config_new(tinker_lora_config_t **out);
/** LoRA rank, > 0. Since: 0.1. */
TINKER_API tinker_status_t tinker_lora_config_set_rank(tinker_lora_config_t *config, int32_t rank);
/** The value set, or the default; a NULL builder reads as the defaults. Since: 0.1. */
TINKER_API int32_t tinker_lora_config_get_rank(const tinker_lora_config_t *config);
/** Seed of the adapter initialisation. Since: 0.1. */
TINKER_API tinker_status_t tinker_lora_config_set_seed(tinker_lora_config_t *config, int64_t seed);
/** Turns adapters on this part on (nonzero) or off (0). Since: 0.1. */
TINKER_API tinker_status_t tinker_lora_config_set_train_mlp(tinker_lora_config_t *config, int on);
/** The value set, or the default; a NULL builder reads as the defaults. Since: 0.1. */
TINKER_API int tinker_lora_config_get_train_mlp(const tinker_lora_config_t *config);
/** Turns adapters on this part on (nonzero) or off (0). Since: 0.1. */
TINKER_API tinker_status_t tinker_lora_config_set_train_attn(tinker_lora_config_t *config, int on);
/** The value set, or the default; a NULL builder reads as the defaults. Since: 0.1. */
TINKER_API int tinker_lora_config_get_train_attn(const tinker_lora_config_t *config);
/** Turns adapters on this part on (nonzero) or off (0). Since: 0.1. */
TINKER_API tinker_status_t tinker_lora_config_set_train_unembed(tinker_lora_config_t *config, int on);
/** The value set, or the default; a NULL builder reads as the defaults. Since: 0.1. */
TINKER_API int tinker_lora_config_get_train_unembed(const tinker_lora_config_t *config);
/** Frees the config. NULL allowed. Since: 0.1. */
TINKER_API void tinker_lora_config_free(tinker_lora_config_t *config);

/** Creates empty metadata. Ownership: tinker_metadata_free. Since: 0.1. */
TINKER_API tinker_status_t tinker_metadata_new(tinker_metadata_t **out);
/** Sets `key` to `value` (copied; later value wins). Since: 0.1. */
TINKER_API tinker_status_t tinker_metadata_set(tinker_metadata_t *metadata, const char *key, const char *value);
/** Frees the metadata. NULL allowed. Since: 0.1. */
TINKER_API void tinker_metadata_free(tinker_metadata_t *metadata);

/* =============================================================================================
 * Training: creating training clients (ServiceClient S2–S4) and their operations (T1–T12)
 *
 * All operations of one training client are ordered (protocol.md §6.1): each reserves its
 * seq_id(s) when it is called, in call order, across all operation kinds; submissions reach the
 * server strictly in that order, results arrive in any order. A failed submission still lets
 * the next one go. tinker_future_is_submitted / tinker_future_wait_submitted tell when a
 * request reached the server, so callers can pipeline (submit forward_backward and optim_step
 * back to back, then wait for both).
 * =========================================================================================== */

/** A training run on the server (a LoRA model). Thread-safe; shares its service client's
 *  runtime and session. */
typedef struct tinker_training_client tinker_training_client_t;
/** A sampling client; its operations come with the sampling API. */
typedef struct tinker_sampling_client tinker_sampling_client_t;
/** Retry settings of a sampling client (used by the sampling API). */
typedef struct tinker_retry_config tinker_retry_config_t;

/** S2: creates a LoRA training run on `base_model`. `lora` NULL = defaults; `user_metadata` may
 *  be NULL. Starts the session first if needed. Blocking. Ownership: *out is the caller's
 *  (tinker_training_client_free). Errors: TINKER_E_INVALID_ARGUMENT (NULL base_model, no
 *  trainable part), the server's errors (unknown base model: TINKER_E_REQUEST_FAILED, user
 *  category). Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_create_lora_training_client(tinker_service_client_t *client, const char *base_model, const tinker_lora_config_t *lora, const tinker_metadata_t *user_metadata, tinker_training_client_t **out);
/** S2, asynchronous: take with tinker_future_take_training_client. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_create_lora_training_client_async(tinker_service_client_t *client, const char *base_model, const tinker_lora_config_t *lora, const tinker_metadata_t *user_metadata, tinker_future_t **out);
/** S3: creates a training run from a training checkpoint `path` ("tinker://…/weights/…"),
 *  weights only (protocol.md §6.7): weights_info → create_model → load_weights, or a single
 *  create-via-load when the server's config says so. `base_model` NULL = the checkpoint's;
 *  `weights_access_token` NULL = none (lets another account's token authorise the read).
 *  Blocking. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_create_training_client_from_state(tinker_service_client_t *client, const char *path, const char *base_model, const tinker_metadata_t *user_metadata, const char *weights_access_token, tinker_training_client_t **out);
/** S3, asynchronous. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_create_training_client_from_state_async(tinker_service_client_t *client, const char *path, const char *base_model, const tinker_metadata_t *user_metadata, const char *weights_access_token, tinker_future_t **out);
/** S4: as S3, restoring the optimizer state too. Blocking. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_create_training_client_from_state_with_optimizer(tinker_service_client_t *client, const char *path, const char *base_model, const tinker_metadata_t *user_metadata, const char *weights_access_token, tinker_training_client_t **out);
/** S4, asynchronous. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_create_training_client_from_state_with_optimizer_async(tinker_service_client_t *client, const char *path, const char *base_model, const tinker_metadata_t *user_metadata, const char *weights_access_token, tinker_future_t **out);

/** The training run's model id (= training run id). Borrowed, valid while the client lives.
 *  Since: 0.1. */
TINKER_API const char *tinker_training_client_model_id(const tinker_training_client_t *client);
/** Releases the handle (see tinker_service_client_free for the last-handle rule). Pending
 *  operations keep running. NULL allowed. Since: 0.1. */
TINKER_API void tinker_training_client_free(tinker_training_client_t *client);

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
/** A borrowed view of one output tensor. */
typedef struct tinker_tensor tinker_tensor_t;
/** A borrowed view of a result's metrics (name → double). */
typedef struct tinker_metrics tinker_metrics_t;

/** T1: forward pass without gradients: /forward_backward with forward_only (§6.4). `data` must
 *  hold at least one datum; it is split into chunks by the server's limits (§6.2) and the
 *  chunk results combined (§6.3). `loss_fn` e.g. "cross_entropy" (not checked client-side);
 *  `config` may be NULL. Inputs are encoded before the call returns. Blocking. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward(tinker_training_client_t *client, const tinker_batch_t *data, const char *loss_fn, const tinker_loss_fn_config_t *config, tinker_forward_backward_output_t **out);
/** T1, asynchronous: take with tinker_future_take_forward_backward_output. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward_async(tinker_training_client_t *client, const tinker_batch_t *data, const char *loss_fn, const tinker_loss_fn_config_t *config, tinker_future_t **out);
/** T2: forward and backward; gradients accumulate on the server until optim_step. Blocking.
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward_backward(tinker_training_client_t *client, const tinker_batch_t *data, const char *loss_fn, const tinker_loss_fn_config_t *config, tinker_forward_backward_output_t **out);
/** T2, asynchronous. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward_backward_async(tinker_training_client_t *client, const tinker_batch_t *data, const char *loss_fn, const tinker_loss_fn_config_t *config, tinker_future_t **out);

/** What a custom loss function sees: every datum's logprobs from a forward pass. Borrowed for
 *  the duration of the callback. */
typedef struct tinker_custom_loss_input tinker_custom_loss_input_t;
/** What a custom loss function fills in: loss, one gradient per datum, metrics. */
typedef struct tinker_custom_loss_output tinker_custom_loss_output_t;
/** A client-side loss (§6.5). Called once per forward_backward_custom, on the library's
 *  completion thread; it must not wait on futures of the same service client (their callbacks
 *  need that thread). Return TINKER_OK, or an error status to fail the operation. */
typedef tinker_status_t (*tinker_custom_loss_fn_t)(const tinker_custom_loss_input_t *input, tinker_custom_loss_output_t *output, void *user_data);

/** Number of datums. Since: 0.1. */
TINKER_API size_t tinker_custom_loss_input_num_datums(const tinker_custom_loss_input_t *input);
/** The logprobs of datum `index` (float32, `*count` elements). Since: 0.1. */
TINKER_API tinker_status_t tinker_custom_loss_input_logprobs(const tinker_custom_loss_input_t *input, size_t index, const float **data, size_t *count);
/** The int64 loss input `name` of datum `index` as the caller gave it (a copy the library kept),
 *  e.g. "target_tokens". TINKER_E_NOT_FOUND when absent. Since: 0.1. */
TINKER_API tinker_status_t tinker_custom_loss_input_tensor_int64(const tinker_custom_loss_input_t *input, size_t index, const char *name, const int64_t **data, size_t *count);
/** The float32 loss input `name` of datum `index` (e.g. "weights"). Since: 0.1. */
TINKER_API tinker_status_t tinker_custom_loss_input_tensor_float32(const tinker_custom_loss_input_t *input, size_t index, const char *name, const float **data, size_t *count);
/** Sets the loss value (reported as metric "loss:sum" unless the callback adds its own). Since: 0.1. */
TINKER_API tinker_status_t tinker_custom_loss_output_set_loss(tinker_custom_loss_output_t *output, double loss);
/** Sets d loss / d logprobs of datum `index` (`count` must equal its logprob count; copied).
 *  Every datum needs one. Since: 0.1. */
TINKER_API tinker_status_t tinker_custom_loss_output_set_gradient(tinker_custom_loss_output_t *output, size_t index, const float *gradient, size_t count);
/** Adds a metric merged into the result (names need no ":reduction" suffix). Since: 0.1. */
TINKER_API tinker_status_t tinker_custom_loss_output_add_metric(tinker_custom_loss_output_t *output, const char *name, double value);

/** T3: forward_backward with a loss computed by `loss_fn` on the client (§6.5): runs forward
 *  with cross_entropy (weights zero where absent), calls `loss_fn`, then sends forward_backward
 *  with `weights = -gradient` and merges the callback's metrics. Datums may only carry
 *  "target_tokens" and "weights". Blocking. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward_backward_custom(tinker_training_client_t *client, const tinker_batch_t *data, tinker_custom_loss_fn_t loss_fn, void *user_data, tinker_forward_backward_output_t **out);
/** T3, asynchronous. `user_data` must stay valid until the future finishes. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward_backward_custom_async(tinker_training_client_t *client, const tinker_batch_t *data, tinker_custom_loss_fn_t loss_fn, void *user_data, tinker_future_t **out);

/** forward_backward_custom in two phases, for hosts that cannot hand the library a C callback
 *  (the SWIG bindings, FFIs, or C code that wants the loss on its own thread). Phase one
 *  (`_begin`) runs the forward pass exactly as T3 does and hands back a step that holds the
 *  forward output; the caller computes its loss on any thread and fills the step's loss,
 *  gradients and metrics; phase two (`_finish`) reserves the next seq_id at that moment and sends
 *  forward_backward with `weights = -gradient`, merging the metrics. T3 is `_begin`, the callback,
 *  then `_finish`: the results are the same. A step is not thread-safe: use it from one thread
 *  at a time (any thread; no library thread touches it after `_begin` handed it over). */
typedef struct tinker_custom_loss_step tinker_custom_loss_step_t;

/** Phase one of T3: copies `data` (datums may only carry "target_tokens" and "weights"; otherwise
 *  TINKER_E_INVALID_ARGUMENT and nothing is sent), runs forward with cross_entropy and returns the
 *  step. Ownership: the caller owns *out (tinker_custom_loss_step_free). Blocking. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward_backward_custom_begin(tinker_training_client_t *client, const tinker_batch_t *data, tinker_custom_loss_step_t **out);
/** Phase one of T3, asynchronous: take with tinker_future_take_custom_loss_step. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward_backward_custom_begin_async(tinker_training_client_t *client, const tinker_batch_t *data, tinker_future_t **out);
/** The forward pass's output: per datum a float32 tensor "logprobs" (same length as that
 *  datum's target_tokens). Borrowed; valid until the step is freed. Since: 0.1. */
TINKER_API const tinker_forward_backward_output_t *tinker_custom_loss_step_forward_output(const tinker_custom_loss_step_t *step);
/** Sets the loss value (reported as metric "loss:sum" unless a metric of that name is added).
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_custom_loss_step_set_loss(tinker_custom_loss_step_t *step, double loss);
/** Sets d loss / d logprobs of datum `index`; `count` must equal that datum's logprob count
 *  (TINKER_E_INVALID_ARGUMENT otherwise, TINKER_E_OUT_OF_RANGE for a bad index). Copied. Every
 *  datum needs one before `_finish`. Since: 0.1. */
TINKER_API tinker_status_t tinker_custom_loss_step_set_gradient(tinker_custom_loss_step_t *step, size_t index, const float *gradient, size_t count);
/** Adds a metric merged into the final result (no ":reduction" suffix needed). Since: 0.1. */
TINKER_API tinker_status_t tinker_custom_loss_step_add_metric(tinker_custom_loss_step_t *step, const char *name, double value);
/** Phase two of T3: sends forward_backward with `weights = -gradient` and returns the output with
 *  the step's metrics merged. The step must come from `_begin` on the same client
 *  (TINKER_E_INVALID_ARGUMENT otherwise), have a gradient for every datum
 *  (TINKER_E_INVALID_ARGUMENT otherwise; the step stays usable, so the caller can fix it and call
 *  again) and not have been finished before (TINKER_E_FAILED_PRECONDITION). Blocking.
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward_backward_custom_finish(tinker_training_client_t *client, tinker_custom_loss_step_t *step, tinker_forward_backward_output_t **out);
/** Phase two of T3, asynchronous. Everything is copied before it returns: the step may be freed
 *  at once. Take with tinker_future_take_forward_backward_output. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward_backward_custom_finish_async(tinker_training_client_t *client, tinker_custom_loss_step_t *step, tinker_future_t **out);
/** Frees a step (NULL is a no-op). Since: 0.1. */
TINKER_API void tinker_custom_loss_step_free(tinker_custom_loss_step_t *step);

/** T4: one Adam step with the accumulated gradients. `params` NULL = defaults. Blocking.
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_optim_step(tinker_training_client_t *client, const tinker_adam_params_t *params, tinker_optim_step_result_t **out);
/** T4, asynchronous: take with tinker_future_take_optim_step_result. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_optim_step_async(tinker_training_client_t *client, const tinker_adam_params_t *params, tinker_future_t **out);

/** T5: saves weights and optimizer state as training checkpoint `name` (no '/').
 *  `ttl_seconds` 0 = never expires (must be >= 0); `overwrite` 0/1. A name in use without
 *  overwrite fails TINKER_E_ALREADY_EXISTS at once (no retry frees a name). Blocking. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_save_state(tinker_training_client_t *client, const char *name, int64_t ttl_seconds, int overwrite, tinker_save_result_t **out);
/** T5, asynchronous: take with tinker_future_take_save_result. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_save_state_async(tinker_training_client_t *client, const char *name, int64_t ttl_seconds, int overwrite, tinker_future_t **out);
/** T6: loads weights from a training checkpoint path (tinker://…/weights/…).
 *  `weights_access_token` may be NULL. Blocking. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_load_state(tinker_training_client_t *client, const char *path, const char *weights_access_token, tinker_load_result_t **out);
/** T6, asynchronous: take with tinker_future_take_load_result. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_load_state_async(tinker_training_client_t *client, const char *path, const char *weights_access_token, tinker_future_t **out);
/** T7: loads weights and optimizer state. Blocking. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_load_state_with_optimizer(tinker_training_client_t *client, const char *path, const char *weights_access_token, tinker_load_result_t **out);
/** T7, asynchronous. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_load_state_with_optimizer_async(tinker_training_client_t *client, const char *path, const char *weights_access_token, tinker_future_t **out);
/** T8: saves weights for sampling as sampler checkpoint `name`; `ttl_seconds` 0 = never.
 *  Blocking. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_save_weights_for_sampler(tinker_training_client_t *client, const char *name, int64_t ttl_seconds, tinker_save_result_t **out);
/** T8, asynchronous: take with tinker_future_take_save_result. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_save_weights_for_sampler_async(tinker_training_client_t *client, const char *name, int64_t ttl_seconds, tinker_future_t **out);
/** T9: model information (not ordered with the other operations). Blocking. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_get_info(tinker_training_client_t *client, tinker_model_info_t **out);
/** T9, asynchronous: take with tinker_future_take_model_info. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_get_info_async(tinker_training_client_t *client, tinker_future_t **out);
/** T10: a sampling client on a sampler checkpoint `model_path` (must start with tinker://).
 *  `retry` may be NULL. Blocking. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_create_sampling_client(tinker_training_client_t *client, const char *model_path, const tinker_retry_config_t *retry, tinker_sampling_client_t **out);
/** T10, asynchronous: take with tinker_future_take_sampling_client. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_create_sampling_client_async(tinker_training_client_t *client, const char *model_path, const tinker_retry_config_t *retry, tinker_future_t **out);
/** T11: saves the current weights as an ephemeral sampler checkpoint and returns a sampling
 *  client on it (no create_sampling_session; §6.6). Blocking. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_save_weights_and_get_sampling_client(tinker_training_client_t *client, const tinker_retry_config_t *retry, tinker_sampling_client_t **out);
/** T11, asynchronous. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_save_weights_and_get_sampling_client_async(tinker_training_client_t *client, const tinker_retry_config_t *retry, tinker_future_t **out);
/** T12 (beyond): unloads the model from the server; later operations on it fail. Blocking;
 *  the future has nothing to take. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_unload_model(tinker_training_client_t *client);
/** T12, asynchronous. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_unload_model_async(tinker_training_client_t *client, tinker_future_t **out);

/** Creates retry settings with the official defaults (§4.3). Ownership:
 *  tinker_retry_config_free. Since: 0.1. */
TINKER_API tinker_status_t tinker_retry_config_new(tinker_retry_config_t **out);
/** Bound on concurrent in-flight sample operations per sampling client (default 1000; the
 *  server's `sample_max_concurrent_requests` replaces it, §4.3). Must be >= 1. Since: 0.1. */
TINKER_API tinker_status_t tinker_retry_config_set_max_connections(tinker_retry_config_t *config, int64_t value);
/** The value set, or the default; a NULL builder reads as the defaults. Since: 0.1. */
TINKER_API int64_t tinker_retry_config_get_max_connections(const tinker_retry_config_t *config);
/** Seconds without any completed operation after which in-flight ones fail as stuck (default
 *  7200). Must be finite and > 0. Since: 0.1. */
TINKER_API tinker_status_t tinker_retry_config_set_progress_timeout(tinker_retry_config_t *config, double seconds);
/** The value set, or the default; a NULL builder reads as the defaults. Since: 0.1. */
TINKER_API double tinker_retry_config_get_progress_timeout(const tinker_retry_config_t *config);
/** First retry delay in seconds, doubled per attempt (default 0.5). Finite, >= 0. Since: 0.1. */
TINKER_API tinker_status_t tinker_retry_config_set_retry_delay_base(tinker_retry_config_t *config, double seconds);
/** The value set, or the default; a NULL builder reads as the defaults. Since: 0.1. */
TINKER_API double tinker_retry_config_get_retry_delay_base(const tinker_retry_config_t *config);
/** Cap on the retry delay in seconds (default 10). Finite, >= 0. Since: 0.1. */
TINKER_API tinker_status_t tinker_retry_config_set_retry_delay_max(tinker_retry_config_t *config, double seconds);
/** The value set, or the default; a NULL builder reads as the defaults. Since: 0.1. */
TINKER_API double tinker_retry_config_get_retry_delay_max(const tinker_retry_config_t *config);
/** Relative jitter of each delay (default 0.25). In [0, 1]. Since: 0.1. */
TINKER_API tinker_status_t tinker_retry_config_set_jitter_factor(tinker_retry_config_t *config, double factor);
/** The value set, or the default; a NULL builder reads as the defaults. Since: 0.1. */
TINKER_API double tinker_retry_config_get_jitter_factor(const tinker_retry_config_t *config);
/** 0 makes every sample a single attempt (default 1). Since: 0.1. */
TINKER_API tinker_status_t tinker_retry_config_set_enable_retry_logic(tinker_retry_config_t *config, int enable);
/** The value set, or the default; a NULL builder reads as the defaults. Since: 0.1. */
TINKER_API int tinker_retry_config_get_enable_retry_logic(const tinker_retry_config_t *config);
/** 0 turns stuck detection off (default 1; the server's flag can also force it off). Since: 0.1. */
TINKER_API tinker_status_t tinker_retry_config_set_enable_stuck_detection(tinker_retry_config_t *config, int enable);
/** The value set, or the default; a NULL builder reads as the defaults. Since: 0.1. */
TINKER_API int tinker_retry_config_get_enable_stuck_detection(const tinker_retry_config_t *config);
/** Frees retry settings. NULL allowed. Since: 0.1. */
TINKER_API void tinker_retry_config_free(tinker_retry_config_t *config);
/** The sampling session id of a sampling client. Borrowed. Since: 0.1. */
TINKER_API const char *tinker_sampling_client_sampling_session_id(const tinker_sampling_client_t *client);
/** Releases a sampling client. NULL allowed. Since: 0.1. */
TINKER_API void tinker_sampling_client_free(tinker_sampling_client_t *client);

/* =============================================================================================
 * Futures
 * =========================================================================================== */

/** Completion callback: runs exactly once, on the library's completion thread, never inline in
 *  the registering call and never under a library lock. It may call any tinker_* function,
 *  including tinker_future_free(future). */
typedef void (*tinker_future_callback_t)(tinker_future_t *future, void *user_data);
/** Destroy notify for callback user data: runs exactly once, after the callback ran or once it
 *  can no longer run (on the completion thread, or in tinker_future_free's caller). */
typedef void (*tinker_destroy_notify_t)(void *user_data);

/** The future's state without blocking: TINKER_PENDING while running, else its final status
 *  (TINKER_OK or an error code). NULL gives TINKER_E_INVALID_ARGUMENT.
 *  Thread safety: any thread. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_poll(const tinker_future_t *future);

/** Waits up to `timeout_ms` (negative = forever, 0 = poll) for the future to finish. Returns
 *  its final status, TINKER_E_TIMEOUT if it is still running (it keeps running), or
 *  TINKER_E_INTERRUPTED if tinker_future_interrupt woke it. Several threads may wait at once.
 *  Thread safety: any thread. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_wait(tinker_future_t *future, int64_t timeout_ms);

/** 1 once the request reached the server (its submission finished, in seq_id order for
 *  training), or once the future finished; 0 before. Lets callers pipeline. Since: 0.1. */
TINKER_API int tinker_future_is_submitted(const tinker_future_t *future);

/** Waits like tinker_future_wait, but only until the future is submitted (or finished).
 *  Returns TINKER_OK when submitted, the final error status if it failed before, or
 *  TINKER_E_TIMEOUT / TINKER_E_INTERRUPTED. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_wait_submitted(tinker_future_t *future, int64_t timeout_ms);

/** Registers the completion callback (at most one callback or completion queue per future).
 *  `callback` runs once on the completion thread — also when the future is already finished,
 *  then shortly after this call returns. `destroy` (may be NULL) runs once afterwards.
 *  If this returns an error (NULL future/callback: TINKER_E_INVALID_ARGUMENT; already
 *  registered or runtime shut down: TINKER_E_FAILED_PRECONDITION) neither runs.
 *  Thread safety: any thread. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_on_complete(tinker_future_t *future, tinker_future_callback_t callback, void *user_data, tinker_destroy_notify_t destroy);

/** Cancels: stops local work (polling, retries, waiting for a turn) and ends the future with
 *  TINKER_E_CANCELLED unless it already finished. Tinker has no server-side cancel: a request
 *  the server already accepted may still run there. A training operation cancelled before it
 *  was submitted never sends its seq_id, as in the official SDK (§6.1); the server then sees a
 *  gap before the run's next operation (how long a server waits on a gap is not specified;
 *  tinker-emulator waits `seq_gap_timeout_ms`, 60 s by default). Idempotent; any thread.
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_future_cancel(tinker_future_t *future);

/** Wakes every thread currently waiting on the future (their wait returns
 *  TINKER_E_INTERRUPTED) without cancelling it. For Ruby unblock functions and Ctrl-C handling.
 *  Any thread. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_interrupt(tinker_future_t *future);

/** The error of a failed future, NULL while pending or when it succeeded. Ownership: borrowed
 *  from the future. Thread safety: any thread. Since: 0.1. */
TINKER_API const tinker_error_t *tinker_future_error(const tinker_future_t *future);

/** Takes the S1 result. TINKER_E_INVALID_ARGUMENT if the future holds another kind of result
 *  or it was already taken; TINKER_PENDING if not finished; the failure status if it failed.
 *  Ownership: the caller owns *out (tinker_server_capabilities_free). Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_server_capabilities(tinker_future_t *future, tinker_server_capabilities_t **out);

/** Takes a training client (S2–S4). Same rules as tinker_future_take_server_capabilities. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_training_client(tinker_future_t *future, tinker_training_client_t **out);
/** Takes a forward / forward_backward / forward_backward_custom output. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_forward_backward_output(tinker_future_t *future, tinker_forward_backward_output_t **out);
/** Takes an optim_step result. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_optim_step_result(tinker_future_t *future, tinker_optim_step_result_t **out);
/** Takes a save_state / save_weights_for_sampler result. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_save_result(tinker_future_t *future, tinker_save_result_t **out);
/** Takes a load_state / load_state_with_optimizer result. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_load_result(tinker_future_t *future, tinker_load_result_t **out);
/** Takes a get_info result. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_model_info(tinker_future_t *future, tinker_model_info_t **out);
/** Takes a sampling client (T10, T11). Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_sampling_client(tinker_future_t *future, tinker_sampling_client_t **out);
/** Takes the step of tinker_training_client_forward_backward_custom_begin_async. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_take_custom_loss_step(tinker_future_t *future, tinker_custom_loss_step_t **out);

/** Frees the future; legal in any state. A pending future is cancelled and detached. No
 *  callback starts after this returns; a callback running on the completion thread is waited
 *  for (unless free is called from inside it). A registered callback that never ran has its
 *  destroy notify run here. NULL is allowed. Since: 0.1. */
TINKER_API void tinker_future_free(tinker_future_t *future);

/** (beyond) Waits until all `count` futures finished or `timeout_ms` passed (negative = forever).
 *  TINKER_OK when all finished (each may have failed: check each one), TINKER_E_TIMEOUT,
 *  TINKER_E_INTERRUPTED if one of them was interrupted, TINKER_E_INVALID_ARGUMENT for a NULL
 *  array or element. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_wait_all(tinker_future_t *const *futures, size_t count, int64_t timeout_ms);

/** (beyond) Waits until at least one of `count` futures finished; `*index` receives the lowest
 *  index of a finished one. TINKER_OK, TINKER_E_TIMEOUT, TINKER_E_INTERRUPTED, or
 *  TINKER_E_INVALID_ARGUMENT (NULL array/element/index, count 0). Since: 0.1. */
TINKER_API tinker_status_t tinker_future_wait_any(size_t *index, tinker_future_t *const *futures, size_t count, int64_t timeout_ms);

/* =============================================================================================
 * Completion queues (for bindings: the library never calls into the host)
 * =========================================================================================== */

/** A queue of finished futures' tags, drained by a host-owned thread (gRPC's model). */
typedef struct tinker_completion_queue tinker_completion_queue_t;

/** Creates a queue. Ownership: free with tinker_completion_queue_free. Since: 0.1. */
TINKER_API tinker_status_t tinker_completion_queue_new(tinker_completion_queue_t **out);
/** Frees a queue. Futures still attached simply stop reporting to it. NULL allowed. Since: 0.1. */
TINKER_API void tinker_completion_queue_free(tinker_completion_queue_t *queue);
/** Attaches a future to a queue: when it finishes (or now, if it already has), `tag` is pushed.
 *  Counts as the future's one registration (exclusive with tinker_future_on_complete).
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_future_set_completion_queue(tinker_future_t *future, tinker_completion_queue_t *queue, uint64_t tag);
/** Pops the next tag, waiting up to `timeout_ms` (negative = forever). TINKER_OK with *tag set,
 *  TINKER_E_TIMEOUT, or TINKER_E_INTERRUPTED after tinker_completion_queue_wakeup.
 *  Thread safety: any thread. Since: 0.1. */
TINKER_API tinker_status_t tinker_completion_queue_next(tinker_completion_queue_t *queue, int64_t timeout_ms, uint64_t *tag);
/** Wakes one blocked tinker_completion_queue_next (or the next call) with TINKER_E_INTERRUPTED.
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_completion_queue_wakeup(tinker_completion_queue_t *queue);
/** A file descriptor that is readable while the queue holds tags, for select/poll/epoll loops
 *  (Go, Ruby IO). Borrowed: do not close or read it. Since: 0.1. */
TINKER_API tinker_status_t tinker_completion_queue_fd(tinker_completion_queue_t *queue, int *fd);

/* =============================================================================================
 * Results
 * =========================================================================================== */

/** Number of supported models. Since: 0.1. */
TINKER_API size_t tinker_server_capabilities_model_count(const tinker_server_capabilities_t *caps);
/** Name of model `index`, or NULL when out of range or absent. Borrowed. Since: 0.1. */
TINKER_API const char *tinker_server_capabilities_model_name(const tinker_server_capabilities_t *caps, size_t index);
/** Max context length of model `index`, or -1 when out of range or absent. Since: 0.1. */
TINKER_API int64_t tinker_server_capabilities_model_max_context_length(const tinker_server_capabilities_t *caps, size_t index);
/** The result as JSON (the server's shape). Ownership: caller frees *out with tinker_free.
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_server_capabilities_to_json(const tinker_server_capabilities_t *caps, char **out);
/** Frees the result. NULL allowed. Since: 0.1. */
TINKER_API void tinker_server_capabilities_free(tinker_server_capabilities_t *caps);

/* ---- training results ---------------------------------------------------------------------
 * Arrays and strings returned by getters are borrowed from the result and valid while it
 * lives; string getters return NULL for a NULL handle and "" for a field the server left out. Every result has _to_json (caller frees with tinker_free) and _free (NULL allowed). */

/** Number of metrics. Since: 0.1. */
TINKER_API size_t tinker_metrics_count(const tinker_metrics_t *metrics);
/** Name of metric `index` ("name:reduction"), NULL out of range. Since: 0.1. */
TINKER_API const char *tinker_metrics_name(const tinker_metrics_t *metrics, size_t index);
/** Value of metric `index` (NaN out of range). Since: 0.1. */
TINKER_API double tinker_metrics_value(const tinker_metrics_t *metrics, size_t index);
/** Looks a metric up by name: TINKER_OK, or TINKER_E_NOT_FOUND. Since: 0.1. */
TINKER_API tinker_status_t tinker_metrics_get(const tinker_metrics_t *metrics, const char *name, double *value);

/** Element type: TINKER_DTYPE_FLOAT32 or TINKER_DTYPE_INT64 (0 for NULL). Since: 0.1. */
TINKER_API tinker_dtype_t tinker_tensor_dtype(const tinker_tensor_t *tensor);
/** Number of dimensions. Since: 0.1. */
TINKER_API size_t tinker_tensor_ndim(const tinker_tensor_t *tensor);
/** Size of dimension `dim` (-1 out of range). Since: 0.1. */
TINKER_API int64_t tinker_tensor_dim(const tinker_tensor_t *tensor, size_t dim);
/** Number of elements. Since: 0.1. */
TINKER_API size_t tinker_tensor_numel(const tinker_tensor_t *tensor);
/** The data if float32, else NULL. Borrowed. Since: 0.1. */
TINKER_API const float *tinker_tensor_data_float32(const tinker_tensor_t *tensor);
/** The data if int64, else NULL. Borrowed. Since: 0.1. */
TINKER_API const int64_t *tinker_tensor_data_int64(const tinker_tensor_t *tensor);
/** Copies up to `capacity` float32 elements into `dst`; *written receives the number copied.
 *  TINKER_E_INVALID_ARGUMENT if the tensor is not float32; TINKER_E_OUT_OF_RANGE if capacity
 *  is smaller than numel (nothing copied, *written 0). `dst` may be NULL when capacity is 0.
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_tensor_copy_to_float32(const tinker_tensor_t *tensor, float *dst, size_t capacity, size_t *written);
/** As tinker_tensor_copy_to_float32, for int64 tensors. Since: 0.1. */
TINKER_API tinker_status_t tinker_tensor_copy_to_int64(const tinker_tensor_t *tensor, int64_t *dst, size_t capacity, size_t *written);

/** Number of datums (outputs are in input order). Since: 0.1. */
TINKER_API size_t tinker_forward_backward_output_num_datums(const tinker_forward_backward_output_t *output);
/** The loss function's output type (e.g. "ArrayRecord"). Borrowed. Since: 0.1. */
TINKER_API const char *tinker_forward_backward_output_loss_fn_output_type(const tinker_forward_backward_output_t *output);
/** Number of named tensors of datum `index` (0 out of range). Since: 0.1. */
TINKER_API size_t tinker_forward_backward_output_tensor_count(const tinker_forward_backward_output_t *output, size_t index);
/** Name of tensor `k` of datum `index`, NULL out of range. Since: 0.1. */
TINKER_API const char *tinker_forward_backward_output_tensor_name(const tinker_forward_backward_output_t *output, size_t index, size_t k);
/** Tensor `name` (e.g. "logprobs") of datum `index`: TINKER_OK with *tensor borrowed, or
 *  TINKER_E_NOT_FOUND / TINKER_E_OUT_OF_RANGE. Since: 0.1. */
TINKER_API tinker_status_t tinker_forward_backward_output_tensor(const tinker_forward_backward_output_t *output, size_t index, const char *name, const tinker_tensor_t **tensor);
/** The combined metrics (e.g. "loss:sum"). Borrowed. Since: 0.1. */
TINKER_API const tinker_metrics_t *tinker_forward_backward_output_metrics(const tinker_forward_backward_output_t *output);
/** JSON in the official SDK's shape. Since: 0.1. */
TINKER_API tinker_status_t tinker_forward_backward_output_to_json(const tinker_forward_backward_output_t *output, char **out);
/** Frees it. NULL allowed. Since: 0.1. */
TINKER_API void tinker_forward_backward_output_free(tinker_forward_backward_output_t *output);

/** The optimizer step's metrics. Borrowed. Since: 0.1. */
TINKER_API const tinker_metrics_t *tinker_optim_step_result_metrics(const tinker_optim_step_result_t *result);
/** The result as JSON; the caller frees *out with tinker_free. Since: 0.1. */
TINKER_API tinker_status_t tinker_optim_step_result_to_json(const tinker_optim_step_result_t *result, char **out);
/** Frees it. NULL allowed. Since: 0.1. */
TINKER_API void tinker_optim_step_result_free(tinker_optim_step_result_t *result);

/** The checkpoint's tinker:// path. Borrowed. Since: 0.1. */
TINKER_API const char *tinker_save_result_path(const tinker_save_result_t *result);
/** The sampling session an unnamed sampler save made (save_weights_and_get_sampling_client), ""
 *  otherwise; NULL for a NULL result. Borrowed from `result`. Since: 0.1. */
TINKER_API const char *tinker_save_result_sampling_session_id(const tinker_save_result_t *result);
/** The result as JSON; the caller frees *out with tinker_free. Since: 0.1. */
TINKER_API tinker_status_t tinker_save_result_to_json(const tinker_save_result_t *result, char **out);
/** Frees it. NULL allowed. Since: 0.1. */
TINKER_API void tinker_save_result_free(tinker_save_result_t *result);

/** The loaded path, or "" when the server did not say. Borrowed. Since: 0.1. */
TINKER_API const char *tinker_load_result_path(const tinker_load_result_t *result);
/** The training run the weights were loaded into, "" when the server did not say; NULL for a
 *  NULL result. Borrowed from `result`. Since: 0.1. */
TINKER_API const char *tinker_load_result_model_id(const tinker_load_result_t *result);
/** The result as JSON; the caller frees *out with tinker_free. Since: 0.1. */
TINKER_API tinker_status_t tinker_load_result_to_json(const tinker_load_result_t *result, char **out);
/** Frees it. NULL allowed. Since: 0.1. */
TINKER_API void tinker_load_result_free(tinker_load_result_t *result);

/** Model id. Borrowed. Since: 0.1. */
TINKER_API const char *tinker_model_info_model_id(const tinker_model_info_t *info);
/** Base model name (model_data.model_name), "" if unknown. Since: 0.1. */
TINKER_API const char *tinker_model_info_base_model(const tinker_model_info_t *info);
/** Architecture (model_data.arch), "" if unknown. Since: 0.1. */
TINKER_API const char *tinker_model_info_arch(const tinker_model_info_t *info);
/** Tokenizer id, truncated at the first ':' as the official SDK does; "" if unknown. Since: 0.1. */
TINKER_API const char *tinker_model_info_tokenizer_id(const tinker_model_info_t *info);
/** 1 if the model is a LoRA adapter. Since: 0.1. */
TINKER_API int tinker_model_info_is_lora(const tinker_model_info_t *info);
/** LoRA rank, or -1 when not reported. Since: 0.1. */
TINKER_API int64_t tinker_model_info_lora_rank(const tinker_model_info_t *info);
/** The result as JSON; the caller frees *out with tinker_free. Since: 0.1. */
TINKER_API tinker_status_t tinker_model_info_to_json(const tinker_model_info_t *info, char **out);
/** Frees it. NULL allowed. Since: 0.1. */
TINKER_API void tinker_model_info_free(tinker_model_info_t *info);

/* =============================================================================================
 * Memory
 * =========================================================================================== */

/** Frees memory the library handed out as `char **out` (JSON strings). NULL allowed. Since: 0.1. */
TINKER_API void tinker_free(void *ptr);

#ifdef __cplusplus
}
#endif

#endif /* TINKER_H */
