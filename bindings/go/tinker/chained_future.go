package tinker

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
)

// stage is one native step of a chained operation: any *Future[T].
type stage interface {
	Cancel() error
	Close()
	reportTo(q *CompletionQueue, tag uint64) error
}

// chainedOp is an operation made of native futures with Go code between them
// (forward_backward_custom's loss function), carried on by a worker goroutine that starts at
// once, so that the operation advances without anyone waiting. The worker owns the stages: it
// waits for them, starts the next one through then, and closes them when it ends. The operation
// is finished only once the worker settled it, with its last stage's result or whatever stopped
// it (a failed stage, an error or panic of the Go code, a cancel).
type chainedOp[T any] struct {
	mu        sync.Mutex
	stages    []stage // started so far; the last is in flight until settled
	cancelled bool    // Cancel or Close: start no further stage
	closed    bool
	closedCh  chan struct{} // closed by close: wakes waiters
	settled   chan struct{} // closed once val and err are final
	finished  chan struct{} // Done: closed by whichever of settle and close comes first
	finish    sync.Once
	val       T
	err       error
	// Once settled (and not closed): the last stage, finished, which reports the operation to a
	// completion queue, since a queue only knows native futures.
	reporter   stage
	queue      *CompletionQueue // of reportTo, nil before
	tag        uint64
	registered bool
}

var errChainCancelled = &Error{Code: StatusCancelled, Message: "the operation was cancelled before its next stage was sent"}

// chain starts first's worker: run gets the operation (to start later stages with then) and
// returns the operation's result. A panic in run fails the operation with StatusAborted.
func chain[T any](first stage, run func(c *chainedOp[T]) (T, error)) *Future[T] {
	c := &chainedOp[T]{stages: []stage{first}, closedCh: make(chan struct{}), settled: make(chan struct{}),
		finished: make(chan struct{})}
	go c.work(run)
	return &Future[T]{op: c}
}

func (c *chainedOp[T]) work(run func(c *chainedOp[T]) (T, error)) {
	var val T
	err := error(&Error{Code: StatusAborted, Message: "the operation's worker ended without a result"})
	defer func() {
		if r := recover(); r != nil {
			err = panicError("the operation", r)
		}
		c.settle(val, err)
	}()
	val, err = run(c)
}

// panicError turns a recovered panic into the operation's error (the stack says where).
func panicError(what string, r any) error {
	return &Error{Code: StatusAborted, Message: fmt.Sprintf("%s panicked: %v\n%s", what, r, debug.Stack())}
}

// check fails once the operation was cancelled, so that the worker stops before more work.
func (c *chainedOp[T]) check() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cancelled {
		return errChainCancelled
	}
	return nil
}

// then starts the next stage with start, unless the operation was cancelled; the stage is then
// the one that Cancel cancels.
func then[S, T any](c *chainedOp[T], start func() (*Future[S], error)) (*Future[S], error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cancelled {
		return nil, errChainCancelled
	}
	s, err := start()
	if err != nil {
		return nil, err
	}
	c.stages = append(c.stages, s)
	return s, nil
}

// settle publishes the outcome, then reports it to a registered queue: the queue learns of the
// operation only after Poll and Wait see it finished.
func (c *chainedOp[T]) settle(val T, err error) {
	c.mu.Lock()
	last := c.stages[len(c.stages)-1]
	_ = last.Cancel() // a no-op once finished; a reporter must have finished
	c.val, c.err = val, err
	close(c.settled)
	c.finish.Do(func() { close(c.finished) })
	keep := !c.closed
	if keep {
		c.reporter = last
	}
	stages, q, tag, registered := c.stages, c.queue, c.tag, c.registered
	c.stages = nil
	c.mu.Unlock()
	for _, s := range stages {
		if !keep || s != last {
			s.Close()
		}
	}
	if keep && registered {
		_ = last.reportTo(q, tag) // fails only if the queue or the future was closed meanwhile
	}
}

func (c *chainedOp[T]) poll() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return StatusCancelled
	}
	select {
	case <-c.settled:
		return statusOf(c.err)
	default:
		return StatusPending
	}
}

// statusOf is the status an operation that ended with err reports.
func statusOf(err error) Status {
	if err == nil {
		return StatusOK
	}
	return CodeOf(err)
}

func (c *chainedOp[T]) wait(ctx context.Context) (T, error) {
	var zero T
	if ctx == nil {
		ctx = context.Background()
	}
	select {
	case <-c.closedCh:
		return zero, errClosed
	case <-c.settled:
		return c.val, c.err // written before settled was closed, never after
	default:
	}
	select {
	case <-c.closedCh:
		return zero, errClosed
	case <-c.settled:
		return c.val, c.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// cancel before the next stage started means it never starts (the worker ends the operation
// cancelled once its Go code returns); after, it cancels the stage in flight.
func (c *chainedOp[T]) cancel() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errClosed
	}
	c.cancelLocked()
	return nil
}

func (c *chainedOp[T]) cancelLocked() {
	c.cancelled = true
	if n := len(c.stages); n > 0 {
		_ = c.stages[n-1].Cancel()
	}
}

// close cancels and returns at once; the worker closes the stages it still holds when it ends.
func (c *chainedOp[T]) close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.cancelLocked()
	close(c.closedCh)
	c.finish.Do(func() { close(c.finished) })
	r := c.reporter
	c.reporter = nil
	c.mu.Unlock()
	if r != nil {
		r.Close()
	}
}

func (c *chainedOp[T]) done() <-chan struct{} { return c.finished }

func (c *chainedOp[T]) reportTo(q *CompletionQueue, tag uint64) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return errClosed
	}
	if c.registered {
		c.mu.Unlock()
		return &Error{Code: StatusFailedPrecondition, Category: CategoryUser,
			Message: "the future is already attached to a completion queue"}
	}
	c.queue, c.tag, c.registered = q, tag, true
	r := c.reporter
	c.mu.Unlock()
	if r != nil {
		return r.reportTo(q, tag)
	}
	return nil // the worker reports once it settles
}
