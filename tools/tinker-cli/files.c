/*
 * files.c — local file system chores (see files.h).
 */
#define _XOPEN_SOURCE 700 /* nftw, mkdtemp, mkstemp */

#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

cli_path_state_t cli_path_state(const char *path) {
  struct stat st;
  DIR *dir;
  struct dirent *entry;
  cli_path_state_t state = CLI_PATH_EMPTY_DIR;
  if (stat(path, &st) != 0) return errno == ENOENT ? CLI_PATH_MISSING : CLI_PATH_ERROR;
  if (!S_ISDIR(st.st_mode)) return CLI_PATH_NOT_DIR;
  dir = opendir(path);
  if (!dir) return CLI_PATH_ERROR;
  while ((entry = readdir(dir)) != NULL) {
    if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0) {
      state = CLI_PATH_NONEMPTY_DIR;
      break;
    }
  }
  closedir(dir);
  return state;
}

/* Length of `path` without its trailing slashes (but "/" stays "/"). */
static size_t trimmed_length(const char *path) {
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') --n;
  return n;
}

char *cli_parent_dir(const char *path) {
  size_t n = trimmed_length(path);
  char *parent;
  while (n > 0 && path[n - 1] != '/') --n; /* drop the last component */
  if (n == 0) return cli_xstrdup(".");
  while (n > 1 && path[n - 1] == '/') --n; /* and the slashes before it */
  parent = cli_xmalloc(n + 1);
  memcpy(parent, path, n);
  parent[n] = '\0';
  return parent;
}

char *cli_base_name(const char *path) {
  size_t end = trimmed_length(path), start = end;
  char *base;
  while (start > 0 && path[start - 1] != '/') --start;
  base = cli_xmalloc(end - start + 1);
  memcpy(base, path + start, end - start);
  base[end - start] = '\0';
  return base;
}

static char *template_in(const char *dir, const char *base, const char *what) {
  size_t n = strlen(dir) + strlen(base) + strlen(what) + 16;
  char *name = cli_xmalloc(n);
  snprintf(name, n, "%s/.%s.%s-XXXXXX", dir, base, what);
  return name;
}

FILE *cli_anonymous_file_in(const char *dir) {
  int fd;
  char *name = cli_temp_file_in(dir, "tinker", "download", &fd);
  FILE *f;
  if (!name) return NULL;
  unlink(name);
  free(name);
  f = fdopen(fd, "w+b");
  if (!f) {
    int saved = errno;
    close(fd);
    errno = saved;
  }
  return f;
}

char *cli_temp_file_in(const char *dir, const char *base, const char *what, int *fd) {
  char *name = template_in(dir, base, what);
  *fd = mkstemp(name);
  if (*fd < 0) {
    int saved = errno;
    free(name);
    errno = saved;
    return NULL;
  }
  return name;
}

char *cli_temp_dir_in(const char *dir, const char *base, const char *what) {
  char *name = template_in(dir, base, what);
  if (!mkdtemp(name)) {
    int saved = errno;
    free(name);
    errno = saved;
    return NULL;
  }
  return name;
}

/* `prefix` exists now as a directory: 1 if mkdir made it, 0 if it was there, -1 (errno set) if
 * neither. */
static int make_dir(const char *prefix) {
  struct stat st;
  int saved;
  if (mkdir(prefix, 0777) == 0) return 1;
  saved = errno;
  if (stat(prefix, &st) == 0) {
    if (S_ISDIR(st.st_mode)) return 0;
    saved = ENOTDIR;
  }
  errno = saved;
  return -1;
}

int cli_make_dirs(const char *path, cli_made_dirs_t *made) {
  size_t n = strlen(path), i = 0;
  char *prefix = cli_xmalloc(n + 1);
  made->paths = NULL;
  made->count = 0;
  while (i < n) {
    int r;
    while (i < n && path[i] == '/') ++i; /* the slashes before a component (or a root) */
    while (i < n && path[i] != '/') ++i; /* and the component */
    memcpy(prefix, path, i);
    prefix[i] = '\0';
    r = make_dir(prefix);
    if (r < 0) {
      int saved = errno;
      free(prefix);
      cli_made_dirs_finish(made, 1);
      errno = saved;
      return -1;
    }
    if (r > 0) {
      made->paths = cli_xrealloc(made->paths, (made->count + 1) * sizeof(*made->paths));
      made->paths[made->count++] = cli_xstrdup(prefix);
    }
  }
  free(prefix);
  return 0;
}

void cli_made_dirs_finish(cli_made_dirs_t *made, int remove) {
  size_t i = made->count;
  while (i-- > 0) {
    if (remove) rmdir(made->paths[i]); /* fails, as it should, if something else is in it now */
    free(made->paths[i]);
  }
  free(made->paths);
  made->paths = NULL;
  made->count = 0;
}

static int remove_failures;

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st;
  (void)ftw;
  if ((flag == FTW_DP ? rmdir(path) : unlink(path)) != 0 && errno != ENOENT) ++remove_failures;
  return 0;
}

int cli_remove_tree(const char *path) {
  remove_failures = 0;
  /* FTW_PHYS: symlinks are reported as themselves, never followed; FTW_DEPTH: a directory after
   * what it holds. */
  if (nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT) return -1;
  return remove_failures ? -1 : 0;
}
