/* The tokenizer's per-call arrays for Ruby (included by tinker.i, inside nothing: this file is
 * read only when SWIG runs with -ruby, before tinker/tokenizer.h).
 *
 * Unlike the input builders' arrays (TINKER_ARRAY_PARAMETERS, kept as long as their builder),
 * everything here belongs to one call: ids to decode are converted for the call and dropped with
 * it, the arrays and text the library hands out are copied into Ruby objects and freed with
 * tinker_free at once.
 *
 *   tinker_tokenizer_encode(tok, text, add_special_tokens)  -> Array of Integers
 *   tinker_tokenizer_decode(tok, ids, skip_special_tokens)  -> String (UTF-8, NULs kept)
 *   tinker_tokenizer_load_memory(json, config)              -> the handle (config may be nil)
 *   tinker_rb_tokenizer_encode_batch(tok, texts, threads, add_special_tokens)
 *                                                            -> Array of Arrays of Integers
 *
 * tinker_tokenizer_encode_batch itself is not wrapped: its arrays of n pointers have no Ruby
 * form, and one wrapper call per text would cross into C n times. The helper below takes the
 * whole Ruby Array once and calls it.
 *
 * GVL: loading, and encoding or decoding a large input, runs without the GVL (bindings/README.md,
 * "Ruby and the GVL"), so other Ruby threads run meanwhile; encode_batch always does. No such
 * call reads Ruby memory another thread could change or the GC could move: a text is a frozen
 * snapshot held on the wrapper's stack (a later change to the caller's String copies that
 * String, not the snapshot; the stack reference pins it), a batch's texts are copied into one
 * buffer, ids are converted into a buffer only the wrapper references. There is no unblock
 * function (a tokenizer call has nothing to wake): an interrupt takes effect when the call ends. */

%ignore tinker_tokenizer_encode_batch;

%{
namespace tinker_rb_tok {

/* From this many bytes of text (or ids to decode) on, encode and decode release the GVL: below
 * it the call is shorter than a GVL handover costs other threads. */
constexpr size_t kWithoutGvl = 16384;

/* A String's bytes that stay put while the GVL is released: a frozen copy-on-write snapshot of
 * `value` (a String; anything else raises TypeError). The caller keeps the result on its stack,
 * which also pins it against GC compaction. */
inline VALUE snapshot(VALUE value) {
  StringValue(value);
  return rb_str_new_frozen(value);
}

/* ids[i] as an int32 token id: an Integer in int32's range, else ArgumentError naming the index
 * (the idiomatic layer turns it into Tinker::InvalidArgumentError). */
inline int32_t token_id(VALUE array, long i) {
  VALUE v = rb_ary_entry(array, i);
  if (!RB_INTEGER_TYPE_P(v)) rb_raise(rb_eArgError, "ids[%ld] must be an Integer, got %" PRIsVALUE, i, rb_inspect(v));
  if (!FIXNUM_P(v) || FIX2LONG(v) < INT32_MIN || FIX2LONG(v) > INT32_MAX)
    rb_raise(rb_eArgError, "ids[%ld] is out of the int32 range: %" PRIsVALUE, i, rb_inspect(v));
  return (int32_t)FIX2LONG(v);
}

/* An Array of Integers from ids the library handed out (INT2FIX: no allocation per id). */
inline VALUE id_array(const int32_t *ids, size_t count) {
  VALUE a = rb_ary_new_capa((long)count);
  for (size_t i = 0; i < count; ++i) rb_ary_push(a, INT2FIX(ids[i]));
  return a;
}

struct BatchResult {
  int32_t **ids;
  size_t *counts;
  size_t n;
};

inline VALUE batch_arrays(VALUE arg) {
  const BatchResult *r = (const BatchResult *)arg;
  VALUE out = rb_ary_new_capa((long)r->n);
  for (size_t i = 0; i < r->n; ++i) rb_ary_push(out, id_array(r->ids[i], r->counts[i]));
  return out;
}

} /* namespace tinker_rb_tok */
%}

/* ---- text in: (const char *, size_t) --------------------------------------------------------
 * A String's bytes and byte length, NULs included (the `const char *` typemap of tinker.i would
 * refuse them). nil -> (NULL, 0), which the library refuses where text is required. */
