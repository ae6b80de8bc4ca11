package tinker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// The emulator's tiny real model: a bigram LM over byte tokens (vocabulary 256).
const tinyModel = "tinker-emulator/tiny-bigram"

func newTrainer(t *testing.T, c *ServiceClient, rank int32, seed int64, opts ...TrainingOption) *TrainingClient {
	t.Helper()
	lora := DefaultLoraConfig().WithSeed(seed)
	lora.Rank = rank
	tc, err := c.CreateLoraTrainingClient(testContext(t), tinyModel, append([]TrainingOption{WithLora(lora)}, opts...)...)
	if err != nil {
		t.Fatalf("CreateLoraTrainingClient: %v", err)
	}
	t.Cleanup(tc.Close)
	return tc
}

// nextToken trains text's bytes as next-token prediction: input[i] predicts text[i+1]. nil
// weights: no "weights" input.
func nextToken(text string, weights []float32) Datum {
	n := len(text) - 1
	in, target := make([]int32, n), make([]int64, n)
	for i := 0; i < n; i++ {
		in[i], target[i] = int32(text[i]), int64(text[i+1])
	}
	d := Datum{ModelInput: TextInput(in), LossFnInputs: map[string]Tensor{"target_tokens": Int64Tensor(target)}}
	if weights != nil {
		d.LossFnInputs["weights"] = Float32Tensor(weights)
	}
	return d
}

func ones(n int) []float32 {
	w := make([]float32, n)
	for i := range w {
		w[i] = 1
	}
	return w
}

var corpus = []string{"the cat sat on the mat.", "the dog sat on the log.", "a cat and a dog sat together.",
	"the mat was on the floor.", "the log was by the fire."}

// corpusBatch is the corpus with unit weights, and its number of target tokens.
func corpusBatch() ([]Datum, int) {
	var data []Datum
	tokens := 0
	for _, s := range corpus {
		data = append(data, nextToken(s, ones(len(s)-1)))
		tokens += len(s) - 1
	}
	return data, tokens
}

// outcome is a call's (value, error), checked in one line: must(tc.Forward(...)).ok(t, "Forward").
type outcome[T any] struct {
	v   T
	err error
}

func must[T any](v T, err error) outcome[T] { return outcome[T]{v, err} }

// awaited waits for an async call's future and closes it.
func awaited[T any](f *Future[T], err error) outcome[T] {
	if err != nil {
		return outcome[T]{err: err}
	}
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	v, err := f.Wait(ctx)
	return outcome[T]{v, err}
}

func (o outcome[T]) ok(t *testing.T, what string) T {
	t.Helper()
	if o.err != nil {
		t.Fatalf("%s: %v", what, o.err)
	}
	return o.v
}

// maxLogprobDiff compares two outputs datum by datum; +Inf when their shapes differ.
func maxLogprobDiff(a, b *ForwardBackwardOutput) float64 {
	if len(a.Outputs) != len(b.Outputs) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a.Outputs {
		x, y := a.Logprobs(i), b.Logprobs(i)
		if len(x) != len(y) || len(x) == 0 {
			return math.Inf(1)
		}
		for j := range x {
			d = math.Max(d, math.Abs(float64(x[j])-float64(y[j])))
		}
	}
	return d
}

