// The structs behind the opaque C handles, and the helpers every C entry point shares.
#pragma once

#include <cstring>
#include <memory>
#include <string>

#include "client/rest_client.h"
#include "client/sampling_client.h"
#include "client/sampling_types.h"
#include "client/service_client.h"
#include "client/training_client.h"
#include "core/client_options.h"
#include "core/completion_queue.h"
#include "core/future_state.h"

namespace tinker::tok {
class Tokenizer;
}

struct tinker_client_options {
  tinker::ClientOptions o;
};
struct tinker_service_client {
  std::shared_ptr<tinker::ServiceClient> impl;
};
struct tinker_rest_client {
  std::shared_ptr<tinker::RestClient> impl;
};
struct tinker_training_client {
  std::shared_ptr<tinker::TrainingClient> impl;
};
struct tinker_sampling_client {
  std::shared_ptr<tinker::SamplingClient> impl;
};
struct tinker_sampling_params {
  tinker::wire::SamplingParams v;
};
struct tinker_future {
  std::shared_ptr<tinker::FutureState> state;
};
struct tinker_tokenizer {
  std::shared_ptr<const tinker::tok::Tokenizer> impl;  // immutable: get_tokenizer's handles share one
};
struct tinker_completion_queue {
  std::shared_ptr<tinker::CompletionQueue> queue;
};

// INVALID_ARGUMENT naming the NULL parameter, from inside a guard body (`fn` in scope).
#define TINKER_CHECK_ARG(fn, p) \
  do {                          \
    if (!(p)) return ::tinker::capi::null_argument(fn, #p); \
  } while (0)

// The same for an out-parameter, which is then cleared: after any failure that follows, the
// caller finds NULL there (tinker.h conventions).
#define TINKER_CHECK_OUT(fn, p) \
  do {                          \
    if (!(p)) return ::tinker::capi::null_argument(fn, #p); \
    *(p) = nullptr;             \
  } while (0)

namespace tinker::capi {

// Sets the thread's last error and returns its code.
tinker_status_t fail(tinker_status_t code, const std::string& message);

// Every exported function that returns a status runs its body through guard(): the last error
// is cleared first, and no C++ exception crosses the ABI (docs/design.md "Errors").
// The body receives the exported function's name (`fn`) for its messages: __func__ inside a
// lambda would name the lambda's operator().
template <class F>
tinker_status_t guard(const char* fn, F&& body) noexcept {
  clear_last_error();
  try {
    return body(fn);
  } catch (const std::bad_alloc&) {
    return fail(TINKER_E_RESOURCE_EXHAUSTED, std::string(fn) + ": out of memory");
  } catch (const std::exception& e) {
    return fail(TINKER_E_INTERNAL, std::string(fn) + ": internal error: " + e.what());
  } catch (...) {
    return fail(TINKER_E_INTERNAL, std::string(fn) + ": internal error");
  }
}

// For exported functions without a status (getters, _free): swallow any exception.
template <class T, class F>
T guard_value(T fallback, F&& body) noexcept {
  try {
    return body();
  } catch (...) {
    return fallback;
  }
}

// The integer a C caller passed for an enum parameter. C may pass any int, and loading an
// out-of-range value as a C++ enum is undefined, so validation reads the bytes instead.
template <class E>
int enum_value(const E& e) {
  static_assert(sizeof(E) == sizeof(int), "C enums are int-sized");
  int v;
  std::memcpy(&v, &e, sizeof v);
  return v;
}

// INVALID_ARGUMENT naming the parameter, e.g. "tinker_future_wait: future is NULL".
tinker_status_t null_argument(const char* fn, const char* param);

// Hands a started operation to the caller as a new tinker_future_t.
tinker_status_t hand_out(std::shared_ptr<FutureState> state, tinker_future_t** out);

// The blocking twin of an _async call: wait on the caller's thread, then take the result.
// `out` may be null for status-only operations.
tinker_status_t wait_and_take(const std::shared_ptr<FutureState>& state, ResultKind kind,
                              std::unique_ptr<Result>* out);

// Hands a string to the caller as malloc'ed memory (freed with tinker_free).
tinker_status_t out_string(const char* fn, const std::string& s, char** out);

// The body of every copy_to: *written cleared, a NULL dst only with capacity 0, nothing copied
// unless all `n` elements fit (TINKER_E_OUT_OF_RANGE). `fn` and `written` are checked already.
template <class T>
tinker_status_t copy_out(const char* fn, const T* src, size_t n, T* dst, size_t capacity, size_t* written) {
  *written = 0;
  if (!dst && capacity > 0) return null_argument(fn, "dst");
  if (capacity < n)
    return fail(TINKER_E_OUT_OF_RANGE, std::string(fn) + ": capacity " + std::to_string(capacity) +
                                           " is smaller than the " + std::to_string(n) + " elements");
  if (n) std::memcpy(dst, src, n * sizeof(T));
  *written = n;
  return TINKER_OK;
}

// A taken text result (a registry result whose value is one string) as the caller's string.
template <class TextResult>
tinker_status_t text_of(const char* fn, std::unique_ptr<Result> r, char** out) {
  return out_string(fn, static_cast<const TextResult*>(r.get())->value, out);
}

// One shape for every typed take: check the arguments, take the kind, cast. `to_handle`
// turns the taken result into what the caller receives (by default, the result itself).
template <class T>
tinker_status_t take(const char* name, tinker_future_t* future, ResultKind kind, T** out) {
  return guard(name, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    TINKER_CHECK_ARG(fn, future);
    std::unique_ptr<Result> r;
    tinker_status_t s = future->state->take(kind, &r);
    if (s == TINKER_OK) *out = static_cast<T*>(r.release());
    return s;
  });
}

template <class Handle, class Make>
tinker_status_t take_as(const char* name, tinker_future_t* future, ResultKind kind, Handle** out, Make to_handle) {
  return guard(name, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    TINKER_CHECK_ARG(fn, future);
    std::unique_ptr<Result> r;
    tinker_status_t s = future->state->take(kind, &r);
    return s == TINKER_OK ? to_handle(fn, std::move(r), out) : s;
  });
}

}  // namespace tinker::capi
