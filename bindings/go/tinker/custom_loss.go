package tinker

import (
	"context"
	"fmt"
)

// forward_backward_custom (T3) on libtinker's two-phase API: the library never calls into Go.
// Phase one (ForwardBackwardCustomBegin, a forward pass with cross_entropy) runs as a native
// future; a worker goroutine waits for it, runs the loss function and sends phase two
// (ForwardBackwardCustomFinish: forward_backward with weights = -gradient, merging the function's
// metrics), so the call advances without any Wait.

// CustomLoss is what a CustomLossFunc computes.
type CustomLoss struct {
	Loss      float64            // reported as metric "loss:sum" unless Metrics names it
	Gradients [][]float32        // d Loss / d logprobs, one per datum, each as long as its logprobs
	Metrics   map[string]float64 // merged into the result; no ":reduction" suffix needed
}

// CustomLossFunc computes a loss on the client. data are the datums given to
// ForwardBackwardCustom; logprobs[i] are datum i's logprobs from the forward pass (as many as
// its target_tokens). Returning an error fails the operation and sends nothing more; so do a
// panic (StatusAborted) and gradients of the wrong number or length (StatusInvalidArgument). It
// runs on a goroutine of its own, concurrently with the caller, so the caller must not modify the
// datums' contents until the operation finished. Close the future (or the training client) before
// the backward pass was sent and it is never sent.
type CustomLossFunc func(data []Datum, logprobs [][]float32) (CustomLoss, error)

// forwardBackwardCustom is ForwardBackwardCustom[Async] (operations_gen.go calls it by this name:
// its custom_loss_fn parameter is Go code run between the two phases, which no conversion can
// express). It submits phase one at once and returns a future whose worker carries the call on.
func (t *TrainingClient) forwardBackwardCustom(method string, data []Datum, fn CustomLossFunc) (*Future[*ForwardBackwardOutput], error) {
	if fn == nil {
		return nil, invalidInput("%s: nil loss function", method)
	}
	forward, err := t.forwardBackwardCustomBegin(method, data)
	if err != nil {
		return nil, err
	}
	c := &customLoss{t: t, method: method, data: append([]Datum(nil), data...), fn: fn}
	return chain(forward, func(op *chainedOp[*ForwardBackwardOutput]) (*ForwardBackwardOutput, error) {
		return c.run(op, forward)
	}), nil
}

// customLoss is one ForwardBackwardCustomAsync; run is its worker's body.
type customLoss struct {
	t      *TrainingClient
	method string
	data   []Datum
	fn     CustomLossFunc
}

func (c *customLoss) run(op *chainedOp[*ForwardBackwardOutput], forward *Future[*CustomLossStep]) (*ForwardBackwardOutput, error) {
	// Cancel and Close cancel the forward pass, which ends this wait.
	step, err := forward.Wait(context.Background())
	if err != nil {
		return nil, err
	}
	defer step.Close() // phase two copies what it needs
	if err := op.check(); err != nil {
		return nil, err
	}
	if err := c.computeLoss(step); err != nil {
		return nil, err
	}
	backward, err := then(op, func() (*Future[*ForwardBackwardOutput], error) {
		return c.t.forwardBackwardCustomFinish(c.method, step)
	})
	if err != nil {
		return nil, err
	}
	return backward.Wait(context.Background())
}

// computeLoss runs the loss function on the step's forward output and fills in the step.
func (c *customLoss) computeLoss(step *CustomLossStep) error {
	logprobs, err := step.Logprobs()
	if err != nil {
		return err
	}
	loss, err := c.callFn(logprobs)
	if err != nil {
		return err
	}
	if len(loss.Gradients) != len(logprobs) {
		return invalidInput("custom loss function returned %d gradients for %d datums", len(loss.Gradients), len(logprobs))
	}
	for i, g := range loss.Gradients {
		if err := step.SetGradient(i, g); err != nil {
			return within(fmt.Sprintf("custom loss function: gradient of datum %d", i), err)
		}
	}
	if err := step.SetLoss(loss.Loss); err != nil {
		return within("custom loss function: loss", err)
	}
	for _, name := range sortedKeys(loss.Metrics) {
		if err := step.AddMetric(name, loss.Metrics[name]); err != nil {
			return within(fmt.Sprintf("custom loss function: metric %q", name), err)
		}
	}
	return nil
}

// callFn runs the user's function; a panic becomes the operation's error.
func (c *customLoss) callFn(logprobs [][]float32) (loss CustomLoss, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = panicError("custom loss function", r)
		}
	}()
	loss, err = c.fn(c.data, logprobs)
	if err != nil {
		return CustomLoss{}, fmt.Errorf("custom loss function: %w", err)
	}
	return loss, nil
}
