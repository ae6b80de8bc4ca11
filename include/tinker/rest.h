/*
 * tinker/rest.h — the REST management client (runs, checkpoints, sessions, samplers, audit log,
 * billing) and tinker:// paths. The client is created by
 * tinker_service_client_create_rest_client (service.h, S6) and shares that client's runtime.
 * Part of <tinker/tinker.h>, whose conventions apply.
 *
 * A REST client is thread-safe; tinker_rest_client_free must be the last call on it.
 */
#ifndef TINKER_REST_H
#define TINKER_REST_H

#include "tinker/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* =============================================================================================
 * tinker:// paths of checkpoints: tinker://<training_run_id>/<kind>/<name>, where <kind> is
 * "weights" (a training checkpoint: weights and optimizer state, for load_state) or
 * "sampler_weights" (a sampler checkpoint, for sampling). The run id is the server's and may
 * contain ':'; the name may not contain '/'. The REST operations name a checkpoint by its run id
 * and its checkpoint id, "<kind>/<name>"; the _from_tinker_path forms take the path instead and
 * check it the same way before sending anything.
 * =========================================================================================== */

/** Splits a checkpoint's tinker:// path into its parts (no I/O).
 *  Ownership: the caller owns *out (tinker_parsed_path_free); `path` is copied.
 *  Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL path or out; a path that does not start with
 *  tinker://, has other than three '/'-separated parts, an empty part, or a kind other than
 *  weights and sampler_weights; the message says which). Since: 0.1. */
TINKER_API tinker_status_t tinker_path_parse(const char *path, tinker_parsed_path_t **out);

/** The training run id (the model id) of a parsed path.
 *  Ownership: borrowed from `path`. Threads: any thread. Errors: none; NULL for a NULL path.
 *  Since: 0.1. */
TINKER_API const char *tinker_parsed_path_training_run_id(const tinker_parsed_path_t *path);

/** "training" (a weights/ path) or "sampler" (a sampler_weights/ path).
 *  Ownership: borrowed from `path`. Threads: any thread. Errors: none; NULL for a NULL path.
 *  Since: 0.1. */
TINKER_API const char *tinker_parsed_path_checkpoint_type(const tinker_parsed_path_t *path);

/** The checkpoint id, "<kind>/<name>", as the REST operations take it.
 *  Ownership: borrowed from `path`. Threads: any thread. Errors: none; NULL for a NULL path.
 *  Since: 0.1. */
TINKER_API const char *tinker_parsed_path_checkpoint_id(const tinker_parsed_path_t *path);

/** The checkpoint's name (the last part).
 *  Ownership: borrowed from `path`. Threads: any thread. Errors: none; NULL for a NULL path.
 *  Since: 0.1. */
TINKER_API const char *tinker_parsed_path_name(const tinker_parsed_path_t *path);

/** Frees a parsed path.
 *  Ownership: takes `path`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_parsed_path_free(tinker_parsed_path_t *path);

/** Makes `tinker://<training_run_id>/<kind>/<name>`. `kind` is "weights" or "sampler_weights", or
 *  the checkpoint type "training" or "sampler".
 *  Ownership: the caller owns *out (tinker_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (a NULL argument; an empty part, a run id or name with '/',
 *  another kind), TINKER_E_RESOURCE_EXHAUSTED (no memory for the copy). Since: 0.1. */
TINKER_API tinker_status_t tinker_path_format(const char *training_run_id, const char *kind, const char *name, char **out);

/* =============================================================================================
 * Operations. Each returns its result directly on the server (no future on the wire) and needs
 * only the client's configuration, no session. Errors of every operation: TINKER_E_INVALID_ARGUMENT
 * for a NULL or malformed argument (nothing is sent); TINKER_E_NOT_FOUND for a run, checkpoint,
 * session or sampler the server does not know or that belongs to another user (and is not
 * public); TINKER_E_ALREADY_EXISTS for a conflict (HTTP 409, e.g. publishing a public
 * checkpoint); TINKER_E_INVALID_ARGUMENT for other refusals of the request (HTTP 400, with the
 * server's message); TINKER_E_PERMISSION_DENIED (403), TINKER_E_UNAUTHENTICATED (401); then
 * the transport and server statuses every operation has (tinker.h), and TINKER_E_DATA_LOSS for
 * an answer that is not the documented result. The _async form returns at once with a future
 * that ends with the same statuses (take the result with the tinker_future_take_<result> the
 * blocking form names).
 * =========================================================================================== */