// emulatorGet decodes a JSON answer of the emulator's admin API (docs/emulator.md).
func emulatorGet(t *testing.T, path string, v any) {
	t.Helper()
	resp, err := http.Get(strings.TrimRight(os.Getenv("TINKER_BASE_URL"), "/") + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// emulatorPost sends a JSON body to the emulator's admin API.
func emulatorPost(t *testing.T, path, body string) {
	t.Helper()
	resp, err := http.Post(strings.TrimRight(os.Getenv("TINKER_BASE_URL"), "/")+path, "application/json",
		strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: HTTP %d", path, resp.StatusCode)
	}
}

// forwardBackwardRequests counts the forward / forward_backward requests the emulator received
// for a model.
func forwardBackwardRequests(t *testing.T, modelID string) int {
	t.Helper()
	return loggedRequests(t, "/api/v1/forward_backward", "model_id", modelID)
}

// loggedRequests counts the requests to `path` in the emulator's request log whose `field` (a
// key of a log entry, e.g. "model_id") is `value`.
func loggedRequests(t *testing.T, path, field, value string) int {
	t.Helper()
	var log struct {
		Entries []map[string]any `json:"entries"`
	}
	emulatorGet(t, "/_emulator/log?path="+path, &log)
	n := 0
	for _, e := range log.Entries {
		if v, ok := e[field].(string); ok && v == value {
			n++
		}
	}
	return n
}

// userError asserts that err is the server's user-category failure of an accepted request
// (TINKER_E_REQUEST_FAILED) whose message contains want.
func userError(t *testing.T, what string, err error, want string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%s = %v, want a *tinker.Error", what, err)
	}
	if e.Code != StatusRequestFailed || e.Category != CategoryUser || !strings.Contains(e.Message, want) {
		t.Fatalf("%s = %v (category %v), want TINKER_E_REQUEST_FAILED, category user and a message containing %q",
			what, err, e.Category, want)
	}
}

// ---- the learning loop ------------------------------------------------------------------------

func TestTrainingLoopLossFalls(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 8, 1)
	data, tokens := corpusBatch()
	adam := DefaultAdamParams()
	adam.LearningRate = 0.05
	var first, last float64
	for step := 0; step < 20; step++ {
		// Both submitted before either is awaited: the server runs them in order.
		fb, err := tc.ForwardBackwardAsync(data, "cross_entropy", nil)
		if err != nil {
			t.Fatalf("step %d: ForwardBackwardAsync: %v", step, err)
		}
		opt, err := tc.OptimStepAsync(adam)
		if err != nil {
			fb.Close()
			t.Fatalf("step %d: OptimStepAsync: %v", step, err)
		}
		out := awaited(fb, nil).ok(t, "forward_backward")
		res := awaited(opt, nil).ok(t, "optim_step")
		if res.Metrics["grad_norm:mean"] <= 0 {
			t.Fatalf("step %d: optim metrics %v", step, res.Metrics)
		}
		loss := out.Metrics["loss:sum"] / float64(tokens)
		if step == 0 {
			first = loss
		}
		last = loss
	}
	t.Logf("loss per token: %.4f → %.4f", first, last)
	if !(last < 0.5*first) {
		t.Fatalf("loss per token went from %.4f to %.4f in 20 steps; want a clear fall", first, last)
	}
}

// ---- inputs -----------------------------------------------------------------------------------

func TestModelInputLengthCountsEveryChunk(t *testing.T) {
	m := ModelInput{Chunks: []Chunk{
		EncodedText{Tokens: []int32{1, 2, 3}},
		EncodedTextInt64{Tokens: []int64{4, 5}},
		Image{Data: []byte{0x89, 'P', 'N', 'G'}, Format: "png", ExpectedTokens: 7},
		ImageAssetPointer{Location: "https://example.com/a.png", Format: "png", ExpectedTokens: 4},
	}}
	if n, err := m.Length(); err != nil || n != 16 {
		t.Fatalf("Length = (%d, %v), want 16", n, err)
	}
	unknown := ModelInput{Chunks: []Chunk{EncodedText{Tokens: []int32{1}},
		Image{Data: []byte{1}, Format: "jpeg", ExpectedTokens: UnknownTokens}}}
	if _, err := unknown.Length(); CodeOf(err) != StatusFailedPrecondition {
		t.Fatalf("Length with an image of unknown length = %v, want TINKER_E_FAILED_PRECONDITION", err)
	}
	bad := ModelInput{Chunks: []Chunk{EncodedText{Tokens: []int32{1}}, Image{Data: []byte{1}, Format: "gif", ExpectedTokens: 1}}}
	if _, err := bad.Length(); CodeOf(err) != StatusInvalidArgument || !strings.Contains(err.Error(), "chunk 1") {
		t.Fatalf("Length with a gif chunk = %v, want TINKER_E_INVALID_ARGUMENT naming chunk 1", err)
	}
}

