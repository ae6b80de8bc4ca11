/*
 * archive_test.c — archive_extract on archives make_archives.py writes: the good ones come out
 * equal to their sources (in every tar flavour, gzip or not), the hostile, corrupt and
 * oversized ones are refused naming the entry, with nothing written outside the target and
 * the target left as it was.
 *
 * Usage: archive_test PYTHON MAKE_ARCHIVES_PY
 */
#define _XOPEN_SOURCE 700 /* nftw, mkdtemp, symlink */

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../archive.h"

static int checks, failures;
static char work[256]; /* the test's own temporary directory */
static char ar[512];   /* where the archives are */

#define CHECK(cond, ...)             \
  do {                               \
    ++checks;                        \
    if (!(cond)) fail(__VA_ARGS__);  \
  } while (0)

static void fail(const char *fmt, ...) {
  va_list ap;
  ++failures;
  fputs("FAIL: ", stdout);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  fputc('\n', stdout);
}

static char *path_of(char *buf, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  return buf;
}

/* The whole content of a file (NULL when it cannot be read); *len receives its length. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *data = NULL;
  size_t cap = 0, n = 0, got;
  if (!f) return NULL;
  do {
    if (n == cap) data = realloc(data, cap = cap ? cap * 2 : 4096);
    got = fread(data + n, 1, cap - n, f);
    n += got;
  } while (got > 0);
  fclose(f);
  *len = n;
  return data;
}

/* ---- counting what a directory holds ------------------------------------------------------- */

static int tree_count;
static int count_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
  (void)p; (void)st; (void)flag;
  if (ftw->level > 0) ++tree_count;
  return 0;
}

/* Files, directories and links below `dir` (itself not counted); -1 when it does not exist. */
static int entries_below(const char *dir) {
  struct stat st;
  if (lstat(dir, &st) != 0) return -1;
  tree_count = 0;
  nftw(dir, count_entry, 16, FTW_PHYS);
  return tree_count;
}

static int remove_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st; (void)flag; (void)ftw;
  remove(p);
  return 0;
}

static void remove_tree(const char *dir) { nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS); }

/* ---- running one extraction ---------------------------------------------------------------- */

static int case_number;

/* A fresh case directory holding an empty `target`; its paths go to case_dir and target. */
static void new_case(char *case_dir, char *target, size_t size) {
  path_of(case_dir, size, "%s/case%02d", work, ++case_number);
  path_of(target, size, "%s/target", case_dir);
  if (mkdir(case_dir, 0755) != 0 || mkdir(target, 0755) != 0) {
    perror("mkdir");
    exit(1);
  }
}

static archive_status_t extract(const char *archive, const char *target, const archive_limits_t *limits,
                                archive_report_t *report) {
  char path[768];
  FILE *in = fopen(path_of(path, sizeof(path), "%s/%s", ar, archive), "rb");
  archive_status_t s;
  if (!in) {
    perror(path);
    exit(1);
  }
  s = archive_extract(in, target, limits, report);
  fclose(in);
  return s;
}

/* Nothing of a hostile archive landed where it was aimed: beside the target, or at the
 * absolute and symlinked places make_archives.py points at. */
static void check_nothing_outside(const char *archive, const char *case_dir) {
  char path[768];
  CHECK(entries_below(case_dir) >= 1 && access(path_of(path, sizeof(path), "%s/evil", case_dir), F_OK) != 0 &&
            access(path_of(path, sizeof(path), "%s/b", case_dir), F_OK) != 0,
        "%s: something was written beside the target", archive);
  CHECK(access(path_of(path, sizeof(path), "%s/escaped-abs", ar), F_OK) != 0, "%s: the absolute name was written", archive);
  CHECK(entries_below(path_of(path, sizeof(path), "%s/escaped-dir", ar)) == 0, "%s: a file went through the symlink",
        archive);
}

/* The archive is refused (with `status`), the message names `needle`, the target holds exactly
 * `left` entries (what it had before) and nothing is outside it. */
