/* tinker.i: the one SWIG interface for the Go, Ruby and Java bindings of libtinker.
 *
 * SWIG produces only a raw layer ("call C safely"); each language has a small hand-written
 * idiomatic layer on top (bindings/{go,ruby,java}). The rules below are written against types
 * and parameter names, so a new operation in tinker.h is normally wrapped without touching this
 * file. The only per-function lists are small families: the status-as-value functions, the
 * C-callback functions that are skipped, and the builders that share borrowed arrays.
 *
 *   - `T **` (handle out-params)    -> the handle comes back to the caller (Ruby: return value;
 *                                     Java: a one-element array; Go: a *uintptr argument).
 *   - `char **out` (JSON strings)  -> a native string; the C string is freed with tinker_free.
 *   - `size_t *`, `int64_t *`, `int *`, `double *`, ... (scalar out-params) -> like handles.
 *   - `(const T *p, size_t n)` (T = int32_t, int64_t, float, uint8_t; the (p, n) names listed in
 *                                     TINKER_ARRAY_PARAMETERS) -> a native array/slice/String,
 *                                     copied into a block that lives as long as the builder that
 *                                     borrows it (tinker_swig::Retained).
 *   - `(T *dst, size_t capacity)`    -> a buffer the call fills (Java array, Go slice; Ruby
 *                                     passes the capacity and gets an Array back).
 *   - the tokenizer's arrays and text (tokenizer_{go,ruby,java}.i) -> per call, never retained:
 *                                     ids in are read (or copied) for the call only, ids and
 *                                     text out become native values and the C memory is freed;
 *                                     a batch crosses once, through a small helper per language.
 *   - a tinker_status_t return     -> success, or the calling thread's error record turned into a
 *                                     Tinker error (Ruby exception, Java TinkerException, Go `error`).
 *                                     The record is read inside the same generated wrapper, on the
 *                                     same OS thread, before anything else can overwrite it.
 *   - the small "status is the answer" family (poll, the waits, completion_queue_next,
 *     error_code) keeps returning the status as a value: TINKER_PENDING, TINKER_E_TIMEOUT and
 *     TINKER_E_INTERRUPTED are not failures there.
 *   - raw C callbacks (function-pointer parameters) are not wrapped: completion reaches the host
 *     through completion queues or blocking waits, never by the library calling into it.
 *
 * Build with `swig -c++`: the wrappers are C++ (lambdas, templates) whatever the header is.
 */

#if defined(SWIGJAVA)
%module TinkerRaw
#elif defined(SWIGRUBY)
%module tinker_raw
#else
%module tinker
#endif

%{
#include "tinker/tinker.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>
%}

/* SWIG's stdint.i types int64_t as `long long` unless SWIGWORDSIZE64 is defined; on LP64 (Linux,
 * macOS) the C headers use `long`, and the casts SWIG writes into the wrappers must agree, so
 * the build passes -DSWIGWORDSIZE64 there (bindings/CMakeLists.txt). */
%include <stdint.i>

/* ---------------------------------------------------------------------------------------------
 * Not wrapped: anything that takes a C function pointer. Matching by name suffix keeps future
 * set_*_callback setters out too; tinker_future_on_complete is named explicitly.
 * ------------------------------------------------------------------------------------------- */
%ignore tinker_future_on_complete;
%rename("$ignore", regextarget=1) "^tinker_.*_callback$";
/* forward_backward_custom takes a C loss function and tinker_custom_loss_input/output_* are only
 * usable from inside that callback; the bindings use the two-phase form instead
 * (`_custom_begin`, tinker_custom_loss_step_*, `_custom_finish`), which is wrapped. */
%rename("$ignore", regextarget=1) "^tinker_training_client_forward_backward_custom(_async)?$";
%rename("$ignore", regextarget=1) "^tinker_custom_loss_(input|output)_";
/* Every C callback in tinker.h comes with a `void *user_data`: if a function with one is not in
 * the lists above, SWIG warns (902, an error in the abi_swig_parse tests) instead of wrapping an
 * unusable function-pointer parameter. */
%typemap(in, warning="902:a C callback parameter (void *user_data): add the function to the ignore list in bindings/swig/tinker.i")
  void *user_data %{ static_assert(sizeof(void *) == 0, "C callback parameter: see the ignore list in tinker.i"); %}

/* Functions returning a borrowed numeric array (`const float *tinker_tensor_data_float32`): a
 * bare pointer is useless in the target languages; the bindings copy with *_copy_to_* instead. */
%rename("$ignore", %$isfunction, match$type="q(const).float", regexmatch$decl="\\)\\.p\\.$") "";
%rename("$ignore", %$isfunction, match$type="q(const).int64_t", regexmatch$decl="\\)\\.p\\.$") "";
%rename("$ignore", %$isfunction, match$type="q(const).int32_t", regexmatch$decl="\\)\\.p\\.$") "";
%rename("$ignore", %$isfunction, match$type="q(const).uint8_t", regexmatch$decl="\\)\\.p\\.$") "";

/* ---------------------------------------------------------------------------------------------
 * Shared C++ helpers compiled into every wrapper.
 * ------------------------------------------------------------------------------------------- */
%{
namespace tinker_swig {

/* A copy of the calling thread's error record, taken right after the failing call. The copy is
 * plain data, so nothing that runs afterwards (host allocations, GC, finalizers that free
 * tinker handles) can invalidate it. */
struct ErrorSnapshot {
  int code;
  int category;
  int http_status;
  int retryable;
  std::string message;
  std::string request_id;
};

inline ErrorSnapshot snapshot_last_error(tinker_status_t status) {
  const tinker_error_t *e = tinker_last_error();
  ErrorSnapshot s;
  s.code = (int)status;
  s.category = (int)tinker_error_category(e);
  s.http_status = tinker_error_http_status(e);
  s.retryable = tinker_error_retryable(e);
  const char *m = tinker_error_message(e);
  const char *r = tinker_error_request_id(e);
  s.message = (m && *m) ? m : tinker_status_str(status);
  s.request_id = r ? r : "";
  return s;
}

/* Input builders BORROW numeric arrays (tinker.h, "Training inputs"): the library keeps the
 * pointer until the builder is handed to an operation or freed. Host arrays cannot be lent that
 * long (the JVM moves arrays, cgo forbids C to keep Go pointers, Ruby compacts its heap), so the
 * wrappers copy each array into a block owned by this registry under the builder it was given
 * to. A builder created or extended from another (datum from model input, batch from datum)
 * shares the other's blocks; freeing a builder drops its share. */
class Retained {
 public:
  void add(const void *owner, std::shared_ptr<const void> block) {
    if (owner == nullptr || !block) return;
    std::lock_guard<std::mutex> lock(mu_);
    blocks_[owner].push_back(std::move(block));
  }
  void inherit(const void *to, const void *from) {
    if (to == nullptr || from == nullptr) return;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = blocks_.find(from);
    if (it == blocks_.end()) return;
    std::vector<std::shared_ptr<const void>> copy = it->second;
    auto &dst = blocks_[to];
    dst.insert(dst.end(), copy.begin(), copy.end());
  }
  void release(const void *owner) {
    std::vector<std::shared_ptr<const void>> dropped;  // destroyed outside the lock
    std::lock_guard<std::mutex> lock(mu_);
    auto it = blocks_.find(owner);
    if (it == blocks_.end()) return;
    dropped.swap(it->second);
    blocks_.erase(it);
  }

 private:
  std::mutex mu_;
  std::unordered_map<const void *, std::vector<std::shared_ptr<const void>>> blocks_;
};

/* Never destroyed: finalizers may free builders while the process exits. */
inline Retained &retained() {
  static Retained *r = new Retained;
  return *r;
}

/* A private copy of n elements (at least one slot, so the pointer is never NULL). */
template <class T> std::shared_ptr<std::vector<T>> copy_array(const T *p, size_t n) {
  auto v = std::make_shared<std::vector<T>>(n > 0 ? n : 1);
  if (n > 0) memcpy(v->data(), p, n * sizeof(T));
  return v;
}

} /* namespace tinker_swig */
%}

