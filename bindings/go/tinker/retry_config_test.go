package tinker

import (
	"math"
	"strings"
	"testing"
	"time"

	"libtinker.dev/tinker/internal/raw"
)

// outOfRangeRetryConfigs are DefaultRetryConfig with one field out of the registry's range, and
// the field the error must name (the setter's Go name, not tinker_retry_config_set_...).
func outOfRangeRetryConfigs() []struct {
	field string
	cfg   RetryConfig
} {
	type tc = struct {
		field string
		cfg   RetryConfig
	}
	var out []tc
	add := func(field string, change func(*RetryConfig)) {
		c := DefaultRetryConfig()
		change(&c)
		out = append(out, tc{field, c})
	}
	add("RetryConfig.JitterFactor", func(c *RetryConfig) { c.JitterFactor = 2 })
	add("RetryConfig.JitterFactor", func(c *RetryConfig) { c.JitterFactor = -0.1 })
	add("RetryConfig.JitterFactor", func(c *RetryConfig) { c.JitterFactor = math.NaN() })
	add("RetryConfig.ProgressTimeout", func(c *RetryConfig) { c.ProgressTimeout = 0 })
	add("RetryConfig.ProgressTimeout", func(c *RetryConfig) { c.ProgressTimeout = -time.Second })
	add("RetryConfig.MaxConnections", func(c *RetryConfig) { c.MaxConnections = 0 })
	add("RetryConfig.RetryDelayBase", func(c *RetryConfig) { c.RetryDelayBase = -time.Millisecond })
	add("RetryConfig.RetryDelayMax", func(c *RetryConfig) { c.RetryDelayMax = -time.Second })
	return out
}

func TestRetryConfigRangesAreChecked(t *testing.T) {
	for _, tt := range outOfRangeRetryConfigs() {
		c := tt.cfg
		_, err := newCRetryConfig(&c)
		if CodeOf(err) != StatusInvalidArgument || !strings.HasPrefix(errorMessage(err), tt.field+": ") {
			t.Errorf("%+v: %v, want TINKER_E_INVALID_ARGUMENT naming %s", tt.cfg, err, tt.field)
		}
	}
	if _, err := newCRetryConfig(&RetryConfig{}); CodeOf(err) != StatusInvalidArgument {
		t.Errorf("the zero RetryConfig: %v, want TINKER_E_INVALID_ARGUMENT (it is not the defaults)", err)
	}
	// The edges of each range are accepted.
	edge := RetryConfig{MaxConnections: 1, ProgressTimeout: time.Nanosecond, JitterFactor: 1}
	for _, c := range []RetryConfig{DefaultRetryConfig(), edge} {
		cc, err := newCRetryConfig(&c)
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		raw.Tinker_retry_config_free(cc)
	}
	if cc, err := newCRetryConfig(nil); err != nil || cc.Swigcptr() != 0 {
		t.Errorf("no retry config = (%v, %v), want a NULL handle", cc, err)
	}
}

// requestsTo counts the emulator's logged requests to path (for modelID, or all when "").
func requestsTo(t *testing.T, path, modelID string) int {
	t.Helper()
	var log struct {
		Entries []struct {
			ModelID *string `json:"model_id"`
		} `json:"entries"`
	}
	emulatorGet(t, "/_emulator/log?path="+path, &log)
	n := 0
	for _, e := range log.Entries {
		if modelID == "" || (e.ModelID != nil && *e.ModelID == modelID) {
			n++
		}
	}
	return n
}

