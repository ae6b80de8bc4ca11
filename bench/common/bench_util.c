#define _GNU_SOURCE
#include "bench_util.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int is_executable(const char *p) { return p != NULL && *p != '\0' && access(p, X_OK) == 0; }

static const char *locate_emulator(const char *explicit_path) {
  static char buf[PATH_MAX];
  const char *env = getenv("TINKER_EMULATOR");
  if (explicit_path != NULL) return is_executable(explicit_path) ? explicit_path : NULL;
  if (is_executable(env)) return env;
#ifdef BENCH_DEFAULT_EMULATOR
  if (is_executable(BENCH_DEFAULT_EMULATOR)) return BENCH_DEFAULT_EMULATOR;
#endif
  /* <build>/bench/<prog> -> <build>/emulator/tinker-emulator */
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) {
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash != NULL) {
      *slash = '\0';
      slash = strrchr(buf, '/');
      if (slash != NULL) {
        *slash = '\0';
        if (strlen(buf) + sizeof "/emulator/tinker-emulator" < sizeof buf) {
          strcat(buf, "/emulator/tinker-emulator");
          if (is_executable(buf)) return buf;
        }
      }
    }
  }
  return NULL;
}

const char *bench_find_emulator(const char *explicit_path, const char *program) {
  const char *path = locate_emulator(explicit_path);
  if (path == NULL)
    fprintf(stderr, "%s: tinker-emulator not found (pass --emulator PATH or set TINKER_EMULATOR)\n", program);
  return path;
}

