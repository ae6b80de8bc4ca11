package tinker

import (
	"context"
	"errors"
	"sync"

	"libtinker.dev/tinker/internal/raw"
)

// waitSliceMs bounds each native wait. A cancelled context or a Close wakes the wait at once
// (tinker_future_interrupt / tinker_future_cancel / tinker_completion_queue_wakeup); the slice
// only covers a wake-up that lands before the native wait has started, or one that woke another
// waiter instead.
const waitSliceMs = 250

// waitLoop runs wait (a native wait with a timeout in ms) until it reports something other than
// "timed out" or "interrupted", the context ends, or the handle is being closed.
func waitLoop(ctx context.Context, closing func() bool, wait func(ms int64) Status, wake func()) (Status, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if done := ctx.Done(); done != nil {
		// The watcher wakes the native wait when ctx ends. waitLoop returns only after the
		// watcher has exited, so wake never runs after the caller released the handle.
		stop, exited := make(chan struct{}), make(chan struct{})
		defer func() {
			close(stop)
			<-exited
		}()
		go func() {
			defer close(exited)
			select {
			case <-done:
				wake()
			case <-stop:
			}
		}()
	}
	for {
		if err := ctx.Err(); err != nil {
			return StatusCancelled, err
		}
		if closing() {
			return StatusCancelled, errClosed
		}
		switch st := wait(waitSliceMs); st {
		case StatusTimeout, StatusInterrupted:
			continue
		default:
			return st, nil
		}
	}
}

// Awaitable is any *Future[T]; it lets non-generic code (CompletionQueue) accept all of them.
type Awaitable interface {
	native() *handle[raw.Tinker_future]
}

// Future is a running libtinker operation. Wait blocks (honouring a context); Poll never blocks.
// A Future is safe for concurrent use. Close it when done (or let the finalizer do it); closing
// a pending future cancels it. Tinker has no server-side cancel: a request the server already
// accepted may still run there.
type Future[T any] struct {
	h    *handle[raw.Tinker_future]
	take func(context.Context, raw.Tinker_future) (T, error)
	// stop, when set, ends what take started beyond the native future (see custom_loss.go):
	// Cancel calls it with release false, Close with release true, before touching h.
	stop func(release bool)

	mu    sync.Mutex
	taken bool
	val   T
	err   error
}

func newFuture[T any](f raw.Tinker_future, take func(raw.Tinker_future) (T, error)) *Future[T] {
	return newStagedFuture(f, func(_ context.Context, p raw.Tinker_future) (T, error) { return take(p) }, nil)
}

// newStagedFuture wraps an operation that needs more work once its native future succeeded:
// take runs on the goroutine that calls Wait and may block, honouring the context; an error
// that is that context's leaves the result untaken, so a later Wait resumes.
func newStagedFuture[T any](f raw.Tinker_future, take func(context.Context, raw.Tinker_future) (T, error),
	stop func(release bool)) *Future[T] {
	return &Future[T]{h: newHandle[raw.Tinker_future](f, raw.Tinker_future_free), take: take, stop: stop}
}

func (f *Future[T]) native() *handle[raw.Tinker_future] { return f.h }

// Poll returns StatusPending while the operation runs, else its final status.
func (f *Future[T]) Poll() Status {
	st := StatusCancelled
	_ = f.h.use(func(p raw.Tinker_future) error { st = Status(raw.Tinker_future_poll(p)); return nil })
	return st
}

// Done reports whether the operation has finished (successfully or not).
func (f *Future[T]) Done() bool { return f.Poll() != StatusPending }

// Wait blocks until the operation finishes or ctx ends, and returns its result. When ctx ends
// first it returns ctx.Err() and the operation keeps running (Wait may be called again).
func (f *Future[T]) Wait(ctx context.Context) (T, error) {
	var zero T
	err := f.h.use(func(p raw.Tinker_future) error {
		_, err := waitLoop(ctx, f.h.closing.Load,
			func(ms int64) Status { return Status(raw.Tinker_future_wait(p, ms)) },
			func() { _ = raw.Tinker_future_interrupt(p) })
		return err
	})
	if err != nil {
		return zero, err
	}
	return f.result(ctx)
}

// result takes the outcome once and keeps it, so Wait can be repeated from any goroutine.
func (f *Future[T]) result(ctx context.Context) (T, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.taken {
		return f.val, f.err
	}
	err := f.h.use(func(p raw.Tinker_future) error {
		switch st := Status(raw.Tinker_future_poll(p)); st {
		case StatusPending:
			return &Error{Code: StatusPending, Message: "the operation has not finished"}
		case StatusOK:
			val, err := f.take(ctx, p)
			if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				return err // not final: the next Wait resumes
			}
			f.val, f.err = val, err
		default:
			f.err = futureError(p, st)
		}
		f.taken = true
		return nil
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return f.val, f.err
}

// Cancel stops local work on the operation; it then finishes with StatusCancelled unless it
// already finished. Idempotent.
func (f *Future[T]) Cancel() error {
	if f.stop != nil {
		f.stop(false)
	}
	return f.h.use(func(p raw.Tinker_future) error { return fromRaw(raw.Tinker_future_cancel(p)) })
}

// Close releases the native future (cancelling it if still running). Idempotent.
func (f *Future[T]) Close() {
	if f.stop != nil {
		f.stop(true)
	}
	f.h.close(func(p raw.Tinker_future) { _ = raw.Tinker_future_cancel(p) })
}

// CompletionQueue reports finished futures by tag, so that one goroutine can drain many
// futures without a blocked OS thread per future.
type CompletionQueue struct {
	h *handle[raw.Tinker_completion_queue]
}

// NewCompletionQueue creates a queue. Close it when done.
func NewCompletionQueue() (*CompletionQueue, error) {
	var q uintptr
	if err := raw.Tinker_completion_queue_new(&q); err != nil {
		return nil, fromRaw(err)
	}
	return &CompletionQueue{h: newHandle[raw.Tinker_completion_queue](raw.SwigcptrTinker_completion_queue(q),
		raw.Tinker_completion_queue_free)}, nil
}

// Add attaches a future: its tag is delivered by Next once it finishes (at once if it already
// has). A future can be attached to one queue, once.
func (q *CompletionQueue) Add(f Awaitable, tag uint64) error {
	return q.h.use(func(qp raw.Tinker_completion_queue) error {
		return f.native().use(func(fp raw.Tinker_future) error {
			return fromRaw(raw.Tinker_future_set_completion_queue(fp, qp, tag))
		})
	})
}

// Next returns the tag of the next finished future, blocking until there is one or ctx ends.
func (q *CompletionQueue) Next(ctx context.Context) (uint64, error) {
	var tag uint64
	err := q.h.use(func(qp raw.Tinker_completion_queue) error {
		st, err := waitLoop(ctx, q.h.closing.Load,
			func(ms int64) Status { return Status(raw.Tinker_completion_queue_next(qp, ms, &tag)) },
			func() { _ = raw.Tinker_completion_queue_wakeup(qp) })
		if err == nil && st != StatusOK {
			err = &Error{Code: st, Message: "tinker_completion_queue_next: " + st.String()}
		}
		return err
	})
	return tag, err
}

// Close releases the queue; a Next blocked on another goroutine returns an error. Idempotent.
func (q *CompletionQueue) Close() {
	q.h.close(func(qp raw.Tinker_completion_queue) { _ = raw.Tinker_completion_queue_wakeup(qp) })
}
