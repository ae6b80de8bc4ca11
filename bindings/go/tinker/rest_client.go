package tinker

import (
	"context"
	"strings"
	"time"

	"libtinker.dev/tinker/internal/raw"
)

// RestClient manages what the server keeps for the caller: training runs, checkpoints (list,
// archive URL, delete, publish, time to live), sessions (their projects and trace exports) and
// samplers; it reads the audit log and the billing usage, and says who the caller is. It is made
// by ServiceClient.CreateRestClient and shares that client's connections; its operations are in
// operations_gen.go (blocking, taking a ctx, and Async). Each answers directly, without a
// session. It is safe for concurrent use. Close it when done; operations already started keep
// running, and it stays usable after the ServiceClient is closed (it holds the runtime too).
type RestClient struct {
	h *handle[raw.Tinker_rest_client]
}

// Close releases the client. Idempotent.
func (rc *RestClient) Close() { rc.native().close(nil) }

// native is the client's handle; nil for a zero-value or nil client, whose methods then fail
// with StatusFailedPrecondition instead of panicking.
func (rc *RestClient) native() *handle[raw.Tinker_rest_client] {
	if rc == nil {
		return nil
	}
	return rc.h
}

// The access scopes of GetTrainingRun[ByTinkerPath], ListTrainingRuns, AllTrainingRuns,
// GetSession and ListSessions (WithAccessScope), as the server spells them.
const (
	// AccessScopeOwned: the caller's own only (the default).
	AccessScopeOwned = "owned"
	// AccessScopeAccessible: the caller's and those shared with the caller.
	AccessScopeAccessible = "accessible"
)

// The event types of GetAuditLog (WithEventType), as the server spells them.
const (
	// AuditEventAll: every audit entry (the default).
	AuditEventAll = "all"
	// AuditEventCheckpoints: the entries about checkpoints only.
	AuditEventCheckpoints = "checkpoints"
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

// timestampArg is an instant as GetBillingUsage sends it: RFC 3339 in UTC with a trailing Z, and
// the fraction of a second only when there is one ("2026-12-01T00:00:00Z"). The zero time.Time
// is refused (a time left unset, not a request for the year 1), and so is a year RFC 3339 cannot
// write (outside 0000-9999). param is the C parameter's name.
func timestampArg(t time.Time, param string) (string, error) {
	if t.IsZero() {
		return "", invalidInput("%s is the zero time.Time", param)
	}
	u := t.UTC()
	if y := u.Year(); y < 0 || y > 9999 {
		return "", invalidInput("%s %s is outside the years RFC 3339 can write (0000-9999)", param,
			u.Format(time.RFC3339))
	}
	return u.Format(time.RFC3339Nano), nil
}

// defaultPageSize is the official client's page size for listing checkpoints, used when
// AllUserCheckpoints is given 0; defaultRunPageSize the one for training runs (AllTrainingRuns).
const (
	defaultPageSize    = 100
	defaultRunPageSize = 20
)

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
	const method = "RestClient.AllUserCheckpoints"
	if pageSize == 0 {
		pageSize = defaultPageSize
	}
	return &CheckpointIterator{p: newPager(ctx, pageSize, func(c Checkpoint) string { return c.TinkerPath },
		func(ctx context.Context, limit, offset int) ([]Checkpoint, int64, error) {
			l, err := await(ctx, func() (*Future[*CheckpointList], error) {
				return rc.listUserCheckpoints(method, []TrainingOption{WithLimit(limit), WithOffset(offset)})
			})
			if err != nil {
				return nil, 0, err
			}
			return l.Checkpoints, l.TotalCount, nil
		})}
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
	p *pager[Checkpoint]
}

// Next advances to the next checkpoint, fetching a page when needed. It returns false at the end
// of the list or on an error (see Err).
func (it *CheckpointIterator) Next() bool { return it.p.next() }

// Checkpoint is the checkpoint Next advanced to.
func (it *CheckpointIterator) Checkpoint() Checkpoint { return it.p.cur }

// Err is the error that ended the iteration, or nil when it ran to the end (or has not ended).
func (it *CheckpointIterator) Err() error { return it.p.err }

