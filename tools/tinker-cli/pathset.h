/*
 * pathset.h — the names an archive has used so far, and as what (a hash set), so that a second
 * entry for a name, or a file where a directory is, is caught before anything is written.
 */
#ifndef TINKER_CLI_PATHSET_H
#define TINKER_CLI_PATHSET_H

#include <stddef.h>

enum {
  PATHSET_NONE = 0,
  PATHSET_FILE = 1,
  PATHSET_DIR = 2,        /* a directory entry of its own */
  PATHSET_IMPLIED_DIR = 3 /* a directory only because a later name goes through it */
};

typedef struct pathset pathset_t;

pathset_t *pathset_new(void); /* NULL when memory runs out */

/* The kind recorded for the first `len` bytes of `path`, PATHSET_NONE when there is none. */
int pathset_get(const pathset_t *set, const char *path, size_t len);

/* Records (or re-records) the first `len` bytes of `path` as `kind`. 0, or -1 when memory runs out. */
int pathset_put(pathset_t *set, const char *path, size_t len, int kind);

/* How many names are recorded. */
size_t pathset_count(const pathset_t *set);

void pathset_free(pathset_t *set);

#endif /* TINKER_CLI_PATHSET_H */
