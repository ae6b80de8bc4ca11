/*
 * safedir.h — writing files and directories under one target directory without ever leaving
 * it, and without changing it at all unless asked to commit.
 *
 * Every path is walked one component at a time from the target with O_NOFOLLOW, so a symlink
 * anywhere on the way (one already in the target, or one swapped in meanwhile) is refused
 * rather than followed. Files are written under temporary names in their own directories and
 * moved to their names only by safedir_commit; safedir_rollback removes the temporary files
 * and every directory this made. Relative paths given here must already be normalized (no
 * empty, "." or ".." components, no leading '/').
 */
#ifndef TINKER_CLI_SAFEDIR_H
#define TINKER_CLI_SAFEDIR_H

#include <stddef.h>

/* Temporary files are named with this prefix; names starting with it are the caller's to refuse. */
#define SAFEDIR_TEMP_PREFIX ".tinker-extract-"

typedef struct safedir safedir_t;

/* Opens the existing directory `path`. On failure returns NULL with the reason in err. */
safedir_t *safedir_open(const char *path, char *err, size_t err_size);

/* Makes the directory `rel` and any missing parents (mode 0755 less the umask); existing
 * directories are fine, anything else in the way is an error. 0 or -1 (reason in err). */
int safedir_mkdirs(safedir_t *d, const char *rel, char *err, size_t err_size);

/* Makes rel's missing parents and a new temporary file beside where `rel` goes (mode 0644
 * less the umask); returns its descriptor, which the caller writes and closes, or -1 (reason
 * in err). A directory already at `rel` is an error. */
int safedir_create_file(safedir_t *d, const char *rel, char *err, size_t err_size);

/* Moves every file made by safedir_create_file to its name, replacing what is there. 0, or -1
 * (reason in err) with the files not yet moved left for safedir_rollback. */
int safedir_commit(safedir_t *d, char *err, size_t err_size);

/* Removes the temporary files, the committed files that did not replace anything, and the
 * directories this made (newest first; any that is not empty stays). Returns a description of
 * what could not be undone — files already replaced, paths that would not go — in `note`
 * (empty when everything was undone). */
void safedir_rollback(safedir_t *d, char *note, size_t note_size);

void safedir_close(safedir_t *d);

#endif /* TINKER_CLI_SAFEDIR_H */
