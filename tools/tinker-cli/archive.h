/*
 * archive.h — extracting a checkpoint archive (a tar file, gzip-compressed or not) into a
 * directory, safely: the archive comes from the network and is not trusted.
 *
 * What is extracted: regular files (mode 0644) and directories (0755), both less the umask;
 * names from ustar (with its prefix), pax extended headers (path, size) and GNU long names.
 * What is refused, naming the entry: absolute names, any ".." component, symlinks, hard links,
 * devices, FIFOs and other entry types, names that would pass through a symlink already in
 * the target, an entry given twice (or a file where a directory is, and the reverse), entries
 * or a total over the limits, a bad header checksum, a truncated or corrupt archive.
 *
 * The archive is read as a stream, never whole. Files are written under temporary names and
 * moved to their names only once the whole archive has been read and checked, so on failure
 * the target is left as it was: the temporary files and the directories made are removed.
 */
#ifndef TINKER_CLI_ARCHIVE_H
#define TINKER_CLI_ARCHIVE_H

#include <stdint.h>
#include <stdio.h>

typedef enum archive_status {
  ARCHIVE_OK = 0,
  ARCHIVE_E_BAD = 1, /* the archive: corrupt, truncated, hostile, over a limit */
  ARCHIVE_E_IO = 2   /* this machine: the input cannot be read, the target cannot be written */
} archive_status_t;

typedef struct archive_limits {
  uint64_t max_entry_bytes; /* one file */
  uint64_t max_total_bytes; /* every file together */
  uint64_t max_entries;     /* files and directories */
  uint64_t max_ratio;       /* gzip: output over input, past the first ratio_floor bytes; 0 = none */
  uint64_t ratio_floor;
} archive_limits_t;

typedef struct archive_report {
  uint64_t files;
  uint64_t directories;
  uint64_t bytes; /* in the files */
  /* Why it failed, naming the entry when one is to blame, and what of the target could not be
   * restored (if anything). Empty on success. */
  char error[1024];
} archive_report_t;

/* Limits for checkpoints: far above any real one, low enough to stop a bomb filling a disk. */
void archive_limits_default(archive_limits_t *limits);

/* Extracts the archive read from `in` into the existing directory `target_dir`. `limits` NULL
 * means the defaults. */
archive_status_t archive_extract(FILE *in, const char *target_dir, const archive_limits_t *limits,
                                 archive_report_t *report);

#endif /* TINKER_CLI_ARCHIVE_H */