/* The builder functions that make one builder refer to another's borrowed arrays, and the
 * builders whose _free drops their arrays. Extend both lists when tinker.h adds a builder that
 * borrows arrays. */
%define TINKER_BORROWS_FROM(FN, TO, FROM)
%exception FN {
  $action
  if (result == TINKER_OK) tinker_swig::retained().inherit(TO, FROM);
}
%enddef
TINKER_BORROWS_FROM(tinker_datum_new, *arg1, arg2)
TINKER_BORROWS_FROM(tinker_batch_add, arg1, arg2)
%define TINKER_RELEASES_BORROWED(FN)
%exception FN {
  $action
  tinker_swig::retained().release(arg1);
}
%enddef
TINKER_RELEASES_BORROWED(tinker_model_input_free)
TINKER_RELEASES_BORROWED(tinker_datum_free)
TINKER_RELEASES_BORROWED(tinker_batch_free)
/* set_gradient copies, but the array typemaps retain their block under the step: drop it here. */
TINKER_RELEASES_BORROWED(tinker_custom_loss_step_free)

/* A status *argument* (tinker_status_str(status)) stays a plain number. In Java and Go the
 * typemaps that turn a returned status into an error would also apply to parameters, so those
 * sections exempt parameters named `status`. */

/* Status values that are answers, not failures. Each language's section says what
 * TINKER_STATUS_IS_VALUE does; the list is the whole family and only grows if tinker.h adds
 * another wait/poll-style function. */
%define TINKER_STATUS_VALUE_FUNCTIONS(MACRO)
MACRO(tinker_future_poll)
MACRO(tinker_future_wait)
MACRO(tinker_future_wait_submitted)
MACRO(tinker_future_wait_all)
MACRO(tinker_future_wait_any)
MACRO(tinker_completion_queue_next)
MACRO(tinker_error_code)
%enddef


/* =============================================================================================
 * Ruby
 * =========================================================================================== */
#if defined(SWIGRUBY)

%{
#include <ruby/thread.h>
#include <atomic>
#include <chrono>

namespace tinker_rb {

/* Builds the exception for a failed call. When the idiomatic layer is loaded it provides
 * Tinker.native_error(code, message, category, http_status, request_id, retryable), which picks
 * the Tinker::Error subclass; the raw extension alone raises RuntimeError. The C++ snapshot is
 * converted to Ruby values and destroyed before any Ruby code runs (Ruby code may raise, and a
 * raise unwinds with longjmp, skipping C++ destructors). */
inline VALUE capture_failure(tinker_status_t status) {
  if (status == TINKER_OK) return Qnil;
  VALUE args[6];
  {
    tinker_swig::ErrorSnapshot s = tinker_swig::snapshot_last_error(status);
    args[0] = INT2NUM(s.code);
    args[1] = rb_utf8_str_new(s.message.data(), (long)s.message.size());
    args[2] = INT2NUM(s.category);
    args[3] = INT2NUM(s.http_status);
    args[4] = rb_utf8_str_new(s.request_id.data(), (long)s.request_id.size());
    args[5] = s.retryable ? Qtrue : Qfalse;
  }
  ID tinker = rb_intern("Tinker");
  if (rb_const_defined(rb_cObject, tinker)) {
    VALUE mod = rb_const_get(rb_cObject, tinker);
    ID factory = rb_intern("native_error");
    if (rb_respond_to(mod, factory)) return rb_funcallv(mod, factory, 6, args);
  }
  VALUE text = rb_sprintf("%s: %" PRIsVALUE, tinker_status_str(status), args[1]);
  return rb_exc_new_str(rb_eRuntimeError, text);
}

/* Collects a wrapper's results: one value is returned as is, several as an Array. (SWIG's own
 * SWIG_Ruby_AppendOutput would splice a first result that is itself an Array, such as a filled
 * buffer, into the list.) `count` is how many results `result` already holds: 0 after a
 * status that became nil, 1 after a status returned as a value. */
inline VALUE append_output(VALUE result, int &count, VALUE value) {
  if (count == 0) {
    count = 1;
    return value;
  }
  if (count == 1) result = rb_ary_new_from_args(1, result);
  rb_ary_push(result, value);
  ++count;
  return result;
}

/* ---- GVL release ------------------------------------------------------------------------------
 * Which wrappers run without the GVL is decided from the wrapped C name at compile time:
 *   - the wait family (below, each with an unblock function that wakes the wait), and
 *   - every operation of a client (tinker_{service,training,sampling,rest}_client_*) except
 *     `_async` (returns at once) and `_free` (may run from a finalizer).
 * This is safe because no argument of such a call points into Ruby memory: `const char *`
 * arguments are private copies (see the `const char *` typemap), handles and arrays are C memory.
 * ------------------------------------------------------------------------------------------- */
constexpr bool has_prefix(const char *s, const char *p) {
  return *p == '\0' ? true : (*s == *p && has_prefix(s + 1, p + 1));
}
constexpr size_t length(const char *s) { return *s ? 1 + length(s + 1) : 0; }
constexpr bool has_suffix(const char *s, const char *x) {
  return length(s) >= length(x) && has_prefix(s + (length(s) - length(x)), x);
}
constexpr bool is_blocking_client_call(const char *name) {
  return (has_prefix(name, "tinker_service_client_") || has_prefix(name, "tinker_training_client_") ||
          has_prefix(name, "tinker_sampling_client_") || has_prefix(name, "tinker_rest_client_")) &&
         !has_suffix(name, "_async") && !has_suffix(name, "_free");
}

static_assert(is_blocking_client_call("tinker_service_client_health_check") &&
                  !is_blocking_client_call("tinker_service_client_health_check_async") &&
                  !is_blocking_client_call("tinker_service_client_free") &&
                  !is_blocking_client_call("tinker_client_options_set_base_url"),
              "GVL classifier");

template <class F> void *call_trampoline(void *p) {
  (*static_cast<F *>(p))();
  return nullptr;
}

/* Runs f without the GVL; no unblock function (a blocking client call has no future to wake:
 * the idiomatic layer uses _async + Future#wait, which is interruptible). */
template <class F> void without_gvl(F &f) {
  rb_thread_call_without_gvl(call_trampoline<F>, &f, nullptr, nullptr);
}

/* An interruptible wait: runs `wait(slice_ms)` without the GVL in slices of at most 100 ms until
 * it returns something other than TINKER_E_TIMEOUT or the caller's timeout passes. The unblock
 * function sets `interrupted` and calls `wake()` (tinker_future_interrupt or
 * tinker_completion_queue_wakeup), so Thread#raise, Thread#kill, Timeout and Ctrl-C take effect
 * at once; the slices only cover the window where Ruby fires the unblock function before the
 * wait has started. Returns TINKER_E_INTERRUPTED when woken; Ruby then runs its pending interrupt
 * as the method returns. */
template <class Wait, class Wake> struct SlicedWait {
  Wait wait;
  Wake wake;
  int64_t timeout_ms;
  std::atomic<bool> interrupted{false};
  tinker_status_t status = TINKER_E_TIMEOUT;

  SlicedWait(Wait w, Wake k, int64_t t) : wait(w), wake(k), timeout_ms(t) {}

  static void *run(void *p) {
    SlicedWait *self = static_cast<SlicedWait *>(p);
    using clock = std::chrono::steady_clock;
    const clock::time_point deadline = clock::now() + std::chrono::milliseconds(self->timeout_ms < 0 ? 0 : self->timeout_ms);
    for (;;) {
      if (self->interrupted.load()) { self->status = TINKER_E_INTERRUPTED; break; }
      int64_t slice = 100;
      if (self->timeout_ms >= 0) {
        int64_t left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (left < 0) left = 0;
        if (left < slice) slice = left;
      }
      self->status = self->wait(slice);
      if (self->status != TINKER_E_TIMEOUT) break;
      if (self->timeout_ms >= 0 && clock::now() >= deadline) break;
    }
    return nullptr;
  }
  static void unblock(void *p) {
    SlicedWait *self = static_cast<SlicedWait *>(p);
    self->interrupted.store(true);
    self->wake();
  }
  tinker_status_t operator()() {
    rb_thread_call_without_gvl(run, this, unblock, this);
    return status;
  }
};

template <class Wait, class Wake> tinker_status_t wait_sliced(int64_t timeout_ms, Wait wait, Wake wake) {
  SlicedWait<Wait, Wake> w(wait, wake, timeout_ms);
  return w();
}

} /* namespace tinker_rb */
%}

