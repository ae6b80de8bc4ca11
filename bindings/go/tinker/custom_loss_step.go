package tinker

import (
	"sync"

	"libtinker.dev/tinker/internal/raw"
)

// CustomLossStep is phase one of a custom loss (ForwardBackwardCustomBegin): the forward pass's
// output, and the loss, gradients and metrics that phase two (ForwardBackwardCustomFinish) sends.
// Read Logprobs, compute the loss on any goroutine, set a gradient per datum (and the loss and
// metrics), then finish. Its methods are safe for concurrent use (calls run one at a time, as
// tinker.h requires). Close it when done: ForwardBackwardCustomFinishAsync copies what it needs,
// so right after that is fine; a finalizer frees a step never closed.
type CustomLossStep struct {
	mu sync.Mutex // held while a call uses the step: tinker.h allows one thread at a time
	h  *handle[raw.Tinker_custom_loss_step]
}

func takeCustomLossStep(f raw.Tinker_future) (*CustomLossStep, error) {
	var p uintptr
	if err := raw.Tinker_future_take_custom_loss_step(f, &p); err != nil {
		return nil, fromRaw(err)
	}
	return &CustomLossStep{h: newHandle[raw.Tinker_custom_loss_step](raw.SwigcptrTinker_custom_loss_step(p),
		raw.Tinker_custom_loss_step_free)}, nil
}

// borrow gives the step's pointer to one caller until release (ForwardBackwardCustomFinish's
// conversion, and the methods below).
func (s *CustomLossStep) borrow() (raw.Tinker_custom_loss_step, error) {
	if s == nil {
		return nil, invalidInput("nil custom loss step")
	}
	s.mu.Lock()
	p, err := s.h.borrow()
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	return p, nil
}

func (s *CustomLossStep) release() {
	s.h.release()
	s.mu.Unlock()
}

// with runs f on the borrowed step; errors name method.
func (s *CustomLossStep) with(method string, f func(raw.Tinker_custom_loss_step) error) error {
	p, err := s.borrow()
	if err != nil {
		return within(method, err)
	}
	defer s.release()
	return fromRawAs(f(p), method)
}

// ForwardOutput is a copy of the forward pass's output: per datum a float32 "logprobs" tensor, as
// long as that datum's target_tokens.
func (s *CustomLossStep) ForwardOutput() (*ForwardBackwardOutput, error) {
	var out *ForwardBackwardOutput
	err := s.with("CustomLossStep.ForwardOutput", func(p raw.Tinker_custom_loss_step) (err error) {
		out, err = readForwardBackwardOutput(raw.Tinker_custom_loss_step_forward_output(p))
		return err
	})
	return out, err
}

// Logprobs is every datum's logprobs from the forward pass, in input order.
func (s *CustomLossStep) Logprobs() ([][]float32, error) {
	fwd, err := s.ForwardOutput()
	if err != nil {
		return nil, err
	}
	logprobs := make([][]float32, len(fwd.Outputs))
	for i := range fwd.Outputs {
		logprobs[i] = fwd.Logprobs(i)
	}
	return logprobs, nil
}

// SetLoss sets the loss value, reported as metric "loss:sum" unless a metric of that name is added.
func (s *CustomLossStep) SetLoss(loss float64) error {
	return s.with("CustomLossStep.SetLoss", func(p raw.Tinker_custom_loss_step) error {
		return raw.Tinker_custom_loss_step_set_loss(p, loss)
	})
}

// SetGradient sets d loss / d logprobs of datum i (as long as its logprobs; copied). Every datum
// needs one before ForwardBackwardCustomFinish.
func (s *CustomLossStep) SetGradient(i int, gradient []float32) error {
	return s.with("CustomLossStep.SetGradient", func(p raw.Tinker_custom_loss_step) error {
		return raw.Tinker_custom_loss_step_set_gradient(p, int64(i), gradient)
	})
}

// AddMetric adds a metric merged into the final result (no ":reduction" suffix needed).
func (s *CustomLossStep) AddMetric(name string, value float64) error {
	return s.with("CustomLossStep.AddMetric", func(p raw.Tinker_custom_loss_step) error {
		return raw.Tinker_custom_loss_step_add_metric(p, name, value)
	})
}

// Close frees the step. Idempotent.
func (s *CustomLossStep) Close() { s.h.close(nil) }
