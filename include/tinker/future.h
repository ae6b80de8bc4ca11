/*
 * tinker/future.h — futures (the result of every `_async` call), wait_all / wait_any, and
 * completion queues. Part of <tinker/tinker.h>, whose conventions apply. Taking a future's
 * result (tinker_future_take_*) is in results.h.
 *
 * A future is thread-safe: any thread may poll, wait, cancel, interrupt or take at the same
 * time as others; tinker_future_free must be the last call on it.
 */
#ifndef TINKER_FUTURE_H
#define TINKER_FUTURE_H

#include "tinker/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* =============================================================================================
 * Futures
 * =========================================================================================== */

/** The future's state without blocking: TINKER_PENDING while running, else its final status
 *  (TINKER_OK or an error code); for a failed future this thread's error record receives the
 *  future's error, as tinker_future_wait does.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL future); else the future's final status. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_poll(const tinker_future_t *future);

/** Waits up to `timeout_ms` (negative = forever, 0 = do not block) for the future to finish.
 *  Returns its final status (a failure also fills this thread's error record with the future's
 *  error), TINKER_E_TIMEOUT if it is still running (it keeps running), or TINKER_E_INTERRUPTED
 *  if tinker_future_interrupt woke it. Several threads may wait at once.
 *  Ownership: nothing changes hands. Threads: any thread; not inside the log callback.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL future), TINKER_E_TIMEOUT, TINKER_E_INTERRUPTED;
 *  else the future's final status. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_wait(tinker_future_t *future, int64_t timeout_ms);

/** 1 once the request reached the server (its submission finished, in seq_id order for
 *  training), or once the future finished; 0 before. Lets callers pipeline.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: none; a NULL future gives 0. Since: 0.1. */
TINKER_API int tinker_future_is_submitted(const tinker_future_t *future);

/** Waits like tinker_future_wait, but only until the future is submitted (or finished).
 *  Returns TINKER_OK when submitted (even if it failed afterwards), the final error status if
 *  it failed before (filling this thread's error record with the future's error), or
 *  TINKER_E_TIMEOUT / TINKER_E_INTERRUPTED.
 *  Ownership: nothing changes hands. Threads: any thread; not inside the log callback.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL future), TINKER_E_TIMEOUT, TINKER_E_INTERRUPTED;
 *  else the status of a future that failed before it was submitted. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_wait_submitted(tinker_future_t *future, int64_t timeout_ms);

/** Registers the completion callback (at most one callback or completion queue per future).
 *  `callback` runs once on the completion thread — also when the future is already finished,
 *  then shortly after this call returns. `destroy` (may be NULL) runs once afterwards.
 *  If this returns an error neither runs.
 *  Ownership: `user_data` stays the caller's; the library hands it to `callback` and `destroy`.
 *  Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL future or callback), TINKER_E_FAILED_PRECONDITION
 *  (a callback or completion queue already registered; the client runtime shut down).
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_future_on_complete(tinker_future_t *future, tinker_future_callback_t callback, void *user_data, tinker_destroy_notify_t destroy);

/** Cancels: stops local work (polling, retries, waiting for a turn) and ends the future with
 *  TINKER_E_CANCELLED unless it already finished. Tinker has no server-side cancel: a request
 *  the server already accepted may still run there. A training operation cancelled before it
 *  was submitted never sends its seq_id, as in the official SDK (§6.1); the server then sees a
 *  gap before the run's next operation (how long a server waits on a gap is not specified;
 *  tinker-emulator waits `seq_gap_timeout_ms`, 60 s by default). Idempotent.
 *  Ownership: the caller still owns the future (free it). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL future); TINKER_OK also when it already finished.
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_future_cancel(tinker_future_t *future);

/** Wakes every thread currently waiting on the future (their wait returns
 *  TINKER_E_INTERRUPTED) without cancelling it. For Ruby unblock functions and Ctrl-C handling.
 *  Ownership: nothing changes hands. Threads: any thread (typically not a waiting one).
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL future). Since: 0.1. */
TINKER_API tinker_status_t tinker_future_interrupt(tinker_future_t *future);

/** The error of a failed future, NULL while pending or when it succeeded.
 *  Ownership: borrowed from the future; valid, and unchanged, until tinker_future_free.
 *  Threads: any thread. Errors: none; a NULL future gives NULL. Since: 0.1. */
TINKER_API const tinker_error_t *tinker_future_error(const tinker_future_t *future);

