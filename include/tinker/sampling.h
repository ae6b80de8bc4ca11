/*
 * tinker/sampling.h — sampling: the retry settings of a sampling client (a builder) and the
 * sampling client handle. Sampling clients are created by training clients (training.h, T10,
 * T11). Part of <tinker/tinker.h>, whose conventions apply.
 *
 * A sampling client is thread-safe; tinker_sampling_client_free must be the last call on it.
 * A retry config is a builder: one thread at a time.
 */
#ifndef TINKER_SAMPLING_H
#define TINKER_SAMPLING_H

#include "tinker/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* =============================================================================================
 * Retry settings (docs/protocol.md §4.3)
 * =========================================================================================== */

/** Creates retry settings with the official defaults (§4.3).
 *  Ownership: the caller owns *out (tinker_retry_config_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL out). Since: 0.1. */
TINKER_API tinker_status_t tinker_retry_config_new(tinker_retry_config_t **out);

/** Bound on concurrent in-flight sample operations per sampling client (default 1000; the
 *  server's `sample_max_concurrent_requests` replaces it, §4.3). Must be in [1, 2^31 - 1].
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL config, a value out of range). Since: 0.1. */
TINKER_API tinker_status_t tinker_retry_config_set_max_connections(tinker_retry_config_t *config, int64_t value);

/** The bound set, or the default (1000).
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the builder.
 *  Errors: none; a NULL builder gives the default. Since: 0.1. */
TINKER_API int64_t tinker_retry_config_get_max_connections(const tinker_retry_config_t *config);

/** Seconds without any completed operation after which in-flight ones fail as stuck (default
 *  7200). Must be finite and > 0.
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL config, a value out of range). Since: 0.1. */
TINKER_API tinker_status_t tinker_retry_config_set_progress_timeout(tinker_retry_config_t *config, double seconds);

/** The progress timeout set, or the default (7200).
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the builder.
 *  Errors: none; a NULL builder gives the default. Since: 0.1. */
TINKER_API double tinker_retry_config_get_progress_timeout(const tinker_retry_config_t *config);

/** First retry delay in seconds, doubled per attempt (default 0.5). Finite, >= 0.
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL config, a value out of range). Since: 0.1. */
TINKER_API tinker_status_t tinker_retry_config_set_retry_delay_base(tinker_retry_config_t *config, double seconds);

/** The first retry delay set, or the default (0.5).
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the builder.
 *  Errors: none; a NULL builder gives the default. Since: 0.1. */
TINKER_API double tinker_retry_config_get_retry_delay_base(const tinker_retry_config_t *config);

/** Cap on the retry delay in seconds (default 10). Finite, >= 0.
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL config, a value out of range). Since: 0.1. */
TINKER_API tinker_status_t tinker_retry_config_set_retry_delay_max(tinker_retry_config_t *config, double seconds);

/** The delay cap set, or the default (10).
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the builder.
 *  Errors: none; a NULL builder gives the default. Since: 0.1. */
TINKER_API double tinker_retry_config_get_retry_delay_max(const tinker_retry_config_t *config);

/** Relative jitter of each delay (default 0.25). In [0, 1].
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL config, a value out of range). Since: 0.1. */
TINKER_API tinker_status_t tinker_retry_config_set_jitter_factor(tinker_retry_config_t *config, double factor);

/** The jitter set, or the default (0.25).
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the builder.
 *  Errors: none; a NULL builder gives the default. Since: 0.1. */
TINKER_API double tinker_retry_config_get_jitter_factor(const tinker_retry_config_t *config);

/** 0 makes every sample a single attempt (default 1); any nonzero value is 1.
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL config). Since: 0.1. */
TINKER_API tinker_status_t tinker_retry_config_set_enable_retry_logic(tinker_retry_config_t *config, int enable);

/** 1 if retries are on (the default), 0 if off.
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the builder.
 *  Errors: none; a NULL builder gives the default (1). Since: 0.1. */
TINKER_API int tinker_retry_config_get_enable_retry_logic(const tinker_retry_config_t *config);

/** 0 turns stuck detection off (default 1; the server's flag can also force it off); any
 *  nonzero value is 1.
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL config). Since: 0.1. */
TINKER_API tinker_status_t tinker_retry_config_set_enable_stuck_detection(tinker_retry_config_t *config, int enable);

/** 1 if stuck detection is on (the default), 0 if off.
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the builder.
 *  Errors: none; a NULL builder gives the default (1). Since: 0.1. */
TINKER_API int tinker_retry_config_get_enable_stuck_detection(const tinker_retry_config_t *config);

/** Frees retry settings.
 *  Ownership: takes `config`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_retry_config_free(tinker_retry_config_t *config);

/* =============================================================================================
 * The sampling client (created by training.h, T10, T11)
 * =========================================================================================== */

/** The sampling session id of a sampling client.
 *  Ownership: borrowed from the client, valid while it lives. Threads: any thread.
 *  Errors: none; a NULL client gives NULL. Since: 0.1. */
TINKER_API const char *tinker_sampling_client_sampling_session_id(const tinker_sampling_client_t *client);

/** P3: the name of the base model the sampler samples from, asked of the server
 *  (GET /api/v1/samplers/{id}). Blocking.
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out); else the operation statuses, e.g.
 *  TINKER_E_NOT_FOUND (the server does not know the sampler), TINKER_E_DATA_LOSS (an answer
 *  without sampler_id or base_model). Since: 0.1. */
TINKER_API tinker_status_t tinker_sampling_client_get_base_model(tinker_sampling_client_t *client, char **out);

/** P3, asynchronous: take with tinker_future_take_string.
 *  Ownership: the caller owns *out (tinker_future_free). Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out); the future ends with the statuses of
 *  the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_sampling_client_get_base_model_async(tinker_sampling_client_t *client, tinker_future_t **out);

/** Releases a sampling client (see tinker_service_client_free for the last-handle rule).
 *  Ownership: takes `client`; NULL is allowed. Threads: any thread, once per handle, as the last
 *  call on it. Errors: none. Since: 0.1. */
TINKER_API void tinker_sampling_client_free(tinker_sampling_client_t *client);

#ifdef __cplusplus
}
#endif

#endif /* TINKER_SAMPLING_H */
