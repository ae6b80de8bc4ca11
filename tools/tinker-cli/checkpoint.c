/*
 * checkpoint.c — `tinker checkpoint ...`: list, info, publish, unpublish, set-ttl, delete (and
 * download, in checkpoint_download.c).
 */
#define _POSIX_C_SOURCE 200809L /* isatty, fileno under -std=c11 */

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "output.h"

/* The server's page size limit for the listing over all runs; larger pages are refused. */
#define USER_LIST_PAGE_MAX 1000
/* Deletions in flight at once: enough to hide round trips, few enough not to flood a server. */
#define DELETE_WINDOW 16

static const char group_usage[] =
    "Usage: tinker [-f|--format table|json] checkpoint COMMAND [ARGS...]\n"
    "\n"
    "Manage checkpoints. A checkpoint is named by its tinker:// path,\n"
    "tinker://<training-run-id>/weights/<name> (a training checkpoint) or\n"
    "tinker://<training-run-id>/sampler_weights/<name> (a sampler checkpoint).\n";

static const char list_usage[] =
    "Usage: tinker checkpoint list [--run-id ID] [--limit N]\n"
    "\n"
    "List checkpoints: those of one training run (--run-id), or else the caller's checkpoints\n"
    "over all their training runs, newest first.\n"
    "\n"
    "Options:\n"
    "  --run-id ID               Only this training run's checkpoints (all of them)\n"
    "  --limit N                 At most N checkpoints when listing over all runs (default 20;\n"
    "                            0 lists them all)\n"
    CLI_COMMON_OPTIONS;

static const char info_usage[] =
    "Usage: tinker checkpoint info PATH\n"
    "\n"
    "Show one checkpoint, named by its tinker:// path. A checkpoint its run does not list is an\n"
    "error (exit code 1).\n"
    "\n"
    "Options:\n"
    CLI_COMMON_OPTIONS;

static const char publish_usage[] =
    "Usage: tinker checkpoint publish PATH\n"
    "\n"
    "Publish a checkpoint: other users can then see and load it. Publishing a public checkpoint\n"
    "is an error (exit code 1).\n"
    "\n"
    "Options:\n"
    CLI_COMMON_OPTIONS;

static const char unpublish_usage[] =
    "Usage: tinker checkpoint unpublish PATH\n"
    "\n"
    "Make a published checkpoint private again. Unpublishing a private checkpoint is an error\n"
    "(exit code 1).\n"
    "\n"
    "Options:\n"
    CLI_COMMON_OPTIONS;

static const char set_ttl_usage[] =
    "Usage: tinker checkpoint set-ttl PATH (--ttl SECONDS | --remove)\n"
    "\n"
    "Set when a checkpoint expires, counted from now, or remove its expiry (it is then kept\n"
    "until deleted). Give exactly one of --ttl and --remove.\n"
    "\n"
    "Options:\n"
    "  --ttl SECONDS             Expire SECONDS from now (a positive integer)\n"
    "  --remove                  Never expire\n"
    CLI_COMMON_OPTIONS;

static const char delete_usage[] =
    "Usage: tinker checkpoint delete PATH... [-y|--yes]\n"
    "       tinker checkpoint delete --run-id ID [--type weights|sampler_weights] [-y|--yes]\n"
    "\n"
    "Delete checkpoints permanently: the ones named, or a training run's (all of them, or those\n"
    "of one type). Without --yes the checkpoints are listed and confirmation is asked for on the\n"
    "terminal; when stdin is not a terminal, nothing is deleted without --yes (exit code 1).\n"
    "Every checkpoint is attempted; the exit code is that of the worst failure.\n"
    "\n"
    "Options:\n"
    "  --run-id ID               Delete this training run's checkpoints\n"
    "  --type TYPE               With --run-id: only training checkpoints (weights) or only\n"
    "                            sampler checkpoints (sampler_weights)\n"
    "  -y, --yes                 Do not ask for confirmation\n"
    CLI_COMMON_OPTIONS;

/* ---- checkpoints gathered from one or more listed pages ---------------------------------- */

typedef struct checkpoint_ref {
  const tinker_checkpoint_list_t *list;
  size_t index;
} checkpoint_ref_t;

