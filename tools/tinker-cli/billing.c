/*
 * billing.c — `tinker billing ...`: usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "output.h"

static const char group_usage[] =
    "Usage: tinker [-f|--format table|json] billing COMMAND [ARGS...]\n"
    "\n"
    "See what your use of the service counts as.\n";

static const char usage_usage[] =
    "Usage: tinker billing usage START END [--csv FILE]\n"
    "\n"
    "Show usage events, in hourly buckets, from START up to (not including) END, and the\n"
    "sessions they belong to. START and END are RFC 3339 times on whole UTC hours, e.g.\n"
    "2026-03-01T00:00:00Z, or days (2026-03-01 means its midnight UTC). The service allows a\n"
    "window of at most 14 days and no time in the future; it refuses others (exit code 1).\n"
    "\n"
    "Options:\n"
    "  --csv FILE                Write the events to FILE as CSV instead ('-' for stdout), one\n"
    "                            row per event; stdout then only says how many were written\n"
    CLI_COMMON_OPTIONS;

/* A day "YYYY-MM-DD" becomes its midnight UTC; anything else is passed on for the library to
 * check. The caller frees the result. */
static char *time_argument(const char *text) {
  size_t i;
  int is_day = strlen(text) == 10 && text[4] == '-' && text[7] == '-';
  char *out;
  for (i = 0; is_day && i < 10; ++i)
    if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9')) is_day = 0;
  if (!is_day) return cli_xstrdup(text);
  out = cli_xmalloc(21);
  snprintf(out, 21, "%sT00:00:00Z", text);
  return out;
}

/* ---- one event's values as text -------------------------------------------------------------- */

typedef struct event_text {
  char tokens[32], count[32], gb_hours[40];
  const char *cached; /* "true", "false" or "" */
} event_text_t;

static void event_values(const tinker_billing_usage_t *u, size_t i, event_text_t *t) {
  int64_t tokens = tinker_billing_usage_event_token_count(u, i);
  int64_t count = tinker_billing_usage_event_checkpoint_count(u, i);
  double gb_hours = tinker_billing_usage_event_gigabyte_hours(u, i);
  int cached = tinker_billing_usage_event_cached(u, i);
  t->tokens[0] = t->count[0] = t->gb_hours[0] = '\0';
  if (tokens >= 0) snprintf(t->tokens, sizeof(t->tokens), "%lld", (long long)tokens);
  if (count >= 0) snprintf(t->count, sizeof(t->count), "%lld", (long long)count);
  if (gb_hours >= 0) cli_format_double(gb_hours, t->gb_hours, sizeof(t->gb_hours));
  t->cached = cached < 0 ? "" : cached ? "true" : "false";
}

/* ---- CSV ------------------------------------------------------------------------------------- */

/* A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
static void csv_field(FILE *out, const char *text, int last) {
  const char *p;
  text = text ? text : "";
  if (strpbrk(text, ",\"\r\n")) {
    fputc('"', out);
    for (p = text; *p; ++p) {
      if (*p == '"') fputc('"', out);
      fputc(*p, out);
    }
    fputc('"', out);
  } else {
    fputs(text, out);
  }
  fputs(last ? "\r\n" : ",", out);
}

static void write_csv(FILE *out, const tinker_billing_usage_t *u) {
  static const char *const header[] = {"bucket_start", "bucket_end", "event_type", "base_model", "session_id",
                                       "project_id", "user_id", "user_name", "token_count", "cached",
                                       "checkpoint_count", "gigabyte_hours"};
  size_t i, c, n = tinker_billing_usage_event_count(u);
  for (c = 0; c < 12; ++c) csv_field(out, header[c], c == 11);
  for (i = 0; i < n; ++i) {
    event_text_t t;
    const char *cells[12];
    event_values(u, i, &t);
    cells[0] = tinker_billing_usage_event_bucket_start(u, i);
    cells[1] = tinker_billing_usage_event_bucket_end(u, i);
    cells[2] = tinker_billing_usage_event_event_type(u, i);
    cells[3] = tinker_billing_usage_event_base_model(u, i);
    cells[4] = tinker_billing_usage_event_session_id(u, i);
    cells[5] = tinker_billing_usage_event_project_id(u, i);
    cells[6] = tinker_billing_usage_event_user_id(u, i);
    cells[7] = tinker_billing_usage_event_user_name(u, i);
    cells[8] = t.tokens;
    cells[9] = t.cached;
    cells[10] = t.count;
    cells[11] = t.gb_hours;
    for (c = 0; c < 12; ++c) csv_field(out, cells[c], c == 11);
  }
}

/* Writes the CSV to `file` ("-": stdout); CLI_EXIT_OK or a reported failure (exit code 1). */
static int save_csv(const char *file, const tinker_billing_usage_t *u) {
  int to_stdout = strcmp(file, "-") == 0;
  FILE *out = to_stdout ? stdout : fopen(file, "w");
  int failed;
  if (!out) {
    cli_errorf("cannot write %s: %s", file, strerror(errno));
    return CLI_EXIT_USER;
  }
  write_csv(out, u);
  failed = ferror(out) || (to_stdout ? 0 : fclose(out) != 0);
  if (failed) {
    cli_errorf("cannot write %s: %s", file, strerror(errno));
    return CLI_EXIT_USER;
  }
  return CLI_EXIT_OK;
}

