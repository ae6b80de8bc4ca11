/*
 * tinker/training.h — training: the input builders (model inputs, datums, batches, loss-function
 * configs, Adam parameters, LoRA configs, metadata), the training client and its operations
 * (T1–T12), and the custom loss objects (the callback's input and output, the two-phase step).
 * Part of <tinker/tinker.h>, whose conventions apply; "the operation statuses" below are the list
 * given there. Training clients are created by the service client (service.h, S2–S4); their
 * results are read with results.h.
 *
 * Builders over borrowed arrays: large arrays (token ids, tensors, image bytes) are BORROWED: a
 * builder stores the pointer and length, not a copy. They must stay valid and unchanged until
 * every builder that refers to them has been handed to an operation (which encodes them into its
 * request before it returns, blocking or _async) or freed. After that the caller may free them
 * at once. Builders are not thread-safe; building one per thread is fine, and several threads
 * may read (pass to operations) a builder that no thread modifies.
 *
 * Ordering: all operations of one training client are ordered (docs/protocol.md §6.1): each
 * reserves its seq_id(s) when it is called, in call order, across all operation kinds;
 * submissions reach the server strictly in that order, results arrive in any order. A failed
 * submission still lets the next one go. tinker_future_is_submitted /
 * tinker_future_wait_submitted tell when a request reached the server, so callers can pipeline
 * (submit forward_backward and optim_step back to back, then wait for both).
 */
#ifndef TINKER_TRAINING_H
#define TINKER_TRAINING_H

#include "tinker/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* =============================================================================================
 * Model inputs
 * =========================================================================================== */

/** Creates an empty model input.
 *  Ownership: the caller owns *out (tinker_model_input_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL out). Since: 0.1. */
TINKER_API tinker_status_t tinker_model_input_new(tinker_model_input_t **out);

/** Appends an encoded_text chunk of `count` (> 0) int32 token ids.
 *  Ownership: `tokens` is borrowed (see the top of this header).
 *  Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL input or tokens, count 0). Since: 0.1. */
TINKER_API tinker_status_t tinker_model_input_add_text_int32(tinker_model_input_t *input, const int32_t *tokens, size_t count);

/** Appends an encoded_text chunk of `count` (> 0) int64 token ids; each must fit int32, checked
 *  when the input is encoded (the operation then fails TINKER_E_INVALID_ARGUMENT).
 *  Ownership: `tokens` is borrowed (see the top of this header).
 *  Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL input or tokens, count 0). Since: 0.1. */
TINKER_API tinker_status_t tinker_model_input_add_text_int64(tinker_model_input_t *input, const int64_t *tokens, size_t count);

/** Appends an image chunk: `size` (> 0) bytes of PNG or JPEG, `format` "png" or "jpeg",
 *  `expected_tokens` its length in tokens, or -1 when unknown (the length is then unknown).
 *  Ownership: `data` is borrowed (see the top of this header); `format` is copied.
 *  Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL input, data or format; size 0; another format;
 *  expected_tokens < -1). Since: 0.1. */
TINKER_API tinker_status_t tinker_model_input_add_image(tinker_model_input_t *input, const uint8_t *data, size_t size, const char *format, int32_t expected_tokens);

/** Appends an image_asset_pointer chunk (a path or URL). Such chunks have no protobuf form:
 *  forward/backward with them fails in protobuf wire mode (docs/protocol.md §10 item 21).
 *  Ownership: `location` and `format` are copied. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL input, location or format; empty location; a format
 *  other than "png"/"jpeg"; expected_tokens < -1). Since: 0.1. */
TINKER_API tinker_status_t tinker_model_input_add_image_asset_pointer(tinker_model_input_t *input, const char *location, const char *format, int32_t expected_tokens);

/** Length in tokens, into *length.
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the input.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL input or length), TINKER_E_FAILED_PRECONDITION (an
 *  image chunk without expected_tokens); *length is set only on TINKER_OK. Since: 0.1. */
TINKER_API tinker_status_t tinker_model_input_length(const tinker_model_input_t *input, int64_t *length);

/** Frees the builder (not the borrowed arrays).
 *  Ownership: takes `input`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_model_input_free(tinker_model_input_t *input);

/* =============================================================================================
 * Datums and batches
 * =========================================================================================== */

/** Creates a datum from a model input.
 *  Ownership: the caller owns *out (tinker_datum_free); the input's chunk list is copied (the
 *  input may be freed), its arrays stay borrowed. Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL out or input). Since: 0.1. */
TINKER_API tinker_status_t tinker_datum_new(tinker_datum_t **out, const tinker_model_input_t *input);