func TestBadInputIsRejectedBeforeAnythingIsSent(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 2)
	good := nextToken("hello", ones(4))
	wrongDType := nextToken("hello", nil)
	wrongDType.LossFnInputs["target_tokens"] = Float32Tensor([]float32{1, 2, 3, 4})
	mismatched := nextToken("hello", nil)
	mismatched.LossFnInputs["weights"] = Tensor{DType: DTypeFloat32, Int64: []int64{1, 1, 1, 1}}
	badShape := nextToken("hello", nil)
	badShape.LossFnInputs["weights"] = Float32Tensor(ones(4), 3)
	cases := []struct {
		name string
		data []Datum
		want string
	}{
		{"int64 key given float32", []Datum{good, wrongDType}, `datum 1: loss_fn_inputs["target_tokens"]`},
		{"dtype without its data", []Datum{mismatched}, `datum 0: loss_fn_inputs["weights"]`},
		{"shape not matching the data", []Datum{good, good, badShape}, `datum 2: loss_fn_inputs["weights"]`},
		{"nil chunk", []Datum{{ModelInput: ModelInput{Chunks: []Chunk{nil}}}}, "datum 0: chunk 0"},
	}
	for _, tt := range cases {
		_, err := tc.ForwardBackward(testContext(t), tt.data, "cross_entropy", nil)
		if CodeOf(err) != StatusInvalidArgument || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: ForwardBackward = %v, want TINKER_E_INVALID_ARGUMENT naming %s", tt.name, err, tt.want)
		}
		if _, err := tc.ForwardAsync(tt.data, "cross_entropy", nil); CodeOf(err) != StatusInvalidArgument {
			t.Errorf("%s: ForwardAsync = %v, want TINKER_E_INVALID_ARGUMENT", tt.name, err)
		}
	}
	if _, err := tc.OptimStep(testContext(t), AdamParams{LearningRate: math.NaN()}); CodeOf(err) != StatusInvalidArgument ||
		!strings.HasPrefix(errorMessage(err), "TrainingClient.OptimStep: AdamParams.LearningRate: ") {
		t.Errorf("OptimStep with a NaN learning rate = %v", err)
	}
	if n := forwardBackwardRequests(t, tc.ModelID()); n != 0 {
		t.Fatalf("%d forward/backward requests reached the server", n)
	}
	// The client is still usable.
	if _, err := tc.Forward(testContext(t), []Datum{good}, "cross_entropy", nil); err != nil {
		t.Fatalf("Forward after rejected inputs: %v", err)
	}
}

func TestOptionsAnOperationDoesNotTakeAreRejected(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 3)
	ctx := testContext(t)
	if _, err := tc.SaveWeightsForSampler(ctx, "x", WithOverwrite()); CodeOf(err) != StatusInvalidArgument ||
		!strings.Contains(err.Error(), "WithOverwrite") {
		t.Errorf("SaveWeightsForSampler(WithOverwrite) = %v", err)
	}
	if _, err := tc.SaveState(ctx, "x", WithTTL(-time.Second)); CodeOf(err) != StatusInvalidArgument {
		t.Errorf("SaveState(WithTTL(-1s)) = %v", err)
	}
	if _, err := c.CreateTrainingClientFromState(ctx, "tinker://x/weights/y", WithLora(DefaultLoraConfig())); CodeOf(err) != StatusInvalidArgument {
		t.Errorf("CreateTrainingClientFromState(WithLora) = %v", err)
	}
	if _, err := c.CreateLoraTrainingClient(ctx, tinyModel, WithBaseModel("other")); CodeOf(err) != StatusInvalidArgument {
		t.Errorf("CreateLoraTrainingClient(WithBaseModel) = %v", err)
	}
	noPart := DefaultLoraConfig()
	noPart.TrainMLP, noPart.TrainAttn, noPart.TrainUnembed = false, false, false
	if _, err := c.CreateLoraTrainingClient(ctx, tinyModel, WithLora(noPart)); CodeOf(err) != StatusInvalidArgument {
		t.Errorf("CreateLoraTrainingClient with nothing to train = %v", err)
	}
}

// ---- server-side failures -----------------------------------------------------------------------

func TestUnknownBaseModelIsAUserError(t *testing.T) {
	c := newClient(t)
	_, err := c.CreateLoraTrainingClient(testContext(t), "no-such/model")
	userError(t, "CreateLoraTrainingClient(no-such/model)", err, "no-such/model")
	f, err := c.CreateLoraTrainingClientAsync("no-such/model")
	if err != nil {
		t.Fatalf("CreateLoraTrainingClientAsync: %v", err)
	}
	defer f.Close()
	_, err = f.Wait(testContext(t))
	userError(t, "CreateLoraTrainingClientAsync(no-such/model)", err, "no-such/model")
}

