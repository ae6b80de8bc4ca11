// Command rl_loop is a reinforcement-learning loop with the Go binding of libtinker.
//
// Each step saves the adapter's current weights for sampling (SaveWeightsAndGetSamplingClient),
// samples a group of completions for every prompt of a batch, all groups in flight at once, scores
// each completion with a toy reward (1 if it contains the target token, else 0), and trains on
// them with the importance_sampling loss: each completion token comes with the logprob it was
// sampled with and its advantage, the completion's reward minus its group's mean. The mean reward
// per step is printed with the step's first rewarded completion, decoded; the reward rises as the
// adapter learns to emit the target token. Prompts and target are encoded with the model's
// tokenizer (TrainingClient.GetTokenizer). The program exits with status 1 when the reward did not
// rise (CTest runs it as a test).
//
// Environment: TINKER_BASE_URL and TINKER_API_KEY, and HF_ENDPOINT / HF_HUB_CACHE for the
// tokenizer files (tests/with_emulator.sh sets them all for a local tinker-emulator, which serves
// its models' tokenizers as the Hugging Face Hub does). The flags change the model and the size of
// the run; with the defaults it takes a few seconds against the emulator.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"libtinker.dev/tinker"
)

// config is the run's shape; the flags set it.
type config struct {
	baseModel    string
	steps        int
	groups       int // prompts per step
	groupSize    int // samples per prompt
	maxTokens    int
	target       string // the text whose token the reward asks for
	learningRate float64
	seed         int64
}

// prompts are text; the model's tokenizer makes them tokens.
var prompts = []string{"the cat", "a dog sat", "on the mat", "by the fire", "the log was", "it is warm",
	"we sat", "and then"}

func main() {
	cfg := config{}
	flag.StringVar(&cfg.baseModel, "model", "tinker-emulator/tiny-bigram", "base model of the LoRA run")
	flag.IntVar(&cfg.steps, "steps", 12, "training steps")
	flag.IntVar(&cfg.groups, "groups", 8, "prompts per step")
	flag.IntVar(&cfg.groupSize, "group-size", 8, "samples per prompt")
	flag.IntVar(&cfg.maxTokens, "max-tokens", 16, "tokens per sample")
	flag.StringVar(&cfg.target, "target", "e", "text of one token, which the reward asks for")
	flag.Float64Var(&cfg.learningRate, "lr", 0.01, "Adam learning rate")
	flag.Int64Var(&cfg.seed, "seed", 1, "seed of the adapter and of the samples")
	flag.Parse()
	if cfg.steps < 1 || cfg.groups < 1 || cfg.groupSize < 1 || cfg.maxTokens < 1 {
		fmt.Fprintln(os.Stderr, "rl_loop: -steps, -groups, -group-size and -max-tokens must be at least 1")
		os.Exit(2)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	rewards, err := run(ctx, cfg, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rl_loop:", err)
		os.Exit(1)
	}
	// Compare whole stretches of steps, not two single steps: rewards of a step are noisy.
	span := (len(rewards) + 3) / 4
	first, last := mean(rewards[:span]), mean(rewards[len(rewards)-span:])
	fmt.Printf("mean reward went from %.3f (first %d steps) to %.3f (last %d steps)\n", first, span, last, span)
	if !(last > first) {
		fmt.Fprintln(os.Stderr, "rl_loop: the mean reward did not rise")
		os.Exit(1)
	}
}

// run trains cfg.steps steps and returns the mean reward of each.
func run(ctx context.Context, cfg config, out io.Writer) ([]float64, error) {
	service, err := tinker.NewServiceClient()
	if err != nil {
		return nil, err
	}
	defer service.Close()
	trainer, err := service.CreateLoraTrainingClient(ctx, cfg.baseModel,
		tinker.WithLora(tinker.DefaultLoraConfig().WithSeed(cfg.seed)))
	if err != nil {
		return nil, err
	}
	defer trainer.Close()
	tok, err := trainer.GetTokenizer(ctx)
	if err != nil {
		return nil, err
	}
	defer tok.Close()
	t, err := newTask(tok, cfg.target)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "training %s on %s: %d prompts × %d samples per step, reward: contains %q\n",
		trainer.ModelID(), cfg.baseModel, cfg.groups, cfg.groupSize, cfg.target)
	var rewards []float64
	for step := 0; step < cfg.steps; step++ {
		r, shown, err := trainStep(ctx, trainer, t, cfg, step)
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", step+1, err)
		}
		rewards = append(rewards, r)
		fmt.Fprintf(out, "step %3d  mean reward %.3f  %s\n", step+1, r, shown)
	}
	return rewards, nil
}

// task is what the tokenizer gives the loop: every prompt's tokens (one batch call), the target's
// token, and the way back from tokens to text.
type task struct {
	tok     *tinker.Tokenizer
	prompts [][]int32
	target  int32
}

func newTask(tok *tinker.Tokenizer, target string) (task, error) {
	ids, err := tok.Encode(target, tinker.WithAddSpecialTokens(false))
	if err != nil {
		return task{}, err
	}
	if len(ids) != 1 {
		return task{}, fmt.Errorf("-target %q is %d tokens for this tokenizer, not one", target, len(ids))
	}
	encoded, err := tok.EncodeBatch(prompts, 0)
	if err != nil {
		return task{}, err
	}
	return task{tok: tok, prompts: encoded, target: ids[0]}, nil
}

