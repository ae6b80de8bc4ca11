// tinker_future_* and tinker_completion_queue_*.
#include <chrono>

#include "capi/handles.h"
#include "core/saturating_time.h"

using namespace tinker;
using capi::fail;
using capi::guard;

namespace {

// wait_all / wait_any: register one waiter with every future, then sleep until the predicate
// over the futures holds, the timeout passes, or one of them is interrupted.
template <class Pred>
tinker_status_t wait_many(tinker_future_t* const* fs, size_t n, int64_t timeout_ms, Pred done) {
  auto waiter = std::make_shared<MultiWaiter>();
  for (size_t i = 0; i < n; ++i) fs[i]->state->add_waiter(waiter);
  const auto deadline = wait_deadline(timeout_ms);
  tinker_status_t result;
  for (;;) {
    uint64_t gen, interrupts;
    {
      std::lock_guard<std::mutex> lk(waiter->mu);
      gen = waiter->generation;
      interrupts = waiter->interrupts;
    }
    if (done()) { result = TINKER_OK; break; }
    if (interrupts) { result = TINKER_E_INTERRUPTED; break; }
    std::unique_lock<std::mutex> lk(waiter->mu);
    auto changed = [&] { return waiter->generation != gen; };
    if (!wait_until_saturating(waiter->cv, lk, deadline, changed)) {
      lk.unlock();
      result = done() ? TINKER_OK : TINKER_E_TIMEOUT;
      break;
    }
  }
  for (size_t i = 0; i < n; ++i) fs[i]->state->remove_waiter(waiter);
  return result;
}

tinker_status_t check_array(const char* fn, tinker_future_t* const* fs, size_t n) {
  if (!fs) return capi::null_argument(fn, "futures");
  for (size_t i = 0; i < n; ++i)
    if (!fs[i]) return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": futures[" + std::to_string(i) + "] is NULL");
  return TINKER_OK;
}

// poll, wait and wait_submitted report a failed future alike: its status, and its error in the
// calling thread's error record (tinker.h conventions).
tinker_status_t with_error_record(const FutureState& f, tinker_status_t s) {
  if (s != TINKER_OK)
    if (const Error* e = f.error()) set_last_error(*e);
  return s;
}

}  // namespace

extern "C" {

TINKER_API tinker_status_t tinker_future_poll(const tinker_future_t* future) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, future);
    return with_error_record(*future->state, future->state->poll());
  });
}

TINKER_API tinker_status_t tinker_future_wait(tinker_future_t* future, int64_t timeout_ms) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, future);
    return with_error_record(*future->state, future->state->wait(timeout_ms));
  });
}

TINKER_API int tinker_future_is_submitted(const tinker_future_t* future) {
  return capi::guard_value(0, [&] { return future && future->state->is_submitted() ? 1 : 0; });
}

TINKER_API tinker_status_t tinker_future_wait_submitted(tinker_future_t* future, int64_t timeout_ms) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, future);
    return with_error_record(*future->state, future->state->wait_submitted(timeout_ms));
  });
}

TINKER_API tinker_status_t tinker_future_on_complete(tinker_future_t* future, tinker_future_callback_t callback, void* user_data,
                                                     tinker_destroy_notify_t destroy) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, future);
    TINKER_CHECK_ARG(fn, callback);
    return future->state->on_complete(callback, user_data, destroy, future);
  });
}

TINKER_API tinker_status_t tinker_future_cancel(tinker_future_t* future) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, future);
    return future->state->cancel();
  });
}

TINKER_API tinker_status_t tinker_future_interrupt(tinker_future_t* future) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, future);
    future->state->interrupt();
    return TINKER_OK;
  });
}

TINKER_API const tinker_error_t* tinker_future_error(const tinker_future_t* future) {
  return capi::guard_value<const tinker_error_t*>(nullptr, [&] { return future ? future->state->error() : nullptr; });
}

TINKER_API void tinker_future_free(tinker_future_t* future) {
  if (!future) return;
  capi::guard_value(0, [&] {
    future->state->release();
    return 0;
  });
  delete future;
}

TINKER_API tinker_status_t tinker_future_wait_all(tinker_future_t* const* fs, size_t n, int64_t timeout_ms) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    if (tinker_status_t s = check_array(fn, fs, n)) return s;
    // A finished future stays finished: each wake looks on from the first one that was not,
    // so waiting for n futures costs O(n) checks in all, not O(n) per completion.
    size_t first_pending = 0;
    return wait_many(fs, n, timeout_ms, [&] {
      while (first_pending < n && fs[first_pending]->state->done()) ++first_pending;
      return first_pending == n;
    });
  });
}

TINKER_API tinker_status_t tinker_future_wait_any(size_t* index, tinker_future_t* const* fs, size_t n,
                                                  int64_t timeout_ms) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, index);
    if (tinker_status_t s = check_array(fn, fs, n)) return s;
    if (n == 0) return fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": count is 0");
    return wait_many(fs, n, timeout_ms, [&] {
      for (size_t i = 0; i < n; ++i)
        if (fs[i]->state->done()) {
          *index = i;
          return true;
        }
      return false;
    });
  });
}

TINKER_API tinker_status_t tinker_completion_queue_new(tinker_completion_queue_t** out) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    auto queue = std::make_shared<CompletionQueue>();
    if (!queue->valid()) return fail(TINKER_E_RESOURCE_EXHAUSTED, std::string(fn) + ": eventfd failed");
    *out = new tinker_completion_queue{std::move(queue)};
    return TINKER_OK;
  });
}

TINKER_API void tinker_completion_queue_free(tinker_completion_queue_t* queue) { delete queue; }

TINKER_API tinker_status_t tinker_future_set_completion_queue(tinker_future_t* future, tinker_completion_queue_t* queue,
                                                              uint64_t tag) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, future);
    TINKER_CHECK_ARG(fn, queue);
    return future->state->set_queue(queue->queue, tag);
  });
}

TINKER_API tinker_status_t tinker_completion_queue_next(tinker_completion_queue_t* queue, int64_t timeout_ms,
                                                        uint64_t* tag) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, queue);
    TINKER_CHECK_ARG(fn, tag);
    return queue->queue->next(timeout_ms, tag);
  });
}

TINKER_API tinker_status_t tinker_completion_queue_wakeup(tinker_completion_queue_t* queue) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, queue);
    queue->queue->wakeup();
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_completion_queue_fd(tinker_completion_queue_t* queue, int* fd) {
  return guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, queue);
    TINKER_CHECK_ARG(fn, fd);
    *fd = queue->queue->fd();
    return TINKER_OK;
  });
}

}  // extern "C"
