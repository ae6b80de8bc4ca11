/*
 * run.c — `tinker run ...`: list, info (training runs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "output.h"

/* Runs per request when listing: the official client's batch. */
#define RUN_PAGE_SIZE 100

static const char group_usage[] =
    "Usage: tinker [-f|--format table|json] run COMMAND [ARGS...]\n"
    "\n"
    "Inspect training runs. A training run is named by its id (the model id its training\n"
    "client reports, e.g. the first part of its checkpoints' tinker:// paths).\n";

static const char list_usage[] =
    "Usage: tinker run list [--limit N] [--columns COLS]\n"
    "\n"
    "List your training runs.\n"
    "\n"
    "Options:\n"
    "  --limit N                 At most N runs (default 20; 0 lists them all)\n"
    "  --columns COLS            The table's columns, comma-separated, in order, from: id,\n"
    "                            base_model, owner, lora, updated, status, checkpoint,\n"
    "                            sampler_checkpoint (default: all but sampler_checkpoint).\n"
    "                            JSON output always has every field.\n"
    CLI_COMMON_OPTIONS;

static const char info_usage[] =
    "Usage: tinker run info RUN_ID\n"
    "\n"
    "Show one training run: its base model, owner, LoRA rank, status, newest checkpoints and\n"
    "metadata. A run that does not exist (or is not yours) is an error (exit code 1).\n"
    "\n"
    "Options:\n"
    CLI_COMMON_OPTIONS;

/* ---- a run's fields, from a run or from an item of a listed page ----------------------------- */

typedef struct run_fields {
  const char *id, *base_model, *owner, *updated;
  int is_lora, corrupted;
  int64_t lora_rank;
  cli_checkpoint_fields_t last, last_sampler;
  const tinker_metadata_t *metadata;
} run_fields_t;

static void from_run(const tinker_training_run_t *r, run_fields_t *f) {
  f->id = tinker_training_run_training_run_id(r);
  f->base_model = tinker_training_run_base_model(r);
  f->owner = tinker_training_run_model_owner(r);
  f->updated = tinker_training_run_last_request_time(r);
  f->is_lora = tinker_training_run_is_lora(r);
  f->corrupted = tinker_training_run_corrupted(r);
  f->lora_rank = tinker_training_run_lora_rank(r);
  f->last.id = tinker_training_run_last_checkpoint_checkpoint_id(r);
  f->last.type = tinker_training_run_last_checkpoint_checkpoint_type(r);
  f->last.time = tinker_training_run_last_checkpoint_time(r);
  f->last.path = tinker_training_run_last_checkpoint_tinker_path(r);
  f->last.expires = tinker_training_run_last_checkpoint_expires_at(r);
  f->last.size = tinker_training_run_last_checkpoint_size_bytes(r);
  f->last.is_public = tinker_training_run_last_checkpoint_is_public(r);
  f->last_sampler.id = tinker_training_run_last_sampler_checkpoint_checkpoint_id(r);
  f->last_sampler.type = tinker_training_run_last_sampler_checkpoint_checkpoint_type(r);
  f->last_sampler.time = tinker_training_run_last_sampler_checkpoint_time(r);
  f->last_sampler.path = tinker_training_run_last_sampler_checkpoint_tinker_path(r);
  f->last_sampler.expires = tinker_training_run_last_sampler_checkpoint_expires_at(r);
  f->last_sampler.size = tinker_training_run_last_sampler_checkpoint_size_bytes(r);
  f->last_sampler.is_public = tinker_training_run_last_sampler_checkpoint_is_public(r);
  f->metadata = tinker_training_run_user_metadata(r);
}

