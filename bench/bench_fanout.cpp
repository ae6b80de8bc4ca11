// bench_fanout: N (default 10,000) futures in flight at once on one runtime
// (docs/benchmarks.md "Targets": no extra threads, all complete,
// <= 16 KiB resident memory per in-flight future).
//
// Each future is an emulator test job (POST /_emulator/jobs {"delay_ms", "result"}) whose
// result is long-polled through /api/v1/retrieve_future by the library's one call engine,
// exactly like a future-returning training or sampling call. The delay keeps every future in
// flight at the same time. Thread count and resident memory are reported as deltas from the
// same process just before the fan-out, and memory also against a raw libcurl baseline
// measured first in a child process: the same number of long-polls on one multi handle.
//
// Usage: bench_fanout [-n FUTURES] [--delay-ms MS] [--timeout-s S] [--emulator PATH]
//                     [--emulator-arg ARG]... [--timeline] [--dump-log FILE]
//                     [--raw-n N] [--raw-delay-ms MS]
// --timeline prints a sample every ~100 ms; --dump-log saves the emulator's request log
// (GET /_emulator/log: arrival time, path, status, retry headers of every request) as JSON.
// --raw-n sets the number of raw libcurl long-polls (default: FUTURES; 0 skips the baseline),
// --raw-delay-ms the delay of the job they wait for (default 5000).
#include <curl/curl.h>
#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "core/call.h"
#include "core/client_context.h"
#include "core/client_options.h"
#include "core/future_state.h"

namespace {

constexpr double kTargetKibPerFuture = 16.0;

// GET /_emulator/stats through a plain easy handle (the emulator's own view of the fan-out).
struct StatsReader {
  CURL* easy = nullptr;
  std::string body;
  explicit StatsReader(const std::string& base_url) {
    easy = curl_easy_init();
    std::string url = base_url + "/_emulator/stats";
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 2000L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, +[](char* p, size_t s, size_t n, void* ud) {
      static_cast<std::string*>(ud)->append(p, s * n);
      return s * n;
    });
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &body);
  }
  ~StatsReader() { curl_easy_cleanup(easy); }
  // The integer value of `"key":` in the stats object, or -1.
  long get(const char* key) {
    body.clear();
    if (curl_easy_perform(easy) != CURLE_OK) return -1;
    std::string k = std::string("\"") + key + "\":";
    auto at = body.find(k);
    if (at == std::string::npos) return -1;
    return std::strtol(body.c_str() + at + k.size(), nullptr, 10);
  }
};

// Saves GET /_emulator/log to `file`; returns false on failure.
bool dump_emulator_log(const std::string& base_url, const char* file) {
  FILE* out = std::fopen(file, "w");
  if (out == nullptr) return false;
  CURL* easy = curl_easy_init();
  std::string url = base_url + "/_emulator/log";
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 60000L);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, out);  // default write function: fwrite
  bool ok = curl_easy_perform(easy) == CURLE_OK;
  curl_easy_cleanup(easy);
  std::fclose(out);
  return ok;
}

struct Args {
  size_t n = 10000;
  long delay_ms = 3000;
  long timeout_s = 120;
  const char* emulator = nullptr;
  std::vector<const char*> emulator_args;
  bool timeline = false;
  const char* dump_log = nullptr;
  long raw_n = -1;  // -1: same as n; 0: skip the raw libcurl baseline
  long raw_delay_ms = 5000;
};

void usage() {
  std::fprintf(stderr,
               "usage: bench_fanout [-n FUTURES] [--delay-ms MS] [--timeout-s S] [--emulator PATH] "
               "[--emulator-arg ARG]... [--timeline] [--dump-log FILE] [--raw-n N] [--raw-delay-ms MS]\n");
}

bool parse(int argc, char** argv, Args* a) {
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    bool has = i + 1 < argc;
    if (s == "-n" && has) a->n = std::strtoul(argv[++i], nullptr, 10);
    else if (s == "--delay-ms" && has) a->delay_ms = std::strtol(argv[++i], nullptr, 10);
    else if (s == "--timeout-s" && has) a->timeout_s = std::strtol(argv[++i], nullptr, 10);
    else if (s == "--emulator" && has) a->emulator = argv[++i];
    else if (s == "--emulator-arg" && has) a->emulator_args.push_back(argv[++i]);
    else if (s == "--timeline") a->timeline = true;
    else if (s == "--dump-log" && has) a->dump_log = argv[++i];
    else if (s == "--raw-n" && has) a->raw_n = std::strtol(argv[++i], nullptr, 10);
    else if (s == "--raw-delay-ms" && has) a->raw_delay_ms = std::strtol(argv[++i], nullptr, 10);
    else return false;
  }
  if (a->raw_n < 0) a->raw_n = static_cast<long>(a->n);
  return a->n > 0 && a->delay_ms >= 0 && a->timeout_s > 0 && a->raw_delay_ms >= 0;
}

