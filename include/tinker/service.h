/*
 * tinker/service.h — the service client: creating one, its operations (S1 server capabilities,
 * S2–S4 creating training clients, S6 the REST client, S7 health check, sessions) and freeing
 * it. Part of <tinker/tinker.h>, whose conventions apply; "the operation statuses" below are
 * the list given there.
 *
 * A service client is thread-safe: any thread may use it at the same time as others;
 * tinker_service_client_free must be the last call on the handle.
 */
#ifndef TINKER_SERVICE_H
#define TINKER_SERVICE_H

#include "tinker/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Creates a service client. Does no I/O: the server is first contacted by the first operation
 *  (client/config, then for sessions auth/token, dynamic_config, create_session;
 *  docs/protocol.md §5.1). `options` may be NULL (all defaults, from the environment).
 *  Ownership: the caller owns *out (tinker_service_client_free); `options` is copied and stays
 *  the caller's. Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL out; a malformed base URL; a header value from the
 *  environment holding a control character), TINKER_E_UNAUTHENTICATED (a missing API key or
 *  one without the "tml-"/JWT prefix). Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_new(tinker_service_client_t **out, const tinker_client_options_t *options);

/** Releases the handle. When it was the last handle on the runtime (no REST/training/sampling
 *  client from it remains), every pending future ends TINKER_E_CANCELLED, queued callbacks run,
 *  and the runtime's threads are joined before this returns: no callback runs afterwards.
 *  Futures may outlive it.
 *  Ownership: takes `client`; NULL is allowed. Threads: any thread, once per handle, as the last
 *  call on it; calling it from inside a completion callback is allowed. Errors: none.
 *  Since: 0.1. */
TINKER_API void tinker_service_client_free(tinker_service_client_t *client);