%define TINKER_RB_TOKENIZER_TEXT(TEXT, LENGTH)
%typemap(in) (const char *TEXT, size_t LENGTH) (VALUE tinker_text = Qnil) {
  if (NIL_P($input)) {
    $1 = NULL;
    $2 = 0;
  } else {
    tinker_text = tinker_rb_tok::snapshot($input);
    $1 = RSTRING_PTR(tinker_text);
    $2 = (size_t)RSTRING_LEN(tinker_text);
  }
}
%typemap(freearg) (const char *TEXT, size_t LENGTH) %{ RB_GC_GUARD(tinker_text$argnum); %}
%enddef
TINKER_RB_TOKENIZER_TEXT(text, length)
TINKER_RB_TOKENIZER_TEXT(json, length)
TINKER_RB_TOKENIZER_TEXT(config, config_length)

/* ---- ids in: (const int32_t *ids, size_t count) -----------------------------------------------
 * An Array of Integers, converted into a scratch String for the call only (not the builders'
 * retained copy: decode keeps nothing). */
%typemap(in) (const int32_t *ids, size_t count) (VALUE tinker_ids_buf = Qnil) {
  Check_Type($input, T_ARRAY);
  long n = RARRAY_LEN($input);
  tinker_ids_buf = rb_str_new(NULL, (n > 0 ? n : 1) * (long)sizeof(int32_t));
  int32_t *p = (int32_t *)RSTRING_PTR(tinker_ids_buf);
  for (long i = 0; i < n; ++i) p[i] = tinker_rb_tok::token_id($input, i);
  $1 = p;
  $2 = (size_t)n;
}
%typemap(freearg) (const int32_t *ids, size_t count) %{ RB_GC_GUARD(tinker_ids_buf$argnum); %}

/* ---- ids out: (int32_t **ids, size_t *count) --------------------------------------------------
 * An Array of Integers; the C array is freed with tinker_free (in freearg too, for a failure
 * between the call and the conversion). */
%typemap(in, numinputs=0) (int32_t **ids, size_t *count) (int32_t *tinker_ids = 0, size_t tinker_count = 0) %{
  $1 = &tinker_ids;
  $2 = &tinker_count;
%}
%typemap(argout) (int32_t **ids, size_t *count) {
  if (result == TINKER_OK) {
    VALUE a = tinker_rb_tok::id_array(tinker_ids$argnum, tinker_count$argnum);
    tinker_free(tinker_ids$argnum);
    tinker_ids$argnum = 0;
    $result = tinker_rb::append_output($result, tinker_nout, a);
  }
}
%typemap(freearg) (int32_t **ids, size_t *count) %{ tinker_free(tinker_ids$argnum); %}

/* ---- decoded text out: (size_t *length, char **out) -------------------------------------------
 * A UTF-8 String of exactly `length` bytes (the text may hold U+0000, where the C string's NUL
 * terminator would cut it); freed with tinker_free. */
%typemap(in, numinputs=0) (size_t *length, char **out) (size_t tinker_length = 0, char *tinker_text_out = 0) %{
  $1 = &tinker_length;
  $2 = &tinker_text_out;
%}
%typemap(argout) (size_t *length, char **out) {
  if (result == TINKER_OK && tinker_text_out$argnum) {
    VALUE s = rb_utf8_str_new(tinker_text_out$argnum, (long)tinker_length$argnum);
    tinker_free(tinker_text_out$argnum);
    tinker_text_out$argnum = 0;
    $result = tinker_rb::append_output($result, tinker_nout, s);
  }
}
%typemap(freearg) (size_t *length, char **out) %{ tinker_free(tinker_text_out$argnum); %}

/* ---- GVL ---------------------------------------------------------------------------------------
 * Loading parses a whole tokenizer.json (megabytes for a real model); encode and decode of a
 * large input take long enough to be worth the handover. */
