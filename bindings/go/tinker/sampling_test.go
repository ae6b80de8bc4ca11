package tinker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"libtinker.dev/tinker/internal/raw"
)

// Tests of sampling from Go: S5 (ServiceClient.CreateSamplingClient), P1 (Sample), P2
// (ComputeLogprobs) and P3 (GetBaseModel) against the emulator's tiny bigram model, whose
// samples report the same float32 logprobs that forward computes (docs/emulator_model.md).

// textTokens is text as byte tokens, the tiny models' tokenizer.
func textTokens(text string) []int32 {
	out := make([]int32, len(text))
	for i := 0; i < len(text); i++ {
		out[i] = int32(text[i])
	}
	return out
}

// baseModelSampler opens a sampling client on the tiny model's base weights (S5).
func baseModelSampler(t *testing.T, c *ServiceClient) *SamplingClient {
	t.Helper()
	sc := must(c.CreateSamplingClient(testContext(t), WithBaseModel(tinyModel))).ok(t, "CreateSamplingClient(WithBaseModel)")
	t.Cleanup(sc.Close)
	return sc
}

// newSampler opens a sampling client on a new run's weights (T11). A new adapter computes exactly
// the base model, so it samples like baseModelSampler; the tests of P1 and P2 use it so that they
// do not depend on S5, which has tests of its own.
func newSampler(t *testing.T, c *ServiceClient) *SamplingClient {
	t.Helper()
	sc := must(newTrainer(t, c, 4, 73).SaveWeightsAndGetSamplingClient(testContext(t))).ok(t, "SaveWeightsAndGetSamplingClient")
	t.Cleanup(sc.Close)
	return sc
}

// trainedSampler trains a run a few steps (so that its weights are not the base model's) and
// returns it with a sampling client on its current weights.
func trainedSampler(t *testing.T, c *ServiceClient, seed int64) (*TrainingClient, *SamplingClient) {
	t.Helper()
	tc := newTrainer(t, c, 8, seed)
	data, _ := corpusBatch()
	trainSteps(t, tc, data, 3)
	sc := must(tc.SaveWeightsAndGetSamplingClient(testContext(t))).ok(t, "SaveWeightsAndGetSamplingClient")
	t.Cleanup(sc.Close)
	return tc, sc
}

// forwardLogprobs is what forward gives for tokens: the logprob of tokens[i+1] after tokens[:i+1].
func forwardLogprobs(t *testing.T, tc *TrainingClient, tokens []int32) []float32 {
	t.Helper()
	target := make([]int64, len(tokens)-1)
	for i := range target {
		target[i] = int64(tokens[i+1])
	}
	data := []Datum{{ModelInput: TextInput(tokens[:len(tokens)-1]),
		LossFnInputs: map[string]Tensor{"target_tokens": Int64Tensor(target)}}}
	return must(tc.Forward(testContext(t), data, "cross_entropy", nil)).ok(t, "Forward").Logprobs(0)
}

// asampleRequests counts the asample requests the emulator received for a sampling session.
func asampleRequests(t *testing.T, sessionID string) int {
	t.Helper()
	return loggedRequests(t, "/api/v1/asample", "sampling_session_id", sessionID)
}

func samplerBaseModel(t *testing.T, sc *SamplingClient) string {
	t.Helper()
	return must(sc.GetBaseModel(testContext(t))).ok(t, "GetBaseModel")
}

// ---- values ---------------------------------------------------------------------------------