static void expect_refused_in(const char *archive, const char *case_dir, const char *target,
                              const archive_limits_t *limits, archive_status_t status, const char *needle,
                              int left) {
  archive_report_t report;
  archive_status_t s = extract(archive, target, limits, &report);
  CHECK(s == status, "%s: status %d, expected %d (%s)", archive, (int)s, (int)status, report.error);
  CHECK(strstr(report.error, needle) != NULL, "%s: the error does not mention '%s': %s", archive, needle, report.error);
  CHECK(report.files == 0 && report.bytes == 0, "%s: a failure reports files", archive);
  CHECK(entries_below(target) == left, "%s: the target holds %d entries, expected %d", archive, entries_below(target),
        left);
  CHECK(entries_below(case_dir) == left + 1, "%s: the case directory holds more than the target", archive);
  check_nothing_outside(archive, case_dir);
}

static void expect_refused(const char *archive, const archive_limits_t *limits, archive_status_t status,
                           const char *needle) {
  char case_dir[512], target[600];
  new_case(case_dir, target, sizeof(case_dir));
  expect_refused_in(archive, case_dir, target, limits, status, needle, 0);
}

/* `rel` in the target has exactly `want` (len bytes) and mode 0644. */
static void check_file(const char *archive, const char *target, const char *rel, const char *want, size_t len) {
  char path[8192];
  struct stat st;
  size_t got_len = 0;
  char *got = slurp(path_of(path, sizeof(path), "%s/%s", target, rel), &got_len);
  CHECK(got && got_len == len && memcmp(got, want, len) == 0, "%s: '%s' differs from its source", archive, rel);
  CHECK(lstat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0644,
        "%s: '%s' has mode %o, expected 0644", archive, rel, (unsigned)(st.st_mode & 07777));
  free(got);
}

/* A good archive of the tree in src/: every file equal, modes tamed, nothing else there. */
static void expect_good(const char *archive) {
  char case_dir[512], target[600], path[1024], line[512];
  archive_report_t report;
  struct stat st;
  FILE *manifest = fopen(path_of(path, sizeof(path), "%s/good.manifest", ar), "r");
  int files = 0, dirs;
  uint64_t bytes = 0;
  new_case(case_dir, target, sizeof(case_dir));
  CHECK(extract(archive, target, NULL, &report) == ARCHIVE_OK, "%s: refused: %s", archive, report.error);
  CHECK(report.error[0] == '\0', "%s: an error on success: %s", archive, report.error);
  while (manifest && fgets(line, sizeof(line), manifest)) {
    size_t len = 0;
    char *want;
    line[strcspn(line, "\n")] = '\0';
    want = slurp(path_of(path, sizeof(path), "%s/src/%s", ar, line), &len);
    check_file(archive, target, line, want ? want : "", len);
    bytes += len;
    ++files;
    free(want);
  }
  if (manifest) fclose(manifest);
  CHECK(files == 4, "%s: the manifest lists %d files", archive, files);
  /* weights, nested, nested/deeper, nested/deeper/still */
  dirs = 4;
  CHECK(entries_below(target) == files + dirs, "%s: the target holds %d entries, expected %d", archive,
        entries_below(target), files + dirs);
  CHECK(report.files == 4 && report.bytes == bytes && report.directories == 1, "%s: reported %llu files, %llu bytes, %llu dirs",
        archive, (unsigned long long)report.files, (unsigned long long)report.bytes,
        (unsigned long long)report.directories);
  /* The archive asks for 0777 on weights/: a directory gets 0755 whatever it asks. */
  CHECK(stat(path_of(path, sizeof(path), "%s/weights", target), &st) == 0 && (st.st_mode & 07777) == 0755,
        "%s: weights/ has mode %o", archive, (unsigned)(st.st_mode & 07777));
}

