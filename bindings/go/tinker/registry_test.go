package tinker

import (
	"bytes"
	"errors"
	"go/format"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"libtinker.dev/tinker/internal/raw"
)

// Tests of what the registry generates (api/gen_go.py): the new operations, the new result
// fields and the Go names in errors. The builders' defaults are checked by builders_gen_test.go.

// errorMessage is an *Error's message without the "tinker: STATUS: " prefix.
func errorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestGeneratedFilesAreGofmtClean(t *testing.T) {
	files, err := filepath.Glob("*_gen*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no generated files here (%v)", err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if formatted, err := format.Source(src); err != nil || !bytes.Equal(formatted, src) {
			t.Errorf("%s is not gofmt-clean (%v): fix api/gen_go.py", f, err)
		}
	}
}

// ---- errors name the Go method, not the C function -------------------------------------------

func TestErrorsOfRegistryFunctionsNameTheGoMethod(t *testing.T) {
	var out uintptr
	null := raw.SwigcptrTinker_training_client(0)
	for _, tt := range []struct {
		err  error
		want string
	}{
		{raw.Tinker_training_client_get_info_async(null, &out), "TrainingClient.GetInfoAsync: client is NULL"},
		{raw.Tinker_training_client_get_info(null, &out), "TrainingClient.GetInfo: client is NULL"},
		{raw.Tinker_service_client_start_session(raw.SwigcptrTinker_service_client(0)), "ServiceClient.StartSession: client is NULL"},
		{raw.Tinker_adam_params_set_beta1(raw.SwigcptrTinker_adam_params(0), 0.5), "AdamParams.Beta1: params is NULL"},
	} {
		if got := errorMessage(fromRaw(tt.err)); got != tt.want {
			t.Errorf("message %q, want %q", got, tt.want)
		}
	}
	// A call made for a method names that method.
	if got := errorMessage(fromRawAs(raw.Tinker_training_client_get_info_async(null, &out), "TrainingClient.GetInfo")); got !=
		"TrainingClient.GetInfo: client is NULL" {
		t.Errorf("fromRawAs: %q", got)
	}
	// Messages that do not begin with a registry function stay as they are.
	for _, msg := range []string{"tinker_datum_add_tensor_int64: name 'weights' must be float32",
		"datum 0: tinker_training_client_get_info: x", "no colon", "Tinker_x: y"} {
		if got := goMessage(msg, ""); got != msg {
			t.Errorf("goMessage(%q) = %q", msg, got)
		}
	}
}

func TestBuilderSettersNameTheGoField(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{convErr(newCAdamParams(&AdamParams{Beta1: 1})), "AdamParams.Beta1: "},
		{convErr(newCLoraConfig(&LoraConfig{Rank: 0})), "LoraConfig.Rank: "},
		{convErr(newCRetryConfig(&RetryConfig{MaxConnections: 1, ProgressTimeout: -1})), "RetryConfig.ProgressTimeout: "},
	} {
		if CodeOf(tt.err) != StatusInvalidArgument || !strings.HasPrefix(errorMessage(tt.err), tt.want) ||
			strings.Contains(errorMessage(tt.err), "tinker_") {
			t.Errorf("%v, want TINKER_E_INVALID_ARGUMENT beginning %q", tt.err, tt.want)
		}
	}
}

// convErr is a conversion's error (the handle, if any, is freed).
func convErr[P interface{ Swigcptr() uintptr }](p P, err error) error {
	if err == nil {
		switch h := any(p).(type) {
		case raw.Tinker_adam_params:
			raw.Tinker_adam_params_free(h)
		case raw.Tinker_lora_config:
			raw.Tinker_lora_config_free(h)
		case raw.Tinker_retry_config:
			raw.Tinker_retry_config_free(h)
		}
	}
	return err
}