/* Every wrapper: release the GVL when the name says it is a blocking client operation. */
%exception {
  if (tinker_rb::is_blocking_client_call("$name")) {
    auto tinker_rb_action = [&]() { $action };
    tinker_rb::without_gvl(tinker_rb_action);
  } else {
    $action
  }
}

/* The wait family: interruptible waits with an unblock function. */
%exception tinker_future_wait {
  tinker_future_t *f = arg1;
  result = tinker_rb::wait_sliced(arg2, [f](int64_t ms) { return tinker_future_wait(f, ms); },
                                  [f]() { (void)tinker_future_interrupt(f); });
}
%exception tinker_future_wait_submitted {
  tinker_future_t *f = arg1;
  result = tinker_rb::wait_sliced(arg2, [f](int64_t ms) { return tinker_future_wait_submitted(f, ms); },
                                  [f]() { (void)tinker_future_interrupt(f); });
}
%exception tinker_future_wait_all {
  tinker_future_t *const *fs = arg1;
  size_t n = arg2;
  result = tinker_rb::wait_sliced(arg3, [fs, n](int64_t ms) { return tinker_future_wait_all(fs, n, ms); },
                                  [fs, n]() { for (size_t i = 0; i < n; ++i) (void)tinker_future_interrupt(fs[i]); });
}
%exception tinker_future_wait_any {
  size_t *index = arg1;
  tinker_future_t *const *fs = arg2;
  size_t n = arg3;
  result = tinker_rb::wait_sliced(arg4, [index, fs, n](int64_t ms) { return tinker_future_wait_any(index, fs, n, ms); },
                                  [fs, n]() { for (size_t i = 0; i < n; ++i) (void)tinker_future_interrupt(fs[i]); });
}
%exception tinker_completion_queue_next {
  tinker_completion_queue_t *q = arg1;
  uint64_t *tag = arg3;
  result = tinker_rb::wait_sliced(arg2, [q, tag](int64_t ms) { return tinker_completion_queue_next(q, ms, tag); },
                                  [q]() { (void)tinker_completion_queue_wakeup(q); });
}

/* Status returns: nil on success; on failure the exception is built at once (from a copy of the
 * error record) and raised by the ret-typemap, i.e. after argout/freearg have run. */
%typemap(out) tinker_status_t (VALUE tinker_failure = Qnil, int tinker_nout = 0) %{
  tinker_failure = tinker_rb::capture_failure($1);
  $result = Qnil;
%}
%typemap(ret) tinker_status_t %{
  if (!NIL_P(tinker_failure)) rb_exc_raise(tinker_failure);
%}
%define TINKER_STATUS_IS_VALUE(FN)
%typemap(out) tinker_status_t FN (int tinker_nout = 1) %{ $result = INT2NUM((int)$1); %}
%typemap(ret) tinker_status_t FN ""
%enddef
TINKER_STATUS_VALUE_FUNCTIONS(TINKER_STATUS_IS_VALUE)

/* Input strings: a private, NUL-checked copy (a Ruby String the wrapper alone references, kept
 * alive by RB_GC_GUARD), so no Ruby-owned buffer is touched while the GVL is released. nil -> NULL. */