// One emulator test job as a future-returning call: submit, then long-poll retrieve_future.
tinker::CallSpec job_spec(const std::string& body) {
  tinker::CallSpec spec;
  spec.what = "bench_job";
  spec.prerequisite = tinker::Prerequisite::Session;  // like sample_async / forward_backward
  spec.build = [body] {
    tinker::http::Request r;
    r.method = "POST";
    r.url = "/_emulator/jobs";
    r.body = body;
    return r;
  };
  spec.returns_future = true;
  spec.request_type = "Test";
  return spec;
}

double seconds(int64_t ns) { return static_cast<double>(ns) / 1e9; }

// ---- baseline: raw libcurl long-polls ---------------------------------------------------------

struct RawBaseline {
  bool ran = false;
  double rss_kib_per_transfer = 0;
  double heap_kib_per_transfer = 0;
  long held_max = 0;
  long ok = 0;
  double seconds = 0;
};

size_t append_body(char* p, size_t s, size_t n, void* ud) {
  static_cast<std::string*>(ud)->append(p, s * n);
  return s * n;
}

size_t discard_body(char*, size_t s, size_t n, void*) { return s * n; }

// The floor libcurl itself sets: `n` retrieve_future long-polls for one pending job, each on its
// own easy handle and connection in one multi handle, with the options libtinker's transport
// sets (8 KiB receive buffer, libcurl's default connection cache). Headers and body are shared by all
// handles, so this is a lower bound. Runs in a forked child so that its allocations never
// show up in the measured process. Writes "rss_kib heap_kib held ok seconds" to `out_fd`.
void raw_baseline_child(const std::string& base, size_t n, long delay_ms, int out_fd) {
  const char* api_key = "tml-bench-fanout-key";
  const std::string key = std::string("X-API-Key: ") + api_key;
  std::string resp;
  CURL* e = curl_easy_init();
  std::string url = base + "/_emulator/jobs";
  char job[128];
  std::snprintf(job, sizeof job, "{\"delay_ms\":%ld,\"result\":{\"ok\":true}}", delay_ms);
  curl_slist* submit_headers = curl_slist_append(nullptr, key.c_str());
  submit_headers = curl_slist_append(submit_headers, "Content-Type: application/json");
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, submit_headers);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, job);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &resp);
  CURLcode rc = curl_easy_perform(e);
  curl_easy_cleanup(e);
  curl_slist_free_all(submit_headers);
  auto at = resp.find("\"request_id\":\"");
  if (rc != CURLE_OK || at == std::string::npos) _exit(1);
  std::string id = resp.substr(at + 14, resp.find('"', at + 14) - (at + 14));
  std::string body = "{\"request_id\":\"" + id + "\",\"allow_metadata_only\":true}";
  std::string poll_url = base + "/api/v1/retrieve_future";

  curl_slist* h = bench_sdk_headers(nullptr, api_key, tinker_version_string(), 45);
  for (const char* line : {"Accept: application/json", "Content-Type: application/json", "X-Tinker-Request-Iteration: 0",
                           "X-Tinker-Request-Type: Test", "Expect:"})
    h = curl_slist_append(h, line);

  StatsReader stats(base);
  CURLM* m = curl_multi_init();
  long rss0 = bench_status_kib("VmRSS");
  size_t heap0 = mallinfo2().uordblks;
  std::vector<CURL*> handles(n);
  int64_t t0 = bench_now_ns();
  for (size_t i = 0; i < n; ++i) {
    CURL* x = curl_easy_init();
    handles[i] = x;
    curl_easy_setopt(x, CURLOPT_URL, poll_url.c_str());
    curl_easy_setopt(x, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(x, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(x, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(x, CURLOPT_BUFFERSIZE, 8192L);
    curl_easy_setopt(x, CURLOPT_TIMEOUT_MS, 45000L);
    curl_easy_setopt(x, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(x, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(x, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(x, CURLOPT_WRITEFUNCTION, discard_body);
    curl_multi_add_handle(m, x);
  }
  long rss_peak = rss0, held_max = 0, ok = 0;
  size_t heap_peak = heap0;
  int running = 1;
  int64_t next_sample = 0;
  const int64_t deadline = t0 + (delay_ms + 60000) * 1000000LL;
  size_t finished = 0;
  while (finished < n && bench_now_ns() < deadline) {
    curl_multi_perform(m, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(m, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      long status = 0;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
      ok += msg->data.result == CURLE_OK && status == 200;
      ++finished;
    }
    if (bench_now_ns() >= next_sample) {
      next_sample = bench_now_ns() + 100000000LL;
      long rss = bench_status_kib("VmRSS");
      if (rss > rss_peak) {
        rss_peak = rss;
        heap_peak = std::max(heap_peak, mallinfo2().uordblks);
      }
      held_max = std::max(held_max, stats.get("held_polls"));
    }
    int numfds = 0;
    curl_multi_poll(m, nullptr, 0, 50, &numfds);
  }
  double secs = (bench_now_ns() - t0) / 1e9;
  char line[256];
  int len = std::snprintf(line, sizeof line, "%.3f %.3f %ld %ld %.3f\n", (rss_peak - rss0) / static_cast<double>(n),
                          (heap_peak - heap0) / 1024.0 / static_cast<double>(n), held_max, ok, secs);
  if (write(out_fd, line, static_cast<size_t>(len)) != len) _exit(1);
  _exit(0);  // the emulator sees the connections close; nothing else to clean up
}

RawBaseline run_raw_baseline(const std::string& base, size_t n, long delay_ms) {
  RawBaseline r;
  int fds[2];
  if (pipe(fds) != 0) return r;
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    raw_baseline_child(base, n, delay_ms, fds[1]);
  }
  close(fds[1]);
  char buf[256] = {0};
  ssize_t got = pid > 0 ? read(fds[0], buf, sizeof buf - 1) : -1;
  close(fds[0]);
  if (pid > 0) waitpid(pid, nullptr, 0);
  if (got > 0 && std::sscanf(buf, "%lf %lf %ld %ld %lf", &r.rss_kib_per_transfer, &r.heap_kib_per_transfer,
                             &r.held_max, &r.ok, &r.seconds) == 5)
    r.ran = true;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse(argc, argv, &args)) {
    usage();
    return 2;
  }
  const char* path = bench_find_emulator(args.emulator, "bench_fanout");
  if (path == nullptr) return 2;

  long nofile = bench_raise_nofile();
  std::vector<const char*> extra = args.emulator_args;
  extra.push_back(nullptr);
  bench_emulator_t emu;
  if (bench_emulator_start(&emu, path, extra.data()) != 0) return 1;
  curl_global_init(CURL_GLOBAL_DEFAULT);

  std::printf("bench_fanout: %zu futures, job delay %ld ms, RLIMIT_NOFILE %ld, %s, emulator %s\n", args.n,
              args.delay_ms, nofile, curl_version(), emu.base_url);
  if (nofile >= 0 && static_cast<size_t>(nofile) < args.n + 64)
    std::printf("  warning: RLIMIT_NOFILE %ld is below one socket per future; expect failures\n", nofile);

  bench_print_machine("at start");

  // Baseline first, in a child process, while this process has no threads yet.
  RawBaseline raw;
  if (args.raw_n > 0) {
    raw = run_raw_baseline(emu.base_url, static_cast<size_t>(args.raw_n), args.raw_delay_ms);
    if (raw.ran)
      std::printf("baseline, raw libcurl: %ld long-polls on one multi handle: +%.2f KiB RSS per in-flight transfer "
                  "(heap +%.2f KiB), emulator held max %ld, %ld OK in %.3f s\n",
                  args.raw_n, raw.rss_kib_per_transfer, raw.heap_kib_per_transfer, raw.held_max, raw.ok, raw.seconds);
    else
      std::printf("baseline, raw libcurl: could not be measured\n");
  }

  int threads_before_client = bench_thread_count();

  tinker::ClientOptions o;
  o.base_url = std::string(emu.base_url);
  o.api_key = std::string("tml-bench-fanout-key");
  o.tags = std::vector<std::string>{};
  tinker::Error err;
  if (!tinker::resolve_client_options(o, err)) {
    std::fprintf(stderr, "bench_fanout: options: %s\n", err.message.c_str());
    bench_emulator_stop(&emu);
    return 1;
  }
  auto ctx = std::make_shared<tinker::ClientContext>(std::move(o));
  int threads_after_client = bench_thread_count();

  char body[128];
  std::snprintf(body, sizeof body, "{\"delay_ms\":%ld,\"result\":{\"ok\":true}}", args.delay_ms);
  std::string job_body = body;
  std::string warm_body = "{\"delay_ms\":0,\"result\":{\"ok\":true}}";

  // Warm-up: session startup (client/config, dynamic_config, create_session), a connection,
  // and one full submit+poll, so the baseline below already holds the one-time costs.
  for (int i = 0; i < 3; ++i) {
    auto f = ctx->start(job_spec(warm_body), &tinker::result_types::None);
    if (f->wait(30000) != TINKER_OK) {
      const tinker::Error* e = f->error();
      std::fprintf(stderr, "bench_fanout: warm-up job failed: %s\n", e ? e->message.c_str() : "timeout");
      ctx.reset();
      bench_emulator_stop(&emu);
      return 1;
    }
  }

  StatsReader stats(emu.base_url);
  long rss_before = bench_status_kib("VmRSS");
  size_t heap_before = mallinfo2().uordblks;
  int fds_before = bench_open_fds();
  int threads_before_fanout = bench_thread_count();

  std::vector<std::shared_ptr<tinker::FutureState>> futures;
  futures.reserve(args.n);
  int64_t t0 = bench_now_ns();
  for (size_t i = 0; i < args.n; ++i) futures.push_back(ctx->start(job_spec(job_body), &tinker::result_types::None));
  int64_t t_started = bench_now_ns();

  // Observe until every future finished: threads, RSS, sockets, the runtime's operation count,
  // and the emulator's count of held retrieve_future polls.
  int threads_max = 0;
  long rss_peak = rss_before, held_max = 0, open_max = 0;
  size_t ops_max = 0, done = 0, done_at_held_max = 0;
  int fds_max = 0;
  long rss_at_held_max = 0;
  size_t heap_peak = heap_before;
  int64_t t_all_held = 0, t_done = 0;
  const int64_t deadline = t0 + static_cast<int64_t>(args.timeout_s) * 1000000000LL;
  unsigned tick = 0;
  for (;;) {
    done = 0;
    for (const auto& f : futures) done += f->done() ? 1 : 0;
    if (done == futures.size()) {
      t_done = bench_now_ns();
      break;
    }
    if (bench_now_ns() > deadline) break;
    threads_max = std::max(threads_max, bench_thread_count());
    long rss = bench_status_kib("VmRSS");
    rss_peak = std::max(rss_peak, rss);
    // mallinfo2 walks every arena under its lock (it stalls the IO thread's mallocs): sample it
    // only when resident memory reached a new high, at most every 8th tick.
    if (rss == rss_peak && tick % 8 == 0) heap_peak = std::max(heap_peak, mallinfo2().uordblks);
    ops_max = std::max(ops_max, ctx->runtime().operations_in_flight());
    if (tick % 4 == 0) {
      fds_max = std::max(fds_max, bench_open_fds());
      long held = stats.get("held_polls");
      open_max = std::max(open_max, stats.get("open_requests"));
      if (held > held_max) {
        held_max = held;
        rss_at_held_max = rss;
        done_at_held_max = done;
      }
      if (t_all_held == 0 && held >= static_cast<long>(args.n)) t_all_held = bench_now_ns();
      if (args.timeline)
        std::printf("  t=%6.3f s  ops %6zu  held polls %6ld  done %6zu  fds %6d  rss %7ld KiB  threads %d\n",
                    seconds(bench_now_ns() - t0), ctx->runtime().operations_in_flight(), held, done,
                    bench_open_fds(), rss, bench_thread_count());
    }
    ++tick;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  long rss_after_done = bench_status_kib("VmRSS");
  int threads_after_done = bench_thread_count();

  size_t ok = 0;
  std::map<std::string, size_t> failures;
  for (const auto& f : futures) {
    tinker_status_t s = f->poll();
    if (s == TINKER_OK) {
      ++ok;
    } else {
      const tinker::Error* e = f->error();
      std::string what = tinker_status_str(s);
      if (e) what += ": " + e->message;
      ++failures[what];
    }
  }
  futures.clear();
  futures.shrink_to_fit();
  long rss_after_free = bench_status_kib("VmRSS");
  size_t heap_after_free = mallinfo2().uordblks;
  malloc_trim(0);
  long rss_after_trim = bench_status_kib("VmRSS");

  double per_future_kib = static_cast<double>(rss_peak - rss_before) / static_cast<double>(args.n);
  std::printf("threads: before client %d, after client %d, before fan-out %d, max during fan-out %d, after %d "
              "(extra during fan-out: %d)\n",
              threads_before_client, threads_after_client, threads_before_fanout, threads_max, threads_after_done,
              threads_max - threads_before_fanout);
  std::printf("in flight: runtime operations max %zu, emulator held retrieve_future polls max %ld "
              "(%zu futures already done then), emulator open requests max %ld, open fds max %d (before %d)\n",
              ops_max, held_max, done_at_held_max, open_max, fds_max, fds_before);
  std::string at_held = held_max > 0 ? std::to_string(rss_at_held_max) + " KiB" : std::string("n/a");
  std::printf("memory: VmRSS before fan-out %ld KiB, peak during fan-out %ld KiB (at max held polls %s), "
              "after completion %ld KiB, after freeing futures %ld KiB\n",
              rss_before, rss_peak, at_held.c_str(), rss_after_done, rss_after_free);
  std::printf("memory per in-flight future: (peak - before) / %zu = %.2f KiB (target <= %.0f KiB)", args.n,
              per_future_kib, kTargetKibPerFuture);
  if (raw.ran && raw.rss_kib_per_transfer > 0)
    std::printf("; %.2fx the raw libcurl baseline (+%.2f KiB)", per_future_kib / raw.rss_kib_per_transfer,
                per_future_kib - raw.rss_kib_per_transfer);
  std::printf("\n");
  std::printf("heap in use (mallinfo2, sampled): before %.0f KiB, peak %.0f KiB = %.2f KiB per future, after freeing "
              "futures %.0f KiB; VmRSS after malloc_trim %ld KiB\n",
              heap_before / 1024.0, heap_peak / 1024.0, (heap_peak - heap_before) / 1024.0 / args.n,
              heap_after_free / 1024.0, rss_after_trim);
  std::printf("time: starting %zu futures %.3f s, all polls held after %s, all finished after %.3f s "
              "(job delay %.3f s, excess %.3f s)\n",
              args.n, seconds(t_started - t0),
              t_all_held ? (std::to_string(seconds(t_all_held - t0)).substr(0, 5) + " s").c_str() : "never",
              t_done ? seconds(t_done - t0) : -1.0, args.delay_ms / 1000.0,
              t_done ? seconds(t_done - t0) - args.delay_ms / 1000.0 : -1.0);
  std::printf("completed OK: %zu of %zu%s\n", ok, args.n, t_done ? "" : " (timed out waiting)");
  for (const auto& kv : failures) std::printf("  failed %zu x %s\n", kv.second, kv.first.c_str());

  bool all_ok = ok == args.n;
  bool threads_ok = threads_max <= threads_before_fanout;
  bool mem_ok = per_future_kib <= kTargetKibPerFuture;
  bool inflight_ok = held_max >= static_cast<long>(args.n * 95 / 100);
  char raw_note[96] = "";
  if (raw.ran && raw.rss_kib_per_transfer > 0)
    std::snprintf(raw_note, sizeof raw_note, " (raw libcurl %.2f KiB: %.2fx)", raw.rss_kib_per_transfer,
                  per_future_kib / raw.rss_kib_per_transfer);
  std::printf("RESULT fanout: %zu/%zu OK [%s], extra threads %d [%s], %.2f KiB per future%s [%s], "
              "max held polls %ld of %zu [%s], %.1f s for a %.1f s job delay\n",
              ok, args.n, all_ok ? "met" : "NOT met", threads_max - threads_before_fanout,
              threads_ok ? "met" : "NOT met", per_future_kib, raw_note, mem_ok ? "met" : "NOT met", held_max, args.n,
              inflight_ok ? "all in flight together" : "NOT all in flight together",
              t_done ? seconds(t_done - t0) : -1.0, args.delay_ms / 1000.0);

  if (args.dump_log != nullptr) {
    bool saved = dump_emulator_log(emu.base_url, args.dump_log);
    std::printf("emulator request log %s %s\n", saved ? "saved to" : "could NOT be saved to", args.dump_log);
  }

  ctx.reset();  // shuts the runtime down and joins its threads
  curl_global_cleanup();
  bench_print_machine("at end");
  bench_emulator_stop(&emu);
  return all_ok ? 0 : 1;
}