// The blocking method and its Async twin call the same C function; each error names the method
// that was called.
func TestOperationErrorsNameTheMethodCalled(t *testing.T) {
	c := newClient(t)
	ctx := testContext(t)
	tc := newTrainer(t, c, 4, 60)
	asyncErr := func(f interface{ Close() }, err error) error {
		if err == nil {
			f.Close()
		}
		return err
	}
	for _, tt := range []struct {
		err  error
		want string
	}{
		{errOf(tc.SaveState(ctx, "a/b")), "TrainingClient.SaveState: name must be non-empty and contain no '/'"},
		{asyncErr(tc.SaveStateAsync("")), "TrainingClient.SaveStateAsync: name must be non-empty and contain no '/'"},
		{errOf(tc.SaveWeightsForSampler(ctx, "")), "TrainingClient.SaveWeightsForSampler: name must be non-empty and contain no '/'"},
		{errOf(tc.LoadStateWithOptimizer(ctx, "/tmp/x")), "TrainingClient.LoadStateWithOptimizer: path must start with tinker://"},
		{asyncErr(tc.CreateSamplingClientAsync("x")), "TrainingClient.CreateSamplingClientAsync: model_path must start with tinker://"},
		{errOf(c.CreateTrainingClientFromState(ctx, "weights")), "ServiceClient.CreateTrainingClientFromState: path must start with tinker://"},
		{errOf(tc.OptimStep(ctx, AdamParams{Beta2: 2})), "TrainingClient.OptimStep: AdamParams.Beta2: value must be in [0, 1), got 2"},
		{asyncErr(tc.SaveStateAsync("x", WithTTL(-1))), "TrainingClient.SaveStateAsync: WithTTL(-1ns) is negative"},
	} {
		if CodeOf(tt.err) != StatusInvalidArgument || errorMessage(tt.err) != tt.want {
			t.Errorf("%v, want TINKER_E_INVALID_ARGUMENT %q", tt.err, tt.want)
		}
	}
	tc.Close()
	if _, err := tc.GetInfo(ctx); CodeOf(err) != StatusFailedPrecondition ||
		errorMessage(err) != "TrainingClient.GetInfo: use of a closed libtinker handle" {
		t.Errorf("GetInfo on a closed client = %v", err)
	}
}

func errOf[T any](_ T, err error) error { return err }

// ---- operations that were C-only -------------------------------------------------------------

func TestStartSessionCreatesTheSession(t *testing.T) {
	ctx := testContext(t)
	c := newClient(t)
	if id := c.SessionID(); id != "" {
		t.Fatalf("SessionID before any operation = %q", id)
	}
	if err := c.StartSession(ctx); err != nil {
		t.Fatalf("StartSession: %v", err)
	}
	id := c.SessionID()
	if id == "" {
		t.Fatalf("no session after StartSession")
	}
	if err := c.StartSession(ctx); err != nil || c.SessionID() != id {
		t.Fatalf("StartSession again = %v, session %q → %q", err, id, c.SessionID())
	}
	tc := newTrainer(t, c, 4, 61) // uses the session
	if c.SessionID() != id || tc.ModelID() == "" {
		t.Fatalf("session %q → %q after a training client", id, c.SessionID())
	}

	other := newClient(t)
	awaited(other.StartSessionAsync()).ok(t, "StartSessionAsync")
	if other.SessionID() == "" || other.SessionID() == id {
		t.Fatalf("StartSessionAsync: session %q (the first client has %q)", other.SessionID(), id)
	}

	rejected := newClient(t, WithAPIKey("eyJub3QiOiJpc3N1ZWQifQ.e30.c2ln"))
	if err := rejected.StartSession(ctx); CodeOf(err) != StatusUnauthenticated {
		t.Fatalf("StartSession with a key the server rejects = %v, want TINKER_E_UNAUTHENTICATED", err)
	}
	if rejected.SessionID() != "" {
		t.Fatalf("a failed start left session %q", rejected.SessionID())
	}
}