/** Adds a float32 loss input named `name` (`numel` elements). `shape` may be NULL with ndim 0
 *  (flat), else its product must equal numel. The protocol's key rules apply (§7.2):
 *  "target_tokens" must be int64; "weights", "advantages", "logprobs", "clip_low_threshold",
 *  "clip_high_threshold" must be float32; other names take either type. Sparse inputs:
 *  tinker_datum_add_sparse_tensor_*.
 *  Ownership: `data` is borrowed (see the top of this header); `name` and `shape` are copied.
 *  Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL datum or name; empty or repeated name; the wrong type
 *  for the name; NULL data with numel > 0 or NULL shape with ndim > 0; a negative dimension; a
 *  shape whose product is not numel). Since: 0.1. */
TINKER_API tinker_status_t tinker_datum_add_tensor_float32(tinker_datum_t *datum, const char *name, const float *data, size_t numel, const int64_t *shape, size_t ndim);

/** Adds an int64 loss input (see tinker_datum_add_tensor_float32).
 *  Ownership: `data` is borrowed (see the top of this header); `name` and `shape` are copied.
 *  Threads: one thread at a time per builder.
 *  Errors: as tinker_datum_add_tensor_float32. Since: 0.1. */
TINKER_API tinker_status_t tinker_datum_add_tensor_int64(tinker_datum_t *datum, const char *name, const int64_t *data, size_t numel, const int64_t *shape, size_t ndim);

/** Adds a sparse CSR float32 loss input (§7.2): a 2-D tensor of dense `shape` {nrows, ncols}
 *  (ndim must be 2) whose `count` non-zero `values` sit in row r at positions
 *  crow_indices[r] .. crow_indices[r+1]-1, in columns col_indices[...]. Checked here:
 *  crow_count == nrows + 1, crow_indices from 0 to count and never decreasing,
 *  col_count == count, every column in [0, ncols). Key → dtype rules as for
 *  tinker_datum_add_tensor_float32. Sent as the protobuf SparseCsr (or the JSON sparse fields in
 *  JSON wire mode).
 *  Ownership: `values`, `crow_indices` and `col_indices` are borrowed (see the top of this
 *  header); `name` and `shape` are copied. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (as tinker_datum_add_tensor_float32; NULL index arrays
 *  with a nonzero count; ndim other than 2; any CSR rule above broken, saying which).
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_datum_add_sparse_tensor_float32(tinker_datum_t *datum, const char *name, const float *values, size_t count, const int64_t *crow_indices, size_t crow_count, const int64_t *col_indices, size_t col_count, const int64_t *shape, size_t ndim);

/** As tinker_datum_add_sparse_tensor_float32, for int64 values.
 *  Ownership: the arrays are borrowed (see the top of this header); `name` and `shape` are
 *  copied. Threads: one thread at a time per builder.
 *  Errors: as tinker_datum_add_sparse_tensor_float32. Since: 0.1. */
TINKER_API tinker_status_t tinker_datum_add_sparse_tensor_int64(tinker_datum_t *datum, const char *name, const int64_t *values, size_t count, const int64_t *crow_indices, size_t crow_count, const int64_t *col_indices, size_t col_count, const int64_t *shape, size_t ndim);

/** Frees the datum (not the borrowed arrays).
 *  Ownership: takes `datum`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_datum_free(tinker_datum_t *datum);

/** Creates an empty batch.
 *  Ownership: the caller owns *out (tinker_batch_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL out). Since: 0.1. */
TINKER_API tinker_status_t tinker_batch_new(tinker_batch_t **out);

/** Appends a datum.
 *  Ownership: the datum's description is copied (the datum may be freed); its arrays stay
 *  borrowed. Threads: one thread at a time per batch.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL batch or datum). Since: 0.1. */
TINKER_API tinker_status_t tinker_batch_add(tinker_batch_t *batch, const tinker_datum_t *datum);

/** Number of datums.
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the batch.
 *  Errors: none; a NULL batch gives 0. Since: 0.1. */
TINKER_API size_t tinker_batch_size(const tinker_batch_t *batch);

/** Frees the batch (not the borrowed arrays).
 *  Ownership: takes `batch`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_batch_free(tinker_batch_t *batch);

/* =============================================================================================
 * Loss-function configs, Adam parameters, LoRA configs, metadata
 * =========================================================================================== */

/** Creates an empty loss-function config.
 *  Ownership: the caller owns *out (tinker_loss_fn_config_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL out). Since: 0.1. */
TINKER_API tinker_status_t tinker_loss_fn_config_new(tinker_loss_fn_config_t **out);

/** Sets `key` to `value` (later value wins).
 *  Ownership: `key` is copied. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL config or key, empty key, a value that is not
 *  finite). Since: 0.1. */
TINKER_API tinker_status_t tinker_loss_fn_config_set(tinker_loss_fn_config_t *config, const char *key, double value);

/** Frees the config.
 *  Ownership: takes `config`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_loss_fn_config_free(tinker_loss_fn_config_t *config);

/** Creates Adam parameters with the official defaults: learning_rate 1e-4, beta1 0.9,
 *  beta2 0.95, eps 1e-12, weight_decay 0 (decoupled), grad_clip_norm 0 (no clipping).
 *  Ownership: the caller owns *out (tinker_adam_params_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL out). Since: 0.1. */
