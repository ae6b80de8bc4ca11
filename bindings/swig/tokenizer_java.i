/* The tokenizer's per-call arrays in Java (included by tinker.i before tinker/tokenizer.h).
 *
 * Everything here belongs to one call: the Java arrays are copied or pinned for the call only and
 * the library's arrays and text are freed with tinker_free before the wrapper returns. The
 * generic array typemaps of tinker.i retain their copy for as long as the first argument lives,
 * which suits builders but would leak here (one copy per decode, kept until the tokenizer is
 * freed), so none of them is used. dev.libtinker.Tokenizer is the only caller of these wrappers:
 *
 *   (const char *text, size_t length)     byte[]  text as UTF-8, its byte length (NUL kept)
 *   (const char *json, size_t length),
 *   (const char *config, size_t config_length)  byte[], null for (NULL, 0)
 *   (const int32_t *ids, size_t count)    int[]   copied for the call
 *   (int32_t **ids, size_t *count)        int[][] holder of one element: the ids, the C array freed
 *   (size_t *length, char **out)          String[] holder of one element: exactly `length` bytes of
 *                                         UTF-8 (U+0000 kept), the C text freed
 *   tinker_java_tokenizer_encode_batch    below: a whole batch in one JNI call
 */

%ignore tinker_tokenizer_encode_batch;

/* ---- text in: the Java side's UTF-8 bytes and their length (JNI strings are modified UTF-8,
 * which would mangle NUL and characters outside the BMP) --------------------------------------- */
%typemap(jni) (const char *text, size_t length) "jbyteArray"
%typemap(jtype) (const char *text, size_t length) "byte[]"
%typemap(jstype) (const char *text, size_t length) "byte[]"
%typemap(javain) (const char *text, size_t length) "$javainput"
%typemap(in) (const char *text, size_t length) (jbyte *tinker_bytes = 0) %{
  $1 = 0;
  $2 = 0;
  if ($input) {
    tinker_bytes = jenv->GetByteArrayElements($input, 0);
    if (!tinker_bytes) return $null;
    $1 = (char *)tinker_bytes;
    $2 = (size_t)jenv->GetArrayLength($input);
  }
%}
%typemap(freearg) (const char *text, size_t length) %{
  if (tinker_bytes$argnum) jenv->ReleaseByteArrayElements($input, tinker_bytes$argnum, JNI_ABORT);
%}
%apply (const char *text, size_t length) {
  (const char *json, size_t length),
  (const char *config, size_t config_length)
};

/* ---- ids in: copied for the call (decode may run long; a critical region would hold up the
 * garbage collector that long) --------------------------------------------------------------- */
%typemap(jni) (const int32_t *ids, size_t count) "jintArray"
%typemap(jtype) (const int32_t *ids, size_t count) "int[]"
%typemap(jstype) (const int32_t *ids, size_t count) "int[]"
%typemap(javain) (const int32_t *ids, size_t count) "$javainput"
%typemap(in) (const int32_t *ids, size_t count) (std::vector<int32_t> tinker_ids) %{
  $1 = 0;
  $2 = 0;
  if ($input) {
    jsize tinker_n = jenv->GetArrayLength($input);
    tinker_ids.resize(tinker_n > 0 ? (size_t)tinker_n : 1);
    if (tinker_n > 0) jenv->GetIntArrayRegion($input, 0, tinker_n, reinterpret_cast<jint *>(tinker_ids.data()));
    $1 = tinker_ids.data();
    $2 = (size_t)tinker_n;
  }
%}
%typemap(argout) (const int32_t *ids, size_t count) ""
%apply (const int32_t *ids, size_t count) { (const int32_t *lengths, size_t n) };

/* ---- ids out: a Java int[] in holder[0]; the library's array is freed with tinker_free -------- */
%typemap(jni) (int32_t **ids, size_t *count) "jobjectArray"
%typemap(jtype) (int32_t **ids, size_t *count) "int[][]"
%typemap(jstype) (int32_t **ids, size_t *count) "int[][]"
%typemap(javain) (int32_t **ids, size_t *count) "$javainput"
%typemap(in) (int32_t **ids, size_t *count) (int32_t *tinker_ids = 0, size_t tinker_count = 0) %{
  if (!$input || jenv->GetArrayLength($input) < 1) {
    SWIG_JavaThrowException(jenv, SWIG_JavaIndexOutOfBoundsException, "out array must have one element");
    return $null;
  }
  $1 = &tinker_ids;
  $2 = &tinker_count;
%}
%typemap(argout) (int32_t **ids, size_t *count) %{
  if (result == TINKER_OK) {
    jintArray tinker_a = jenv->NewIntArray((jsize)tinker_count$argnum);
    if (tinker_a) {
      if (tinker_count$argnum) jenv->SetIntArrayRegion(tinker_a, 0, (jsize)tinker_count$argnum, reinterpret_cast<const jint *>(tinker_ids$argnum));
      jenv->SetObjectArrayElement($input, 0, tinker_a);
    }
  }
%}
%typemap(freearg) (int32_t **ids, size_t *count) %{ tinker_free(tinker_ids$argnum); %}

/* ---- decoded text out: exactly `length` bytes (the text may hold U+0000), freed with
 * tinker_free ---------------------------------------------------------------------------------- */
