/*
 * bench_overhead: what a blocking libtinker call costs over a raw libcurl request of the same
 * bytes to the same server (docs/benchmarks.md "Targets": <= 10%).
 *
 * Side A: tinker_service_client_health_check / _get_server_capabilities (public shared lib).
 * Side B: one reused libcurl easy handle (keep-alive) sending the same GET with the same
 *         headers the library sends, checking the body.
 * Both run in this process against one private tinker-emulator, in interleaved rounds
 * (A B, B A, A B, ...) so drift in machine load hits both sides alike. Reported: the median
 * per-call latency of each side and their ratio.
 *
 * With --server-delay-ms D the emulator answers both endpoints D ms late (a "delay" fault), which
 * shows the same fixed per-call cost against a server with a realistic round trip.
 *
 * Usage: bench_overhead [-n CALLS] [--rounds R] [--warmup W] [--emulator PATH] [--no-caps]
 *                       [--server-delay-ms D]
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "tinker/tinker.h"

#define API_KEY "tml-bench-overhead-key"
#define TARGET_RATIO 1.10

struct body_buf {
  char data[4096];
  size_t len;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud) {
  struct body_buf *b = (struct body_buf *)ud;
  size_t n = size * nmemb;
  size_t room = sizeof b->data - 1 - b->len;
  size_t take = n < room ? n : room;
  memcpy(b->data + b->len, ptr, take);
  b->len += take;
  b->data[b->len] = '\0';
  return n;
}

/* The raw side: one easy handle, configured once, reused for every call. */
typedef struct raw_client {
  CURL *easy;
  struct curl_slist *headers;
  struct body_buf body;
  const char *expect; /* substring the body must contain */
} raw_client_t;

