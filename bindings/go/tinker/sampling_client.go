package tinker

import (
	"libtinker.dev/tinker/internal/raw"
)

// SamplingClient is a sampling session on frozen weights: a base model, or a checkpoint saved for
// sampling. It is safe for concurrent use: any number of goroutines may call Sample,
// ComputeLogprobs and GetBaseModel at once (operations_gen.go). Close it when done; pending
// operations keep running.
type SamplingClient struct {
	h         *handle[raw.Tinker_sampling_client]
	sessionID string
}

// SamplingSessionID is the server's id of the sampling session ("" for a zero-value or nil
// client).
func (s *SamplingClient) SamplingSessionID() string {
	if s == nil {
		return ""
	}
	return s.sessionID
}

// native is the client's handle; nil for a zero-value or nil client, whose methods then fail
// with StatusFailedPrecondition instead of panicking.
func (s *SamplingClient) native() *handle[raw.Tinker_sampling_client] {
	if s == nil {
		return nil
	}
	return s.h
}

// Close releases the client. Idempotent; a no-op on a zero-value or nil client.
func (s *SamplingClient) Close() { s.native().close(nil) }

// takeSamplingClient takes the client a finished S5 / T10 / T11 future holds: the Go value owns the
// handle.
func takeSamplingClient(f raw.Tinker_future) (*SamplingClient, error) {
	var p uintptr
	if err := raw.Tinker_future_take_sampling_client(f, &p); err != nil {
		return nil, fromRaw(err)
	}
	sc := raw.SwigcptrTinker_sampling_client(p)
	return &SamplingClient{h: newHandle[raw.Tinker_sampling_client](sc, raw.Tinker_sampling_client_free),
		sessionID: raw.Tinker_sampling_client_sampling_session_id(sc)}, nil
}
