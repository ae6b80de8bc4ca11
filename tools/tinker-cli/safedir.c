/*
 * safedir.c — files and directories under a target directory, symlinks never followed,
 * nothing final until committed (see safedir.h).
 */
#define _POSIX_C_SOURCE 200809L /* openat, mkdirat, renameat, fstatat */

#include "safedir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

typedef struct pending_file {
  char *final_rel;
  char *temp_rel;
  int replaces;  /* something was at final_rel when the file was made */
  int committed;
} pending_file_t;

struct safedir {
  int root;
  char **dirs; /* the directories made here, oldest first */
  size_t dir_count, dir_capacity;
  pending_file_t *files;
  size_t file_count, file_capacity;
  unsigned long counter; /* for temporary names */
};

static void errorf(char *err, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void errorf(char *err, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, size, fmt, ap);
  va_end(ap);
}

static char *dup_n(const char *s, size_t n) {
  char *copy = malloc(n + 1);
  if (!copy) return NULL;
  memcpy(copy, s, n);
  copy[n] = '\0';
  return copy;
}

static int grow(void **array, size_t *capacity, size_t count, size_t item) {
  void *bigger;
  size_t want;
  if (count < *capacity) return 0;
  want = *capacity ? *capacity * 2 : 16;
  bigger = realloc(*array, want * item);
  if (!bigger) return -1;
  *array = bigger;
  *capacity = want;
  return 0;
}

safedir_t *safedir_open(const char *path, char *err, size_t err_size) {
  safedir_t *d = calloc(1, sizeof(*d));
  if (!d) {
    errorf(err, err_size, "out of memory");
    return NULL;
  }
  /* The target itself may be reached through symlinks: the user named it. */
  d->root = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d->root < 0) {
    errorf(err, err_size, "cannot open the directory '%s': %s", path, strerror(errno));
    free(d);
    return NULL;
  }
  return d;
}

/* Opens the directory `name` in `dir` without following a symlink; with `create`, makes it
 * when missing (and records `prefix`, its path from the root, as made here). -1 on failure. */
static int step(safedir_t *d, int dir, const char *name, int create, const char *prefix, size_t prefix_len,
                char *err, size_t err_size) {
  const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  struct stat st;
  int saved;
  int next = openat(dir, name, flags);
  if (next >= 0) return next;
  saved = errno;
  if (saved == ENOENT && create) {
    if (mkdirat(dir, name, 0755) == 0) {
      char *copy = dup_n(prefix, prefix_len);
      if (!copy || grow((void **)&d->dirs, &d->dir_capacity, d->dir_count, sizeof(char *)) != 0) {
        /* Unrecorded, it would outlive a rollback: undo it now. */
        free(copy);
        unlinkat(dir, name, AT_REMOVEDIR);
        errorf(err, err_size, "out of memory");
        return -1;
      }
      d->dirs[d->dir_count++] = copy;
    } else if (errno != EEXIST) {
      errorf(err, err_size, "cannot create the directory '%.*s': %s", (int)prefix_len, prefix, strerror(errno));
      return -1;
    }
    next = openat(dir, name, flags);
    if (next >= 0) return next;
    saved = errno;
  }
  /* Say what is in the way: the symlink case is the one that matters. */
  if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode))
      errorf(err, err_size, "'%.*s' is a symlink in the target directory; refusing to write through it",
             (int)prefix_len, prefix);
    else if (!S_ISDIR(st.st_mode))
      errorf(err, err_size, "'%.*s' exists and is not a directory", (int)prefix_len, prefix);
    else
      errorf(err, err_size, "cannot open the directory '%.*s': %s", (int)prefix_len, prefix, strerror(saved));
  } else {
    errorf(err, err_size, "cannot open the directory '%.*s': %s", (int)prefix_len, prefix, strerror(saved));
  }
  return -1;
}

/* Walks `rel` from the root: every component when leaf is NULL, else all but the last (whose
 * offset in `rel` goes to *leaf). Returns a descriptor of the directory reached (the caller
 * closes it) or -1. */
static int walk(safedir_t *d, const char *rel, int create, size_t *leaf, char *err, size_t err_size) {
  size_t len = strlen(rel), start = 0;
  char *name = malloc(len + 1);
  int dir;
  if (!name) {
    errorf(err, err_size, "out of memory");
    return -1;
  }
  dir = dup(d->root);
  if (dir < 0) errorf(err, err_size, "cannot walk the target directory: %s", strerror(errno));
  while (dir >= 0 && start < len) {
    const char *slash = strchr(rel + start, '/');
    size_t end = slash ? (size_t)(slash - rel) : len;
    int next;
    if (leaf && !slash) { /* the last component: the caller's */
      *leaf = start;
      break;
    }
    memcpy(name, rel + start, end - start);
    name[end - start] = '\0';
    next = step(d, dir, name, create, rel, end, err, err_size);
    close(dir);
    dir = next;
    start = end + 1;
  }
  free(name);
  return dir;
}

int safedir_mkdirs(safedir_t *d, const char *rel, char *err, size_t err_size) {
  int dir = walk(d, rel, 1, NULL, err, err_size);
  if (dir < 0) return -1;
  close(dir);
  return 0;
}

