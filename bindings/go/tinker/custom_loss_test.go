package tinker

import (
	"context"
	"errors"
	"math"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// crossEntropy is cross_entropy written as a custom loss: loss = Σ -logprob·w, gradient -w, with
// the weights given per datum. It records what it saw.
type crossEntropy struct {
	weights  [][]float32
	calls    int
	data     []Datum
	logprobs [][]float32
}

func (c *crossEntropy) loss(data []Datum, logprobs [][]float32) (CustomLoss, error) {
	c.calls++
	c.data, c.logprobs = data, logprobs
	out := CustomLoss{Metrics: map[string]float64{"custom_metric": 7.5, "datums_seen:sum": float64(len(data))}}
	for i, lp := range logprobs {
		g := make([]float32, len(lp))
		for j := range lp {
			out.Loss -= float64(lp[j]) * float64(c.weights[i][j])
			g[j] = -c.weights[i][j]
		}
		out.Gradients = append(out.Gradients, g)
	}
	return out, nil
}

var customTexts = []string{"custom losses are computed here", "on the client"}

// customBatch is customTexts as next-token datums, without weights (the loss function has
// them) or with them (for the built-in loss), and unequal weights per position.
func customBatch(withWeights bool) ([]Datum, [][]float32) {
	var data []Datum
	var weights [][]float32
	for i, s := range customTexts {
		w := make([]float32, len(s)-1)
		for j := range w {
			w[j] = 0.25 * float32((i+j)%5)
		}
		weights = append(weights, w)
		if withWeights {
			data = append(data, nextToken(s, w))
		} else {
			data = append(data, nextToken(s, nil))
		}
	}
	return data, weights
}

func testCustomLossEqualsCrossEntropy(t *testing.T, async bool) {
	c := newClient(t)
	ctx := testContext(t)
	custom := newTrainer(t, c, 8, 31)
	plain := newTrainer(t, c, 8, 31)
	unweighted, weights := customBatch(false)
	weighted, _ := customBatch(true)
	before := must(plain.Forward(ctx, weighted, "cross_entropy", nil)).ok(t, "Forward")

	ce := &crossEntropy{weights: weights}
	var cr *ForwardBackwardOutput
	if async {
		cr = awaited(custom.ForwardBackwardCustomAsync(unweighted, ce.loss)).ok(t, "ForwardBackwardCustomAsync")
	} else {
		cr = must(custom.ForwardBackwardCustom(ctx, unweighted, ce.loss)).ok(t, "ForwardBackwardCustom")
	}
	pr := must(plain.ForwardBackward(ctx, weighted, "cross_entropy", nil)).ok(t, "ForwardBackward")

	if ce.calls != 1 || len(ce.data) != len(unweighted) || len(ce.logprobs) != len(unweighted) {
		t.Fatalf("loss function: %d calls, %d datums, %d logprobs", ce.calls, len(ce.data), len(ce.logprobs))
	}
	for i, lp := range ce.logprobs {
		for j := range lp {
			if math.Abs(float64(lp[j]-before.Logprobs(i)[j])) > 1e-6 {
				t.Fatalf("datum %d logprob %d: the loss function saw %v, forward gives %v", i, j, lp[j], before.Logprobs(i)[j])
			}
		}
	}
	if got, want := cr.Metrics["loss:sum"], pr.Metrics["loss:sum"]; math.Abs(got-want) > 1e-5*want {
		t.Fatalf("loss:sum: custom %v, cross_entropy %v", got, want)
	}
	if cr.Metrics["custom_metric"] != 7.5 || cr.Metrics["datums_seen:sum"] != 2 {
		t.Fatalf("the loss function's metrics are missing from %v", cr.Metrics)
	}

	adam := DefaultAdamParams()
	adam.LearningRate = 0.05
	must(custom.OptimStep(ctx, adam)).ok(t, "OptimStep")
	must(plain.OptimStep(ctx, adam)).ok(t, "OptimStep")
	afterCustom := must(custom.Forward(ctx, weighted, "cross_entropy", nil)).ok(t, "Forward")
	afterPlain := must(plain.Forward(ctx, weighted, "cross_entropy", nil)).ok(t, "Forward")
	if d := maxLogprobDiff(afterCustom, afterPlain); d > 1e-5 {
		t.Fatalf("after optim_step the twins' logprobs differ by %v", d)
	}
	if d := maxLogprobDiff(afterPlain, before); d < 1e-4 {
		t.Fatalf("optim_step changed the logprobs by only %v", d)
	}
}

func TestCustomLossEqualToCrossEntropyTrainsLikeIt(t *testing.T) {
	testCustomLossEqualsCrossEntropy(t, false)
}

func TestCustomLossAsyncEqualToCrossEntropyTrainsLikeIt(t *testing.T) {
	testCustomLossEqualsCrossEntropy(t, true)
}

// failingCustomLoss runs fn on a fresh run and checks that only the forward pass was sent.
func failingCustomLoss(t *testing.T, fn CustomLossFunc) error {
	t.Helper()
	c := newClient(t)
	tc := newTrainer(t, c, 4, 40)
	data, _ := customBatch(false)
	_, err := tc.ForwardBackwardCustom(testContext(t), data, fn)
	if err == nil {
		t.Fatalf("ForwardBackwardCustom succeeded")
	}
	if n := forwardBackwardRequests(t, tc.ModelID()); n != 1 {
		t.Fatalf("%d forward/backward requests reached the server, want 1 (the forward pass)", n)
	}
	// The run is still usable.
	must(tc.ForwardBackward(testContext(t), data, "cross_entropy", nil)).ok(t, "ForwardBackward afterwards")
	return err
}

func TestCustomLossErrorFailsTheCall(t *testing.T) {
	boom := errors.New("boom")
	err := failingCustomLoss(t, func([]Datum, [][]float32) (CustomLoss, error) { return CustomLoss{}, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("error = %v, want one wrapping the function's", err)
	}
}

func TestCustomLossGradientOfTheWrongLengthIsRejected(t *testing.T) {
	err := failingCustomLoss(t, func(_ []Datum, lp [][]float32) (CustomLoss, error) {
		return CustomLoss{Gradients: [][]float32{make([]float32, len(lp[0])), make([]float32, len(lp[1])+1)}}, nil
	})
	if CodeOf(err) != StatusInvalidArgument || !strings.Contains(err.Error(), "gradient of datum 1") {
		t.Fatalf("error = %v, want TINKER_E_INVALID_ARGUMENT for datum 1's gradient", err)
	}
}

func TestCustomLossMissingGradientsAreRejected(t *testing.T) {
	err := failingCustomLoss(t, func(_ []Datum, lp [][]float32) (CustomLoss, error) {
		return CustomLoss{Gradients: [][]float32{make([]float32, len(lp[0]))}}, nil
	})
	if CodeOf(err) != StatusInvalidArgument || !strings.Contains(err.Error(), "1 gradients for 2 datums") {
		t.Fatalf("error = %v, want TINKER_E_INVALID_ARGUMENT for the missing gradient", err)
	}
}

func TestCustomLossRefusesOtherLossInputs(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 42)
	d := nextToken("advantages", nil)
	d.LossFnInputs["advantages"] = Float32Tensor(ones(9))
	called := false
	fn := func([]Datum, [][]float32) (CustomLoss, error) { called = true; return CustomLoss{}, nil }
	if _, err := tc.ForwardBackwardCustom(testContext(t), []Datum{d}, fn); CodeOf(err) != StatusInvalidArgument {
		t.Fatalf("ForwardBackwardCustom with advantages = %v, want TINKER_E_INVALID_ARGUMENT", err)
	}
	if _, err := tc.ForwardBackwardCustomAsync([]Datum{d}, nil); CodeOf(err) != StatusInvalidArgument {
		t.Fatalf("ForwardBackwardCustomAsync(nil function) = %v, want TINKER_E_INVALID_ARGUMENT", err)
	}
	if called || forwardBackwardRequests(t, tc.ModelID()) != 0 {
		t.Fatalf("called %v; something was sent", called)
	}
}

// ---- the worker: the call advances without any Wait ------------------------------------------

// heldLoss is crossEntropy that blocks until released, so a test can act while it runs.
type heldLoss struct {
	ce      crossEntropy
	calls   atomic.Int32
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func newHeldLoss(t *testing.T, weights [][]float32) *heldLoss {
	h := &heldLoss{ce: crossEntropy{weights: weights}, entered: make(chan struct{}), release: make(chan struct{})}
	t.Cleanup(h.free)
	return h
}

func (h *heldLoss) loss(data []Datum, logprobs [][]float32) (CustomLoss, error) {
	if h.calls.Add(1) == 1 {
		close(h.entered)
	}
	<-h.release
	return h.ce.loss(data, logprobs)
}

// awaitStart returns once the loss function is running.
func (h *heldLoss) awaitStart(t *testing.T) {
	t.Helper()
	select {
	case <-h.entered:
	case <-testContext(t).Done():
		t.Fatalf("the loss function never ran")
	}
}

func (h *heldLoss) free() { h.once.Do(func() { close(h.release) }) }

// pollUntilDone polls f without ever waiting on it.
func pollUntilDone[T any](t *testing.T, f *Future[T]) Status {
	t.Helper()
	ctx := testContext(t)
	for {
		if st := f.Poll(); st != StatusPending {
			return st
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the future is still pending")
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// workerEnded returns once the worker of a closed custom-loss future is gone: after that it can
// send nothing more.
func workerEnded(t *testing.T, f *Future[*ForwardBackwardOutput]) {
	t.Helper()
	select {
	case <-f.op.(*chainedOp[*ForwardBackwardOutput]).settled:
	case <-testContext(t).Done():
		t.Fatalf("the worker did not end")
	}
}

func customAsync(t *testing.T, tc *TrainingClient, fn CustomLossFunc) *Future[*ForwardBackwardOutput] {
	t.Helper()
	data, _ := customBatch(false)
	f, err := tc.ForwardBackwardCustomAsync(data, fn)
	if err != nil {
		t.Fatalf("ForwardBackwardCustomAsync: %v", err)
	}
	t.Cleanup(f.Close)
	return f
}

// Nobody waits: the worker runs the loss function and sends the backward pass on its own, and
// the future reports done only once the backward pass finished.
func TestCustomLossAsyncSendsTheBackwardPassWithoutAnyWait(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 45)
	_, weights := customBatch(false)
	ce := &crossEntropy{weights: weights}
	f := customAsync(t, tc, ce.loss)
	if st := pollUntilDone(t, f); st != StatusOK {
		t.Fatalf("Poll = %v, want TINKER_OK", st)
	}
	if n := forwardBackwardRequests(t, tc.ModelID()); n != 2 {
		t.Fatalf("%d forward/backward requests before any Wait, want 2 (forward and backward pass)", n)
	}
	out, err := f.Wait(testContext(t))
	if err != nil || out.Metrics["custom_metric"] != 7.5 || ce.calls != 1 {
		t.Fatalf("Wait = (%v, %v) after %d calls of the loss function", out, err, ce.calls)
	}
}

// While the loss function runs the call is pending; a Wait whose context ends changes nothing.
func TestCustomLossIsPendingUntilTheFunctionReturned(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 44)
	_, weights := customBatch(false)
	h := newHeldLoss(t, weights)
	f := customAsync(t, tc, h.loss)
	h.awaitStart(t)
	if st := f.Poll(); st != StatusPending {
		t.Fatalf("Poll while the loss function runs = %v, want TINKER_PENDING", st)
	}
	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := f.Wait(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait with a short context = %v, want context.DeadlineExceeded", err)
	}
	h.free()
	out, err := f.Wait(testContext(t))
	if err != nil || out.Metrics["custom_metric"] != 7.5 {
		t.Fatalf("Wait = (%v, %v)", out, err)
	}
	if n := h.calls.Load(); n != 1 {
		t.Fatalf("%d calls of the loss function", n)
	}
	if n := forwardBackwardRequests(t, tc.ModelID()); n != 2 {
		t.Fatalf("%d forward/backward requests, want 2", n)
	}
}

func TestCustomLossErrorSurfacesFromEveryWait(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 46)
	boom := errors.New("boom")
	f := customAsync(t, tc, func([]Datum, [][]float32) (CustomLoss, error) { return CustomLoss{}, boom })
	for i := 0; i < 2; i++ {
		if _, err := f.Wait(testContext(t)); !errors.Is(err, boom) {
			t.Fatalf("Wait %d = %v, want the function's error", i, err)
		}
	}
	if st := f.Poll(); st != StatusUnknown {
		t.Fatalf("Poll = %v, want TINKER_E_UNKNOWN for an error without a libtinker status", st)
	}
	// An *Error keeps its status.
	g := customAsync(t, tc, func([]Datum, [][]float32) (CustomLoss, error) {
		return CustomLoss{}, &Error{Code: StatusOutOfRange, Message: "no such datum"}
	})
	if _, err := g.Wait(testContext(t)); CodeOf(err) != StatusOutOfRange || g.Poll() != StatusOutOfRange {
		t.Fatalf("Wait = %v, Poll = %v, want TINKER_E_OUT_OF_RANGE", err, g.Poll())
	}
	if n := forwardBackwardRequests(t, tc.ModelID()); n != 2 {
		t.Fatalf("%d forward/backward requests, want 2 (the two forward passes)", n)
	}
}

// A panic in the loss function fails the call; it neither crashes the process nor reaches
// the goroutine that waits.
func TestCustomLossPanicFailsTheFuture(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 41)
	f := customAsync(t, tc, func([]Datum, [][]float32) (CustomLoss, error) { panic("loss exploded") })
	for i := 0; i < 2; i++ {
		_, err := f.Wait(testContext(t))
		if CodeOf(err) != StatusAborted || !strings.Contains(err.Error(), "custom loss function panicked: loss exploded") {
			t.Fatalf("Wait %d = %v, want TINKER_E_ABORTED with the panic's value", i, err)
		}
	}
	if st := f.Poll(); st != StatusAborted {
		t.Fatalf("Poll = %v, want TINKER_E_ABORTED", st)
	}
	if n := forwardBackwardRequests(t, tc.ModelID()); n != 1 {
		t.Fatalf("%d forward/backward requests, want 1 (the forward pass)", n)
	}
}

// Cancel while the loss function runs: once it returns, the call ends cancelled and the
// backward pass is never sent.
func TestCancelWhileTheLossFunctionRunsSendsNoBackwardPass(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 43)
	_, weights := customBatch(false)
	h := newHeldLoss(t, weights)
	f := customAsync(t, tc, h.loss)
	h.awaitStart(t)
	if err := f.Cancel(); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	if st := f.Poll(); st != StatusPending {
		t.Fatalf("Poll after Cancel while the loss function runs = %v, want TINKER_PENDING", st)
	}
	h.free()
	if _, err := f.Wait(testContext(t)); CodeOf(err) != StatusCancelled {
		t.Fatalf("Wait after Cancel = %v, want TINKER_E_CANCELLED", err)
	}
	if st := f.Poll(); st != StatusCancelled {
		t.Fatalf("Poll = %v, want TINKER_E_CANCELLED", st)
	}
	if n := forwardBackwardRequests(t, tc.ModelID()); n != 1 {
		t.Fatalf("%d forward/backward requests, want 1 (the forward pass)", n)
	}
}