%define TINKER_RB_TOKENIZER_WITHOUT_GVL(FN, CONDITION)
%exception FN {
  if (CONDITION) {
    auto tinker_rb_action = [&]() { $action };
    tinker_rb::without_gvl(tinker_rb_action);
  } else {
    $action
  }
}
%enddef
TINKER_RB_TOKENIZER_WITHOUT_GVL(tinker_tokenizer_load_file, true)
TINKER_RB_TOKENIZER_WITHOUT_GVL(tinker_tokenizer_load_memory, true)
TINKER_RB_TOKENIZER_WITHOUT_GVL(tinker_tokenizer_encode, arg3 >= tinker_rb_tok::kWithoutGvl)
TINKER_RB_TOKENIZER_WITHOUT_GVL(tinker_tokenizer_decode, arg3 >= tinker_rb_tok::kWithoutGvl / sizeof(int32_t))

/* ---- encode_batch --------------------------------------------------------------------------------
 * tinker_rb_tokenizer_encode_batch(tokenizer, texts, threads, add_special_tokens): the texts (an
 * Array of Strings, copied end to end into one buffer the call owns) are encoded by one call of
 * tinker_tokenizer_encode_batch on `threads` threads (0: one per core) without the GVL, and come
 * back as one Array of Arrays. A failure raises the library's error (the first failing text,
 * named by its index). Not part of the C API: it exists only in the Ruby extension. */
%typemap(in) VALUE texts %{ $1 = $input; %}
%typemap(out) VALUE tinker_rb_tokenizer_encode_batch %{ $result = $1; %}
%exception tinker_rb_tokenizer_encode_batch %{ $action %}

%inline %{
VALUE tinker_rb_tokenizer_encode_batch(const tinker_tokenizer_t *tokenizer, VALUE texts, size_t threads,
                                       int add_special_tokens) {
  Check_Type(texts, T_ARRAY);
  const long n = RARRAY_LEN(texts);
  /* Everything the GVL-free call reads is in two Strings referenced from this frame (so pinned
   * against GC compaction, and collected if a conversion raises): the texts copied end to end,
   * and the pointer, length, id and count arrays. */
  const long slots = n > 0 ? n : 1;
  VALUE buffers = rb_str_new(NULL, slots * (long)(sizeof(const char *) + 2 * sizeof(size_t) + sizeof(int32_t *)));
  long total = 0;
  for (long i = 0; i < n; ++i) {
    VALUE t = rb_ary_entry(texts, i);
    if (!RB_TYPE_P(t, T_STRING))
      rb_raise(rb_eTypeError, "texts[%ld] must be a String, got %" PRIsVALUE, i, rb_obj_class(t));
    total += RSTRING_LEN(t);
  }
  VALUE joined = rb_str_new(NULL, total > 0 ? total : 1);
  /* No Ruby code runs from here to the call, so the Array and its Strings are as measured. */
  const char **ptrs = (const char **)RSTRING_PTR(buffers);
  size_t *lengths = (size_t *)(ptrs + slots);
  size_t *counts = lengths + slots;
  int32_t **ids = (int32_t **)(counts + slots);
  char *at = RSTRING_PTR(joined);
  for (long i = 0; i < n; ++i) {
    VALUE t = RARRAY_AREF(texts, i);
    const long len = RSTRING_LEN(t);
    if (len > 0) memcpy(at, RSTRING_PTR(t), (size_t)len);
    ptrs[i] = at;
    lengths[i] = (size_t)len;
    ids[i] = NULL;
    counts[i] = 0;
    at += len;
  }
  tinker_status_t status = TINKER_OK;
  auto call = [&]() {
    status = tinker_tokenizer_encode_batch(tokenizer, ptrs, lengths, (size_t)n, threads, add_special_tokens, ids,
                                           counts);
  };
  tinker_rb::without_gvl(call);
  if (status != TINKER_OK) rb_exc_raise(tinker_rb::capture_failure(status)); /* every ids[i] is NULL */
  /* Copy out under rb_protect, so that the C arrays are freed even if an allocation raises. */
  tinker_rb_tok::BatchResult r = {ids, counts, (size_t)n};
  int state = 0;
  VALUE out = rb_protect(tinker_rb_tok::batch_arrays, (VALUE)&r, &state);
  for (long i = 0; i < n; ++i) tinker_free(ids[i]);
  RB_GC_GUARD(joined);
  RB_GC_GUARD(buffers);
  if (state) rb_jump_tag(state);
  return out;
}
%}
