package tinker

import (
	"os"
	"strings"
	"testing"
)

// The emulator serves a Hugging Face Hub at its own base URL: "tinker-emulator/bytes" (the
// tokenizer_id get_info reports) and every supported base model, each with a byte-level
// tokenizer (id = byte value). These tests point the Hub options at it, with a fresh cache.

// hubClient is a ServiceClient whose Hub is the emulator's, caching into a new temporary
// directory; extra options follow.
func hubClient(t *testing.T, extra ...Option) *ServiceClient {
	t.Helper()
	needEmulator(t)
	opts := append([]Option{WithHubEndpoint(os.Getenv("TINKER_BASE_URL")), WithHubCacheDir(t.TempDir())}, extra...)
	return newClient(t, opts...)
}

// checkByteTokenizer checks a tokenizer from the emulator's Hub: text round-trips, one id per
// byte.
func checkByteTokenizer(t *testing.T, what string, tok *Tokenizer) {
	t.Helper()
	text := "hello, world \x00 ✓"
	ids, err := tok.Encode(text)
	if err != nil {
		t.Fatalf("%s: Encode: %v", what, err)
	}
	if len(ids) != len(text) || ids[0] != 'h' {
		t.Errorf("%s: Encode(%q) = %v, want one id per byte", what, text, ids)
	}
	back, err := tok.Decode(ids)
	if err != nil || back != text {
		t.Errorf("%s: Decode(Encode(%q)) = (%q, %v)", what, text, back, err)
	}
	if n := tok.VocabSize(); n != 256 {
		t.Errorf("%s: VocabSize() = %d, want 256", what, n)
	}
}

func TestTrainingClientGetTokenizerBlockingAndAsync(t *testing.T) {
	c := hubClient(t)
	ctx := testContext(t)
	tc, err := c.CreateLoraTrainingClient(ctx, tinyModel)
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	tok, err := tc.GetTokenizer(ctx)
	if err != nil {
		t.Fatalf("GetTokenizer: %v", err)
	}
	defer tok.Close()
	checkByteTokenizer(t, "TrainingClient.GetTokenizer", tok)

	f, err := tc.GetTokenizerAsync()
	if err != nil {
		t.Fatalf("GetTokenizerAsync: %v", err)
	}
	defer f.Close()
	tok2, err := f.Wait(ctx)
	if err != nil {
		t.Fatalf("GetTokenizerAsync + Wait: %v", err)
	}
	// The tokenizer is the caller's: it outlives the client and the future.
	tc.Close()
	f.Close()
	defer tok2.Close()
	checkByteTokenizer(t, "TrainingClient.GetTokenizerAsync", tok2)
}

func TestSamplingClientGetTokenizerDecodesSampledTokens(t *testing.T) {
	c := hubClient(t)
	ctx := testContext(t)
	sc, err := c.CreateSamplingClient(ctx, WithBaseModel(tinyModel))
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	tok, err := sc.GetTokenizer(ctx)
	if err != nil {
		t.Fatalf("SamplingClient.GetTokenizer: %v", err)
	}
	defer tok.Close()
	checkByteTokenizer(t, "SamplingClient.GetTokenizer", tok)

	f, err := sc.GetTokenizerAsync()
	if err != nil {
		t.Fatalf("SamplingClient.GetTokenizerAsync: %v", err)
	}
	defer f.Close()
	tok2, err := f.Wait(ctx)
	if err != nil {
		t.Fatalf("SamplingClient.GetTokenizerAsync + Wait: %v", err)
	}
	defer tok2.Close()
	checkByteTokenizer(t, "SamplingClient.GetTokenizerAsync", tok2)

	prompt, err := tok.Encode("hello")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := sc.Sample(ctx, TextInput(prompt), 2, DefaultSamplingParams().WithMaxTokens(8).WithSeed(7))
	if err != nil {
		t.Fatalf("Sample: %v", err)
	}
	for i, s := range resp.Sequences {
		if len(s.Tokens) == 0 {
			t.Fatalf("sequence %d is empty", i)
		}
		text, err := tok2.Decode(s.Tokens)
		if err != nil {
			t.Fatalf("Decode of sequence %d (%v): %v", i, s.Tokens, err)
		}
		// Byte tokens: every sampled id is one byte of the text (invalid UTF-8 becomes U+FFFD).
		if ids, err := tok2.Encode(strings.ToValidUTF8(text, "\uFFFD"), WithAddSpecialTokens(false)); err != nil || len(ids) < len(s.Tokens) {
			t.Errorf("Decode of sequence %d = %q (%v), from %d tokens", i, text, err, len(s.Tokens))
		}
	}
}

