/*
 * tinker/tokenizer.h — a native reader of Hugging Face `tokenizer.json` files: encode text to
 * token ids and decode ids to text with the same results as Hugging Face `tokenizers` (byte-level
 * BPE as Qwen3 and Llama 3.1 use it; docs/tokenizer.md lists what is supported). Part of
 * <tinker/tinker.h>, whose conventions apply.
 *
 * A tokenizer is immutable once loaded: any thread may use it at the same time as others; its
 * _free must be the last call on it. Whole arrays cross the boundary, never one token at a time:
 * encode hands out an int32 array, decode a string, both freed with tinker_free.
 */
#ifndef TINKER_TOKENIZER_H
#define TINKER_TOKENIZER_H

#include "tinker/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* =============================================================================================
 * Loading and freeing
 * =========================================================================================== */

/** Loads a tokenizer from `path`: a `tokenizer.json` file, or a directory laid out as a model
 *  snapshot on the Hub, holding `tokenizer.json` and, optionally, `tokenizer_config.json` (read
 *  for the bos, eos and pad tokens). Every size in the file is checked; a component type this
 *  library does not implement is refused at load, never encoded approximately.
 *  Ownership: the caller owns *out (tinker_tokenizer_free); `path` is not retained.
 *  Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL path or out; malformed JSON or a tokenizer.json that
 *  breaks its format: a merge naming an unknown token, an id out of range, a bad regex),
 *  TINKER_E_NOT_FOUND (no such file), TINKER_E_PERMISSION_DENIED (unreadable),
 *  TINKER_E_UNIMPLEMENTED (a component type not supported, named in the message),
 *  TINKER_E_RESOURCE_EXHAUSTED (a file over 1 GiB). Since: 0.1. */
TINKER_API tinker_status_t tinker_tokenizer_load_file(const char *path, tinker_tokenizer_t **out);

/** Loads a tokenizer from the text of a `tokenizer.json` (`json`, `length` bytes, no NUL needed)
 *  and, optionally, of its `tokenizer_config.json` (`config`, `config_length`; NULL and 0 for
 *  none).
 *  Ownership: the caller owns *out (tinker_tokenizer_free); both buffers are only read during
 *  the call. Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL json or out; NULL config with config_length > 0;
 *  malformed text, as tinker_tokenizer_load_file), TINKER_E_UNIMPLEMENTED (an unsupported
 *  component, named), TINKER_E_RESOURCE_EXHAUSTED (text over 1 GiB). Since: 0.1. */
TINKER_API tinker_status_t tinker_tokenizer_load_memory(const char *json, size_t length, const char *config, size_t config_length, tinker_tokenizer_t **out);

/** Frees the tokenizer (and every string borrowed from it).
 *  Ownership: takes `tokenizer`; NULL is allowed. Threads: any thread, as the last call on it.
 *  Errors: none. Since: 0.1. */
TINKER_API void tinker_tokenizer_free(tinker_tokenizer_t *tokenizer);

/* =============================================================================================
 * Encoding and decoding
 * =========================================================================================== */

/** Encodes `length` bytes of UTF-8 `text` (NUL bytes are text like any other) into token ids:
 *  added tokens found first, then the normalizer, pre-tokenizer and model, then, when
 *  `add_special_tokens` is non-zero, the post-processor's special tokens (Llama 3.1's
 *  <|begin_of_text|>). *ids receives `*count` ids (NULL when the count is 0).
 *  Ownership: the caller owns *ids (tinker_free); `text` is only read during the call.
 *  Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL tokenizer, ids or count; NULL text with length > 0;
 *  text that is not valid UTF-8), TINKER_E_RESOURCE_EXHAUSTED (a pre-token beyond the regex
 *  engine's limits). Since: 0.1. */
TINKER_API tinker_status_t tinker_tokenizer_encode(const tinker_tokenizer_t *tokenizer, const char *text, size_t length, int add_special_tokens, int32_t **ids, size_t *count);

/** Encodes `n` texts (`texts[i]` of `lengths[i]` bytes) on `threads` threads (0: one per core;
 *  never more than n or 256; fewer when the system refuses threads),
 *  each exactly as tinker_tokenizer_encode would. `ids` and `counts` are arrays of `n` the
 *  caller provides: ids[i] receives text i's array (NULL for none), counts[i] its length.
 *  Ownership: the caller owns each ids[i] (tinker_free each); the texts are only read during
 *  the call. Threads: any thread.
 *  Errors: as tinker_tokenizer_encode, for the first text in order that fails (named by its
 *  index in the message); TINKER_E_INVALID_ARGUMENT also for NULL texts, lengths, ids or counts
 *  with n > 0. After a failure every ids[i] is NULL and nothing needs freeing. Since: 0.1. */
TINKER_API tinker_status_t tinker_tokenizer_encode_batch(const tinker_tokenizer_t *tokenizer, const char *const *texts, const size_t *lengths, size_t n, size_t threads, int add_special_tokens, int32_t **ids, size_t *counts);