TINKER_API tinker_status_t tinker_adam_params_new(tinker_adam_params_t **out);

/** Learning rate, finite and >= 0 (as every Adam setter: NaN and infinity are rejected).
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL params, a value out of range). Since: 0.1. */
TINKER_API tinker_status_t tinker_adam_params_set_learning_rate(tinker_adam_params_t *params, double value);

/** The learning rate set, or the default (1e-4).
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the builder.
 *  Errors: none; a NULL builder gives the default. Since: 0.1. */
TINKER_API double tinker_adam_params_get_learning_rate(const tinker_adam_params_t *params);

/** beta1 in [0, 1).
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL params, a value out of range). Since: 0.1. */
TINKER_API tinker_status_t tinker_adam_params_set_beta1(tinker_adam_params_t *params, double value);

/** The beta1 set, or the default (0.9).
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the builder.
 *  Errors: none; a NULL builder gives the default. Since: 0.1. */
TINKER_API double tinker_adam_params_get_beta1(const tinker_adam_params_t *params);

/** beta2 in [0, 1).
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL params, a value out of range). Since: 0.1. */
TINKER_API tinker_status_t tinker_adam_params_set_beta2(tinker_adam_params_t *params, double value);

/** The beta2 set, or the default (0.95).
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the builder.
 *  Errors: none; a NULL builder gives the default. Since: 0.1. */
TINKER_API double tinker_adam_params_get_beta2(const tinker_adam_params_t *params);

/** eps, finite and >= 0.
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL params, a value out of range). Since: 0.1. */
TINKER_API tinker_status_t tinker_adam_params_set_eps(tinker_adam_params_t *params, double value);

/** The eps set, or the default (1e-12).
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the builder.
 *  Errors: none; a NULL builder gives the default. Since: 0.1. */
TINKER_API double tinker_adam_params_get_eps(const tinker_adam_params_t *params);

/** Decoupled weight decay, finite and >= 0.
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL params, a value out of range). Since: 0.1. */
TINKER_API tinker_status_t tinker_adam_params_set_weight_decay(tinker_adam_params_t *params, double value);

/** The weight decay set, or the default (0).
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the builder.
 *  Errors: none; a NULL builder gives the default. Since: 0.1. */
TINKER_API double tinker_adam_params_get_weight_decay(const tinker_adam_params_t *params);

/** Global gradient-norm clip, finite and >= 0 (0 = none).
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL params, a value out of range). Since: 0.1. */
TINKER_API tinker_status_t tinker_adam_params_set_grad_clip_norm(tinker_adam_params_t *params, double value);

/** The gradient-norm clip set, or the default (0).
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the builder.
 *  Errors: none; a NULL builder gives the default. Since: 0.1. */
TINKER_API double tinker_adam_params_get_grad_clip_norm(const tinker_adam_params_t *params);

/** Frees the parameters.
 *  Ownership: takes `params`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_adam_params_free(tinker_adam_params_t *params);

/** Creates a LoRA config with the official defaults: rank 32, no seed, train_mlp, train_attn
 *  and train_unembed all on.
 *  Ownership: the caller owns *out (tinker_lora_config_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL out). Since: 0.1. */
TINKER_API tinker_status_t tinker_lora_config_new(tinker_lora_config_t **out);

/** LoRA rank, > 0.
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL config, rank <= 0). Since: 0.1. */
TINKER_API tinker_status_t tinker_lora_config_set_rank(tinker_lora_config_t *config, int32_t rank);

/** The rank set, or the default (32).
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the builder.
 *  Errors: none; a NULL builder gives the default. Since: 0.1. */
TINKER_API int32_t tinker_lora_config_get_rank(const tinker_lora_config_t *config);

/** Seed of the adapter initialisation (default: none, the server picks one).
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL config). Since: 0.1. */
TINKER_API tinker_status_t tinker_lora_config_set_seed(tinker_lora_config_t *config, int64_t seed);

/** Turns adapters on the MLP layers on (nonzero) or off (0).
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL config). Since: 0.1. */
TINKER_API tinker_status_t tinker_lora_config_set_train_mlp(tinker_lora_config_t *config, int on);

/** 1 if adapters on the MLP layers are on (the default), 0 if off.
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the builder.
 *  Errors: none; a NULL builder gives the default (1). Since: 0.1. */
TINKER_API int tinker_lora_config_get_train_mlp(const tinker_lora_config_t *config);

/** Turns adapters on the attention layers on (nonzero) or off (0).
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL config). Since: 0.1. */
TINKER_API tinker_status_t tinker_lora_config_set_train_attn(tinker_lora_config_t *config, int on);

/** 1 if adapters on the attention layers are on (the default), 0 if off.
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the builder.
 *  Errors: none; a NULL builder gives the default (1). Since: 0.1. */
