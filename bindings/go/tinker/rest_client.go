package tinker

import (
	"context"
	"strings"

	"libtinker.dev/tinker/internal/raw"
)

// RestClient manages what the server keeps for the caller: checkpoints (list, delete, publish,
// time to live), sessions' projects and samplers, and says who the caller is. It is made by
// ServiceClient.CreateRestClient and shares that client's connections; its operations are in
// operations_gen.go (blocking, taking a ctx, and Async). Each answers directly, without a
// session. It is safe for concurrent use. Close it when done; operations already started keep
// running, and it stays usable after the ServiceClient is closed (it holds the runtime too).
type RestClient struct {
	h *handle[raw.Tinker_rest_client]
}

// Close releases the client. Idempotent.
func (rc *RestClient) Close() { rc.h.close(nil) }

// The access scopes of GetSession and ListSessions (WithAccessScope), as the server spells them.
const (
	// AccessScopeOwned: the caller's own sessions only (the default).
	AccessScopeOwned = "owned"
	// AccessScopeAccessible: the caller's and those shared with the caller.
	AccessScopeAccessible = "accessible"
)

// cString is a string argument that names something on the server (a run, checkpoint, session,
// project or sampler id, a checkpoint path), checked for a NUL byte first: C would read the string
// only up to it and could act on another checkpoint than the one the caller named. param is the
// C parameter's name, as libtinker's own messages use it.
func cString(s, param string) (string, error) {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return "", invalidInput("%s holds a NUL byte at %d", param, i)
	}
	return s, nil
}

// defaultPageSize is the official client's page size for listing checkpoints, used when
// AllUserCheckpoints is given 0.
const defaultPageSize = 100

// AllUserCheckpoints iterates over all of the caller's checkpoints, over all their training runs,
// newest first, fetching pageSize of them per ListUserCheckpoints request (0: 100; a negative size
// fails the first Next with StatusInvalidArgument). A page is fetched when the previous one is used
// up, honouring ctx, until the server's total count (CheckpointList.TotalCount) is reached or a page
// comes back empty. Errors name "RestClient.AllUserCheckpoints".
//
// Pages are offsets into a list that may change meanwhile: a checkpoint saved during the
// iteration shifts the later pages by one, so the iterator skips a checkpoint it has already
// yielded (same TinkerPath); one deleted during it may cause a later one to be missed.
func (rc *RestClient) AllUserCheckpoints(ctx context.Context, pageSize int) *CheckpointIterator {
	if pageSize == 0 {
		pageSize = defaultPageSize
	}
	if ctx == nil {
		ctx = context.Background()
	}
	return &CheckpointIterator{rc: rc, ctx: ctx, pageSize: pageSize, seen: map[string]bool{}}
}

// CheckpointIterator walks the caller's checkpoints a page at a time (RestClient.AllUserCheckpoints).
// Use it like a bufio.Scanner:
//
//	it := rc.AllUserCheckpoints(ctx, 50)
//	for it.Next() {
//		c := it.Checkpoint()
//		...
//	}
//	if err := it.Err(); err != nil {
//		...
//	}
//
// An iterator is for one goroutine at a time.
type CheckpointIterator struct {
	rc       *RestClient
	ctx      context.Context
	pageSize int

	offset int             // where the next page starts
	page   []Checkpoint    // what is left of the current page
	last   bool            // no page after the current one
	seen   map[string]bool // the TinkerPaths yielded so far
	cur    Checkpoint
	err    error
}

// Next advances to the next checkpoint, fetching a page when needed. It returns false at the end
// of the list or on an error (see Err).
func (it *CheckpointIterator) Next() bool {
	for it.err == nil {
		if len(it.page) > 0 {
			c := it.page[0]
			it.page = it.page[1:]
			if it.seen[c.TinkerPath] {
				continue
			}
			it.seen[c.TinkerPath] = true
			it.cur = c
			return true
		}
		if it.last {
			return false
		}
		it.fetch()
	}
	return false
}

// Checkpoint is the checkpoint Next advanced to.
func (it *CheckpointIterator) Checkpoint() Checkpoint { return it.cur }

// Err is the error that ended the iteration, or nil when it ran to the end (or has not ended).
func (it *CheckpointIterator) Err() error { return it.err }

func (it *CheckpointIterator) fetch() {
	opts := []TrainingOption{WithLimit(it.pageSize), WithOffset(it.offset)}
	l, err := await(it.ctx, func() (*Future[*CheckpointList], error) {
		return it.rc.listUserCheckpoints("RestClient.AllUserCheckpoints", opts)
	})
	if err != nil {
		it.err = err
		return
	}
	it.page = l.Checkpoints
	// The offset moves by what came back, not by the page size, in case the server caps pages.
	it.offset += len(l.Checkpoints)
	switch {
	case len(l.Checkpoints) == 0:
		// Nothing more, whatever the count says: asking again would ask for the same page.
		it.last = true
	case l.TotalCount >= 0:
		it.last = int64(it.offset) >= l.TotalCount
	default:
		// No cursor: only a short page says it was the last.
		it.last = len(l.Checkpoints) < it.pageSize
	}
}