/** R1: fetches a training run: its base model, owner, LoRA rank, newest training and sampler checkpoints and user metadata. `access_scope` is "owned" (the caller's) or "accessible"; NULL or "" means "owned". Blocking.
 *  Ownership: the caller owns *out (tinker_training_run_free); training_run_id and access_scope are copied.
 *  Threads: any thread; blocks it. Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_get_training_run(tinker_rest_client_t *client, const char *training_run_id, const char *access_scope, tinker_training_run_t **out);

/** R1, asynchronous: take with tinker_future_take_training_run.
 *  Ownership: the caller owns *out (tinker_future_free); training_run_id and access_scope are copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_get_training_run_async(tinker_rest_client_t *client, const char *training_run_id, const char *access_scope, tinker_future_t **out);

/** R2: fetches the training run a checkpoint's tinker:// path belongs to (the path is checked as tinker_path_parse does); `access_scope` as for R1. Blocking.
 *  Ownership: the caller owns *out (tinker_training_run_free); tinker_path and access_scope are copied.
 *  Threads: any thread; blocks it. Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_get_training_run_by_tinker_path(tinker_rest_client_t *client, const char *tinker_path, const char *access_scope, tinker_training_run_t **out);

/** R2, asynchronous: take with tinker_future_take_training_run.
 *  Ownership: the caller owns *out (tinker_future_free); tinker_path and access_scope are copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_get_training_run_by_tinker_path_async(tinker_rest_client_t *client, const char *tinker_path, const char *access_scope, tinker_future_t **out);

/** R3: fetches what a checkpoint's weights are (base model, LoRA rank, which layers were
 *  trained); the checkpoint may be another user's public one. Blocking.
 *  Ownership: the caller owns *out (tinker_weights_info_free); tinker_path is copied.
 *  Threads: any thread; blocks it. Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_get_weights_info_by_tinker_path(tinker_rest_client_t *client, const char *tinker_path, tinker_weights_info_t **out);

/** R3, asynchronous: take with tinker_future_take_weights_info.
 *  Ownership: the caller owns *out (tinker_future_free); tinker_path is copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_get_weights_info_by_tinker_path_async(tinker_rest_client_t *client, const char *tinker_path, tinker_future_t **out);

/** R4: lists one page of training runs. `limit` >= 1 (the official client's default is 20), `offset` >= 0; `access_scope` as for R1; `project_id` NULL or "" for every project, else only that project's runs. The result's cursor (offset, limit, total_count) says where the page is. Blocking.
 *  Ownership: the caller owns *out (tinker_training_run_list_free); access_scope and project_id are copied.
 *  Threads: any thread; blocks it. Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_list_training_runs(tinker_rest_client_t *client, int64_t limit, int64_t offset, const char *access_scope, const char *project_id, tinker_training_run_list_t **out);

/** R4, asynchronous: take with tinker_future_take_training_run_list.
 *  Ownership: the caller owns *out (tinker_future_free); access_scope and project_id are copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_list_training_runs_async(tinker_rest_client_t *client, int64_t limit, int64_t offset, const char *access_scope, const char *project_id, tinker_future_t **out);

/** R5: lists the checkpoints of a training run. Blocking.
 *  Ownership: the caller owns *out (tinker_checkpoint_list_free); training_run_id is copied. Threads: any thread; blocks it.
 *  Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_list_checkpoints(tinker_rest_client_t *client, const char *training_run_id, tinker_checkpoint_list_t **out);

/** R5, asynchronous: take with tinker_future_take_checkpoint_list.
 *  Ownership: the caller owns *out (tinker_future_free); training_run_id is copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_list_checkpoints_async(tinker_rest_client_t *client, const char *training_run_id, tinker_future_t **out);

/** R6: lists one page of the caller's checkpoints over all their training runs, newest first. `limit` (>= 1; the official client's default is 100) and `offset` (>= 0) choose the page; the result's cursor says where it is. Blocking.
 *  Ownership: the caller owns *out (tinker_checkpoint_list_free). Threads: any thread; blocks it.
 *  Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_list_user_checkpoints(tinker_rest_client_t *client, int64_t limit, int64_t offset, tinker_checkpoint_list_t **out);

/** R6, asynchronous: take with tinker_future_take_checkpoint_list.
 *  Ownership: the caller owns *out (tinker_future_free).
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_list_user_checkpoints_async(tinker_rest_client_t *client, int64_t limit, int64_t offset, tinker_future_t **out);

/** R7: asks for a signed URL that downloads a checkpoint as a .tar.gz archive, and when it expires. The server answers with a redirect, which is read, not followed (a relative Location is made absolute on the base URL; without an Expires header the URL is taken to last 15 minutes), or with the URL as JSON. While the server builds the archive it answers HTTP 503; the request is then sent again every 30 s, 6 times (tinker_client_options_set_archive_retry), before the usual retries, all within the call's deadline. The URL carries no credential of the client's: fetch it with any HTTP client, without the API key. TINKER_E_DATA_LOSS for a redirect without a usable Location. Blocking.
 *  Ownership: the caller owns *out (tinker_checkpoint_archive_url_free); training_run_id and checkpoint_id are copied.
 *  Threads: any thread; blocks it. Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_get_checkpoint_archive_url(tinker_rest_client_t *client, const char *training_run_id, const char *checkpoint_id, tinker_checkpoint_archive_url_t **out);

/** R7, asynchronous: take with tinker_future_take_checkpoint_archive_url.
 *  Ownership: the caller owns *out (tinker_future_free); training_run_id and checkpoint_id are copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_get_checkpoint_archive_url_async(tinker_rest_client_t *client, const char *training_run_id, const char *checkpoint_id, tinker_future_t **out);

/** R8: as R7, for the checkpoint a tinker:// path names. Blocking.
 *  Ownership: the caller owns *out (tinker_checkpoint_archive_url_free); tinker_path is copied.
 *  Threads: any thread; blocks it. Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_get_checkpoint_archive_url_from_tinker_path(tinker_rest_client_t *client, const char *tinker_path, tinker_checkpoint_archive_url_t **out);

/** R8, asynchronous: take with tinker_future_take_checkpoint_archive_url.
 *  Ownership: the caller owns *out (tinker_future_free); tinker_path is copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_get_checkpoint_archive_url_from_tinker_path_async(tinker_rest_client_t *client, const char *tinker_path, tinker_future_t **out);

/** R9: deletes a checkpoint. `checkpoint_id` is "weights/<name>" or "sampler_weights/<name>". Blocking.
 *  Ownership: nothing changes hands; training_run_id and checkpoint_id are copied. Threads: any thread; blocks it.
 *  Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_delete_checkpoint(tinker_rest_client_t *client, const char *training_run_id, const char *checkpoint_id);

/** R9, asynchronous: the future has no result beyond its status.
 *  Ownership: the caller owns *out (tinker_future_free); training_run_id and checkpoint_id are copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_delete_checkpoint_async(tinker_rest_client_t *client, const char *training_run_id, const char *checkpoint_id, tinker_future_t **out);

/** R10: deletes the checkpoint a tinker:// path names. Blocking.
 *  Ownership: nothing changes hands; tinker_path is copied. Threads: any thread; blocks it.
 *  Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_delete_checkpoint_from_tinker_path(tinker_rest_client_t *client, const char *tinker_path);

/** R10, asynchronous: the future has no result beyond its status.
 *  Ownership: the caller owns *out (tinker_future_free); tinker_path is copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_delete_checkpoint_from_tinker_path_async(tinker_rest_client_t *client, const char *tinker_path, tinker_future_t **out);

/** R11: publishes a checkpoint: other users can then see and load it. TINKER_E_ALREADY_EXISTS when it is public already. Blocking.
 *  Ownership: nothing changes hands; training_run_id and checkpoint_id are copied. Threads: any thread; blocks it.
 *  Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_publish_checkpoint(tinker_rest_client_t *client, const char *training_run_id, const char *checkpoint_id);

/** R11, asynchronous: the future has no result beyond its status.
 *  Ownership: the caller owns *out (tinker_future_free); training_run_id and checkpoint_id are copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_publish_checkpoint_async(tinker_rest_client_t *client, const char *training_run_id, const char *checkpoint_id, tinker_future_t **out);

/** R12: publishes the checkpoint a tinker:// path names (see R11). Blocking.
 *  Ownership: nothing changes hands; tinker_path is copied. Threads: any thread; blocks it.
 *  Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_publish_checkpoint_from_tinker_path(tinker_rest_client_t *client, const char *tinker_path);

/** R12, asynchronous: the future has no result beyond its status.
 *  Ownership: the caller owns *out (tinker_future_free); tinker_path is copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_publish_checkpoint_from_tinker_path_async(tinker_rest_client_t *client, const char *tinker_path, tinker_future_t **out);

/** R13: makes a published checkpoint private again. TINKER_E_ALREADY_EXISTS when it is private already. Blocking.
 *  Ownership: nothing changes hands; training_run_id and checkpoint_id are copied. Threads: any thread; blocks it.
 *  Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_unpublish_checkpoint(tinker_rest_client_t *client, const char *training_run_id, const char *checkpoint_id);

/** R13, asynchronous: the future has no result beyond its status.
 *  Ownership: the caller owns *out (tinker_future_free); training_run_id and checkpoint_id are copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_unpublish_checkpoint_async(tinker_rest_client_t *client, const char *training_run_id, const char *checkpoint_id, tinker_future_t **out);

/** R14: makes the checkpoint a tinker:// path names private again (see R13). Blocking.
 *  Ownership: nothing changes hands; tinker_path is copied. Threads: any thread; blocks it.
 *  Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_unpublish_checkpoint_from_tinker_path(tinker_rest_client_t *client, const char *tinker_path);

/** R14, asynchronous: the future has no result beyond its status.
 *  Ownership: the caller owns *out (tinker_future_free); tinker_path is copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_unpublish_checkpoint_from_tinker_path_async(tinker_rest_client_t *client, const char *tinker_path, tinker_future_t **out);

/** R15: sets the time to live of the checkpoint a tinker:// path names, counted from now; `ttl_seconds` 0 removes it (the checkpoint never expires), a negative value is refused. Blocking.
 *  Ownership: nothing changes hands; tinker_path is copied. Threads: any thread; blocks it.
 *  Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_set_checkpoint_ttl_from_tinker_path(tinker_rest_client_t *client, const char *tinker_path, int64_t ttl_seconds);

/** R15, asynchronous: the future has no result beyond its status.
 *  Ownership: the caller owns *out (tinker_future_free); tinker_path is copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_set_checkpoint_ttl_from_tinker_path_async(tinker_rest_client_t *client, const char *tinker_path, int64_t ttl_seconds, tinker_future_t **out);

/** R16: fetches a session: the training runs and samplers made in it. `access_scope` is
 *  "owned" (the caller's) or "accessible"; NULL or "" means "owned". Blocking.
 *  Ownership: the caller owns *out (tinker_session_free); session_id and access_scope are copied.
 *  Threads: any thread; blocks it. Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_get_session(tinker_rest_client_t *client, const char *session_id, const char *access_scope, tinker_session_t **out);

/** R16, asynchronous: take with tinker_future_take_session.
 *  Ownership: the caller owns *out (tinker_future_free); session_id and access_scope are copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_get_session_async(tinker_rest_client_t *client, const char *session_id, const char *access_scope, tinker_future_t **out);

/** R17: lists one page of session ids. `limit` >= 1 (the official client's default is 20),
 *  `offset` >= 0; `access_scope` as for R16. Blocking.
 *  Ownership: the caller owns *out (tinker_session_list_free); access_scope is copied.
 *  Threads: any thread; blocks it. Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_list_sessions(tinker_rest_client_t *client, int64_t limit, int64_t offset, const char *access_scope, tinker_session_list_t **out);

/** R17, asynchronous: take with tinker_future_take_session_list.
 *  Ownership: the caller owns *out (tinker_future_free); access_scope is copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_list_sessions_async(tinker_rest_client_t *client, int64_t limit, int64_t offset, const char *access_scope, tinker_future_t **out);

/** R18: assigns a session to a project (both ids non-empty). Blocking.
 *  Ownership: nothing changes hands; session_id and project_id are copied. Threads: any thread; blocks it.
 *  Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_assign_session_project(tinker_rest_client_t *client, const char *session_id, const char *project_id);

/** R18, asynchronous: the future has no result beyond its status.
 *  Ownership: the caller owns *out (tinker_future_free); session_id and project_id are copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_assign_session_project_async(tinker_rest_client_t *client, const char *session_id, const char *project_id, tinker_future_t **out);

/** R19: exports a session's trace and returns the URL it downloads from. While the server reports the export pending, it is asked for again every 5 s (tinker_client_options_set_trace_poll_interval_ms), within the call's deadline; TINKER_E_REQUEST_FAILED with the server's reason when it reports the export failed. Blocking.
 *  Ownership: the caller owns *out (tinker_free), the UTF-8 URL; session_id is copied.
 *  Threads: any thread; blocks it. Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_export_session_trace(tinker_rest_client_t *client, const char *session_id, char **out);

/** R19, asynchronous: take with tinker_future_take_string.
 *  Ownership: the caller owns *out (tinker_future_free); session_id is copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_export_session_trace_async(tinker_rest_client_t *client, const char *session_id, tinker_future_t **out);

/** R20: fetches a sampler (a sampling session id): its base model and the checkpoint it samples. Blocking.
 *  Ownership: the caller owns *out (tinker_sampler_free); sampler_id is copied. Threads: any thread; blocks it.
 *  Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_get_sampler(tinker_rest_client_t *client, const char *sampler_id, tinker_sampler_t **out);

/** R20, asynchronous: take with tinker_future_take_sampler.
 *  Ownership: the caller owns *out (tinker_future_free); sampler_id is copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_get_sampler_async(tinker_rest_client_t *client, const char *sampler_id, tinker_future_t **out);

/** R21: fetches audit log entries (the server may require an administrator's role: TINKER_E_PERMISSION_DENIED). `event_type` is "all" or "checkpoints" (NULL or "": "all"); `day` a UTC day "YYYY-MM-DD", or NULL or "" for every day. Anything else is refused before sending. Blocking.
 *  Ownership: the caller owns *out (tinker_audit_log_free); event_type and day are copied.
 *  Threads: any thread; blocks it. Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_get_audit_log(tinker_rest_client_t *client, const char *event_type, const char *day, tinker_audit_log_t **out);

/** R21, asynchronous: take with tinker_future_take_audit_log.
 *  Ownership: the caller owns *out (tinker_future_free); event_type and day are copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_get_audit_log_async(tinker_rest_client_t *client, const char *event_type, const char *day, tinker_future_t **out);

/** R22: fetches usage events in hourly buckets from `starting_on` up to `ending_before`, both RFC 3339 times such as "2026-12-01T00:00:00Z" (checked before sending). The server wants whole UTC hours, a window of at most 14 days and no future time, and refuses others with TINKER_E_INVALID_ARGUMENT and its message. Blocking.
 *  Ownership: the caller owns *out (tinker_billing_usage_free); starting_on and ending_before are copied.
 *  Threads: any thread; blocks it. Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_get_billing_usage(tinker_rest_client_t *client, const char *starting_on, const char *ending_before, tinker_billing_usage_t **out);

/** R22, asynchronous: take with tinker_future_take_billing_usage.
 *  Ownership: the caller owns *out (tinker_future_free); starting_on and ending_before are copied.
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_get_billing_usage_async(tinker_rest_client_t *client, const char *starting_on, const char *ending_before, tinker_future_t **out);

/** R23: says who the caller is, from the claims of the JWT the client authenticates with; no request of its own beyond the client's configuration step. TINKER_E_UNIMPLEMENTED when the server does not use JWTs (the credential is then a plain API key, which carries no identity); TINKER_E_DATA_LOSS when the JWT has no readable "sub" claim. Blocking.
 *  Ownership: the caller owns *out (tinker_whoami_free). Threads: any thread; blocks it.
 *  Errors: see above. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_whoami(tinker_rest_client_t *client, tinker_whoami_t **out);

/** R23, asynchronous: take with tinker_future_take_whoami.
 *  Ownership: the caller owns *out (tinker_future_free).
 *  Threads: any thread; does not block. Errors: TINKER_E_INVALID_ARGUMENT (as the blocking
 *  call); the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_whoami_async(tinker_rest_client_t *client, tinker_future_t **out);

/* =============================================================================================
 * Every page of the caller's checkpoints, beyond the official client: a cursor that asks for one
 * page after the other (R6) until the server's total_count is reached. Offset paging is not a
 * snapshot: a checkpoint saved or deleted meanwhile can make a later page repeat or skip one.
 * =========================================================================================== */

