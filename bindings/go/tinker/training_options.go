package tinker

import (
	"strings"
	"time"
)

// TrainingOption is an optional parameter of the operations that create training or sampling
// clients and save or load checkpoints. Each operation lists the options it takes; any other fails the call
// with StatusInvalidArgument before anything is sent.
type TrainingOption func(*trainingSettings)

type trainingSettings struct {
	given       []string // option names, in the order given
	lora        *LoraConfig
	metadata    map[string]string
	baseModel   string
	accessToken string
	ttl         time.Duration
	overwrite   bool
	retry       *RetryConfig
}

// WithLora sets the adapter of a new training run (CreateLoraTrainingClient; default
// DefaultLoraConfig()).
func WithLora(c LoraConfig) TrainingOption {
	return func(s *trainingSettings) { s.note("WithLora"); s.lora = &c }
}

// WithRunMetadata attaches user metadata to a new training run (CreateLoraTrainingClient,
// CreateTrainingClientFromState[WithOptimizer]). Repeated options merge; later values win.
func WithRunMetadata(m map[string]string) TrainingOption {
	return func(s *trainingSettings) {
		s.note("WithRunMetadata")
		if s.metadata == nil {
			s.metadata = map[string]string{}
		}
		for k, v := range m {
			s.metadata[k] = v
		}
	}
}

// WithBaseModel overrides the checkpoint's base model (CreateTrainingClientFromState[WithOptimizer]).
func WithBaseModel(name string) TrainingOption {
	return func(s *trainingSettings) { s.note("WithBaseModel"); s.baseModel = name }
}

// WithWeightsAccessToken lets another account's credential authorise reading a checkpoint
// (CreateTrainingClientFromState[WithOptimizer], LoadState[WithOptimizer]).
func WithWeightsAccessToken(token string) TrainingOption {
	return func(s *trainingSettings) { s.note("WithWeightsAccessToken"); s.accessToken = token }
}

// WithTTL makes a saved checkpoint expire after d, rounded up to whole seconds (SaveState,
// SaveWeightsForSampler; default: never). d must not be negative.
func WithTTL(d time.Duration) TrainingOption {
	return func(s *trainingSettings) { s.note("WithTTL"); s.ttl = d }
}

// WithOverwrite replaces a training checkpoint of the same name (SaveState; without it the
// name in use fails with StatusAlreadyExists).
func WithOverwrite() TrainingOption {
	return func(s *trainingSettings) { s.note("WithOverwrite"); s.overwrite = true }
}

// WithRetryConfig sets the retry settings of a new sampling client (CreateSamplingClient,
// SaveWeightsAndGetSamplingClient; default DefaultRetryConfig()). A value out of range fails the
// call with StatusInvalidArgument, naming the field, before anything is sent.
func WithRetryConfig(c RetryConfig) TrainingOption {
	return func(s *trainingSettings) { s.note("WithRetryConfig"); s.retry = &c }
}

func (s *trainingSettings) note(name string) { s.given = append(s.given, name) }

// trainingOptions applies opts for operation op, which accepts the options named in allowed.
func trainingOptions(op string, opts []TrainingOption, allowed ...string) (*trainingSettings, error) {
	s := &trainingSettings{}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	for _, name := range s.given {
		ok := false
		for _, a := range allowed {
			ok = ok || a == name
		}
		if !ok {
			return nil, invalidInput("%s does not take %s (it takes: %s)", op, name, strings.Join(allowed, ", "))
		}
	}
	if s.ttl < 0 {
		return nil, invalidInput("%s: WithTTL(%v) is negative", op, s.ttl)
	}
	return s, nil
}

// ttlSeconds is the TTL as tinker.h wants it: whole seconds, 0 = never.
func (s *trainingSettings) ttlSeconds() int64 {
	secs := int64(s.ttl / time.Second)
	if s.ttl%time.Second != 0 {
		secs++
	}
	return secs
}