/** Frees the future; legal in any state. A pending future is cancelled and detached. No
 *  callback starts after this returns; a callback running on the completion thread is waited
 *  for (unless free is called from inside it). A registered callback that never ran has its
 *  destroy notify run here. Futures may outlive their client.
 *  Ownership: takes `future`; NULL is allowed. Threads: any thread (also inside the future's own
 *  callback), as the last call on it. Errors: none. Since: 0.1. */
TINKER_API void tinker_future_free(tinker_future_t *future);

/** (beyond) Waits until all `count` futures finished or `timeout_ms` passed (negative = forever).
 *  TINKER_OK when all finished (each may have failed: check each one with tinker_future_poll;
 *  this does not copy their errors into the record); count 0 returns TINKER_OK at once.
 *  Ownership: the array and the futures stay the caller's.
 *  Threads: any thread; not inside the log callback.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL array or element), TINKER_E_TIMEOUT,
 *  TINKER_E_INTERRUPTED (one of them was interrupted). Since: 0.1. */
TINKER_API tinker_status_t tinker_future_wait_all(tinker_future_t *const *futures, size_t count, int64_t timeout_ms);

/** (beyond) Waits until at least one of `count` futures finished; `*index` receives the lowest
 *  index of a finished one (its out-parameter comes first: an exception fixed by the ABI).
 *  Ownership: the array and the futures stay the caller's. Threads: any thread; not inside the
 *  log callback. Errors: TINKER_E_INVALID_ARGUMENT (NULL index, array or element; count 0),
 *  TINKER_E_TIMEOUT, TINKER_E_INTERRUPTED; *index is set only on TINKER_OK. Since: 0.1. */
TINKER_API tinker_status_t tinker_future_wait_any(size_t *index, tinker_future_t *const *futures, size_t count, int64_t timeout_ms);

/* =============================================================================================
 * Completion queues (for bindings: the library never calls into the host)
 * =========================================================================================== */

/** Creates a queue.
 *  Ownership: the caller owns *out (tinker_completion_queue_free). Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL out), TINKER_E_RESOURCE_EXHAUSTED (no eventfd).
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_completion_queue_new(tinker_completion_queue_t **out);

/** Frees a queue. Futures still attached simply stop reporting to it.
 *  Ownership: takes `queue`; NULL is allowed. Threads: any thread, as the last call on it (no
 *  thread may still be in tinker_completion_queue_next on it). Errors: none. Since: 0.1. */
TINKER_API void tinker_completion_queue_free(tinker_completion_queue_t *queue);

/** Attaches a future to a queue: when it finishes (or now, if it already has), `tag` is pushed.
 *  Counts as the future's one registration (exclusive with tinker_future_on_complete).
 *  Ownership: both stay the caller's; the future keeps the queue's state alive while attached.
 *  Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL future or queue), TINKER_E_FAILED_PRECONDITION (a
 *  callback or queue already registered). Since: 0.1. */
TINKER_API tinker_status_t tinker_future_set_completion_queue(tinker_future_t *future, tinker_completion_queue_t *queue, uint64_t tag);

/** Pops the next tag, waiting up to `timeout_ms` (negative = forever). TINKER_OK with *tag set,
 *  TINKER_E_TIMEOUT, or TINKER_E_INTERRUPTED after tinker_completion_queue_wakeup.
 *  Ownership: nothing changes hands. Threads: any thread; several may wait at once.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL queue or tag), TINKER_E_TIMEOUT,
 *  TINKER_E_INTERRUPTED; *tag is set only on TINKER_OK. Since: 0.1. */
TINKER_API tinker_status_t tinker_completion_queue_next(tinker_completion_queue_t *queue, int64_t timeout_ms, uint64_t *tag);

/** Wakes one blocked tinker_completion_queue_next (or the next call) with TINKER_E_INTERRUPTED.
 *  Ownership: nothing changes hands. Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL queue). Since: 0.1. */
TINKER_API tinker_status_t tinker_completion_queue_wakeup(tinker_completion_queue_t *queue);

/** A file descriptor that is readable while the queue holds tags, for select/poll/epoll loops
 *  (Go, Ruby IO).
 *  Ownership: borrowed from the queue: do not close or read it. Threads: any thread.
 *  Errors: TINKER_E_INVALID_ARGUMENT (NULL queue or fd); *fd is set only on TINKER_OK.
 *  Since: 0.1. */
TINKER_API tinker_status_t tinker_completion_queue_fd(tinker_completion_queue_t *queue, int *fd);

#ifdef __cplusplus
}
#endif

#endif /* TINKER_FUTURE_H */