%typemap(in) const char * (VALUE tinker_copy = Qnil) %{
  if (NIL_P($input)) {
    $1 = NULL;
  } else {
    (void)StringValueCStr($input);
    tinker_copy = rb_str_new(RSTRING_PTR($input), RSTRING_LEN($input));
    $1 = RSTRING_PTR(tinker_copy);
  }
%}
%typemap(freearg) const char * %{ RB_GC_GUARD(tinker_copy$argnum); %}
%typemap(typecheck, precedence=SWIG_TYPECHECK_STRING) const char * %{
  $1 = (NIL_P($input) || RB_TYPE_P($input, T_STRING)) ? 1 : 0;
%}

/* Borrowed strings come back as UTF-8 Strings (nil for NULL). */
%typemap(out) const char * %{ $result = $1 ? rb_utf8_str_new_cstr($1) : Qnil; %}

/* Handle out-params (`T **`, `const T **`) become (additional) return values. The pointer
 * object does not own the handle: the idiomatic layer frees it (close/finalizer). */
%typemap(in, numinputs=0) SWIGTYPE ** ($*1_ltype tinker_out = 0), const SWIGTYPE ** ($*1_ltype tinker_out = 0)
  %{ $1 = &tinker_out; %}
%typemap(argout) SWIGTYPE **, const SWIGTYPE ** %{
  if (result == TINKER_OK && tinker_out$argnum)
    $result = tinker_rb::append_output($result, tinker_nout, SWIG_NewPointerObj(SWIG_as_voidptr(tinker_out$argnum), $*1_descriptor, 0));
%}

/* Library-allocated strings: copied into a UTF-8 String, then freed with tinker_free. */
%typemap(in, numinputs=0) char **out (char *tinker_str = 0) %{ $1 = &tinker_str; %}
%typemap(argout) char **out %{
  if (tinker_str$argnum) {
    VALUE s = rb_utf8_str_new_cstr(tinker_str$argnum);
    tinker_free(tinker_str$argnum);
    tinker_str$argnum = 0;
    $result = tinker_rb::append_output($result, tinker_nout, s);
  }
%}
%typemap(freearg) char **out %{ tinker_free(tinker_str$argnum); %}

/* Scalar out-params become (additional) return values. */
%define TINKER_RB_SCALAR_OUT(CTYPE, TO_RUBY)
%typemap(in, numinputs=0) CTYPE * (CTYPE tinker_v = 0) %{ $1 = &tinker_v; %}
%typemap(argout) CTYPE * %{ $result = tinker_rb::append_output($result, tinker_nout, TO_RUBY(tinker_v$argnum)); %}
%enddef
TINKER_RB_SCALAR_OUT(size_t, SIZET2NUM)
TINKER_RB_SCALAR_OUT(uint64_t, ULL2NUM)
TINKER_RB_SCALAR_OUT(int64_t, LL2NUM)
TINKER_RB_SCALAR_OUT(int32_t, INT2NUM)
TINKER_RB_SCALAR_OUT(int, INT2NUM)
TINKER_RB_SCALAR_OUT(double, rb_float_new)

/* Numeric input arrays: an Array of numbers (or, for bytes, a String), converted in a scratch
 * String (a conversion error raises before any C++ object exists), then copied into a block the
 * builder keeps (see tinker_swig::Retained). nil -> (NULL, 0). */
%define TINKER_RB_ARRAY_IN(CTYPE, FROM_RUBY)
%typemap(in) (const CTYPE *ARRAY, size_t LENGTH) (VALUE tinker_buf = Qnil, std::shared_ptr<std::vector<CTYPE>> tinker_copy) {
  if (NIL_P($input)) {
    $1 = NULL;
    $2 = 0;
  } else {
    long n;
    if (sizeof(CTYPE) == 1 && RB_TYPE_P($input, T_STRING)) {
      tinker_buf = $input;
      n = RSTRING_LEN($input);
    } else {
      Check_Type($input, T_ARRAY);
      n = RARRAY_LEN($input);
      tinker_buf = rb_str_new(NULL, (n > 0 ? n : 1) * (long)sizeof(CTYPE));
      CTYPE *p = (CTYPE *)RSTRING_PTR(tinker_buf);
      for (long i = 0; i < n; ++i) p[i] = (CTYPE)FROM_RUBY(rb_ary_entry($input, i));
    }
    tinker_copy = tinker_swig::copy_array((const CTYPE *)RSTRING_PTR(tinker_buf), (size_t)n);
    $1 = tinker_copy->data();
    $2 = (size_t)n;
  }
}
%typemap(argout) (const CTYPE *ARRAY, size_t LENGTH) %{
  if (result == TINKER_OK) tinker_swig::retained().add(arg1, tinker_copy$argnum);
%}
/* reset here: a failure raises after freearg, and that raise skips C++ destructors */
%typemap(freearg) (const CTYPE *ARRAY, size_t LENGTH) %{
  tinker_copy$argnum.reset();
  RB_GC_GUARD(tinker_buf$argnum);
%}
%enddef
TINKER_RB_ARRAY_IN(int32_t, NUM2INT)
TINKER_RB_ARRAY_IN(int64_t, NUM2LL)
TINKER_RB_ARRAY_IN(float, NUM2DBL)
TINKER_RB_ARRAY_IN(uint8_t, NUM2UINT)

/* Buffers the call fills: Ruby passes the capacity (an Integer) and gets an Array of that many
 * elements back (the function's `written` out-param says how many are meaningful). */
%define TINKER_RB_BUFFER(CTYPE, TO_RUBY)
%typemap(in) (CTYPE *dst, size_t capacity) (VALUE tinker_buf = Qnil) {
  long n = NUM2LONG($input);
  if (n < 0) rb_raise(rb_eArgError, "capacity must be >= 0");
  tinker_buf = rb_str_new(NULL, (n > 0 ? n : 1) * (long)sizeof(CTYPE));
  memset(RSTRING_PTR(tinker_buf), 0, (size_t)(n > 0 ? n : 1) * sizeof(CTYPE));
  $1 = (CTYPE *)RSTRING_PTR(tinker_buf);
  $2 = (size_t)n;
}
%typemap(argout) (CTYPE *dst, size_t capacity) {
  VALUE a = rb_ary_new_capa((long)$2);
  for (size_t i = 0; i < $2; ++i) rb_ary_push(a, TO_RUBY($1[i]));
  $result = tinker_rb::append_output($result, tinker_nout, a);
}
%typemap(freearg) (CTYPE *dst, size_t capacity) %{ RB_GC_GUARD(tinker_buf$argnum); %}
%enddef
TINKER_RB_BUFFER(float, rb_float_new)
TINKER_RB_BUFFER(int32_t, INT2NUM)
TINKER_RB_BUFFER(int64_t, LL2NUM)

/* Arrays of futures (wait_all / wait_any): a Ruby Array of future pointers -> a C array that lives
 * in C memory (a String used as a GC-managed buffer) for the whole call. */
