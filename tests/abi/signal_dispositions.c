/* libtinker never changes a signal's disposition: the process's (a JVM's, a Go runtime's) belong
 * to its owner. Run with sigpipe_spy preloaded, which counts SIGPIPE changes. Two clients: one
 * freed without ever making a request (libcurl's connection cleanup then used its defaults, which
 * ignore SIGPIPE for a moment), one after a request that failed to connect. */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdio.h>

#include <tinker/tinker.h>

static int check(const char *what, tinker_status_t s, tinker_status_t want) {
  if (s == want) return 0;
  fprintf(stderr, "%s: %s, expected %s: %s\n", what, tinker_status_str(s), tinker_status_str(want),
          tinker_error_message(tinker_last_error()));
  return 1;
}

static tinker_service_client_t *new_client(void) {
  tinker_client_options_t *o = NULL;
  tinker_service_client_t *c = NULL;
  if (check("options", tinker_client_options_new(&o), TINKER_OK)) return NULL;
  /* The discard port: nothing listens, so a request fails at once. */
  check("base url", tinker_client_options_set_base_url(o, "http://127.0.0.1:9"), TINKER_OK);
  check("api key", tinker_client_options_set_api_key(o, "tml-signal-test"), TINKER_OK);
  check("retries", tinker_client_options_set_max_retries(o, 0), TINKER_OK);
  check("budget", tinker_client_options_set_retry_budget_ms(o, 0), TINKER_OK);
  check("client", tinker_service_client_new(&c, o), TINKER_OK);
  tinker_client_options_free(o);
  return c;
}

int main(void) {
  int (*changes)(void);
  tinker_service_client_t *idle, *used;
  *(void **)&changes = dlsym(RTLD_DEFAULT, "sigpipe_spy_changes");
  if (!changes) {
    fprintf(stderr, "run with the sigpipe_spy library in LD_PRELOAD\n");
    return 2;
  }
  idle = new_client();
  used = new_client();
  if (!idle || !used) return 1;
  if (tinker_service_client_health_check(used) == TINKER_OK) {
    fprintf(stderr, "a health check to a closed port succeeded\n");
    return 1;
  }
  tinker_service_client_free(idle);
  tinker_service_client_free(used);
  if (changes() != 0) {
    fprintf(stderr, "the SIGPIPE disposition was changed %d times\n", changes());
    return 1;
  }
  printf("no signal disposition changed\n");
  return 0;
}