// Offline with an empty cache: nothing can be read, nothing may be fetched.
func TestGetTokenizerOfflineWithEmptyCacheIsUnavailable(t *testing.T) {
	c := hubClient(t, WithHubOffline(true))
	ctx := testContext(t)
	tc, err := c.CreateLoraTrainingClient(ctx, tinyModel)
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	tok, err := tc.GetTokenizer(ctx)
	if tok != nil {
		tok.Close()
	}
	e := wantCode(t, "GetTokenizer offline with an empty cache", err, StatusUnavailable)
	if !strings.Contains(e.Message, "offline") || !strings.Contains(e.Message, "tokenizer.json") {
		t.Errorf("message %q should say that the file is not cached and offline mode is on", e.Message)
	}
	// The async form fails the same way, on its future.
	f, err := tc.GetTokenizerAsync()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if tok, err := f.Wait(ctx); CodeOf(err) != StatusUnavailable {
		if tok != nil {
			tok.Close()
		}
		t.Errorf("GetTokenizerAsync offline with an empty cache: %v", err)
	}
}

// Once cached, offline mode reads the cache (the same cache directory, a second client).
func TestGetTokenizerOfflineReadsTheCache(t *testing.T) {
	needEmulator(t)
	cache := t.TempDir()
	ctx := testContext(t)
	online := newClient(t, WithHubEndpoint(os.Getenv("TINKER_BASE_URL")), WithHubCacheDir(cache))
	sc, err := online.CreateSamplingClient(ctx, WithBaseModel(tinyModel))
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	tok, err := sc.GetTokenizer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tok.Close()
	offline := newClient(t, WithHubEndpoint(os.Getenv("TINKER_BASE_URL")), WithHubCacheDir(cache), WithHubOffline(true))
	sc2, err := offline.CreateSamplingClient(ctx, WithBaseModel(tinyModel))
	if err != nil {
		t.Fatal(err)
	}
	defer sc2.Close()
	tok2, err := sc2.GetTokenizer(ctx)
	if err != nil {
		t.Fatalf("GetTokenizer offline from a filled cache: %v", err)
	}
	defer tok2.Close()
	checkByteTokenizer(t, "offline GetTokenizer", tok2)
}

func TestGetTokenizerOnClosedClientsFails(t *testing.T) {
	c := hubClient(t)
	ctx := testContext(t)
	tc, err := c.CreateLoraTrainingClient(ctx, tinyModel)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := c.CreateSamplingClient(ctx, WithBaseModel(tinyModel))
	if err != nil {
		t.Fatal(err)
	}
	tc.Close()
	sc.Close()
	if _, err := tc.GetTokenizer(ctx); CodeOf(err) != StatusFailedPrecondition {
		t.Errorf("TrainingClient.GetTokenizer after Close: %v", err)
	}
	if _, err := tc.GetTokenizerAsync(); CodeOf(err) != StatusFailedPrecondition {
		t.Errorf("TrainingClient.GetTokenizerAsync after Close: %v", err)
	}
	if _, err := sc.GetTokenizer(ctx); CodeOf(err) != StatusFailedPrecondition {
		t.Errorf("SamplingClient.GetTokenizer after Close: %v", err)
	}
	var zero *SamplingClient
	if _, err := zero.GetTokenizerAsync(); CodeOf(err) != StatusFailedPrecondition {
		t.Errorf("GetTokenizerAsync on a nil SamplingClient: %v", err)
	}
}

func TestHubOptionsRefuseBadValues(t *testing.T) {
	needEmulator(t)
	for _, c := range []struct {
		opt  Option
		name string
	}{
		{WithHubEndpoint("ftp://example.com"), "WithHubEndpoint"},
		{WithHubEndpoint("https://user:pw@example.com"), "WithHubEndpoint"},
		{WithHubToken("bad\ntoken"), "WithHubToken"},
		{WithHubCacheDir(""), "WithHubCacheDir"},
		{WithHubCacheDir("a\x00b"), "WithHubCacheDir"},
	} {
		_, err := NewServiceClient(c.opt)
		e := wantCode(t, c.name, err, StatusInvalidArgument)
		if !strings.HasPrefix(e.Message, c.name+" ") && !strings.HasPrefix(e.Message, c.name+": ") {
			t.Errorf("message %q should begin with %s", e.Message, c.name)
		}
		if strings.Contains(e.Message, "pw") || strings.Contains(e.Message, "bad\ntoken") {
			t.Errorf("message %q repeats a credential", e.Message)
		}
	}
}