func TestDefaultSamplingParams(t *testing.T) {
	d := DefaultSamplingParams()
	if d.MaxTokens != nil || d.Seed != nil || d.Stop != nil || d.StopTokens != nil ||
		d.Temperature != 1 || d.TopK != -1 || d.TopP != 1 {
		t.Fatalf("DefaultSamplingParams() = %+v, want sampling.h's defaults", d)
	}
	p := d.WithMaxTokens(5).WithSeed(-3)
	if p.MaxTokens == nil || *p.MaxTokens != 5 || p.Seed == nil || *p.Seed != -3 || d.MaxTokens != nil {
		t.Fatalf("WithMaxTokens(5).WithSeed(-3) = %+v (and the original %+v)", p, d)
	}
	p.Stop = []string{"\n", "."}
	c, err := newCSamplingParams(&p)
	if err != nil {
		t.Fatalf("newCSamplingParams(%+v): %v", p, err)
	}
	raw.Tinker_sampling_params_free(c)
	if c, err := newCSamplingParams(nil); err != nil || c.Swigcptr() != 0 {
		t.Fatalf("newCSamplingParams(nil) = (%v, %v), want a NULL handle", c, err)
	}
}

// Each out-of-range field is refused by libtinker's setter, and the error names the Go field.
func TestSamplingParamsRangesAreChecked(t *testing.T) {
	bad := func(change func(*SamplingParams)) SamplingParams {
		p := DefaultSamplingParams()
		change(&p)
		return p
	}
	for _, tt := range []struct {
		params SamplingParams
		want   string
	}{
		{bad(func(p *SamplingParams) { p.Temperature = -1 }), "SamplingParams.Temperature: temperature must be finite and >= 0, got -1"},
		{bad(func(p *SamplingParams) { p.Temperature = math.Inf(1) }), "SamplingParams.Temperature: "},
		{bad(func(p *SamplingParams) { p.TopP = 0 }), "SamplingParams.TopP: top_p must be in (0, 1], got 0"},
		{bad(func(p *SamplingParams) { p.TopP = 1.5 }), "SamplingParams.TopP: "},
		{bad(func(p *SamplingParams) { p.TopK = -2 }), "SamplingParams.TopK: "},
		{bad(func(p *SamplingParams) { *p = p.WithMaxTokens(-1) }), "SamplingParams.MaxTokens: max_tokens must be >= 0, got -1"},
		{bad(func(p *SamplingParams) { p.Stop = []string{"\n", ""} }), "SamplingParams.Stop[1]: stop must not be empty"},
		{bad(func(p *SamplingParams) { p.Stop, p.StopTokens = []string{"."}, []int32{10} }), "SamplingParams.StopTokens[0]: "},
		{SamplingParams{}, "SamplingParams.TopP: "}, // the zero value is not the defaults
	} {
		p := tt.params
		_, err := newCSamplingParams(&p)
		if CodeOf(err) != StatusInvalidArgument || !strings.HasPrefix(errorMessage(err), tt.want) ||
			strings.Contains(errorMessage(err), "tinker_") {
			t.Errorf("%+v: %v, want TINKER_E_INVALID_ARGUMENT beginning %q", tt.params, err, tt.want)
		}
	}
}

func TestPromptLogprobsMarkUndefinedPositions(t *testing.T) {
	var p PromptLogprobs
	if err := json.Unmarshal([]byte(`[null, -1.5, -0.25]`), &p); err != nil {
		t.Fatal(err)
	}
	if p.Len() != 3 || p.Defined(0) || !p.Defined(1) || p.Defined(3) || p.Defined(-1) || !math.IsNaN(float64(p.Values[0])) {
		t.Fatalf("%+v: want position 0 undefined (NaN), 1 and 2 defined", p)
	}
	if v, ok := p.At(2); !ok || v != -0.25 {
		t.Fatalf("At(2) = (%v, %v)", v, ok)
	}
	if _, ok := p.At(0); ok {
		t.Fatalf("At(0) is defined")
	}
	b, err := json.Marshal(SampleResponse{PromptLogprobs: p})
	if err != nil || !strings.Contains(string(b), `"PromptLogprobs":[null,-1.5,-0.25]`) {
		t.Fatalf("json.Marshal = %s, %v", b, err)
	}
}

// ---- S5 and P3 --------------------------------------------------------------------------------