// The two phases by hand equal ForwardBackwardCustom: the same logprobs in, the same result out,
// and the same training effect as cross_entropy.
func TestCustomLossInTwoPhases(t *testing.T) {
	c := newClient(t)
	ctx := testContext(t)
	phased := newTrainer(t, c, 8, 62)
	plain := newTrainer(t, c, 8, 62)
	unweighted, weights := customBatch(false)
	weighted, _ := customBatch(true)
	before := must(plain.Forward(ctx, weighted, "cross_entropy", nil)).ok(t, "Forward")

	step := must(phased.ForwardBackwardCustomBegin(ctx, unweighted)).ok(t, "ForwardBackwardCustomBegin")
	defer step.Close()
	logprobs := must(step.Logprobs()).ok(t, "Logprobs")
	if d := maxLogprobDiff(&ForwardBackwardOutput{Outputs: outputsOf(logprobs)}, before); d > 1e-6 {
		t.Fatalf("the step's logprobs differ from forward's by %v", d)
	}
	ce := &crossEntropy{weights: weights}
	loss := must(ce.loss(unweighted, logprobs)).ok(t, "loss")
	if _, err := phased.ForwardBackwardCustomFinish(ctx, step); CodeOf(err) != StatusInvalidArgument {
		t.Fatalf("Finish without gradients = %v, want TINKER_E_INVALID_ARGUMENT", err)
	}
	for i, g := range loss.Gradients {
		if err := step.SetGradient(i, g); err != nil {
			t.Fatalf("SetGradient(%d): %v", i, err)
		}
	}
	if err := step.SetGradient(0, []float32{1}); CodeOf(err) != StatusInvalidArgument ||
		!strings.HasPrefix(errorMessage(err), "CustomLossStep.SetGradient: ") {
		t.Fatalf("SetGradient of the wrong length = %v", err)
	}
	if err := step.SetLoss(loss.Loss); err != nil {
		t.Fatalf("SetLoss: %v", err)
	}
	if err := step.AddMetric("phase_metric", 3); err != nil {
		t.Fatalf("AddMetric: %v", err)
	}
	out := must(phased.ForwardBackwardCustomFinish(ctx, step)).ok(t, "ForwardBackwardCustomFinish")
	want := must(plain.ForwardBackward(ctx, weighted, "cross_entropy", nil)).ok(t, "ForwardBackward")
	if got, w := out.Metrics["loss:sum"], want.Metrics["loss:sum"]; math.Abs(got-w) > 1e-5*w || out.Metrics["phase_metric"] != 3 {
		t.Fatalf("metrics %v, want loss:sum %v and phase_metric 3", out.Metrics, w)
	}
	if _, err := phased.ForwardBackwardCustomFinish(ctx, step); CodeOf(err) != StatusFailedPrecondition {
		t.Fatalf("finishing a step twice = %v, want TINKER_E_FAILED_PRECONDITION", err)
	}
	if n := forwardBackwardRequests(t, phased.ModelID()); n != 2 {
		t.Fatalf("%d forward/backward requests, want 2 (one per phase)", n)
	}
	adam := DefaultAdamParams()
	adam.LearningRate = 0.05
	must(phased.OptimStep(ctx, adam)).ok(t, "OptimStep")
	must(plain.OptimStep(ctx, adam)).ok(t, "OptimStep")
	if d := maxLogprobDiff(must(phased.Forward(ctx, weighted, "cross_entropy", nil)).ok(t, "Forward"),
		must(plain.Forward(ctx, weighted, "cross_entropy", nil)).ok(t, "Forward")); d > 1e-5 {
		t.Fatalf("after optim_step the twins' logprobs differ by %v", d)
	}
}

func outputsOf(logprobs [][]float32) []map[string]Tensor {
	out := make([]map[string]Tensor, len(logprobs))
	for i, lp := range logprobs {
		out[i] = map[string]Tensor{"logprobs": Float32Tensor(lp)}
	}
	return out
}

// The Async phases: the step may be closed as soon as the Finish future exists; a closed or nil
// step is refused before anything is sent.
func TestCustomLossPhasesAsync(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 63)
	data, weights := customBatch(false)
	step := awaited(tc.ForwardBackwardCustomBeginAsync(data)).ok(t, "ForwardBackwardCustomBeginAsync")
	fwd := must(step.ForwardOutput()).ok(t, "ForwardOutput")
	logprobs := must(step.Logprobs()).ok(t, "Logprobs")
	if len(fwd.Outputs) != len(data) || len(logprobs) != len(data) {
		t.Fatalf("forward output of %d datums, %d logprobs, want %d", len(fwd.Outputs), len(logprobs), len(data))
	}
	loss := must((&crossEntropy{weights: weights}).loss(data, logprobs)).ok(t, "loss")
	for i, g := range loss.Gradients {
		if err := step.SetGradient(i, g); err != nil {
			t.Fatalf("SetGradient(%d): %v", i, err)
		}
	}
	if err := step.AddMetric("custom_metric", 7.5); err != nil {
		t.Fatalf("AddMetric: %v", err)
	}
	f, err := tc.ForwardBackwardCustomFinishAsync(step)
	if err != nil {
		t.Fatalf("ForwardBackwardCustomFinishAsync: %v", err)
	}
	step.Close()
	step.Close()
	out := awaited(f, nil).ok(t, "ForwardBackwardCustomFinishAsync")
	if out.Metrics["custom_metric"] != 7.5 {
		t.Fatalf("metrics %v", out.Metrics)
	}
	if _, err := step.Logprobs(); CodeOf(err) != StatusFailedPrecondition ||
		errorMessage(err) != "CustomLossStep.ForwardOutput: use of a closed libtinker handle" {
		t.Fatalf("Logprobs of a closed step = %v", err)
	}
	if _, err := tc.ForwardBackwardCustomFinish(testContext(t), step); CodeOf(err) != StatusFailedPrecondition {
		t.Fatalf("Finish with a closed step = %v", err)
	}
	if _, err := tc.ForwardBackwardCustomFinishAsync(nil); CodeOf(err) != StatusInvalidArgument {
		t.Fatalf("Finish with a nil step = %v", err)
	}
	if n := forwardBackwardRequests(t, tc.ModelID()); n != 2 {
		t.Fatalf("%d forward/backward requests, want 2", n)
	}
}

