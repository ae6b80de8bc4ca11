/*
 * output.h — how results are printed: aligned tables, key/value blocks, JSON, and the
 * formatting of sizes and times for people.
 */
#ifndef TINKER_CLI_OUTPUT_H
#define TINKER_CLI_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- tables ---------------------------------------------------------------------------- */

typedef struct cli_table cli_table_t;

/* A table with `column_count` columns; `headers` (copied) may be NULL for a table without a
 * header row (a key/value block). */
cli_table_t *cli_table_new(size_t column_count, const char *const *headers);

/* Appends a row of `column_count` cells (copied; NULL prints as ""). */
void cli_table_add_row(cli_table_t *table, const char *const *cells);

/* Prints the table: every column padded to its widest cell, two spaces between columns, a rule
 * under the header. Control characters in cells print as '?', so text from the server cannot
 * move the cursor or recolour the terminal. */
void cli_table_print(const cli_table_t *table, FILE *out);

void cli_table_free(cli_table_t *table);

/* ---- JSON -------------------------------------------------------------------------------- */

/* A streaming JSON writer, indented by two spaces. Calls must nest properly; keys are only
 * written inside objects, each followed by exactly one value (scalar or container). */
typedef struct cli_json cli_json_t;

cli_json_t *cli_json_new(FILE *out);
/* Ends the document with a newline and frees the writer. */
void cli_json_finish(cli_json_t *json);

void cli_json_begin_object(cli_json_t *json);
void cli_json_end_object(cli_json_t *json);
void cli_json_begin_array(cli_json_t *json);
void cli_json_end_array(cli_json_t *json);
void cli_json_key(cli_json_t *json, const char *key);
/* A string; NULL writes null. */
void cli_json_string(cli_json_t *json, const char *value);
void cli_json_int(cli_json_t *json, int64_t value);
/* `value`, or null when it is negative (the library's "the server did not say"). */
void cli_json_int_or_null(cli_json_t *json, int64_t value);
void cli_json_bool(cli_json_t *json, int value);
void cli_json_null(cli_json_t *json);
/* A finite number, in the shortest form that reads back as the same double. */
void cli_json_double(cli_json_t *json, double value);
/* An object of the metadata's keys and values, in its order; NULL writes {}. */
struct tinker_metadata;
void cli_json_metadata(cli_json_t *json, const struct tinker_metadata *metadata);

/* A checkpoint's fields, as a checkpoint list's item or a training run's newest checkpoint
 * gives them. */
typedef struct cli_checkpoint_fields {
  const char *id; /* NULL: there is none */
  const char *type, *time, *path, *expires;
  int64_t size; /* -1: not given */
  int is_public;
} cli_checkpoint_fields_t;
/* One checkpoint as the server's Checkpoint JSON names its fields (a size the server did not
 * give is null, as is the expiry of a checkpoint that never expires). */
void cli_json_checkpoint(cli_json_t *json, const cli_checkpoint_fields_t *c);

/* Writes `text` as a JSON string literal, quotes included: '"', '\\' and control characters
 * escaped, valid UTF-8 kept as it is, and each byte that is not part of valid UTF-8 replaced
 * by U+FFFD (JSON text must be Unicode). */
void cli_json_write_string(FILE *out, const char *text);

/* ---- formatting ------------------------------------------------------------------------ */

/* "512 B", "1.5 KB", "3.2 MB", ... (powers of 1024); "N/A" for a negative size. */
void cli_format_size(int64_t bytes, char *buf, size_t size);

/* A finite double in the shortest form that reads back as the same value ("0.1", "1e+20"). */
void cli_format_double(double value, char *buf, size_t size);

/* An RFC 3339 time from the server for people: "2026-04-14 09:30:05 UTC" for a UTC time
 * (fractions of a second dropped); anything else exactly as given. */
void cli_format_time(const char *rfc3339, char *buf, size_t size);

#endif /* TINKER_CLI_OUTPUT_H */