/** S1: the models the server supports. Blocking.
 *  Ownership: the caller owns *out (tinker_server_capabilities_free).
 *  Threads: any thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out); else the operation statuses after the
 *  retry layers (docs/protocol.md §4.1, §4.2), e.g. TINKER_E_DATA_LOSS for an undecodable or
 *  out-of-range answer, TINKER_E_DEADLINE_EXCEEDED, TINKER_E_CANCELLED. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_get_server_capabilities(tinker_service_client_t *client, tinker_server_capabilities_t **out);

/** S1, asynchronous: take the result with tinker_future_take_server_capabilities.
 *  Ownership: the caller owns *out (tinker_future_free). Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out); the future ends with the statuses of
 *  the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_get_server_capabilities_async(tinker_service_client_t *client, tinker_future_t **out);

/** S2: creates a LoRA training run on `base_model`. `lora` NULL = defaults; `user_metadata` may
 *  be NULL. Starts the session first if needed. Blocking.
 *  Ownership: the caller owns *out (tinker_training_client_free); the builders stay the
 *  caller's (read before the call returns). Threads: any thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client, base_model or out; a `lora` with no trainable
 *  part); else the operation statuses, e.g. TINKER_E_REQUEST_FAILED (user category) for an
 *  unknown base model, TINKER_E_DATA_LOSS for an answer without model_id. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_create_lora_training_client(tinker_service_client_t *client, const char *base_model, const tinker_lora_config_t *lora, const tinker_metadata_t *user_metadata, tinker_training_client_t **out);

/** S2, asynchronous: take with tinker_future_take_training_client.
 *  Ownership: the caller owns *out (tinker_future_free); the builders are read before this
 *  returns. Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (as the blocking call); the future ends with the statuses
 *  of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_create_lora_training_client_async(tinker_service_client_t *client, const char *base_model, const tinker_lora_config_t *lora, const tinker_metadata_t *user_metadata, tinker_future_t **out);

/** S3: creates a training run from a training checkpoint `path` ("tinker://…/weights/…"),
 *  weights only (docs/protocol.md §6.7): weights_info → create_model → load_weights, or a single
 *  create-via-load when the server's config says so. `base_model` NULL = the checkpoint's;
 *  `weights_access_token` NULL = none (lets another account's token authorise the read).
 *  Blocking.
 *  Ownership: the caller owns *out (tinker_training_client_free); the arguments are copied.
 *  Threads: any thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client, path or out; a path without tinker://);
 *  else the operation statuses, e.g. TINKER_E_NOT_FOUND for a checkpoint that does not exist
 *  or cannot be read, TINKER_E_DATA_LOSS for a weights_info answer without base_model or a
 *  valid lora_rank. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_create_training_client_from_state(tinker_service_client_t *client, const char *path, const char *base_model, const tinker_metadata_t *user_metadata, const char *weights_access_token, tinker_training_client_t **out);

/** S3, asynchronous: take with tinker_future_take_training_client.
 *  Ownership: the caller owns *out (tinker_future_free); the arguments are copied.
 *  Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (as the blocking call); the future ends with the statuses
 *  of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_create_training_client_from_state_async(tinker_service_client_t *client, const char *path, const char *base_model, const tinker_metadata_t *user_metadata, const char *weights_access_token, tinker_future_t **out);

/** S4: as S3, restoring the optimizer state too. Blocking.
 *  Ownership: the caller owns *out (tinker_training_client_free); the arguments are copied.
 *  Threads: any thread; blocks it.
 *  Errors: as tinker_service_client_create_training_client_from_state. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_create_training_client_from_state_with_optimizer(tinker_service_client_t *client, const char *path, const char *base_model, const tinker_metadata_t *user_metadata, const char *weights_access_token, tinker_training_client_t **out);

/** S4, asynchronous: take with tinker_future_take_training_client.
 *  Ownership: the caller owns *out (tinker_future_free); the arguments are copied.
 *  Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (as the blocking call); the future ends with the statuses
 *  of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_create_training_client_from_state_with_optimizer_async(tinker_service_client_t *client, const char *path, const char *base_model, const tinker_metadata_t *user_metadata, const char *weights_access_token, tinker_future_t **out);

/** S5: a sampling client on a sampler checkpoint `model_path` (tinker://…) or on the base model
 *  `base_model`; either may be NULL, not both (with both, the checkpoint is sampled and the
 *  server checks the base model against it). `retry` may be NULL (defaults; sampling.h says what
 *  the settings do). Starts the session if needed. Blocking.
 *  Ownership: the caller owns *out (tinker_sampling_client_free); the arguments are copied.
 *  Threads: any thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out; both model_path and base_model NULL;
 *  a model_path without tinker://), TINKER_E_REQUEST_FAILED or TINKER_E_INVALID_ARGUMENT (a
 *  checkpoint or base model the server does not have: its message); else the operation
 *  statuses. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_create_sampling_client(tinker_service_client_t *client, const char *model_path, const char *base_model, const tinker_retry_config_t *retry, tinker_sampling_client_t **out);

/** S5, asynchronous: take with tinker_future_take_sampling_client.
 *  Ownership: the caller owns *out (tinker_future_free); the arguments are copied.
 *  Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (as the blocking call); the future ends with the statuses
 *  of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_create_sampling_client_async(tinker_service_client_t *client, const char *model_path, const char *base_model, const tinker_retry_config_t *retry, tinker_future_t **out);

/** S7 (beyond the Python SDK): GET /api/v1/healthz; TINKER_OK when the server answers
 *  {"status":"ok"}. Blocking.
 *  Ownership: nothing changes hands. Threads: any thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client); TINKER_E_UNAVAILABLE when the answer is not
 *  {"status":"ok"}; else the operation statuses. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_health_check(tinker_service_client_t *client);

/** S7, asynchronous: the future's final status is the result; it has nothing to take.
 *  Ownership: the caller owns *out (tinker_future_free). Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out); the future ends with the statuses of
 *  the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_health_check_async(tinker_service_client_t *client, tinker_future_t **out);

/** S6: creates a REST client on this service client's runtime. No I/O, no session
 *  (docs/protocol.md §5.1).
 *  Ownership: the caller owns *out (tinker_rest_client_free); it keeps the runtime alive.
 *  Threads: any thread. Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out). Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_create_rest_client(tinker_service_client_t *client, tinker_rest_client_t **out);

/** (beyond) Makes sure this client's session exists: on first use runs client/config,
 *  auth/token when the server enables JWTs, dynamic_config and create_session, then starts the
 *  heartbeat. Training and sampling operations do this implicitly. A failed start is tried
 *  again by the next call. Blocking.
 *  Ownership: nothing changes hands. Threads: any thread; blocks it; concurrent callers share
 *  one start.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client); else the operation statuses, e.g.
 *  TINKER_E_UNAUTHENTICATED (401), TINKER_E_DATA_LOSS (an answer without session_id or jwt).
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_start_session(tinker_service_client_t *client);

/** (beyond) Asynchronous twin of tinker_service_client_start_session; nothing to take.
 *  Ownership: the caller owns *out (tinker_future_free). Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out); the future ends with the statuses of
 *  the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_service_client_start_session_async(tinker_service_client_t *client, tinker_future_t **out);

/** (beyond) The session id once a session exists, else NULL.
 *  Ownership: borrowed from the client, valid while it lives. Threads: any thread.
 *  Errors: none; a NULL client gives NULL. Since: 0.1. */
TINKER_API const char *tinker_service_client_session_id(const tinker_service_client_t *client);

#ifdef __cplusplus
}
#endif

#endif /* TINKER_SERVICE_H */
