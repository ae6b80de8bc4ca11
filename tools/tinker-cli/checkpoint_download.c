/*
 * checkpoint_download.c — `tinker checkpoint download`: ask the service for the checkpoint's
 * signed archive URL, fetch it (download.c), extract it safely (archive.c) into a fresh hidden
 * directory beside the destination, and only then move that directory into place. The
 * destination is <run-id>_<kind>_<name> in the current directory or in -o's DIR, which is
 * created with its parents if need be. A failure at any step leaves the destination as it was
 * and removes the directories made for it.
 */
#define _POSIX_C_SOURCE 200809L /* isatty, fileno, mkdtemp */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "args.h"
#include "cli.h"
#include "download.h"
#include "files.h"
#include "output.h"

static const char download_usage[] =
    "Usage: tinker checkpoint download PATH [-o DIR] [--force]\n"
    "\n"
    "Download a checkpoint's archive and extract it into a directory named after the checkpoint,\n"
    "<run-id>_<kind>_<name>, in DIR (default: the current directory). DIR and any missing parents\n"
    "of it are created. An existing checkpoint directory there must be empty unless --force is\n"
    "given, which replaces it (and all it holds) once the new files are ready. Nothing is written\n"
    "to it unless the whole archive downloads and checks out, and directories created for it are\n"
    "removed again if it does not.\n"
    "\n"
    "The archive is refused (exit code 3) if it holds anything but regular files and\n"
    "directories, a name that is absolute or has a '..' component, an entry twice, or is\n"
    "corrupt, truncated or implausibly large. The download URL is signed by the service; the\n"
    "API key is never sent to it.\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR          Extract into DIR/<run-id>_<kind>_<name>\n"
    "      --force               Replace that directory if it exists and is not empty\n"
    CLI_COMMON_OPTIONS
    "  --timeout also bounds connecting to the download and any stall of it.\n";

/* The destination's name: the path without "tinker://", '/' made '_'. */
static char *checkpoint_dir_name(const char *path) {
  char *dir = cli_xstrdup(path + strlen("tinker://")), *p;
  for (p = dir; *p; ++p)
    if (*p == '/') *p = '_';
  return dir;
}

/* `name` in the directory `output` ("a/" and "a" give "a/name", "/" gives "/name"). */
static char *path_in(const char *output, const char *name) {
  size_t n = strlen(output), size;
  char *path;
  while (n > 1 && output[n - 1] == '/') --n;
  size = n + strlen(name) + 2;
  path = cli_xmalloc(size);
  snprintf(path, size, "%.*s%s%s", (int)n, output, output[n - 1] == '/' ? "" : "/", name);
  return path;
}

/* Checks -o's DIR before anything is downloaded: a directory, or nothing yet (it is created
 * later). CLI_EXIT_OK, or a reported failure. */
static int check_output(const char *output) {
  switch (cli_path_state(output)) {
    case CLI_PATH_MISSING:
    case CLI_PATH_EMPTY_DIR:
    case CLI_PATH_NONEMPTY_DIR:
      return CLI_EXIT_OK;
    case CLI_PATH_NOT_DIR:
      cli_errorf("%s exists and is not a directory", output);
      return CLI_EXIT_USER;
    default:
      cli_errorf("cannot use %s: %s", output, strerror(errno));
      return CLI_EXIT_USER;
  }
}

/* Checks the destination before anything is downloaded. CLI_EXIT_OK, or a reported failure. */
static int check_destination(const char *dir, int force) {
  switch (cli_path_state(dir)) {
    case CLI_PATH_MISSING:
    case CLI_PATH_EMPTY_DIR:
      break;
    case CLI_PATH_NONEMPTY_DIR:
      if (force) break;
      cli_errorf("%s already exists and is not empty (use --force to replace it)", dir);
      return CLI_EXIT_USER;
    case CLI_PATH_NOT_DIR:
      cli_errorf("%s exists and is not a directory", dir);
      return CLI_EXIT_USER;
    default:
      cli_errorf("cannot use %s: %s", dir, strerror(errno));
      return CLI_EXIT_USER;
  }
  return CLI_EXIT_OK;
}