// The emulator holds the forward pass's answer far longer than the test runs: Cancel ends the
// call at once and the loss function never runs.
func TestCancelDuringTheForwardPassNeverRunsTheFunction(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 47)
	emulatorPost(t, "/_emulator/faults", `{"path":"/api/v1/forward_backward","action":"delay","delay_ms":120000}`)
	t.Cleanup(func() { emulatorDelete(t, "/_emulator/faults") }) // if the request was never sent
	var calls atomic.Int32
	f := customAsync(t, tc, func([]Datum, [][]float32) (CustomLoss, error) {
		calls.Add(1)
		return CustomLoss{}, nil
	})
	if err := f.Cancel(); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	if _, err := f.Wait(testContext(t)); CodeOf(err) != StatusCancelled {
		t.Fatalf("Wait after Cancel = %v, want TINKER_E_CANCELLED", err)
	}
	if n := calls.Load(); n != 0 {
		t.Fatalf("the loss function ran %d times after Cancel", n)
	}
	if n := forwardBackwardRequests(t, tc.ModelID()); n > 1 {
		t.Fatalf("%d forward/backward requests, want at most the forward pass", n)
	}
}

// Closing the future while the loss function runs: waiters get the closed-handle error at once,
// and the worker, once the function returned, sends nothing.
func TestClosingTheFutureWhileTheLossFunctionRuns(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 48)
	_, weights := customBatch(false)
	h := newHeldLoss(t, weights)
	f := customAsync(t, tc, h.loss)
	h.awaitStart(t)
	waiter := make(chan error, 1)
	go func() {
		_, err := f.Wait(context.Background())
		waiter <- err
	}()
	f.Close()
	select {
	case err := <-waiter:
		if CodeOf(err) != StatusFailedPrecondition {
			t.Fatalf("a Wait blocked during Close = %v, want TINKER_E_FAILED_PRECONDITION", err)
		}
	case <-testContext(t).Done():
		t.Fatalf("a Wait is still blocked after Close")
	}
	if _, err := f.Wait(context.Background()); CodeOf(err) != StatusFailedPrecondition {
		t.Fatalf("Wait after Close = %v", err)
	}
	if st := f.Poll(); st != StatusCancelled {
		t.Fatalf("Poll after Close = %v, want TINKER_E_CANCELLED", st)
	}
	f.Close() // idempotent
	h.free()
	workerEnded(t, f)
	if n := forwardBackwardRequests(t, tc.ModelID()); n != 1 {
		t.Fatalf("%d forward/backward requests, want 1 (the forward pass)", n)
	}
}

