/*
 * rl_loop.c — a reinforcement-learning loop with libtinker.
 *
 * Each step: save the current weights as a sampler (save_weights_and_get_sampling_client), fire
 * every sample of the step at once (GROUPS prompts × SAMPLES continuations each, all _async),
 * score each continuation with a toy reward (how often it contains the target byte), turn the
 * rewards into advantages (reward minus its group's mean), and train on the sampled tokens with
 * the importance_sampling loss: forward_backward and optim_step, submitted back to back. Prompts
 * are encoded and the best continuation of each step decoded with the sampler's tokenizer
 * (get_tokenizer). The mean reward is printed per step; it rises as the policy learns to emit
 * the target.
 *
 * Environment: TINKER_BASE_URL, TINKER_API_KEY; the Hugging Face Hub's HF_ENDPOINT, HF_TOKEN,
 * HF_HUB_CACHE for the tokenizer files (the emulator serves its models' own). Optional:
 * TINKER_EXAMPLE_MODEL (default "tinker-emulator/tiny-bigram"), TINKER_EXAMPLE_STEPS (default 12).
 * Exits 0 when the mean reward of the last steps is above that of the first ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tinker/tinker.h>

#define GROUPS 4         /* prompts per step */
#define SAMPLES 8        /* continuations per prompt */
#define MAX_TOKENS 12    /* tokens per continuation */
#define MAX_PROMPT 16
#define TARGET "e"       /* the text whose token the reward counts */

static const char *const PROMPTS[GROUPS] = {"the cat ", "a dog ", "one day ", "we sat "};

/* One sampled continuation, as training needs it. */
struct rollout {
  int32_t tokens[MAX_TOKENS];
  float logprobs[MAX_TOKENS];
  size_t n;
  double reward;
};

/* The arrays one datum borrows until forward_backward returns. */
struct datum_arrays {
  int64_t input[MAX_PROMPT + MAX_TOKENS];
  int64_t target[MAX_PROMPT + MAX_TOKENS];
  float logprobs[MAX_PROMPT + MAX_TOKENS];
  float advantages[MAX_PROMPT + MAX_TOKENS];
};

static int fail(const char *what, tinker_status_t s) {
  fprintf(stderr, "%s failed: %s: %s\n", what, tinker_status_str(s), tinker_error_message(tinker_last_error()));
  return 1;
}

/* A prompt as token ids (a model input borrows them: they live as long as the prompt is used). */
struct prompt {
  int32_t ids[MAX_PROMPT];
  size_t n;
};

static double reward_of(const int32_t *tokens, size_t n, int32_t target) {
  size_t i, hits = 0;
  for (i = 0; i < n; ++i) hits += tokens[i] == target;
  return (double)hits;
}

/* Fires every group's sample at once, then waits for all of them and copies the rollouts. */
static tinker_status_t sample_step(tinker_sampling_client_t *sc, tinker_model_input_t *const *prompts,
                                   const tinker_sampling_params_t *params, int32_t target,
                                   struct rollout out[GROUPS][SAMPLES]) {
  tinker_future_t *futures[GROUPS] = {NULL};
  tinker_status_t s = TINKER_OK;
  size_t g, k;
  for (g = 0; g < GROUPS && s == TINKER_OK; ++g)
    s = tinker_sampling_client_sample_async(sc, prompts[g], SAMPLES, params, 0, 0, &futures[g]);
  if (s == TINKER_OK) s = tinker_future_wait_all(futures, GROUPS, -1);
  for (g = 0; g < GROUPS && s == TINKER_OK; ++g) {
    tinker_sample_response_t *r = NULL;
    s = tinker_future_take_sample_response(futures[g], &r);
    for (k = 0; k < SAMPLES && s == TINKER_OK; ++k) {
      struct rollout *ro = &out[g][k];
      size_t written = 0;
      s = tinker_sample_response_copy_tokens(r, k, ro->tokens, MAX_TOKENS, &ro->n);
      if (s == TINKER_OK) s = tinker_sample_response_copy_logprobs(r, k, ro->logprobs, MAX_TOKENS, &written);
      ro->reward = reward_of(ro->tokens, ro->n, target);
    }
    tinker_sample_response_free(r);
  }
  for (g = 0; g < GROUPS; ++g) tinker_future_free(futures[g]);
  return s;
}

/* One importance_sampling datum: the prompt and the continuation as input, next tokens as targets;
 * the sampler's logprobs and the advantage on the continuation's positions, zero on the prompt's. */
