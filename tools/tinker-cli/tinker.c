/*
 * tinker.c — `tinker`, the command-line tool for managing Tinker resources (checkpoints, training
 * runs, session traces, usage) through libtinker's public C interface: global options, command
 * dispatch, help, exit codes and error reporting. The commands live in their own files
 * (checkpoint.c, checkpoint_download.c, run.c, session.c, billing.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "output.h"

static const char program_usage[] =
    "Usage: tinker [-f|--format table|json] COMMAND [ARGS...]\n"
    "\n"
    "Manage Tinker resources from the command line.\n"
    "\n"
    "Commands:\n"
    "  checkpoint   Manage checkpoints: list, info, download, publish, unpublish, set-ttl, delete\n"
    "  run          Inspect training runs: list, info\n"
    "  session      Work with sessions: export-trace\n"
    "  billing      See your usage: usage\n"
    "  version      Print the version of libtinker\n"
    "\n"
    "Options:\n"
    "  -f, --format table|json   Output format (default: table)\n"
    "      --timeout SECONDS     Give up on each request to the service after SECONDS (exit\n"
    "                            code 3); by default the library's retry policy applies, which\n"
    "                            keeps retrying an unreachable service for about five minutes\n"
    "  -h, --help                Show this help; `tinker COMMAND --help` explains a command\n"
    "      --version             Same as `tinker version`\n"
    "  --format and --timeout are also accepted after a command's name.\n"
    "\n"
    "Environment:\n"
    "  TINKER_API_KEY    The API key (tml-...); needed by every command that talks to the service\n"
    "  TINKER_BASE_URL   The service's URL (default: the Tinker service)\n"
    "  TINKER_LOG        Library log level on stderr: debug, info, warning or error\n"
    "\n"
    "Exit codes:\n"
    "  0  success\n"
    "  1  user error: a bad argument value (e.g. a malformed tinker:// path, a TTL that is not a\n"
    "     positive integer), or the service refused the request as the caller's fault (invalid\n"
    "     argument, not found, already exists / conflict, permission denied, not authenticated),\n"
    "     or a local file or directory cannot be written\n"
    "  2  usage error: an unknown command or option, a missing or extra argument, options that\n"
    "     cannot be combined\n"
    "  3  server or network error: the service (or a download it points at) could not be\n"
    "     reached, failed, timed out, or sent something unusable (e.g. a refused archive)\n";

static const char version_usage[] =
    "Usage: tinker version\n"
    "\n"
    "Print the version of libtinker this tool runs with (JSON: {\"version\": \"...\"}).\n";

/* ---- shared services (cli.h) ------------------------------------------------------------ */

static void out_of_memory(void) {
  fputs("tinker: out of memory\n", stderr);
  exit(CLI_EXIT_SERVER);
}

void *cli_xmalloc(size_t size) {
  void *p = malloc(size ? size : 1);
  if (!p) out_of_memory();
  return p;
}

void *cli_xrealloc(void *ptr, size_t size) {
  void *p = realloc(ptr, size ? size : 1);
  if (!p) out_of_memory();
  return p;
}

char *cli_xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *copy = cli_xmalloc(n);
  memcpy(copy, s, n);
  return copy;
}