int safedir_create_file(safedir_t *d, const char *rel, char *err, size_t err_size) {
  size_t leaf = 0;
  struct stat st;
  pending_file_t *p;
  char temp[64];
  int attempt, fd = -1, replaces = 0;
  int dir = walk(d, rel, 1, &leaf, err, err_size);
  if (dir < 0) return -1;
  if (fstatat(dir, rel + leaf, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISDIR(st.st_mode)) {
      errorf(err, err_size, "'%s' exists and is a directory", rel);
      close(dir);
      return -1;
    }
    replaces = 1; /* a file, or a symlink: the rename replaces the link itself, never its target */
  }
  if (grow((void **)&d->files, &d->file_capacity, d->file_count, sizeof(*d->files)) != 0) {
    errorf(err, err_size, "out of memory");
    close(dir);
    return -1;
  }
  /* O_EXCL: a name somebody else made meanwhile is skipped, never opened. */
  for (attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    snprintf(temp, sizeof(temp), SAFEDIR_TEMP_PREFIX "%ld-%lu", (long)getpid(), ++d->counter);
    fd = openat(dir, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    errorf(err, err_size, "cannot create a file for '%s': %s", rel, strerror(errno));
    close(dir);
    return -1;
  }
  p = &d->files[d->file_count];
  p->final_rel = dup_n(rel, strlen(rel));
  p->temp_rel = malloc(leaf + strlen(temp) + 1);
  if (!p->final_rel || !p->temp_rel) {
    free(p->final_rel);
    free(p->temp_rel);
    unlinkat(dir, temp, 0);
    close(fd);
    close(dir);
    errorf(err, err_size, "out of memory");
    return -1;
  }
  memcpy(p->temp_rel, rel, leaf); /* the parent's path and its '/' */
  strcpy(p->temp_rel + leaf, temp);
  p->replaces = replaces;
  p->committed = 0;
  ++d->file_count;
  close(dir);
  return fd;
}

/* Runs `op` on the last component of `rel` in its parent (walked without creating). */
static int at_leaf(safedir_t *d, const char *rel, int (*op)(int dir, const char *leaf, const void *arg),
                   const void *arg, char *err, size_t err_size) {
  size_t leaf = 0;
  int rc, dir = walk(d, rel, 0, &leaf, err, err_size);
  if (dir < 0) return -1;
  rc = op(dir, rel + leaf, arg);
  if (rc != 0) errorf(err, err_size, "'%s': %s", rel, strerror(errno));
  close(dir);
  return rc;
}

static int rename_op(int dir, const char *leaf, const void *arg) {
  const char *temp_rel = arg;
  const char *temp_leaf = strrchr(temp_rel, '/');
  return renameat(dir, temp_leaf ? temp_leaf + 1 : temp_rel, dir, leaf);
}

static int unlink_op(int dir, const char *leaf, const void *arg) {
  (void)arg;
  return unlinkat(dir, leaf, 0);
}

static int rmdir_op(int dir, const char *leaf, const void *arg) {
  (void)arg;
  return unlinkat(dir, leaf, AT_REMOVEDIR);
}

int safedir_commit(safedir_t *d, char *err, size_t err_size) {
  size_t i;
  for (i = 0; i < d->file_count; ++i) {
    pending_file_t *p = &d->files[i];
    if (p->committed) continue;
    if (at_leaf(d, p->final_rel, rename_op, p->temp_rel, err, err_size) != 0) return -1;
    p->committed = 1;
  }
  return 0;
}

/* Appends "; <text>" to `note` (the first addition without the separator). */
static void note_add(char *note, size_t size, const char *text) {
  size_t used = strlen(note);
  if (used + 1 >= size) return;
  snprintf(note + used, size - used, "%s%s", used ? "; " : "", text);
}

void safedir_rollback(safedir_t *d, char *note, size_t note_size) {
  char err[512], line[640];
  size_t i, replaced = 0;
  const char *example = NULL;
  if (note_size) note[0] = '\0';
  for (i = d->file_count; i-- > 0;) {
    pending_file_t *p = &d->files[i];
    if (p->committed && p->replaces) {
      ++replaced;
      example = p->final_rel;
      continue;
    }
    if (at_leaf(d, p->committed ? p->final_rel : p->temp_rel, unlink_op, NULL, err, sizeof(err)) != 0) {
      snprintf(line, sizeof(line), "could not remove %s", err);
      note_add(note, note_size, line);
    }
  }
  if (replaced) {
    snprintf(line, sizeof(line), "%zu existing file%s already replaced (e.g. '%s')", replaced,
             replaced == 1 ? " was" : "s were", example);
    note_add(note, note_size, line);
  }
  for (i = d->dir_count; i-- > 0;) {
    if (at_leaf(d, d->dirs[i], rmdir_op, NULL, err, sizeof(err)) != 0) {
      snprintf(line, sizeof(line), "could not remove the directory %s", err);
      note_add(note, note_size, line);
    }
  }
  /* Undone (or reported): a second rollback has nothing left to do. */
  for (i = 0; i < d->file_count; ++i) {
    free(d->files[i].final_rel);
    free(d->files[i].temp_rel);
  }
  d->file_count = 0;
  for (i = 0; i < d->dir_count; ++i) free(d->dirs[i]);
  d->dir_count = 0;
}

void safedir_close(safedir_t *d) {
  size_t i;
  if (!d) return;
  for (i = 0; i < d->file_count; ++i) {
    free(d->files[i].final_rel);
    free(d->files[i].temp_rel);
  }
  free(d->files);
  for (i = 0; i < d->dir_count; ++i) free(d->dirs[i]);
  free(d->dirs);
  close(d->root);
  free(d);
}