/* ---- JSON and table ------------------------------------------------------------------------- */

static void print_json(const tinker_billing_usage_t *u, const char *start, const char *end) {
  cli_json_t *json = cli_json_new(stdout);
  size_t i, n = tinker_billing_usage_event_count(u);
  cli_json_begin_object(json);
  cli_json_key(json, "starting_on");
  cli_json_string(json, start);
  cli_json_key(json, "ending_before");
  cli_json_string(json, end);
  cli_json_key(json, "events");
  cli_json_begin_array(json);
  for (i = 0; i < n; ++i) {
    int cached = tinker_billing_usage_event_cached(u, i);
    double gb_hours = tinker_billing_usage_event_gigabyte_hours(u, i);
    cli_json_begin_object(json);
    cli_json_key(json, "bucket_start");
    cli_json_string(json, tinker_billing_usage_event_bucket_start(u, i));
    cli_json_key(json, "bucket_end");
    cli_json_string(json, tinker_billing_usage_event_bucket_end(u, i));
    cli_json_key(json, "event_type");
    cli_json_string(json, tinker_billing_usage_event_event_type(u, i));
    cli_json_key(json, "base_model");
    cli_json_string(json, tinker_billing_usage_event_base_model(u, i));
    cli_json_key(json, "session_id");
    cli_json_string(json, tinker_billing_usage_event_session_id(u, i));
    cli_json_key(json, "project_id");
    cli_json_string(json, tinker_billing_usage_event_project_id(u, i));
    cli_json_key(json, "user_id");
    cli_json_string(json, tinker_billing_usage_event_user_id(u, i));
    cli_json_key(json, "user_name");
    cli_json_string(json, tinker_billing_usage_event_user_name(u, i));
    cli_json_key(json, "token_count");
    cli_json_int_or_null(json, tinker_billing_usage_event_token_count(u, i));
    cli_json_key(json, "cached");
    if (cached < 0)
      cli_json_null(json);
    else
      cli_json_bool(json, cached);
    cli_json_key(json, "checkpoint_count");
    cli_json_int_or_null(json, tinker_billing_usage_event_checkpoint_count(u, i));
    cli_json_key(json, "gigabyte_hours");
    if (gb_hours >= 0)
      cli_json_double(json, gb_hours);
    else
      cli_json_null(json);
    cli_json_end_object(json);
  }
  cli_json_end_array(json);
  cli_json_key(json, "sessions");
  cli_json_begin_array(json);
  n = tinker_billing_usage_session_count(u);
  for (i = 0; i < n; ++i) {
    cli_json_begin_object(json);
    cli_json_key(json, "session_id");
    cli_json_string(json, tinker_billing_usage_session_session_id(u, i));
    cli_json_key(json, "user_metadata");
    cli_json_metadata(json, tinker_billing_usage_session_user_metadata(u, i));
    cli_json_end_object(json);
  }
  cli_json_end_array(json);
  cli_json_end_object(json);
  cli_json_finish(json);
}

/* "k=v, k=v" for a table cell; the caller frees it. */
static char *metadata_text(const tinker_metadata_t *m) {
  size_t i, n = m ? tinker_metadata_count(m) : 0, len = 1;
  char *text;
  for (i = 0; i < n; ++i) len += strlen(tinker_metadata_key(m, i)) + strlen(tinker_metadata_value(m, i)) + 3;
  text = cli_xmalloc(len);
  text[0] = '\0';
  for (i = 0; i < n; ++i) {
    if (i) strcat(text, ", ");
    strcat(text, tinker_metadata_key(m, i));
    strcat(text, "=");
    strcat(text, tinker_metadata_value(m, i));
  }
  return text;
}

