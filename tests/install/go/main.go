// Command tinker-consumer is a program outside libtinker's tree that uses the installed Go
// module, the way a user's program does (tests/install/check_go.sh builds and runs it).
//
// It asks the server (TINKER_BASE_URL) for its models, trains one step of a LoRA run and samples
// from the trained weights, printing one line per step; any failure exits with status 1.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"libtinker.dev/tinker"
)

const model = "tinker-emulator/tiny-bigram"

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "tinker-consumer:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	fmt.Println("libtinker", tinker.Version())
	c, err := tinker.NewServiceClient()
	if err != nil {
		return err
	}
	defer c.Close()

	caps, err := c.GetServerCapabilities(ctx)
	if err != nil {
		return err
	}
	found := false
	for _, m := range caps.Models {
		found = found || m.Name == model
	}
	fmt.Println("server offers", model+":", found)

	tc, err := c.CreateLoraTrainingClient(ctx, model)
	if err != nil {
		return err
	}
	defer tc.Close()
	data := []tinker.Datum{{
		ModelInput:   tinker.TextInput([]int32{'h', 'e', 'l', 'l'}),
		LossFnInputs: map[string]tinker.Tensor{"target_tokens": tinker.Int64Tensor([]int64{'e', 'l', 'l', 'o'})},
	}}
	out, err := tc.ForwardBackward(ctx, data, "cross_entropy", nil)
	if err != nil {
		return err
	}
	if _, err := tc.OptimStep(ctx, tinker.DefaultAdamParams()); err != nil {
		return err
	}
	fmt.Println("trained one step, logprobs:", len(out.Logprobs(0)))

	sc, err := tc.SaveWeightsAndGetSamplingClient(ctx)
	if err != nil {
		return err
	}
	defer sc.Close()
	r, err := sc.Sample(ctx, tinker.TextInput([]int32{'t', 'h', 'e', ' '}), 2,
		tinker.DefaultSamplingParams().WithMaxTokens(4).WithSeed(1))
	if err != nil {
		return err
	}
	fmt.Println("sampled sequences:", len(r.Sequences))
	return nil
}
