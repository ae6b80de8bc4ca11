package tinker

import (
	"context"
	"fmt"
	"sync"

	"libtinker.dev/tinker/internal/raw"
)

// forward_backward_custom (T3) on libtinker's two-phase API: the library never calls into Go.
// Phase one (a forward pass with cross_entropy) runs as a native future; the loss function then
// runs on the goroutine that waits for the result; phase two sends forward_backward with
// weights = -gradient and merges the function's metrics.

// CustomLoss is what a CustomLossFunc computes.
type CustomLoss struct {
	Loss      float64            // reported as metric "loss:sum" unless Metrics names it
	Gradients [][]float32        // d Loss / d logprobs, one per datum, each as long as its logprobs
	Metrics   map[string]float64 // merged into the result; no ":reduction" suffix needed
}

// CustomLossFunc computes a loss on the client. data are the datums given to
// ForwardBackwardCustom; logprobs[i] are datum i's logprobs from the forward pass (as many as
// its target_tokens). Returning an error fails the operation and sends nothing more.
type CustomLossFunc func(data []Datum, logprobs [][]float32) (CustomLoss, error)

// ForwardBackwardCustom runs forward_backward with a loss computed by fn on the calling
// goroutine (T3). Datums may carry only "target_tokens" and "weights".
func (t *TrainingClient) ForwardBackwardCustom(ctx context.Context, data []Datum, fn CustomLossFunc) (*ForwardBackwardOutput, error) {
	return await(ctx, func() (*Future[*ForwardBackwardOutput], error) { return t.ForwardBackwardCustomAsync(data, fn) })
}

// ForwardBackwardCustomAsync submits the forward pass of ForwardBackwardCustom and returns at
// once. fn runs inside the first Wait after the forward pass finished, on that goroutine; the
// backward pass is sent then, taking the run's next seq_id at that moment. So wait for this
// future before submitting an OptimStep that should see its gradients. Poll, Done and a
// CompletionQueue report the forward pass. A panic in fn propagates out of Wait; the operation
// then fails and later Waits return an error.
func (t *TrainingClient) ForwardBackwardCustomAsync(data []Datum, fn CustomLossFunc) (*Future[*ForwardBackwardOutput], error) {
	if fn == nil {
		return nil, invalidInput("ForwardBackwardCustom: nil loss function")
	}
	batch, err := newCBatch(data)
	if err != nil {
		return nil, err
	}
	defer raw.Tinker_batch_free(batch)
	var f uintptr
	err = t.h.use(func(p raw.Tinker_training_client) error {
		return fromRaw(raw.Tinker_training_client_forward_backward_custom_begin_async(p, batch, &f))
	})
	if err != nil {
		return nil, err
	}
	c := &customLoss{t: t, data: data, fn: fn}
	return newStagedFuture(raw.SwigcptrTinker_future(f), c.take, c.stop), nil
}

// customLoss is the state of one ForwardBackwardCustomAsync after its forward pass.
type customLoss struct {
	t    *TrainingClient
	data []Datum
	fn   CustomLossFunc

	mu       sync.Mutex
	stopped  bool  // Cancel or Close: send nothing more
	panicked error // fn panicked: the operation's outcome
	backward *Future[*ForwardBackwardOutput]
}

var errCustomLossStopped = &Error{Code: StatusCancelled,
	Message: "forward_backward_custom was cancelled before its backward pass was sent"}

// take runs once the forward pass succeeded: loss function and backward pass on the first
// call, then (also after a context ended) waiting for the backward pass.
func (c *customLoss) take(ctx context.Context, forward raw.Tinker_future) (*ForwardBackwardOutput, error) {
	b, err := c.backwardFuture(forward)
	if err != nil {
		return nil, err
	}
	return b.Wait(ctx)
}

func (c *customLoss) backwardFuture(forward raw.Tinker_future) (*Future[*ForwardBackwardOutput], error) {
	c.mu.Lock()
	b, stopped, panicked := c.backward, c.stopped, c.panicked
	c.mu.Unlock()
	switch {
	case b != nil:
		return b, nil
	case panicked != nil:
		return nil, panicked
	case stopped:
		return nil, errCustomLossStopped
	}
	var p uintptr
	if err := raw.Tinker_future_take_custom_loss_step(forward, &p); err != nil {
		return nil, fromRaw(err)
	}
	step := raw.SwigcptrTinker_custom_loss_step(p)
	defer raw.Tinker_custom_loss_step_free(step) // _finish_async copies what it needs
	if err := c.computeLoss(step); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return nil, errCustomLossStopped
	}
	b, err := start(c.t.h, func(tp raw.Tinker_training_client, out *uintptr) error {
		return raw.Tinker_training_client_forward_backward_custom_finish_async(tp, step, out)
	}, takeForwardBackwardOutput)
	if err != nil {
		return nil, err
	}
	c.backward = b
	return b, nil
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

// callFn runs the user's function; a panic is recorded as the operation's outcome, then
// re-raised on the waiting goroutine.
func (c *customLoss) callFn(logprobs [][]float32) (CustomLoss, error) {
	defer func() {
		if r := recover(); r != nil {
			c.mu.Lock()
			c.panicked = &Error{Code: StatusAborted, Message: fmt.Sprintf("custom loss function panicked: %v", r)}
			c.mu.Unlock()
			panic(r)
		}
	}()
	loss, err := c.fn(c.data, logprobs)
	if err != nil {
		return CustomLoss{}, fmt.Errorf("custom loss function: %w", err)
	}
	return loss, nil
}

// stop ends the operation for Cancel (release false) or Close (release true): nothing more is
// sent, and a running backward pass is cancelled (and released).
func (c *customLoss) stop(release bool) {
	c.mu.Lock()
	c.stopped = true
	b := c.backward
	c.mu.Unlock()
	switch {
	case b == nil:
	case release:
		b.Close()
	default:
		_ = b.Cancel()
	}
}