func TestClosingTheTrainingClientWhileTheLossFunctionRunsFailsTheCall(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 49)
	_, weights := customBatch(false)
	h := newHeldLoss(t, weights)
	f := customAsync(t, tc, h.loss)
	h.awaitStart(t)
	tc.Close()
	h.free()
	if _, err := f.Wait(testContext(t)); CodeOf(err) != StatusFailedPrecondition {
		t.Fatalf("Wait = %v, want TINKER_E_FAILED_PRECONDITION (closed training client)", err)
	}
	if n := forwardBackwardRequests(t, tc.ModelID()); n != 1 {
		t.Fatalf("%d forward/backward requests, want 1 (the forward pass)", n)
	}
}

// The training client keeps the connection runtime alive: the call completes.
func TestClosingTheServiceClientWhileTheLossFunctionRuns(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 50)
	_, weights := customBatch(false)
	h := newHeldLoss(t, weights)
	f := customAsync(t, tc, h.loss)
	h.awaitStart(t)
	c.Close()
	h.free()
	if out, err := f.Wait(testContext(t)); err != nil || out.Metrics["custom_metric"] != 7.5 {
		t.Fatalf("Wait = (%v, %v)", out, err)
	}
	if n := forwardBackwardRequests(t, tc.ModelID()); n != 2 {
		t.Fatalf("%d forward/backward requests, want 2", n)
	}
}