// ---- result fields the registry added ---------------------------------------------------------

func TestSaveAndLoadResultsCarryEveryRegistryField(t *testing.T) {
	c := newClient(t)
	ctx := testContext(t)
	tc := newTrainer(t, c, 4, 64)
	saved := must(tc.SaveState(ctx, "fields")).ok(t, "SaveState")
	sampler := awaited(tc.SaveWeightsForSamplerAsync("fields")).ok(t, "SaveWeightsForSamplerAsync")
	for _, r := range []*SaveResult{saved, sampler} {
		// Named saves make no sampling session.
		if r.SamplingSessionID != "" || !strings.Contains(r.JSON, `"path"`) || strings.Contains(r.JSON, "sampling_session_id") {
			t.Errorf("save result %+v", r)
		}
	}
	target := newTrainer(t, c, 4, 65)
	for _, r := range []*LoadResult{
		must(target.LoadState(ctx, saved.Path)).ok(t, "LoadState"),
		awaited(target.LoadStateWithOptimizerAsync(saved.Path)).ok(t, "LoadStateWithOptimizerAsync"),
	} {
		if r.Path != saved.Path || r.ModelID != target.ModelID() || !strings.Contains(r.JSON, `"model_id"`) {
			t.Errorf("load result %+v, want path %s into %s", r, saved.Path, target.ModelID())
		}
	}
	info := must(tc.GetInfo(ctx)).ok(t, "GetInfo")
	step := must(tc.OptimStep(ctx, DefaultAdamParams())).ok(t, "OptimStep")
	caps := must(c.GetServerCapabilities(ctx)).ok(t, "GetServerCapabilities")
	for what, j := range map[string]string{"model info": info.JSON, "optim step": step.JSON, "capabilities": caps.JSON} {
		if !strings.HasPrefix(j, "{") {
			t.Errorf("%s JSON %q", what, j)
		}
	}
	if !strings.Contains(info.JSON, `"model_id"`) || len(caps.Models) == 0 {
		t.Errorf("info %+v, capabilities %+v", info, caps)
	}
}

// Every option is refused by the operations that do not take it, naming the method.
func TestOptionsNameTheMethod(t *testing.T) {
	c := newClient(t)
	_, err := c.CreateLoraTrainingClientAsync(tinyModel, WithOverwrite())
	if want := "ServiceClient.CreateLoraTrainingClientAsync does not take WithOverwrite (it takes: WithLora, WithRunMetadata)"; errorMessage(err) != want {
		t.Fatalf("= %v, want %q", err, want)
	}
	tc, err := c.CreateLoraTrainingClient(testContext(t), tinyModel, nil, WithLora(DefaultLoraConfig().WithSeed(3)))
	if err != nil {
		t.Fatalf("a nil option is ignored: %v", err)
	}
	tc.Close()
}

// P3 from Go: the sampler's base model, blocking and async; a sampler the server does not know
// fails with StatusNotFound.
func TestGetBaseModelAsksTheServer(t *testing.T) {
	ctx := testContext(t)
	sc := must(newTrainer(t, newClient(t), 4, 44).SaveWeightsAndGetSamplingClient(ctx)).ok(t, "SaveWeightsAndGetSamplingClient")
	defer sc.Close()
	for _, got := range []string{must(sc.GetBaseModel(ctx)).ok(t, "GetBaseModel"),
		awaited(sc.GetBaseModelAsync()).ok(t, "GetBaseModelAsync")} {
		if got != tinyModel {
			t.Errorf("base model %q, want %q", got, tinyModel)
		}
	}
	emulatorPost(t, "/_emulator/faults", `{"path": "/api/v1/samplers/`+sc.SamplingSessionID()+`", "status": 404, "action": "status"}`)
	var e *Error
	if _, err := sc.GetBaseModel(ctx); !errors.As(err, &e) || e.Code != StatusNotFound {
		t.Errorf("unknown sampler: %v, want StatusNotFound", err)
	}
}