static void from_list(const tinker_training_run_list_t *l, size_t i, run_fields_t *f) {
  f->id = tinker_training_run_list_training_run_training_run_id(l, i);
  f->base_model = tinker_training_run_list_training_run_base_model(l, i);
  f->owner = tinker_training_run_list_training_run_model_owner(l, i);
  f->updated = tinker_training_run_list_training_run_last_request_time(l, i);
  f->is_lora = tinker_training_run_list_training_run_is_lora(l, i);
  f->corrupted = tinker_training_run_list_training_run_corrupted(l, i);
  f->lora_rank = tinker_training_run_list_training_run_lora_rank(l, i);
  f->last.id = tinker_training_run_list_training_run_last_checkpoint_checkpoint_id(l, i);
  f->last.type = tinker_training_run_list_training_run_last_checkpoint_checkpoint_type(l, i);
  f->last.time = tinker_training_run_list_training_run_last_checkpoint_time(l, i);
  f->last.path = tinker_training_run_list_training_run_last_checkpoint_tinker_path(l, i);
  f->last.expires = tinker_training_run_list_training_run_last_checkpoint_expires_at(l, i);
  f->last.size = tinker_training_run_list_training_run_last_checkpoint_size_bytes(l, i);
  f->last.is_public = tinker_training_run_list_training_run_last_checkpoint_is_public(l, i);
  f->last_sampler.id = tinker_training_run_list_training_run_last_sampler_checkpoint_checkpoint_id(l, i);
  f->last_sampler.type = tinker_training_run_list_training_run_last_sampler_checkpoint_checkpoint_type(l, i);
  f->last_sampler.time = tinker_training_run_list_training_run_last_sampler_checkpoint_time(l, i);
  f->last_sampler.path = tinker_training_run_list_training_run_last_sampler_checkpoint_tinker_path(l, i);
  f->last_sampler.expires = tinker_training_run_list_training_run_last_sampler_checkpoint_expires_at(l, i);
  f->last_sampler.size = tinker_training_run_list_training_run_last_sampler_checkpoint_size_bytes(l, i);
  f->last_sampler.is_public = tinker_training_run_list_training_run_last_sampler_checkpoint_is_public(l, i);
  f->metadata = tinker_training_run_list_training_run_user_metadata(l, i);
}

/* ---- JSON: the server's TrainingRun field names ----------------------------------------------- */

/* A run's newest checkpoint, or null when it has none. */
static void json_checkpoint(cli_json_t *json, const cli_checkpoint_fields_t *c) {
  if (c->id)
    cli_json_checkpoint(json, c);
  else
    cli_json_null(json);
}

static void json_run(cli_json_t *json, const run_fields_t *f) {
  cli_json_begin_object(json);
  cli_json_key(json, "training_run_id");
  cli_json_string(json, f->id);
  cli_json_key(json, "base_model");
  cli_json_string(json, f->base_model);
  cli_json_key(json, "model_owner");
  cli_json_string(json, f->owner);
  cli_json_key(json, "is_lora");
  cli_json_bool(json, f->is_lora);
  cli_json_key(json, "corrupted");
  cli_json_bool(json, f->corrupted);
  cli_json_key(json, "lora_rank");
  cli_json_int_or_null(json, f->lora_rank);
  cli_json_key(json, "last_request_time");
  cli_json_string(json, f->updated);
  cli_json_key(json, "last_checkpoint");
  json_checkpoint(json, &f->last);
  cli_json_key(json, "last_sampler_checkpoint");
  json_checkpoint(json, &f->last_sampler);
  cli_json_key(json, "user_metadata");
  cli_json_metadata(json, f->metadata);
  cli_json_end_object(json);
}

/* ---- table cells ------------------------------------------------------------------------------ */

/* "Rank 8", "Yes" (LoRA, rank not given) or "No". */
static void lora_text(const run_fields_t *f, char *buf, size_t size) {
  if (f->is_lora && f->lora_rank > 0)
    snprintf(buf, size, "Rank %lld", (long long)f->lora_rank);
  else
    snprintf(buf, size, "%s", f->is_lora ? "Yes" : "No");
}

static const char *status_text(const run_fields_t *f) { return f->corrupted ? "Corrupted" : "Active"; }

/* ---- list ------------------------------------------------------------------------------------- */

typedef enum column {
  COL_ID, COL_BASE_MODEL, COL_OWNER, COL_LORA, COL_UPDATED, COL_STATUS, COL_CHECKPOINT, COL_SAMPLER_CHECKPOINT,
  COL_COUNT
} column_t;

