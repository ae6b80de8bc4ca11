/*
 * tinker.h — the C interface of libtinker, a client for the Tinker fine-tuning service.
 *
 * This header is the specification. It reads top to bottom:
 *   export macros → version → status and errors → client options → service client →
 *   REST client → futures → completion queues → results → memory.
 *
 * Conventions (all functions):
 *   - Names are tinker_<noun>_<verb>. Outputs come first and are `**out` parameters.
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
  TINKER_E_RESOURCE_EXHAUSTED = 8,  /**< 429 after the retry budget; out of memory */
  TINKER_E_FAILED_PRECONDITION = 9, /**< wrong state: e.g. a runtime already shut down, 402 billing */
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
/** The human-readable message; "" when none. Never contains an API key. Ownership: borrowed
 *  from `error`. Since: 0.1. */
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
 *  tinker_* functions. `message` is borrowed for the duration of the call and never contains an
 *  API key. */
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
 *  `request_id` and `reason` are borrowed for the call; `reason` is "" when the server gave none. */
typedef void (*tinker_queue_state_callback_t)(tinker_queue_state_t state, const char *reason,
                                              const char *request_id, void *user_data);

/** Creates an options builder holding the defaults (every default is listed at its setter).
 *  Ownership: free with tinker_client_options_free. Thread safety: any thread. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_new(tinker_client_options_t **out);
/** Frees a builder. NULL is allowed. Clients created from it keep their own copy. Since: 0.1. */
TINKER_API void tinker_client_options_free(tinker_client_options_t *options);

/** Base URL of the service. Default: env TINKER_BASE_URL when set and non-empty, else
 *  "https://tinker.thinkingmachines.dev/services/tinker-prod". Must be http:// or https://
 *  (checked by tinker_service_client_new). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_base_url(tinker_client_options_t *options, const char *url);
/** API key. Default: env TINKER_API_KEY. Must start with "tml-" or be a JWT ("eyJ…"); checked
 *  by tinker_service_client_new. Never logged. Since: 0.1. */
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
 *  headers (X-API-Key, Content-Type, …) cannot be overridden this way. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_add_header(tinker_client_options_t *options, const char *name, const char *value);
/** Proxy URL for every request (libcurl syntax); "" means none. Default: libcurl's environment
 *  handling (http_proxy, …). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_proxy(tinker_client_options_t *options, const char *proxy_url);
/** Path of a PEM CA bundle used instead of the system store. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_ca_bundle_path(tinker_client_options_t *options, const char *path);
/** TLS peer and host verification: 1 (default) on, 0 off (testing only). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_verify_tls(tinker_client_options_t *options, int verify);
/** The SDK version reported to the server (body sdk_version, User-Agent). The server gates
 *  features on it. Default "0.25.0". Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_sdk_version(tinker_client_options_t *options, const char *version);
/** Wire mode for forward/backward (default TINKER_WIRE_PROTOBUF). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_wire_mode(tinker_client_options_t *options, tinker_wire_mode_t mode);
/** Default deadline in ms for every operation started by this client (0 = none, the default).
 *  When it passes, the future ends with TINKER_E_DEADLINE_EXCEEDED and its polling stops.
 *  Must be >= 0. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_default_deadline_ms(tinker_client_options_t *options, int64_t ms);
/** Session heartbeat period in ms (default 10000, protocol.md §5.2). Must be > 0. Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_heartbeat_interval_ms(tinker_client_options_t *options, int64_t ms);
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
 *  the server already accepted may still run there. Idempotent; any thread. Since: 0.1. */
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

/* =============================================================================================
 * Memory
 * =========================================================================================== */

/** Frees memory the library handed out as `char **out` (JSON strings). NULL allowed. Since: 0.1. */
TINKER_API void tinker_free(void *ptr);

#ifdef __cplusplus
}
#endif

#endif /* TINKER_H */