/* Puts the extracted `staging` directory at `dir`. A non-empty `dir` (only with --force) is
 * first moved aside, then removed. */
static int move_into_place(const char *staging, const char *dir, const char *parent, const char *base) {
  char *old = NULL;
  int rc = CLI_EXIT_OK;
  if (cli_path_state(dir) == CLI_PATH_NONEMPTY_DIR) {
    /* rename() onto the empty directory mkdtemp made replaces it. */
    old = cli_temp_dir_in(parent, base, "old");
    if (!old || rename(dir, old) != 0) {
      cli_errorf("cannot move %s aside to replace it: %s", dir, strerror(errno));
      if (old) rmdir(old);
      free(old);
      return CLI_EXIT_USER;
    }
  }
  /* rename() also replaces an empty directory at `dir`. */
  if (rename(staging, dir) != 0) {
    cli_errorf("cannot move the extracted files to %s: %s", dir, strerror(errno));
    rc = CLI_EXIT_USER;
    if (old && rename(old, dir) != 0) cli_errorf("the old %s is now at %s", dir, old);
  } else if (old && cli_remove_tree(old) != 0) {
    cli_errorf("warning: could not remove all of the replaced directory, now at %s", old);
  }
  free(old);
  return rc;
}

/* Fetches the archive into `file` and extracts it into `staging`; *report says what came out. */
static int fetch_and_extract(cli_t *cli, const char *url, FILE *file, const char *staging, uint64_t *archive_bytes,
                             archive_report_t *report) {
  cli_download_options_t options;
  archive_limits_t limits;
  archive_status_t status;
  int rc;
  archive_limits_default(&limits);
  memset(&options, 0, sizeof(options));
  options.max_bytes = limits.max_total_bytes; /* the archive is at most about what it holds */
  options.timeout_ms = cli->timeout_ms;
  options.progress = isatty(fileno(stderr));
  options.label = "Downloading";
  rc = cli_download(url, file, &options, archive_bytes);
  if (rc != CLI_EXIT_OK) return rc;
  if (fseek(file, 0, SEEK_SET) != 0) {
    cli_errorf("cannot read the downloaded archive: %s", strerror(errno));
    return CLI_EXIT_USER;
  }
  status = archive_extract(file, staging, &limits, report);
  if (status == ARCHIVE_OK) {
    /* mkdtemp made it private (0700); the destination is an ordinary directory. */
    mode_t mask = umask(0);
    umask(mask);
    if (chmod(staging, 0755 & ~mask) != 0) {
      cli_errorf("cannot set the mode of %s: %s", staging, strerror(errno));
      return CLI_EXIT_USER;
    }
    return CLI_EXIT_OK;
  }
  cli_errorf("%s: %s", status == ARCHIVE_E_BAD ? "the checkpoint's archive is refused" : "cannot extract the archive",
             report->error);
  /* A bad archive is the service's doing; a file that cannot be written is this machine's. */
  return status == ARCHIVE_E_BAD ? CLI_EXIT_SERVER : CLI_EXIT_USER;
}

static void print_result(cli_t *cli, const char *path, const char *dir, uint64_t archive_bytes,
                         const archive_report_t *report) {
  if (cli->format == CLI_FORMAT_JSON) {
    cli_json_t *json = cli_json_new(stdout);
    cli_json_begin_object(json);
    cli_json_key(json, "tinker_path");
    cli_json_string(json, path);
    cli_json_key(json, "destination");
    cli_json_string(json, dir);
    cli_json_key(json, "archive_bytes");
    cli_json_int(json, (int64_t)archive_bytes);
    cli_json_key(json, "file_count");
    cli_json_int(json, (int64_t)report->files);
    cli_json_key(json, "bytes");
    cli_json_int(json, (int64_t)report->bytes);
    cli_json_end_object(json);
    cli_json_finish(json);
  } else {
    char size[32];
    cli_format_size((int64_t)report->bytes, size, sizeof(size));
    printf("Downloaded %s to %s (%llu file%s, %s)\n", path, dir, (unsigned long long)report->files,
           report->files == 1 ? "" : "s", size);
  }
}