/** Decodes `count` ids to UTF-8 text with the tokenizer's decoder; when `skip_special_tokens` is
 *  non-zero the special added tokens are left out. Bytes that do not form valid UTF-8 (a
 *  character split across a cut) become U+FFFD, as Hugging Face's lossy decode does: one per
 *  maximal invalid subsequence of the whole byte string. `length`, when not NULL, receives the
 *  text's length in bytes (the text may hold U+0000, which strlen would stop at).
 *  Ownership: the caller owns *out (tinker_free), NUL-terminated. Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL tokenizer or out; NULL ids with count > 0; an id
 *  that names no token, given in the message; Hugging Face would skip it). Since: 0.1. */
TINKER_API tinker_status_t tinker_tokenizer_decode(const tinker_tokenizer_t *tokenizer, const int32_t *ids, size_t count, int skip_special_tokens, size_t *length, char **out);

/* =============================================================================================
 * Vocabulary
 * =========================================================================================== */

/** The id of the token spelled `token` (model vocabulary or added token), or -1 when none.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; -1 for a NULL tokenizer or token. Since: 0.1. */
TINKER_API int32_t tinker_tokenizer_token_to_id(const tinker_tokenizer_t *tokenizer, const char *token);

/** The token of id `id` as the vocabulary spells it (byte-level tokens in their byte-level
 *  alphabet, e.g. "Ġthe"), or NULL when `id` names no token.
 *  Ownership: borrowed from `tokenizer`. Threads: any thread.
 *  Errors: none; NULL for a NULL tokenizer. Since: 0.1. */
TINKER_API const char *tinker_tokenizer_id_to_token(const tinker_tokenizer_t *tokenizer, int32_t id);

/** Number of distinct token ids: the model's vocabulary and the added tokens (151669 for Qwen3,
 *  128256 for Llama 3.1).
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; 0 for a NULL tokenizer. Since: 0.1. */
TINKER_API size_t tinker_tokenizer_vocab_size(const tinker_tokenizer_t *tokenizer);

/* =============================================================================================
 * Special and added tokens
 * =========================================================================================== */

/** The beginning-of-sequence token: tokenizer_config.json's bos_token, else the special token
 *  the post-processor's template puts first; NULL when neither names one.
 *  Ownership: borrowed from `tokenizer`. Threads: any thread.
 *  Errors: none; NULL for a NULL tokenizer. Since: 0.1. */
TINKER_API const char *tinker_tokenizer_bos_token(const tinker_tokenizer_t *tokenizer);

/** The id of tinker_tokenizer_bos_token, or -1 when there is none.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; -1 for a NULL tokenizer. Since: 0.1. */
TINKER_API int32_t tinker_tokenizer_bos_token_id(const tinker_tokenizer_t *tokenizer);

/** The end-of-sequence token: tokenizer_config.json's eos_token, else the special token the
 *  post-processor's template puts last; NULL when neither names one.
 *  Ownership: borrowed from `tokenizer`. Threads: any thread.
 *  Errors: none; NULL for a NULL tokenizer. Since: 0.1. */
TINKER_API const char *tinker_tokenizer_eos_token(const tinker_tokenizer_t *tokenizer);

/** The id of tinker_tokenizer_eos_token, or -1 when there is none.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; -1 for a NULL tokenizer. Since: 0.1. */
TINKER_API int32_t tinker_tokenizer_eos_token_id(const tinker_tokenizer_t *tokenizer);

/** The padding token: tokenizer_config.json's pad_token, else tokenizer.json's padding
 *  settings; NULL when neither names one.
 *  Ownership: borrowed from `tokenizer`. Threads: any thread.
 *  Errors: none; NULL for a NULL tokenizer. Since: 0.1. */
TINKER_API const char *tinker_tokenizer_pad_token(const tinker_tokenizer_t *tokenizer);

/** The id of tinker_tokenizer_pad_token, or -1 when there is none.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; -1 for a NULL tokenizer. Since: 0.1. */
TINKER_API int32_t tinker_tokenizer_pad_token_id(const tinker_tokenizer_t *tokenizer);

/** Number of added tokens (tokenizer.json's "added_tokens", empty ones left out), in file
 *  order; `index` of the getters below runs below it.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; 0 for a NULL tokenizer. Since: 0.1. */
TINKER_API size_t tinker_tokenizer_added_token_count(const tinker_tokenizer_t *tokenizer);

/** The text of added token `index`.
 *  Ownership: borrowed from `tokenizer`. Threads: any thread.
 *  Errors: none; NULL for a NULL tokenizer or an index out of range. Since: 0.1. */
TINKER_API const char *tinker_tokenizer_added_token_content(const tinker_tokenizer_t *tokenizer, size_t index);

/** The id of added token `index`.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; -1 for a NULL tokenizer or an index out of range. Since: 0.1. */
TINKER_API int32_t tinker_tokenizer_added_token_id(const tinker_tokenizer_t *tokenizer, size_t index);

/** 1 if added token `index` is special (left out by decode's skip_special_tokens), else 0.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; 0 for a NULL tokenizer or an index out of range. Since: 0.1. */
TINKER_API int tinker_tokenizer_added_token_is_special(const tinker_tokenizer_t *tokenizer, size_t index);

#ifdef __cplusplus
}
#endif

#endif /* TINKER_TOKENIZER_H */