// A completion queue gets the tag only once the whole call finished (Poll already says so).
func TestCompletionQueueReportsTheWholeCustomCall(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 51)
	_, weights := customBatch(false)
	h := newHeldLoss(t, weights)
	f := customAsync(t, tc, h.loss)
	q, err := NewCompletionQueue()
	if err != nil {
		t.Fatalf("NewCompletionQueue: %v", err)
	}
	defer q.Close()
	if err := q.Add(f, 7); err != nil {
		t.Fatalf("Add: %v", err)
	}
	if err := q.Add(f, 8); CodeOf(err) != StatusFailedPrecondition {
		t.Fatalf("a second Add = %v, want TINKER_E_FAILED_PRECONDITION", err)
	}
	h.awaitStart(t)
	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if tag, err := q.Next(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next while the loss function runs = (%d, %v), want context.DeadlineExceeded", tag, err)
	}
	h.free()
	if tag, err := q.Next(testContext(t)); err != nil || tag != 7 {
		t.Fatalf("Next = (%d, %v), want (7, nil)", tag, err)
	}
	if st := f.Poll(); st != StatusOK {
		t.Fatalf("Poll after the tag = %v, want TINKER_OK", st)
	}
	if n := forwardBackwardRequests(t, tc.ModelID()); n != 2 {
		t.Fatalf("%d forward/backward requests before any Wait, want 2", n)
	}
}

