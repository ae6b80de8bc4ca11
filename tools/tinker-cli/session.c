/*
 * session.c — `tinker session ...`: export-trace.
 */
#define _POSIX_C_SOURCE 200809L /* isatty, fileno */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "download.h"
#include "files.h"
#include "output.h"

/* A trace is one session's requests: large, but nowhere near this. */
#define TRACE_MAX_BYTES ((uint64_t)16 << 30)

static const char group_usage[] =
    "Usage: tinker [-f|--format table|json] session COMMAND [ARGS...]\n"
    "\n"
    "Work with sessions (a session is what a service client opens; its id is in the library's\n"
    "logs and in `tinker billing usage`).\n";

static const char export_usage[] =
    "Usage: tinker session export-trace SESSION_ID [-o FILE]\n"
    "\n"
    "Export a session's trace. The service prepares it (this can take a while; --timeout\n"
    "bounds the wait) and gives a URL it downloads from: printed, or with -o downloaded to FILE\n"
    "('-' for stdout). An existing FILE is replaced once the download is complete.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE         Download the trace to FILE\n"
    CLI_COMMON_OPTIONS;

/* Downloads `url` to `file` ("-": stdout) through a temporary file beside it. */
static int download_to(cli_t *cli, const char *url, const char *file, uint64_t *bytes) {
  cli_download_options_t options;
  char *parent, *base, *temp;
  FILE *out;
  int fd, rc;
  memset(&options, 0, sizeof(options));
  options.max_bytes = TRACE_MAX_BYTES;
  options.timeout_ms = cli->timeout_ms;
  options.progress = isatty(fileno(stderr));
  options.label = "Downloading";
  if (strcmp(file, "-") == 0) return cli_download(url, stdout, &options, bytes);
  parent = cli_parent_dir(file);
  base = cli_base_name(file);
  temp = cli_temp_file_in(parent, base, "partial", &fd);
  out = temp ? fdopen(fd, "w+b") : NULL;
  if (!out) {
    cli_errorf("cannot create a file in %s: %s", parent, strerror(errno));
    if (temp) {
      close(fd);
      unlink(temp);
    }
    rc = CLI_EXIT_USER;
  } else {
    rc = cli_download(url, out, &options, bytes);
    if (fclose(out) != 0 && rc == CLI_EXIT_OK) {
      cli_errorf("cannot write %s: %s", file, strerror(errno));
      rc = CLI_EXIT_USER;
    }
    if (rc == CLI_EXIT_OK && rename(temp, file) != 0) {
      cli_errorf("cannot write %s: %s", file, strerror(errno));
      rc = CLI_EXIT_USER;
    }
    if (rc != CLI_EXIT_OK) unlink(temp);
  }
  free(temp);
  free(parent);
  free(base);
  return rc;
}

static int cmd_export_trace(cli_t *cli, int argc, char **argv) {
  cli_option_t options[] = {{"output", 'o', 1, 0, NULL}};
  const char *session_id = NULL, *file;
  tinker_service_client_t *service = NULL;
  tinker_rest_client_t *rest = NULL;
  char *url = NULL;
  uint64_t bytes = 0;
  tinker_status_t s;
  int rc = cli_parse_one_operand(cli, export_usage, argc, argv, options, 1, "the SESSION_ID", &session_id);
  if (rc != CLI_CONTINUE) return rc;
  file = options[0].seen ? options[0].value : NULL;
  if (!session_id[0] || (file && !file[0])) {
    cli_errorf("%s must not be empty", session_id[0] ? "--output" : "the SESSION_ID");
    return CLI_EXIT_USER;
  }
  rc = cli_open_rest_client(cli, &service, &rest);
  if (rc != CLI_EXIT_OK) return rc;
  s = tinker_rest_client_export_session_trace(rest, session_id, &url);
  if (s != TINKER_OK) {
    rc = cli_report_failure(s);
  } else if (file) {
    rc = download_to(cli, url, file, &bytes);
  }
  /* With "-o -" the trace itself is the output. */
  if (rc == CLI_EXIT_OK && !(file && strcmp(file, "-") == 0)) {
    if (cli->format == CLI_FORMAT_JSON) {
      cli_json_t *json = cli_json_new(stdout);
      cli_json_begin_object(json);
      cli_json_key(json, "session_id");
      cli_json_string(json, session_id);
      cli_json_key(json, "url");
      cli_json_string(json, url);
      if (file) {
        cli_json_key(json, "path");
        cli_json_string(json, file);
        cli_json_key(json, "bytes");
        cli_json_int(json, (int64_t)bytes);
      }
      cli_json_end_object(json);
      cli_json_finish(json);
    } else if (file) {
      char size[32];
      cli_format_size((int64_t)bytes, size, sizeof(size));
      printf("Saved the trace of session %s to %s (%s)\n", session_id, file, size);
    } else {
      printf("%s\n", url); /* alone on its line, for scripts */
    }
  }
  tinker_free(url);
  cli_close_rest_client(service, rest);
  return rc;
}

static const cli_command_t commands[] = {
    {"export-trace", "Export a session's trace (its URL, or the file with -o)", cmd_export_trace},
    {NULL, NULL, NULL},
};

int cli_session_main(cli_t *cli, int argc, char **argv) {
  return cli_run_group(cli, group_usage, commands, argc, argv);
}