// Every form of T10 and T11 takes retry settings and opens a sampling session with them.
func TestSamplingClientsAcceptARetryConfig(t *testing.T) {
	c := newClient(t)
	ctx := testContext(t)
	tc := newTrainer(t, c, 4, 43)
	path := must(tc.SaveWeightsForSampler(ctx, "with-retry")).ok(t, "SaveWeightsForSampler").Path
	cfg := RetryConfig{MaxConnections: 8, ProgressTimeout: 90 * time.Second, RetryDelayBase: 0,
		RetryDelayMax: 2 * time.Second, JitterFactor: 0, EnableRetryLogic: false, EnableStuckDetection: false}
	opened := []*SamplingClient{
		must(tc.CreateSamplingClient(ctx, path, WithRetryConfig(cfg))).ok(t, "CreateSamplingClient"),
		awaited(tc.CreateSamplingClientAsync(path, WithRetryConfig(DefaultRetryConfig()))).ok(t, "CreateSamplingClientAsync"),
		must(tc.SaveWeightsAndGetSamplingClient(ctx, WithRetryConfig(cfg))).ok(t, "SaveWeightsAndGetSamplingClient"),
		awaited(tc.SaveWeightsAndGetSamplingClientAsync(WithRetryConfig(cfg))).ok(t, "SaveWeightsAndGetSamplingClientAsync"),
	}
	seen := map[string]bool{}
	for i, sc := range opened {
		defer sc.Close()
		id := sc.SamplingSessionID()
		if !strings.Contains(id, ":sample:") || seen[id] {
			t.Errorf("sampling client %d: session id %q, want a new sampling session", i, id)
		}
		seen[id] = true
	}
}

// An out-of-range value fails every form with StatusInvalidArgument naming the field, before a
// request is sent.
func TestOutOfRangeRetryConfigFailsBeforeAnyRequest(t *testing.T) {
	c := newClient(t)
	ctx := testContext(t)
	tc := newTrainer(t, c, 4, 44)
	path := must(tc.SaveWeightsForSampler(ctx, "bad-retry")).ok(t, "SaveWeightsForSampler").Path
	sessionsBefore := requestsTo(t, "/api/v1/create_sampling_session", "")
	savesBefore := requestsTo(t, "/api/v1/save_weights_for_sampler", tc.ModelID())
	for _, tt := range outOfRangeRetryConfigs() {
		opt := WithRetryConfig(tt.cfg)
		calls := map[string]func() error{
			"CreateSamplingClient": func() error { _, err := tc.CreateSamplingClient(ctx, path, opt); return err },
			"CreateSamplingClientAsync": func() error {
				f, err := tc.CreateSamplingClientAsync(path, opt)
				if f != nil {
					f.Close()
				}
				return err
			},
			"SaveWeightsAndGetSamplingClient": func() error { _, err := tc.SaveWeightsAndGetSamplingClient(ctx, opt); return err },
			"SaveWeightsAndGetSamplingClientAsync": func() error {
				f, err := tc.SaveWeightsAndGetSamplingClientAsync(opt)
				if f != nil {
					f.Close()
				}
				return err
			},
		}
		for name, call := range calls {
			err := call()
			if want := "TrainingClient." + name + ": " + tt.field + ": "; CodeOf(err) != StatusInvalidArgument ||
				!strings.HasPrefix(errorMessage(err), want) {
				t.Errorf("%s with %+v = %v, want TINKER_E_INVALID_ARGUMENT beginning %q", name, tt.cfg, err, want)
			}
		}
	}
	if n := requestsTo(t, "/api/v1/create_sampling_session", ""); n != sessionsBefore {
		t.Errorf("%d create_sampling_session requests were sent", n-sessionsBefore)
	}
	if n := requestsTo(t, "/api/v1/save_weights_for_sampler", tc.ModelID()); n != savesBefore {
		t.Errorf("%d save_weights_for_sampler requests were sent", n-savesBefore)
	}
	// WithRetryConfig belongs to the sampling-client operations only.
	if _, err := tc.SaveWeightsForSampler(ctx, "x", WithRetryConfig(DefaultRetryConfig())); CodeOf(err) != StatusInvalidArgument ||
		!strings.Contains(err.Error(), "WithRetryConfig") {
		t.Errorf("SaveWeightsForSampler(WithRetryConfig) = %v", err)
	}
	if _, err := tc.CreateSamplingClient(ctx, path, WithTTL(time.Hour)); CodeOf(err) != StatusInvalidArgument {
		t.Errorf("CreateSamplingClient(WithTTL) = %v", err)
	}
}
