package tinker

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// closedWithin fails the test unless ch is closed before the timeout: a select that never hangs.
func closedWithin(t *testing.T, what string, ch <-chan struct{}, timeout time.Duration) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(timeout):
		t.Fatalf("%s: Done not closed after %v", what, timeout)
	}
}

func TestDoneIsClosedWhenTheFutureFinishes(t *testing.T) {
	c := newClient(t)
	f, err := c.GetServerCapabilitiesAsync()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Done() != f.Done() {
		t.Fatal("Done returns a different channel each call")
	}
	closedWithin(t, "GetServerCapabilitiesAsync", f.Done(), 20*time.Second)
	if st := f.Poll(); st != StatusOK {
		t.Fatalf("Poll after Done = %v", st)
	}
	if caps, err := f.Wait(context.Background()); err != nil || len(caps.Models) == 0 {
		t.Fatalf("Wait after Done = (%v, %v)", caps, err)
	}
	// Asked after the finish: closed at once (well, as soon as the queue reports it).
	g, err := c.HealthCheckAsync()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if _, err := g.Wait(testContext(t)); err != nil {
		t.Fatal(err)
	}
	closedWithin(t, "a finished HealthCheckAsync", g.Done(), 5*time.Second)
}

// Many futures in one select loop, failures included: each Done closes.
func TestDoneInASelectLoopOverManyFutures(t *testing.T) {
	c := newClient(t)
	var futures []*Future[struct{}]
	for i := 0; i < 20; i++ {
		f, err := c.HealthCheckAsync()
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		futures = append(futures, f)
	}
	bad := newClient(t, WithAPIKey("eyJub3QiOiJpc3N1ZWQifQ.e30.c2ln"))
	failing, err := bad.GetServerCapabilitiesAsync()
	if err != nil {
		t.Fatal(err)
	}
	defer failing.Close()
	// No goroutine per future: at most the package's one (started by the first Done).
	before := runtime.NumGoroutine()
	for _, f := range futures {
		f.Done()
	}
	failing.Done()
	if extra := runtime.NumGoroutine() - before; extra > 1 {
		t.Errorf("Done on %d futures started %d goroutines", len(futures)+1, extra)
	}
	timeout := time.After(20 * time.Second)
	for _, f := range futures {
		select {
		case <-f.Done():
		case <-timeout:
			t.Fatal("a HealthCheckAsync future's Done never closed")
		}
	}
	select {
	case <-failing.Done():
	case <-timeout:
		t.Fatal("a failing future's Done never closed")
	}
	if _, err := failing.Wait(context.Background()); CodeOf(err) != StatusUnauthenticated {
		t.Fatalf("failing future: %v", err)
	}
}

// Cancel and Close finish a pending future: Done closes.
func TestDoneIsClosedByCancelAndClose(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 1, 1)
	for _, end := range []string{"Cancel", "Close"} {
		f, err := tc.OptimStepAsync(DefaultAdamParams())
		if err != nil {
			t.Fatal(err)
		}
		done := f.Done()
		if end == "Cancel" {
			_ = f.Cancel()
		} else {
			f.Close()
		}
		closedWithin(t, end, done, 5*time.Second)
		f.Close()
	}
	// A closed future's Done is closed.
	f, err := c.HealthCheckAsync()
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	closedWithin(t, "closed before Done", f.Done(), time.Second)
}

// A future added to a CompletionQueue before Done keeps reporting there, and Done still closes;
// one added after Done reports to the queue too.
func TestDoneAndCompletionQueueTogether(t *testing.T) {
	c := newClient(t)
	q, err := NewCompletionQueue()
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	before, err := c.HealthCheckAsync()
	if err != nil {
		t.Fatal(err)
	}
	defer before.Close()
	if err := q.Add(before, 1); err != nil {
		t.Fatal(err)
	}
	closedWithin(t, "added before Done", before.Done(), 20*time.Second)

	after, err := c.HealthCheckAsync()
	if err != nil {
		t.Fatal(err)
	}
	defer after.Close()
	closedWithin(t, "Done before Add", after.Done(), 20*time.Second)
	if err := q.Add(after, 2); err != nil {
		t.Fatalf("Add after Done: %v", err)
	}
	if err := q.Add(after, 3); CodeOf(err) != StatusFailedPrecondition {
		t.Fatalf("second Add: %v", err)
	}
	got := map[uint64]bool{}
	for i := 0; i < 2; i++ {
		tag, err := q.Next(testContext(t))
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		got[tag] = true
	}
	if !got[1] || !got[2] {
		t.Fatalf("tags %v, want 1 and 2", got)
	}
}

// A chained operation (ForwardBackwardCustom) has a Done too.
func TestDoneOfAChainedOperation(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 1, 1)
	data, weights := customBatch(false)
	f, err := tc.ForwardBackwardCustomAsync(data, (&crossEntropy{weights: weights}).loss)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	closedWithin(t, "ForwardBackwardCustomAsync", f.Done(), 20*time.Second)
	if _, err := f.Wait(context.Background()); err != nil {
		t.Fatalf("Wait after Done: %v", err)
	}
}