int cli_checkpoint_download(cli_t *cli, int argc, char **argv) {
  enum { OPT_OUTPUT, OPT_FORCE };
  cli_option_t options[] = {{"output", 'o', 1, 0, NULL}, {"force", 0, 0, 0, NULL}};
  const char *path = NULL, *output;
  char *dir = NULL, *parent = NULL, *base = NULL, *staging = NULL;
  cli_made_dirs_t made = {NULL, 0};
  tinker_parsed_path_t *parsed = NULL;
  tinker_service_client_t *service = NULL;
  tinker_rest_client_t *rest = NULL;
  tinker_checkpoint_archive_url_t *archive = NULL;
  archive_report_t report;
  uint64_t archive_bytes = 0;
  FILE *file = NULL;
  tinker_status_t s;
  int rc = cli_parse_one_operand(cli, download_usage, argc, argv, options, 2, "the checkpoint's PATH", &path);
  if (rc != CLI_CONTINUE) return rc;
  s = tinker_path_parse(path, &parsed);
  tinker_parsed_path_free(parsed);
  if (s != TINKER_OK) return cli_report_failure(s);
  if (options[OPT_OUTPUT].seen && !options[OPT_OUTPUT].value[0]) {
    cli_errorf("--output must not be empty");
    return CLI_EXIT_USER;
  }
  rc = CLI_EXIT_OK;
  output = options[OPT_OUTPUT].seen ? options[OPT_OUTPUT].value : NULL;
  base = checkpoint_dir_name(path);
  dir = output ? path_in(output, base) : cli_xstrdup(base);
  parent = cli_parent_dir(dir);
  /* The directory is replaced by a rename: "." and the like cannot be. */
  if (!base[0] || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || strchr(base, '/')) {
    cli_errorf("cannot extract into '%s': name a directory that can be created or replaced", dir);
    rc = CLI_EXIT_USER;
    goto done;
  }
  if (output) rc = check_output(output);
  if (rc == CLI_EXIT_OK) rc = check_destination(dir, options[OPT_FORCE].seen);
  if (rc != CLI_EXIT_OK) goto done;

  rc = cli_open_rest_client(cli, &service, &rest);
  if (rc != CLI_EXIT_OK) goto done;
  s = tinker_rest_client_get_checkpoint_archive_url_from_tinker_path(rest, path, &archive);
  if (s != TINKER_OK) {
    rc = cli_report_failure(s);
    goto done;
  }

  /* -o's DIR is made only now that there is something to put in it. */
  if (output && cli_make_dirs(parent, &made) != 0) {
    cli_errorf("cannot create the directory %s: %s", parent, strerror(errno));
    rc = CLI_EXIT_USER;
    goto done;
  }
  /* Both beside the destination: the same file system (rename works) and where the user
   * expects the space to be used, not a small /tmp. */
  file = cli_anonymous_file_in(parent);
  staging = file ? cli_temp_dir_in(parent, base, "partial") : NULL;
  if (!staging) {
    cli_errorf("cannot create a temporary file in %s: %s", parent, strerror(errno));
    rc = CLI_EXIT_USER;
    goto done;
  }
  rc = fetch_and_extract(cli, tinker_checkpoint_archive_url_url(archive), file, staging, &archive_bytes, &report);
  if (rc == CLI_EXIT_OK) rc = move_into_place(staging, dir, parent, base);
  if (rc != CLI_EXIT_OK && cli_remove_tree(staging) != 0) cli_errorf("could not remove %s", staging);
  if (rc == CLI_EXIT_OK) print_result(cli, path, dir, archive_bytes, &report);

done:
  if (file) fclose(file);
  cli_made_dirs_finish(&made, rc != CLI_EXIT_OK);
  free(staging);
  free(dir);
  free(parent);
  free(base);
  tinker_checkpoint_archive_url_free(archive);
  cli_close_rest_client(service, rest);
  return rc;
}