void cli_errorf(const char *fmt, ...) {
  va_list ap;
  fputs("tinker: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

int cli_exit_code_for_error(const tinker_error_t *error) {
  /* The library's category says whose fault a failure is when it knows (the server's category,
   * else 4xx = user, 5xx = server). Failures found on this side of the wire have no category:
   * their code decides. */
  switch (tinker_error_category(error)) {
    case TINKER_ERROR_CATEGORY_USER: return CLI_EXIT_USER;
    case TINKER_ERROR_CATEGORY_SERVER: return CLI_EXIT_SERVER;
    default: break;
  }
  switch (tinker_error_code(error)) {
    case TINKER_E_INVALID_ARGUMENT:
    case TINKER_E_NOT_FOUND:
    case TINKER_E_ALREADY_EXISTS:
    case TINKER_E_PERMISSION_DENIED:
    case TINKER_E_UNAUTHENTICATED:
      return CLI_EXIT_USER;
    default:
      return CLI_EXIT_SERVER;
  }
}

int cli_report_error(const char *subject, const tinker_error_t *error) {
  /* The library's messages never contain the API key (it redacts them), so they are printed
   * as they are. */
  const char *message = tinker_error_message(error);
  if (!message[0]) message = tinker_status_str(tinker_error_code(error));
  if (subject)
    cli_errorf("%s: %s", subject, message);
  else
    cli_errorf("%s", message);
  return cli_exit_code_for_error(error);
}

int cli_report_failure(tinker_status_t status) {
  const tinker_error_t *error = tinker_last_error();
  if (tinker_error_code(error) == TINKER_OK) { /* a status without a record: name the status */
    cli_errorf("%s", tinker_status_str(status));
    return CLI_EXIT_SERVER;
  }
  return cli_report_error(NULL, error);
}

int cli_open_rest_client(const cli_t *cli, tinker_service_client_t **service, tinker_rest_client_t **rest) {
  tinker_client_options_t *options = NULL;
  tinker_status_t s;
  *service = NULL;
  *rest = NULL;
  /* Without --timeout: NULL options, so the library reads TINKER_API_KEY, TINKER_BASE_URL and
   * the rest of its environment itself and applies its own retry policy, exactly as for any
   * other program. With it: a builder that sets the deadline only; its unset base URL and key
   * still default to the same environment variables. */
  if (cli->timeout_ms > 0) {
    s = tinker_client_options_new(&options);
    if (s == TINKER_OK) s = tinker_client_options_set_default_deadline_ms(options, cli->timeout_ms);
    if (s != TINKER_OK) {
      tinker_client_options_free(options);
      return cli_report_failure(s);
    }
  }
  s = tinker_service_client_new(service, options);
  tinker_client_options_free(options);
  if (s != TINKER_OK) return cli_report_failure(s);
  s = tinker_service_client_create_rest_client(*service, rest);
  if (s != TINKER_OK) {
    int rc = cli_report_failure(s);
    tinker_service_client_free(*service);
    *service = NULL;
    return rc;
  }
  return CLI_EXIT_OK;
}

void cli_close_rest_client(tinker_service_client_t *service, tinker_rest_client_t *rest) {
  tinker_rest_client_free(rest);
  tinker_service_client_free(service);
}

/* Dispatches to one of `commands` after the options that may precede a subcommand's name
 * (help and the global ones; `extra` are this level's own). `usage` is the complete help. */
static int dispatch(cli_t *cli, const char *usage, const cli_command_t *commands, cli_option_t *extra,
                    size_t extra_count, int argc, char **argv) {
  int i = 0;
  size_t c;
  int rc = cli_parse_leading_options(cli, usage, argc, argv, extra, extra_count, &i);
  if (rc != CLI_CONTINUE) return rc;
  if (extra_count > 0 && extra[0].seen) return CLI_CONTINUE; /* the caller acts on its option */
  if (i >= argc) return cli_usage_error(usage, "missing command");
  for (c = 0; commands[c].name; ++c) {
    if (strcmp(commands[c].name, argv[i]) == 0) return commands[c].run(cli, argc - i - 1, argv + i + 1);
  }
  return cli_usage_error(usage, "unknown command '%s'", argv[i]);
}

int cli_run_group(cli_t *cli, const char *usage, const cli_command_t *commands, int argc, char **argv) {
  /* The help is the group's text followed by its subcommands and their summaries. */
  size_t width = 0, length = strlen(usage) + 16, i;
  char *help, *end;
  int rc;
  for (i = 0; commands[i].name; ++i) {
    if (strlen(commands[i].name) > width) width = strlen(commands[i].name);
    length += strlen(commands[i].name) + strlen(commands[i].summary);
  }
  length += i * (width + 8);
  help = cli_xmalloc(length);
  end = help + sprintf(help, "%s\nCommands:\n", usage);
  for (i = 0; commands[i].name; ++i)
    end += sprintf(end, "  %-*s  %s\n", (int)width, commands[i].name, commands[i].summary);
  rc = dispatch(cli, help, commands, NULL, 0, argc, argv);
  free(help);
  return rc;
}

/* ---- commands --------------------------------------------------------------------------- */

static int cmd_version(cli_t *cli, int argc, char **argv) {
  cli_args_t args;
  int rc = cli_parse_args(cli, version_usage, argc, argv, NULL, 0, &args);
  if (rc != CLI_CONTINUE) return rc;
  if (args.operand_count > 0) {
    rc = cli_usage_error(version_usage, "unexpected argument '%s'", args.operands[0]);
    cli_args_free(&args);
    return rc;
  }
  cli_args_free(&args);
  if (cli->format == CLI_FORMAT_JSON) {
    cli_json_t *json = cli_json_new(stdout);
    cli_json_begin_object(json);
    cli_json_key(json, "version");
    cli_json_string(json, tinker_version_string());
    cli_json_end_object(json);
    cli_json_finish(json);
  } else {
    printf("tinker (libtinker) %s\n", tinker_version_string());
  }
  return CLI_EXIT_OK;
}

static const cli_command_t top_commands[] = {
    {"checkpoint", "Manage checkpoints", cli_checkpoint_main},
    {"run", "Inspect training runs", cli_run_main},
    {"session", "Work with sessions", cli_session_main},
    {"billing", "See your usage", cli_billing_main},
    {"version", "Print the version of libtinker", cmd_version},
    {NULL, NULL, NULL},
};

int main(int argc, char **argv) {
  /* --version is the program's own option; help and the global options are everyone's. */
  cli_option_t version_option = {"version", 0, 0, 0, NULL};
  cli_t cli;
  int rc;
  cli.format = CLI_FORMAT_TABLE;
  cli.timeout_ms = 0;
  rc = dispatch(&cli, program_usage, top_commands, &version_option, 1, argc - 1, argv + 1);
  if (rc == CLI_CONTINUE) rc = cmd_version(&cli, 0, argv + argc);
  /* A result that did not reach its reader is a failure, not a success (a full disk, a closed
   * pipe with SIGPIPE ignored). */
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_errorf("cannot write the output");
    if (rc == CLI_EXIT_OK) rc = CLI_EXIT_SERVER;
  }
  return rc;
}