TINKER_API int tinker_lora_config_get_train_attn(const tinker_lora_config_t *config);

/** Turns adapters on the unembedding layer on (nonzero) or off (0).
 *  Ownership: nothing retained. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL config). Since: 0.1. */
TINKER_API tinker_status_t tinker_lora_config_set_train_unembed(tinker_lora_config_t *config, int on);

/** 1 if adapters on the unembedding layer are on (the default), 0 if off.
 *  Ownership: nothing changes hands. Threads: any thread, while no thread modifies the builder.
 *  Errors: none; a NULL builder gives the default (1). Since: 0.1. */
TINKER_API int tinker_lora_config_get_train_unembed(const tinker_lora_config_t *config);

/** Frees the config.
 *  Ownership: takes `config`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_lora_config_free(tinker_lora_config_t *config);

/** Creates empty metadata.
 *  Ownership: the caller owns *out (tinker_metadata_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL out). Since: 0.1. */
TINKER_API tinker_status_t tinker_metadata_new(tinker_metadata_t **out);

/** Sets `key` to `value` (later value wins).
 *  Ownership: `key` and `value` are copied. Threads: one thread at a time per builder.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL metadata, key or value). Since: 0.1. */
TINKER_API tinker_status_t tinker_metadata_set(tinker_metadata_t *metadata, const char *key, const char *value);

/** Frees the metadata.
 *  Ownership: takes `metadata`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_metadata_free(tinker_metadata_t *metadata);

/** Number of keys. Reads a caller's metadata or one a result lends (tinker_training_run_user_metadata).
 *  Ownership: nothing changes hands. Threads: any thread while nothing sets keys.
 *  Errors: none; 0 for NULL metadata. Since: 0.1. */
TINKER_API size_t tinker_metadata_count(const tinker_metadata_t *metadata);

/** Key `index`, in key order (bytewise).
 *  Ownership: borrowed from `metadata` until it changes or is freed. Threads: as tinker_metadata_count.
 *  Errors: none; NULL for NULL metadata or an index out of range. Since: 0.1. */
TINKER_API const char *tinker_metadata_key(const tinker_metadata_t *metadata, size_t index);

/** The value of key `index`.
 *  Ownership: borrowed from `metadata` until it changes or is freed. Threads: as tinker_metadata_count.
 *  Errors: none; NULL for NULL metadata or an index out of range. Since: 0.1. */
TINKER_API const char *tinker_metadata_value(const tinker_metadata_t *metadata, size_t index);

/** The value of `key`.
 *  Ownership: borrowed from `metadata` until it changes or is freed. Threads: as tinker_metadata_count.
 *  Errors: none; NULL for NULL metadata or key, or a key not present. Since: 0.1. */
TINKER_API const char *tinker_metadata_get(const tinker_metadata_t *metadata, const char *key);

/* =============================================================================================
 * The training client (created by service.h, S2–S4)
 * =========================================================================================== */

/** The training run's model id (= training run id).
 *  Ownership: borrowed from the client, valid while it lives. Threads: any thread.
 *  Errors: none; a NULL client gives NULL. Since: 0.1. */
TINKER_API const char *tinker_training_client_model_id(const tinker_training_client_t *client);

/** Releases the handle (see tinker_service_client_free for the last-handle rule). Pending
 *  operations keep running.
 *  Ownership: takes `client`; NULL is allowed. Threads: any thread, once per handle, as the last
 *  call on it. Errors: none. Since: 0.1. */
TINKER_API void tinker_training_client_free(tinker_training_client_t *client);

/* =============================================================================================
 * Forward and forward/backward (T1, T2)
 * =========================================================================================== */

/** T1: forward pass without gradients: /forward_backward with forward_only (§6.4). `data` must
 *  hold at least one datum; it is split into chunks by the server's limits (§6.2) and the
 *  chunk results combined (§6.3). `loss_fn` e.g. "cross_entropy" (not checked client-side);
 *  `config` may be NULL. Blocking.
 *  Ownership: the caller owns *out (tinker_forward_backward_output_free); `data` and `config`
 *  are encoded before the request is sent and stay the caller's. Threads: any thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client, data, loss_fn or out; an empty batch; a datum
 *  that cannot be encoded, e.g. a token id outside int32); else the operation statuses, e.g.
 *  TINKER_E_DATA_LOSS (an undecodable result, or one whose output count differs from the datum
 *  count), TINKER_E_RESOURCE_EXHAUSTED (a result over max_result_bytes). Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward(tinker_training_client_t *client, const tinker_batch_t *data, const char *loss_fn, const tinker_loss_fn_config_t *config, tinker_forward_backward_output_t **out);

/** T1, asynchronous: take with tinker_future_take_forward_backward_output.
 *  Ownership: the caller owns *out (tinker_future_free); `data` and `config` are encoded before
 *  this returns. Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (as the blocking call); the future ends with the statuses
 *  of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward_async(tinker_training_client_t *client, const tinker_batch_t *data, const char *loss_fn, const tinker_loss_fn_config_t *config, tinker_future_t **out);

/** T2: forward and backward; gradients accumulate on the server until optim_step. Blocking.
 *  Ownership: the caller owns *out (tinker_forward_backward_output_free); `data` and `config`
 *  are encoded before the request is sent and stay the caller's. Threads: any thread; blocks it.
 *  Errors: as tinker_training_client_forward. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward_backward(tinker_training_client_t *client, const tinker_batch_t *data, const char *loss_fn, const tinker_loss_fn_config_t *config, tinker_forward_backward_output_t **out);

/** T2, asynchronous: take with tinker_future_take_forward_backward_output.
 *  Ownership: the caller owns *out (tinker_future_free); `data` and `config` are encoded before
 *  this returns. Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (as the blocking call); the future ends with the statuses
 *  of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward_backward_async(tinker_training_client_t *client, const tinker_batch_t *data, const char *loss_fn, const tinker_loss_fn_config_t *config, tinker_future_t **out);

/* =============================================================================================
 * Custom loss (T3): the callback's input and output objects
 * =========================================================================================== */