%typemap(in) (tinker_future_t *const *futures, size_t count) (VALUE tinker_buf = Qnil) {
  Check_Type($input, T_ARRAY);
  long n = RARRAY_LEN($input);
  tinker_buf = rb_str_new(NULL, (long)(n > 0 ? n : 1) * (long)sizeof(tinker_future_t *));
  tinker_future_t **fs = (tinker_future_t **)RSTRING_PTR(tinker_buf);
  for (long i = 0; i < n; ++i) {
    void *p = 0;
    int res = SWIG_ConvertPtr(rb_ary_entry($input, i), &p, $descriptor(tinker_future_t *), 0);
    if (!SWIG_IsOK(res)) SWIG_exception_fail(SWIG_ArgError(res), "expected an Array of tinker futures");
    fs[i] = (tinker_future_t *)p;
  }
  $1 = fs;
  $2 = (size_t)n;
}
%typemap(freearg) (tinker_future_t *const *futures, size_t count) %{ RB_GC_GUARD(tinker_buf$argnum); %}

#endif /* SWIGRUBY */

/* =============================================================================================
 * Java
 * =========================================================================================== */
#if defined(SWIGJAVA)

%include <enumtypeunsafe.swg>
%javaconst(1);

/* The raw layer is not public API: SWIG writes it into the idiomatic layer's own package
 * (dev.libtinker, bindings/java/CMakeLists.txt) as package-private classes. A separate package
 * would have to be public for the idiomatic layer to reach it, and a class-path jar (or the
 * automatic module dev.libtinker) cannot hide a public package from users. */
%pragma(java) jniclassclassmodifiers="final class"
%pragma(java) moduleclassmodifiers="final class"
%typemap(javaclassmodifiers) SWIGTYPE *, SWIGTYPE &, SWIGTYPE &&, SWIGTYPE [] "final class"
%typemap(javaclassmodifiers) enum SWIGTYPE "final class"

%{
namespace tinker_java {

inline jbyteArray utf8_bytes(JNIEnv *env, const char *s, size_t n) {
  jbyteArray a = env->NewByteArray((jsize)n);
  if (a && n) env->SetByteArrayRegion(a, 0, (jsize)n, reinterpret_cast<const jbyte *>(s));
  return a;
}

/* Throws dev.libtinker.TinkerException.fromNative(code, message, category, httpStatus,
 * requestId, retryable) when the idiomatic layer is on the class path, else RuntimeException.
 * The wrapper then finishes normally (no early return), so freearg still runs; argout typemaps
 * check for success before touching their arrays. */
inline void throw_failure(JNIEnv *env, tinker_status_t status) {
  tinker_swig::ErrorSnapshot s = tinker_swig::snapshot_last_error(status);
  jclass cls = env->FindClass("dev/libtinker/TinkerException");
  if (cls) {
    jmethodID make = env->GetStaticMethodID(cls, "fromNative", "(I[BII[BZ)Ldev/libtinker/TinkerException;");
    if (make) {
      jbyteArray msg = utf8_bytes(env, s.message.data(), s.message.size());
      jbyteArray rid = utf8_bytes(env, s.request_id.data(), s.request_id.size());
      if (msg && rid) {
        jobject exc = env->CallStaticObjectMethod(cls, make, (jint)s.code, msg, (jint)s.category,
                                                  (jint)s.http_status, rid, (jboolean)(s.retryable != 0));
        if (exc && !env->ExceptionCheck()) env->Throw(static_cast<jthrowable>(exc));
      }
      return;
    }
  }
  env->ExceptionClear();
  jclass rte = env->FindClass("java/lang/RuntimeException");
  std::string text = std::string(tinker_status_str(status)) + ": " + s.message;
  if (rte) env->ThrowNew(rte, text.c_str());
}

} /* namespace tinker_java */
%}

/* Status returns: void in Java; a failure throws. */
%typemap(jstype) tinker_status_t "void"
%typemap(javaout) tinker_status_t { $jnicall; }
%typemap(out) tinker_status_t %{
  if ($1 != TINKER_OK) tinker_java::throw_failure(jenv, $1);
  $result = (jint)$1;
%}
%typemap(jstype) tinker_status_t status "int"
%typemap(javain) tinker_status_t status "$javainput"
%define TINKER_STATUS_IS_VALUE(FN)
%typemap(jstype) tinker_status_t FN "int"
%typemap(javaout) tinker_status_t FN { return $jnicall; }
%typemap(out) tinker_status_t FN %{ $result = (jint)$1; %}
%enddef
TINKER_STATUS_VALUE_FUNCTIONS(TINKER_STATUS_IS_VALUE)

/* Strings cross as UTF-8 byte arrays: JNI's GetStringUTFChars/NewStringUTF speak "modified
 * UTF-8", which mangles NUL and characters outside the BMP. */
%typemap(jni) const char * "jbyteArray"
%typemap(jtype) const char * "byte[]"
%typemap(jstype) const char * "String"
%typemap(javain) const char * "$module.utf8z($javainput)"
%typemap(javaout) const char * {
    return $module.fromUtf8($jnicall);
  }
%typemap(in) const char * %{
  $1 = 0;
  if ($input) {
    $1 = (char *)jenv->GetByteArrayElements($input, 0);
    if (!$1) return $null;
  }
%}
%typemap(freearg) const char * %{
  if ($1) jenv->ReleaseByteArrayElements($input, (jbyte *)$1, JNI_ABORT);
%}
%typemap(out) const char * %{ $result = $1 ? tinker_java::utf8_bytes(jenv, $1, strlen($1)) : 0; %}

%pragma(java) modulecode=%{
  /** NUL-terminated UTF-8 bytes of s, or null. */
  static byte[] utf8z(String s) {
    if (s == null) return null;
    if (s.indexOf('\0') >= 0) throw new IllegalArgumentException("string contains NUL");
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return java.util.Arrays.copyOf(b, b.length + 1);
  }
  static String fromUtf8(byte[] b) {
    return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }
  static long[] futurePointers(SWIGTYPE_p_tinker_future[] futures) {
    if (futures == null) return null;
    long[] p = new long[futures.length];
    for (int i = 0; i < futures.length; i++) p[i] = SWIGTYPE_p_tinker_future.getCPtr(futures[i]);
    return p;
  }
%}

/* Handle out-params: a one-element array the wrapper fills (SWIG's OUTPUT convention). */
%typemap(jni) SWIGTYPE **, const SWIGTYPE ** "jlongArray"
%typemap(jtype) SWIGTYPE **, const SWIGTYPE ** "long[]"
%typemap(jstype) SWIGTYPE **, const SWIGTYPE ** "$*javaclassname[]"
%typemap(javain, pre="    long[] tinker_$javainput = new long[1];",
         post="      $javainput[0] = tinker_$javainput[0] == 0 ? null : new $*javaclassname(tinker_$javainput[0], false);")
  SWIGTYPE **, const SWIGTYPE ** "tinker_$javainput"
