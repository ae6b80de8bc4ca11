// tinker-emulator: a local server speaking the Tinker HTTP protocol (docs/emulator.md).
#include <event2/event.h>

#include <sys/resource.h>
#include <sys/stat.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "app.h"

namespace {

// Each held long-poll is one socket; thousands of them need more than the usual 1024 fds.
void raise_fd_limit(bool quiet) {
  rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  if (rl.rlim_cur == rl.rlim_max) return;
  rlim_t old = rl.rlim_cur;
  rl.rlim_cur = rl.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0 && !quiet) {
    std::fprintf(stderr, "tinker-emulator: cannot raise RLIMIT_NOFILE from %llu: %s\n",
                 static_cast<unsigned long long>(old), std::strerror(errno));
  }
}

void on_signal(evutil_socket_t, short, void* arg) { static_cast<emu::EventLoop*>(arg)->stop(); }

std::string url_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

int main(int argc, char** argv) {
  emu::Options opts;
  int exit_code = 0;
  if (!emu::parse_options(argc, argv, &opts, &exit_code)) return exit_code;

  // A peer that vanishes mid-write must become an error return, not a process kill.
  std::signal(SIGPIPE, SIG_IGN);
  raise_fd_limit(opts.quiet);

  if (!opts.data_dir.empty() && mkdir(opts.data_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    std::fprintf(stderr, "tinker-emulator: cannot create --data-dir %s: %s\n",
                 opts.data_dir.c_str(), std::strerror(errno));
    return 1;
  }

  // The store first: a data directory another emulator is using, or a database this version
  // cannot read, ends the start-up here.
  emu::Db db;
  db.set_quiet(opts.quiet);
  std::string db_error;
  if (!db.open(emu::App::db_path(opts), &db_error)) {
    std::fprintf(stderr, "tinker-emulator: %s\n", db_error.c_str());
    return 1;
  }

  int rc = 0;
  {
    emu::EventLoop loop;
    emu::App app(loop, opts, db);
    std::string err;
    if (!app.listen(&err)) {
      std::fprintf(stderr, "tinker-emulator: %s\n", err.c_str());
      return 1;
    }
    event* sigterm = evsignal_new(loop.base(), SIGTERM, on_signal, &loop);
    event* sigint = evsignal_new(loop.base(), SIGINT, on_signal, &loop);
    evsignal_add(sigterm, nullptr);
    evsignal_add(sigint, nullptr);

    std::printf("listening on http://%s:%d\n", url_host(opts.host).c_str(), app.server.port());
    std::fflush(stdout);

    loop.run();

    if (!opts.quiet) std::fprintf(stderr, "tinker-emulator: shutting down\n");
    event_free(sigterm);
    event_free(sigint);
    app.shutdown();
  }
  return rc;
}