func TestCreateSamplingClientOnABaseModel(t *testing.T) {
	c := newClient(t)
	blocking := baseModelSampler(t, c)
	async := awaited(c.CreateSamplingClientAsync(WithBaseModel(tinyModel))).ok(t, "CreateSamplingClientAsync")
	defer async.Close()
	for _, sc := range []*SamplingClient{blocking, async} {
		if got := samplerBaseModel(t, sc); got != tinyModel {
			t.Errorf("sampler %s: base model %q, want %q", sc.SamplingSessionID(), got, tinyModel)
		}
		if got := awaited(sc.GetBaseModelAsync()).ok(t, "GetBaseModelAsync"); got != tinyModel {
			t.Errorf("GetBaseModelAsync = %q", got)
		}
	}
	if blocking.SamplingSessionID() == "" || blocking.SamplingSessionID() == async.SamplingSessionID() {
		t.Errorf("session ids %q and %q: want two different ones", blocking.SamplingSessionID(), async.SamplingSessionID())
	}
	// The base model computes what a new adapter on it computes, bit for bit.
	prompt := TextInput(textTokens("the cat sat."))
	base := must(blocking.ComputeLogprobs(testContext(t), prompt)).ok(t, "ComputeLogprobs (base model)")
	fresh := must(newSampler(t, c).ComputeLogprobs(testContext(t), prompt)).ok(t, "ComputeLogprobs (new adapter)")
	for i := 1; i < base.Len(); i++ {
		if base.Values[i] != fresh.Values[i] {
			t.Errorf("position %d: base model %v, new adapter %v", i, base.Values[i], fresh.Values[i])
		}
	}
	params := DefaultSamplingParams().WithMaxTokens(5).WithSeed(3)
	checkSequences(t, "Sample (base model)", awaited(async.SampleAsync(prompt, 2, params)).ok(t, "SampleAsync"), 2, 5)
}

func TestCreateSamplingClientOnASamplerCheckpointFromTheServiceClient(t *testing.T) {
	c := newClient(t)
	tc := newTrainer(t, c, 4, 70)
	path := must(tc.SaveWeightsForSampler(testContext(t), "go-s5")).ok(t, "SaveWeightsForSampler").Path
	blocking := must(c.CreateSamplingClient(testContext(t), WithModelPath(path))).ok(t, "CreateSamplingClient(WithModelPath)")
	defer blocking.Close()
	async := awaited(c.CreateSamplingClientAsync(WithModelPath(path), WithBaseModel(tinyModel),
		WithRetryConfig(DefaultRetryConfig()))).ok(t, "CreateSamplingClientAsync(WithModelPath, WithBaseModel)")
	defer async.Close()
	for _, sc := range []*SamplingClient{blocking, async} {
		if got := samplerBaseModel(t, sc); got != tinyModel {
			t.Errorf("sampler on %s: base model %q", path, got)
		}
	}
	// The server checks the base model against the checkpoint's, and refuses a missing checkpoint.
	_, err := c.CreateSamplingClient(testContext(t), WithModelPath(path), WithBaseModel("Qwen/Qwen3-8B"))
	serverRefused(t, "a checkpoint with another base model", err, "Qwen/Qwen3-8B")
	_, err = c.CreateSamplingClient(testContext(t), WithModelPath(path+"-never-saved"))
	serverRefused(t, "a checkpoint never saved", err, "not found")
}

// serverRefused asserts that err is the server's refusal of a sampler (service.h: REQUEST_FAILED or
// INVALID_ARGUMENT, with the server's message).
func serverRefused(t *testing.T, what string, err error, want string) {
	t.Helper()
	if c := CodeOf(err); c != StatusInvalidArgument && c != StatusRequestFailed || !strings.Contains(errorMessage(err), want) {
		t.Errorf("%s: %v, want TINKER_E_INVALID_ARGUMENT or TINKER_E_REQUEST_FAILED saying %q", what, err, want)
	}
}