// Calls that already finished, successfully or not, are reported as soon as they are added.
func TestCompletionQueueReportsFinishedCustomCalls(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 52)
	_, weights := customBatch(false)
	ce := &crossEntropy{weights: weights}
	ok := customAsync(t, tc, ce.loss)
	failed := customAsync(t, tc, func([]Datum, [][]float32) (CustomLoss, error) { return CustomLoss{}, errors.New("no") })
	pollUntilDone(t, ok)
	pollUntilDone(t, failed)
	// Last on the run: a forward pass cancelled before it was sent would hold back later ones.
	closed := customAsync(t, tc, ce.loss)
	closed.Close()
	q, err := NewCompletionQueue()
	if err != nil {
		t.Fatalf("NewCompletionQueue: %v", err)
	}
	defer q.Close()
	if err := q.Add(closed, 3); CodeOf(err) != StatusFailedPrecondition {
		t.Fatalf("Add of a closed future = %v, want TINKER_E_FAILED_PRECONDITION", err)
	}
	for _, a := range []struct {
		f   *Future[*ForwardBackwardOutput]
		tag uint64
	}{{ok, 1}, {failed, 2}} {
		if err := q.Add(a.f, a.tag); err != nil {
			t.Fatalf("Add %d: %v", a.tag, err)
		}
		if tag, err := q.Next(testContext(t)); err != nil || tag != a.tag {
			t.Fatalf("Next = (%d, %v), want (%d, nil)", tag, err, a.tag)
		}
	}
}