%typemap(in) SWIGTYPE ** ($*1_ltype tinker_out = 0), const SWIGTYPE ** ($*1_ltype tinker_out = 0)
  %{ $1 = &tinker_out; %}
%typemap(argout) SWIGTYPE **, const SWIGTYPE ** %{
  if (result == TINKER_OK) {
    jlong tinker_v = (jlong)(intptr_t)tinker_out$argnum;
    jenv->SetLongArrayRegion($input, 0, 1, &tinker_v);
  }
%}

/* Library-allocated strings: String[1] filled with the decoded text; freed with tinker_free. */
%typemap(jni) char **out "jobjectArray"
%typemap(jtype) char **out "byte[][]"
%typemap(jstype) char **out "String[]"
%typemap(javain, pre="    byte[][] tinker_$javainput = new byte[1][];",
         post="      $javainput[0] = $module.fromUtf8(tinker_$javainput[0]);")
  char **out "tinker_$javainput"
%typemap(in) char **out (char *tinker_str = 0) %{ $1 = &tinker_str; %}
%typemap(argout) char **out %{
  if (result == TINKER_OK && tinker_str$argnum) {
    jbyteArray tinker_b = tinker_java::utf8_bytes(jenv, tinker_str$argnum, strlen(tinker_str$argnum));
    if (tinker_b) jenv->SetObjectArrayElement($input, 0, tinker_b);
  }
%}
%typemap(freearg) char **out %{ tinker_free(tinker_str$argnum); %}

/* 64-bit integers are Java long: tags are opaque numbers (not BigInteger), and with
 * SWIGWORDSIZE64 SWIG would otherwise map int64_t (`long`) to Java int. */
%apply long long { int64_t, uint64_t };

