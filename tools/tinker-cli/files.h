/*
 * files.h — the local file system chores of the commands that write files: what is at a path,
 * temporary files and directories beside a destination, creating a directory with its parents,
 * removing a tree.
 */
#ifndef TINKER_CLI_FILES_H
#define TINKER_CLI_FILES_H

#include <stdio.h>

typedef enum cli_path_state {
  CLI_PATH_MISSING,
  CLI_PATH_EMPTY_DIR,
  CLI_PATH_NONEMPTY_DIR,
  CLI_PATH_NOT_DIR, /* a file, or anything else that is not a directory */
  CLI_PATH_ERROR    /* cannot be looked at (errno says why) */
} cli_path_state_t;

/* What is at `path` (a symlink to a directory counts as that directory). */
cli_path_state_t cli_path_state(const char *path);

/* The directory `path` is in ("." for a bare name); the caller frees it. */
char *cli_parent_dir(const char *path);

/* The last component of `path`, without trailing slashes; the caller frees it. */
char *cli_base_name(const char *path);

/* A new hidden file in `dir`, opened for reading and writing, already unlinked so that it
 * vanishes however the program ends. NULL (errno set) on failure. */
FILE *cli_anonymous_file_in(const char *dir);

/* A new hidden file or directory in `dir` named after `base`: "<dir>/.<base>.<what>-XXXXXX".
 * Returns its path (the caller frees it) and, for a file, its descriptor in *fd; NULL (errno
 * set) on failure. */
char *cli_temp_file_in(const char *dir, const char *base, const char *what, int *fd);
char *cli_temp_dir_in(const char *dir, const char *base, const char *what);

/* The directories cli_make_dirs created, outermost first. */
typedef struct cli_made_dirs {
  char **paths;
  size_t count;
} cli_made_dirs_t;

/* Creates `path` and whatever of its parents is missing, like `mkdir -p` (mode 0777 less the
 * umask), and lists in *made the directories it created. 0, or -1 (errno set: ENOTDIR when
 * something on the way exists and is not a directory) with nothing created and *made empty. */
int cli_make_dirs(const char *path, cli_made_dirs_t *made);

/* Removes, innermost first, the directories in *made that are still empty (with `remove`
 * nonzero), then frees the list. */
void cli_made_dirs_finish(cli_made_dirs_t *made, int remove);

/* Removes `path` and everything below it without following symlinks (a symlink is removed,
 * not what it points at). 0, or -1 when something stayed. */
int cli_remove_tree(const char *path);

#endif /* TINKER_CLI_FILES_H */
