package tinker

import (
	"libtinker.dev/tinker/internal/raw"
)

// TrainingClient is a training run (a LoRA model) on the server. It is safe for concurrent use.
// Operations are submitted to the server in call order (each takes the run's next seq_id when
// it is called), so ForwardBackwardAsync followed by OptimStepAsync pipelines a step; results
// arrive in any order. Close it when done: pending operations keep running. Its operations are in
// operations_gen.go; ForwardBackwardCustom's worker is in custom_loss.go.
type TrainingClient struct {
	h       *handle[raw.Tinker_training_client]
	modelID string
}

// ModelID is the training run's model id ("" for a zero-value or nil client).
func (t *TrainingClient) ModelID() string {
	if t == nil {
		return ""
	}
	return t.modelID
}

// native is the client's handle; nil for a zero-value or nil client, whose methods then fail
// with StatusFailedPrecondition instead of panicking.
func (t *TrainingClient) native() *handle[raw.Tinker_training_client] {
	if t == nil {
		return nil
	}
	return t.h
}

// Close releases the client. Idempotent; a no-op on a zero-value or nil client.
func (t *TrainingClient) Close() { t.native().close(nil) }

// takeTrainingClient takes the client a finished S2–S4 future holds: the Go value owns the handle.
func takeTrainingClient(f raw.Tinker_future) (*TrainingClient, error) {
	var p uintptr
	if err := raw.Tinker_future_take_training_client(f, &p); err != nil {
		return nil, fromRaw(err)
	}
	tc := raw.SwigcptrTinker_training_client(p)
	return &TrainingClient{h: newHandle[raw.Tinker_training_client](tc, raw.Tinker_training_client_free),
		modelID: raw.Tinker_training_client_model_id(tc)}, nil
}
