/* The tokenizer's per-call arrays and strings for Go (included by tinker.i before
 * tinker/tokenizer.h; the idiomatic layer is bindings/go/tinker/tokenizer.go).
 *
 * Unlike the builders' arrays (TINKER_ARRAY_PARAMETERS in tinker.i), nothing here outlives the
 * call: a Go slice or string handed to C is only read while the C function runs, which cgo allows
 * for memory that holds no Go pointers, so inputs are passed as they are, without a copy. Outputs
 * are C memory the library allocated: the wrapper lends it to the Go side of the raw call, which
 * copies it into Go memory and frees it (tinker_free; the batch helper's flat array, which it
 * allocated itself, Swig_free) before returning, so no C pointer escapes the raw function and the
 * ids and text are copied once, straight into Go memory.
 *
 *   tinker_tokenizer_load_memory(json, config)  []byte, []byte (an empty config is none: NULL)
 *   tinker_tokenizer_encode(text)                 string (its bytes and byte length; NUL is text)
 *       -> ids                                     *[]int32
 *   tinker_tokenizer_decode(ids)                  []int32
 *       -> text                                    *string (exactly `length` bytes, NUL kept)
 *   tinker_go_tokenizer_encode_batch (below)      one crossing for the whole batch
 *   tinker_go_token (below): a borrowed token    *string, left unset for NULL ("no such token")
 */

%ignore tinker_tokenizer_encode_batch; /* tinker_go_tokenizer_encode_batch below */

/* ---- inputs, read during the call only ---------------------------------------------------- */

/* encode's text: a Go string's bytes and byte length (a NUL byte is text, not the end). */
%typemap(gotype) (const char *text, size_t length) "string"
%typemap(imtype) (const char *text, size_t length) "string"
%typemap(in) (const char *text, size_t length) %{
  $1 = (char *)$input.p;
  $2 = (size_t)$input.n;
%}
%typemap(argout) (const char *text, size_t length) ""
%typemap(goargout) (const char *text, size_t length) ""

/* load_memory's texts: []byte as os.ReadFile returns them, so a large tokenizer.json is not
 * copied into a string first. The config is optional in C (NULL, 0): an empty slice is none. */
%typemap(gotype) (const char *json, size_t length), (const char *config, size_t config_length) "[]byte"
%typemap(imtype) (const char *json, size_t length), (const char *config, size_t config_length) "[]byte"
%typemap(in) (const char *json, size_t length) %{
  $1 = (char *)$input.array;
  $2 = (size_t)$input.len;
%}
%typemap(in) (const char *config, size_t config_length) %{
  $1 = $input.len > 0 ? (char *)$input.array : 0;
  $2 = (size_t)$input.len;
%}
%typemap(argout) (const char *json, size_t length), (const char *config, size_t config_length) ""
%typemap(goargout) (const char *json, size_t length), (const char *config, size_t config_length) ""

/* decode's ids: a Go []int32 read in place (int32 holds no Go pointer). Matched before tinker.i's
 * refusal of a lone `const int32_t *` because a multi-argument typemap wins. */
%typemap(gotype) (const int32_t *ids, size_t count) "[]int32"
%typemap(imtype) (const int32_t *ids, size_t count) "[]int32"
%typemap(in) (const int32_t *ids, size_t count) %{
  $1 = (int32_t *)$input.array;
  $2 = (size_t)$input.len;
%}
%typemap(argout) (const int32_t *ids, size_t count) ""
%typemap(goargout) (const int32_t *ids, size_t count) ""

/* The batch helper's text lengths, read in place like the ids. */
%typemap(gotype) (const int64_t *lengths, size_t n) "[]int64"
%typemap(imtype) (const int64_t *lengths, size_t n) "[]int64"
%typemap(in) (const int64_t *lengths, size_t n) %{
  $1 = (int64_t *)$input.array;
  $2 = (size_t)$input.len;
%}
%typemap(argout) (const int64_t *lengths, size_t n) ""
%typemap(goargout) (const int64_t *lengths, size_t n) ""

/* ---- outputs: C arrays and strings, copied into Go memory, then freed ---------------------- */

/* encode's ids (tinker_free), and the batch helper's flat ids (free, see below): the caller passes
 * a *[]int32. The C side points the slice header at the C array (a C pointer stored in Go memory,
 * which cgo allows); the Go side copies it and frees the C array, so the caller's slice is plain
 * Go memory. On failure the library hands out nothing and the slice stays nil. */
