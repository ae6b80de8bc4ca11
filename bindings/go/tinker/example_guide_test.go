package tinker_test

// The examples docs/go.md ("first ten minutes") shows, verbatim: `go test` runs them against the
// server of TINKER_BASE_URL and checks their output, so every snippet of the guide compiles and
// does what it says (test docs_go_snippets checks that the guide still quotes them exactly).

import (
	"context"
	"errors"
	"fmt"
	"os"

	"libtinker.dev/tinker"
)

// The first call: ask the server which models it serves.
func Example_firstCall() {
	ctx := context.Background()
	c, err := tinker.NewServiceClient() // TINKER_BASE_URL, TINKER_API_KEY
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	caps, err := c.GetServerCapabilities(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range caps.Models {
		if m.Name == "tinker-emulator/tiny-bigram" {
			fmt.Println("found", m.Name)
		}
	}
	// Output:
	// found tinker-emulator/tiny-bigram
}

// A training loop: each step sends forward/backward and the optimizer step together, then waits
// for both; the loss falls as the adapter learns the one example.
func Example_trainingLoop() {
	ctx := context.Background()
	c, err := tinker.NewServiceClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	tc, err := c.CreateLoraTrainingClient(ctx, "tinker-emulator/tiny-bigram",
		tinker.WithLora(tinker.DefaultLoraConfig().WithSeed(1)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tc.Close()
	data := []tinker.Datum{{
		ModelInput:   tinker.TextInput([]int32{'h', 'e', 'l', 'l'}),
		LossFnInputs: map[string]tinker.Tensor{"target_tokens": tinker.Int64Tensor([]int64{'e', 'l', 'l', 'o'})},
	}}
	adam := tinker.DefaultAdamParams()
	adam.LearningRate = 0.05
	var losses []float64
	for step := 0; step < 5; step++ {
		fb, err := tc.ForwardBackwardAsync(data, "cross_entropy", nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		opt, err := tc.OptimStepAsync(adam)
		if err != nil {
			fb.Close()
			fmt.Println(err)
			return
		}
		out, err := fb.Wait(ctx)
		if err == nil {
			_, err = opt.Wait(ctx)
		}
		fb.Close()
		opt.Close()
		if err != nil {
			fmt.Println(err)
			return
		}
		losses = append(losses, out.Metrics["loss:sum"])
	}
	fmt.Println("loss fell:", losses[len(losses)-1] < losses[0])
	// Output:
	// loss fell: true
}

// Errors are *tinker.Error values: errors.Is matches a Status, errors.As gives the details.
func Example_errorHandling() {
	ctx := context.Background()
	c, err := tinker.NewServiceClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	rc, err := c.CreateRestClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rc.Close()
	_, err = rc.GetTrainingRun(ctx, "no-such-run")
	fmt.Println(errors.Is(err, tinker.StatusNotFound))
	var e *tinker.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code.String(), e.Category, e.HTTPStatus, e.Retryable)
	}
	// Output:
	// true
	// TINKER_E_NOT_FOUND user 404 false
}

// Clients may be closed in any order: a TrainingClient keeps the connection runtime of the
// ServiceClient it came from, so it works on after that one is closed.
func Example_lifetimes() {
	ctx := context.Background()
	c, err := tinker.NewServiceClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	tc, err := c.CreateLoraTrainingClient(ctx, "tinker-emulator/tiny-bigram")
	c.Close()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tc.Close()
	_, err = tc.OptimStep(ctx, tinker.DefaultAdamParams())
	fmt.Println(err)
	fmt.Println(tinker.CodeOf(c.HealthCheck(ctx)).String())
	// Output:
	// <nil>
	// TINKER_E_FAILED_PRECONDITION
}

// The native tokenizer: load a tokenizer.json (or a Hugging Face snapshot directory holding one),
// encode text to token ids, decode them back, close.
func Example_tokenizer() {
	path, remove := emulatorTokenizerFile() // the emulator's byte-level tokenizer.json, saved to a file
	defer remove()
	tok, err := tinker.LoadTokenizer(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tok.Close()
	ids, err := tok.Encode("hello, world")
	if err != nil {
		fmt.Println(err)
		return
	}
	text, err := tok.Decode(ids)
	if err != nil {
		fmt.Println(err)
		return
	}
	batch, err := tok.EncodeBatch([]string{"hi", "there"}, 0) // 0 threads: one per core
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ids[:5], text, batch, tok.VocabSize())
	// Output:
	// [104 101 108 108 111] hello, world [[104 105] [116 104 101 114 101]] 256
}

// A model's tokenizer, fetched from the Hugging Face Hub (here the one the emulator serves) into
// the Hub cache: encode a prompt, sample from it, decode the sample.
func Example_getTokenizer() {
	ctx := context.Background()
	cache, remove := temporaryDir()
	defer remove()
	c, err := tinker.NewServiceClient(
		tinker.WithHubEndpoint(os.Getenv("TINKER_BASE_URL")), // default: HF_ENDPOINT, else huggingface.co
		tinker.WithHubCacheDir(cache))                        // default: HF_HUB_CACHE, else ~/.cache/huggingface/hub
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	sc, err := c.CreateSamplingClient(ctx, tinker.WithBaseModel("tinker-emulator/tiny-bigram"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sc.Close()
	tok, err := sc.GetTokenizer(ctx) // also TrainingClient.GetTokenizer, and the Async forms
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tok.Close()
	prompt, err := tok.Encode("hello")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := sc.Sample(ctx, tinker.TextInput(prompt), 1, tinker.DefaultSamplingParams().WithMaxTokens(8))
	if err != nil {
		fmt.Println(err)
		return
	}
	sample, err := tok.Decode(resp.Sequences[0].Tokens)
	fmt.Println(prompt, err, len(sample) > 0)
	// Output:
	// [104 101 108 108 111] <nil> true
}
