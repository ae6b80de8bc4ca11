/*
 * download.h — fetching a file the service points at (a signed checkpoint archive URL, a trace
 * export URL) with libcurl directly. Such URLs carry their own authorization, so nothing of
 * the caller's credentials is ever sent with them.
 */
#ifndef TINKER_CLI_DOWNLOAD_H
#define TINKER_CLI_DOWNLOAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct cli_download_options {
  uint64_t max_bytes;    /* a bigger file is refused (exit code 3) */
  int64_t timeout_ms;    /* > 0: connecting, and any stall of the transfer, ends after this long */
  int progress;          /* draw a progress bar on stderr (the caller checks it is a terminal) */
  const char *label;     /* the progress bar's label, e.g. "Downloading" */
} cli_download_options_t;

/* Downloads `url` (http or https), writing it to `out` as it comes (only the final answer's
 * body is written, so `out` need not be seekable). Redirects are followed only to the same
 * scheme, host and port (at most 5). On success returns CLI_EXIT_OK with the size in
 * *bytes. Otherwise reports the failure on stderr ("tinker: ..." — the URL itself is not shown:
 * its query is a signature) and returns CLI_EXIT_SERVER (the network or the server) or
 * CLI_EXIT_USER (writing `out` failed). */
int cli_download(const char *url, FILE *out, const cli_download_options_t *options, uint64_t *bytes);

#endif /* TINKER_CLI_DOWNLOAD_H */
