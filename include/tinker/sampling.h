/*
 * tinker/sampling.h — sampling: sampling parameters (a builder), the retry settings of a sampling
 * client (a builder), and the sampling client's operations: sample (P1), compute_logprobs (P2),
 * get_base_model (P3). Sampling clients come from the service client (S5, service.h) and from
 * training clients (T10, T11, training.h). Part of <tinker/tinker.h>, whose conventions apply.
 *
 * A sampling client is thread-safe; tinker_sampling_client_free must be the last call on it.
 * Builders are used from one thread at a time.
 *
 * How a sample call behaves (docs/protocol.md §4.3, §4.4, §6.9):
 *  - The prompt is encoded when the call is made: the caller may free it as soon as it returns.
 *  - Each attempt sends POST /api/v1/asample with a new seq_id (per sampling client, from 0) and
 *    polls its future. "Not now" answers (429, a 402 inside the billing pause) hold the attempt
 *    back and send it again with the same seq_id once the client-wide back-off (1 s, 5 s for a
 *    prompt over 128 KiB) is over. Submissions pass client-wide gates: at most 400 at once, at
 *    most 10 and 20 times the byte cost while throttled (from a 429 until 10 s after its
 *    back-off), and a byte budget of the server's sample_dispatch_bytes_semaphore_size. The gates
 *    hold only while submitting, never while polling.
 *  - An attempt that fails in a way a new one can heal (the server lost the promise: 410; a
 *    connection failure or timeout; HTTP 408, 409, 429, 5xx after the submission's own retries)
 *    is retried with a new seq_id after min(retry_delay_base × 2^n, retry_delay_max) seconds,
 *    jittered, without limit. Stuck detection ends that: when no sample operation of the client
 *    has completed for progress_timeout seconds, every one in flight fails with
 *    TINKER_E_UNAVAILABLE ("... appear to be stuck"). A server's own failure (REQUEST_FAILED) or
 *    an undecodable result is not retried. The server's sample_no_retries turns these retries
 *    off for sample (not for compute_logprobs); so does enable_retry_logic = 0.
 *  - At most max_connections sample operations of one client are in flight (submitted or
 *    polling); the server's sample_max_concurrent_requests replaces the setting. Others wait
 *    their turn, in call order.
 *  - The client's default deadline (tinker_client_options_set_default_deadline_ms) bounds the
 *    whole operation, every attempt included; cancelling the future stops it.
 */
#ifndef TINKER_SAMPLING_H
#define TINKER_SAMPLING_H

#include "tinker/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* =============================================================================================
 * Sampling parameters (docs/protocol.md §7.7)
 * =========================================================================================== */

/** Creates sampling parameters with the defaults: max_tokens and seed unset (the server's
 *  choice), no stop, temperature 1.0, top_k -1 (no limit), top_p 1.0.
 *  Ownership: the caller owns *out (tinker_sampling_params_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL out). Since: 0.1. */
TINKER_API tinker_status_t tinker_sampling_params_new(tinker_sampling_params_t **out);

/** The most tokens to generate per sample; >= 0.
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL params, a negative value). Since: 0.1. */
TINKER_API tinker_status_t tinker_sampling_params_set_max_tokens(tinker_sampling_params_t *params, int64_t max_tokens);

/** A seed: the same weights, prompt, parameters and seed give the same samples.
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL params). Since: 0.1. */
TINKER_API tinker_status_t tinker_sampling_params_set_seed(tinker_sampling_params_t *params, int64_t seed);

/** Sampling temperature; finite and >= 0 (0: the most likely token each time).
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL params, a value out of range). Since: 0.1. */
TINKER_API tinker_status_t tinker_sampling_params_set_temperature(tinker_sampling_params_t *params, double temperature);

/** Sample only among the k most likely tokens; -1 for no limit.
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL params, a value below -1). Since: 0.1. */
TINKER_API tinker_status_t tinker_sampling_params_set_top_k(tinker_sampling_params_t *params, int64_t top_k);

/** Nucleus sampling: only among the most likely tokens whose probabilities add up to top_p;
 *  in (0, 1].
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL params, a value out of range). Since: 0.1. */
TINKER_API tinker_status_t tinker_sampling_params_set_top_p(tinker_sampling_params_t *params, double top_p);

/** Adds a stop string: a sample ends once its text ends with one (the string is kept in the
 *  sample). Stop strings and stop tokens cannot be mixed.
 *  Ownership: `stop` is copied. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL params or stop; an empty string; stop tokens already
 *  added). Since: 0.1. */
TINKER_API tinker_status_t tinker_sampling_params_add_stop_string(tinker_sampling_params_t *params, const char *stop);

/** Adds a stop token: a sample ends after it emits that token (kept in the sample).
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL params; stop strings already added). Since: 0.1. */
TINKER_API tinker_status_t tinker_sampling_params_add_stop_token(tinker_sampling_params_t *params, int32_t token);