func TestCreateSamplingClientNeedsAModel(t *testing.T) {
	c := newClient(t)
	ctx := testContext(t)
	if _, err := c.CreateSamplingClient(ctx); CodeOf(err) != StatusInvalidArgument ||
		!strings.HasPrefix(errorMessage(err), "ServiceClient.CreateSamplingClient: ") || !strings.Contains(errorMessage(err), "base_model") {
		t.Errorf("CreateSamplingClient() = %v, want TINKER_E_INVALID_ARGUMENT naming the method and base_model", err)
	}
	if _, err := c.CreateSamplingClientAsync(WithModelPath("/tmp/sampler_weights/x")); CodeOf(err) != StatusInvalidArgument ||
		errorMessage(err) != "ServiceClient.CreateSamplingClientAsync: model_path must start with tinker://" {
		t.Errorf("CreateSamplingClientAsync(local path) = %v", err)
	}
	if _, err := c.CreateSamplingClient(ctx, WithBaseModel(tinyModel), WithTTL(time.Hour)); CodeOf(err) != StatusInvalidArgument ||
		!strings.Contains(errorMessage(err), "does not take WithTTL") {
		t.Errorf("CreateSamplingClient(WithTTL) = %v", err)
	}
	_, err := c.CreateSamplingClient(ctx, WithBaseModel("no/such-model"))
	serverRefused(t, "an unknown base model", err, "no/such-model")
}

// ---- P1 -------------------------------------------------------------------------------------

func checkSequences(t *testing.T, what string, r *SampleResponse, n, maxTokens int) {
	t.Helper()
	if len(r.Sequences) != n {
		t.Fatalf("%s: %d sequences, want %d", what, len(r.Sequences), n)
	}
	for i, s := range r.Sequences {
		if len(s.Tokens) > maxTokens || len(s.Logprobs) != len(s.Tokens) || s.Logprobs == nil {
			t.Errorf("%s: sequence %d has %d tokens and %d logprobs (max_tokens %d)", what, i, len(s.Tokens), len(s.Logprobs), maxTokens)
		}
		want := StopReasonStop
		if len(s.Tokens) == maxTokens {
			want = StopReasonLength
		}
		if s.StopReason != want {
			t.Errorf("%s: sequence %d of %d tokens stopped for %q", what, i, len(s.Tokens), s.StopReason)
		}
		for j, lp := range s.Logprobs {
			if !(lp <= 0) {
				t.Errorf("%s: sequence %d, token %d: logprob %v", what, i, j, lp)
			}
		}
	}
	if r.PromptLogprobs.Values != nil || r.TopkPromptLogprobs != nil || !strings.Contains(r.JSON, `"sequences"`) {
		t.Errorf("%s: prompt extras nobody asked for, or no JSON: %+v", what, r)
	}
}

func TestSampleBlockingAndAsync(t *testing.T) {
	sc := newSampler(t, newClient(t))
	prompt := TextInput(textTokens("the cat "))
	params := DefaultSamplingParams().WithMaxTokens(8)
	checkSequences(t, "Sample", must(sc.Sample(testContext(t), prompt, 3, params)).ok(t, "Sample"), 3, 8)
	checkSequences(t, "SampleAsync", awaited(sc.SampleAsync(prompt, 2, params)).ok(t, "SampleAsync"), 2, 8)
}

func TestSeedReproducesSamples(t *testing.T) {
	sc := newSampler(t, newClient(t))
	prompt := TextInput(textTokens("a dog "))
	params := DefaultSamplingParams().WithMaxTokens(12).WithSeed(1234)
	first := must(sc.Sample(testContext(t), prompt, 4, params)).ok(t, "Sample")
	again := awaited(sc.SampleAsync(prompt, 4, params)).ok(t, "SampleAsync")
	other := must(sc.Sample(testContext(t), prompt, 4, params.WithSeed(99))).ok(t, "Sample(other seed)")
	same, differs := true, false
	for i := range first.Sequences {
		same = same && equalTokens(first.Sequences[i].Tokens, again.Sequences[i].Tokens)
		differs = differs || !equalTokens(first.Sequences[i].Tokens, other.Sequences[i].Tokens)
	}
	if !same || !differs {
		t.Fatalf("seed 1234 twice gave the same samples: %v; seed 99 gave other ones: %v", same, differs)
	}
}