static tinker_status_t add_datum(tinker_batch_t *batch, const struct prompt *prompt, const struct rollout *ro,
                                 double advantage, struct datum_arrays *a) {
  const size_t p = prompt->n, n = p + ro->n - 1;
  tinker_model_input_t *mi = NULL;
  tinker_datum_t *d = NULL;
  tinker_status_t s;
  size_t i;
  for (i = 0; i < n; ++i) {
    a->input[i] = i < p ? prompt->ids[i] : ro->tokens[i - p];
    a->target[i] = i + 1 < p ? prompt->ids[i + 1] : ro->tokens[i + 1 - p];
    a->logprobs[i] = i + 1 < p ? 0.0f : ro->logprobs[i + 1 - p];
    a->advantages[i] = i + 1 < p ? 0.0f : (float)advantage;
  }
  s = tinker_model_input_new(&mi);
  if (s == TINKER_OK) s = tinker_model_input_add_text_int64(mi, a->input, n);
  if (s == TINKER_OK) s = tinker_datum_new(&d, mi);
  if (s == TINKER_OK) s = tinker_datum_add_tensor_int64(d, "target_tokens", a->target, n, NULL, 0);
  if (s == TINKER_OK) s = tinker_datum_add_tensor_float32(d, "logprobs", a->logprobs, n, NULL, 0);
  if (s == TINKER_OK) s = tinker_datum_add_tensor_float32(d, "advantages", a->advantages, n, NULL, 0);
  if (s == TINKER_OK) s = tinker_batch_add(batch, d);
  tinker_datum_free(d);
  tinker_model_input_free(mi);
  return s;
}

/* Prints the prompt and the continuation with the highest reward of the step, decoded. */
static tinker_status_t print_best(const tinker_tokenizer_t *tokenizer, const struct rollout rollouts[GROUPS][SAMPLES]) {
  size_t g, k, bg = 0, bk = 0, length = 0, i;
  char *text = NULL;
  tinker_status_t s;
  for (g = 0; g < GROUPS; ++g)
    for (k = 0; k < SAMPLES; ++k)
      if (rollouts[g][k].reward > rollouts[bg][bk].reward) bg = g, bk = k;
  s = tinker_tokenizer_decode(tokenizer, rollouts[bg][bk].tokens, rollouts[bg][bk].n, 1, &length, &text);
  if (s == TINKER_OK) {
    for (i = 0; i < length; ++i)  /* a young policy emits any byte: keep the line readable */
      if ((unsigned char)text[i] < 0x20 || text[i] == 0x7F) text[i] = '.';
    printf("  best: \"%s\" + \"%.*s\"\n", PROMPTS[bg], (int)length, text);
  }
  tinker_free(text);
  return s;
}

/* Trains on one step's rollouts; returns their mean reward in *mean. */
static tinker_status_t train_step(tinker_training_client_t *tc, const tinker_adam_params_t *adam,
                                  const struct prompt *prompts, struct rollout rollouts[GROUPS][SAMPLES],
                                  double *mean) {
  static struct datum_arrays arrays[GROUPS][SAMPLES];
  tinker_batch_t *batch = NULL;
  tinker_future_t *fb = NULL, *opt = NULL;
  tinker_status_t s = tinker_batch_new(&batch);
  size_t g, k;
  *mean = 0;
  for (g = 0; g < GROUPS && s == TINKER_OK; ++g) {
    double group_mean = 0;
    for (k = 0; k < SAMPLES; ++k) group_mean += rollouts[g][k].reward / SAMPLES;
    *mean += group_mean / GROUPS;
    for (k = 0; k < SAMPLES && s == TINKER_OK; ++k)
      if (rollouts[g][k].n > 0)
        s = add_datum(batch, &prompts[g], &rollouts[g][k], rollouts[g][k].reward - group_mean, &arrays[g][k]);
  }
  /* The batch is encoded when the call returns: it may be freed at once. */
  if (s == TINKER_OK) s = tinker_training_client_forward_backward_async(tc, batch, "importance_sampling", NULL, &fb);
  if (s == TINKER_OK) s = tinker_training_client_optim_step_async(tc, adam, &opt);
  tinker_batch_free(batch);
  if (s == TINKER_OK) s = tinker_future_wait(fb, -1);
  if (s == TINKER_OK) s = tinker_future_wait(opt, -1);
  tinker_future_free(fb);
  tinker_future_free(opt);
  return s;
}