// show decodes the first completion that earned a reward, to print it with its prompt.
func (t task) show(batch [][]int32, groups [][]tinker.SampledSequence) string {
	for g, seqs := range groups {
		for _, s := range seqs {
			if reward(s.Tokens, t.target) == 0 {
				continue
			}
			prompt, err1 := t.tok.Decode(batch[g], tinker.WithSkipSpecialTokens(true))
			completion, err2 := t.tok.Decode(s.Tokens, tinker.WithSkipSpecialTokens(true))
			if err1 != nil || err2 != nil {
				return ""
			}
			return fmt.Sprintf("%q + %q", prompt, completion)
		}
	}
	return ""
}

// trainStep samples from the current weights, scores the samples and trains on them; it returns
// the step's mean reward.
func trainStep(ctx context.Context, trainer *tinker.TrainingClient, t task, cfg config, step int) (float64, string,
	error) {
	sampler, err := trainer.SaveWeightsAndGetSamplingClient(ctx)
	if err != nil {
		return 0, "", err
	}
	defer sampler.Close()
	batch := promptBatch(t.prompts, step, cfg.groups)
	groups, err := sampleGroups(ctx, sampler, batch, cfg, step)
	if err != nil {
		return 0, "", err
	}
	var data []tinker.Datum
	total, count := 0.0, 0
	for g, seqs := range groups {
		rewards := make([]float64, len(seqs))
		for i, s := range seqs {
			rewards[i] = reward(s.Tokens, t.target)
			total += rewards[i]
			count++
		}
		data = append(data, groupDatums(batch[g], seqs, rewards)...)
	}
	if len(data) > 0 { // else every group was all alike: nothing to learn from
		if err := train(ctx, trainer, data, cfg.learningRate); err != nil {
			return 0, "", err
		}
	}
	return total / float64(count), t.show(batch, groups), nil
}

// promptBatch is the step's prompts: the list, round robin.
func promptBatch(prompts [][]int32, step, groups int) [][]int32 {
	batch := make([][]int32, groups)
	for g := range batch {
		batch[g] = prompts[(step*groups+g)%len(prompts)]
	}
	return batch
}

// sampleGroups starts one sample call of cfg.groupSize completions per prompt before it waits
// for any, so that all of them are in flight at once. Each call has its own seed, which makes the
// run reproducible.
func sampleGroups(ctx context.Context, sampler *tinker.SamplingClient, batch [][]int32, cfg config,
	step int) ([][]tinker.SampledSequence, error) {
	futures := make([]*tinker.Future[*tinker.SampleResponse], 0, len(batch))
	defer func() {
		for _, f := range futures {
			f.Close()
		}
	}()
	for g, prompt := range batch {
		params := tinker.DefaultSamplingParams().WithMaxTokens(cfg.maxTokens).WithSeed(cfg.seed + int64(step*len(batch)+g))
		f, err := sampler.SampleAsync(tinker.TextInput(prompt), cfg.groupSize, params)
		if err != nil {
			return nil, err
		}
		futures = append(futures, f)
	}
	groups := make([][]tinker.SampledSequence, len(futures))
	for g, f := range futures {
		r, err := f.Wait(ctx)
		if err != nil {
			return nil, err
		}
		groups[g] = r.Sequences
	}
	return groups, nil
}

// reward is the toy task: 1 when the completion contains the target token.
func reward(tokens []int32, target int32) float64 {
	for _, t := range tokens {
		if t == target {
			return 1
		}
	}
	return 0
}

// groupDatums makes one importance_sampling datum per completion whose advantage (its reward
// minus the group's mean) is not zero.
func groupDatums(prompt []int32, seqs []tinker.SampledSequence, rewards []float64) []tinker.Datum {
	baseline := mean(rewards)
	var data []tinker.Datum
	for i, s := range seqs {
		if advantage := rewards[i] - baseline; advantage != 0 && len(s.Tokens) > 0 {
			data = append(data, completionDatum(prompt, s, float32(advantage)))
		}
	}
	return data
}

// completionDatum is prompt + completion as next-token prediction: input token i predicts token
// i+1. Only the completion's tokens are trained: they carry the logprobs they were sampled with
// (the loss's importance ratio is exp(logprob now − logprob then)) and the advantage; the
// prompt's positions have advantage 0, which makes their terms vanish.
func completionDatum(prompt []int32, s tinker.SampledSequence, advantage float32) tinker.Datum {
	tokens := append(append(make([]int32, 0, len(prompt)+len(s.Tokens)), prompt...), s.Tokens...)
	n := len(tokens) - 1
	targets, logprobs, advantages := make([]int64, n), make([]float32, n), make([]float32, n)
	for i := range targets {
		targets[i] = int64(tokens[i+1])
	}
	for j, lp := range s.Logprobs {
		logprobs[len(prompt)-1+j] = lp
		advantages[len(prompt)-1+j] = advantage
	}
	return tinker.Datum{
		ModelInput: tinker.TextInput(tokens[:n]),
		LossFnInputs: map[string]tinker.Tensor{
			"target_tokens": tinker.Int64Tensor(targets),
			"logprobs":      tinker.Float32Tensor(logprobs),
			"advantages":    tinker.Float32Tensor(advantages),
		},
	}
}

// train runs one step: forward_backward and optim_step are submitted back to back (the server
// runs them in order), then both are awaited.
func train(ctx context.Context, trainer *tinker.TrainingClient, data []tinker.Datum, learningRate float64) error {
	fb, err := trainer.ForwardBackwardAsync(data, "importance_sampling", nil)
	if err != nil {
		return err
	}
	defer fb.Close()
	adam := tinker.DefaultAdamParams()
	adam.LearningRate = learningRate
	opt, err := trainer.OptimStepAsync(adam)
	if err != nil {
		return err
	}
	defer opt.Close()
	if _, err := fb.Wait(ctx); err != nil {
		return err
	}
	_, err = opt.Wait(ctx)
	return err
}

func mean(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}