static const struct {
  const char *name;
  const char *header;
} column_info[COL_COUNT] = {
    {"id", "Run ID"},
    {"base_model", "Base Model"},
    {"owner", "Owner"},
    {"lora", "LoRA"},
    {"updated", "Last Update"},
    {"status", "Status"},
    {"checkpoint", "Last Checkpoint"},
    {"sampler_checkpoint", "Last Sampler Checkpoint"},
};

#define DEFAULT_COLUMNS "id,base_model,owner,lora,updated,status,checkpoint"

/* Reads a --columns value into columns[] (*count of them). 0, or reports the bad name and -1. */
static int parse_columns(const char *text, column_t *columns, size_t max, size_t *count) {
  const char *p = text;
  *count = 0;
  for (;;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    int c;
    for (c = 0; c < COL_COUNT; ++c)
      if (strlen(column_info[c].name) == len && strncmp(column_info[c].name, p, len) == 0) break;
    if (c == COL_COUNT || *count == max) {
      if (*count == max)
        cli_errorf("--columns names more than %zu columns", max);
      else
        cli_errorf("--columns: unknown column '%.*s' (known: id, base_model, owner, lora, updated, status, "
                   "checkpoint, sampler_checkpoint)", (int)len, p);
      return -1;
    }
    columns[(*count)++] = (column_t)c;
    if (!comma) return 0;
    p = comma + 1;
  }
}

/* One run of a listed page. */
typedef struct run_ref {
  const tinker_training_run_list_t *list;
  size_t index;
} run_ref_t;

/* The listed pages, kept while their runs are printed, and the runs to show in order. */
typedef struct run_pages {
  tinker_training_run_list_t **pages;
  size_t page_count;
  run_ref_t *runs;
  size_t run_count;
  int64_t total; /* the server's total count; -1 before the first page */
} run_pages_t;

static void pages_free(run_pages_t *p) {
  size_t i;
  for (i = 0; i < p->page_count; ++i) tinker_training_run_list_free(p->pages[i]);
  free(p->pages);
  free(p->runs);
}

/* Takes `page` and appends its runs while fewer than `want` are kept. */
static void pages_add(run_pages_t *p, tinker_training_run_list_t *page, uint64_t want) {
  size_t n = tinker_training_run_list_training_run_count(page), i;
  p->pages = cli_xrealloc(p->pages, sizeof(*p->pages) * (p->page_count + 1));
  p->pages[p->page_count++] = page;
  p->runs = cli_xrealloc(p->runs, sizeof(*p->runs) * (p->run_count + n + 1));
  for (i = 0; i < n && p->run_count < want; ++i) {
    p->runs[p->run_count].list = page;
    p->runs[p->run_count].index = i;
    ++p->run_count;
  }
}

/* Fetches runs page by page until `limit` (0 = all) or the end. */
static int fetch_runs(tinker_rest_client_t *rest, int64_t limit, run_pages_t *out) {
  tinker_training_run_cursor_t *cursor = NULL;
  int64_t page_size = limit > 0 && limit < RUN_PAGE_SIZE ? limit : RUN_PAGE_SIZE;
  uint64_t want = limit > 0 ? (uint64_t)limit : UINT64_MAX;
  tinker_status_t s = tinker_rest_client_training_runs_cursor(rest, page_size, NULL, NULL, &cursor);
  int rc = CLI_EXIT_OK;
  out->total = -1;
  if (s != TINKER_OK) return cli_report_failure(s);
  while (out->run_count < want) {
    tinker_training_run_list_t *page = NULL;
    s = tinker_training_run_cursor_next(cursor, &page);
    if (s != TINKER_OK) {
      rc = cli_report_failure(s);
      break;
    }
    if (!page) break;
    out->total = tinker_training_run_list_total_count(page);
    pages_add(out, page, want);
    if (tinker_training_run_list_training_run_count(page) == 0) break;
  }
  tinker_training_run_cursor_free(cursor);
  return rc;
}

