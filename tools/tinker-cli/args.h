/*
 * args.h — parsing one command's words: its options, its operands, and the options every
 * command accepts (-h/--help, -f/--format, --timeout).
 */
#ifndef TINKER_CLI_ARGS_H
#define TINKER_CLI_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/* Returned by the parsers when the command should go on; any other value is the exit code to
 * end with (help was printed: 0; a problem was reported: CLI_EXIT_USAGE or CLI_EXIT_USER). */
#define CLI_CONTINUE (-1)

/* One option of a command. The parser fills `seen` and `value` (the last occurrence wins). */
typedef struct cli_option {
  const char *name;  /* long name without "--", e.g. "run-id" */
  char short_name;   /* e.g. 'y'; 0 for none */
  int takes_value;   /* 1: "--name VALUE" or "--name=VALUE"; 0: a flag */
  int seen;
  const char *value; /* borrowed from argv */
} cli_option_t;

typedef struct cli_args {
  const char **operands; /* borrowed from argv; the array is the parser's (cli_args_free) */
  size_t operand_count;
} cli_args_t;

/* Parses argv[0..argc), the words after the command's name. Options may come before, between
 * or after operands; "--" ends them. -h/--help anywhere prints `usage` to stdout and returns 0;
 * an unknown option or a missing value reports the problem and `usage` on stderr and returns
 * CLI_EXIT_USAGE; the global options set `cli`. Otherwise returns CLI_CONTINUE, and the caller
 * frees `out` with cli_args_free (on any other return there is nothing to free). */
int cli_parse_args(cli_t *cli, const char *usage, int argc, char **argv, cli_option_t *options,
                   size_t option_count, cli_args_t *out);

/* As cli_parse_args for a command group: reads options only up to the first operand (the
 * subcommand's name, whose own options follow it) and sets *consumed to the number of words
 * read; -h/--help counts only before that operand. */
int cli_parse_leading_options(cli_t *cli, const char *usage, int argc, char **argv, cli_option_t *options,
                              size_t option_count, int *consumed);

void cli_args_free(cli_args_t *args);

/* As cli_parse_args for a command taking exactly one operand (`what` names it in the message
 * when it is missing); on CLI_CONTINUE *operand is it (borrowed from argv) and nothing is left
 * to free. */
int cli_parse_one_operand(cli_t *cli, const char *usage, int argc, char **argv, cli_option_t *options,
                          size_t option_count, const char *what, const char **operand);

/* Reports a usage problem ("tinker: <message>") and `usage` on stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Reads a whole decimal integer (optional sign, no spaces, no trailing text) within int64_t;
 * 0 when `text` is not one. */
int cli_parse_int64(const char *text, int64_t *out);

#endif /* TINKER_CLI_ARGS_H */