/* Scalar out-params: one-element arrays. */
%define TINKER_JAVA_SCALAR_OUT(CTYPE, JNITYPE, JTYPE, SETTER)
%typemap(jni) CTYPE * %{JNITYPE##Array%}
%typemap(jtype) CTYPE * "JTYPE[]"
%typemap(jstype) CTYPE * "JTYPE[]"
%typemap(javain) CTYPE * "$javainput"
%typemap(in) CTYPE * ($*1_ltype tinker_v = 0) %{
  if (!$input || jenv->GetArrayLength($input) < 1) {
    SWIG_JavaThrowException(jenv, SWIG_JavaIndexOutOfBoundsException, "out array must have one element");
    return $null;
  }
  $1 = &tinker_v;
%}
%typemap(argout) CTYPE * %{
  if (!jenv->ExceptionCheck()) {
    JNITYPE tinker_j = (JNITYPE)tinker_v$argnum;
    jenv->SETTER($input, 0, 1, &tinker_j);
  }
%}
%enddef
TINKER_JAVA_SCALAR_OUT(size_t, jlong, long, SetLongArrayRegion)
TINKER_JAVA_SCALAR_OUT(uint64_t, jlong, long, SetLongArrayRegion)
TINKER_JAVA_SCALAR_OUT(int64_t, jlong, long, SetLongArrayRegion)
TINKER_JAVA_SCALAR_OUT(int32_t, jint, int, SetIntArrayRegion)
TINKER_JAVA_SCALAR_OUT(int, jint, int, SetIntArrayRegion)
TINKER_JAVA_SCALAR_OUT(double, jdouble, double, SetDoubleArrayRegion)

/* Numeric input arrays: Java primitive arrays, copied into a block the builder keeps (see
 * tinker_swig::Retained). null -> (NULL, 0). */
%define TINKER_JAVA_ARRAY_IN(CTYPE, JNITYPE, JTYPE, JNAME)
%typemap(jni) (const CTYPE *ARRAY, size_t LENGTH) %{JNITYPE##Array%}
%typemap(jtype) (const CTYPE *ARRAY, size_t LENGTH) "JTYPE[]"
%typemap(jstype) (const CTYPE *ARRAY, size_t LENGTH) "JTYPE[]"
%typemap(javain) (const CTYPE *ARRAY, size_t LENGTH) "$javainput"
%typemap(in) (const CTYPE *ARRAY, size_t LENGTH) (std::shared_ptr<std::vector<CTYPE>> tinker_copy) %{
  $1 = 0;
  $2 = 0;
  if ($input) {
    jsize tinker_n = jenv->GetArrayLength($input);
    tinker_copy = std::make_shared<std::vector<CTYPE>>(tinker_n > 0 ? (size_t)tinker_n : 1);
    if (tinker_n > 0) jenv->Get##JNAME##ArrayRegion($input, 0, tinker_n, reinterpret_cast<JNITYPE *>(tinker_copy->data()));
    $1 = tinker_copy->data();
    $2 = (size_t)tinker_n;
  }
%}
%typemap(argout) (const CTYPE *ARRAY, size_t LENGTH) %{
  if (result == TINKER_OK) tinker_swig::retained().add(arg1, tinker_copy$argnum);
%}
%enddef
TINKER_JAVA_ARRAY_IN(int32_t, jint, int, Int)
TINKER_JAVA_ARRAY_IN(int64_t, jlong, long, Long)
TINKER_JAVA_ARRAY_IN(float, jfloat, float, Float)
TINKER_JAVA_ARRAY_IN(uint8_t, jbyte, byte, Byte)

/* Buffers the call fills: the Java array is the buffer, its length the capacity. */
%define TINKER_JAVA_BUFFER(CTYPE, JNITYPE, JTYPE, JNAME)
%typemap(jni) (CTYPE *dst, size_t capacity) %{JNITYPE##Array%}
%typemap(jtype) (CTYPE *dst, size_t capacity) "JTYPE[]"
%typemap(jstype) (CTYPE *dst, size_t capacity) "JTYPE[]"
%typemap(javain) (CTYPE *dst, size_t capacity) "$javainput"
%typemap(in) (CTYPE *dst, size_t capacity) (JNITYPE *tinker_elems = 0) %{
  $1 = 0;
  $2 = 0;
  if ($input) {
    tinker_elems = jenv->Get##JNAME##ArrayElements($input, 0);
    if (!tinker_elems) return $null;
    $1 = ($1_ltype)tinker_elems;
    $2 = (size_t)jenv->GetArrayLength($input);
  }
%}
%typemap(freearg) (CTYPE *dst, size_t capacity) %{
  if (tinker_elems$argnum) jenv->Release##JNAME##ArrayElements($input, tinker_elems$argnum, 0);
%}
%typemap(argout) (CTYPE *dst, size_t capacity) ""
%enddef
TINKER_JAVA_BUFFER(float, jfloat, float, Float)
TINKER_JAVA_BUFFER(int32_t, jint, int, Int)
TINKER_JAVA_BUFFER(int64_t, jlong, long, Long)

/* Arrays of futures. */
%typemap(jni) (tinker_future_t *const *futures, size_t count) "jlongArray"
%typemap(jtype) (tinker_future_t *const *futures, size_t count) "long[]"
%typemap(jstype) (tinker_future_t *const *futures, size_t count) "SWIGTYPE_p_tinker_future[]"
%typemap(javain) (tinker_future_t *const *futures, size_t count) "$module.futurePointers($javainput)"
%typemap(in) (tinker_future_t *const *futures, size_t count) (jlong *tinker_elems = 0) %{
  $1 = 0;
  $2 = 0;
  if ($input) {
    tinker_elems = jenv->GetLongArrayElements($input, 0);
    if (!tinker_elems) return $null;
    $1 = ($1_ltype)tinker_elems;
    $2 = (size_t)jenv->GetArrayLength($input);
  }
%}
%typemap(freearg) (tinker_future_t *const *futures, size_t count) %{
  if (tinker_elems$argnum) jenv->ReleaseLongArrayElements($input, tinker_elems$argnum, JNI_ABORT);
%}

#endif /* SWIGJAVA */

/* =============================================================================================
 * Go
 * =========================================================================================== */
#if defined(SWIGGO)

/* tinker.h names both an enum tag and a function `tinker_error_category`. In Go both would be
 * Tinker_error_category (SWIG then drops the function), and the Go module reads enum constants
 * through C++ getters declared with the bare tag, which the function hides in C++. So: the
 * function is renamed, and the three category constants are left to the idiomatic layer (their
 * numbers are frozen by the header). */
%rename(tinker_error_get_category) tinker_error_category(const tinker_error_t *);
%ignore TINKER_ERROR_CATEGORY_UNKNOWN;
%ignore TINKER_ERROR_CATEGORY_USER;
%ignore TINKER_ERROR_CATEGORY_SERVER;

%go_import("strconv", "strings")

/* The raw package finds libtinker by itself through pkg-config (tinker.pc of libtinker-dev, or
 * the build tree's with PKG_CONFIG_PATH), so a plain `go build` of the module needs no CGO_*
 * variables; see docs/go.md. */
%insert(cgo_comment_typedefs) %{
#cgo CXXFLAGS: -std=c++17
#cgo pkg-config: tinker
%}

%{
namespace tinker_go {
/* "" on success; on failure the error record packed as
 * code \x1f category \x1f http_status \x1f retryable \x1f request_id \x1f message. */
inline _gostring_ status_result(tinker_status_t status) {
  _gostring_ r;
  r.p = 0;
  r.n = 0;
  if (status == TINKER_OK) return r;
  tinker_swig::ErrorSnapshot s = tinker_swig::snapshot_last_error(status);
  std::string packed = std::to_string(s.code) + '\x1f' + std::to_string(s.category) + '\x1f' +
                       std::to_string(s.http_status) + '\x1f' + std::to_string(s.retryable) + '\x1f' +
                       s.request_id + '\x1f' + s.message;
  return Swig_AllocateString(packed.data(), packed.size());
}
} /* namespace tinker_go */
%}

%insert(go_wrapper) %{
// StatusError is a failed call's error record, copied inside the same C call that failed (so
// goroutine migration between OS threads cannot mix records up).
type StatusError struct {
	Code       int
	Category   int
	HTTPStatus int
	Retryable  bool
	RequestID  string
	Message    string
}

func (e *StatusError) Error() string { return e.Message }

func swigStatusError(packed string) error {
	if len(packed) == 0 {
		return nil
	}
	f := strings.SplitN(packed, "\x1f", 6)
	for len(f) < 6 {
		f = append(f, "")
	}
	e := &StatusError{RequestID: f[4], Message: f[5]}
	e.Code, _ = strconv.Atoi(f[0])
	e.Category, _ = strconv.Atoi(f[1])
	e.HTTPStatus, _ = strconv.Atoi(f[2])
	e.Retryable = f[3] == "1"
	return e
}
%}

/* Status returns: a Go `error` (nil on success). */
%typemap(gotype) tinker_status_t "error"
%typemap(imtype) tinker_status_t "string"
%typemap(out, fragment="AllocateString") tinker_status_t %{ $result = tinker_go::status_result($1); %}
%typemap(goout, fragment="CopyString") tinker_status_t %{
	if len($1) == 0 {
		$result = nil
	} else {
		$result = swigStatusError(swigCopyString($1))
	}
%}
%typemap(gotype) tinker_status_t status "int"
%typemap(imtype) tinker_status_t status "int"
%define TINKER_STATUS_IS_VALUE(FN)
%typemap(gotype) tinker_status_t FN "int"
%typemap(imtype) tinker_status_t FN "int"
%typemap(out) tinker_status_t FN %{ $result = (intgo)$1; %}
%typemap(goout) tinker_status_t FN ""
%enddef
TINKER_STATUS_VALUE_FUNCTIONS(TINKER_STATUS_IS_VALUE)

/* Handle out-params: the caller passes a *uintptr and converts the value with the handle's
 * Swigcptr type (`var p uintptr; raw.X(..., &p); f := raw.SwigcptrTinker_future(p)`). SWIG's Go
 * module cannot name "the handle type of T **" in a typemap, and a uintptr keeps Go pointers out
 * of C memory. */
%typemap(gotype) SWIGTYPE **, const SWIGTYPE ** "*uintptr"
%typemap(imtype) SWIGTYPE **, const SWIGTYPE ** "*uintptr"
%typemap(goin) SWIGTYPE **, const SWIGTYPE ** %{ $result = new(uintptr) %}
%typemap(in) SWIGTYPE **, const SWIGTYPE ** %{
  $1 = ($1_ltype)$input;
  *$1 = 0;
%}
%typemap(argout) SWIGTYPE **, const SWIGTYPE ** ""
%typemap(goargout) SWIGTYPE **, const SWIGTYPE ** %{
	if $1 != nil {
		*$1 = *$input
	}
%}

/* Library-allocated strings: the caller passes a *string; the C string is freed with tinker_free. */
%typemap(gotype) char **out "*string"
%typemap(imtype) char **out "*string"
%typemap(goin) char **out %{ $result = new(string) %}
%typemap(in) char **out (char *tinker_str = 0) %{ $1 = &tinker_str; %}
%typemap(argout, fragment="AllocateString") char **out %{
  if (tinker_str$argnum) {
    *$input = Swig_AllocateString(tinker_str$argnum, strlen(tinker_str$argnum));
  }
%}
%typemap(freearg) char **out %{ tinker_free(tinker_str$argnum); %}
%typemap(goargout, fragment="CopyString") char **out %{
	if $1 != nil && len(*$input) != 0 {
		*$1 = swigCopyString(*$input)
	}
%}

/* Scalar out-params: pointers to Go variables of the same size (size_t is int64, as SWIG maps
 * size_t values). C writes straight into them. */
%define TINKER_GO_SCALAR_OUT(CTYPE, GOTYPE)
%typemap(gotype) CTYPE * "*GOTYPE"
%typemap(imtype) CTYPE * "*GOTYPE"
%typemap(in) CTYPE * %{ $1 = ($1_ltype)$input; %}
%typemap(argout) CTYPE * ""
%typemap(goargout) CTYPE * ""
%enddef
TINKER_GO_SCALAR_OUT(size_t, int64)
TINKER_GO_SCALAR_OUT(uint64_t, uint64)
TINKER_GO_SCALAR_OUT(int64_t, int64)
TINKER_GO_SCALAR_OUT(int32_t, int32)
TINKER_GO_SCALAR_OUT(int, int32)
TINKER_GO_SCALAR_OUT(double, float64)

/* Numeric input arrays and buffers: Go slices, passed to C for the duration of the call (their
 * elements hold no Go pointers). A nil or empty slice is (NULL, 0). */
%define TINKER_GO_SLICE(CTYPE, GOTYPE)
%typemap(gotype) (const CTYPE *ARRAY, size_t LENGTH), (CTYPE *dst, size_t capacity) "[]GOTYPE"
%typemap(imtype) (const CTYPE *ARRAY, size_t LENGTH), (CTYPE *dst, size_t capacity) "[]GOTYPE"
/* Inputs are copied into a block the builder keeps (cgo forbids C to keep Go pointers; see
 * tinker_swig::Retained). */
%typemap(in) (const CTYPE *ARRAY, size_t LENGTH) (std::shared_ptr<std::vector<CTYPE>> tinker_copy) %{
  tinker_copy = tinker_swig::copy_array((const CTYPE *)$input.array, (size_t)$input.len);
  $1 = tinker_copy->data();
  $2 = (size_t)$input.len;
%}
%typemap(argout) (const CTYPE *ARRAY, size_t LENGTH) %{
  if (result == TINKER_OK) tinker_swig::retained().add(arg1, tinker_copy$argnum);
%}
%typemap(goargout) (const CTYPE *ARRAY, size_t LENGTH) ""
/* Buffers are filled during the call only: the slice is passed as is. */
%typemap(in) (CTYPE *dst, size_t capacity) %{
  $1 = ($1_ltype)$input.array;
  $2 = (size_t)$input.len;
%}
%typemap(argout) (CTYPE *dst, size_t capacity) ""
%typemap(goargout) (CTYPE *dst, size_t capacity) ""
%enddef
TINKER_GO_SLICE(int32_t, int32)
TINKER_GO_SLICE(int64_t, int64)
TINKER_GO_SLICE(float, float32)
TINKER_GO_SLICE(uint8_t, byte)

/* Arrays of futures: a Go slice of handles, passed to C as a []uintptr. */
%typemap(gotype) (tinker_future_t *const *futures, size_t count) "[]Tinker_future"
%typemap(imtype) (tinker_future_t *const *futures, size_t count) "[]uintptr"
%typemap(goin) (tinker_future_t *const *futures, size_t count) %{
	$result = make([]uintptr, len($input))
	for i, f := range $input {
		if f != nil {
			$result[i] = f.Swigcptr()
		}
	}
%}
%typemap(in) (tinker_future_t *const *futures, size_t count) %{
  $1 = ($1_ltype)$input.array;
  $2 = (size_t)$input.len;
%}

#endif /* SWIGGO */

/* =============================================================================================
 * All languages: numeric array parameters
 * =========================================================================================== */

/* SWIG matches multi-argument typemaps by type AND name, so the (pointer, length) pairs of
 * tinker.h are listed here; each gets the canonical `(const T *ARRAY, size_t LENGTH)` typemaps
 * of the language sections. A `const T *` parameter outside these pairs is refused below (SWIG
 * warning 901, an error in the abi_swig_parse tests; the generated wrapper does not compile),
 * rather than being mistaken for an out-parameter. */
%define TINKER_ARRAY_PARAMETERS(CTYPE)
%apply (const CTYPE *ARRAY, size_t LENGTH) {
  (const CTYPE *tokens, size_t count),
  (const CTYPE *data, size_t count),
  (const CTYPE *data, size_t numel),
  (const CTYPE *data, size_t size),
  (const CTYPE *shape, size_t ndim),
  (const CTYPE *values, size_t count),
  (const CTYPE *gradient, size_t count),
  (const CTYPE *crow_indices, size_t crow_count),
  (const CTYPE *col_indices, size_t col_count)
};
%typemap(in, warning="901:a `const CTYPE *` parameter outside TINKER_ARRAY_PARAMETERS (bindings/swig/tinker.i)")
  const CTYPE * %{ static_assert(sizeof(CTYPE) == 0, "unhandled array parameter: see TINKER_ARRAY_PARAMETERS"); %}
/* ... and never falls back (by dropping `const`) to the scalar out-param typemaps. */
%typemap(argout) const CTYPE * ""
%enddef
TINKER_ARRAY_PARAMETERS(int32_t)
TINKER_ARRAY_PARAMETERS(int64_t)
TINKER_ARRAY_PARAMETERS(float)
TINKER_ARRAY_PARAMETERS(uint8_t)

/* Any future function that returns a fresh `char *` must be marked %newobject; it is then
 * released with tinker_free, never free()/delete[]. */
%typemap(newfree) char * "tinker_free($1);";

/* SWIG does not follow #include: the modules of tinker/tinker.h, in its order. */
%include "tinker/common.h"
%include "tinker/options.h"
%include "tinker/future.h"
%include "tinker/service.h"
%include "tinker/training.h"
%include "tinker/sampling.h"
%include "tinker/rest.h"
%include "tinker/results.h"

/* The tokenizer: its id arrays and decoded text belong to one call (nothing is retained with a
 * builder, unlike the arrays above), so each language's typemaps for them live in a file of
 * their own, next to this one. */
#if defined(SWIGGO)
%include "tokenizer_go.i"
#elif defined(SWIGRUBY)
%include "tokenizer_ruby.i"
#elif defined(SWIGJAVA)
%include "tokenizer_java.i"
#endif
%include "tinker/tokenizer.h"
