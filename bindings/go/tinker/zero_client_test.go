package tinker

import (
	"context"
	"errors"
	"testing"
)

// unset checks that a method of a zero-value or nil client failed, not panicked, with
// StatusFailedPrecondition and a message naming the method.
func unset(t *testing.T, what string, call func() error) {
	t.Helper()
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("%s panicked: %v", what, r)
			}
		}()
		err = call()
	}()
	if err == nil {
		t.Errorf("%s: no error", what)
		return
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != StatusFailedPrecondition {
		t.Errorf("%s: %v, want StatusFailedPrecondition", what, err)
	}
}

func TestZeroValueAndNilClientsFailWithoutPanicking(t *testing.T) {
	ctx := context.Background()
	var zs ServiceClient
	var ns *ServiceClient
	for name, c := range map[string]*ServiceClient{"zero ServiceClient": &zs, "nil *ServiceClient": ns} {
		unset(t, name+".HealthCheck", func() error { return c.HealthCheck(ctx) })
		unset(t, name+".GetServerCapabilitiesAsync", func() error { _, err := c.GetServerCapabilitiesAsync(); return err })
		unset(t, name+".CreateLoraTrainingClient", func() error {
			_, err := c.CreateLoraTrainingClient(ctx, tinyModel)
			return err
		})
		unset(t, name+".CreateRestClient", func() error { _, err := c.CreateRestClient(); return err })
		if id := c.SessionID(); id != "" {
			t.Errorf("%s.SessionID() = %q", name, id)
		}
		c.Close()
		c.Close()
	}

	var zt TrainingClient
	var nt *TrainingClient
	for name, tc := range map[string]*TrainingClient{"zero TrainingClient": &zt, "nil *TrainingClient": nt} {
		unset(t, name+".OptimStep", func() error { _, err := tc.OptimStep(ctx, DefaultAdamParams()); return err })
		unset(t, name+".ForwardBackwardAsync", func() error {
			_, err := tc.ForwardBackwardAsync(nil, "cross_entropy", nil)
			return err
		})
		unset(t, name+".ForwardBackwardCustom", func() error {
			_, err := tc.ForwardBackwardCustom(ctx, []Datum{{ModelInput: TextInput([]int32{1})}},
				(&crossEntropy{}).loss)
			return err
		})
		unset(t, name+".SaveState", func() error { _, err := tc.SaveState(ctx, "x"); return err })
		if id := tc.ModelID(); id != "" {
			t.Errorf("%s.ModelID() = %q", name, id)
		}
		tc.Close()
	}

	var zsc SamplingClient
	var nsc *SamplingClient
	for name, sc := range map[string]*SamplingClient{"zero SamplingClient": &zsc, "nil *SamplingClient": nsc} {
		unset(t, name+".Sample", func() error {
			_, err := sc.Sample(ctx, TextInput([]int32{1}), 1, DefaultSamplingParams())
			return err
		})
		unset(t, name+".GetBaseModelAsync", func() error { _, err := sc.GetBaseModelAsync(); return err })
		if id := sc.SamplingSessionID(); id != "" {
			t.Errorf("%s.SamplingSessionID() = %q", name, id)
		}
		sc.Close()
	}

	var zr RestClient
	var nr *RestClient
	for name, rc := range map[string]*RestClient{"zero RestClient": &zr, "nil *RestClient": nr} {
		unset(t, name+".Whoami", func() error { _, err := rc.Whoami(ctx); return err })
		unset(t, name+".ListCheckpoints", func() error { _, err := rc.ListCheckpoints(ctx, "run"); return err })
		unset(t, name+".AllTrainingRuns", func() error {
			it := rc.AllTrainingRuns(ctx, 0)
			if it.Next() {
				t.Errorf("%s.AllTrainingRuns yielded a run", name)
			}
			return it.Err()
		})
		rc.Close()
	}
}