/* An archive of one file, `rel` holding `want`. */
static void expect_one_file(const char *archive, const char *rel, const char *want) {
  char case_dir[512], target[600];
  archive_report_t report;
  new_case(case_dir, target, sizeof(case_dir));
  CHECK(extract(archive, target, NULL, &report) == ARCHIVE_OK, "%s: refused: %s", archive, report.error);
  check_file(archive, target, rel, want, strlen(want));
  CHECK(report.files == 1, "%s: %llu files", archive, (unsigned long long)report.files);
}

/* ---- the cases ------------------------------------------------------------------------------- */

static void good_archives(void) {
  char path[768], names[2][1024];
  FILE *f;
  expect_good("good.tar.gz");
  expect_good("good.tar");       /* not compressed */
  expect_good("good_gnu.tar.gz"); /* GNU header flavour */
  expect_good("good_multi.tar.gz"); /* two gzip members */

  f = fopen(path_of(path, sizeof(path), "%s/long.names", ar), "r");
  CHECK(f && fgets(names[0], sizeof(names[0]), f) && fgets(names[1], sizeof(names[1]), f), "long.names unreadable");
  if (f) fclose(f);
  names[0][strcspn(names[0], "\n")] = '\0';
  names[1][strcspn(names[1], "\n")] = '\0';
  expect_one_file("pax_long.tar.gz", names[0], "pax long name\n");
  expect_one_file("gnu_long.tar.gz", names[0], "gnu long name\n");
  expect_one_file("ustar_prefix.tar.gz", names[1], "ustar prefix\n");
  expect_one_file("pax_size.tar.gz", "sized.txt", "twelve bytes");
  expect_one_file("pax_global.tar.gz", "g.txt", "g\n");
}

static void hostile_archives(void) {
  expect_refused("dotdot.tar.gz", NULL, ARCHIVE_E_BAD, "'../evil': its name has a '..' component");
  expect_refused("abs.tar.gz", NULL, ARCHIVE_E_BAD, "escaped-abs': its name is absolute");
  expect_refused("dotdot_mid.tar.gz", NULL, ARCHIVE_E_BAD, "'a/../../b'");
  expect_refused("symlink.tar.gz", NULL, ARCHIVE_E_BAD, "'link': it is a symbolic link");
  expect_refused("hardlink.tar.gz", NULL, ARCHIVE_E_BAD, "'b': it is a hard link");
  expect_refused("hardlink_out.tar.gz", NULL, ARCHIVE_E_BAD, "'pw': it is a hard link");
  expect_refused("symlink_then_file.tar.gz", NULL, ARCHIVE_E_BAD, "'link': it is a symbolic link");
  expect_refused("fifo.tar.gz", NULL, ARCHIVE_E_BAD, "'fifo': it is a FIFO");
  expect_refused("chardev.tar.gz", NULL, ARCHIVE_E_BAD, "'null': it is a character device");
  expect_refused("duplicate.tar.gz", NULL, ARCHIVE_E_BAD, "'same.txt': the archive has an earlier entry");
  expect_refused("duplicate_dot.tar.gz", NULL, ARCHIVE_E_BAD, "'./d//same.txt': the archive has an earlier entry");
  expect_refused("file_then_dir.tar.gz", NULL, ARCHIVE_E_BAD, "'a/b': its directory 'a' is a file");
}

/* A symlink the target already has is not followed; what the target had stays as it was. */
static void existing_target_content(void) {
  char case_dir[512], target[600], path[1024], outside[768];
  size_t len = 0;
  char *kept;
  FILE *f;

  new_case(case_dir, target, sizeof(case_dir));
  if (symlink(path_of(outside, sizeof(outside), "%s/escaped-dir", ar), path_of(path, sizeof(path), "%s/link", target)) != 0) {
    perror("symlink");
    exit(1);
  }
  expect_refused_in("through_link.tar.gz", case_dir, target, NULL, ARCHIVE_E_IO,
                    "'link' is a symlink in the target directory", 1);

  new_case(case_dir, target, sizeof(case_dir));
  f = fopen(path_of(path, sizeof(path), "%s/keep.txt", target), "w");
  if (!f || fputs("original", f) < 0 || fclose(f) != 0) {
    perror(path);
    exit(1);
  }
  /* keep.txt and new/new.txt come before the refused entry: neither may show. */
  expect_refused_in("good_then_bad.tar.gz", case_dir, target, NULL, ARCHIVE_E_BAD, "'zz': it is a symbolic link", 1);
  kept = slurp(path, &len);
  CHECK(kept && len == 8 && memcmp(kept, "original", 8) == 0, "good_then_bad: keep.txt was replaced");
  free(kept);
}

