package tinker

import (
	"context"
	"errors"
	"math"
	"strings"
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

func TestCustomLossPanicPropagatesAndFailsTheFuture(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 41)
	data, _ := customBatch(false)
	f, err := tc.ForwardBackwardCustomAsync(data, func([]Datum, [][]float32) (CustomLoss, error) { panic("loss exploded") })
	if err != nil {
		t.Fatalf("ForwardBackwardCustomAsync: %v", err)
	}
	defer f.Close()
	recovered := func() (r any) {
		defer func() { r = recover() }()
		_, _ = f.Wait(testContext(t))
		return nil
	}()
	if recovered != "loss exploded" {
		t.Fatalf("Wait recovered %v, want the function's panic", recovered)
	}
	_, err = f.Wait(testContext(t))
	if CodeOf(err) != StatusAborted || !strings.Contains(err.Error(), "loss exploded") {
		t.Fatalf("Wait after the panic = %v", err)
	}
	if n := forwardBackwardRequests(t, tc.ModelID()); n != 1 {
		t.Fatalf("%d forward/backward requests, want 1 (the forward pass)", n)
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

// The future reports the forward pass; cancelling it then means the function never runs and
// no backward pass is sent.
func TestCancelledCustomLossNeverRunsTheFunction(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 43)
	data, _ := customBatch(false)
	called := false
	f, err := tc.ForwardBackwardCustomAsync(data, func([]Datum, [][]float32) (CustomLoss, error) {
		called = true
		return CustomLoss{}, nil
	})
	if err != nil {
		t.Fatalf("ForwardBackwardCustomAsync: %v", err)
	}
	defer f.Close()
	q, err := NewCompletionQueue()
	if err != nil {
		t.Fatalf("NewCompletionQueue: %v", err)
	}
	defer q.Close()
	if err := q.Add(f, 7); err != nil {
		t.Fatalf("Add: %v", err)
	}
	if tag, err := q.Next(testContext(t)); err != nil || tag != 7 {
		t.Fatalf("Next = (%d, %v)", tag, err)
	}
	if err := f.Cancel(); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	if _, err := f.Wait(context.Background()); CodeOf(err) != StatusCancelled {
		t.Fatalf("Wait after Cancel = %v, want TINKER_E_CANCELLED", err)
	}
	if called {
		t.Fatalf("the loss function ran after Cancel")
	}
	if n := forwardBackwardRequests(t, tc.ModelID()); n != 1 {
		t.Fatalf("%d forward/backward requests, want 1 (the forward pass)", n)
	}
}

// A Wait whose context ends while the backward pass runs leaves the operation running: the next
// Wait returns its result, without running the loss function again.
func TestCustomLossWaitResumesAfterItsContextEnded(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 44)
	data, weights := customBatch(false)
	ce := &crossEntropy{weights: weights}
	f, err := tc.ForwardBackwardCustomAsync(data, ce.loss)
	if err != nil {
		t.Fatalf("ForwardBackwardCustomAsync: %v", err)
	}
	defer f.Close()
	q, err := NewCompletionQueue()
	if err != nil {
		t.Fatalf("NewCompletionQueue: %v", err)
	}
	defer q.Close()
	if err := q.Add(f, 1); err != nil {
		t.Fatalf("Add: %v", err)
	}
	if _, err := q.Next(testContext(t)); err != nil {
		t.Fatalf("Next: %v", err)
	}
	// The forward pass is done: hold the backward pass's answer back.
	emulatorPost(t, "/_emulator/faults", `{"path":"/api/v1/forward_backward","action":"delay","delay_ms":1500}`)
	short, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := f.Wait(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait with a short context = %v, want context.DeadlineExceeded", err)
	}
	out, err := f.Wait(testContext(t))
	if err != nil {
		t.Fatalf("second Wait: %v", err)
	}
	if ce.calls != 1 || out.Metrics["custom_metric"] != 7.5 {
		t.Fatalf("%d calls of the loss function; metrics %v", ce.calls, out.Metrics)
	}
	if n := forwardBackwardRequests(t, tc.ModelID()); n != 2 {
		t.Fatalf("%d forward/backward requests, want 2", n)
	}
}
