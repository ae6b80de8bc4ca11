/*
 * pathset.c — open addressing with linear probing, kept under half full (see pathset.h).
 */
#include "pathset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
  char *path; /* NULL: empty */
  size_t len;
  int kind;
} slot_t;

struct pathset {
  slot_t *slots;
  size_t capacity; /* a power of two */
  size_t count;
};

/* FNV-1a: simple, and the names are not chosen to collide by anyone who gains from it beyond
 * slowing one extraction down, which the entry limit bounds. */
static size_t hash(const char *s, size_t len) {
  uint64_t h = 14695981039346656037ull;
  size_t i;
  for (i = 0; i < len; ++i) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ull;
  }
  return (size_t)h;
}

static slot_t *find(const pathset_t *set, const char *path, size_t len) {
  size_t mask = set->capacity - 1, i = hash(path, len) & mask;
  for (;;) {
    slot_t *s = &set->slots[i];
    if (!s->path || (s->len == len && memcmp(s->path, path, len) == 0)) return s;
    i = (i + 1) & mask;
  }
}

pathset_t *pathset_new(void) {
  pathset_t *set = calloc(1, sizeof(*set));
  if (!set) return NULL;
  set->capacity = 64;
  set->slots = calloc(set->capacity, sizeof(slot_t));
  if (!set->slots) {
    free(set);
    return NULL;
  }
  return set;
}

int pathset_get(const pathset_t *set, const char *path, size_t len) {
  slot_t *s = find(set, path, len);
  return s->path ? s->kind : PATHSET_NONE;
}

static int rehash(pathset_t *set) {
  pathset_t bigger;
  size_t i;
  bigger.capacity = set->capacity * 2;
  bigger.count = set->count;
  bigger.slots = calloc(bigger.capacity, sizeof(slot_t));
  if (!bigger.slots) return -1;
  for (i = 0; i < set->capacity; ++i)
    if (set->slots[i].path) *find(&bigger, set->slots[i].path, set->slots[i].len) = set->slots[i];
  free(set->slots);
  *set = bigger;
  return 0;
}

int pathset_put(pathset_t *set, const char *path, size_t len, int kind) {
  slot_t *s;
  if ((set->count + 1) * 2 > set->capacity && rehash(set) != 0) return -1;
  s = find(set, path, len);
  if (!s->path) {
    s->path = malloc(len ? len : 1);
    if (!s->path) return -1;
    memcpy(s->path, path, len);
    s->len = len;
    ++set->count;
  }
  s->kind = kind;
  return 0;
}

size_t pathset_count(const pathset_t *set) { return set->count; }

void pathset_free(pathset_t *set) {
  size_t i;
  if (!set) return;
  for (i = 0; i < set->capacity; ++i) free(set->slots[i].path);
  free(set->slots);
  free(set);
}