// The worker survives whatever ends the Go code between the stages.
func TestChainedOperationEndedAbnormallyFails(t *testing.T) {
	c := newClient(t)
	for name, run := range map[string]func(*chainedOp[int]) (int, error){
		"panic":  func(*chainedOp[int]) (int, error) { panic("broken") },
		"Goexit": func(*chainedOp[int]) (int, error) { runtime.Goexit(); return 0, nil },
	} {
		first, err := c.HealthCheckAsync()
		if err != nil {
			t.Fatalf("HealthCheckAsync: %v", err)
		}
		f := chain(first, run)
		defer f.Close()
		if _, err := f.Wait(testContext(t)); CodeOf(err) != StatusAborted || f.Poll() != StatusAborted {
			t.Fatalf("%s: Wait = %v, Poll = %v, want TINKER_E_ABORTED", name, err, f.Poll())
		}
	}
}

// emulatorDelete sends DELETE to the emulator's admin API.
func emulatorDelete(t *testing.T, path string) {
	req, err := http.NewRequest(http.MethodDelete, strings.TrimRight(os.Getenv("TINKER_BASE_URL"), "/")+path, nil)
	if err != nil {
		t.Errorf("DELETE %s: %v", path, err)
		return
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("DELETE %s: %v", path, err)
		return
	}
	resp.Body.Close()
}