/* Gets the sampler's tokenizer; encodes the prompts into model inputs and TARGET into its token. */
static tinker_status_t encode_prompts(tinker_sampling_client_t *sc, tinker_tokenizer_t **tokenizer,
                                      struct prompt ids[GROUPS], tinker_model_input_t *prompts[GROUPS],
                                      int32_t *target) {
  int32_t *t = NULL;
  size_t n = 0, g;
  tinker_status_t s = tinker_sampling_client_get_tokenizer(sc, tokenizer);
  if (s == TINKER_OK) s = tinker_tokenizer_encode(*tokenizer, TARGET, strlen(TARGET), 0, &t, &n);
  if (s == TINKER_OK) *target = n == 1 ? t[0] : -1;  /* a target of several tokens is never one sample */
  tinker_free(t);
  for (g = 0; g < GROUPS && s == TINKER_OK; ++g) {
    int32_t *p = NULL;
    s = tinker_tokenizer_encode(*tokenizer, PROMPTS[g], strlen(PROMPTS[g]), 1, &p, &n);
    if (s == TINKER_OK) {
      ids[g].n = n < MAX_PROMPT ? n : MAX_PROMPT;
      memcpy(ids[g].ids, p, ids[g].n * sizeof(int32_t));
      s = tinker_model_input_new(&prompts[g]);
    }
    if (s == TINKER_OK) s = tinker_model_input_add_text_int32(prompts[g], ids[g].ids, ids[g].n);
    tinker_free(p);
  }
  return s;
}

int main(void) {
  static struct rollout rollouts[GROUPS][SAMPLES];
  static struct prompt prompt_ids[GROUPS];
  const char *model = getenv("TINKER_EXAMPLE_MODEL") ? getenv("TINKER_EXAMPLE_MODEL") : "tinker-emulator/tiny-bigram";
  const int steps = getenv("TINKER_EXAMPLE_STEPS") ? atoi(getenv("TINKER_EXAMPLE_STEPS")) : 12;
  tinker_service_client_t *service = NULL;
  tinker_training_client_t *tc = NULL;
  tinker_model_input_t *prompts[GROUPS] = {NULL};
  tinker_sampling_params_t *params = NULL;
  tinker_adam_params_t *adam = NULL;
  tinker_lora_config_t *lora = NULL;
  tinker_tokenizer_t *tokenizer = NULL;
  int32_t target = -1;
  tinker_status_t s;
  double early = 0, late = 0;
  const int window = steps >= 6 ? 3 : 1;
  int step, g, rc = 1;

  if ((s = tinker_service_client_new(&service, NULL))) return fail("tinker_service_client_new", s);
  tinker_lora_config_new(&lora);
  tinker_lora_config_set_rank(lora, 8);
  tinker_lora_config_set_seed(lora, 3);
  if ((s = tinker_service_client_create_lora_training_client(service, model, lora, NULL, &tc))) {
    fail("create_lora_training_client", s);
    goto done;
  }
  tinker_sampling_params_new(&params);
  tinker_sampling_params_set_max_tokens(params, MAX_TOKENS);
  tinker_adam_params_new(&adam);
  tinker_adam_params_set_learning_rate(adam, 0.05);
  printf("RL on %s: %d steps of %d prompts x %d samples; reward = occurrences of \"%s\"\n", model, steps, GROUPS,
         SAMPLES, TARGET);

  for (step = 1; step <= steps; ++step) {
    tinker_sampling_client_t *sc = NULL;
    double mean = 0;
    if ((s = tinker_training_client_save_weights_and_get_sampling_client(tc, NULL, &sc))) {
      fail("save_weights_and_get_sampling_client", s);
      goto done;
    }
    /* The first sampler's tokenizer (its base model's, from the Hugging Face Hub or its cache)
     * encodes the prompts and the target, and decodes what is sampled. */
    if (!tokenizer && (s = encode_prompts(sc, &tokenizer, prompt_ids, prompts, &target))) {
      tinker_sampling_client_free(sc);
      fail("get_tokenizer", s);
      goto done;
    }
    /* A seed per step makes the run repeat exactly: the same samples, so the same training. */
    tinker_sampling_params_set_seed(params, step);
    s = sample_step(sc, prompts, params, target, rollouts);
    tinker_sampling_client_free(sc);
    if (s != TINKER_OK) {
      fail("sampling", s);
      goto done;
    }
    if ((s = train_step(tc, adam, prompt_ids, rollouts, &mean))) {
      fail("training step", s);
      goto done;
    }
    if (step <= window) early += mean / window;
    if (step > steps - window) late += mean / window;
    printf("step %3d  mean reward %.3f\n", step, mean);
    if ((s = print_best(tokenizer, rollouts))) {
      fail("decode", s);
      goto done;
    }
  }
  printf("mean reward: first %d steps %.3f, last %d steps %.3f\n", window, early, window, late);
  rc = late > early ? 0 : 1;
  if (rc) fprintf(stderr, "unexpected: the reward did not rise\n");

done:
  for (g = 0; g < GROUPS; ++g) tinker_model_input_free(prompts[g]);
  tinker_sampling_params_free(params);
  tinker_adam_params_free(adam);
  tinker_lora_config_free(lora);
  tinker_tokenizer_free(tokenizer);
  tinker_training_client_free(tc);
  tinker_service_client_free(service);
  return rc;
}
