/*
 * make_checkpoints.c — makes checkpoints for the `tinker` CLI's test to manage, with the public
 * API: one training run on the emulator's tiny model, then a checkpoint per name given.
 *
 * Usage: make_checkpoints [meta:KEY=VALUE...] [KIND:NAME...]   (KIND: weights or sampler_weights)
 * The meta: words become the run's user metadata. Prints the training run id on the first
 * line, then each checkpoint's tinker:// path on its own line, in the order given.
 * Environment: TINKER_BASE_URL, TINKER_API_KEY.
 */
#include <stdio.h>
#include <string.h>

#include <tinker/tinker.h>

static int fail(const char *what, tinker_status_t s) {
  fprintf(stderr, "make_checkpoints: %s: %s: %s\n", what, tinker_status_str(s), tinker_error_message(tinker_last_error()));
  return 1;
}

int main(int argc, char **argv) {
  tinker_service_client_t *service = NULL;
  tinker_training_client_t *training = NULL;
  tinker_lora_config_t *lora = NULL;
  tinker_metadata_t *metadata = NULL;
  tinker_status_t s;
  int i, rc = 1;

  if ((s = tinker_service_client_new(&service, NULL))) return fail("tinker_service_client_new", s);
  /* The smallest adapter: the checkpoints only need to exist. */
  if ((s = tinker_lora_config_new(&lora)) || (s = tinker_lora_config_set_rank(lora, 1))) {
    fail("lora config", s);
    goto out;
  }
  for (i = 1; i < argc; ++i) {
    char key[128];
    const char *eq = strchr(argv[i], '=');
    if (strncmp(argv[i], "meta:", 5) != 0) continue;
    if (!eq || (size_t)(eq - argv[i] - 5) >= sizeof(key)) {
      fprintf(stderr, "make_checkpoints: '%s' is not meta:KEY=VALUE\n", argv[i]);
      goto out;
    }
    memcpy(key, argv[i] + 5, (size_t)(eq - argv[i] - 5));
    key[eq - argv[i] - 5] = '\0';
    if ((!metadata && (s = tinker_metadata_new(&metadata))) || (s = tinker_metadata_set(metadata, key, eq + 1))) {
      fail("metadata", s);
      goto out;
    }
  }
  if ((s = tinker_service_client_create_lora_training_client(service, "tinker-emulator/tiny-bigram", lora, metadata, &training))) {
    fail("create_lora_training_client", s);
    goto out;
  }
  printf("%s\n", tinker_training_client_model_id(training));
  for (i = 1; i < argc; ++i) {
    const char *colon = strchr(argv[i], ':');
    tinker_save_result_t *saved = NULL;
    if (strncmp(argv[i], "meta:", 5) == 0) continue;
    if (!colon) {
      fprintf(stderr, "make_checkpoints: '%s' is not KIND:NAME\n", argv[i]);
      goto out;
    }
    if (strncmp(argv[i], "weights:", 8) == 0)
      s = tinker_training_client_save_state(training, colon + 1, 0, 0, &saved);
    else if (strncmp(argv[i], "sampler_weights:", 16) == 0)
      s = tinker_training_client_save_weights_for_sampler(training, colon + 1, 0, &saved);
    else {
      fprintf(stderr, "make_checkpoints: unknown kind in '%s'\n", argv[i]);
      goto out;
    }
    if (s) {
      fail(argv[i], s);
      goto out;
    }
    printf("%s\n", tinker_save_result_path(saved));
    tinker_save_result_free(saved);
  }
  rc = 0;
out:
  tinker_lora_config_free(lora);
  tinker_metadata_free(metadata);
  tinker_training_client_free(training);
  tinker_service_client_free(service);
  return rc;
}