/** Number of datums.
 *  Ownership: nothing changes hands. Threads: inside the loss callback only.
 *  Errors: none; a NULL input gives 0. Since: 0.1. */
TINKER_API size_t tinker_custom_loss_input_num_datums(const tinker_custom_loss_input_t *input);

/** The logprobs of datum `index` (float32, `*count` elements).
 *  Ownership: *data is borrowed from the input, valid during the callback.
 *  Threads: inside the loss callback only.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL input, data or count), TINKER_E_OUT_OF_RANGE (index).
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_custom_loss_input_logprobs(const tinker_custom_loss_input_t *input, size_t index, const float **data, size_t *count);

/** The int64 loss input `name` of datum `index` as the caller gave it (a copy the library kept);
 *  only "target_tokens" exists.
 *  Ownership: *data is borrowed from the input, valid during the callback.
 *  Threads: inside the loss callback only.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL input, name, data or count), TINKER_E_OUT_OF_RANGE
 *  (index), TINKER_E_NOT_FOUND (any other name). Since: 0.1. */
TINKER_API tinker_status_t tinker_custom_loss_input_tensor_int64(const tinker_custom_loss_input_t *input, size_t index, const char *name, const int64_t **data, size_t *count);

/** The float32 loss input `name` of datum `index`; only "weights" exists, when the datum had it.
 *  Ownership: *data is borrowed from the input, valid during the callback.
 *  Threads: inside the loss callback only.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL input, name, data or count), TINKER_E_OUT_OF_RANGE
 *  (index), TINKER_E_NOT_FOUND (any other name, or no weights). Since: 0.1. */
TINKER_API tinker_status_t tinker_custom_loss_input_tensor_float32(const tinker_custom_loss_input_t *input, size_t index, const char *name, const float **data, size_t *count);

/** Sets the loss value (reported as metric "loss:sum" unless the callback adds its own).
 *  Ownership: nothing retained. Threads: inside the loss callback only.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL output). Since: 0.1. */
TINKER_API tinker_status_t tinker_custom_loss_output_set_loss(tinker_custom_loss_output_t *output, double loss);

/** Sets d loss / d logprobs of datum `index`. Every datum needs one.
 *  Ownership: `gradient` is copied. Threads: inside the loss callback only.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL output or gradient; `count` other than the datum's
 *  logprob count), TINKER_E_OUT_OF_RANGE (index). Since: 0.1. */
TINKER_API tinker_status_t tinker_custom_loss_output_set_gradient(tinker_custom_loss_output_t *output, size_t index, const float *gradient, size_t count);

/** Adds a metric merged into the result (names need no ":reduction" suffix).
 *  Ownership: `name` is copied. Threads: inside the loss callback only.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL output or name). Since: 0.1. */
TINKER_API tinker_status_t tinker_custom_loss_output_add_metric(tinker_custom_loss_output_t *output, const char *name, double value);

/* =============================================================================================
 * Custom loss (T3): the callback form and the two-phase form
 * =========================================================================================== */