// AllTrainingRuns iterates over all the training runs ListTrainingRuns lists, fetching pageSize of
// them per request (0: 20, the official page; a negative size fails the first Next with
// StatusInvalidArgument), in the server's order. It takes ListTrainingRuns' WithAccessScope and
// WithProjectID; any other option (the page's WithLimit, WithOffset among them) fails the first
// Next with StatusInvalidArgument, and so does a bad scope, before anything is sent. A page is
// fetched when the previous one is used up, honouring ctx, until the server's total count
// (TrainingRunList.TotalCount) is reached or a page comes back empty. Errors name
// "RestClient.AllTrainingRuns".
//
// Pages are offsets into a list that may change meanwhile: a run created during the iteration
// may shift the later pages, so the iterator skips a run it has already yielded (same
// TrainingRunID); one that is gone meanwhile may cause another to be missed.
func (rc *RestClient) AllTrainingRuns(ctx context.Context, pageSize int, opts ...TrainingOption) *TrainingRunIterator {
	const method = "RestClient.AllTrainingRuns"
	if pageSize == 0 {
		pageSize = defaultRunPageSize
	}
	p := newPager(ctx, pageSize, func(r TrainingRun) string { return r.TrainingRunID },
		func(ctx context.Context, limit, offset int) ([]TrainingRun, int64, error) {
			page := append(append([]TrainingOption(nil), opts...), WithLimit(limit), WithOffset(offset))
			l, err := await(ctx, func() (*Future[*TrainingRunList], error) {
				return rc.listTrainingRuns(method, page)
			})
			if err != nil {
				return nil, 0, err
			}
			return l.TrainingRuns, l.TotalCount, nil
		})
	// The page options are the iterator's own; the others must be ones ListTrainingRuns takes.
	if _, err := trainingOptions(method, opts, "WithAccessScope", "WithProjectID"); err != nil {
		p.err = err
	}
	return &TrainingRunIterator{p: p}
}

// TrainingRunIterator walks training runs a page at a time (RestClient.AllTrainingRuns), used like
// CheckpointIterator: for it.Next() { r := it.TrainingRun() }, then it.Err(). An iterator is for
// one goroutine at a time.
type TrainingRunIterator struct {
	p *pager[TrainingRun]
}

// Next advances to the next training run, fetching a page when needed. It returns false at the
// end of the list or on an error (see Err).
func (it *TrainingRunIterator) Next() bool { return it.p.next() }

// TrainingRun is the training run Next advanced to.
func (it *TrainingRunIterator) TrainingRun() TrainingRun { return it.p.cur }

// Err is the error that ended the iteration, or nil when it ran to the end (or has not ended).
func (it *TrainingRunIterator) Err() error { return it.p.err }

// pager walks a list that the server hands out in pages of limit items from an offset, with the
// count of all items (-1 when it sent none).
type pager[T any] struct {
	ctx      context.Context
	pageSize int
	key      func(T) string // what makes an item the same item on another page
	fetch    func(ctx context.Context, limit, offset int) (items []T, total int64, err error)

	offset int             // where the next page starts
	page   []T             // what is left of the current page
	last   bool            // no page after the current one
	seen   map[string]bool // the keys of the items yielded so far
	cur    T
	err    error
}

func newPager[T any](ctx context.Context, pageSize int, key func(T) string,
	fetch func(ctx context.Context, limit, offset int) ([]T, int64, error)) *pager[T] {
	if ctx == nil {
		ctx = context.Background()
	}
	return &pager[T]{ctx: ctx, pageSize: pageSize, key: key, fetch: fetch, seen: map[string]bool{}}
}

// next advances to the next item not yielded yet, fetching pages as needed.
func (p *pager[T]) next() bool {
	for p.err == nil {
		if len(p.page) > 0 {
			item := p.page[0]
			p.page = p.page[1:]
			k := p.key(item)
			if p.seen[k] {
				continue
			}
			p.seen[k] = true
			p.cur = item
			return true
		}
		if p.last {
			return false
		}
		p.nextPage()
	}
	return false
}

func (p *pager[T]) nextPage() {
	items, total, err := p.fetch(p.ctx, p.pageSize, p.offset)
	if err != nil {
		p.err = err
		return
	}
	p.page = items
	// The offset moves by what came back, not by the page size, in case the server caps pages.
	p.offset += len(items)
	switch {
	case len(items) == 0:
		// Nothing more, whatever the count says: asking again would ask for the same page.
		p.last = true
	case total >= 0:
		p.last = int64(p.offset) >= total
	default:
		// No count: only a short page says it was the last.
		p.last = len(items) < p.pageSize
	}
}
