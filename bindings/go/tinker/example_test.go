package tinker_test

// Runnable examples of the main flows. They run under `go test` against the server that
// TINKER_BASE_URL and TINKER_API_KEY name (CTest starts a tinker-emulator for them).

import (
	"context"
	"fmt"
	"time"

	"libtinker.dev/tinker"
)

// NewServiceClient reads TINKER_BASE_URL and TINKER_API_KEY unless options say otherwise.
func ExampleNewServiceClient() {
	c, err := tinker.NewServiceClient(
		tinker.WithRequestTimeout(30*time.Second),
		tinker.WithTag("examples"),
		tinker.WithUserMetadata("purpose", "godoc"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	fmt.Println(c.HealthCheck(context.Background()))

	_, err = tinker.NewServiceClient(tinker.WithConnectTimeout(0))
	fmt.Println(err)
	// Output:
	// <nil>
	// tinker: TINKER_E_INVALID_ARGUMENT: WithConnectTimeout: ms must be > 0, got 0
}

// Create a LoRA training run and train one step: forward/backward, then an optimizer step,
// pipelined (both are sent before either is awaited).
func ExampleServiceClient_CreateLoraTrainingClient() {
	ctx := context.Background()
	c, err := tinker.NewServiceClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	tc, err := c.CreateLoraTrainingClient(ctx, "tinker-emulator/tiny-bigram",
		tinker.WithLora(tinker.DefaultLoraConfig().WithSeed(1)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tc.Close()
	data := []tinker.Datum{{
		ModelInput:   tinker.TextInput([]int32{'h', 'e', 'l', 'l'}),
		LossFnInputs: map[string]tinker.Tensor{"target_tokens": tinker.Int64Tensor([]int64{'e', 'l', 'l', 'o'})},
	}}
	fb, err := tc.ForwardBackwardAsync(data, "cross_entropy", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer fb.Close()
	step, err := tc.OptimStepAsync(tinker.DefaultAdamParams())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer step.Close()
	out, err := fb.Wait(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := step.Wait(ctx); err != nil {
		fmt.Println(err)
		return
	}
	_, hasLoss := out.Metrics["loss:sum"]
	fmt.Println("logprobs:", len(out.Logprobs(0)), "loss reported:", hasLoss)
	// Output:
	// logprobs: 4 loss reported: true
}

// Sample from a base model.
func ExampleServiceClient_CreateSamplingClient() {
	ctx := context.Background()
	c, err := tinker.NewServiceClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	sc, err := c.CreateSamplingClient(ctx, tinker.WithBaseModel("tinker-emulator/tiny-bigram"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sc.Close()
	r, err := sc.Sample(ctx, tinker.TextInput([]int32{'t', 'h', 'e', ' '}), 3,
		tinker.DefaultSamplingParams().WithMaxTokens(5).WithSeed(7))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range r.Sequences {
		fmt.Println(len(s.Tokens) <= 5)
	}
	// Output:
	// true
	// true
	// true
}

// List the checkpoints of a training run.
func ExampleRestClient_ListCheckpoints() {
	ctx := context.Background()
	c, err := tinker.NewServiceClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	tc, err := c.CreateLoraTrainingClient(ctx, "tinker-emulator/tiny-bigram")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tc.Close()
	if _, err := tc.SaveState(ctx, "first"); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := tc.SaveWeightsForSampler(ctx, "first"); err != nil {
		fmt.Println(err)
		return
	}
	rc, err := c.CreateRestClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rc.Close()
	l, err := rc.ListCheckpoints(ctx, tc.ModelID())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, cp := range l.Checkpoints {
		fmt.Println(cp.CheckpointType, cp.CheckpointID)
	}
	// Unordered output:
	// training weights/first
	// sampler sampler_weights/first
}

// Await a future in a select, with a timeout.
func ExampleFuture_Done() {
	c, err := tinker.NewServiceClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	f, err := c.GetServerCapabilitiesAsync()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	select {
	case <-f.Done():
		caps, err := f.Wait(context.Background()) // finished: returns at once
		fmt.Println(err == nil && len(caps.Models) > 0)
	case <-time.After(30 * time.Second):
		fmt.Println("timed out")
	}
	// Output:
	// true
}