/** T3: forward_backward with a loss computed by `loss_fn` on the client (§6.5): runs forward
 *  with cross_entropy (weights zero where absent), calls `loss_fn`, then sends forward_backward
 *  with `weights = -gradient` and merges the callback's metrics. Datums may only carry
 *  "target_tokens" (required) and "weights". Blocking.
 *  Ownership: the caller owns *out (tinker_forward_backward_output_free); `data` is copied before
 *  the call returns; `user_data` stays the caller's and is handed to `loss_fn`.
 *  Threads: any thread but this client's completion thread (where `loss_fn` runs); blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client, data, loss_fn or out; an empty batch; another
 *  loss input or no target_tokens; a datum the callback left without a gradient); the status
 *  `loss_fn` returned, if not TINKER_OK; else the operation statuses, e.g. TINKER_E_DATA_LOSS
 *  (forward logprobs that do not match a datum's target tokens). Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward_backward_custom(tinker_training_client_t *client, const tinker_batch_t *data, tinker_custom_loss_fn_t loss_fn, void *user_data, tinker_forward_backward_output_t **out);

/** T3, asynchronous: take with tinker_future_take_forward_backward_output.
 *  Ownership: the caller owns *out (tinker_future_free); `data` is copied before this returns;
 *  `user_data` must stay valid until the future finishes.
 *  Threads: any thread; does not block; `loss_fn` runs later on the completion thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client, data, loss_fn or out; a batch T3 refuses);
 *  the future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward_backward_custom_async(tinker_training_client_t *client, const tinker_batch_t *data, tinker_custom_loss_fn_t loss_fn, void *user_data, tinker_future_t **out);

/** Phase one of T3 (see tinker_custom_loss_step_t): copies `data`, runs forward with
 *  cross_entropy and returns the step. Blocking.
 *  Ownership: the caller owns *out (tinker_custom_loss_step_free); `data` is copied.
 *  Threads: any thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client, data or out; an empty batch; datums carrying
 *  other inputs than "target_tokens" and "weights", or no target_tokens: nothing is sent); else
 *  the operation statuses, e.g. TINKER_E_DATA_LOSS (logprobs that do not match the target
 *  tokens). Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward_backward_custom_begin(tinker_training_client_t *client, const tinker_batch_t *data, tinker_custom_loss_step_t **out);

/** Phase one of T3, asynchronous: take with tinker_future_take_custom_loss_step.
 *  Ownership: the caller owns *out (tinker_future_free); `data` is copied before this returns.
 *  Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (as the blocking call); the future ends with the statuses
 *  of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward_backward_custom_begin_async(tinker_training_client_t *client, const tinker_batch_t *data, tinker_future_t **out);

/** The forward pass's output: per datum a float32 tensor "logprobs" (same length as that
 *  datum's target_tokens).
 *  Ownership: borrowed from the step, valid until the step is freed.
 *  Threads: any thread, while no thread modifies the step.
 *  Errors: none; a NULL step gives NULL. Since: 0.1. */
TINKER_API const tinker_forward_backward_output_t *tinker_custom_loss_step_forward_output(const tinker_custom_loss_step_t *step);

/** Sets the loss value (reported as metric "loss:sum" unless a metric of that name is added).
 *  Ownership: nothing retained. Threads: one thread at a time per step.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL step). Since: 0.1. */
TINKER_API tinker_status_t tinker_custom_loss_step_set_loss(tinker_custom_loss_step_t *step, double loss);

/** Sets d loss / d logprobs of datum `index`. Every datum needs one before `_finish`.
 *  Ownership: `gradient` is copied. Threads: one thread at a time per step.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL step or gradient; `count` other than that datum's
 *  logprob count), TINKER_E_OUT_OF_RANGE (index). Since: 0.1. */
TINKER_API tinker_status_t tinker_custom_loss_step_set_gradient(tinker_custom_loss_step_t *step, size_t index, const float *gradient, size_t count);

/** Adds a metric merged into the final result (no ":reduction" suffix needed).
 *  Ownership: `name` is copied. Threads: one thread at a time per step.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL step or name). Since: 0.1. */
TINKER_API tinker_status_t tinker_custom_loss_step_add_metric(tinker_custom_loss_step_t *step, const char *name, double value);

/** Phase two of T3: sends forward_backward with `weights = -gradient` and returns the output with
 *  the step's metrics merged. Blocking.
 *  Ownership: the caller owns *out (tinker_forward_backward_output_free); the step stays the
 *  caller's (free it). Threads: any thread; blocks it; no other thread may use the step meanwhile.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client, step or out; a step from `_begin` on another
 *  client; a datum without a gradient: the step stays usable, so the caller can fix it and call
 *  again), TINKER_E_FAILED_PRECONDITION (the step was finished before); else the operation
 *  statuses. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward_backward_custom_finish(tinker_training_client_t *client, tinker_custom_loss_step_t *step, tinker_forward_backward_output_t **out);

/** Phase two of T3, asynchronous: take with tinker_future_take_forward_backward_output.
 *  Ownership: the caller owns *out (tinker_future_free); everything is copied before this
 *  returns: the step may be freed at once. Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT, TINKER_E_FAILED_PRECONDITION (as the blocking call); the
 *  future ends with the statuses of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_forward_backward_custom_finish_async(tinker_training_client_t *client, tinker_custom_loss_step_t *step, tinker_future_t **out);

/** Frees a step.
 *  Ownership: takes `step`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_custom_loss_step_free(tinker_custom_loss_step_t *step);

/* =============================================================================================
 * Optimizer step, checkpoints, info, sampling clients, unload (T4–T12)
 * =========================================================================================== */