/** Makes a cursor at the first page; no I/O.
 *  Ownership: the caller owns *out (tinker_checkpoint_cursor_free), which borrows `client`:
 *  free the cursor first. Threads: any thread; the cursor itself is used by one thread at a time.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out; page_size below 1). Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_user_checkpoints_cursor(tinker_rest_client_t *client, int64_t page_size, tinker_checkpoint_cursor_t **out);

/** The next page, or *page NULL with TINKER_OK when there is none left. Blocking: one
 *  list_user_checkpoints request per page.
 *  Ownership: the caller owns *page (tinker_checkpoint_list_free). Threads: the cursor's thread;
 *  blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL cursor or page); else the statuses of
 *  tinker_rest_client_list_user_checkpoints, after which the cursor stays where it was (the next
 *  call asks for the same page). Since: 0.1. */
TINKER_API tinker_status_t tinker_checkpoint_cursor_next(tinker_checkpoint_cursor_t *cursor, tinker_checkpoint_list_t **page);

/** Frees a cursor.
 *  Ownership: takes `cursor`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_checkpoint_cursor_free(tinker_checkpoint_cursor_t *cursor);

/* =============================================================================================
 * Every page of the caller's training runs: a cursor like the checkpoints' above, on R4.
 * =========================================================================================== */

