package tinker

import (
	"context"
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
	reportTo(q *CompletionQueue, tag uint64) error
}

// Future is a running libtinker operation. Wait blocks (honouring a context); Poll never blocks.
// A Future is safe for concurrent use. Close it when done (or let the finalizer do it); closing
// a pending future cancels it. Tinker has no server-side cancel: a request the server already
// accepted may still run there.
type Future[T any] struct {
	op operation[T]
}

// operation is what a Future stands for: one native future (nativeOp) or native futures chained
// by Go code on a worker goroutine (chainedOp, chained_future.go). Each reports the whole
// operation through the Future's methods.
type operation[T any] interface {
	poll() Status
	wait(ctx context.Context) (T, error)
	cancel() error
	close()
	reportTo(q *CompletionQueue, tag uint64) error
	done() <-chan struct{}
}

func newFuture[T any](f raw.Tinker_future, take func(raw.Tinker_future) (T, error)) *Future[T] {
	return &Future[T]{op: &nativeOp[T]{h: newHandle[raw.Tinker_future](f, raw.Tinker_future_free), take: take}}
}

// Poll returns StatusPending while the operation runs, else its final status.
func (f *Future[T]) Poll() Status { return f.op.poll() }

// Done returns a channel that is closed once the operation has finished, whatever its outcome
// (also when it was cancelled or the future closed), so a future can be awaited in a select:
//
//	select {
//	case <-f.Done():
//		out, err := f.Wait(ctx) // returns at once
//	case <-time.After(time.Minute):
//	}
//
// Every call returns the same channel. No goroutine is started per future: one goroutine of the
// package drains a completion queue the future is attached to on the first call. A future
// already added to a CompletionQueue keeps reporting there (its Done then costs a waiting
// goroutine); one added after Done still reports to the queue it is added to.
func (f *Future[T]) Done() <-chan struct{} { return f.op.done() }

// Wait blocks until the operation finishes or ctx ends, and returns its result. When ctx ends
// first it returns ctx.Err() and the operation keeps running (Wait may be called again).
func (f *Future[T]) Wait(ctx context.Context) (T, error) { return f.op.wait(ctx) }

// Cancel stops local work on the operation; it then finishes with StatusCancelled unless it
// already finished. Idempotent.
func (f *Future[T]) Cancel() error { return f.op.cancel() }

// Close releases the future (cancelling it if still running). Idempotent.
func (f *Future[T]) Close() { f.op.close() }

func (f *Future[T]) reportTo(q *CompletionQueue, tag uint64) error { return f.op.reportTo(q, tag) }

// nativeOp is an operation that is one native future; take turns its success into the Go result.
type nativeOp[T any] struct {
	h    *handle[raw.Tinker_future]
	take func(raw.Tinker_future) (T, error)

	mu    sync.Mutex
	taken bool
	val   T
	err   error
	// Done's channel (done.go), nil before the first Done; doneOwn: served by a goroutine of
	// its own rather than the package's queue.
	doneE   *doneEntry
	doneOwn bool
}

func (o *nativeOp[T]) poll() Status {
	st := StatusCancelled
	_ = o.h.use(func(p raw.Tinker_future) error { st = Status(raw.Tinker_future_poll(p)); return nil })
	return st
}

func (o *nativeOp[T]) wait(ctx context.Context) (T, error) {
	var zero T
	err := o.h.use(func(p raw.Tinker_future) error {
		_, err := waitLoop(ctx, o.h.closing.Load,
			func(ms int64) Status { return Status(raw.Tinker_future_wait(p, ms)) },
			func() { _ = raw.Tinker_future_interrupt(p) })
		return err
	})
	if err != nil {
		return zero, err
	}
	return o.result()
}

// result takes the outcome once and keeps it, so Wait can be repeated from any goroutine.
func (o *nativeOp[T]) result() (T, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.taken {
		return o.val, o.err
	}
	err := o.h.use(func(p raw.Tinker_future) error {
		switch st := Status(raw.Tinker_future_poll(p)); st {
		case StatusPending:
			return &Error{Code: StatusPending, Message: "the operation has not finished"}
		case StatusOK:
			o.val, o.err = o.take(p)
		default:
			o.err = futureError(p, st)
		}
		o.taken = true
		return nil
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return o.val, o.err
}

func (o *nativeOp[T]) cancel() error {
	return o.h.use(func(p raw.Tinker_future) error { return fromRaw(raw.Tinker_future_cancel(p)) })
}

func (o *nativeOp[T]) close() {
	o.h.close(func(p raw.Tinker_future) { _ = raw.Tinker_future_cancel(p) })
	o.mu.Lock()
	e := o.doneE
	o.mu.Unlock()
	if e != nil {
		dones.fire(e) // a freed future is detached from the queue: it reports nothing more
	}
}

func (o *nativeOp[T]) reportTo(q *CompletionQueue, tag uint64) error {
	o.mu.Lock()
	e, own := o.doneE, o.doneOwn
	o.mu.Unlock()
	if e != nil && !own {
		// Done holds the native registration: its dispatcher forwards the finish.
		if err := o.h.use(func(raw.Tinker_future) error { return nil }); err != nil {
			return err
		}
		return dones.forward(e, q, tag)
	}
	return o.h.use(func(fp raw.Tinker_future) error {
		return q.h.use(func(qp raw.Tinker_completion_queue) error {
			return fromRaw(raw.Tinker_future_set_completion_queue(fp, qp, tag))
		})
	})
}

// CompletionQueue reports finished futures by tag, so that one goroutine can drain many
// futures without a blocked OS thread per future.
type CompletionQueue struct {
	h *handle[raw.Tinker_completion_queue]

	mu        sync.Mutex
	forwarded []uint64 // tags of futures whose Done holds their native registration
}

// deliver queues a forwarded tag for Next and wakes a blocked Next.
func (q *CompletionQueue) deliver(tag uint64) {
	q.mu.Lock()
	q.forwarded = append(q.forwarded, tag)
	q.mu.Unlock()
	_ = q.h.use(func(qp raw.Tinker_completion_queue) error { return fromRaw(raw.Tinker_completion_queue_wakeup(qp)) })
}

func (q *CompletionQueue) popForwarded() (uint64, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.forwarded) == 0 {
		return 0, false
	}
	tag := q.forwarded[0]
	q.forwarded = q.forwarded[1:]
	return tag, true
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
	return f.reportTo(q, tag)
}

// Next returns the tag of the next finished future, blocking until there is one or ctx ends.
func (q *CompletionQueue) Next(ctx context.Context) (uint64, error) {
	var tag uint64
	err := q.h.use(func(qp raw.Tinker_completion_queue) error {
		st, err := waitLoop(ctx, q.h.closing.Load,
			func(ms int64) Status {
				if t, ok := q.popForwarded(); ok {
					tag = t
					return StatusOK
				}
				return Status(raw.Tinker_completion_queue_next(qp, ms, &tag))
			},
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