func TestUnknownLossFunctionIsAUserError(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 4)
	_, err := tc.ForwardBackward(testContext(t), []Datum{nextToken("hello", ones(4))}, "no_such_loss", nil)
	userError(t, "ForwardBackward(no_such_loss)", err, "no_such_loss")
}

func TestTokenOutsideTheVocabularyIsAUserError(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 5)
	d := Datum{ModelInput: TextInput([]int32{1, 2, 300}),
		LossFnInputs: map[string]Tensor{"target_tokens": Int64Tensor([]int64{2, 3, 4})}}
	f, err := tc.ForwardAsync([]Datum{d}, "cross_entropy", nil)
	if err != nil {
		t.Fatalf("ForwardAsync: %v", err)
	}
	defer f.Close()
	_, err = f.Wait(testContext(t))
	userError(t, "Forward with token 300", err, "outside the vocabulary")
}

// ---- every operation ------------------------------------------------------------------------------

func TestForwardAndForwardBackwardCopyOutTheirResults(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 8, 6)
	data := []Datum{nextToken("hello there", ones(10)), nextToken("abc", []float32{1, 0})}
	fwd := must(tc.Forward(testContext(t), data, "cross_entropy", nil)).ok(t, "Forward")
	fwdAsync := awaited(tc.ForwardAsync(data, "cross_entropy", LossFnConfig{})).ok(t, "ForwardAsync")
	fb := must(tc.ForwardBackward(testContext(t), data, "cross_entropy", nil)).ok(t, "ForwardBackward")
	for _, out := range []*ForwardBackwardOutput{fwd, fwdAsync, fb} {
		if out.LossFnOutputType == "" || len(out.Outputs) != 2 {
			t.Fatalf("output %+v", out)
		}
		for i, want := range []int{10, 2} {
			lp := out.Outputs[i]["logprobs"]
			if lp.DType != DTypeFloat32 || len(lp.Float32) != want || len(lp.Shape) != 1 || lp.Shape[0] != int64(want) {
				t.Fatalf("datum %d logprobs: %+v, want %d float32 values of shape [%d]", i, lp, want, want)
			}
			for _, v := range lp.Float32 {
				if !(v <= 0) {
					t.Fatalf("datum %d: logprob %v", i, v)
				}
			}
		}
		// loss:sum is Σ -logprob·weight (the second datum's second weight is 0).
		want := 0.0
		for _, v := range out.Logprobs(0) {
			want -= float64(v)
		}
		want -= float64(out.Logprobs(1)[0])
		if got := out.Metrics["loss:sum"]; math.Abs(got-want) > 1e-4*want {
			t.Fatalf("loss:sum = %v, want %v", got, want)
		}
	}
	// Forward does not train; forward_backward without optim_step does not change the weights.
	if d := maxLogprobDiff(fwd, fb); d > 1e-6 {
		t.Fatalf("outputs differ by %v", d)
	}
}

func TestGetInfoDescribesTheRun(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 8, 7)
	if tc.ModelID() == "" {
		t.Fatalf("empty ModelID")
	}
	info := must(tc.GetInfo(testContext(t))).ok(t, "GetInfo")
	infoAsync := awaited(tc.GetInfoAsync()).ok(t, "GetInfoAsync")
	for _, in := range []*ModelInfo{info, infoAsync} {
		if in.ModelID != tc.ModelID() || in.BaseModel != tinyModel || !in.IsLoRA || in.LoRARank != 8 ||
			in.TokenizerID == "" || in.Arch == "" {
			t.Fatalf("GetInfo = %+v for run %s", in, tc.ModelID())
		}
	}
}

func TestRunMetadataReachesTheServer(t *testing.T) {
	c := newClient(t)
	lora := DefaultLoraConfig()
	lora.Rank = 4
	f, err := c.CreateLoraTrainingClientAsync(tinyModel, WithLora(lora),
		WithRunMetadata(map[string]string{"owner": "go-test"}), WithRunMetadata(map[string]string{"purpose": "metadata"}))
	tc := awaited(f, err).ok(t, "CreateLoraTrainingClientAsync")
	defer tc.Close()
	var models struct {
		Models []struct {
			ModelID      string            `json:"model_id"`
			LoraRank     int               `json:"lora_rank"`
			UserMetadata map[string]string `json:"user_metadata"`
		} `json:"models"`
	}
	emulatorGet(t, "/_emulator/models", &models)
	for _, m := range models.Models {
		if m.ModelID == tc.ModelID() {
			if m.LoraRank != 4 || m.UserMetadata["owner"] != "go-test" || m.UserMetadata["purpose"] != "metadata" {
				t.Fatalf("the emulator has %+v", m)
			}
			return
		}
	}
	t.Fatalf("model %s not on the emulator", tc.ModelID())
}