int bench_emulator_start(bench_emulator_t *emu, const char *path, const char *const *extra_args) {
  const char *argv[32];
  size_t argc = 0;
  int fds[2];
  pid_t parent = getpid();
  memset(emu, 0, sizeof *emu);
  emu->pid = -1;
  emu->out_fd = -1;

  argv[argc++] = path;
  argv[argc++] = "--port";
  argv[argc++] = "0";
  argv[argc++] = "--quiet";
  if (extra_args != NULL)
    for (; *extra_args != NULL && argc < 31; ++extra_args) argv[argc++] = *extra_args;
  argv[argc] = NULL;

  if (pipe(fds) != 0) {
    perror("bench: pipe");
    return -1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    perror("bench: fork");
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (pid == 0) {
    /* The emulator must not outlive a benchmark that crashes. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execv(path, (char *const *)argv);
    fprintf(stderr, "bench: cannot run %s: %s\n", path, strerror(errno));
    _exit(127);
  }
  close(fds[1]);
  emu->pid = pid;
  emu->out_fd = fds[0];

  /* Read until the "listening on" line (10 s at most). */
  char line[512];
  size_t len = 0;
  int64_t deadline = bench_now_ns() + 10LL * 1000 * 1000 * 1000;
  for (;;) {
    int64_t left_ms = (deadline - bench_now_ns()) / 1000000;
    if (left_ms <= 0) break;
    struct pollfd p = {fds[0], POLLIN, 0};
    int r = poll(&p, 1, (int)left_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    ssize_t n = read(fds[0], line + len, sizeof line - 1 - len);
    if (n <= 0) break;
    len += (size_t)n;
    line[len] = '\0';
    const char *at = strstr(line, "listening on ");
    if (at != NULL) {
      const char *url = at + strlen("listening on ");
      const char *end = strchr(url, '\n');
      if (end != NULL) {
        size_t ul = (size_t)(end - url);
        if (ul >= sizeof emu->base_url) ul = sizeof emu->base_url - 1;
        memcpy(emu->base_url, url, ul);
        emu->base_url[ul] = '\0';
        return 0;
      }
    }
    if (len >= sizeof line - 1) break;
  }
  fprintf(stderr, "bench: %s did not print its listening address\n", path);
  bench_emulator_stop(emu);
  return -1;
}

void bench_emulator_stop(bench_emulator_t *emu) {
  if (emu->pid > 0) {
    int status = 0;
    kill(emu->pid, SIGTERM);
    for (int i = 0; i < 500; ++i) {
      pid_t r = waitpid(emu->pid, &status, WNOHANG);
      if (r == emu->pid || r < 0) {
        emu->pid = -1;
        break;
      }
      usleep(10000);
    }
    if (emu->pid > 0) {
      kill(emu->pid, SIGKILL);
      waitpid(emu->pid, &status, 0);
      emu->pid = -1;
    }
  }
  if (emu->out_fd >= 0) {
    close(emu->out_fd);
    emu->out_fd = -1;
  }
}

int64_t bench_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y ? 1 : 0;
}

double bench_median(double *v, size_t n) {
  if (n == 0) return 0;
  qsort(v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double bench_percentile(double *v, size_t n, double p) {
  if (n == 0) return 0;
  qsort(v, n, sizeof *v, cmp_double);
  size_t rank = (size_t)(p / 100.0 * (double)n + 0.5);
  if (rank < 1) rank = 1;
  if (rank > n) rank = n;
  return v[rank - 1];
}

static int count_dir(const char *path) {
  DIR *d = opendir(path);
  if (d == NULL) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] != '.') ++n;
  closedir(d);
  return n;
}

int bench_thread_count(void) { return count_dir("/proc/self/task"); }

int bench_open_fds(void) {
  int n = count_dir("/proc/self/fd");
  return n < 0 ? n : n - 1; /* minus the directory stream's own fd */
}

long bench_status_kib(const char *field) {
  FILE *f = fopen("/proc/self/status", "r");
  if (f == NULL) return -1;
  char line[256];
  size_t fl = strlen(field);
  long v = -1;
  while (fgets(line, sizeof line, f) != NULL) {
    if (strncmp(line, field, fl) == 0 && line[fl] == ':') {
      v = strtol(line + fl + 1, NULL, 10);
      break;
    }
  }
  fclose(f);
  return v;
}

double bench_loadavg(void) {
  FILE *f = fopen("/proc/loadavg", "r");
  double v = -1;
  if (f == NULL) return -1;
  if (fscanf(f, "%lf", &v) != 1) v = -1;
  fclose(f);
  return v;
}

void bench_print_machine(const char *when) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  double load = bench_loadavg();
  printf("machine %s: %ld CPUs online, 1-min load average %.2f%s\n", when, cpus, load,
         load > (double)cpus * 0.75 ? " (busy: other work competes for the CPUs; timings are not representative)" : "");
}

long bench_raise_nofile(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return -1;
  if (rl.rlim_cur != rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) perror("bench: setrlimit(RLIMIT_NOFILE)");
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  return rl.rlim_cur == RLIM_INFINITY ? -1 : (long)rl.rlim_cur;
}

struct curl_slist *bench_sdk_headers(struct curl_slist *h, const char *api_key, const char *library_version,
                                     int read_timeout_s) {
  static const char *const kSdkVersion = "0.25.0"; /* the library's default sdk_version */
  char buf[192];
  snprintf(buf, sizeof buf, "X-API-Key: %s", api_key);
  h = curl_slist_append(h, buf);
  snprintf(buf, sizeof buf, "User-Agent: libtinker/%s Tinker/%s", library_version, kSdkVersion);
  h = curl_slist_append(h, buf);
  snprintf(buf, sizeof buf, "X-Stainless-Package-Version: %s", kSdkVersion);
  h = curl_slist_append(h, buf);
  h = curl_slist_append(h, "X-Stainless-Lang: c");
  h = curl_slist_append(h, "X-Stainless-OS: Linux");
#if defined(__x86_64__)
  h = curl_slist_append(h, "X-Stainless-Arch: x64");
#elif defined(__aarch64__)
  h = curl_slist_append(h, "X-Stainless-Arch: arm64");
#else
  h = curl_slist_append(h, "X-Stainless-Arch: unknown");
#endif
  h = curl_slist_append(h, "X-Stainless-Runtime: libtinker");
  snprintf(buf, sizeof buf, "X-Stainless-Runtime-Version: %s", library_version);
  h = curl_slist_append(h, buf);
  snprintf(buf, sizeof buf, "X-Stainless-Read-Timeout: %d", read_timeout_s);
  h = curl_slist_append(h, buf);
  return curl_slist_append(h, "X-Stainless-Retry-Count: 0");
}

void bench_idempotency_key(uint64_t a, uint64_t b, char *out) {
  static const char hex[] = "0123456789abcdef";
  char *p = out + sprintf(out, "libtinker-retry-");
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) *p++ = '-';
    uint64_t *src = i < 16 ? &a : &b;
    *p++ = hex[*src & 15];
    *src >>= 4;
  }
  *p = '\0';
}
