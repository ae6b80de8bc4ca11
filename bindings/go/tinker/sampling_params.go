package tinker

import (
	"fmt"

	"libtinker.dev/tinker/internal/raw"
)

// SamplingParams says how SamplingClient.Sample draws tokens (docs/protocol.md §7.7). Start from
// DefaultSamplingParams(): the zero value is not the defaults (its TopP of 0 is out of range, and
// a Temperature of 0 means greedy). libtinker's setters check every value when a call converts it.
type SamplingParams struct {
	// MaxTokens: the most tokens to generate per sample; >= 0. nil: the server's choice.
	MaxTokens *int
	// Seed makes sampling reproducible: the same weights, prompt, parameters and seed give the
	// same samples. nil: the server picks one per request.
	Seed *int64
	// Stop: a sample ends once its text ends with one of these strings (kept in the sample).
	// Cannot be combined with StopTokens.
	Stop []string
	// StopTokens: a sample ends after it emits one of these tokens (kept in the sample).
	// Cannot be combined with Stop.
	StopTokens []int32
	// Temperature: finite and >= 0 (0: the most likely token each time); default 1.
	Temperature float64
	// TopK: sample only among the k most likely tokens; -1 (the default) for no limit.
	TopK int
	// TopP: nucleus sampling, only among the most likely tokens whose probabilities add up to
	// TopP; in (0, 1], default 1.
	TopP float64
}

// DefaultSamplingParams returns libtinker's defaults: MaxTokens and Seed unset, no stop,
// Temperature 1, TopK -1 (no limit), TopP 1.
func DefaultSamplingParams() SamplingParams {
	return SamplingParams{Temperature: 1, TopK: -1, TopP: 1}
}

// WithMaxTokens returns a copy of p with MaxTokens set.
func (p SamplingParams) WithMaxTokens(n int) SamplingParams {
	p.MaxTokens = &n
	return p
}

// WithSeed returns a copy of p with Seed set.
func (p SamplingParams) WithSeed(seed int64) SamplingParams {
	p.Seed = &seed
	return p
}

// newCSamplingParams builds the C sampling parameters for one call, or a NULL handle (libtinker's
// defaults) for nil. Every field goes through its C setter, so an error names the Go field
// (SamplingParams.TopP: ...) with libtinker's check.
func newCSamplingParams(p *SamplingParams) (raw.Tinker_sampling_params, error) {
	if p == nil {
		return raw.SwigcptrTinker_sampling_params(0), nil
	}
	var h uintptr
	if err := raw.Tinker_sampling_params_new(&h); err != nil {
		return nil, fromRaw(err)
	}
	c := raw.SwigcptrTinker_sampling_params(h)
	if err := setCSamplingParams(c, p); err != nil {
		raw.Tinker_sampling_params_free(c)
		return nil, err
	}
	return c, nil
}

// setCSamplingParams applies each field of p in turn; the first refusal ends it.
func setCSamplingParams(c raw.Tinker_sampling_params, p *SamplingParams) error {
	set := func(field string, err error) error { return fromRawAs(err, "SamplingParams."+field) }
	if p.MaxTokens != nil {
		if err := set("MaxTokens", raw.Tinker_sampling_params_set_max_tokens(c, int64(*p.MaxTokens))); err != nil {
			return err
		}
	}
	if p.Seed != nil {
		if err := set("Seed", raw.Tinker_sampling_params_set_seed(c, *p.Seed)); err != nil {
			return err
		}
	}
	for i, s := range p.Stop {
		if err := set(fmt.Sprintf("Stop[%d]", i), raw.Tinker_sampling_params_add_stop_string(c, s)); err != nil {
			return err
		}
	}
	for i, t := range p.StopTokens {
		if err := set(fmt.Sprintf("StopTokens[%d]", i), raw.Tinker_sampling_params_add_stop_token(c, int(t))); err != nil {
			return err
		}
	}
	if err := set("Temperature", raw.Tinker_sampling_params_set_temperature(c, p.Temperature)); err != nil {
		return err
	}
	if err := set("TopK", raw.Tinker_sampling_params_set_top_k(c, int64(p.TopK))); err != nil {
		return err
	}
	return set("TopP", raw.Tinker_sampling_params_set_top_p(c, p.TopP))
}