static void print_run_table(const run_pages_t *p, const column_t *columns, size_t column_count) {
  const char *headers[COL_COUNT];
  cli_table_t *table;
  size_t c, r;
  for (c = 0; c < column_count; ++c) headers[c] = column_info[columns[c]].header;
  table = cli_table_new(column_count, headers);
  for (r = 0; r < p->run_count; ++r) {
    run_fields_t f;
    char lora[32], updated[64];
    const char *cells[COL_COUNT];
    from_list(p->runs[r].list, p->runs[r].index, &f);
    lora_text(&f, lora, sizeof(lora));
    cli_format_time(f.updated, updated, sizeof(updated));
    for (c = 0; c < column_count; ++c) {
      switch (columns[c]) {
        case COL_ID: cells[c] = f.id; break;
        case COL_BASE_MODEL: cells[c] = f.base_model; break;
        case COL_OWNER: cells[c] = f.owner; break;
        case COL_LORA: cells[c] = lora; break;
        case COL_UPDATED: cells[c] = updated; break;
        case COL_STATUS: cells[c] = status_text(&f); break;
        case COL_CHECKPOINT: cells[c] = f.last.id ? f.last.id : "-"; break;
        default: cells[c] = f.last_sampler.id ? f.last_sampler.id : "-"; break;
      }
    }
    cli_table_add_row(table, cells);
  }
  cli_table_print(table, stdout);
  cli_table_free(table);
}

static int cmd_list(cli_t *cli, int argc, char **argv) {
  enum { OPT_LIMIT, OPT_COLUMNS };
  cli_option_t options[] = {{"limit", 0, 1, 0, NULL}, {"columns", 0, 1, 0, NULL}};
  cli_args_t args;
  tinker_service_client_t *service = NULL;
  tinker_rest_client_t *rest = NULL;
  run_pages_t pages;
  column_t columns[COL_COUNT * 2];
  size_t column_count = 0;
  int64_t limit = 20;
  int rc = cli_parse_args(cli, list_usage, argc, argv, options, 2, &args);
  if (rc != CLI_CONTINUE) return rc;
  if (args.operand_count > 0) rc = cli_usage_error(list_usage, "unexpected argument '%s'", args.operands[0]);
  cli_args_free(&args);
  if (rc != CLI_CONTINUE) return rc;
  if (options[OPT_LIMIT].seen && (!cli_parse_int64(options[OPT_LIMIT].value, &limit) || limit < 0)) {
    cli_errorf("--limit must be a non-negative integer, not '%s'", options[OPT_LIMIT].value);
    return CLI_EXIT_USER;
  }
  if (parse_columns(options[OPT_COLUMNS].seen ? options[OPT_COLUMNS].value : DEFAULT_COLUMNS, columns,
                    sizeof(columns) / sizeof(columns[0]), &column_count) != 0)
    return CLI_EXIT_USER;

  rc = cli_open_rest_client(cli, &service, &rest);
  if (rc != CLI_EXIT_OK) return rc;
  memset(&pages, 0, sizeof(pages));
  rc = fetch_runs(rest, limit, &pages);
  if (rc == CLI_EXIT_OK && cli->format == CLI_FORMAT_JSON) {
    cli_json_t *json = cli_json_new(stdout);
    size_t r;
    cli_json_begin_object(json);
    cli_json_key(json, "training_runs");
    cli_json_begin_array(json);
    for (r = 0; r < pages.run_count; ++r) {
      run_fields_t f;
      from_list(pages.runs[r].list, pages.runs[r].index, &f);
      json_run(json, &f);
    }
    cli_json_end_array(json);
    cli_json_key(json, "total_count");
    cli_json_int(json, pages.total >= 0 ? pages.total : (int64_t)pages.run_count);
    cli_json_end_object(json);
    cli_json_finish(json);
  } else if (rc == CLI_EXIT_OK) {
    if (pages.run_count == 0) {
      printf("No training runs found\n");
    } else {
      printf("%zu training run%s", pages.run_count, pages.run_count == 1 ? "" : "s");
      if (pages.total > (int64_t)pages.run_count)
        printf(" (%lld more not shown, use --limit to see more)", (long long)(pages.total - (int64_t)pages.run_count));
      printf("\n\n");
      print_run_table(&pages, columns, column_count);
    }
  }
  pages_free(&pages);
  cli_close_rest_client(service, rest);
  return rc;
}

