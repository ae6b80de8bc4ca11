/*
 * Helpers shared by the benchmark programs: start and stop a private tinker-emulator, a
 * monotonic clock, medians, and readers for /proc/self.
 *
 * Plain C so that both the C benchmarks (public API only) and the C++ ones can use it.
 */
#ifndef TINKER_BENCH_UTIL_H
#define TINKER_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A running tinker-emulator owned by the benchmark. */
typedef struct bench_emulator {
  pid_t pid;
  int out_fd;         /* read end of the child's stdout, kept open until stop */
  char base_url[128]; /* "http://127.0.0.1:PORT" */
} bench_emulator_t;

/** Resolves the emulator binary: `explicit_path` when non-NULL, else $TINKER_EMULATOR, else the
 *  build tree's binary (compiled in as BENCH_DEFAULT_EMULATOR), else ../emulator/tinker-emulator
 *  next to this executable. Returns a static buffer, or NULL when none exists (after saying so
 *  on stderr, prefixed with `program`). */
const char *bench_find_emulator(const char *explicit_path, const char *program);

/** Starts `path --port 0 --quiet [extra_args...]` (extra_args NULL-terminated, may be NULL)
 *  and waits for its "listening on http://HOST:PORT" line. The child dies with this process.
 *  Returns 0 on success, -1 (message on stderr) on failure. */
int bench_emulator_start(bench_emulator_t *emu, const char *path, const char *const *extra_args);

/** Sends SIGTERM, waits up to 5 s, then SIGKILL. Safe to call twice. */
void bench_emulator_stop(bench_emulator_t *emu);

/** Monotonic time in nanoseconds. */
int64_t bench_now_ns(void);

/** Sorts `v` in place and returns its median (0 for n == 0). */
double bench_median(double *v, size_t n);
/** Sorts `v` in place and returns the p-th percentile (0..100, nearest rank). */
double bench_percentile(double *v, size_t n, double p);

/** Number of threads of this process (entries in /proc/self/task), -1 on error. */
int bench_thread_count(void);
/** A "Vm...:" value of /proc/self/status in KiB (e.g. "VmRSS", "VmHWM"), -1 on error. */
long bench_status_kib(const char *field);
/** Number of open file descriptors (entries in /proc/self/fd), -1 on error. */
int bench_open_fds(void);

/** The 1-minute load average (/proc/loadavg), -1 on error. */
double bench_loadavg(void);
/** Prints one line describing the machine: online CPUs and the 1-minute load average, with a
 *  warning when other work competes for the CPUs (timings are then not representative). */
void bench_print_machine(const char *when);

/** Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the new soft limit. */
long bench_raise_nofile(void);

/** An idempotency key in the library's format, "libtinker-retry-<uuid4>", from two random words:
 * the raw clients send what the library sends. `out` has room for BENCH_IDEMPOTENCY_KEY_SIZE. */
#define BENCH_IDEMPOTENCY_KEY_SIZE 53
void bench_idempotency_key(uint64_t a, uint64_t b, char *out);

struct curl_slist;
/** Appends to `h` the identity headers the library sends on every request (protocol.md §1.2,
 *  §1.4: X-API-Key, User-Agent, the X-Stainless-* set with retry count 0) for a raw libcurl
 *  side; `library_version` is tinker_version_string(). Accept, Content-Type, per-call headers
 *  and "Expect:" are the caller's. Returns the new list head. */
struct curl_slist *bench_sdk_headers(struct curl_slist *h, const char *api_key, const char *library_version,
                                     int read_timeout_s);

#ifdef __cplusplus
}
#endif

#endif /* TINKER_BENCH_UTIL_H */