/** Frees sampling parameters.
 *  Ownership: takes `params`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_sampling_params_free(tinker_sampling_params_t *params);

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
 * The sampling client (created by S5, T10, T11)
 * =========================================================================================== */

/** P1: samples `num_samples` continuations of `prompt` (see "How a sample call behaves"
 *  above). `params` may be NULL (the defaults). With `include_prompt_logprobs` the response
 *  also holds the prompt's logprobs; with `topk_prompt_logprobs` > 0, the k most likely tokens
 *  at each prompt position. Blocking.
 *  Ownership: the caller owns *out (tinker_sample_response_free); `prompt` and `params` are read
 *  during the call only. Threads: any thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client, prompt or out; num_samples < 1;
 *  topk_prompt_logprobs < 0; a prompt chunk that cannot be sent: a token id outside int32, a
 *  bad image format; or the server's HTTP 400, category USER, with its message: a token outside
 *  the vocabulary, parameters it does not accept), TINKER_E_NOT_FOUND (the server does not know
 *  the sampler), TINKER_E_REQUEST_FAILED (the request failed while the server ran it: its
 *  message and category),
 *  TINKER_E_UNAVAILABLE (stuck detection), TINKER_E_DEADLINE_EXCEEDED, TINKER_E_DATA_LOSS (an
 *  undecodable result); else the operation statuses. Since: 0.1. */
TINKER_API tinker_status_t tinker_sampling_client_sample(tinker_sampling_client_t *client, const tinker_model_input_t *prompt, int64_t num_samples, const tinker_sampling_params_t *params, int include_prompt_logprobs, int64_t topk_prompt_logprobs, tinker_sample_response_t **out);

/** P1, asynchronous: take with tinker_future_take_sample_response. The future is "submitted"
 *  once an attempt's submission was accepted.
 *  Ownership: the caller owns *out (tinker_future_free); `prompt` and `params` are read during
 *  the call only. Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (as the blocking call, before anything is sent); the future
 *  ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_sampling_client_sample_async(tinker_sampling_client_t *client, const tinker_model_input_t *prompt, int64_t num_samples, const tinker_sampling_params_t *params, int include_prompt_logprobs, int64_t topk_prompt_logprobs, tinker_future_t **out);

/** P2: the logprob of each prompt token given the tokens before it: a sample of one token with
 *  prompt logprobs. The first position has none. Always retried as above, whatever the server's
 *  sample_no_retries says. Blocking.
 *  Ownership: the caller owns *out (tinker_prompt_logprobs_free); `prompt` is read during the
 *  call only. Threads: any thread; blocks it.
 *  Errors: as tinker_sampling_client_sample; TINKER_E_DATA_LOSS also when the server returns no
 *  prompt logprobs for a prompt that has tokens, or (for a prompt whose length the client knows:
 *  text, and images with expected_tokens) not one per token. An empty prompt gives an empty
 *  result. Since: 0.1. */
TINKER_API tinker_status_t tinker_sampling_client_compute_logprobs(tinker_sampling_client_t *client, const tinker_model_input_t *prompt, tinker_prompt_logprobs_t **out);

/** P2, asynchronous: take with tinker_future_take_prompt_logprobs.
 *  Ownership: the caller owns *out (tinker_future_free). Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (as the blocking call); the future ends with the statuses of
 *  the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_sampling_client_compute_logprobs_async(tinker_sampling_client_t *client, const tinker_model_input_t *prompt, tinker_future_t **out);

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

/** P4: the tokenizer of the sampler's base model (P3), found, fetched and loaded as
 *  tinker_training_client_get_tokenizer does from a model name. Blocking.
 *  Ownership: the caller owns *out (tinker_tokenizer_free); it does not depend on the client.
 *  Threads: any thread; blocks it.
 *  Errors: as tinker_training_client_get_tokenizer, with the statuses of get_base_model in place
 *  of get_info's. Since: 0.1. */
TINKER_API tinker_status_t tinker_sampling_client_get_tokenizer(tinker_sampling_client_t *client, tinker_tokenizer_t **out);

/** P4, asynchronous: take with tinker_future_take_tokenizer. Cancelling the future stops the
 *  request or download under way.
 *  Ownership: the caller owns *out (tinker_future_free). Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out); the future ends with the statuses of
 *  the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_sampling_client_get_tokenizer_async(tinker_sampling_client_t *client, tinker_future_t **out);

/** Releases a sampling client (see tinker_service_client_free for the last-handle rule).
 *  Ownership: takes `client`; NULL is allowed. Threads: any thread, once per handle, as the last
 *  call on it. Errors: none. Since: 0.1. */
TINKER_API void tinker_sampling_client_free(tinker_sampling_client_t *client);

#ifdef __cplusplus
}
#endif

#endif /* TINKER_SAMPLING_H */