/** T4: one Adam step with the accumulated gradients. `params` NULL = defaults. Blocking.
 *  Ownership: the caller owns *out (tinker_optim_step_result_free); `params` is copied.
 *  Threads: any thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out); else the operation statuses, e.g.
 *  TINKER_E_NOT_FOUND (the model was unloaded), TINKER_E_DATA_LOSS (an undecodable result).
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_optim_step(tinker_training_client_t *client, const tinker_adam_params_t *params, tinker_optim_step_result_t **out);

/** T4, asynchronous: take with tinker_future_take_optim_step_result.
 *  Ownership: the caller owns *out (tinker_future_free); `params` is copied.
 *  Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out); the future ends with the statuses of
 *  the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_optim_step_async(tinker_training_client_t *client, const tinker_adam_params_t *params, tinker_future_t **out);

/** T5: saves weights and optimizer state as training checkpoint `name`. `ttl_seconds` 0 = never
 *  expires; `overwrite` 0/1. Blocking.
 *  Ownership: the caller owns *out (tinker_save_result_free); `name` is copied.
 *  Threads: any thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client, name or out; an empty name or one with '/';
 *  ttl_seconds < 0), TINKER_E_ALREADY_EXISTS (a name in use without overwrite: at once, as no
 *  retry frees a name); else the operation statuses. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_save_state(tinker_training_client_t *client, const char *name, int64_t ttl_seconds, int overwrite, tinker_save_result_t **out);

/** T5, asynchronous: take with tinker_future_take_save_result.
 *  Ownership: the caller owns *out (tinker_future_free); `name` is copied.
 *  Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (as the blocking call); the future ends with the statuses
 *  of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_save_state_async(tinker_training_client_t *client, const char *name, int64_t ttl_seconds, int overwrite, tinker_future_t **out);

/** T6: loads weights from a training checkpoint path (tinker://…/weights/…).
 *  `weights_access_token` may be NULL. Blocking.
 *  Ownership: the caller owns *out (tinker_load_result_free); the strings are copied.
 *  Threads: any thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client, path or out; a path without tinker://); else
 *  the operation statuses, e.g. TINKER_E_NOT_FOUND (no such checkpoint, or not readable with
 *  this key). Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_load_state(tinker_training_client_t *client, const char *path, const char *weights_access_token, tinker_load_result_t **out);

/** T6, asynchronous: take with tinker_future_take_load_result.
 *  Ownership: the caller owns *out (tinker_future_free); the strings are copied.
 *  Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (as the blocking call); the future ends with the statuses
 *  of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_load_state_async(tinker_training_client_t *client, const char *path, const char *weights_access_token, tinker_future_t **out);

/** T7: loads weights and optimizer state. Blocking.
 *  Ownership: the caller owns *out (tinker_load_result_free); the strings are copied.
 *  Threads: any thread; blocks it.
 *  Errors: as tinker_training_client_load_state. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_load_state_with_optimizer(tinker_training_client_t *client, const char *path, const char *weights_access_token, tinker_load_result_t **out);

/** T7, asynchronous: take with tinker_future_take_load_result.
 *  Ownership: the caller owns *out (tinker_future_free); the strings are copied.
 *  Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (as the blocking call); the future ends with the statuses
 *  of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_load_state_with_optimizer_async(tinker_training_client_t *client, const char *path, const char *weights_access_token, tinker_future_t **out);

/** T8: saves weights for sampling as sampler checkpoint `name`; `ttl_seconds` 0 = never.
 *  Blocking.
 *  Ownership: the caller owns *out (tinker_save_result_free); `name` is copied.
 *  Threads: any thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client, name or out; an empty name or one with '/';
 *  ttl_seconds < 0), TINKER_E_ALREADY_EXISTS (a name in use: at once, without retries); else the
 *  operation statuses. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_save_weights_for_sampler(tinker_training_client_t *client, const char *name, int64_t ttl_seconds, tinker_save_result_t **out);

/** T8, asynchronous: take with tinker_future_take_save_result.
 *  Ownership: the caller owns *out (tinker_future_free); `name` is copied.
 *  Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (as the blocking call); the future ends with the statuses
 *  of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_save_weights_for_sampler_async(tinker_training_client_t *client, const char *name, int64_t ttl_seconds, tinker_future_t **out);

/** T9: model information (not ordered with the other operations). Blocking.
 *  Ownership: the caller owns *out (tinker_model_info_free). Threads: any thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out); else the operation statuses, e.g.
 *  TINKER_E_NOT_FOUND (the model was unloaded), TINKER_E_DATA_LOSS (an answer without model_id
 *  or with an out-of-range lora_rank). Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_get_info(tinker_training_client_t *client, tinker_model_info_t **out);

/** T9, asynchronous: take with tinker_future_take_model_info.
 *  Ownership: the caller owns *out (tinker_future_free). Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out); the future ends with the statuses of
 *  the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_get_info_async(tinker_training_client_t *client, tinker_future_t **out);

/** T10: a sampling client on a sampler checkpoint `model_path`. `retry` may be NULL (defaults).
 *  Blocking.
 *  Ownership: the caller owns *out (tinker_sampling_client_free); `model_path` and `retry` are
 *  copied. Threads: any thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client, model_path or out; a path without
 *  tinker://); else the operation statuses. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_create_sampling_client(tinker_training_client_t *client, const char *model_path, const tinker_retry_config_t *retry, tinker_sampling_client_t **out);

/** T10, asynchronous: take with tinker_future_take_sampling_client.
 *  Ownership: the caller owns *out (tinker_future_free); `model_path` and `retry` are copied.
 *  Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (as the blocking call); the future ends with the statuses
 *  of the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_create_sampling_client_async(tinker_training_client_t *client, const char *model_path, const tinker_retry_config_t *retry, tinker_future_t **out);

/** T11: saves the current weights as an ephemeral sampler checkpoint and returns a sampling
 *  client on it (no create_sampling_session; §6.6). `retry` may be NULL (defaults). Blocking.
 *  Ownership: the caller owns *out (tinker_sampling_client_free); `retry` is copied.
 *  Threads: any thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out); else the operation statuses.
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_save_weights_and_get_sampling_client(tinker_training_client_t *client, const tinker_retry_config_t *retry, tinker_sampling_client_t **out);

/** T11, asynchronous: take with tinker_future_take_sampling_client.
 *  Ownership: the caller owns *out (tinker_future_free); `retry` is copied.
 *  Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out); the future ends with the statuses of
 *  the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_save_weights_and_get_sampling_client_async(tinker_training_client_t *client, const tinker_retry_config_t *retry, tinker_future_t **out);

/** T12 (beyond): unloads the model from the server; later operations on it fail
 *  (TINKER_E_NOT_FOUND). Blocking.
 *  Ownership: nothing changes hands. Threads: any thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client); else the operation statuses. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_unload_model(tinker_training_client_t *client);

/** T12, asynchronous: the future's final status is the result; it has nothing to take.
 *  Ownership: the caller owns *out (tinker_future_free). Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out); the future ends with the statuses of
 *  the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_unload_model_async(tinker_training_client_t *client, tinker_future_t **out);

/** T13: the tokenizer of the model (include/tinker/tokenizer.h). Its Hugging Face repository
 *  comes from get_info: the model's tokenizer_id when the server gives one, else the official
 *  client's rules on the model name (anything from its first ':' dropped; "meta-llama/Llama-3…"
 *  → the ungated "thinkingmachineslabinc/meta-llama-3-instruct-tokenizer"; "org/model/variant"
 *  → "org/model"; else the name). tokenizer.json and tokenizer_config.json are fetched from the
 *  Hub into its cache (tinker_client_options_set_hub_endpoint, _hub_token, _hub_cache_dir,
 *  _hub_offline; the HF_* variables otherwise; docs/hub.md), or reused from it, then loaded.
 *  Tokenizers loaded from the same files are shared, so a second call costs the Hub's answer
 *  only. The client's default deadline bounds the whole operation. Blocking.
 *  Ownership: the caller owns *out (tinker_tokenizer_free); it does not depend on the client.
 *  Threads: any thread; blocks it.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out; a repository id that is not one),
 *  TINKER_E_UNIMPLEMENTED (a tokenizer that needs Python code to load: TML/ and
 *  thinkingmachines/ tokenizers, the Kimi models; or one whose tokenizer.json uses a component
 *  this library does not implement; named in the message), TINKER_E_NOT_FOUND (no such
 *  repository or file on the Hub), TINKER_E_UNAUTHENTICATED / TINKER_E_PERMISSION_DENIED (a
 *  gated or private repository), TINKER_E_UNAVAILABLE (the Hub unreachable and nothing cached,
 *  or offline mode and nothing cached), TINKER_E_RESOURCE_EXHAUSTED (a file over 128 MiB),
 *  TINKER_E_DATA_LOSS (a Hub answer without commit or ETag, a bad redirect),
 *  TINKER_E_FAILED_PRECONDITION (the cache cannot be written), TINKER_E_DEADLINE_EXCEEDED,
 *  TINKER_E_CANCELLED; else the statuses of get_info. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_get_tokenizer(tinker_training_client_t *client, tinker_tokenizer_t **out);

/** T13, asynchronous: take with tinker_future_take_tokenizer. Cancelling the future stops the
 *  request or download under way.
 *  Ownership: the caller owns *out (tinker_future_free). Threads: any thread; does not block.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL client or out); the future ends with the statuses of
 *  the blocking call. Since: 0.1. */
TINKER_API tinker_status_t tinker_training_client_get_tokenizer_async(tinker_training_client_t *client, tinker_future_t **out);

#ifdef __cplusplus
}
#endif

#endif /* TINKER_TRAINING_H */