%define TINKER_GO_OWNED_IDS(IDS, COUNT, C_FREE, GO_FREE)
%typemap(gotype) (int32_t **IDS, size_t *COUNT) "*[]int32"
%typemap(imtype) (int32_t **IDS, size_t *COUNT) "*[]int32"
%typemap(goin) (int32_t **IDS, size_t *COUNT) %{ $result = new([]int32) %}
%typemap(in) (int32_t **IDS, size_t *COUNT) (int32_t *tinker_ids = 0, size_t tinker_count = 0) %{
  $1 = &tinker_ids;
  $2 = &tinker_count;
%}
%typemap(argout) (int32_t **IDS, size_t *COUNT) %{
  if (tinker_ids$argnum && tinker_count$argnum > 0) {
    $input->array = tinker_ids$argnum;
    $input->len = (intgo)tinker_count$argnum;
    $input->cap = (intgo)tinker_count$argnum;
  } else {
    C_FREE(tinker_ids$argnum); /* NULL, or an array of no ids: nothing to lend */
  }
%}
%typemap(freearg) (int32_t **IDS, size_t *COUNT) ""
%typemap(goargout) (int32_t **IDS, size_t *COUNT) %{
	if c := *$input; c != nil {
		if $1 != nil {
			*$1 = make([]int32, len(c))
			copy(*$1, c)
		}
		GO_FREE(uintptr(unsafe.Pointer(&c[0])))
	} else if $1 != nil {
		*$1 = []int32{}
	}
%}
%enddef
TINKER_GO_OWNED_IDS(ids, count, tinker_free, Tinker_free)
TINKER_GO_OWNED_IDS(flat_ids, flat_count, free, Swig_free)

/* decode's text: the caller passes a *string that receives exactly `length` bytes (U+0000 kept,
 * where strlen would stop). Lent and copied like the ids. */
%typemap(gotype) (size_t *length, char **out) "*string"
%typemap(imtype) (size_t *length, char **out) "*string"
%typemap(goin) (size_t *length, char **out) %{ $result = new(string) %}
%typemap(in) (size_t *length, char **out) (size_t tinker_length = 0, char *tinker_text = 0) %{
  $1 = &tinker_length;
  $2 = &tinker_text;
%}
%typemap(argout) (size_t *length, char **out) %{
  if (tinker_text$argnum) {
    $input->p = tinker_text$argnum;
    $input->n = (intgo)tinker_length$argnum;
  }
%}
/* tinker.i's `char **out` would free a string of its own: this pair's is freed on the Go side. */
%typemap(freearg) (size_t *length, char **out) ""
%typemap(goargout, fragment="CopyString") (size_t *length, char **out) %{
	if s := (*swig_gostring)(unsafe.Pointer($input)); s.p != 0 {
		if $1 != nil {
			*$1 = string(unsafe.Slice((*byte)(unsafe.Pointer(s.p)), s.n))
		}
		Tinker_free(s.p)
	}
%}

/* The borrowed token strings (id_to_token, bos/eos/pad token, added token content) stay wrapped
 * as SWIG makes them, but a Go string result cannot say NULL ("no such token") apart from "":
 * tinker_go_token (below) returns them through this out-parameter instead, a *string left as it
 * is for NULL, copied at once (they live only as long as the tokenizer, which the idiomatic layer
 * may free right after). */
%typemap(gotype) (const char **token) "*string"
%typemap(imtype) (const char **token) "*string"
%typemap(goin) (const char **token) %{ $result = new(string) %}
%typemap(in) (const char **token) (const char *tinker_token = 0) %{
  $1 = ($1_ltype)&tinker_token;
%}
%typemap(argout, fragment="AllocateString") (const char **token) %{
  if (tinker_token$argnum) {
    *$input = Swig_AllocateString(tinker_token$argnum, strlen(tinker_token$argnum));
  }
%}
%typemap(goargout, fragment="CopyString") (const char **token) %{
	if $1 != nil {
		if s := (*swig_gostring)(unsafe.Pointer($input)); s.p != 0 {
			*$1 = swigCopyString(*$input)
		}
	}
%}

