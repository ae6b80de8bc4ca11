/*
 * train_sl.c — a supervised fine-tuning loop with libtinker.
 *
 * Trains a LoRA adapter on a small built-in dataset of text, tokenized with the model's own
 * tokenizer (get_tokenizer), with forward_backward and optim_step submitted back to back before
 * either is awaited (pipelining), prints the loss per step, saves the training state, loads it
 * into a fresh training client, and shows that both clients give the same loss on a held-out
 * batch.
 *
 * Environment: TINKER_BASE_URL, TINKER_API_KEY; the Hugging Face Hub's HF_ENDPOINT, HF_TOKEN,
 * HF_HUB_CACHE for the tokenizer files (the emulator serves its models' own). Optional:
 * TINKER_EXAMPLE_MODEL (default "tinker-emulator/tiny-bigram"), TINKER_EXAMPLE_STEPS (default 30).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tinker/tinker.h>

static const char *const TRAIN[] = {
    "the cat sat on the mat.",      "the dog sat on the log.",    "a cat and a dog sat together.",
    "the mat was on the floor.",    "the log was by the fire.",   "the cat sat by the fire.",
    "a dog sat on the mat.",        "the fire was warm.",
};
static const char *const HELD_OUT[] = {"the dog sat by the fire.", "a cat sat on the log."};

#define N_TRAIN (sizeof TRAIN / sizeof TRAIN[0])
#define N_HELD (sizeof HELD_OUT / sizeof HELD_OUT[0])
#define MAX_LEN 64

/* Arrays the batch borrows: they live as long as the batch is used. */
struct example {
  int64_t input[MAX_LEN];
  int64_t target[MAX_LEN];
  float weight[MAX_LEN];
  size_t n;
};

static int fail(const char *what, tinker_status_t s) {
  fprintf(stderr, "%s failed: %s: %s\n", what, tinker_status_str(s), tinker_error_message(tinker_last_error()));
  return 1;
}

/* Next-token prediction on the tokens of `text`: input[i] predicts target[i] = token i+1. */
static tinker_status_t build_batch(const tinker_tokenizer_t *tokenizer, const char *const *texts, size_t count,
                                   struct example *ex, tinker_batch_t **out) {
  tinker_status_t s = tinker_batch_new(out);
  size_t i, j;
  for (i = 0; s == TINKER_OK && i < count; ++i) {
    tinker_model_input_t *mi = NULL;
    tinker_datum_t *d = NULL;
    int32_t *ids = NULL;
    size_t len = 0;
    s = tinker_tokenizer_encode(tokenizer, texts[i], strlen(texts[i]), 1, &ids, &len);
    if (s != TINKER_OK) break;
    if (len > MAX_LEN) len = MAX_LEN;
    ex[i].n = len > 0 ? len - 1 : 0;
    for (j = 0; j + 1 < len; ++j) {
      ex[i].input[j] = ids[j];
      ex[i].target[j] = ids[j + 1];
      ex[i].weight[j] = 1.0f;
    }
    tinker_free(ids);
    s = tinker_model_input_new(&mi);
    if (s == TINKER_OK) s = tinker_model_input_add_text_int64(mi, ex[i].input, ex[i].n);
    if (s == TINKER_OK) s = tinker_datum_new(&d, mi);
    if (s == TINKER_OK) s = tinker_datum_add_tensor_int64(d, "target_tokens", ex[i].target, ex[i].n, NULL, 0);
    if (s == TINKER_OK) s = tinker_datum_add_tensor_float32(d, "weights", ex[i].weight, ex[i].n, NULL, 0);
    if (s == TINKER_OK) s = tinker_batch_add(*out, d);
    tinker_datum_free(d);
    tinker_model_input_free(mi);
  }
  return s;
}

static size_t total_tokens(const struct example *ex, size_t count) {
  size_t i, n = 0;
  for (i = 0; i < count; ++i) n += ex[i].n;
  return n;
}

/* Mean loss per token of a forward / forward_backward output ("loss:sum" / tokens). */
static double mean_loss(const tinker_forward_backward_output_t *out, size_t tokens) {
  double sum = NAN;
  tinker_metrics_get(tinker_forward_backward_output_metrics(out), "loss:sum", &sum);
  return sum / (double)tokens;
}

static tinker_status_t held_out_loss(tinker_training_client_t *tc, const tinker_batch_t *batch, size_t tokens, double *loss) {
  tinker_forward_backward_output_t *out = NULL;
  tinker_status_t s = tinker_training_client_forward(tc, batch, "cross_entropy", NULL, &out);
  if (s == TINKER_OK) *loss = mean_loss(out, tokens);
  tinker_forward_backward_output_free(out);
  return s;
}