typedef struct checkpoint_set {
  tinker_checkpoint_list_t **pages;
  size_t page_count;
  checkpoint_ref_t *items;
  size_t count;
  size_t capacity;
} checkpoint_set_t;

/* Takes `page` and appends at most `max_items` of its checkpoints. */
static void set_add_page(checkpoint_set_t *set, tinker_checkpoint_list_t *page, size_t max_items) {
  size_t n = tinker_checkpoint_list_checkpoint_count(page), i;
  if (n > max_items) n = max_items;
  set->pages = cli_xrealloc(set->pages, sizeof(*set->pages) * (set->page_count + 1));
  set->pages[set->page_count++] = page;
  for (i = 0; i < n; ++i) {
    if (set->count == set->capacity) {
      set->capacity = set->capacity ? set->capacity * 2 : 32;
      set->items = cli_xrealloc(set->items, sizeof(*set->items) * set->capacity);
    }
    set->items[set->count].list = page;
    set->items[set->count].index = i;
    ++set->count;
  }
}

static void set_free(checkpoint_set_t *set) {
  size_t i;
  for (i = 0; i < set->page_count; ++i) tinker_checkpoint_list_free(set->pages[i]);
  free(set->pages);
  free(set->items);
  memset(set, 0, sizeof(*set));
}

static const char *ref_id(checkpoint_ref_t r) { return tinker_checkpoint_list_checkpoint_checkpoint_id(r.list, r.index); }
static const char *ref_type(checkpoint_ref_t r) { return tinker_checkpoint_list_checkpoint_checkpoint_type(r.list, r.index); }
static const char *ref_time(checkpoint_ref_t r) { return tinker_checkpoint_list_checkpoint_time(r.list, r.index); }
static const char *ref_path(checkpoint_ref_t r) { return tinker_checkpoint_list_checkpoint_tinker_path(r.list, r.index); }
static int64_t ref_size(checkpoint_ref_t r) { return tinker_checkpoint_list_checkpoint_size_bytes(r.list, r.index); }
static int ref_public(checkpoint_ref_t r) { return tinker_checkpoint_list_checkpoint_is_public(r.list, r.index); }
static const char *ref_expires(checkpoint_ref_t r) { return tinker_checkpoint_list_checkpoint_expires_at(r.list, r.index); }

static void json_checkpoint(cli_json_t *json, checkpoint_ref_t r) {
  const cli_checkpoint_fields_t c = {ref_id(r), ref_type(r), ref_time(r), ref_path(r), ref_expires(r),
                                     ref_size(r), ref_public(r)};
  cli_json_checkpoint(json, &c);
}

/* The human forms of a checkpoint's size, creation and expiry. */
typedef struct checkpoint_text {
  char size[32];
  char created[64];
  char expires[64];
} checkpoint_text_t;

static void describe(checkpoint_ref_t r, checkpoint_text_t *t) {
  const char *expires = ref_expires(r);
  cli_format_size(ref_size(r), t->size, sizeof(t->size));
  cli_format_time(ref_time(r), t->created, sizeof(t->created));
  if (expires)
    cli_format_time(expires, t->expires, sizeof(t->expires));
  else
    snprintf(t->expires, sizeof(t->expires), "Never");
}

static void print_checkpoint_table(const checkpoint_set_t *set) {
  static const char *const headers[] = {"Checkpoint ID", "Type", "Size", "Public", "Created", "Expires", "Path"};
  cli_table_t *table = cli_table_new(7, headers);
  size_t i;
  for (i = 0; i < set->count; ++i) {
    checkpoint_ref_t r = set->items[i];
    checkpoint_text_t t;
    const char *cells[7];
    describe(r, &t);
    cells[0] = ref_id(r);
    cells[1] = ref_type(r);
    cells[2] = t.size;
    cells[3] = ref_public(r) ? "Yes" : "No";
    cells[4] = t.created;
    cells[5] = t.expires;
    cells[6] = ref_path(r);
    cli_table_add_row(table, cells);
  }
  cli_table_print(table, stdout);
  cli_table_free(table);
}

/* ---- helpers ----------------------------------------------------------------------------- */

