package tinker

import (
	"time"

	"libtinker.dev/tinker/internal/raw"
)

// RetryConfig holds the retry settings of a sampling client (WithRetryConfig on
// CreateSamplingClient and SaveWeightsAndGetSamplingClient). Start from DefaultRetryConfig: a
// zero RetryConfig is not the defaults (its zero progress timeout is out of range).
type RetryConfig struct {
	// MaxConnections bounds the concurrent in-flight sample operations (>= 1); the server's
	// sample_max_concurrent_requests replaces it.
	MaxConnections int64
	// ProgressTimeout: with no operation completed for this long, in-flight ones fail as stuck
	// (> 0).
	ProgressTimeout time.Duration
	// RetryDelayBase is the first retry delay, doubled per attempt (>= 0).
	RetryDelayBase time.Duration
	// RetryDelayMax caps the retry delay (>= 0).
	RetryDelayMax time.Duration
	// JitterFactor is the relative jitter of each delay, in [0, 1].
	JitterFactor float64
	// EnableRetryLogic false makes every sample a single attempt.
	EnableRetryLogic bool
	// EnableStuckDetection false turns stuck detection off (the server can also turn it off).
	EnableStuckDetection bool
}

// DefaultRetryConfig returns tinker.h's defaults: 1000 connections, a 7200 s progress timeout,
// retry delays from 0.5 s doubling up to 10 s with 25 % jitter, retries and stuck detection on.
func DefaultRetryConfig() RetryConfig {
	return RetryConfig{
		MaxConnections:       1000,
		ProgressTimeout:      7200 * time.Second,
		RetryDelayBase:       500 * time.Millisecond,
		RetryDelayMax:        10 * time.Second,
		JitterFactor:         0.25,
		EnableRetryLogic:     true,
		EnableStuckDetection: true,
	}
}

// newCRetryConfig builds the C settings for one call, or returns a NULL handle (libtinker's
// defaults) for none. Range checks are libtinker's setters'; an error names the field.
func newCRetryConfig(c *RetryConfig) (raw.Tinker_retry_config, error) {
	if c == nil {
		return raw.SwigcptrTinker_retry_config(0), nil
	}
	var p uintptr
	if err := raw.Tinker_retry_config_new(&p); err != nil {
		return nil, fromRaw(err)
	}
	cc := raw.SwigcptrTinker_retry_config(p)
	setters := []struct {
		name string
		set  func() error
	}{
		{"max_connections", func() error { return raw.Tinker_retry_config_set_max_connections(cc, c.MaxConnections) }},
		{"progress_timeout", func() error {
			return raw.Tinker_retry_config_set_progress_timeout(cc, c.ProgressTimeout.Seconds())
		}},
		{"retry_delay_base", func() error {
			return raw.Tinker_retry_config_set_retry_delay_base(cc, c.RetryDelayBase.Seconds())
		}},
		{"retry_delay_max", func() error {
			return raw.Tinker_retry_config_set_retry_delay_max(cc, c.RetryDelayMax.Seconds())
		}},
		{"jitter_factor", func() error { return raw.Tinker_retry_config_set_jitter_factor(cc, c.JitterFactor) }},
		{"enable_retry_logic", func() error {
			return raw.Tinker_retry_config_set_enable_retry_logic(cc, boolInt(c.EnableRetryLogic))
		}},
		{"enable_stuck_detection", func() error {
			return raw.Tinker_retry_config_set_enable_stuck_detection(cc, boolInt(c.EnableStuckDetection))
		}},
	}
	for _, s := range setters {
		if err := s.set(); err != nil {
			raw.Tinker_retry_config_free(cc)
			return nil, within("retry config "+s.name, fromRaw(err))
		}
	}
	return cc, nil
}
