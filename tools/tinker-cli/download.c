/*
 * download.c — one file over HTTP(S) with libcurl, credentials never attached, redirects kept
 * on the same origin, the size bounded (see download.h).
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "download.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "output.h"

#define MAX_REDIRECTS 5
#define DEFAULT_CONNECT_TIMEOUT_MS 30000L
#define DEFAULT_STALL_SECONDS 60L

typedef struct transfer {
  CURL *curl;
  FILE *out;
  uint64_t written, max;
  int too_big;
  int write_errno; /* nonzero: writing `out` failed */
  const cli_download_options_t *options;
  double last_draw; /* seconds, monotonic; when the progress bar was last drawn */
  int drew;
} transfer_t;

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t on_data(char *data, size_t size, size_t count, void *arg) {
  transfer_t *t = arg;
  size_t len = size * count;
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  /* A redirect's or an error's body is not the file. */
  if (status < 200 || status >= 300) return len;
  if (len > t->max - t->written) {
    t->too_big = 1;
    return 0; /* ends the transfer with CURLE_WRITE_ERROR */
  }
  if (fwrite(data, 1, len, t->out) != len) {
    t->write_errno = errno ? errno : EIO;
    return 0;
  }
  t->written += len;
  return len;
}

static void draw(transfer_t *t, curl_off_t total, curl_off_t now) {
  char have[32], all[32];
  cli_format_size((int64_t)now, have, sizeof(have));
  /* "\r" and erase-to-end: the bar redraws itself on one line of the terminal. */
  if (total > 0) {
    cli_format_size((int64_t)total, all, sizeof(all));
    fprintf(stderr, "\r%s %3d%% %s / %s\033[K", t->options->label, (int)(now * 100 / total), have, all);
  } else {
    fprintf(stderr, "\r%s %s\033[K", t->options->label, have);
  }
  fflush(stderr);
  t->drew = 1;
}

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow) {
  transfer_t *t = arg;
  double now = now_seconds();
  long status = 0;
  (void)ultotal;
  (void)ulnow;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300 && dlnow > 0 && now - t->last_draw >= 0.2) {
    t->last_draw = now;
    draw(t, dltotal, dlnow);
  }
  return 0;
}

/* "scheme://host:port" of an http(s) URL, lowercased, into buf; 0, or -1 when it is not one. */
static int origin_of(const char *url, char *buf, size_t size) {
  CURLU *u = curl_url();
  char *scheme = NULL, *host = NULL, *port = NULL;
  int rc = -1;
  if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
      (strcasecmp(scheme, "http") == 0 || strcasecmp(scheme, "https") == 0)) {
    char *p;
    snprintf(buf, size, "%s://%s:%s", scheme, host, port);
    for (p = buf; *p; ++p)
      if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    rc = 0;
  }
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  curl_url_cleanup(u);
  return rc;
}

/* The host part of an origin, for messages (never the path or query: they hold the signature). */
static const char *host_of(const char *origin) {
  const char *p = strstr(origin, "://");
  return p ? p + 3 : origin;
}

static void setup(CURL *curl, const char *url, transfer_t *t, char *error) {
  const cli_download_options_t *o = t->options;
  char agent[96];
  snprintf(agent, sizeof(agent), "tinker-cli/%s", tinker_version_string());
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); /* libtinker's threads run beside this one */
  /* Redirects are read here and followed by hand, same origin only. */
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  /* No .netrc, no cookies, no Authorization header: the URL's signature is its authorization. */
  curl_easy_setopt(curl, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, agent);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)(o->max_bytes > INT64_MAX ? INT64_MAX : o->max_bytes));
  /* The whole transfer may take long for a big checkpoint; what is bounded is connecting and stalling. */
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, o->timeout_ms > 0 ? (long)o->timeout_ms : DEFAULT_CONNECT_TIMEOUT_MS);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                   o->timeout_ms > 0 ? (long)((o->timeout_ms + 999) / 1000) : DEFAULT_STALL_SECONDS);
  if (o->progress) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, t);
  }
}

int cli_download(const char *url, FILE *out, const cli_download_options_t *options, uint64_t *bytes) {
  char origin[512], next_origin[512], error[CURL_ERROR_SIZE], limit[32];
  char *current = cli_xstrdup(url);
  transfer_t t;
  int hop, rc = CLI_EXIT_SERVER;
  *bytes = 0;
  memset(&t, 0, sizeof(t));
  t.out = out;
  t.max = options->max_bytes;
  t.options = options;
  cli_format_size((int64_t)(options->max_bytes > INT64_MAX ? INT64_MAX : options->max_bytes), limit, sizeof(limit));
  if (origin_of(url, origin, sizeof(origin)) != 0) {
    cli_errorf("the service gave a download URL that is not http or https");
    free(current);
    return CLI_EXIT_SERVER;
  }
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    cli_errorf("cannot start libcurl");
    free(current);
    return CLI_EXIT_SERVER;
  }
  for (hop = 0; hop <= MAX_REDIRECTS; ++hop) {
    CURL *curl = curl_easy_init();
    CURLcode res;
    long status = 0;
    char *location = NULL;
    if (!curl) {
      cli_errorf("cannot start libcurl");
      break;
    }
    error[0] = '\0';
    t.curl = curl;
    setup(curl, current, &t, error);
    res = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (res == CURLE_OK && status >= 300 && status < 400 &&
        curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location) {
      if (origin_of(location, next_origin, sizeof(next_origin)) != 0 || strcmp(origin, next_origin) != 0) {
        cli_errorf("refusing to follow the download's redirect to another host (%s)",
                   origin_of(location, next_origin, sizeof(next_origin)) == 0 ? host_of(next_origin) : "not http(s)");
        curl_easy_cleanup(curl);
        break;
      }
      free(current);
      current = cli_xstrdup(location);
      curl_easy_cleanup(curl);
      if (hop == MAX_REDIRECTS) cli_errorf("the download was redirected more than %d times", MAX_REDIRECTS);
      continue;
    }
    if (t.drew) fputc('\n', stderr); /* the bar's line stays, ended */
    t.drew = 0;
    if (res == CURLE_OK && status >= 200 && status < 300) {
      *bytes = t.written;
      rc = fflush(out) == 0 ? CLI_EXIT_OK : CLI_EXIT_USER;
      if (rc != CLI_EXIT_OK) cli_errorf("cannot write the download: %s", strerror(errno));
    } else if (res == CURLE_OK) {
      cli_errorf("the download failed: HTTP %ld from %s", status, host_of(origin));
    } else if (t.too_big || res == CURLE_FILESIZE_EXCEEDED) {
      cli_errorf("the download is larger than the limit of %s", limit);
    } else if (t.write_errno) {
      cli_errorf("cannot write the download: %s", strerror(t.write_errno));
      rc = CLI_EXIT_USER;
    } else {
      cli_errorf("the download failed: %s", error[0] ? error : curl_easy_strerror(res));
    }
    curl_easy_cleanup(curl);
    break;
  }
  curl_global_cleanup();
  free(current);
  return rc;
}