/* ---- info ------------------------------------------------------------------------------------- */

/* Appends a row to a key/value table; `value` may be NULL (an empty cell). */
static void row(cli_table_t *table, const char *key, const char *value) {
  const char *cells[2];
  cells[0] = key;
  cells[1] = value;
  cli_table_add_row(table, cells);
}

static void checkpoint_rows(cli_table_t *table, const char *title, const cli_checkpoint_fields_t *c) {
  char time[64];
  if (!c->id) {
    row(table, title, "None");
    return;
  }
  cli_format_time(c->time, time, sizeof(time));
  row(table, title, c->id);
  row(table, "  - Time", time);
  row(table, "  - Path", c->path);
}

static void print_run_info(const run_fields_t *f) {
  cli_table_t *table = cli_table_new(2, NULL);
  char lora[48], updated[64];
  size_t i, n = f->metadata ? tinker_metadata_count(f->metadata) : 0;
  if (f->is_lora && f->lora_rank > 0)
    snprintf(lora, sizeof(lora), "Yes (Rank %lld)", (long long)f->lora_rank);
  else
    lora_text(f, lora, sizeof(lora));
  cli_format_time(f->updated, updated, sizeof(updated));
  row(table, "Run ID", f->id);
  row(table, "Base Model", f->base_model);
  row(table, "Owner", f->owner);
  row(table, "LoRA", lora);
  row(table, "Last Update", updated);
  row(table, "Status", status_text(f));
  checkpoint_rows(table, "Last Training Checkpoint", &f->last);
  checkpoint_rows(table, "Last Sampler Checkpoint", &f->last_sampler);
  if (n > 0) {
    row(table, "Metadata", "");
    for (i = 0; i < n; ++i) {
      char *key = cli_xmalloc(strlen(tinker_metadata_key(f->metadata, i)) + 5);
      sprintf(key, "  - %s", tinker_metadata_key(f->metadata, i));
      row(table, key, tinker_metadata_value(f->metadata, i));
      free(key);
    }
  }
  cli_table_print(table, stdout);
  cli_table_free(table);
}

static int cmd_info(cli_t *cli, int argc, char **argv) {
  const char *run_id = NULL;
  tinker_service_client_t *service = NULL;
  tinker_rest_client_t *rest = NULL;
  tinker_training_run_t *run = NULL;
  tinker_status_t s;
  int rc = cli_parse_one_operand(cli, info_usage, argc, argv, NULL, 0, "the RUN_ID", &run_id);
  if (rc != CLI_CONTINUE) return rc;
  if (!run_id[0]) {
    cli_errorf("the RUN_ID must not be empty");
    return CLI_EXIT_USER;
  }
  rc = cli_open_rest_client(cli, &service, &rest);
  if (rc != CLI_EXIT_OK) return rc;
  s = tinker_rest_client_get_training_run(rest, run_id, NULL, &run);
  if (s != TINKER_OK) {
    rc = cli_report_failure(s);
  } else {
    run_fields_t f;
    from_run(run, &f);
    if (cli->format == CLI_FORMAT_JSON) {
      cli_json_t *json = cli_json_new(stdout);
      json_run(json, &f);
      cli_json_finish(json);
    } else {
      print_run_info(&f);
    }
  }
  tinker_training_run_free(run);
  cli_close_rest_client(service, rest);
  return rc;
}

/* ---- the group -------------------------------------------------------------------------------- */

static const cli_command_t commands[] = {
    {"list", "List your training runs", cmd_list},
    {"info", "Show one training run", cmd_info},
    {NULL, NULL, NULL},
};

int cli_run_main(cli_t *cli, int argc, char **argv) { return cli_run_group(cli, group_usage, commands, argc, argv); }