// trainSteps runs n pipelined steps of forward_backward + optim_step on data.
func trainSteps(t *testing.T, tc *TrainingClient, data []Datum, n int) {
	t.Helper()
	adam := DefaultAdamParams()
	adam.LearningRate = 0.05
	for i := 0; i < n; i++ {
		fb, err := tc.ForwardBackwardAsync(data, "cross_entropy", nil)
		if err != nil {
			t.Fatalf("ForwardBackwardAsync: %v", err)
		}
		awaited(tc.OptimStepAsync(adam)).ok(t, "optim_step")
		awaited(fb, nil).ok(t, "forward_backward")
	}
}

// A training checkpoint restores the same weights into a new client (S3, S4) and into an
// existing one (T6, T7); "with optimizer" also restores Adam's state, so the next step matches.
func TestSavedStateLoadsIntoNewAndExistingClients(t *testing.T) {
	c := newClient(t)
	ctx := testContext(t)
	data, _ := corpusBatch()
	orig := newTrainer(t, c, 8, 8)
	trainSteps(t, orig, data, 3)
	saved := must(orig.SaveState(ctx, "go-ckpt", WithTTL(time.Hour), WithOverwrite())).ok(t, "SaveState")
	if !strings.HasPrefix(saved.Path, "tinker://"+orig.ModelID()+"/weights/go-ckpt") {
		t.Fatalf("SaveState path %q", saved.Path)
	}
	savedAsync := awaited(orig.SaveStateAsync("go-ckpt-2")).ok(t, "SaveStateAsync")
	if !strings.HasSuffix(savedAsync.Path, "/weights/go-ckpt-2") {
		t.Fatalf("SaveStateAsync path %q", savedAsync.Path)
	}
	want := must(orig.Forward(ctx, data, "cross_entropy", nil)).ok(t, "Forward")

	weightsOnly := must(c.CreateTrainingClientFromState(ctx, saved.Path)).ok(t, "CreateTrainingClientFromState")
	defer weightsOnly.Close()
	withOpt := awaited(c.CreateTrainingClientFromStateWithOptimizerAsync(saved.Path, WithRunMetadata(map[string]string{"from": "state"}))).ok(t, "CreateTrainingClientFromStateWithOptimizerAsync")
	defer withOpt.Close()
	fromStateAsync := awaited(c.CreateTrainingClientFromStateAsync(saved.Path)).ok(t, "CreateTrainingClientFromStateAsync")
	defer fromStateAsync.Close()
	withOptBlocking := must(c.CreateTrainingClientFromStateWithOptimizer(ctx, saved.Path, WithBaseModel(tinyModel))).ok(t, "CreateTrainingClientFromStateWithOptimizer")
	defer withOptBlocking.Close()

	loaded := newTrainer(t, c, 8, 99)
	if r := must(loaded.LoadState(ctx, saved.Path)).ok(t, "LoadState"); r.Path != saved.Path {
		t.Fatalf("LoadState path %q, want %q", r.Path, saved.Path)
	}
	loadedOpt := newTrainer(t, c, 8, 98)
	if r := awaited(loadedOpt.LoadStateWithOptimizerAsync(saved.Path)).ok(t, "LoadStateWithOptimizerAsync"); r.Path != saved.Path {
		t.Fatalf("LoadStateWithOptimizerAsync path %q", r.Path)
	}
	awaited(newTrainer(t, c, 8, 97).LoadStateAsync(saved.Path)).ok(t, "LoadStateAsync")
	must(newTrainer(t, c, 8, 96).LoadStateWithOptimizer(ctx, saved.Path)).ok(t, "LoadStateWithOptimizer")

	for name, tc := range map[string]*TrainingClient{"from state": weightsOnly, "from state async": fromStateAsync,
		"from state with optimizer": withOpt, "with optimizer, blocking": withOptBlocking,
		"load_state": loaded, "load_state_with_optimizer": loadedOpt} {
		got := must(tc.Forward(ctx, data, "cross_entropy", nil)).ok(t, "Forward")
		if d := maxLogprobDiff(got, want); d != 0 {
			t.Errorf("%s: logprobs differ from the saved run by %v", name, d)
		}
	}

	// One more identical step: the Adam state decides the update.
	for _, tc := range []*TrainingClient{orig, withOpt, weightsOnly} {
		trainSteps(t, tc, data, 1)
	}
	next := must(orig.Forward(ctx, data, "cross_entropy", nil)).ok(t, "Forward")
	if d := maxLogprobDiff(must(withOpt.Forward(ctx, data, "cross_entropy", nil)).ok(t, "Forward"), next); d > 1e-6 {
		t.Errorf("with the optimizer restored, the next step differs by %v", d)
	}
	if d := maxLogprobDiff(must(weightsOnly.Forward(ctx, data, "cross_entropy", nil)).ok(t, "Forward"), next); d < 1e-5 {
		t.Errorf("without the optimizer, the next step matches the original run (diff %v)", d)
	}
}

