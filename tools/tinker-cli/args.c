/*
 * args.c — parsing one command's words (see args.h).
 */
#include "args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_usage_error(const char *usage, const char *fmt, ...) {
  va_list ap;
  fputs("tinker: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\n\n", stderr);
  fputs(usage, stderr);
  return CLI_EXIT_USAGE;
}

int cli_parse_int64(const char *text, int64_t *out) {
  char *end = NULL;
  long long v;
  /* strtoll skips leading blanks and reads "" as 0; neither is a number on a command line. */
  if (text[0] == '\0' || text[0] == ' ' || text[0] == '\t') return 0;
  errno = 0;
  v = strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0') return 0;
  *out = (int64_t)v;
  return 1;
}

static int is_help(const char *word) { return strcmp(word, "-h") == 0 || strcmp(word, "--help") == 0; }

static int is_operand(const char *word) { return word[0] != '-' || word[1] == '\0'; /* "-" alone: by convention */ }

/* The option `word` names: "--name", "--name=value" (*inline_value set) or "-c". NULL if none. */
static cli_option_t *find_option(const char *word, cli_option_t *options, size_t count, const char **inline_value) {
  size_t i;
  *inline_value = NULL;
  if (word[0] == '-' && word[1] == '-') {
    const char *name = word + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    for (i = 0; i < count; ++i) {
      if (strlen(options[i].name) == len && strncmp(options[i].name, name, len) == 0) {
        if (eq) *inline_value = eq + 1;
        return &options[i];
      }
    }
    return NULL;
  }
  if (word[0] == '-' && word[1] != '\0' && word[2] == '\0') {
    for (i = 0; i < count; ++i)
      if (options[i].short_name == word[1]) return &options[i];
  }
  return NULL;
}

/* The options every command accepts besides help, wherever its words allow options: before
 * the command's name or among its own words. */
enum { GLOBAL_FORMAT, GLOBAL_TIMEOUT, GLOBAL_COUNT };

/* Applies a global option's value to `cli`. */
static int apply_global(cli_t *cli, const char *usage, int which, const char *value) {
  int64_t seconds;
  if (which == GLOBAL_FORMAT) {
    if (strcmp(value, "table") == 0)
      cli->format = CLI_FORMAT_TABLE;
    else if (strcmp(value, "json") == 0)
      cli->format = CLI_FORMAT_JSON;
    else
      return cli_usage_error(usage, "--format must be 'table' or 'json', not '%s'", value);
    return CLI_CONTINUE;
  }
  /* The deadline is in ms: a week is past any real wait and far inside int64_t. */
  if (!cli_parse_int64(value, &seconds) || seconds <= 0 || seconds > 7 * 24 * 3600) {
    cli_errorf("--timeout must be a positive number of seconds (at most a week), not '%s'", value);
    return CLI_EXIT_USER;
  }
  cli->timeout_ms = seconds * 1000;
  return CLI_CONTINUE;
}

/* Parses options and operands into `out` (may be NULL with `stop_at_operand`); with
 * `stop_at_operand`, stops before the first operand and sets *consumed. */
static int parse_words(cli_t *cli, const char *usage, int argc, char **argv, cli_option_t *options,
                       size_t option_count, int stop_at_operand, cli_args_t *out, int *consumed) {
  cli_option_t globals[GLOBAL_COUNT] = {{"format", 'f', 1, 0, NULL}, {"timeout", 0, 1, 0, NULL}};
  int i;

  /* Help wins over everything else it applies to, so `... --help` always explains the
   * command, even when the rest of the line is wrong. */
  for (i = 0; i < argc && strcmp(argv[i], "--") != 0; ++i) {
    if (stop_at_operand && is_operand(argv[i])) break;
    if (is_help(argv[i])) {
      fputs(usage, stdout);
      return CLI_EXIT_OK;
    }
  }

  for (i = 0; i < argc; ++i) {
    const char *word = argv[i];
    const char *value = NULL;
    cli_option_t *opt;

    if (strcmp(word, "--") == 0) {
      ++i;
      if (!stop_at_operand)
        for (; i < argc; ++i) out->operands[out->operand_count++] = argv[i];
      break;
    }
    if (is_operand(word)) {
      if (stop_at_operand) break;
      out->operands[out->operand_count++] = word;
      continue;
    }
    opt = find_option(word, options, option_count, &value);
    if (!opt) opt = find_option(word, globals, GLOBAL_COUNT, &value);
    if (!opt) return cli_usage_error(usage, "unknown option '%s'", word);
    if (opt->takes_value) {
      if (!value) {
        if (i + 1 >= argc) return cli_usage_error(usage, "option '%s' needs a value", word);
        value = argv[++i];
      }
    } else if (value) {
      return cli_usage_error(usage, "option '--%s' takes no value", opt->name);
    }
    opt->seen = 1;
    opt->value = value;
    if (opt >= globals && opt < globals + GLOBAL_COUNT) {
      int rc = apply_global(cli, usage, (int)(opt - globals), value);
      if (rc != CLI_CONTINUE) return rc;
    }
  }
  if (consumed) *consumed = i;
  return CLI_CONTINUE;
}

int cli_parse_args(cli_t *cli, const char *usage, int argc, char **argv, cli_option_t *options,
                   size_t option_count, cli_args_t *out) {
  int rc;
  out->operands = cli_xmalloc(sizeof(*out->operands) * (size_t)(argc > 0 ? argc : 1));
  out->operand_count = 0;
  rc = parse_words(cli, usage, argc, argv, options, option_count, 0, out, NULL);
  /* Callers free the operands only when they go on. */
  if (rc != CLI_CONTINUE) cli_args_free(out);
  return rc;
}

int cli_parse_leading_options(cli_t *cli, const char *usage, int argc, char **argv, cli_option_t *options,
                              size_t option_count, int *consumed) {
  return parse_words(cli, usage, argc, argv, options, option_count, 1, NULL, consumed);
}

int cli_parse_one_operand(cli_t *cli, const char *usage, int argc, char **argv, cli_option_t *options,
                          size_t option_count, const char *what, const char **operand) {
  cli_args_t args;
  int rc = cli_parse_args(cli, usage, argc, argv, options, option_count, &args);
  if (rc != CLI_CONTINUE) return rc;
  if (args.operand_count == 0)
    rc = cli_usage_error(usage, "missing %s", what);
  else if (args.operand_count > 1)
    rc = cli_usage_error(usage, "unexpected argument '%s'", args.operands[1]);
  else
    *operand = args.operands[0];
  cli_args_free(&args);
  return rc;
}

void cli_args_free(cli_args_t *args) {
  free((void *)args->operands);
  args->operands = NULL;
  args->operand_count = 0;
}