int main(void) {
  static struct example train[N_TRAIN], held[N_HELD];
  const char *model = getenv("TINKER_EXAMPLE_MODEL") ? getenv("TINKER_EXAMPLE_MODEL") : "tinker-emulator/tiny-bigram";
  int steps = getenv("TINKER_EXAMPLE_STEPS") ? atoi(getenv("TINKER_EXAMPLE_STEPS")) : 30;
  tinker_service_client_t *service = NULL;
  tinker_training_client_t *tc = NULL, *restored = NULL;
  tinker_tokenizer_t *tokenizer = NULL;
  tinker_batch_t *train_batch = NULL, *held_batch = NULL;
  tinker_lora_config_t *lora = NULL;
  tinker_adam_params_t *adam = NULL;
  tinker_save_result_t *saved = NULL;
  tinker_status_t s;
  double first = 0, last = 0, before = 0, after = 0;
  int step, rc = 1;

  if ((s = tinker_service_client_new(&service, NULL))) return fail("tinker_service_client_new", s);
  tinker_lora_config_new(&lora);
  tinker_lora_config_set_rank(lora, 16);
  tinker_lora_config_set_seed(lora, 1);
  if ((s = tinker_service_client_create_lora_training_client(service, model, lora, NULL, &tc))) {
    fail("create_lora_training_client", s);
    goto done;
  }
  /* The model's tokenizer: fetched from the Hugging Face Hub into its cache once, then read from it. */
  if ((s = tinker_training_client_get_tokenizer(tc, &tokenizer))) {
    fail("get_tokenizer", s);
    goto done;
  }
  if ((s = build_batch(tokenizer, TRAIN, N_TRAIN, train, &train_batch)) ||
      (s = build_batch(tokenizer, HELD_OUT, N_HELD, held, &held_batch))) {
    fail("building the batches", s);
    goto done;
  }
  printf("training run %s on %s: %zu examples, %zu tokens to predict, %d steps\n",
         tinker_training_client_model_id(tc), model, N_TRAIN, total_tokens(train, N_TRAIN), steps);

  tinker_adam_params_new(&adam);
  tinker_adam_params_set_learning_rate(adam, 0.05);
  for (step = 1; step <= steps; ++step) {
    tinker_future_t *fb = NULL, *opt = NULL;
    tinker_forward_backward_output_t *out = NULL;
    double loss;
    /* Submit both before waiting: the server runs them in order, without a round trip between. */
    if ((s = tinker_training_client_forward_backward_async(tc, train_batch, "cross_entropy", NULL, &fb)) ||
        (s = tinker_training_client_optim_step_async(tc, adam, &opt))) {
      fail("submitting a step", s);
      tinker_future_free(fb);
      goto done;
    }
    s = tinker_future_wait(fb, -1);
    if (s == TINKER_OK) s = tinker_future_take_forward_backward_output(fb, &out);
    if (s == TINKER_OK) s = tinker_future_wait(opt, -1);
    tinker_future_free(fb);
    tinker_future_free(opt);
    if (s != TINKER_OK) {
      fail("training step", s);
      tinker_forward_backward_output_free(out);
      goto done;
    }
    loss = mean_loss(out, total_tokens(train, N_TRAIN));
    tinker_forward_backward_output_free(out);
    if (step == 1) first = loss;
    last = loss;
    printf("step %3d  loss %.4f\n", step, loss);
  }
  printf("loss fell from %.4f to %.4f\n", first, last);

  if ((s = tinker_training_client_save_state(tc, "train-sl-final", 0, 1, &saved))) {
    fail("save_state", s);
    goto done;
  }
  printf("saved %s\n", tinker_save_result_path(saved));
  if ((s = held_out_loss(tc, held_batch, total_tokens(held, N_HELD), &before))) {
    fail("forward (held-out)", s);
    goto done;
  }
  if ((s = tinker_service_client_create_training_client_from_state(service, tinker_save_result_path(saved), NULL, NULL,
                                                                   NULL, &restored))) {
    fail("create_training_client_from_state", s);
    goto done;
  }
  if ((s = held_out_loss(restored, held_batch, total_tokens(held, N_HELD), &after))) {
    fail("forward (held-out, restored)", s);
    goto done;
  }
  printf("held-out loss: trained client %.6f, restored client %.6f\n", before, after);
  rc = (last < first && fabs(before - after) < 1e-6) ? 0 : 1;
  if (rc) fprintf(stderr, "unexpected: the loss did not fall, or the restored client differs\n");

done:
  tinker_save_result_free(saved);
  tinker_adam_params_free(adam);
  tinker_lora_config_free(lora);
  tinker_batch_free(train_batch);
  tinker_batch_free(held_batch);
  tinker_tokenizer_free(tokenizer);
  tinker_training_client_free(restored);
  tinker_training_client_free(tc);
  tinker_service_client_free(service);
  return rc;
}