%inline %{
/* Which borrowed token string tinker_go_token reads. */
enum tinker_go_token_kind {
  TINKER_GO_ID_TO_TOKEN = 0,
  TINKER_GO_BOS_TOKEN = 1,
  TINKER_GO_EOS_TOKEN = 2,
  TINKER_GO_PAD_TOKEN = 3,
  TINKER_GO_ADDED_TOKEN_CONTENT = 4
};

/* One borrowed token string of `tokenizer` (id_to_token(arg), bos/eos/pad token, or
 * added_token_content(arg)), copied into *token for Go; returns 0 and leaves *token NULL when the
 * library gives NULL. Go's raw layer cannot tell a NULL `const char *` result from "", so the
 * string comes back through an out-parameter whose absence is visible. */
inline int tinker_go_token(const tinker_tokenizer_t *tokenizer, int kind, int64_t arg, const char **token) {
  const char *s = 0;
  switch (kind) {
    case TINKER_GO_ID_TO_TOKEN:
      s = (arg < INT32_MIN || arg > INT32_MAX) ? 0 : tinker_tokenizer_id_to_token(tokenizer, (int32_t)arg);
      break;
    case TINKER_GO_BOS_TOKEN: s = tinker_tokenizer_bos_token(tokenizer); break;
    case TINKER_GO_EOS_TOKEN: s = tinker_tokenizer_eos_token(tokenizer); break;
    case TINKER_GO_PAD_TOKEN: s = tinker_tokenizer_pad_token(tokenizer); break;
    case TINKER_GO_ADDED_TOKEN_CONTENT:
      s = arg < 0 ? 0 : tinker_tokenizer_added_token_content(tokenizer, (size_t)arg);
      break;
    default: break;
  }
  *token = s;
  return s != 0;
}

/* tinker_tokenizer_encode_batch for Go in one crossing. A []string cannot be handed to C (its
 * elements are Go pointers, which cgo forbids), so the Go side sends the texts concatenated
 * (`text`, `length` bytes) with each text's byte length (`lengths`, `n` of them; they must add
 * up to `length`). The library encodes them on `threads` threads (0: one per core) into one
 * array per text; this helper returns them as one flat array (*flat_ids, *flat_count ids,
 * allocated with malloc, freed by the Go side with Swig_free) and each text's id count in
 * counts[0..n) (`dst`, a Go []int64 of `capacity` >= n elements, filled in place). The library's
 * per-text arrays are freed here. On failure nothing is handed out and the error is the
 * library's, for the first text that failed (by its index).
 *
 * Lengths that do not add up, a short counts buffer or a negative length are handed to the
 * library as a NULL texts array so that it refuses them with INVALID_ARGUMENT and fills the
 * thread's error record (which the wrapper reads). The Go layer never sends such a batch. */
inline tinker_status_t tinker_go_tokenizer_encode_batch(const tinker_tokenizer_t *tokenizer, const char *text,
                                                        size_t length, const int64_t *lengths, size_t n,
                                                        size_t threads, int add_special_tokens,
                                                        int32_t **flat_ids, size_t *flat_count, int64_t *dst,
                                                        size_t capacity) {
  *flat_ids = 0;
  *flat_count = 0;
  bool consistent = capacity >= n;
  std::vector<const char *> texts(n > 0 ? n : 1);
  std::vector<size_t> sizes(n > 0 ? n : 1);
  size_t offset = 0;
  for (size_t i = 0; consistent && i < n; ++i) {
    if (lengths[i] < 0 || (uint64_t)lengths[i] > length - offset) {
      consistent = false;
      break;
    }
    texts[i] = text + offset;
    sizes[i] = (size_t)lengths[i];
    offset += sizes[i];
  }
  if (!consistent || offset != length) {
    int32_t *none = 0;
    size_t zero = 0;
    return tinker_tokenizer_encode_batch(tokenizer, 0, 0, 1, threads, add_special_tokens, &none, &zero);
  }
  std::vector<int32_t *> ids(n > 0 ? n : 1, (int32_t *)0);
  std::vector<size_t> counts(n > 0 ? n : 1, 0);
  tinker_status_t status =
      tinker_tokenizer_encode_batch(tokenizer, texts.data(), sizes.data(), n, threads, add_special_tokens,
                                    ids.data(), counts.data());
  if (status != TINKER_OK) return status;
  size_t total = 0;
  for (size_t i = 0; i < n; ++i) total += counts[i];
  int32_t *flat = total > 0 ? (int32_t *)malloc(total * sizeof(int32_t)) : 0;
  if (total > 0 && !flat) {
    for (size_t i = 0; i < n; ++i) tinker_free(ids[i]);
    /* No library call to record this: the Go side reads the bare status's name. */
    return TINKER_E_RESOURCE_EXHAUSTED;
  }
  size_t at = 0;
  for (size_t i = 0; i < n; ++i) {
    if (counts[i] > 0) memcpy(flat + at, ids[i], counts[i] * sizeof(int32_t));
    at += counts[i];
    dst[i] = (int64_t)counts[i];
    tinker_free(ids[i]);
  }
  *flat_ids = flat;
  *flat_count = total;
  return TINKER_OK;
}
%}
