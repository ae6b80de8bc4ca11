package tinker

import (
	"sync"

	"libtinker.dev/tinker/internal/raw"
)

// Future.Done's channels are closed by one goroutine for the whole process: the futures whose
// Done was asked for are attached to one native completion queue under a fresh tag, and the
// goroutine drains that queue (one blocked OS thread in all, not one per future). A future
// already attached to a CompletionQueue of the caller has no registration left; its Done is
// served by a goroutine of its own that waits for it.

// doneEntry is one future's Done channel and, when the caller's CompletionQueue.Add came after
// Done took the future's native registration, where its tag is forwarded.
type doneEntry struct {
	ch     chan struct{}
	fired  bool
	fwd    *CompletionQueue
	fwdTag uint64
}

type doneDispatcher struct {
	once    sync.Once
	q       raw.Tinker_completion_queue
	initErr error
	mu      sync.Mutex
	nextTag uint64
	entries map[uint64]*doneEntry
}

var dones doneDispatcher

func (d *doneDispatcher) start() error {
	d.once.Do(func() {
		var q uintptr
		if err := raw.Tinker_completion_queue_new(&q); err != nil {
			d.initErr = fromRaw(err)
			return
		}
		d.q = raw.SwigcptrTinker_completion_queue(q)
		d.entries = map[uint64]*doneEntry{}
		go d.drain() // the queue lives as long as the process
	})
	return d.initErr
}

func (d *doneDispatcher) drain() {
	for {
		var tag uint64
		if Status(raw.Tinker_completion_queue_next(d.q, 60000, &tag)) != StatusOK {
			continue // timed out or woken: nothing to deliver
		}
		d.mu.Lock()
		e := d.entries[tag]
		delete(d.entries, tag)
		d.mu.Unlock()
		if e != nil {
			d.fire(e)
		}
	}
}

// attach registers f; false when f could not be attached (already attached elsewhere, or closed).
func (d *doneDispatcher) attach(f raw.Tinker_future, e *doneEntry) bool {
	if d.start() != nil {
		return false
	}
	d.mu.Lock()
	d.nextTag++
	tag := d.nextTag
	d.entries[tag] = e
	d.mu.Unlock()
	if raw.Tinker_future_set_completion_queue(f, d.q, tag) != nil {
		d.mu.Lock()
		delete(d.entries, tag)
		d.mu.Unlock()
		return false
	}
	return true
}

// fire closes e's channel once and forwards the tag a CompletionQueue.Add asked for.
func (d *doneDispatcher) fire(e *doneEntry) {
	d.mu.Lock()
	if e.fired {
		d.mu.Unlock()
		return
	}
	e.fired = true
	fwd, tag := e.fwd, e.fwdTag
	d.mu.Unlock()
	close(e.ch)
	if fwd != nil {
		fwd.deliver(tag)
	}
}

// forward makes the finish of e's future report tag to q (at once if it has finished): the
// CompletionQueue.Add of a future whose native registration Done took.
func (d *doneDispatcher) forward(e *doneEntry, q *CompletionQueue, tag uint64) error {
	d.mu.Lock()
	if e.fwd != nil {
		d.mu.Unlock()
		return errAttached
	}
	e.fwd, e.fwdTag = q, tag
	fired := e.fired
	d.mu.Unlock()
	if fired {
		q.deliver(tag)
	}
	return nil
}

var errAttached = &Error{Code: StatusFailedPrecondition, Category: CategoryUser,
	Message: "the future is already attached to a completion queue"}

// done is nativeOp's Done: the channel is made, and the future attached, on first use.
func (o *nativeOp[T]) done() <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.doneE != nil {
		return o.doneE.ch
	}
	e := &doneEntry{ch: make(chan struct{})}
	o.doneE = e
	attached := false
	if err := o.h.use(func(p raw.Tinker_future) error { attached = dones.attach(p, e); return nil }); err != nil {
		dones.fire(e) // closed: it has finished (cancelled)
		return e.ch
	}
	if !attached {
		// Attached to the caller's CompletionQueue already: wait for it here instead.
		o.doneOwn = true
		go func() {
			_ = o.h.use(func(p raw.Tinker_future) error {
				_, err := waitLoop(nil, o.h.closing.Load,
					func(ms int64) Status { return Status(raw.Tinker_future_wait(p, ms)) }, func() {})
				return err
			})
			dones.fire(e)
		}()
	}
	return e.ch
}
