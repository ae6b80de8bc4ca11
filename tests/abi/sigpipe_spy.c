/* Preloaded into abi_signal_dispositions (LD_PRELOAD): counts every change of the SIGPIPE
 * disposition made through sigaction() or signal(), by anyone in the process, and passes the call
 * on. The test reads the count with sigpipe_spy_changes(). A change that is undone at once is
 * still a change: another thread (a JVM's signal checker, say) can see it in between. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>

static int changes;

int sigpipe_spy_changes(void) { return changes; }

int sigaction(int sig, const struct sigaction *act, struct sigaction *old) {
  static int (*real)(int, const struct sigaction *, struct sigaction *);
  if (!real) *(void **)&real = dlsym(RTLD_NEXT, "sigaction");
  if (sig == SIGPIPE && act) ++changes;
  return real(sig, act, old);
}

sighandler_t signal(int sig, sighandler_t handler) {
  static sighandler_t (*real)(int, sighandler_t);
  if (!real) *(void **)&real = dlsym(RTLD_NEXT, "signal");
  if (sig == SIGPIPE) ++changes;
  return real(sig, handler);
}