%typemap(jni) (size_t *length, char **out) "jobjectArray"
%typemap(jtype) (size_t *length, char **out) "byte[][]"
%typemap(jstype) (size_t *length, char **out) "String[]"
%typemap(javain, pre="    byte[][] tinker_$javainput = new byte[1][];",
         post="      $javainput[0] = $module.fromUtf8(tinker_$javainput[0]);")
  (size_t *length, char **out) "tinker_$javainput"
%typemap(in) (size_t *length, char **out) (size_t tinker_length = 0, char *tinker_text = 0) %{
  $1 = &tinker_length;
  $2 = &tinker_text;
%}
%typemap(argout) (size_t *length, char **out) %{
  if (result == TINKER_OK) {
    jbyteArray tinker_b = tinker_java::utf8_bytes(jenv, tinker_text$argnum ? tinker_text$argnum : "", tinker_text$argnum ? tinker_length$argnum : 0);
    if (tinker_b) jenv->SetObjectArrayElement($input, 0, tinker_b);
  }
%}
%typemap(freearg) (size_t *length, char **out) %{ tinker_free(tinker_text$argnum); %}

/* ---- a whole batch in one crossing ---------------------------------------------------------
 * tinker_tokenizer_encode_batch takes an array of C strings and hands out one C array per text;
 * neither crosses JNI as it is. tinker_java_tokenizer_encode_batch takes the texts as one byte
 * array (their UTF-8 back to back, `length` bytes) plus each text's byte length (`lengths`, n of
 * them), calls tinker_tokenizer_encode_batch once (on `threads` threads, 0: one per core), and
 * its `batch` typemap copies text i's ids into holder[i] (an int[n][] the caller made) and frees
 * every C array. Lengths that do not add up to `length` (Tokenizer never passes such) reach the
 * library as NULL texts, so the failure is the library's own INVALID_ARGUMENT. */
%{
namespace tinker_java {
struct TokenizerBatch {
  std::vector<int32_t *> ids;
  std::vector<size_t> counts;
  ~TokenizerBatch() {
    for (int32_t *p : ids) tinker_free(p);
  }
};
} /* namespace tinker_java */
typedef tinker_java::TokenizerBatch tinker_java_tokenizer_batch_t;
%}

%typemap(jni) tinker_java_tokenizer_batch_t *batch "jobjectArray"
%typemap(jtype) tinker_java_tokenizer_batch_t *batch "int[][]"
%typemap(jstype) tinker_java_tokenizer_batch_t *batch "int[][]"
%typemap(javain) tinker_java_tokenizer_batch_t *batch "$javainput"
%typemap(in) tinker_java_tokenizer_batch_t *batch (tinker_java_tokenizer_batch_t tinker_batch) %{
  if (!$input) {
    SWIG_JavaThrowException(jenv, SWIG_JavaNullPointerException, "batch");
    return $null;
  }
  tinker_batch.ids.assign((size_t)jenv->GetArrayLength($input), 0);
  tinker_batch.counts.assign(tinker_batch.ids.size(), 0);
  $1 = &tinker_batch;
%}
%typemap(argout) tinker_java_tokenizer_batch_t *batch %{
  if (result == TINKER_OK) {
    for (size_t tinker_i = 0; tinker_i < tinker_batch$argnum.ids.size(); ++tinker_i) {
      size_t tinker_n = tinker_batch$argnum.counts[tinker_i];
      jintArray tinker_a = jenv->NewIntArray((jsize)tinker_n);
      if (!tinker_a) break;
      if (tinker_n) jenv->SetIntArrayRegion(tinker_a, 0, (jsize)tinker_n, reinterpret_cast<const jint *>(tinker_batch$argnum.ids[tinker_i]));
      jenv->SetObjectArrayElement($input, (jsize)tinker_i, tinker_a);
      jenv->DeleteLocalRef(tinker_a);
      if (jenv->ExceptionCheck()) break;
    }
  }
%}

%{
static tinker_status_t tinker_java_tokenizer_encode_batch(const tinker_tokenizer_t *tokenizer, const char *text,
                                                          size_t length, const int32_t *lengths, size_t n,
                                                          size_t threads, int add_special_tokens,
                                                          tinker_java_tokenizer_batch_t *batch) {
  std::vector<const char *> texts(n > 0 ? n : 1, nullptr);
  std::vector<size_t> sizes(n > 0 ? n : 1, 0);
  size_t offset = 0;
  bool consistent = batch->ids.size() == n && (text != nullptr || length == 0);
  for (size_t i = 0; consistent && i < n; ++i) {
    if (lengths[i] < 0 || (size_t)lengths[i] > length - offset) {
      consistent = false;
      break;
    }
    texts[i] = text + offset;
    sizes[i] = (size_t)lengths[i];
    offset += sizes[i];
  }
  consistent = consistent && offset == length;
  return tinker_tokenizer_encode_batch(tokenizer, consistent ? texts.data() : nullptr, sizes.data(), n, threads,
                                       add_special_tokens, batch->ids.data(), batch->counts.data());
}
%}
tinker_status_t tinker_java_tokenizer_encode_batch(const tinker_tokenizer_t *tokenizer, const char *text,
                                                   size_t length, const int32_t *lengths, size_t n,
                                                   size_t threads, int add_special_tokens,
                                                   tinker_java_tokenizer_batch_t *batch);
