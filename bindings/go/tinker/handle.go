package tinker

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// handle owns one native pointer. Calls borrow it under a read lock; close takes the write lock,
// so a pointer is never freed while a call on another goroutine still uses it. A finalizer frees
// handles that were never closed (libtinker allows freeing in any order, from any thread).
type handle[P any] struct {
	mu      sync.RWMutex
	ptr     P
	live    bool
	closing atomic.Bool
	free    func(P)
}

func newHandle[P any](ptr P, free func(P)) *handle[P] {
	h := &handle[P]{ptr: ptr, live: true, free: free}
	runtime.SetFinalizer(h, func(h *handle[P]) { h.close(nil) })
	return h
}

// use runs f with the pointer, or returns errClosed (errUnset for the nil handle of a zero-value
// or nil client).
func (h *handle[P]) use(f func(P) error) error {
	if h == nil {
		return errUnset
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	if !h.live {
		return errClosed
	}
	return f(h.ptr)
}

// borrow is use for a caller that cannot hold the pointer inside one function (a deferred
// release): the pointer stays valid until release, and close waits for it.
func (h *handle[P]) borrow() (P, error) {
	if h == nil {
		var zero P
		return zero, errUnset
	}
	h.mu.RLock()
	if !h.live {
		h.mu.RUnlock()
		var zero P
		return zero, errClosed
	}
	return h.ptr, nil
}

// release ends a successful borrow.
func (h *handle[P]) release() { h.mu.RUnlock() }

// close frees the pointer once. wake (may be nil) runs first, under the read lock, to end
// blocking calls of other goroutines (cancel a future, wake a completion queue).
func (h *handle[P]) close(wake func(P)) {
	if h == nil {
		return
	}
	h.closing.Store(true)
	if wake != nil {
		h.mu.RLock()
		if h.live {
			wake(h.ptr)
		}
		h.mu.RUnlock()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.live {
		return
	}
	h.live = false
	runtime.SetFinalizer(h, nil)
	h.free(h.ptr)
}