/** Makes a cursor at the first page of training runs; no I/O. `access_scope` and `project_id` as
 *  for tinker_rest_client_list_training_runs.
 *  Ownership: the caller owns *out (tinker_training_run_cursor_free), which borrows `client`:
 *  free the cursor first; access_scope and project_id are copied. Threads: any thread; the cursor
 *  itself is used by one thread at a time.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out; page_size below 1; another
 *  access_scope). Since: 0.1. */
TINKER_API tinker_status_t tinker_rest_client_training_runs_cursor(tinker_rest_client_t *client, int64_t page_size, const char *access_scope, const char *project_id, tinker_training_run_cursor_t **out);

/** The next page, or *page NULL with TINKER_OK when there is none left. Blocking: one
 *  list_training_runs request per page.
 *  Ownership: the caller owns *page (tinker_training_run_list_free). Threads: the cursor's
 *  thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL cursor or page); else the statuses of
 *  tinker_rest_client_list_training_runs, after which the cursor stays where it was. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_run_cursor_next(tinker_training_run_cursor_t *cursor, tinker_training_run_list_t **page);

/** Frees a cursor.
 *  Ownership: takes `cursor`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_training_run_cursor_free(tinker_training_run_cursor_t *cursor);

/** Releases a REST client (see tinker_service_client_free for the last-handle rule).
 *  Ownership: takes `client`; NULL is allowed. Threads: any thread, once per handle, as the last
 *  call on it. Errors: none. Since: 0.1. */
TINKER_API void tinker_rest_client_free(tinker_rest_client_t *client);

#ifdef __cplusplus
}
#endif

#endif /* TINKER_REST_H */