/* Checks a tinker:// path locally; *parsed (may be NULL) receives its parts. */
static int check_path(const char *path, tinker_parsed_path_t **parsed) {
  tinker_parsed_path_t *p = NULL;
  tinker_status_t s = tinker_path_parse(path, &p);
  if (s != TINKER_OK) return cli_report_failure(s);
  if (parsed)
    *parsed = p;
  else
    tinker_parsed_path_free(p);
  return CLI_EXIT_OK;
}

/* A formatted line in memory the caller frees. */
static char *format_line(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
static char *format_line(const char *fmt, ...) {
  va_list ap;
  int n;
  char *line;
  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  line = cli_xmalloc((size_t)(n > 0 ? n : 0) + 1);
  va_start(ap, fmt);
  vsnprintf(line, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
  va_end(ap);
  return line;
}

/* Prints a one-line confirmation (table) or an object of one string and one other field
 * (JSON); `json_value` writes the latter's value. */
static void print_done(cli_t *cli, const char *message, const char *path, const char *json_key,
                       void (*json_value)(cli_json_t *, const void *), const void *value) {
  if (cli->format == CLI_FORMAT_JSON) {
    cli_json_t *json = cli_json_new(stdout);
    cli_json_begin_object(json);
    cli_json_key(json, "tinker_path");
    cli_json_string(json, path);
    cli_json_key(json, json_key);
    json_value(json, value);
    cli_json_end_object(json);
    cli_json_finish(json);
  } else {
    printf("%s\n", message);
  }
}

/* ---- list -------------------------------------------------------------------------------- */

/* Pages through the caller's checkpoints until `limit` (0 = all) or the end. *total receives
 * the server's total count, or -1 when it gave none. */
static int fetch_user_checkpoints(tinker_rest_client_t *rest, int64_t limit, checkpoint_set_t *set, int64_t *total) {
  int64_t target = limit > 0 ? limit : INT64_MAX;
  int64_t offset = 0;
  *total = -1;
  for (;;) {
    tinker_checkpoint_list_t *page = NULL;
    int64_t want = target - (int64_t)set->count;
    int64_t batch = want < USER_LIST_PAGE_MAX ? want : USER_LIST_PAGE_MAX;
    int64_t got, page_total;
    tinker_status_t s;
    if (want <= 0) break;
    s = tinker_rest_client_list_user_checkpoints(rest, batch, offset, &page);
    if (s != TINKER_OK) return cli_report_failure(s);
    got = (int64_t)tinker_checkpoint_list_checkpoint_count(page);
    page_total = tinker_checkpoint_list_total_count(page);
    if (page_total >= 0) *total = page_total;
    set_add_page(set, page, (size_t)(got < want ? got : want));
    offset += got;
    /* The end: the server's count is reached, or a short page (without a count, or when
     * checkpoints vanished while paging). */
    if (got < batch || (*total >= 0 && offset >= *total)) break;
  }
  return CLI_EXIT_OK;
}

static int cmd_list(cli_t *cli, int argc, char **argv) {
  enum { OPT_RUN_ID, OPT_LIMIT };
  cli_option_t options[] = {{"run-id", 0, 1, 0, NULL}, {"limit", 0, 1, 0, NULL}};
  cli_args_t args;
  tinker_service_client_t *service = NULL;
  tinker_rest_client_t *rest = NULL;
  checkpoint_set_t set;
  const char *run_id;
  int64_t limit = 20, total = -1;
  int rc = cli_parse_args(cli, list_usage, argc, argv, options, 2, &args);
  if (rc != CLI_CONTINUE) return rc;
  if (args.operand_count > 0) rc = cli_usage_error(list_usage, "unexpected argument '%s'", args.operands[0]);
  cli_args_free(&args);
  if (rc != CLI_CONTINUE) return rc;

  run_id = options[OPT_RUN_ID].seen ? options[OPT_RUN_ID].value : NULL;
  if (run_id && !run_id[0]) {
    cli_errorf("--run-id must not be empty");
    return CLI_EXIT_USER;
  }
  if (options[OPT_LIMIT].seen && (!cli_parse_int64(options[OPT_LIMIT].value, &limit) || limit < 0)) {
    cli_errorf("--limit must be a non-negative integer, not '%s'", options[OPT_LIMIT].value);
    return CLI_EXIT_USER;
  }

  rc = cli_open_rest_client(cli, &service, &rest);
  if (rc != CLI_EXIT_OK) return rc;
  memset(&set, 0, sizeof(set));
  if (run_id) {
    /* A run's listing has no pages: the server returns all of its checkpoints. */
    tinker_checkpoint_list_t *list = NULL;
    tinker_status_t s = tinker_rest_client_list_checkpoints(rest, run_id, &list);
    if (s != TINKER_OK)
      rc = cli_report_failure(s);
    else
      set_add_page(&set, list, SIZE_MAX);
  } else {
    rc = fetch_user_checkpoints(rest, limit, &set, &total);
  }

  if (rc == CLI_EXIT_OK) {
    if (cli->format == CLI_FORMAT_JSON) {
      cli_json_t *json = cli_json_new(stdout);
      size_t i;
      cli_json_begin_object(json);
      if (run_id) {
        cli_json_key(json, "run_id");
        cli_json_string(json, run_id);
      }
      cli_json_key(json, "checkpoints");
      cli_json_begin_array(json);
      for (i = 0; i < set.count; ++i) json_checkpoint(json, set.items[i]);
      cli_json_end_array(json);
      if (!run_id && total >= 0) {
        cli_json_key(json, "total_count");
        cli_json_int(json, total);
      }
      cli_json_end_object(json);
      cli_json_finish(json);
    } else {
      const char *noun = set.count == 1 ? "checkpoint" : "checkpoints";
      if (set.count == 0) {
        if (run_id)
          printf("No checkpoints found for run %s\n", run_id);
        else
          printf("No checkpoints found\n");
      } else {
        if (run_id)
          printf("%zu %s for run %s", set.count, noun, run_id);
        else
          printf("%zu %s", set.count, noun);
        if (total > (int64_t)set.count)
          printf(" (%lld more not shown, use --limit to see more)", (long long)(total - (int64_t)set.count));
        printf("\n\n");
        print_checkpoint_table(&set);
      }
    }
  }
  set_free(&set);
  cli_close_rest_client(service, rest);
  return rc;
}

/* ---- info -------------------------------------------------------------------------------- */

static int cmd_info(cli_t *cli, int argc, char **argv) {
  const char *path = NULL;
  tinker_parsed_path_t *parsed = NULL;
  tinker_service_client_t *service = NULL;
  tinker_rest_client_t *rest = NULL;
  tinker_checkpoint_list_t *list = NULL;
  tinker_status_t s;
  size_t i, n;
  int rc = cli_parse_one_operand(cli, info_usage, argc, argv, NULL, 0, "the checkpoint's PATH", &path);
  if (rc != CLI_CONTINUE) return rc;
  rc = check_path(path, &parsed);
  if (rc != CLI_EXIT_OK) return rc;
  rc = cli_open_rest_client(cli, &service, &rest);
  if (rc != CLI_EXIT_OK) {
    tinker_parsed_path_free(parsed);
    return rc;
  }

  /* There is no call for one checkpoint: its run's listing has it, or it does not exist. */
  s = tinker_rest_client_list_checkpoints(rest, tinker_parsed_path_training_run_id(parsed), &list);
  if (s != TINKER_OK) {
    rc = cli_report_failure(s);
  } else {
    const char *wanted = tinker_parsed_path_checkpoint_id(parsed);
    n = tinker_checkpoint_list_checkpoint_count(list);
    for (i = 0; i < n; ++i)
      if (strcmp(tinker_checkpoint_list_checkpoint_checkpoint_id(list, i), wanted) == 0) break;
    if (i == n) {
      cli_errorf("checkpoint %s not found", path);
      rc = CLI_EXIT_USER;
    } else {
      checkpoint_ref_t r;
      r.list = list;
      r.index = i;
      if (cli->format == CLI_FORMAT_JSON) {
        cli_json_t *json = cli_json_new(stdout);
        json_checkpoint(json, r);
        cli_json_finish(json);
      } else {
        cli_table_t *table = cli_table_new(2, NULL);
        checkpoint_text_t t;
        const char *rows[8][2];
        size_t k;
        describe(r, &t);
        rows[0][0] = "Checkpoint ID";   rows[0][1] = ref_id(r);
        rows[1][0] = "Type";            rows[1][1] = ref_type(r);
        rows[2][0] = "Tinker Path";     rows[2][1] = ref_path(r);
        rows[3][0] = "Training Run ID"; rows[3][1] = tinker_parsed_path_training_run_id(parsed);
        rows[4][0] = "Size";            rows[4][1] = t.size;
        rows[5][0] = "Public";          rows[5][1] = ref_public(r) ? "Yes" : "No";
        rows[6][0] = "Created";         rows[6][1] = t.created;
        rows[7][0] = "Expires";         rows[7][1] = t.expires;
        for (k = 0; k < 8; ++k) cli_table_add_row(table, rows[k]);
        cli_table_print(table, stdout);
        cli_table_free(table);
      }
    }
  }
  tinker_checkpoint_list_free(list);
  tinker_parsed_path_free(parsed);
  cli_close_rest_client(service, rest);
  return rc;
}

/* ---- publish, unpublish ------------------------------------------------------------------ */

static void json_bool_value(cli_json_t *json, const void *value) { cli_json_bool(json, *(const int *)value); }

static int publish_or_unpublish(cli_t *cli, const char *usage, int publish, int argc, char **argv) {
  const char *path = NULL;
  tinker_service_client_t *service = NULL;
  tinker_rest_client_t *rest = NULL;
  tinker_status_t s;
  int rc = cli_parse_one_operand(cli, usage, argc, argv, NULL, 0, "the checkpoint's PATH", &path);
  if (rc != CLI_CONTINUE) return rc;
  rc = check_path(path, NULL);
  if (rc != CLI_EXIT_OK) return rc;
  rc = cli_open_rest_client(cli, &service, &rest);
  if (rc != CLI_EXIT_OK) return rc;
  s = publish ? tinker_rest_client_publish_checkpoint_from_tinker_path(rest, path)
              : tinker_rest_client_unpublish_checkpoint_from_tinker_path(rest, path);
  if (s != TINKER_OK) {
    rc = cli_report_failure(s);
  } else {
    char *line = format_line("%s %s", publish ? "Published" : "Unpublished", path);
    print_done(cli, line, path, "public", json_bool_value, &publish);
    free(line);
  }
  cli_close_rest_client(service, rest);
  return rc;
}

static int cmd_publish(cli_t *cli, int argc, char **argv) {
  return publish_or_unpublish(cli, publish_usage, 1, argc, argv);
}

static int cmd_unpublish(cli_t *cli, int argc, char **argv) {
  return publish_or_unpublish(cli, unpublish_usage, 0, argc, argv);
}

/* ---- set-ttl ----------------------------------------------------------------------------- */

static void json_ttl_value(cli_json_t *json, const void *value) {
  int64_t ttl = *(const int64_t *)value;
  if (ttl > 0)
    cli_json_int(json, ttl);
  else
    cli_json_null(json);
}

static int cmd_set_ttl(cli_t *cli, int argc, char **argv) {
  enum { OPT_TTL, OPT_REMOVE };
  cli_option_t options[] = {{"ttl", 0, 1, 0, NULL}, {"remove", 0, 0, 0, NULL}};
  const char *path = NULL;
  tinker_service_client_t *service = NULL;
  tinker_rest_client_t *rest = NULL;
  tinker_status_t s;
  int64_t ttl = 0;
  int rc = cli_parse_one_operand(cli, set_ttl_usage, argc, argv, options, 2, "the checkpoint's PATH", &path);
  if (rc != CLI_CONTINUE) return rc;
  if (options[OPT_TTL].seen == options[OPT_REMOVE].seen)
    return cli_usage_error(set_ttl_usage, options[OPT_TTL].seen ? "--ttl and --remove cannot be combined"
                                                                : "give --ttl SECONDS or --remove");
  /* 0 means "remove" to the library; here a TTL must be a real one. */
  if (options[OPT_TTL].seen && (!cli_parse_int64(options[OPT_TTL].value, &ttl) || ttl <= 0)) {
    cli_errorf("--ttl must be a positive integer (seconds), not '%s'", options[OPT_TTL].value);
    return CLI_EXIT_USER;
  }
  rc = check_path(path, NULL);
  if (rc != CLI_EXIT_OK) return rc;
  rc = cli_open_rest_client(cli, &service, &rest);
  if (rc != CLI_EXIT_OK) return rc;
  s = tinker_rest_client_set_checkpoint_ttl_from_tinker_path(rest, path, ttl);
  if (s != TINKER_OK) {
    rc = cli_report_failure(s);
  } else {
    char *line = ttl > 0 ? format_line("Set the TTL of %s to %lld seconds", path, (long long)ttl)
                         : format_line("Removed the TTL of %s (it never expires)", path);
    print_done(cli, line, path, "ttl_seconds", json_ttl_value, &ttl);
    free(line);
  }
  cli_close_rest_client(service, rest);
  return rc;
}

/* ---- delete ------------------------------------------------------------------------------ */

typedef struct delete_target {
  const char *path;          /* the checkpoint's tinker:// path */
  const char *run_id;        /* with checkpoint_id: delete by ids (from a run's listing); */
  const char *checkpoint_id; /* else NULL, and the path is sent */
  char detail[128];          /* for the confirmation: size and creation, "" when unknown */
} delete_target_t;

/* 1 for "y" or "yes" in any case, blanks around it allowed. */
static int is_yes(const char *answer) {
  char word[8];
  size_t n = 0;
  while (isspace((unsigned char)*answer)) ++answer;
  while (*answer && !isspace((unsigned char)*answer)) {
    if (n + 1 >= sizeof(word)) return 0;
    word[n++] = (char)tolower((unsigned char)*answer++);
  }
  word[n] = '\0';
  while (isspace((unsigned char)*answer)) ++answer;
  return *answer == '\0' && (strcmp(word, "y") == 0 || strcmp(word, "yes") == 0);
}

/* Asks on the terminal; 1 when the answer is yes. The prompt goes to stderr, so that stdout
 * carries only results (JSON stays parseable). */
static int confirm(const delete_target_t *targets, size_t count) {
  char answer[64];
  size_t i;
  fprintf(stderr, "Will delete %zu checkpoint%s:\n", count, count == 1 ? "" : "s");
  for (i = 0; i < count; ++i) {
    char *shown = cli_xstrdup(targets[i].path);
    char *p;
    for (p = shown; *p; ++p) /* paths may come from the server: keep the terminal sane */
      if ((unsigned char)*p < 0x20 || *p == 0x7F) *p = '?';
    fprintf(stderr, "  - %s%s\n", shown, targets[i].detail);
    free(shown);
  }
  fprintf(stderr, "WARNING: this is permanent and cannot be undone.\n");
  fprintf(stderr, "Delete %zu checkpoint%s? [y/N] ", count, count == 1 ? "" : "s");
  fflush(stderr);
  if (!fgets(answer, sizeof(answer), stdin)) {
    fputc('\n', stderr);
    return 0;
  }
  return is_yes(answer);
}

/* Deletes every target, DELETE_WINDOW at a time, reports each failure on stderr and prints
 * the outcome (JSON: the count deleted and each failure). Returns the worst exit code. */
static int delete_targets(cli_t *cli, tinker_rest_client_t *rest, const delete_target_t *targets, size_t count) {
  tinker_future_t *window[DELETE_WINDOW];
  /* Per target: its error message, NULL when deleted. */
  char **errors = cli_xmalloc(sizeof(char *) * (count ? count : 1));
  size_t start, i, deleted = 0, failed = 0;
  int rc = CLI_EXIT_OK;

  for (start = 0; start < count; start += DELETE_WINDOW) {
    size_t n = count - start < DELETE_WINDOW ? count - start : DELETE_WINDOW;
    for (i = 0; i < n; ++i) {
      const delete_target_t *t = &targets[start + i];
      tinker_status_t s = t->run_id ? tinker_rest_client_delete_checkpoint_async(rest, t->run_id, t->checkpoint_id, &window[i])
                                    : tinker_rest_client_delete_checkpoint_from_tinker_path_async(rest, t->path, &window[i]);
      errors[start + i] = NULL;
      if (s != TINKER_OK) { /* refused before anything was sent */
        int code = cli_report_error(t->path, tinker_last_error());
        errors[start + i] = cli_xstrdup(tinker_error_message(tinker_last_error()));
        if (code > rc) rc = code;
        window[i] = NULL;
      }
    }
    for (i = 0; i < n; ++i) {
      const delete_target_t *t = &targets[start + i];
      tinker_status_t s;
      if (!window[i]) continue;
      s = tinker_future_wait(window[i], -1);
      if (s == TINKER_OK) {
        errors[start + i] = NULL;
      } else {
        const tinker_error_t *error = tinker_future_error(window[i]);
        int code = error ? cli_report_error(t->path, error) : CLI_EXIT_SERVER;
        if (!error) cli_errorf("%s: %s", t->path, tinker_status_str(s));
        errors[start + i] = cli_xstrdup(error ? tinker_error_message(error) : tinker_status_str(s));
        if (code > rc) rc = code;
      }
      tinker_future_free(window[i]);
    }
  }

  for (i = 0; i < count; ++i) {
    if (errors[i])
      ++failed;
    else
      ++deleted;
  }
  if (cli->format == CLI_FORMAT_JSON) {
    cli_json_t *json = cli_json_new(stdout);
    cli_json_begin_object(json);
    cli_json_key(json, "deleted_count");
    cli_json_int(json, (int64_t)deleted);
    cli_json_key(json, "failed");
    cli_json_begin_array(json);
    for (i = 0; i < count; ++i) {
      if (!errors[i]) continue;
      cli_json_begin_object(json);
      cli_json_key(json, "tinker_path");
      cli_json_string(json, targets[i].path);
      cli_json_key(json, "error");
      cli_json_string(json, errors[i]);
      cli_json_end_object(json);
    }
    cli_json_end_array(json);
    cli_json_end_object(json);
    cli_json_finish(json);
  } else {
    printf("Deleted %zu checkpoint%s\n", deleted, deleted == 1 ? "" : "s");
    if (failed) cli_errorf("failed to delete %zu checkpoint%s", failed, failed == 1 ? "" : "s");
  }
  for (i = 0; i < count; ++i) free(errors[i]);
  free(errors);
  return rc;
}

/* The checkpoint type a --type value selects ("training" or "sampler"), or NULL. The server's
 * own names are accepted too. */
static const char *checkpoint_type_of(const char *type) {
  if (strcmp(type, "weights") == 0 || strcmp(type, "training") == 0) return "training";
  if (strcmp(type, "sampler_weights") == 0 || strcmp(type, "sampler") == 0) return "sampler";
  return NULL;
}

static int cmd_delete(cli_t *cli, int argc, char **argv) {
  enum { OPT_RUN_ID, OPT_TYPE, OPT_YES };
  cli_option_t options[] = {{"run-id", 0, 1, 0, NULL}, {"type", 0, 1, 0, NULL}, {"yes", 'y', 0, 0, NULL}};
  cli_args_t args;
  tinker_service_client_t *service = NULL;
  tinker_rest_client_t *rest = NULL;
  tinker_checkpoint_list_t *list = NULL;
  delete_target_t *targets = NULL;
  size_t count = 0, i, j;
  const char *run_id, *type = NULL;
  int rc = cli_parse_args(cli, delete_usage, argc, argv, options, 3, &args);
  if (rc != CLI_CONTINUE) return rc;

  run_id = options[OPT_RUN_ID].seen ? options[OPT_RUN_ID].value : NULL;
  if (run_id && args.operand_count > 0)
    rc = cli_usage_error(delete_usage, "give checkpoint paths or --run-id, not both");
  else if (!run_id && args.operand_count == 0)
    rc = cli_usage_error(delete_usage, "give the checkpoints' paths, or --run-id");
  else if (options[OPT_TYPE].seen && !run_id)
    rc = cli_usage_error(delete_usage, "--type needs --run-id");
  if (rc != CLI_CONTINUE) goto done;
  rc = CLI_EXIT_OK;
  if (run_id && !run_id[0]) {
    cli_errorf("--run-id must not be empty");
    rc = CLI_EXIT_USER;
    goto done;
  }
  if (options[OPT_TYPE].seen && !(type = checkpoint_type_of(options[OPT_TYPE].value))) {
    cli_errorf("--type must be 'weights' or 'sampler_weights', not '%s'", options[OPT_TYPE].value);
    rc = CLI_EXIT_USER;
    goto done;
  }

  if (!run_id) {
    /* Every path is checked before anything is deleted; a path given twice is deleted once. */
    targets = cli_xmalloc(sizeof(*targets) * args.operand_count);
    for (i = 0; i < args.operand_count; ++i) {
      rc = check_path(args.operands[i], NULL);
      if (rc != CLI_EXIT_OK) goto done;
      for (j = 0; j < count; ++j)
        if (strcmp(targets[j].path, args.operands[i]) == 0) break;
      if (j < count) continue;
      targets[count].path = args.operands[i];
      targets[count].run_id = NULL;
      targets[count].checkpoint_id = NULL;
      targets[count].detail[0] = '\0';
      ++count;
    }
  }

  /* Without --yes a person must say yes; with no terminal to ask on, nobody can. */
  if (!options[OPT_YES].seen && !isatty(fileno(stdin))) {
    cli_errorf("refusing to delete without confirmation: stdin is not a terminal (use --yes)");
    rc = CLI_EXIT_USER;
    goto done;
  }

  rc = cli_open_rest_client(cli, &service, &rest);
  if (rc != CLI_EXIT_OK) goto done;

  if (run_id) {
    tinker_status_t s = tinker_rest_client_list_checkpoints(rest, run_id, &list);
    size_t n;
    if (s != TINKER_OK) {
      rc = cli_report_failure(s);
      goto done;
    }
    n = tinker_checkpoint_list_checkpoint_count(list);
    targets = cli_xmalloc(sizeof(*targets) * (n ? n : 1));
    for (i = 0; i < n; ++i) {
      checkpoint_ref_t r;
      checkpoint_text_t t;
      r.list = list;
      r.index = i;
      if (type && strcmp(ref_type(r), type) != 0) continue;
      describe(r, &t);
      targets[count].path = ref_path(r);
      targets[count].run_id = run_id;
      targets[count].checkpoint_id = ref_id(r);
      snprintf(targets[count].detail, sizeof(targets[count].detail), " (%s, created %s)", t.size, t.created);
      ++count;
    }
    if (count == 0) {
      if (cli->format == CLI_FORMAT_JSON) {
        cli_json_t *json = cli_json_new(stdout);
        cli_json_begin_object(json);
        cli_json_key(json, "deleted_count");
        cli_json_int(json, 0);
        cli_json_key(json, "failed");
        cli_json_begin_array(json);
        cli_json_end_array(json);
        cli_json_end_object(json);
        cli_json_finish(json);
      } else {
        printf("No checkpoints found for run %s%s%s\n", run_id, type ? " of type " : "",
               type ? options[OPT_TYPE].value : "");
      }
      goto done;
    }
  }

  if (!options[OPT_YES].seen && !confirm(targets, count)) {
    fprintf(stderr, "Deletion cancelled.\n");
    goto done;
  }
  rc = delete_targets(cli, rest, targets, count);

done:
  free(targets);
  tinker_checkpoint_list_free(list);
  cli_close_rest_client(service, rest);
  cli_args_free(&args);
  return rc;
}

/* ---- the group --------------------------------------------------------------------------- */

static const cli_command_t commands[] = {
    {"list", "List checkpoints (a run's, or all of yours)", cmd_list},
    {"info", "Show one checkpoint", cmd_info},
    {"download", "Download a checkpoint and extract it", cli_checkpoint_download},
    {"publish", "Make a checkpoint public", cmd_publish},
    {"unpublish", "Make a checkpoint private again", cmd_unpublish},
    {"set-ttl", "Set or remove a checkpoint's expiry", cmd_set_ttl},
    {"delete", "Delete checkpoints permanently", cmd_delete},
    {NULL, NULL, NULL},
};

int cli_checkpoint_main(cli_t *cli, int argc, char **argv) {
  return cli_run_group(cli, group_usage, commands, argc, argv);
}