static void print_table(const tinker_billing_usage_t *u, const char *start, const char *end) {
  static const char *const headers[] = {"Bucket Start", "Type", "Base Model", "Session", "Amount", "Cached"};
  size_t i, n = tinker_billing_usage_event_count(u), sessions = tinker_billing_usage_session_count(u);
  cli_table_t *table;
  if (n == 0) {
    printf("No usage events from %s to %s\n", start, end);
    return;
  }
  printf("%zu usage event%s from %s to %s\n\n", n, n == 1 ? "" : "s", start, end);
  table = cli_table_new(6, headers);
  for (i = 0; i < n; ++i) {
    event_text_t t;
    char when[64], amount[64];
    const char *cells[6];
    event_values(u, i, &t);
    cli_format_time(tinker_billing_usage_event_bucket_start(u, i), when, sizeof(when));
    /* Each event type has one quantity. */
    if (t.tokens[0])
      snprintf(amount, sizeof(amount), "%s tokens", t.tokens);
    else if (t.count[0])
      snprintf(amount, sizeof(amount), "%s checkpoint%s", t.count, strcmp(t.count, "1") == 0 ? "" : "s");
    else if (t.gb_hours[0]) /* four figures are plenty to read; JSON and CSV keep them all */
      snprintf(amount, sizeof(amount), "%.4g GB-hours", tinker_billing_usage_event_gigabyte_hours(u, i));
    else
      amount[0] = '\0';
    cells[0] = when;
    cells[1] = tinker_billing_usage_event_event_type(u, i);
    cells[2] = tinker_billing_usage_event_base_model(u, i);
    cells[3] = tinker_billing_usage_event_session_id(u, i);
    cells[4] = amount;
    cells[5] = t.cached[0] ? (t.cached[0] == 't' ? "Yes" : "No") : "";
    cli_table_add_row(table, cells);
  }
  cli_table_print(table, stdout);
  cli_table_free(table);
  if (sessions == 0) return;
  printf("\n");
  {
    static const char *const session_headers[] = {"Session", "Metadata"};
    table = cli_table_new(2, session_headers);
    for (i = 0; i < sessions; ++i) {
      char *meta = metadata_text(tinker_billing_usage_session_user_metadata(u, i));
      const char *cells[2];
      cells[0] = tinker_billing_usage_session_session_id(u, i);
      cells[1] = meta;
      cli_table_add_row(table, cells);
      free(meta);
    }
    cli_table_print(table, stdout);
    cli_table_free(table);
  }
}

static int cmd_usage(cli_t *cli, int argc, char **argv) {
  cli_option_t options[] = {{"csv", 0, 1, 0, NULL}};
  cli_args_t args;
  tinker_service_client_t *service = NULL;
  tinker_rest_client_t *rest = NULL;
  tinker_billing_usage_t *usage = NULL;
  char *start = NULL, *end = NULL;
  const char *csv;
  tinker_status_t s;
  int rc = cli_parse_args(cli, usage_usage, argc, argv, options, 1, &args);
  if (rc != CLI_CONTINUE) return rc;
  if (args.operand_count < 2)
    rc = cli_usage_error(usage_usage, "missing %s", args.operand_count == 0 ? "START and END" : "END");
  else if (args.operand_count > 2)
    rc = cli_usage_error(usage_usage, "unexpected argument '%s'", args.operands[2]);
  if (rc != CLI_CONTINUE) {
    cli_args_free(&args);
    return rc;
  }
  start = time_argument(args.operands[0]);
  end = time_argument(args.operands[1]);
  cli_args_free(&args);
  csv = options[0].seen ? options[0].value : NULL;
  if (csv && !csv[0]) {
    cli_errorf("--csv must not be empty");
    rc = CLI_EXIT_USER;
    goto done;
  }

  rc = cli_open_rest_client(cli, &service, &rest);
  if (rc != CLI_EXIT_OK) goto done;
  s = tinker_rest_client_get_billing_usage(rest, start, end, &usage);
  if (s != TINKER_OK) {
    rc = cli_report_failure(s);
    goto done;
  }
  if (csv) {
    size_t n = tinker_billing_usage_event_count(usage);
    rc = save_csv(csv, usage);
    if (rc != CLI_EXIT_OK || strcmp(csv, "-") == 0) goto done;
    if (cli->format == CLI_FORMAT_JSON) {
      cli_json_t *json = cli_json_new(stdout);
      cli_json_begin_object(json);
      cli_json_key(json, "csv");
      cli_json_string(json, csv);
      cli_json_key(json, "event_count");
      cli_json_int(json, (int64_t)n);
      cli_json_end_object(json);
      cli_json_finish(json);
    } else {
      printf("Wrote %zu usage event%s to %s\n", n, n == 1 ? "" : "s", csv);
    }
  } else if (cli->format == CLI_FORMAT_JSON) {
    print_json(usage, start, end);
  } else {
    print_table(usage, start, end);
  }

done:
  tinker_billing_usage_free(usage);
  cli_close_rest_client(service, rest);
  free(start);
  free(end);
  return rc;
}

static const cli_command_t commands[] = {
    {"usage", "Show usage events between two times", cmd_usage},
    {NULL, NULL, NULL},
};

int cli_billing_main(cli_t *cli, int argc, char **argv) {
  return cli_run_group(cli, group_usage, commands, argc, argv);
}