static void broken_archives(void) {
  archive_limits_t small;
  expect_refused("truncated.tar.gz", NULL, ARCHIVE_E_BAD, "truncated");
  expect_refused("truncated_inner.tar.gz", NULL, ARCHIVE_E_BAD, "the archive is truncated (it ends in a file's data)");
  expect_refused("no_end.tar.gz", NULL, ARCHIVE_E_BAD, "no end-of-archive block");
  expect_refused("bad_checksum.tar.gz", NULL, ARCHIVE_E_BAD, "header 1 has a wrong checksum");
  expect_refused("corrupt_gzip.tar.gz", NULL, ARCHIVE_E_BAD, "corrupt");
  expect_refused("not_an_archive.tar.gz", NULL, ARCHIVE_E_BAD, "corrupt");

  /* 8 MiB of zeros in a few KiB: each limit stops it on its own. */
  archive_limits_default(&small);
  small.max_entry_bytes = 1 << 20;
  expect_refused("bomb.tar.gz", &small, ARCHIVE_E_BAD, "'zeros.bin': it is 8388608 bytes, over the limit of 1048576");
  archive_limits_default(&small);
  small.max_total_bytes = 1 << 20;
  expect_refused("bomb.tar.gz", &small, ARCHIVE_E_BAD, "'zeros.bin': with it the files come to more than the limit");
  archive_limits_default(&small);
  small.max_ratio = 100;
  small.ratio_floor = 1 << 20;
  expect_refused("bomb.tar.gz", &small, ARCHIVE_E_BAD, "decompression bomb");
  archive_limits_default(&small);
  small.max_entries = 3;
  expect_refused("good.tar.gz", &small, ARCHIVE_E_BAD, "more than 3 files and directories");
}

static void bad_target(void) {
  archive_report_t report;
  char path[768];
  CHECK(extract("good.tar.gz", path_of(path, sizeof(path), "%s/no/such/dir", work), NULL, &report) == ARCHIVE_E_IO,
        "a missing target is not an I/O error");
  CHECK(strstr(report.error, "cannot open the directory") != NULL, "missing target: %s", report.error);
}

int main(int argc, char **argv) {
  const char *tmp = getenv("TMPDIR");
  pid_t pid;
  int status;
  if (argc != 3) {
    fprintf(stderr, "usage: archive_test PYTHON MAKE_ARCHIVES_PY\n");
    return 2;
  }
  umask(022); /* the modes checked are 0644 and 0755 */
  path_of(work, sizeof(work), "%s/tinker-archive-test-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
  if (!mkdtemp(work)) {
    perror("mkdtemp");
    return 1;
  }
  path_of(ar, sizeof(ar), "%s/archives", work);
  mkdir(ar, 0755);

  pid = fork();
  if (pid == 0) {
    char *child[4];
    child[0] = argv[1];
    child[1] = argv[2];
    child[2] = ar;
    child[3] = NULL;
    execvp(argv[1], child);
    perror(argv[1]);
    _exit(127);
  }
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "archive_test: %s %s failed\n", argv[1], argv[2]);
    remove_tree(work);
    return 1;
  }

  good_archives();
  hostile_archives();
  existing_target_content();
  broken_archives();
  bad_target();

  remove_tree(work);
  printf("%d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