func equalTokens(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Greedy sampling (temperature 0) is deterministic, so a token it emits can be made a stop token
// (or, as a one-byte string, a stop string): the sample then ends right after it.
func TestStopTokensAndStringsEndSamples(t *testing.T) {
	sc := newSampler(t, newClient(t))
	prompt := TextInput(textTokens("the "))
	greedy := DefaultSamplingParams().WithMaxTokens(16)
	greedy.Temperature = 0
	free := must(sc.Sample(testContext(t), prompt, 1, greedy)).ok(t, "Sample(greedy)").Sequences[0]
	if len(free.Tokens) != 16 || free.StopReason != StopReasonLength {
		t.Fatalf("greedy sample without stops: %+v", free)
	}
	stop := free.Tokens[2]
	end := 0
	for free.Tokens[end] != stop {
		end++
	}
	withToken := greedy
	withToken.StopTokens = []int32{stop}
	withString := greedy
	withString.Stop = []string{string(rune(stop))}
	cases := map[string]SamplingParams{"StopTokens": withToken}
	if stop < 128 { // a one-byte UTF-8 string is that token
		cases["Stop"] = withString
	}
	for name, params := range cases {
		s := must(sc.Sample(testContext(t), prompt, 1, params)).ok(t, "Sample("+name+")").Sequences[0]
		if !equalTokens(s.Tokens, free.Tokens[:end+1]) || s.StopReason != StopReasonStop {
			t.Errorf("%s %d: %+v, want the greedy tokens up to and including it (%v), stopped for %q",
				name, stop, s, free.Tokens[:end+1], StopReasonStop)
		}
	}
}

// Sampled logprobs, prompt logprobs and ComputeLogprobs are the floats forward gives for the same
// tokens (the emulator's promise), so the Go layer must carry them unchanged.
func TestComputeLogprobsEqualsForward(t *testing.T) {
	tc, sc := trainedSampler(t, newClient(t), 71)
	tokens := textTokens("the dog sat by the fire.")
	want := forwardLogprobs(t, tc, tokens)
	prompt := TextInput(tokens)
	for name, got := range map[string]*PromptLogprobs{
		"ComputeLogprobs":      must(sc.ComputeLogprobs(testContext(t), prompt)).ok(t, "ComputeLogprobs"),
		"ComputeLogprobsAsync": awaited(sc.ComputeLogprobsAsync(prompt)).ok(t, "ComputeLogprobsAsync"),
	} {
		if got.Len() != len(tokens) || got.Defined(0) || !math.IsNaN(float64(got.Values[0])) {
			t.Fatalf("%s: %d logprobs (want %d), position 0 defined: %v", name, got.Len(), len(tokens), got.Defined(0))
		}
		for i, w := range want {
			if v, ok := got.At(i + 1); !ok || v != w {
				t.Errorf("%s: position %d: (%v, %v), forward says %v", name, i+1, v, ok, w)
			}
		}
	}
}

func TestSampleReportsPromptLogprobsAndTopk(t *testing.T) {
	tc, sc := trainedSampler(t, newClient(t), 72)
	tokens := textTokens("a cat sat on the mat.")
	r := must(sc.Sample(testContext(t), TextInput(tokens), 2, DefaultSamplingParams().WithMaxTokens(6).WithSeed(5),
		WithIncludePromptLogprobs(), WithTopkPromptLogprobs(3))).ok(t, "Sample(WithIncludePromptLogprobs, WithTopkPromptLogprobs(3))")
	want := forwardLogprobs(t, tc, tokens)
	if r.PromptLogprobs.Len() != len(tokens) || r.PromptLogprobs.Defined(0) {
		t.Fatalf("%d prompt logprobs (want %d), position 0 defined %v", r.PromptLogprobs.Len(), len(tokens), r.PromptLogprobs.Defined(0))
	}
	for i, w := range want {
		if v, ok := r.PromptLogprobs.At(i + 1); !ok || v != w {
			t.Errorf("prompt position %d: (%v, %v), forward says %v", i+1, v, ok, w)
		}
	}
	if len(r.TopkPromptLogprobs) != len(tokens) || r.TopkPromptLogprobs[0] != nil {
		t.Fatalf("top-k: %d positions (want %d), position 0: %v", len(r.TopkPromptLogprobs), len(tokens), r.TopkPromptLogprobs[0])
	}
	for pos := 1; pos < len(tokens); pos++ {
		row := r.TopkPromptLogprobs[pos]
		if len(row) != 3 || row[0].Logprob < row[1].Logprob || row[1].Logprob < row[2].Logprob {
			t.Errorf("top-k position %d: %v, want 3 entries, most likely first", pos, row)
		}
		for _, e := range row {
			if e.Token == tokens[pos] && e.Logprob != want[pos-1] {
				t.Errorf("top-k position %d: the prompt's token %d has logprob %v, forward says %v", pos, e.Token, e.Logprob, want[pos-1])
			}
		}
	}
	// A sampled sequence's logprobs are forward's for prompt + sequence.
	seq := r.Sequences[0]
	full := forwardLogprobs(t, tc, append(append([]int32{}, tokens...), seq.Tokens...))
	for j, lp := range seq.Logprobs {
		if f := full[len(tokens)-1+j]; lp != f {
			t.Errorf("sampled token %d: logprob %v, forward says %v", j, lp, f)
		}
	}
	if !strings.Contains(r.JSON, `"prompt_logprobs":[null,`) {
		t.Errorf("JSON %.200s: want the prompt logprobs with null first", r.JSON)
	}
}

// ---- errors -----------------------------------------------------------------------------------

// Bad arguments fail the call itself, naming the Go method, and nothing reaches the server.
func TestBadSampleArgumentsAreRejectedBeforeAnythingIsSent(t *testing.T) {
	sc := newSampler(t, newClient(t))
	prompt := TextInput(textTokens("hi"))
	hot := DefaultSamplingParams()
	hot.Temperature = -1
	mixed := DefaultSamplingParams()
	mixed.Stop, mixed.StopTokens = []string{"x"}, []int32{1}
	for _, tt := range []struct {
		err  error
		want string
	}{
		{errOf(sc.Sample(testContext(t), prompt, 1, hot)),
			"SamplingClient.Sample: SamplingParams.Temperature: temperature must be finite and >= 0, got -1"},
		{errOf(sc.SampleAsync(prompt, 1, SamplingParams{})), "SamplingClient.SampleAsync: SamplingParams.TopP: top_p must be in (0, 1], got 0"},
		{errOf(sc.Sample(testContext(t), prompt, 1, mixed)), "SamplingClient.Sample: SamplingParams.StopTokens[0]: "},
		{errOf(sc.Sample(testContext(t), prompt, 0, DefaultSamplingParams())), "SamplingClient.Sample: num_samples must be >= 1, got 0"},
		{errOf(sc.SampleAsync(prompt, 1, DefaultSamplingParams(), WithTopkPromptLogprobs(-1))),
			"SamplingClient.SampleAsync: topk_prompt_logprobs must be >= 0, got -1"},
		{errOf(sc.Sample(testContext(t), prompt, 1, DefaultSamplingParams(), WithOverwrite())),
			"SamplingClient.Sample does not take WithOverwrite (it takes: WithIncludePromptLogprobs, WithTopkPromptLogprobs)"},
		{errOf(sc.ComputeLogprobs(testContext(t), ModelInput{Chunks: []Chunk{nil}})), "SamplingClient.ComputeLogprobs: chunk 0: nil chunk"},
		{errOf(sc.Sample(testContext(t), TextInput(nil), 1, DefaultSamplingParams())), "SamplingClient.Sample: chunk 0: "},
	} {
		if CodeOf(tt.err) != StatusInvalidArgument || !strings.HasPrefix(errorMessage(tt.err), tt.want) {
			t.Errorf("%v, want TINKER_E_INVALID_ARGUMENT beginning %q", tt.err, tt.want)
		}
	}
	if n := asampleRequests(t, sc.SamplingSessionID()); n != 0 {
		t.Fatalf("%d asample requests reached the server", n)
	}
}

// A sampler the server does not know (an injected 404) is StatusNotFound for every operation.
func TestUnknownSamplerIsNotFound(t *testing.T) {
	sc := newSampler(t, newClient(t))
	prompt := TextInput(textTokens("hi"))
	emulatorPost(t, "/_emulator/faults", `{"path": "/api/v1/asample", "status": 404, "action": "status", "count": 2}`)
	_, err := sc.Sample(testContext(t), prompt, 1, DefaultSamplingParams())
	err2 := awaited(sc.ComputeLogprobsAsync(prompt)).err
	for _, e := range []error{err, err2} {
		var te *Error
		if !errors.As(e, &te) || te.Code != StatusNotFound || te.HTTPStatus != 404 {
			t.Errorf("= %v, want StatusNotFound with HTTP 404", e)
		}
	}
	if _, err := sc.Sample(testContext(t), prompt, 1, DefaultSamplingParams().WithMaxTokens(1)); err != nil {
		t.Errorf("once the faults are used up: %v", err)
	}
}

// A ctx that ends first cancels a blocking sample.
func TestSampleHonoursTheContext(t *testing.T) {
	sc := newSampler(t, newClient(t))
	emulatorPost(t, "/_emulator/config", `{"sample_delay_ms": 5000}`)
	t.Cleanup(func() { emulatorPost(t, "/_emulator/config", `{"sample_delay_ms": 0}`) })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := sc.Sample(ctx, TextInput(textTokens("hi")), 1, DefaultSamplingParams()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Sample with a 200 ms context = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Fatalf("Sample returned after %v, not when its context ended", d)
	}
}

// ---- many at once -------------------------------------------------------------------------------

func TestThousandConcurrentSamplesAllComplete(t *testing.T) {
	sc := newSampler(t, newClient(t))
	const n = 1000
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			f, err := sc.SampleAsync(TextInput([]int32{int32(i % 256)}), 1, DefaultSamplingParams().WithMaxTokens(4).WithSeed(int64(i)))
			if err != nil {
				errs <- err
				return
			}
			defer f.Close()
			r, err := f.Wait(ctx)
			if err == nil && (len(r.Sequences) != 1 || len(r.Sequences[0].Tokens) != 4) {
				err = errors.New("unexpected response " + r.JSON)
			}
			if err != nil {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if failed++; failed <= 3 {
			t.Errorf("sample: %v", err)
		}
	}
	if failed > 0 {
		t.Fatalf("%d of %d concurrent samples failed", failed, n)
	}
}

func ExampleSamplingClient_Sample() {
	c, err := NewServiceClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	ctx := context.Background()
	sc, err := c.CreateSamplingClient(ctx, WithBaseModel("tinker-emulator/tiny-bigram"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sc.Close()
	params := DefaultSamplingParams().WithMaxTokens(16).WithSeed(7)
	params.Stop = []string{"."}
	r, err := sc.Sample(ctx, TextInput([]int32{'t', 'h', 'e', ' '}), 4, params, WithIncludePromptLogprobs())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range r.Sequences {
		fmt.Println(s.StopReason, s.Tokens, s.Logprobs)
	}
	fmt.Println(r.PromptLogprobs.Defined(0), r.PromptLogprobs.Values[1:])
}
