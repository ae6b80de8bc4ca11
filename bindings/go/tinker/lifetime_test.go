package tinker

import (
	"context"
	"runtime"
	"testing"
	"time"
)

func lifetimeData() []Datum {
	return []Datum{{
		ModelInput:   TextInput([]int32{104, 105}),
		LossFnInputs: map[string]Tensor{"target_tokens": Int64Tensor([]int64{105, 33})},
	}}
}

// Handles may be released in any order: a TrainingClient (and what it makes) outlives the
// ServiceClient it came from, and an operation pending when the ServiceClient is closed completes.
func TestTrainingClientOutlivesItsServiceClient(t *testing.T) {
	needEmulator(t)
	ctx := testContext(t)
	c, err := NewServiceClient()
	if err != nil {
		t.Fatal(err)
	}
	tc, err := c.CreateLoraTrainingClient(ctx, tinyModel, WithLora(DefaultLoraConfig().WithSeed(3)))
	if err != nil {
		c.Close()
		t.Fatal(err)
	}
	defer tc.Close()
	pending, err := tc.ForwardBackwardAsync(lifetimeData(), "cross_entropy", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pending.Close()
	c.Close()
	if err := c.HealthCheck(ctx); CodeOf(err) != StatusFailedPrecondition {
		t.Errorf("HealthCheck on the closed ServiceClient: %v", err)
	}
	if out, err := pending.Wait(ctx); err != nil || len(out.Metrics) == 0 {
		t.Fatalf("ForwardBackward pending at ServiceClient.Close: (%v, %v)", out, err)
	}
	if _, err := tc.OptimStep(ctx, DefaultAdamParams()); err != nil {
		t.Fatalf("OptimStep after ServiceClient.Close: %v", err)
	}
	sc, err := tc.SaveWeightsAndGetSamplingClient(ctx)
	if err != nil {
		t.Fatalf("SaveWeightsAndGetSamplingClient after ServiceClient.Close: %v", err)
	}
	defer sc.Close()
	if _, err := sc.Sample(ctx, TextInput([]int32{104}), 1, DefaultSamplingParams().WithMaxTokens(2)); err != nil {
		t.Fatalf("Sample after ServiceClient.Close: %v", err)
	}
}

// The same when the ServiceClient is never closed but collected: its finalizer frees it.
func TestTrainingClientOutlivesACollectedServiceClient(t *testing.T) {
	needEmulator(t)
	ctx := testContext(t)
	tc := func() *TrainingClient {
		c, err := NewServiceClient()
		if err != nil {
			t.Fatal(err)
		}
		tc, err := c.CreateLoraTrainingClient(ctx, tinyModel)
		if err != nil {
			t.Fatal(err)
		}
		return tc
	}()
	defer tc.Close()
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	if _, err := tc.ForwardBackward(ctx, lifetimeData(), "cross_entropy", nil); err != nil {
		t.Fatalf("ForwardBackward after the ServiceClient was collected: %v", err)
	}
}

// Once every client of a runtime is closed, a pending future ends cancelled (it may outlive
// them all): Wait returns, Done closes.
func TestFuturesOutliveAllTheirClients(t *testing.T) {
	needEmulator(t)
	ctx := testContext(t)
	c, err := NewServiceClient()
	if err != nil {
		t.Fatal(err)
	}
	tc, err := c.CreateLoraTrainingClient(ctx, tinyModel)
	if err != nil {
		c.Close()
		t.Fatal(err)
	}
	f, err := tc.ForwardBackwardAsync(lifetimeData(), "cross_entropy", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tc.Close()
	c.Close()
	closedWithin(t, "a future whose clients are all closed", f.Done(), 10*time.Second)
	if _, err := f.Wait(context.Background()); err != nil && CodeOf(err) != StatusCancelled {
		t.Fatalf("Wait after all clients closed: %v, want success or StatusCancelled", err)
	}
}
