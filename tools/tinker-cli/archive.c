/*
 * archive.c — reading tar headers and applying the extraction rules (see archive.h). The
 * bytes come from gzstream.c, the names are checked against each other with pathset.c, and
 * everything is written through safedir.c.
 *
 * Tar in brief: 512-byte blocks; each entry is a header block (name, octal size, type, a
 * checksum of the header) followed by its data padded to a block; two zero blocks end the
 * archive. A pax 'x' header or a GNU 'L' header carries data (a long name, a large size) for
 * the entry that follows it.
 */
#define _POSIX_C_SOURCE 200809L

#include "archive.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gzstream.h"
#include "pathset.h"
#include "safedir.h"

#define BLOCK 512
/* A pax header or a GNU long name is a few records or one name: a MiB is far beyond either. */
#define META_MAX (1u << 20)
/* Writers pad the end to their record size (10 KiB usually); more than this is not padding. */
#define TRAILER_MAX (16u << 20)
#define NAME_MAX_BYTES 255  /* one component, as Linux file systems allow */
#define PATH_MAX_BYTES 4095 /* a whole name */

typedef struct extractor {
  gz_stream_t *in;
  safedir_t *dir;
  pathset_t *names;
  archive_limits_t limits;
  archive_report_t *report;
  uint64_t headers; /* read so far: the position of the entry a message is about */
  /* What extended headers said about the next entry (NULL / 0 when nothing). */
  char *next_path;
  char *next_long_name;
  int next_has_size;
  uint64_t next_size;
  char meta_type; /* the type of the last extended header, 0 when none is pending */
  unsigned char buf[64 * 1024];
} extractor_t;

void archive_limits_default(archive_limits_t *limits) {
  limits->max_entry_bytes = (uint64_t)64 << 30;
  limits->max_total_bytes = (uint64_t)256 << 30;
  /* Checkpoints hold a handful of files; implied directories count too, which bounds the
   * memory the name set can take. */
  limits->max_entries = 10000;
  limits->max_ratio = 200;
  limits->ratio_floor = (uint64_t)64 << 20;
}

/* ---- messages ------------------------------------------------------------------------------ */

