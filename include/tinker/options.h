/*
 * tinker/options.h — client options: the builder a service client is created from
 * (tinker_service_client_new). Part of <tinker/tinker.h>, whose conventions apply.
 *
 * Every setter copies its arguments; the builder keeps nothing the caller owns (the callbacks'
 * `user_data` is kept as a pointer and handed back). Builders are not synchronised: one thread at
 * a time per builder. Every setter's errors: TINKER_E_INVALID_ARGUMENT for a NULL `options`, a
 * NULL string argument, or a value outside the bounds it states.
 */
#ifndef TINKER_OPTIONS_H
#define TINKER_OPTIONS_H

#include "tinker/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Creates an options builder holding the defaults (every default is listed at its setter).
 *  Ownership: the caller owns *out (tinker_client_options_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL out). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_new(tinker_client_options_t **out);

/** Frees a builder. Clients created from it keep their own copy.
 *  Ownership: takes `options`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_client_options_free(tinker_client_options_t *options);

/** Base URL of the service. Default: env TINKER_BASE_URL when set and non-empty, else
 *  "https://tinker.thinkingmachines.dev/services/tinker-prod". Must be http:// or https:// with
 *  a host, and no user information ("user:password@"), query or fragment: checked by
 *  tinker_service_client_new, whose error never repeats user information.
 *  Requests never follow redirects: a 3xx answer fails the operation with
 *  TINKER_E_FAILED_PRECONDITION (a redirect would carry the API key to wherever it points).
 *  Ownership: `url` is copied. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options or url). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_base_url(tinker_client_options_t *options, const char *url);

/** API key. Default: env TINKER_API_KEY. Must start with "tml-" or be a JWT ("eyJ…"); checked
 *  by tinker_service_client_new. Never logged: it (and every JWT it is exchanged for) is replaced
 *  by "[redacted]" in every log message and error message, whatever the server echoes.
 *  Ownership: `api_key` is copied. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options or api_key; a control character in it: it is
 *  sent as a header, and CR or LF would add header lines). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_api_key(tinker_client_options_t *options, const char *api_key);

/** Total timeout of one HTTP request in ms (default 60000; retrieve_future polls use 45000).
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options, ms <= 0). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_request_timeout_ms(tinker_client_options_t *options, int64_t ms);

/** Connect timeout in ms (default 5000).
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options, ms <= 0). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_connect_timeout_ms(tinker_client_options_t *options, int64_t ms);

/** HTTP-layer retries per request (docs/protocol.md §4.1; default 10).
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options, max_retries < 0). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_max_retries(tinker_client_options_t *options, int max_retries);

/** Time budget in ms of the submission retry layer (docs/protocol.md §4.2; default 300000).
 *  0 means a single attempt.
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options, ms < 0). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_retry_budget_ms(tinker_client_options_t *options, int64_t ms);

/** Adds one user_metadata entry sent with create_session (later value wins).
 *  Ownership: `key` and `value` are copied. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options, key or value). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_add_user_metadata(tinker_client_options_t *options, const char *key, const char *value);

/** Project id for create_session. Default: env TINKER_PROJECT_ID, else none.
 *  Ownership: `project_id` is copied. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options or project_id). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_project_id(tinker_client_options_t *options, const char *project_id);

/** Adds a session tag. When none is added, env TINKER_TAGS (comma-separated) is used.
 *  Ownership: `tag` is copied. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options or tag). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_add_tag(tinker_client_options_t *options, const char *tag);

/** Adds a header sent with every request (e.g. a gateway token). The library's own protocol
 *  headers (X-API-Key, Content-Type, …) cannot be overridden this way. The same check applies to
 *  env CLOUDFLARE_ACCESS_CLIENT_ID/_SECRET (sent as CF-Access-Client-*), in
 *  tinker_service_client_new.
 *  Ownership: `name` and `value` are copied. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options, name or value; a name that is not an HTTP
 *  token; a value with a control character other than tab). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_add_header(tinker_client_options_t *options, const char *name, const char *value);

/** Proxy URL for every request (libcurl syntax); "" means none. Default: libcurl's environment
 *  handling (http_proxy, …).
 *  Ownership: `proxy_url` is copied. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options or proxy_url). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_proxy(tinker_client_options_t *options, const char *proxy_url);

/** Path of a PEM CA bundle used instead of the system store. A server certificate or host name
 *  that does not verify fails the operation at once (no retries: it cannot heal) with
 *  TINKER_E_FAILED_PRECONDITION and a message naming the cause and this option.
 *  Ownership: `path` is copied (the file is read when connecting).
 *  Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options or path). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_ca_bundle_path(tinker_client_options_t *options, const char *path);

/** TLS peer and host verification: 1 (default) on, 0 off (testing only); any nonzero is on.
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_verify_tls(tinker_client_options_t *options, int verify);

/** The SDK version reported to the server (body sdk_version, User-Agent). The server gates
 *  features on it. Default "0.25.0".
 *  Ownership: `version` is copied. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options or version; empty; a control character, as it
 *  is sent as a header). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_sdk_version(tinker_client_options_t *options, const char *version);

/** Wire mode for forward/backward (default TINKER_WIRE_PROTOBUF).
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options, a value that is no tinker_wire_mode_t).
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_wire_mode(tinker_client_options_t *options, tinker_wire_mode_t mode);

/** Default deadline in ms for every operation started by this client (0 = none, the default).
 *  When it passes, the future ends with TINKER_E_DEADLINE_EXCEEDED (its message names the last
 *  failure it was retrying, if any) and its polling stops. Every duration the library takes or
 *  receives saturates: INT64_MAX means "never", not a wrap into the past.
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options, ms < 0). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_default_deadline_ms(tinker_client_options_t *options, int64_t ms);

/** Session heartbeat period in ms (default 10000, docs/protocol.md §5.2).
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options, ms <= 0). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_heartbeat_interval_ms(tinker_client_options_t *options, int64_t ms);

/** How the REST client waits for a checkpoint archive the server is still building (HTTP 503 to
 *  get_checkpoint_archive_url): it asks again after `delay_ms`, up to `attempts` times, then
 *  handles the 503 like any other (default 30000 ms, 6 times, as the official client).
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options, delay_ms < 0, attempts < 0). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_archive_retry(tinker_client_options_t *options, int64_t delay_ms, int attempts);

/** How often export_session_trace asks again while the export is pending (default 5000 ms, as
 *  the official client). The call's deadline bounds the wait.
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options, ms <= 0). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_trace_poll_interval_ms(tinker_client_options_t *options, int64_t ms);

/** The Hugging Face Hub that get_tokenizer fetches tokenizer files from (docs/hub.md): `url` is
 *  its endpoint, e.g. "https://huggingface.co" or a mirror (a trailing '/' is dropped). NULL
 *  restores the default: env HF_ENDPOINT, else https://huggingface.co.
 *  Ownership: `url` is copied. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options; a URL that is not http(s) with a host, or
 *  that carries user information). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_hub_endpoint(tinker_client_options_t *options, const char *url);

/** The Hub access token (for gated or private repositories), sent as a Bearer credential to the
 *  endpoint's own origin only, never across a redirect to another host, never logged or put in
 *  a message. "" means anonymous even when the environment has a token; NULL restores the
 *  default: env HF_TOKEN, else the file HF_TOKEN_PATH, else $HF_HOME/token.
 *  Ownership: `token` is copied. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options; a control character in the token).
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_hub_token(tinker_client_options_t *options, const char *token);

/** The directory of the Hub cache, laid out as huggingface_hub lays it out (so Python and
 *  libtinker share downloads). NULL restores the default: env HF_HUB_CACHE, else $HF_HOME/hub
 *  (HF_HOME: by default $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface). Created when
 *  missing.
 *  Ownership: `path` is copied. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options; an empty path). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_hub_cache_dir(tinker_client_options_t *options, const char *path);

/** Offline mode (non-zero): get_tokenizer reads the Hub cache only and sends nothing to the Hub;
 *  a tokenizer not cached fails with TINKER_E_UNAVAILABLE. Default: env HF_HUB_OFFLINE
 *  ("1", "ON", "YES" or "TRUE"), else online.
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_hub_offline(tinker_client_options_t *options, int offline);

/** Largest body accepted for an operation's result polled from retrieve_future (forward/backward
 *  outputs, samples), counted after content decoding, so a compression bomb stops here too.
 *  Default 268435456 (256 MiB: the largest real results are tens of MiB). A larger result fails
 *  the operation with TINKER_E_RESOURCE_EXHAUSTED, without retries, naming this option.
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options, bytes <= 0). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_max_result_bytes(tinker_client_options_t *options, int64_t bytes);

/** Largest body accepted for every other response (config, acknowledgements, REST listings,
 *  errors). Default 16777216 (16 MiB). Over it: TINKER_E_RESOURCE_EXHAUSTED, without retries.
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options, bytes <= 0). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_max_response_bytes(tinker_client_options_t *options, int64_t bytes);

/** Log callback and threshold (see tinker_log_callback_t: it runs on library threads and must
 *  not block). Default: none; messages at or above env TINKER_LOG (debug, info, warning, error)
 *  go to stderr when no callback is set, nothing when TINKER_LOG is unset.
 *  `callback` NULL removes it.
 *  Ownership: `user_data` is kept as a pointer and must stay valid while a client created from
 *  these options lives. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options, a level that is no tinker_log_level_t).
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_log_callback(tinker_client_options_t *options, tinker_log_callback_t callback, void *user_data, tinker_log_level_t level);

/** Queue-state callback (see tinker_queue_state_callback_t: it runs on the completion thread).
 *  NULL removes it.
 *  Ownership: `user_data` is kept as a pointer and must stay valid while a client created from
 *  these options lives. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options). Since: 0.1. */
TINKER_API tinker_status_t tinker_client_options_set_queue_state_callback(tinker_client_options_t *options, tinker_queue_state_callback_t callback, void *user_data);

#ifdef __cplusplus
}
#endif

#endif /* TINKER_OPTIONS_H */
