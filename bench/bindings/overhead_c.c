/*
 * overhead_c: the C baseline of the bindings' overhead benchmark (bench/bindings/run.sh).
 *
 * The Go, Ruby and Java programs measure the same three things through their idiomatic layers
 * against the same emulator; run.sh divides their figures by these. Reads TINKER_BASE_URL and
 * TINKER_API_KEY; `--quick` makes the counts small (a smoke run, not figures to quote).
 * Prints exactly:
 *   crossing_ns       mean ns of one tinker_version_number() call (the cheapest library call)
 *   blocking_call_us  median us of one blocking get_server_capabilities (after a warm-up)
 *   futures_1000_ms   median ms of: start 1,000 get_server_capabilities_async, wait for all
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "tinker/tinker.h"

#define FANOUT 1000

static int fail(const char *what) {
  fprintf(stderr, "overhead_c: %s: %s\n", what, tinker_error_message(tinker_last_error()));
  return 1;
}

/* The compiler must not drop the calls: their sum is printed to stderr. */
static double crossing_ns(long calls, long *sink) {
  int64_t t0 = bench_now_ns();
  for (long i = 0; i < calls; i++) *sink += tinker_version_number();
  return (double)(bench_now_ns() - t0) / (double)calls;
}

static int blocking_call_us(tinker_service_client_t *svc, int warmup, int calls, double *out) {
  double *us = malloc(sizeof *us * (size_t)calls);
  if (us == NULL) return -1;
  for (int i = 0; i < warmup + calls; i++) {
    tinker_server_capabilities_t *caps = NULL;
    int64_t t0 = bench_now_ns();
    if (tinker_service_client_get_server_capabilities(svc, &caps) != TINKER_OK) {
      free(us);
      return -1;
    }
    if (i >= warmup) us[i - warmup] = (double)(bench_now_ns() - t0) / 1e3;
    tinker_server_capabilities_free(caps);
  }
  *out = bench_median(us, (size_t)calls);
  free(us);
  return 0;
}

static int fanout_ms(tinker_service_client_t *svc, double *out) {
  static tinker_future_t *futures[FANOUT];
  int64_t t0 = bench_now_ns();
  for (int i = 0; i < FANOUT; i++) {
    if (tinker_service_client_get_server_capabilities_async(svc, &futures[i]) != TINKER_OK) return -1;
  }
  int rc = tinker_future_wait_all(futures, FANOUT, 120000) == TINKER_OK ? 0 : -1;
  *out = (double)(bench_now_ns() - t0) / 1e6;
  for (int i = 0; i < FANOUT; i++) {
    tinker_server_capabilities_t *caps = NULL;
    if (rc == 0 && tinker_future_take_server_capabilities(futures[i], &caps) != TINKER_OK) rc = -1;
    tinker_server_capabilities_free(caps);
    tinker_future_free(futures[i]);
  }
  return rc;
}

int main(int argc, char **argv) {
  int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
  const char *url = getenv("TINKER_BASE_URL");
  const char *key = getenv("TINKER_API_KEY");
  if (url == NULL || key == NULL) {
    fprintf(stderr, "overhead_c: set TINKER_BASE_URL and TINKER_API_KEY (bench/bindings/run.sh does)\n");
    return 2;
  }
  tinker_client_options_t *opts = NULL;
  tinker_service_client_t *svc = NULL;
  if (tinker_client_options_new(&opts) != TINKER_OK || tinker_client_options_set_base_url(opts, url) != TINKER_OK ||
      tinker_client_options_set_api_key(opts, key) != TINKER_OK || tinker_service_client_new(&svc, opts) != TINKER_OK) {
    return fail("client");
  }
  tinker_client_options_free(opts);

  long sink = 0;
  double cross = crossing_ns(quick ? 10000 : 1000000, &sink);
  double call_us = 0;
  if (blocking_call_us(svc, quick ? 5 : 200, quick ? 50 : 2000, &call_us) != 0) return fail("get_server_capabilities");
  int rounds = quick ? 1 : 5;
  double ms[5];
  for (int r = 0; r < rounds; r++) {
    if (fanout_ms(svc, &ms[r]) != 0) return fail("get_server_capabilities_async x1000");
  }
  tinker_service_client_free(svc);
  fprintf(stderr, "overhead_c: version sum %ld\n", sink);
  printf("crossing_ns %.2f\nblocking_call_us %.1f\nfutures_1000_ms %.1f\n", cross, call_us, bench_median(ms, (size_t)rounds));
  return 0;
}