static archive_status_t fail(extractor_t *x, archive_status_t status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static archive_status_t fail(extractor_t *x, archive_status_t status, const char *fmt, ...) {
  va_list ap;
  if (x->report->error[0]) return status; /* the first reason is the one that counts */
  va_start(ap, fmt);
  vsnprintf(x->report->error, sizeof(x->report->error), fmt, ap);
  va_end(ap);
  return status;
}

/* A name as it can be shown: control characters as '?', at most ~200 bytes. */
static void shown(const char *name, char *out, size_t size) {
  size_t i, n = 0;
  for (i = 0; name[i] && n + 4 < size && n < 200; ++i) {
    unsigned char c = (unsigned char)name[i];
    out[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
  }
  if (name[i]) {
    memcpy(out + n, "...", 3);
    n += 3;
  }
  out[n] = '\0';
}

static archive_status_t refuse(extractor_t *x, const char *name, const char *reason) {
  char s[256];
  shown(name, s, sizeof(s));
  return fail(x, ARCHIVE_E_BAD, "refusing the archive's entry '%s': %s", s, reason);
}

/* ---- reading ------------------------------------------------------------------------------- */

/* Reads exactly n bytes; otherwise the archive is truncated or unreadable (`what` says where). */
static archive_status_t read_exact(extractor_t *x, void *buf, size_t n, const char *what) {
  size_t got = gz_stream_read(x->in, buf, n);
  const char *error = gz_stream_error(x->in);
  if (got == n) return ARCHIVE_OK;
  if (error) return fail(x, gz_stream_error_is_io(x->in) ? ARCHIVE_E_IO : ARCHIVE_E_BAD, "%s", error);
  return fail(x, ARCHIVE_E_BAD, "the archive is truncated (it ends in %s)", what);
}

static archive_status_t skip(extractor_t *x, uint64_t n, const char *what) {
  while (n > 0) {
    size_t chunk = n < sizeof(x->buf) ? (size_t)n : sizeof(x->buf);
    archive_status_t s = read_exact(x, x->buf, chunk, what);
    if (s != ARCHIVE_OK) return s;
    n -= chunk;
  }
  return ARCHIVE_OK;
}

static uint64_t padding(uint64_t size) { return (BLOCK - size % BLOCK) % BLOCK; }

/* ---- headers ------------------------------------------------------------------------------- */

/* A numeric header field: octal digits (blanks or NULs around them), or GNU's base-256 for
 * large values (first byte 0x80; 0xff, a negative number, is refused). 0 on success. */
static int parse_number(const unsigned char *field, size_t len, uint64_t *out) {
  uint64_t v = 0;
  size_t i = 0;
  if (field[0] & 0x80) {
    if (field[0] != 0x80) return -1;
    for (i = 1; i < len; ++i) {
      if (v > (UINT64_MAX >> 8)) return -1;
      v = (v << 8) | field[i];
    }
    *out = v;
    return 0;
  }
  while (i < len && field[i] == ' ') ++i;
  for (; i < len && field[i] >= '0' && field[i] <= '7'; ++i) {
    if (v > (UINT64_MAX >> 3)) return -1;
    v = (v << 3) | (uint64_t)(field[i] - '0');
  }
  for (; i < len; ++i)
    if (field[i] != ' ' && field[i] != '\0') return -1;
  *out = v;
  return 0;
}

/* The checksum is the sum of the header's bytes with its own field read as blanks; some old
 * writers summed signed chars, so either sum is accepted. */
static int checksum_ok(const unsigned char *h) {
  uint64_t stored;
  unsigned long sum = 0;
  long signed_sum = 0;
  size_t i;
  if (parse_number(h + 148, 8, &stored) != 0) return 0;
  for (i = 0; i < BLOCK; ++i) {
    unsigned char c = (i >= 148 && i < 156) ? ' ' : h[i];
    sum += c;
    signed_sum += (signed char)c;
  }
  return stored == sum || (int64_t)stored == (int64_t)signed_sum;
}

static int all_zero(const unsigned char *h) {
  size_t i;
  for (i = 0; i < BLOCK; ++i)
    if (h[i]) return 0;
  return 1;
}

/* The name in the header itself: ustar's prefix, a '/', and the name field. */
static char *header_name(const unsigned char *h) {
  size_t name_len = strnlen((const char *)h, 100), prefix_len = 0;
  char *name;
  /* Only POSIX ustar ("ustar\0") has a prefix; GNU's "ustar  " keeps other fields there. */
  if (memcmp(h + 257, "ustar\0", 6) == 0) prefix_len = strnlen((const char *)h + 345, 155);
  name = malloc(prefix_len + name_len + 2);
  if (!name) return NULL;
  if (prefix_len) {
    memcpy(name, h + 345, prefix_len);
    name[prefix_len++] = '/';
  }
  memcpy(name + prefix_len, h, name_len);
  name[prefix_len + name_len] = '\0';
  return name;
}

static char *copy_value(const char *value, size_t len) {
  char *copy = malloc(len + 1);
  if (!copy) return NULL;
  memcpy(copy, value, len);
  copy[len] = '\0';
  return copy;
}

/* Reads pax records, "<length> <key>=<value>\n", keeping path and size for the next entry. */
static archive_status_t parse_pax(extractor_t *x, const char *data, size_t len) {
  size_t pos = 0;
  while (pos < len) {
    size_t record = 0, i = pos, key_len;
    const char *key, *value, *end, *eq;
    while (i < len && data[i] >= '0' && data[i] <= '9' && record <= META_MAX) record = record * 10 + (size_t)(data[i++] - '0');
    if (i == pos || i >= len || data[i] != ' ' || record <= i - pos + 1 || record > len - pos ||
        data[pos + record - 1] != '\n')
      return fail(x, ARCHIVE_E_BAD, "the archive is corrupt (a malformed pax record in header %llu)",
                  (unsigned long long)x->headers);
    key = data + i + 1;
    end = data + pos + record - 1;
    eq = memchr(key, '=', (size_t)(end - key));
    if (!eq) return fail(x, ARCHIVE_E_BAD, "the archive is corrupt (a pax record without '=' in header %llu)",
                         (unsigned long long)x->headers);
    key_len = (size_t)(eq - key);
    value = eq + 1;
    if (key_len == 4 && memcmp(key, "path", 4) == 0) {
      free(x->next_path);
      x->next_path = NULL;
      if (memchr(value, '\0', (size_t)(end - value)))
        return fail(x, ARCHIVE_E_BAD, "refusing the archive's entry after header %llu: a NUL byte in its pax path",
                    (unsigned long long)x->headers);
      /* An empty value cancels an earlier one (POSIX). */
      if (end > value && !(x->next_path = copy_value(value, (size_t)(end - value))))
        return fail(x, ARCHIVE_E_IO, "out of memory");
    } else if (key_len == 4 && memcmp(key, "size", 4) == 0) {
      uint64_t v = 0;
      const char *p;
      if (value == end) return fail(x, ARCHIVE_E_BAD, "the archive is corrupt (an empty pax size)");
      for (p = value; p < end; ++p) {
        if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
          return fail(x, ARCHIVE_E_BAD, "the archive is corrupt (a bad pax size)");
        v = v * 10 + (uint64_t)(*p - '0');
      }
      x->next_has_size = 1;
      x->next_size = v;
    } else if (key_len > 11 && memcmp(key, "GNU.sparse.", 11) == 0) {
      /* Written as it is stored, a sparse file would come out wrong. */
      return fail(x, ARCHIVE_E_BAD, "refusing the archive: it has a sparse file (header %llu)",
                  (unsigned long long)x->headers);
    }
    /* Everything else (times, owners, linkpath, charset, vendor keys) does not matter here. */
    pos += record;
  }
  return ARCHIVE_OK;
}

/* Reads an extended header's data (pax 'x' or 'g', GNU 'L' or 'K') and applies it. */
static archive_status_t read_meta(extractor_t *x, char type, uint64_t size) {
  archive_status_t s;
  char *data;
  if (size > META_MAX)
    return fail(x, ARCHIVE_E_BAD, "refusing the archive: extended header %llu is %llu bytes, over %u",
                (unsigned long long)x->headers, (unsigned long long)size, META_MAX);
  data = malloc((size_t)size + 1);
  if (!data) return fail(x, ARCHIVE_E_IO, "out of memory");
  s = read_exact(x, data, (size_t)size, "an extended header");
  if (s == ARCHIVE_OK) s = skip(x, padding(size), "an extended header");
  if (s == ARCHIVE_OK) {
    data[size] = '\0';
    if (type == 'x') {
      s = parse_pax(x, data, (size_t)size);
    } else if (type == 'L') {
      /* The name, NUL-terminated by most writers. */
      free(x->next_long_name);
      x->next_long_name = copy_value(data, strlen(data));
      if (!x->next_long_name) s = fail(x, ARCHIVE_E_IO, "out of memory");
    }
    /* 'g' (pax global) and 'K' (the long target of a link, refused anyway) change nothing. */
  }
  if (type != 'g') x->meta_type = type;
  free(data);
  return s;
}

/* ---- names --------------------------------------------------------------------------------- */

/* Writes the name without empty and "." components to `out` (as long as `name`); NULL, or
 * why the name is refused. */
static const char *normalize(const char *name, char *out) {
  size_t n = 0, total = strlen(name);
  const char *p = name;
  if (!name[0]) return "its name is empty";
  if (name[0] == '/') return "its name is absolute";
  if (total > PATH_MAX_BYTES) return "its name is longer than 4095 bytes";
  for (; *p; ++p)
    if ((unsigned char)*p < 0x20 || *p == 0x7f) return "its name has a control character";
  p = name;
  while (*p) {
    const char *slash = strchr(p, '/');
    size_t len = slash ? (size_t)(slash - p) : strlen(p);
    if (len == 2 && p[0] == '.' && p[1] == '.') return "its name has a '..' component";
    if (len > NAME_MAX_BYTES) return "a component of its name is longer than 255 bytes";
    if (len >= strlen(SAFEDIR_TEMP_PREFIX) && memcmp(p, SAFEDIR_TEMP_PREFIX, strlen(SAFEDIR_TEMP_PREFIX)) == 0)
      return "its name uses the prefix this tool reserves for temporary files";
    if (len > 0 && !(len == 1 && p[0] == '.')) {
      if (n) out[n++] = '/';
      memcpy(out + n, p, len);
      n += len;
    }
    p += len;
    if (*p == '/') ++p;
  }
  out[n] = '\0';
  return NULL;
}

/* Records `name` (normalized) as a file or directory and the directories it goes through,
 * refusing what clashes with an earlier entry; messages show the entry's `raw` name. */
static archive_status_t claim(extractor_t *x, const char *raw, const char *name, int is_dir) {
  size_t len = strlen(name), i;
  int kind;
  for (i = 0; i <= len; ++i) {
    if (i < len && name[i] != '/') continue;
    kind = pathset_get(x->names, name, i);
    if (i < len) { /* a directory on the way */
      if (kind == PATHSET_FILE) {
        char s[256], why[320];
        char *dir = copy_value(name, i);
        if (!dir) return fail(x, ARCHIVE_E_IO, "out of memory");
        shown(dir, s, sizeof(s));
        free(dir);
        snprintf(why, sizeof(why), "its directory '%s' is a file earlier in the archive", s);
        return refuse(x, raw, why);
      }
      if (kind != PATHSET_NONE) continue;
      kind = PATHSET_IMPLIED_DIR;
    } else {
      if (kind == PATHSET_FILE || kind == PATHSET_DIR) return refuse(x, raw, "the archive has an earlier entry of this name");
      if (kind == PATHSET_IMPLIED_DIR && !is_dir) return refuse(x, raw, "it is a file where earlier entries have a directory");
      kind = is_dir ? PATHSET_DIR : PATHSET_FILE;
    }
    if (pathset_count(x->names) >= x->limits.max_entries)
      return fail(x, ARCHIVE_E_BAD, "refusing the archive: it has more than %llu files and directories",
                  (unsigned long long)x->limits.max_entries);
    if (pathset_put(x->names, name, i, kind) != 0) return fail(x, ARCHIVE_E_IO, "out of memory");
  }
  return ARCHIVE_OK;
}

/* ---- entries ------------------------------------------------------------------------------- */

static archive_status_t write_all(extractor_t *x, int fd, const unsigned char *data, size_t n, const char *name) {
  while (n > 0) {
    ssize_t w = write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      char s[256];
      shown(name, s, sizeof(s));
      return fail(x, ARCHIVE_E_IO, "cannot write '%s': %s", s, strerror(w < 0 ? errno : EIO));
    }
    data += w;
    n -= (size_t)w;
  }
  return ARCHIVE_OK;
}

static archive_status_t extract_file(extractor_t *x, const char *name, uint64_t size) {
  char err[512], s[256];
  archive_status_t st = ARCHIVE_OK;
  uint64_t left = size;
  int fd;
  shown(name, s, sizeof(s));
  fd = safedir_create_file(x->dir, name, err, sizeof(err));
  if (fd < 0) return fail(x, ARCHIVE_E_IO, "cannot extract '%s': %s", s, err);
  while (left > 0 && st == ARCHIVE_OK) {
    size_t chunk = left < sizeof(x->buf) ? (size_t)left : sizeof(x->buf);
    st = read_exact(x, x->buf, chunk, "a file's data");
    if (st == ARCHIVE_OK) st = write_all(x, fd, x->buf, chunk, name);
    left -= chunk;
  }
  /* close() is where some file systems report a failed write. */
  if (close(fd) != 0 && st == ARCHIVE_OK) st = fail(x, ARCHIVE_E_IO, "cannot write '%s': %s", s, strerror(errno));
  if (st == ARCHIVE_OK) st = skip(x, padding(size), "a file's data");
  if (st == ARCHIVE_OK) {
    ++x->report->files;
    x->report->bytes += size;
  }
  return st;
}

/* One entry: its header `h` has been read and checked; extended headers before it applied. */
static archive_status_t extract_entry(extractor_t *x, const unsigned char *h, uint64_t header_size) {
  char type = (char)h[156];
  uint64_t size = x->next_has_size ? x->next_size : header_size;
  char *raw = x->next_path ? x->next_path : x->next_long_name ? x->next_long_name : header_name(h);
  char *name = NULL;
  const char *why = NULL;
  int is_dir = 0;
  archive_status_t st = ARCHIVE_OK;
  if (!raw) return fail(x, ARCHIVE_E_IO, "out of memory");
  /* The extended headers were for this entry only. */
  if (raw != x->next_path) free(x->next_path);
  if (raw != x->next_long_name) free(x->next_long_name);
  x->next_path = x->next_long_name = NULL;
  x->next_has_size = 0;
  x->meta_type = 0;

  switch (type) {
    case '0': case '7': break; /* '7' (contiguous) is a regular file anywhere but on old tape systems */
    case '\0': is_dir = raw[0] && raw[strlen(raw) - 1] == '/'; break; /* pre-POSIX: a '/' meant a directory */
    case '5': is_dir = 1; break;
    case '1': why = "it is a hard link"; break;
    case '2': why = "it is a symbolic link"; break;
    case '3': why = "it is a character device"; break;
    case '4': why = "it is a block device"; break;
    case '6': why = "it is a FIFO"; break;
    default: why = "its type is not a file or a directory"; break;
  }
  if (why) {
    st = refuse(x, raw, why);
    goto done;
  }
  name = malloc(strlen(raw) + 1);
  if (!name) {
    st = fail(x, ARCHIVE_E_IO, "out of memory");
    goto done;
  }
  if ((why = normalize(raw, name)) != NULL) {
    st = refuse(x, raw, why);
    goto done;
  }
  if (!name[0]) {
    /* "./": the target itself, which exists. A file cannot be it. */
    if (!is_dir) st = refuse(x, raw, "its name is the target directory itself");
    else st = skip(x, size + padding(size), "a directory entry");
    goto done;
  }
  if (size > x->limits.max_entry_bytes) {
    char reason[128];
    snprintf(reason, sizeof(reason), "it is %llu bytes, over the limit of %llu", (unsigned long long)size,
             (unsigned long long)x->limits.max_entry_bytes);
    st = refuse(x, raw, reason);
    goto done;
  }
  if (!is_dir && size > x->limits.max_total_bytes - x->report->bytes) {
    char reason[128];
    snprintf(reason, sizeof(reason), "with it the files come to more than the limit of %llu bytes",
             (unsigned long long)x->limits.max_total_bytes);
    st = refuse(x, raw, reason);
    goto done;
  }
  st = claim(x, raw, name, is_dir);
  if (st != ARCHIVE_OK) goto done;
  if (is_dir) {
    char err[512], s[256];
    if (safedir_mkdirs(x->dir, name, err, sizeof(err)) != 0) {
      shown(raw, s, sizeof(s));
      st = fail(x, ARCHIVE_E_IO, "cannot extract '%s': %s", s, err);
      goto done;
    }
    ++x->report->directories;
    /* A directory has no data; one that claims some has it skipped. */
    st = skip(x, size + padding(size), "a directory entry");
  } else {
    st = extract_file(x, name, size);
  }
done:
  free(name);
  free(raw);
  return st;
}

/* Reads headers and entries up to the end-of-archive block. */
static archive_status_t read_entries(extractor_t *x) {
  unsigned char h[BLOCK];
  for (;;) {
    uint64_t size;
    char type;
    archive_status_t st;
    size_t got = gz_stream_read(x->in, h, BLOCK);
    if (got < BLOCK) {
      const char *error = gz_stream_error(x->in);
      if (error) return fail(x, gz_stream_error_is_io(x->in) ? ARCHIVE_E_IO : ARCHIVE_E_BAD, "%s", error);
      if (got == 0 && x->headers == 0) return fail(x, ARCHIVE_E_BAD, "the archive is empty");
      if (got == 0) return fail(x, ARCHIVE_E_BAD, "the archive is truncated (it has no end-of-archive block)");
      return fail(x, ARCHIVE_E_BAD, "the archive is truncated (it ends in a header)");
    }
    if (all_zero(h)) {
      if (x->meta_type)
        return fail(x, ARCHIVE_E_BAD, "the archive is corrupt (its last extended header is for no entry)");
      return ARCHIVE_OK;
    }
    ++x->headers;
    if (!checksum_ok(h))
      return fail(x, ARCHIVE_E_BAD, "the archive is corrupt (header %llu has a wrong checksum)",
                  (unsigned long long)x->headers);
    if (parse_number(h + 124, 12, &size) != 0)
      return fail(x, ARCHIVE_E_BAD, "the archive is corrupt (header %llu has an unreadable size)",
                  (unsigned long long)x->headers);
    type = (char)h[156];
    if (type == 'x' || type == 'g' || type == 'L' || type == 'K')
      st = read_meta(x, type, size);
    else
      st = extract_entry(x, h, size);
    if (st != ARCHIVE_OK) return st;
  }
}

/* After the end-of-archive block: the writer's padding, read so that a gzip stream is checked
 * to its end (its CRC covers everything extracted). */
static archive_status_t read_trailer(extractor_t *x) {
  uint64_t total = 0;
  for (;;) {
    size_t got = gz_stream_read(x->in, x->buf, sizeof(x->buf));
    const char *error = gz_stream_error(x->in);
    if (error) return fail(x, gz_stream_error_is_io(x->in) ? ARCHIVE_E_IO : ARCHIVE_E_BAD, "%s", error);
    if (got == 0) return ARCHIVE_OK;
    total += got;
    if (total > TRAILER_MAX) return fail(x, ARCHIVE_E_BAD, "the archive is corrupt (too much data after its end)");
  }
}

archive_status_t archive_extract(FILE *in, const char *target_dir, const archive_limits_t *limits,
                                 archive_report_t *report) {
  extractor_t *x;
  archive_status_t st = ARCHIVE_OK;
  memset(report, 0, sizeof(*report));
  x = calloc(1, sizeof(*x));
  if (!x) {
    snprintf(report->error, sizeof(report->error), "out of memory");
    return ARCHIVE_E_IO;
  }
  x->report = report;
  if (limits)
    x->limits = *limits;
  else
    archive_limits_default(&x->limits);
  x->dir = safedir_open(target_dir, report->error, sizeof(report->error));
  if (!x->dir) st = ARCHIVE_E_IO;
  if (st == ARCHIVE_OK) {
    x->in = gz_stream_open(in, x->limits.max_ratio, x->limits.ratio_floor);
    x->names = pathset_new();
    if (!x->in || !x->names) st = fail(x, ARCHIVE_E_IO, "out of memory");
  }
  if (st == ARCHIVE_OK) st = read_entries(x);
  if (st == ARCHIVE_OK) st = read_trailer(x);
  if (st == ARCHIVE_OK) {
    char err[512];
    if (safedir_commit(x->dir, err, sizeof(err)) != 0) st = fail(x, ARCHIVE_E_IO, "cannot move a file into place: %s", err);
  }
  if (st != ARCHIVE_OK && x->dir) {
    char note[512];
    size_t used = strlen(report->error);
    safedir_rollback(x->dir, note, sizeof(note));
    if (note[0]) snprintf(report->error + used, sizeof(report->error) - used, " (and %s)", note);
    report->files = report->directories = report->bytes = 0;
  }
  safedir_close(x->dir);
  gz_stream_close(x->in);
  pathset_free(x->names);
  free(x->next_path);
  free(x->next_long_name);
  free(x);
  return st;
}
