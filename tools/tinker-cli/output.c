/*
 * output.c — tables, JSON and human-readable sizes and times (see output.h).
 */
#include "output.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ---- UTF-8 --------------------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at `s` (1..4), or 0 when the byte there does not start one
 * (a stray continuation byte, an overlong form, a surrogate, a value past U+10FFFF, a cut
 * sequence). s[0] must not be NUL. */
static size_t utf8_sequence_length(const unsigned char *s) {
  unsigned char c = s[0];
  size_t n, i;
  unsigned long cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  for (i = 1; i < n; ++i) {
    if ((s[i] & 0xC0) != 0x80) return 0; /* also stops at the NUL */
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return n;
}

/* Columns `text` takes on a terminal: one per character (code point), which is right for the
 * ids, paths and times a table holds; a byte outside valid UTF-8 counts as one too. */
static size_t display_width(const char *text) {
  const unsigned char *s = (const unsigned char *)text;
  size_t width = 0;
  while (*s) {
    size_t n = utf8_sequence_length(s);
    s += n ? n : 1;
    ++width;
  }
  return width;
}

/* ---- tables -------------------------------------------------------------------------------- */

struct cli_table {
  size_t columns;
  int has_header;
  size_t rows;     /* including the header row, when there is one */
  size_t capacity; /* rows allocated */
  char **cells;    /* rows * columns, row-major */
};

/* A copy of `text` fit for a terminal: control characters (C0, DEL) become '?'. */
static char *printable_copy(const char *text) {
  char *copy = cli_xstrdup(text ? text : "");
  char *p;
  for (p = copy; *p; ++p) {
    unsigned char c = (unsigned char)*p;
    if (c < 0x20 || c == 0x7F) *p = '?';
  }
  return copy;
}

static void append_row(cli_table_t *table, const char *const *cells) {
  size_t i;
  if (table->rows == table->capacity) {
    table->capacity = table->capacity ? table->capacity * 2 : 8;
    table->cells = cli_xrealloc(table->cells, sizeof(char *) * table->capacity * table->columns);
  }
  for (i = 0; i < table->columns; ++i)
    table->cells[table->rows * table->columns + i] = printable_copy(cells[i]);
  ++table->rows;
}

cli_table_t *cli_table_new(size_t column_count, const char *const *headers) {
  cli_table_t *table = cli_xmalloc(sizeof(*table));
  table->columns = column_count;
  table->has_header = headers != NULL;
  table->rows = 0;
  table->capacity = 0;
  table->cells = NULL;
  if (headers) append_row(table, headers);
  return table;
}

void cli_table_add_row(cli_table_t *table, const char *const *cells) { append_row(table, cells); }

static void print_padding(FILE *out, size_t n) {
  while (n--) fputc(' ', out);
}

void cli_table_print(const cli_table_t *table, FILE *out) {
  size_t *widths = cli_xmalloc(sizeof(size_t) * (table->columns ? table->columns : 1));
  size_t r, c;
  for (c = 0; c < table->columns; ++c) {
    widths[c] = 0;
    for (r = 0; r < table->rows; ++r) {
      size_t w = display_width(table->cells[r * table->columns + c]);
      if (w > widths[c]) widths[c] = w;
    }
  }
  for (r = 0; r < table->rows; ++r) {
    for (c = 0; c < table->columns; ++c) {
      const char *cell = table->cells[r * table->columns + c];
      fputs(cell, out);
      /* The last column is not padded: no trailing blanks. */
      if (c + 1 < table->columns) print_padding(out, widths[c] - display_width(cell) + 2);
    }
    fputc('\n', out);
    if (r == 0 && table->has_header) {
      for (c = 0; c < table->columns; ++c) {
        size_t i;
        for (i = 0; i < widths[c]; ++i) fputc('-', out);
        if (c + 1 < table->columns) print_padding(out, 2);
      }
      fputc('\n', out);
    }
  }
  free(widths);
}

void cli_table_free(cli_table_t *table) {
  size_t i;
  if (!table) return;
  for (i = 0; i < table->rows * table->columns; ++i) free(table->cells[i]);
  free(table->cells);
  free(table);
}

/* ---- JSON ---------------------------------------------------------------------------------- */

/* Deep enough for anything this tool prints (a list of objects is three levels). */
#define CLI_JSON_MAX_DEPTH 16

struct cli_json {
  FILE *out;
  int depth;
  int empty[CLI_JSON_MAX_DEPTH]; /* per open container: nothing written in it yet */
  int after_key;                 /* a key was written; its value comes next, on the same line */
};

cli_json_t *cli_json_new(FILE *out) {
  cli_json_t *json = cli_xmalloc(sizeof(*json));
  memset(json, 0, sizeof(*json));
  json->out = out;
  return json;
}

void cli_json_finish(cli_json_t *json) {
  fputc('\n', json->out);
  free(json);
}

static void newline_and_indent(cli_json_t *json, int depth) {
  int i;
  fputc('\n', json->out);
  for (i = 0; i < depth; ++i) fputs("  ", json->out);
}

/* Separates what comes next from what came before in the current container. */
static void before_item(cli_json_t *json) {
  if (json->after_key) {
    json->after_key = 0;
    return;
  }
  if (json->depth == 0) return;
  if (!json->empty[json->depth - 1]) fputc(',', json->out);
  json->empty[json->depth - 1] = 0;
  newline_and_indent(json, json->depth);
}

static void begin_container(cli_json_t *json, char open) {
  if (json->depth == CLI_JSON_MAX_DEPTH) { /* a bug in this program, not in its input */
    fputs("tinker: internal error: JSON nested too deeply\n", stderr);
    abort();
  }
  before_item(json);
  fputc(open, json->out);
  json->empty[json->depth] = 1;
  ++json->depth;
}

static void end_container(cli_json_t *json, char close) {
  --json->depth;
  if (!json->empty[json->depth]) newline_and_indent(json, json->depth);
  fputc(close, json->out);
}

void cli_json_begin_object(cli_json_t *json) { begin_container(json, '{'); }
void cli_json_end_object(cli_json_t *json) { end_container(json, '}'); }
void cli_json_begin_array(cli_json_t *json) { begin_container(json, '['); }
void cli_json_end_array(cli_json_t *json) { end_container(json, ']'); }

void cli_json_key(cli_json_t *json, const char *key) {
  before_item(json);
  cli_json_write_string(json->out, key);
  fputs(": ", json->out);
  json->after_key = 1;
}

void cli_json_string(cli_json_t *json, const char *value) {
  before_item(json);
  if (value)
    cli_json_write_string(json->out, value);
  else
    fputs("null", json->out);
}

void cli_json_int(cli_json_t *json, int64_t value) {
  before_item(json);
  fprintf(json->out, "%lld", (long long)value);
}

void cli_json_bool(cli_json_t *json, int value) {
  before_item(json);
  fputs(value ? "true" : "false", json->out);
}

void cli_json_null(cli_json_t *json) {
  before_item(json);
  fputs("null", json->out);
}

void cli_format_double(double value, char *buf, size_t size) {
  int precision;
  /* %.17g always reads back exactly but shows noise (0.1 as 0.10000000000000001): take the
   * shortest precision that still does. */
  for (precision = 1; precision <= 17; ++precision) {
    snprintf(buf, size, "%.*g", precision, value);
    if (strtod(buf, NULL) == value) break;
  }
}

void cli_json_double(cli_json_t *json, double value) {
  char buf[40];
  before_item(json);
  cli_format_double(value, buf, sizeof(buf));
  fputs(buf, json->out);
}

void cli_json_int_or_null(cli_json_t *json, int64_t value) {
  if (value >= 0)
    cli_json_int(json, value);
  else
    cli_json_null(json);
}

void cli_json_checkpoint(cli_json_t *json, const cli_checkpoint_fields_t *c) {
  cli_json_begin_object(json);
  cli_json_key(json, "checkpoint_id");
  cli_json_string(json, c->id);
  cli_json_key(json, "checkpoint_type");
  cli_json_string(json, c->type);
  cli_json_key(json, "time");
  cli_json_string(json, c->time);
  cli_json_key(json, "tinker_path");
  cli_json_string(json, c->path);
  cli_json_key(json, "size_bytes");
  cli_json_int_or_null(json, c->size);
  cli_json_key(json, "public");
  cli_json_bool(json, c->is_public == 1);
  cli_json_key(json, "expires_at");
  cli_json_string(json, c->expires);
  cli_json_end_object(json);
}

void cli_json_metadata(cli_json_t *json, const struct tinker_metadata *metadata) {
  size_t i, n = metadata ? tinker_metadata_count(metadata) : 0;
  cli_json_begin_object(json);
  for (i = 0; i < n; ++i) {
    cli_json_key(json, tinker_metadata_key(metadata, i));
    cli_json_string(json, tinker_metadata_value(metadata, i));
  }
  cli_json_end_object(json);
}

void cli_json_write_string(FILE *out, const char *text) {
  const unsigned char *s = (const unsigned char *)text;
  fputc('"', out);
  while (*s) {
    unsigned char c = *s;
    size_t n;
    switch (c) {
      case '"': fputs("\\\"", out); ++s; continue;
      case '\\': fputs("\\\\", out); ++s; continue;
      case '\b': fputs("\\b", out); ++s; continue;
      case '\f': fputs("\\f", out); ++s; continue;
      case '\n': fputs("\\n", out); ++s; continue;
      case '\r': fputs("\\r", out); ++s; continue;
      case '\t': fputs("\\t", out); ++s; continue;
      default: break;
    }
    if (c < 0x20) {
      fprintf(out, "\\u%04x", c);
      ++s;
      continue;
    }
    n = utf8_sequence_length(s);
    if (n == 0) {
      fputs("\\ufffd", out);
      ++s;
      continue;
    }
    fwrite(s, 1, n, out);
    s += n;
  }
  fputc('"', out);
}

/* ---- formatting ---------------------------------------------------------------------------- */

void cli_format_size(int64_t bytes, char *buf, size_t size) {
  static const char *const units[] = {"KB", "MB", "GB", "TB", "PB", "EB"};
  double value;
  size_t unit = 0;
  if (bytes < 0) {
    snprintf(buf, size, "N/A");
    return;
  }
  if (bytes < 1024) {
    snprintf(buf, size, "%lld B", (long long)bytes);
    return;
  }
  value = (double)bytes / 1024.0;
  /* Move up while the one-decimal rendering would reach 1024.0 of this unit. */
  while (value >= 1023.95 && unit + 1 < sizeof(units) / sizeof(units[0])) {
    value /= 1024.0;
    ++unit;
  }
  snprintf(buf, size, "%.1f %s", value, units[unit]);
}

static int all_digits(const char *s, size_t n) {
  size_t i;
  for (i = 0; i < n; ++i)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

void cli_format_time(const char *rfc3339, char *buf, size_t size) {
  const char *s = rfc3339 ? rfc3339 : "";
  const char *rest;
  /* "YYYY-MM-DDTHH:MM:SS" */
  int shaped = strlen(s) >= 19 && all_digits(s, 4) && s[4] == '-' && all_digits(s + 5, 2) && s[7] == '-' &&
               all_digits(s + 8, 2) && (s[10] == 'T' || s[10] == 't' || s[10] == ' ') && all_digits(s + 11, 2) &&
               s[13] == ':' && all_digits(s + 14, 2) && s[16] == ':' && all_digits(s + 17, 2);
  if (shaped) {
    rest = s + 19;
    if (*rest == '.') {
      ++rest;
      while (*rest >= '0' && *rest <= '9') ++rest;
    }
    if (strcmp(rest, "Z") == 0 || strcmp(rest, "z") == 0 || strcmp(rest, "+00:00") == 0) {
      snprintf(buf, size, "%.10s %.8s UTC", s, s + 11);
      return;
    }
  }
  snprintf(buf, size, "%s", s);
}
