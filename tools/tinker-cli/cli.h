/*
 * cli.h — what the parts of the `tinker` command-line tool share: exit codes, the invocation
 * context, error reporting, and the command entry points.
 *
 * The tool uses only libtinker's public C interface (<tinker/tinker.h>).
 */
#ifndef TINKER_CLI_H
#define TINKER_CLI_H

#include <stdint.h>
#include <stdio.h>

#include <tinker/tinker.h>

/* Exit codes; `tinker --help` documents them, and scripts rely on them staying put. */
enum {
  CLI_EXIT_OK = 0,
  CLI_EXIT_USER = 1,   /* a bad argument value, the service refused the request (category user), or a
                          local file or directory cannot be written */
  CLI_EXIT_USAGE = 2,  /* the command line itself is malformed */
  CLI_EXIT_SERVER = 3  /* the server or the network failed (everything else) */
};

/* The options every command takes besides its own, for the end of its help. */
#define CLI_COMMON_OPTIONS                                                            \
  "  -f, --format table|json   Output format (default: table)\n"                    \
  "      --timeout SECONDS     Give up on each request after SECONDS (exit code 3)\n" \
  "  -h, --help                Show this help\n"

typedef enum cli_format { CLI_FORMAT_TABLE = 0, CLI_FORMAT_JSON = 1 } cli_format_t;

/* What every command receives: the options that apply to all of them. */
typedef struct cli {
  cli_format_t format;
  int64_t timeout_ms; /* --timeout: each operation's deadline; 0 = the library's own limits */
} cli_t;

/* A command: `run` gets the words after its own name and returns the process's exit code. */
typedef struct cli_command {
  const char *name;
  const char *summary; /* one line, for the group's help */
  int (*run)(cli_t *cli, int argc, char **argv);
} cli_command_t;

/* Prints "tinker: <formatted message>" and a newline to stderr. */
void cli_errorf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* The exit code a library error deserves (CLI_EXIT_USER or CLI_EXIT_SERVER). */
int cli_exit_code_for_error(const tinker_error_t *error);

/* Reports a failed library call from the calling thread's error record ("tinker: <message>",
 * or the status name when the library gave no message) and returns its exit code. */
int cli_report_failure(tinker_status_t status);

/* Reports `error` (a future's) prefixed by `subject` when not NULL; returns its exit code. */
int cli_report_error(const char *subject, const tinker_error_t *error);

/* Creates the service client (key and URL from the environment, as the library reads them)
 * and a REST client on it. On failure reports it and returns its exit code, with both NULL. */
int cli_open_rest_client(const cli_t *cli, tinker_service_client_t **service, tinker_rest_client_t **rest);

/* Frees what cli_open_rest_client made; NULLs are fine. */
void cli_close_rest_client(tinker_service_client_t *service, tinker_rest_client_t *rest);

/* Memory that cannot be had ends the program (exit code CLI_EXIT_SERVER): a command-line tool
 * has nothing useful left to do, and every caller stays simpler. */
void *cli_xmalloc(size_t size);
void *cli_xrealloc(void *ptr, size_t size);
char *cli_xstrdup(const char *s);

/* Runs a command group: reads the options before the subcommand's name, finds the subcommand
 * and runs it with the words after its name. `usage` is the group's help text; its
 * subcommands are listed after it. */
int cli_run_group(cli_t *cli, const char *usage, const cli_command_t *commands, int argc, char **argv);

/* The command groups: `checkpoint` (checkpoint.c, its download in checkpoint_download.c),
 * `run` (run.c), `session` (session.c), `billing` (billing.c). */
int cli_checkpoint_main(cli_t *cli, int argc, char **argv);
int cli_checkpoint_download(cli_t *cli, int argc, char **argv);
int cli_run_main(cli_t *cli, int argc, char **argv);
int cli_session_main(cli_t *cli, int argc, char **argv);
int cli_billing_main(cli_t *cli, int argc, char **argv);

#endif /* TINKER_CLI_H */