func TestSaveWeightsForSamplerReturnsTheSamplerPath(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 9)
	r := must(tc.SaveWeightsForSampler(testContext(t), "go-sampler", WithTTL(1500*time.Millisecond))).ok(t, "SaveWeightsForSampler")
	if r.Path != "tinker://"+tc.ModelID()+"/sampler_weights/go-sampler" {
		t.Fatalf("SaveWeightsForSampler path %q", r.Path)
	}
	ra := awaited(tc.SaveWeightsForSamplerAsync("go-sampler-2")).ok(t, "SaveWeightsForSamplerAsync")
	if ra.Path != "tinker://"+tc.ModelID()+"/sampler_weights/go-sampler-2" {
		t.Fatalf("SaveWeightsForSamplerAsync path %q", ra.Path)
	}
	var checkpoints struct {
		Checkpoints []struct {
			TinkerPath  string   `json:"tinker_path"`
			CreatedUnix float64  `json:"created_unix"`
			ExpiresUnix *float64 `json:"expires_unix"`
		} `json:"checkpoints"`
	}
	emulatorGet(t, "/_emulator/checkpoints", &checkpoints)
	found := false
	for _, cp := range checkpoints.Checkpoints {
		if cp.TinkerPath == r.Path {
			found = true
			// 1.5 s rounds up to a 2 s TTL.
			if cp.ExpiresUnix == nil || math.Abs(*cp.ExpiresUnix-cp.CreatedUnix-2) > 1e-3 {
				t.Errorf("checkpoint %+v: want it to expire 2 s after creation", cp)
			}
		}
	}
	if !found {
		t.Errorf("%s not in the emulator's checkpoints", r.Path)
	}
}

func TestSaveWeightsAndGetSamplingClientOpensASamplingSession(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 10)
	sc := must(tc.SaveWeightsAndGetSamplingClient(testContext(t))).ok(t, "SaveWeightsAndGetSamplingClient")
	defer sc.Close()
	sa := awaited(tc.SaveWeightsAndGetSamplingClientAsync()).ok(t, "SaveWeightsAndGetSamplingClientAsync")
	defer sa.Close()
	var samplers struct {
		Samplers []struct {
			ID string `json:"sampling_session_id"`
		} `json:"samplers"`
	}
	emulatorGet(t, "/_emulator/samplers", &samplers)
	for _, id := range []string{sc.SamplingSessionID(), sa.SamplingSessionID()} {
		found := false
		for _, s := range samplers.Samplers {
			found = found || s.ID == id
		}
		if id == "" || !strings.Contains(id, ":sample:") || !found {
			t.Errorf("sampling session id %q (emulator has %+v)", id, samplers.Samplers)
		}
	}
	if sc.SamplingSessionID() == sa.SamplingSessionID() {
		t.Errorf("both calls gave session %q", sc.SamplingSessionID())
	}
	sc.Close()
	sc.Close()
}

func TestCreateSamplingClientNeedsATinkerPath(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 11)
	if _, err := tc.CreateSamplingClient(testContext(t), "/tmp/sampler_weights/x"); CodeOf(err) != StatusInvalidArgument {
		t.Errorf("CreateSamplingClient(local path) = %v, want TINKER_E_INVALID_ARGUMENT", err)
	}
	if _, err := tc.CreateSamplingClientAsync("https://example.com/w"); CodeOf(err) != StatusInvalidArgument {
		t.Errorf("CreateSamplingClientAsync(https URL) = %v, want TINKER_E_INVALID_ARGUMENT", err)
	}
}

