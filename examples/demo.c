/*
 * demo.c — a tour of libtinker's service client and futures against a Tinker server
 * (run it against tinker-emulator; see the README's quick start).
 *
 * It checks health, lists the server's models, starts a session, then shows the three ways to
 * learn that an asynchronous operation finished: wait, a completion callback, and a completion
 * queue, plus wait_all over several futures and a deadline.
 *
 * Environment: TINKER_BASE_URL and TINKER_API_KEY.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <tinker/tinker.h>

static int check(tinker_status_t s, const char *what) {
  if (s == TINKER_OK) return 0;
  fprintf(stderr, "%s failed: %s: %s\n", what, tinker_status_str(s), tinker_error_message(tinker_last_error()));
  return 1;
}

static atomic_int callback_ran;

static void on_done(tinker_future_t *f, void *user_data) {
  /* Runs once, on the library's completion thread; it owns the future from here on. */
  tinker_server_capabilities_t *caps = NULL;
  if (tinker_future_take_server_capabilities(f, &caps) == TINKER_OK)
    printf("  callback: %s finished, %zu models\n", (const char *)user_data, tinker_server_capabilities_model_count(caps));
  tinker_server_capabilities_free(caps);
  tinker_future_free(f);
  atomic_store(&callback_ran, 1);
}

int main(void) {
  tinker_service_client_t *client = NULL;
  tinker_server_capabilities_t *caps = NULL;
  tinker_future_t *futures[4];
  tinker_completion_queue_t *queue = NULL;
  uint64_t tag = 0;
  size_t i;

  printf("libtinker %s\n", tinker_version_string());
  if (check(tinker_service_client_new(&client, NULL), "tinker_service_client_new")) return 1;

  if (check(tinker_service_client_health_check(client), "health_check")) goto fail;
  printf("server is healthy\n");

  if (check(tinker_service_client_get_server_capabilities(client, &caps), "get_server_capabilities")) goto fail;
  printf("server supports %zu models:\n", tinker_server_capabilities_model_count(caps));
  for (i = 0; i < tinker_server_capabilities_model_count(caps); ++i)
    printf("  %-32s max context %lld\n", tinker_server_capabilities_model_name(caps, i),
           (long long)tinker_server_capabilities_model_max_context_length(caps, i));
  tinker_server_capabilities_free(caps);

  if (check(tinker_service_client_start_session(client), "start_session")) goto fail;
  printf("session %s started (heartbeats run in the background)\n", tinker_service_client_session_id(client));

  printf("futures:\n");
  /* 1. start several operations at once, then wait for all of them */
  for (i = 0; i < 4; ++i)
    if (check(tinker_service_client_health_check_async(client, &futures[i]), "health_check_async")) goto fail;
  if (check(tinker_future_wait_all(futures, 4, 10000), "wait_all")) goto fail;
  printf("  wait_all: 4 health checks finished\n");
  for (i = 0; i < 4; ++i) tinker_future_free(futures[i]);

  /* 2. a completion callback */
  if (check(tinker_service_client_get_server_capabilities_async(client, &futures[0]), "capabilities_async")) goto fail;
  if (check(tinker_future_on_complete(futures[0], on_done, "get_server_capabilities", NULL), "on_complete")) goto fail;
  while (!atomic_load(&callback_ran)) {
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
  }

  /* 3. a completion queue, as language bindings use it */
  if (check(tinker_completion_queue_new(&queue), "completion_queue_new")) goto fail;
  if (check(tinker_service_client_health_check_async(client, &futures[0]), "health_check_async")) goto fail;
  tinker_future_set_completion_queue(futures[0], queue, 42);
  if (check(tinker_completion_queue_next(queue, 10000, &tag), "completion_queue_next")) goto fail;
  printf("  completion queue: tag %llu is done (%s)\n", (unsigned long long)tag,
         tinker_status_str(tinker_future_poll(futures[0])));
  tinker_future_free(futures[0]);
  tinker_completion_queue_free(queue);

  tinker_service_client_free(client); /* joins the runtime's threads */
  printf("done\n");
  return 0;

fail:
  tinker_service_client_free(client);
  return 1;
}