static int raw_init(raw_client_t *rc, const char *url, const char *expect) {
  memset(rc, 0, sizeof *rc);
  rc->expect = expect;
  rc->easy = curl_easy_init();
  if (rc->easy == NULL) return -1;
  /* The headers ClientContext::decorate and Call add to a GET (all but the per-call values). */
  rc->headers = curl_slist_append(rc->headers, "Accept: application/json");
  rc->headers = bench_sdk_headers(rc->headers, API_KEY, tinker_version_string(), 60);
  rc->headers = curl_slist_append(rc->headers, "Expect:");
  curl_easy_setopt(rc->easy, CURLOPT_URL, url);
  curl_easy_setopt(rc->easy, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(rc->easy, CURLOPT_HTTPHEADER, rc->headers);
  curl_easy_setopt(rc->easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(rc->easy, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(rc->easy, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(rc->easy, CURLOPT_TIMEOUT_MS, 60000L);
  curl_easy_setopt(rc->easy, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(rc->easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(rc->easy, CURLOPT_WRITEDATA, &rc->body);
  return 0;
}

static int raw_call(raw_client_t *rc) {
  long status = 0;
  rc->body.len = 0;
  rc->body.data[0] = '\0';
  CURLcode c = curl_easy_perform(rc->easy);
  if (c != CURLE_OK) {
    fprintf(stderr, "raw libcurl: %s\n", curl_easy_strerror(c));
    return -1;
  }
  curl_easy_getinfo(rc->easy, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200 || strstr(rc->body.data, rc->expect) == NULL) {
    fprintf(stderr, "raw libcurl: HTTP %ld, body %s\n", status, rc->body.data);
    return -1;
  }
  return 0;
}

static void raw_free(raw_client_t *rc) {
  curl_easy_cleanup(rc->easy);
  curl_slist_free_all(rc->headers);
}

/* The libtinker side. */
typedef enum op { OP_HEALTH, OP_CAPS } op_t;

static int tinker_call(tinker_service_client_t *client, op_t op) {
  tinker_status_t st;
  if (op == OP_HEALTH) {
    st = tinker_service_client_health_check(client);
  } else {
    tinker_server_capabilities_t *caps = NULL;
    st = tinker_service_client_get_server_capabilities(client, &caps);
    if (st == TINKER_OK && tinker_server_capabilities_model_count(caps) == 0) {
      fprintf(stderr, "libtinker: get_server_capabilities returned no models\n");
      st = TINKER_E_INTERNAL;
    }
    tinker_server_capabilities_free(caps);
  }
  if (st != TINKER_OK) {
    fprintf(stderr, "libtinker: %s: %s\n", tinker_status_str(st), tinker_error_message(tinker_last_error()));
    return -1;
  }
  return 0;
}

/* Runs `n` calls of one side, storing each latency in microseconds. */
static int run_side(int lib, tinker_service_client_t *client, op_t op, raw_client_t *rc, size_t n, double *out_us) {
  for (size_t i = 0; i < n; ++i) {
    int64_t t0 = bench_now_ns();
    int r = lib ? tinker_call(client, op) : raw_call(rc);
    int64_t t1 = bench_now_ns();
    if (r != 0) return -1;
    out_us[i] = (double)(t1 - t0) / 1000.0;
  }
  return 0;
}

static size_t count_over(const double *v, size_t n, double limit_us) {
  size_t c = 0;
  for (size_t i = 0; i < n; ++i) c += v[i] > limit_us;
  return c;
}

static double mean(const double *v, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; ++i) s += v[i];
  return n ? s / (double)n : 0;
}

/* One comparison: warm-up, then `rounds` interleaved rounds of `n` calls per side. Returns the
 * ratio of medians, or a negative number on failure. */
static double compare(const char *title, tinker_service_client_t *client, op_t op, const char *base_url,
                      const char *path, const char *expect, size_t n, int rounds, size_t warmup) {
  char url[256];
  raw_client_t rc;
  snprintf(url, sizeof url, "%s%s", base_url, path);
  if (raw_init(&rc, url, expect) != 0) return -1;

  size_t total = n * (size_t)rounds;
  double *lib_all = malloc(total * sizeof(double));
  double *raw_all = malloc(total * sizeof(double));
  double *tmp = malloc((n > warmup ? n : warmup) * sizeof(double));
  double ratio = -1;
  if (lib_all == NULL || raw_all == NULL || tmp == NULL) goto out;

  /* Warm-up: connections, the library's startup (client/config for capabilities), caches. */
  if (run_side(1, client, op, &rc, warmup, tmp) != 0 || run_side(0, client, op, &rc, warmup, tmp) != 0) goto out;

  printf("\n%s\n", title);
  printf("  %-6s %-7s %14s %14s %8s\n", "round", "order", "libtinker_us", "raw_curl_us", "ratio");
  for (int r = 0; r < rounds; ++r) {
    int lib_first = (r % 2) == 0;
    double *lib = lib_all + (size_t)r * n, *raw = raw_all + (size_t)r * n;
    for (int k = 0; k < 2; ++k) {
      int lib_now = (k == 0) == lib_first;
      if (run_side(lib_now, client, op, &rc, n, lib_now ? lib : raw) != 0) goto out;
    }
    memcpy(tmp, lib, n * sizeof(double));
    double ml = bench_median(tmp, n);
    memcpy(tmp, raw, n * sizeof(double));
    double mr = bench_median(tmp, n);
    printf("  %-6d %-7s %14.1f %14.1f %7.3fx\n", r + 1, lib_first ? "A,B" : "B,A", ml, mr, ml / mr);
  }
  double lib_mean = mean(lib_all, total), raw_mean = mean(raw_all, total);
  size_t lib_slow = count_over(lib_all, total, 100000), raw_slow = count_over(raw_all, total, 100000);
  double lib_max = bench_percentile(lib_all, total, 100), raw_max = bench_percentile(raw_all, total, 100);
  double lib_med = bench_median(lib_all, total), raw_med = bench_median(raw_all, total);
  double lib_p90 = bench_percentile(lib_all, total, 90), raw_p90 = bench_percentile(raw_all, total, 90);
  double lib_p99 = bench_percentile(lib_all, total, 99), raw_p99 = bench_percentile(raw_all, total, 99);
  ratio = lib_med / raw_med;
  printf("  all %zu calls per side:\n", total);
  printf("    libtinker : median %8.1f us   p90 %8.1f us   p99 %8.1f us   mean %8.1f us\n", lib_med, lib_p90,
         lib_p99, lib_mean);
  printf("    raw curl  : median %8.1f us   p90 %8.1f us   p99 %8.1f us   mean %8.1f us\n", raw_med, raw_p90,
         raw_p99, raw_mean);
  printf("    calls over 100 ms: libtinker %zu (max %.1f ms), raw curl %zu (max %.1f ms)\n", lib_slow, lib_max / 1000,
         raw_slow, raw_max / 1000);
  printf("    overhead  : median +%.1f us per call, mean +%.1f us per call\n", lib_med - raw_med, lib_mean - raw_mean);
  printf("  RESULT %s: libtinker/raw = %.3fx (median), %.3fx (mean); target <= %.2fx: %s\n", title, ratio,
         lib_mean / raw_mean, TARGET_RATIO, ratio <= TARGET_RATIO ? "met" : "NOT met");

out:
  free(lib_all);
  free(raw_all);
  free(tmp);
  raw_free(&rc);
  return ratio;
}

static void usage(void) {
  fprintf(stderr,
          "usage: bench_overhead [-n CALLS] [--rounds R] [--warmup W] [--emulator PATH] [--no-caps] "
          "[--server-delay-ms D]\n");
}

static size_t discard(char *ptr, size_t size, size_t nmemb, void *ud) {
  (void)ptr;
  (void)ud;
  return size * nmemb;
}

/* Makes the emulator answer every request to `path` `delay_ms` late (POST /_emulator/faults). */
static int add_delay_fault(const char *base_url, const char *path, long delay_ms) {
  char url[256], body[256];
  long status = 0;
  struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
  CURL *e = curl_easy_init();
  snprintf(url, sizeof url, "%s/_emulator/faults", base_url);
  snprintf(body, sizeof body, "{\"path\":\"%s\",\"action\":\"delay\",\"delay_ms\":%ld,\"count\":-1}", path, delay_ms);
  curl_easy_setopt(e, CURLOPT_URL, url);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
  CURLcode c = curl_easy_perform(e);
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(e);
  curl_slist_free_all(h);
  if (c != CURLE_OK || status != 200) {
    fprintf(stderr, "bench_overhead: cannot add a delay fault for %s (HTTP %ld)\n", path, status);
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  size_t n = 2000, warmup = 200;
  int rounds = 5, caps = 1;
  long server_delay_ms = 0;
  const char *emu_path = NULL;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
      n = (size_t)strtoul(argv[++i], NULL, 10);
    } else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
      rounds = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--warmup") == 0 && i + 1 < argc) {
      warmup = (size_t)strtoul(argv[++i], NULL, 10);
    } else if (strcmp(argv[i], "--emulator") == 0 && i + 1 < argc) {
      emu_path = argv[++i];
    } else if (strcmp(argv[i], "--server-delay-ms") == 0 && i + 1 < argc) {
      server_delay_ms = strtol(argv[++i], NULL, 10);
    } else if (strcmp(argv[i], "--no-caps") == 0) {
      caps = 0;
    } else {
      usage();
      return 2;
    }
  }
  if (n == 0 || rounds <= 0 || server_delay_ms < 0) {
    usage();
    return 2;
  }

  const char *path = bench_find_emulator(emu_path, "bench_overhead");
  if (path == NULL) return 2;
  bench_emulator_t emu;
  if (bench_emulator_start(&emu, path, NULL) != 0) return 1;

  curl_global_init(CURL_GLOBAL_DEFAULT);
  int rc = 1;
  tinker_client_options_t *opts = NULL;
  tinker_service_client_t *client = NULL;
  if (tinker_client_options_new(&opts) != TINKER_OK || tinker_client_options_set_base_url(opts, emu.base_url) != TINKER_OK ||
      tinker_client_options_set_api_key(opts, API_KEY) != TINKER_OK ||
      tinker_service_client_new(&client, opts) != TINKER_OK) {
    fprintf(stderr, "bench_overhead: cannot create the client: %s\n", tinker_error_message(tinker_last_error()));
    goto done;
  }

  printf("bench_overhead: %zu calls x %d rounds per side (warm-up %zu), libtinker %s, %s, emulator %s\n", n, rounds,
         warmup, tinker_version_string(), curl_version(), emu.base_url);
  if (server_delay_ms > 0) {
    if (add_delay_fault(emu.base_url, "/api/v1/healthz", server_delay_ms) != 0 ||
        add_delay_fault(emu.base_url, "/api/v1/get_server_capabilities", server_delay_ms) != 0)
      goto done;
    printf("server delay: the emulator answers each call %ld ms late\n", server_delay_ms);
  }
  bench_print_machine("at start");
  printf("A = libtinker blocking call, B = raw libcurl easy handle (keep-alive, same headers); per-call latency\n");

  if (compare("health_check (GET /api/v1/healthz)", client, OP_HEALTH, emu.base_url, "/api/v1/healthz", "\"ok\"", n,
              rounds, warmup) < 0)
    goto done;
  if (caps && compare("get_server_capabilities (GET /api/v1/get_server_capabilities)", client, OP_CAPS, emu.base_url,
                      "/api/v1/get_server_capabilities", "supported_models", n, rounds, warmup) < 0)
    goto done;
  bench_print_machine("at end");
  rc = 0;

done:
  tinker_service_client_free(client);
  tinker_client_options_free(opts);
  curl_global_cleanup();
  bench_emulator_stop(&emu);
  return rc;
}