// T10 with a real sampler path: each call opens its own sampling session (the ids differ);
// a path with no checkpoint behind it is the server's user error.
func TestCreateSamplingClientOnASamplerCheckpoint(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 12)
	path := must(tc.SaveWeightsForSampler(testContext(t), "for-sampling")).ok(t, "SaveWeightsForSampler").Path
	sc, err := tc.CreateSamplingClient(testContext(t), path)
	if err != nil {
		t.Fatalf("CreateSamplingClient(%s): %v", path, err)
	}
	defer sc.Close()
	f, err := tc.CreateSamplingClientAsync(path)
	if err != nil {
		t.Fatalf("CreateSamplingClientAsync: %v", err)
	}
	defer f.Close()
	sc2, err := f.Wait(testContext(t))
	if err != nil {
		t.Fatalf("CreateSamplingClientAsync(%s).Wait: %v", path, err)
	}
	defer sc2.Close()
	if sc.SamplingSessionID() == "" || sc.SamplingSessionID() == sc2.SamplingSessionID() {
		t.Errorf("sampling session ids %q and %q: want two different, non-empty ids",
			sc.SamplingSessionID(), sc2.SamplingSessionID())
	}
	missing := strings.Replace(path, "for-sampling", "never-saved", 1)
	_, err = tc.CreateSamplingClient(testContext(t), missing)
	var e *Error
	if !errors.As(err, &e) || e.Category != CategoryUser || !strings.Contains(e.Message, "not found") {
		t.Errorf("CreateSamplingClient(%s) = %v, want a user error saying not found", missing, err)
	}
}

func TestUnloadedModelRefusesOperations(t *testing.T) {
	c := newClient(t)
	data := []Datum{nextToken("hello", ones(4))}
	blocking := newTrainer(t, c, 4, 13)
	if err := blocking.UnloadModel(testContext(t)); err != nil {
		t.Fatalf("UnloadModel: %v", err)
	}
	async := newTrainer(t, c, 4, 14)
	awaited(async.UnloadModelAsync()).ok(t, "UnloadModelAsync")
	for _, tc := range []*TrainingClient{blocking, async} {
		if _, err := tc.Forward(testContext(t), data, "cross_entropy", nil); err == nil {
			t.Errorf("Forward on unloaded model %s succeeded", tc.ModelID())
		}
	}
}

func TestClosedTrainingClientReportsAnError(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 15)
	id := tc.ModelID()
	tc.Close()
	tc.Close()
	if _, err := tc.GetInfo(testContext(t)); CodeOf(err) != StatusFailedPrecondition {
		t.Fatalf("GetInfo on a closed client = %v", err)
	}
	if tc.ModelID() != id {
		t.Fatalf("ModelID after Close = %q, want %q", tc.ModelID(), id)
	}
}

func TestTTLRoundsUpToWholeSeconds(t *testing.T) {
	for d, want := range map[time.Duration]int64{0: 0, time.Nanosecond: 1, time.Second: 1,
		1500 * time.Millisecond: 2, time.Hour: 3600} {
		if got, err := ttlSeconds(d); err != nil || got != want {
			t.Errorf("WithTTL(%v) = (%v, %v), want %d s", d, got, err, want)
		}
	}
	if _, err := ttlSeconds(-time.Nanosecond); CodeOf(err) != StatusInvalidArgument {
		t.Errorf("WithTTL(-1ns) = %v, want TINKER_E_INVALID_ARGUMENT", err)
	}
}

func ExampleTrainingClient_ForwardBackward() {
	c, err := NewServiceClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	ctx := context.Background()
	tc, err := c.CreateLoraTrainingClient(ctx, "tinker-emulator/tiny-bigram", WithLora(DefaultLoraConfig().WithSeed(1)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tc.Close()
	data := []Datum{{
		ModelInput:   TextInput([]int32{'h', 'e', 'l', 'l'}),
		LossFnInputs: map[string]Tensor{"target_tokens": Int64Tensor([]int64{'e', 'l', 'l', 'o'})},
	}}
	out, err := tc.ForwardBackward(ctx, data, "cross_entropy", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := tc.OptimStep(ctx, DefaultAdamParams()); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.Logprobs(0), out.Metrics["loss:sum"])
}
