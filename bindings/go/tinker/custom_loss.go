package tinker

import (
	"context"
	"fmt"

	"libtinker.dev/tinker/internal/raw"
)

// forward_backward_custom (T3) on libtinker's two-phase API: the library never calls into Go.
// Phase one (a forward pass with cross_entropy) runs as a native future; a worker goroutine
// waits for it, runs the loss function and sends phase two (forward_backward with
// weights = -gradient, merging the function's metrics), so the call advances without any Wait.

// CustomLoss is what a CustomLossFunc computes.
type CustomLoss struct {
	Loss      float64            // reported as metric "loss:sum" unless Metrics names it
	Gradients [][]float32        // d Loss / d logprobs, one per datum, each as long as its logprobs
	Metrics   map[string]float64 // merged into the result; no ":reduction" suffix needed
}

// CustomLossFunc computes a loss on the client. data are the datums given to
// ForwardBackwardCustom; logprobs[i] are datum i's logprobs from the forward pass (as many as
// its target_tokens). Returning an error fails the operation and sends nothing more. It runs on
// a goroutine of its own, concurrently with the caller, so the caller must not modify the
// datums' contents until the operation finished.
type CustomLossFunc func(data []Datum, logprobs [][]float32) (CustomLoss, error)

// ForwardBackwardCustom runs forward_backward with a loss computed by fn (T3): it is
// ForwardBackwardCustomAsync + Wait + Close, so if ctx ends first the operation is cancelled
// and no backward pass is sent after that. Datums may carry only "target_tokens" and "weights".
func (t *TrainingClient) ForwardBackwardCustom(ctx context.Context, data []Datum, fn CustomLossFunc) (*ForwardBackwardOutput, error) {
	return await(ctx, func() (*Future[*ForwardBackwardOutput], error) { return t.ForwardBackwardCustomAsync(data, fn) })
}

// ForwardBackwardCustomAsync submits the forward pass of ForwardBackwardCustom and returns at
// once. A worker goroutine carries the call on without anyone waiting: once the forward pass
// finished it runs fn, sends the backward pass and waits for it. The future (Poll, Done, Wait, a
// CompletionQueue) reports the whole call: finished once the backward pass finished or
// something failed. An error returned by fn, a panic in fn (StatusAborted), bad gradients
// (StatusInvalidArgument) or a failed pass fail the future; every Wait returns that error and
// nothing more is sent. Cancel before the backward pass was sent means it is never sent (the
// future ends cancelled at once during the forward pass, once fn returned while it runs); after,
// Cancel cancels the backward pass. Close cancels likewise and returns at once. Closing the
// training client before the backward pass was sent fails the call.
//
// Order: the backward pass takes the run's next seq_id when the worker sends it, after fn
// returned, so an operation submitted meanwhile (OptimStepAsync right after this call) may reach
// the server before the backward pass, as with the official Python SDK. Wait for this future
// before submitting an OptimStep that must see its gradients.
func (t *TrainingClient) ForwardBackwardCustomAsync(data []Datum, fn CustomLossFunc) (*Future[*ForwardBackwardOutput], error) {
	if fn == nil {
		return nil, invalidInput("ForwardBackwardCustom: nil loss function")
	}
	batch, err := newCBatch(data)
	if err != nil {
		return nil, err
	}
	defer raw.Tinker_batch_free(batch)
	forward, err := start(t.h, func(p raw.Tinker_training_client, out *uintptr) error {
		return raw.Tinker_training_client_forward_backward_custom_begin_async(p, batch, out)
	}, takeCustomLossStep)
	if err != nil {
		return nil, err
	}
	c := &customLoss{t: t, data: append([]Datum(nil), data...), fn: fn}
	return chain(forward, func(op *chainedOp[*ForwardBackwardOutput]) (*ForwardBackwardOutput, error) {
		return c.run(op, forward)
	}), nil
}

// customLoss is one ForwardBackwardCustomAsync; run is its worker's body.
type customLoss struct {
	t    *TrainingClient
	data []Datum
	fn   CustomLossFunc
}

func takeCustomLossStep(f raw.Tinker_future) (raw.Tinker_custom_loss_step, error) {
	var p uintptr
	if err := raw.Tinker_future_take_custom_loss_step(f, &p); err != nil {
		return nil, fromRaw(err)
	}
	return raw.SwigcptrTinker_custom_loss_step(p), nil
}

func (c *customLoss) run(op *chainedOp[*ForwardBackwardOutput], forward *Future[raw.Tinker_custom_loss_step]) (*ForwardBackwardOutput, error) {
	// Cancel and Close cancel the forward pass, which ends this wait.
	step, err := forward.Wait(context.Background())
	if err != nil {
		return nil, err
	}
	defer raw.Tinker_custom_loss_step_free(step) // _finish_async copies what it needs
	if err := op.check(); err != nil {
		return nil, err
	}
	if err := c.computeLoss(step); err != nil {
		return nil, err
	}
	backward, err := then(op, func() (*Future[*ForwardBackwardOutput], error) {
		return start(c.t.h, func(tp raw.Tinker_training_client, out *uintptr) error {
			return raw.Tinker_training_client_forward_backward_custom_finish_async(tp, step, out)
		}, takeForwardBackwardOutput)
	})
	if err != nil {
		return nil, err
	}
	return backward.Wait(context.Background())
}

// computeLoss runs the loss function on the step's forward output and fills in the step.
func (c *customLoss) computeLoss(step raw.Tinker_custom_loss_step) error {
	fwd, err := readForwardBackwardOutput(raw.Tinker_custom_loss_step_forward_output(step))
	if err != nil {
		return err
	}
	logprobs := make([][]float32, len(fwd.Outputs))
	for i := range fwd.Outputs {
		logprobs[i] = fwd.Logprobs(i)
	}
	loss, err := c.callFn(logprobs)
	if err != nil {
		return err
	}
	if len(loss.Gradients) != len(logprobs) {
		return invalidInput("custom loss function returned %d gradients for %d datums", len(loss.Gradients), len(logprobs))
	}
	for i, g := range loss.Gradients {
		if err := raw.Tinker_custom_loss_step_set_gradient(step, int64(i), g); err != nil {
			return within(fmt.Sprintf("custom loss function: gradient of datum %d", i), fromRaw(err))
		}
	}
	if err := raw.Tinker_custom_loss_step_set_loss(step, loss.Loss); err != nil {
		return within("custom loss function: loss", fromRaw(err))
	}
	for _, name := range sortedKeys(loss.Metrics) {
		if err := raw.Tinker_custom_loss_step_add_metric(step, name, loss.Metrics[name]); err != nil {
			return within(fmt.Sprintf("custom loss function: metric %q", name), fromRaw(err))
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
