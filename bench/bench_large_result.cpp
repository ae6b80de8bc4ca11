// bench_large_result: the peak resident memory the library needs to receive one large answer,
// as a ratio to the cost of simply holding one copy of its body.
//
// Cases (each measured in a fresh child process, so that no peak carries over from another):
//   forward.<wire>.<framing>  a blocking tinker_training_client_forward whose retrieve_future
//                             answer is replaced by a valid forward result of about --mb MB
//                             (protobuf, the 0.25.0 wire, or JSON, the older wire mode);
//   capabilities.<framing>    a blocking tinker_service_client_get_server_capabilities answered
//                             with a body of about --mb MB, which the 16 MiB response cap must
//                             refuse with TINKER_E_RESOURCE_EXHAUSTED (skipped for --mb 16
//                             and below, which the cap lets through).
// <framing> is how the body is delimited: `length` (Content-Length, which the library uses to
// size its buffer or to refuse up front), `chunked` (Transfer-Encoding: chunked) or `close`
// (no length at all: the body ends when the server closes the connection).
//
// How: this process starts a private tinker-emulator and, in front of it, the hostile test
// server (tests/hostile/hostile_server.h), which forwards every request to the emulator except
// the one a case replaces. The large bodies are made here, in the parent, so that they never
// count in the child's memory. For each case the parent starts this program again (fork + exec,
// --child CASE); the child creates its client against the proxy, runs the operation once
// normally (so libcurl, the connection and the heap are warm), then says "ready" on a pipe. Only
// then does the parent install the rule that replaces the next answer (so set-up calls, which
// also poll retrieve_future, reach the emulator) and tell the child to go. The child measures:
//   peak growth = VmHWM after the call − VmRSS just before it, from /proc/self/status, with the
//                 high-water mark reset (echo 5 > /proc/self/clear_refs) just before the call;
// and reports it, with the call's status and time, over the pipe. Just before, another fresh
// child of this program measures
//   one copy    = VmRSS growth while it holds a std::string of the body's size, every byte written.
// (Not in the case's child: there the copy could reuse memory that malloc kept after the library
// freed it, and a freed block of up to 32 MiB raises glibc's mmap threshold, which would change
// how the library's own buffers are allocated.) ratio = peak growth / one copy.
//
// Usage: bench_large_result [--mb MB] [--datums D] [--tokens T] [--case PREFIX]...
//                           [--emulator PATH]
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "bench_util.h"
#include "hostile_server.h"
#include "tinker/tinker.h"
#include "wire/fwdbwd_output.h"
#include "wire/json_fwdbwd.h"

namespace w = tinker::wire;

namespace {

constexpr const char* kApiKey = "tml-bench-large-result-key";
constexpr const char* kBaseModel = "tinker-emulator/synthetic";
constexpr int64_t kVocab = 16384;  // the synthetic model's vocabulary (docs/emulator.md)
constexpr const char* kPollPath = "/api/v1/retrieve_future";
constexpr const char* kCapsPath = "/api/v1/get_server_capabilities";

// ---- the cases ----------------------------------------------------------------------------------

enum class Op { Forward, Capabilities };
enum class Wire { Protobuf, Json };
enum class Framing { ContentLength, Chunked, Close };

struct Case {
  const char* name;
  Op op;
  Wire wire;  // the forward's wire mode; capabilities are always JSON
  Framing framing;
  tinker_status_t expected;
};

const Case kCases[] = {
    {"forward.protobuf.length", Op::Forward, Wire::Protobuf, Framing::ContentLength, TINKER_OK},
    {"forward.protobuf.chunked", Op::Forward, Wire::Protobuf, Framing::Chunked, TINKER_OK},
    {"forward.protobuf.close", Op::Forward, Wire::Protobuf, Framing::Close, TINKER_OK},
    {"forward.json.length", Op::Forward, Wire::Json, Framing::ContentLength, TINKER_OK},
    {"forward.json.chunked", Op::Forward, Wire::Json, Framing::Chunked, TINKER_OK},
    {"forward.json.close", Op::Forward, Wire::Json, Framing::Close, TINKER_OK},
    {"capabilities.length", Op::Capabilities, Wire::Json, Framing::ContentLength, TINKER_E_RESOURCE_EXHAUSTED},
    {"capabilities.chunked", Op::Capabilities, Wire::Json, Framing::Chunked, TINKER_E_RESOURCE_EXHAUSTED},
    {"capabilities.close", Op::Capabilities, Wire::Json, Framing::Close, TINKER_E_RESOURCE_EXHAUSTED},
};

const Case* find_case(const std::string& name) {
  for (const Case& c : kCases)
    if (name == c.name) return &c;
  return nullptr;
}

const char* framing_header(Framing f) {
  switch (f) {
    case Framing::ContentLength: return "Content-Length";
    case Framing::Chunked: return "Transfer-Encoding: chunked";
    case Framing::Close: return "no length, Connection: close";
  }
  return "";
}

struct Settings {
  size_t body_bytes = 100 * 1000 * 1000;  // 100 MB (10^6 bytes)
  size_t datums = 128;
  size_t tokens = 16;  // per datum of the request; the result's size does not depend on it
  std::vector<std::string> case_prefixes;
  const char* emulator = nullptr;
};

// What a child sends back over its pipe (one process image on both sides, so a plain struct).
struct ChildReport {
  int status = -1;              // tinker_status_t of the measured call
  int peak_was_reset = 0;       // 1 when clear_refs reset VmHWM just before the call
  long peak_growth_kib = 0;     // VmHWM after the call − VmRSS just before it
  long one_copy_kib = 0;        // filled in by the parent, from the baseline child
  double call_ms = 0;
  size_t datums = 0;            // forward: datums in the result
  size_t elements = 0;          // forward: logprobs elements over all datums
  char message[480] = {0};      // the call's error message, if any
};

// ---- /proc/self memory figures --------------------------------------------------------------

long rss_kib() { return bench_status_kib("VmRSS"); }
long peak_kib() { return bench_status_kib("VmHWM"); }

// Resets VmHWM to the current VmRSS (Linux: writing 5 to clear_refs), so that the peak read
// after a call is that call's alone, not the warm-up's. False where the kernel refuses.
bool reset_peak() {
  int fd = ::open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, "5", 1) == 1;
  ::close(fd);
  return ok;
}

// The baseline: what holding one copy of an n-byte body costs, every page written, as a
// receiver that stores it would.
long one_copy_growth_kib(size_t n) {
  long before = rss_kib();
  std::string copy(n, 'x');
  volatile char sink = copy[n / 2];  // keeps the string (and its writes) from being optimised away
  (void)sink;
  return rss_kib() - before;
}

// ---- pipes between parent and child ---------------------------------------------------------

bool write_all(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t k = ::write(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

bool read_all(int fd, void* data, size_t n) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    ssize_t k = ::read(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

constexpr char kReady = 'R';
constexpr char kGo = 'G';

// ---- the large bodies (parent) ----------------------------------------------------------------

// A forward result of `datums` datums, each with one float32 `logprobs` array of `per_datum`
// values in the range of real log-probabilities, and a loss:sum metric: what the server sends for
// cross_entropy. The forward decoder checks the datum count, not the lengths (only the custom-loss
// step ties them to the targets), so the arrays can be as long as the size asks.
w::ForwardBackwardOutput forward_output(size_t datums, size_t per_datum) {
  std::mt19937 g(42);
  std::uniform_real_distribution<float> logprob(-12.0f, -0.01f);
  w::ForwardBackwardOutput o;
  o.loss_fn_output_type = "ArrayRecord";
  o.outputs.resize(datums);
  for (w::LossFnOutput& d : o.outputs) {
    w::OutputTensor t;
    t.shape = {static_cast<int64_t>(per_datum)};
    t.f32.resize(per_datum);
    for (float& v : t.f32) v = logprob(g);
    d.emplace_back("logprobs", std::move(t));
  }
  o.metrics.emplace_back("loss:sum", 1234.5);
  return o;
}

// The result encoded in the wire mode's form (the library's own encoders, which the emulator uses).
std::string encode_output(Wire wire, const w::ForwardBackwardOutput& o) {
  std::string out, err;
  if (wire == Wire::Json) {
    w::encode_forward_backward_output_json(o, &out);
  } else if (!w::encode_forward_backward_output(o, &out, &err)) {
    fprintf(stderr, "bench_large_result: cannot encode the result: %s\n", err.c_str());
    std::exit(1);
  }
  return out;
}

// Bytes per logprobs value in the wire's encoding, from a sample (JSON numbers vary in length).
double bytes_per_value(Wire wire) {
  if (wire == Wire::Protobuf) return 4.0;
  const size_t sample = 100000;
  return static_cast<double>(encode_output(wire, forward_output(1, sample)).size()) / static_cast<double>(sample);
}

struct ForwardBody {
  std::string bytes;
  size_t per_datum = 0;  // logprobs values per datum
};

ForwardBody forward_body(Wire wire, const Settings& s) {
  ForwardBody b;
  b.per_datum = static_cast<size_t>(static_cast<double>(s.body_bytes) / bytes_per_value(wire) /
                                    static_cast<double>(s.datums));
  b.bytes = encode_output(wire, forward_output(s.datums, b.per_datum));
  return b;
}

// A valid get_server_capabilities answer of at least n bytes: many supported models.
std::string capabilities_body(size_t n) {
  std::string out = "{\"supported_models\":[";
  out.reserve(n + 128);
  char entry[96];
  for (size_t i = 0; out.size() < n; ++i) {
    int k = snprintf(entry, sizeof entry, "%s{\"model_name\":\"bench/model-%09zu\",\"max_context_length\":32768}",
                     i ? "," : "", i);
    out.append(entry, static_cast<size_t>(k));
  }
  out += "]}";
  return out;
}

// ---- the replacing answer (parent, on the hostile server's thread) ------------------------------

std::string response_head(const char* content_type, Framing f, size_t length) {
  std::string h = "HTTP/1.1 200 OK\r\nContent-Type: " + std::string(content_type) + "\r\n";
  switch (f) {
    case Framing::ContentLength: h += "Content-Length: " + std::to_string(length) + "\r\n"; break;
    case Framing::Chunked: h += "Transfer-Encoding: chunked\r\n"; break;
    case Framing::Close: h += "Connection: close\r\n"; break;
  }
  return h + "\r\n";
}

// Writes `body` as chunks of 1 MiB, then the last chunk. False once the client has gone away.
bool write_chunked(hostile::Conn& conn, const std::string& body) {
  const size_t kChunk = size_t{1} << 20;
  char size_line[32];
  for (size_t at = 0; at < body.size(); at += kChunk) {
    const size_t n = std::min(kChunk, body.size() - at);
    snprintf(size_line, sizeof size_line, "%zx\r\n", n);
    if (!conn.write(size_line) || !conn.write(body.substr(at, n)) || !conn.write("\r\n")) return false;
  }
  return conn.write("0\r\n\r\n");
}

struct AnswerLog {
  std::atomic<bool> started{false};   // the replaced request arrived
  std::atomic<bool> complete{false};  // the whole body went out (a refusing client hangs up)
  std::atomic<bool> finished{false};  // the answer returned: the body and this log are free to go
};

hostile::Rule replacing_rule(const Case& c, const std::string* body, AnswerLog* log) {
  hostile::Rule r;
  r.path = c.op == Op::Forward ? kPollPath : kCapsPath;
  r.remaining = 1;  // the measured call's answer only
  const char* type = c.op == Op::Forward && c.wire == Wire::Protobuf ? "application/x-protobuf" : "application/json";
  const Framing framing = c.framing;
  r.answer = [body, log, type, framing](const hostile::Request&, hostile::Conn& conn) {
    log->started = true;
    conn.close_after();  // a close-delimited body needs it; the others simply end alike
    if (!conn.write(response_head(type, framing, body->size()))) {
      log->finished = true;
      return;
    }
    const bool sent = framing == Framing::Chunked ? write_chunked(conn, *body) : conn.write(*body);
    log->complete = sent;
    log->finished = true;
  };
  return r;
}

// ---- the child: one measured call -------------------------------------------------------------

const char* last_message() { return tinker_error_message(tinker_last_error()); }

// The request batch: `datums` datums of `tokens` token ids, targets and weights (cross_entropy).
// The arrays must outlive the batch, which only views them.
struct Batch {
  std::vector<std::vector<int64_t>> ids, targets;
  std::vector<std::vector<float>> weights;
  tinker_batch_t* batch = nullptr;
  ~Batch() { tinker_batch_free(batch); }

  bool build(size_t datums, size_t tokens) {
    std::mt19937_64 g(7);
    ids.resize(datums);
    targets.resize(datums);
    weights.assign(datums, std::vector<float>(tokens, 1.0f));
    if (tinker_batch_new(&batch) != TINKER_OK) return false;
    for (size_t d = 0; d < datums; ++d) {
      ids[d].resize(tokens);
      for (int64_t& t : ids[d]) t = static_cast<int64_t>(g() % kVocab);
      targets[d].assign(ids[d].begin() + 1, ids[d].end());
      targets[d].push_back(0);
      tinker_model_input_t* in = nullptr;
      tinker_datum_t* datum = nullptr;
      bool ok = tinker_model_input_new(&in) == TINKER_OK &&
                tinker_model_input_add_text_int64(in, ids[d].data(), tokens) == TINKER_OK &&
                tinker_datum_new(&datum, in) == TINKER_OK &&
                tinker_datum_add_tensor_int64(datum, "target_tokens", targets[d].data(), tokens, nullptr, 0) == TINKER_OK &&
                tinker_datum_add_tensor_float32(datum, "weights", weights[d].data(), tokens, nullptr, 0) == TINKER_OK &&
                tinker_batch_add(batch, datum) == TINKER_OK;
      tinker_datum_free(datum);
      tinker_model_input_free(in);
      if (!ok) return false;
    }
    return true;
  }
};

struct ChildArgs {
  bool baseline = false;  // the baseline child (no case, no client)
  const Case* c = nullptr;
  std::string url;
  size_t body_bytes = 0, datums = 0, tokens = 0;
  int from_parent = -1, to_parent = -1;
};

// Counts what a forward result holds: its datums and their logprobs values.
void count_output(const tinker_forward_backward_output_t* out, ChildReport* r) {
  r->datums = tinker_forward_backward_output_num_datums(out);
  for (size_t d = 0; d < r->datums; ++d) {
    const tinker_tensor_t* t = nullptr;
    if (tinker_forward_backward_output_tensor(out, d, "logprobs", &t) == TINKER_OK) r->elements += tinker_tensor_numel(t);
  }
}

// The operation once, blocking. With `report`, measured: its peak memory and its time.
tinker_status_t run_operation(const ChildArgs& a, tinker_service_client_t* sc, tinker_training_client_t* tc,
                              const Batch& batch, ChildReport* report) {
  long before = 0;
  int64_t t0 = 0;
  if (report) {
    report->peak_was_reset = reset_peak();
    before = rss_kib();
    t0 = bench_now_ns();
  }
  tinker_forward_backward_output_t* out = nullptr;
  tinker_server_capabilities_t* caps = nullptr;
  tinker_status_t st = a.c->op == Op::Forward
                           ? tinker_training_client_forward(tc, batch.batch, "cross_entropy", nullptr, &out)
                           : tinker_service_client_get_server_capabilities(sc, &caps);
  if (report) {
    report->call_ms = static_cast<double>(bench_now_ns() - t0) / 1e6;
    report->peak_growth_kib = peak_kib() - before;
    report->status = st;
    if (st != TINKER_OK) snprintf(report->message, sizeof report->message, "%s", last_message());
    if (out) count_output(out, report);
  } else if (st != TINKER_OK) {
    fprintf(stderr, "bench_large_result child %s: warm-up call failed: %s\n", a.c->name, last_message());
  }
  tinker_forward_backward_output_free(out);
  tinker_server_capabilities_free(caps);
  return st;
}

int child_main(const ChildArgs& a) {
  tinker_client_options_t* opts = nullptr;
  tinker_service_client_t* sc = nullptr;
  tinker_training_client_t* tc = nullptr;
  Batch batch;
  ChildReport report;
  int rc = 1;
  char signal_byte = 0;
  if (tinker_client_options_new(&opts) != TINKER_OK || tinker_client_options_set_base_url(opts, a.url.c_str()) != TINKER_OK ||
      tinker_client_options_set_api_key(opts, kApiKey) != TINKER_OK ||
      (a.c->wire == Wire::Json && tinker_client_options_set_wire_mode(opts, TINKER_WIRE_JSON) != TINKER_OK) ||
      tinker_service_client_new(&sc, opts) != TINKER_OK) {
    fprintf(stderr, "bench_large_result child %s: cannot create the client: %s\n", a.c->name, last_message());
    goto done;
  }
  if (a.c->op == Op::Forward) {
    if (tinker_service_client_create_lora_training_client(sc, kBaseModel, nullptr, nullptr, &tc) != TINKER_OK) {
      fprintf(stderr, "bench_large_result child %s: create_lora_training_client: %s\n", a.c->name, last_message());
      goto done;
    }
    if (!batch.build(a.datums, a.tokens)) {
      fprintf(stderr, "bench_large_result child %s: cannot build the batch: %s\n", a.c->name, last_message());
      goto done;
    }
  }
  // Warm-up: the same call answered by the emulator, so that the measured one starts from the
  // steady state (connection open, easy handle pooled, heap arenas made).
  if (run_operation(a, sc, tc, batch, nullptr) != TINKER_OK) goto done;
  if (!write_all(a.to_parent, &kReady, 1) || !read_all(a.from_parent, &signal_byte, 1) || signal_byte != kGo) {
    fprintf(stderr, "bench_large_result child %s: lost the parent\n", a.c->name);
    goto done;
  }
  run_operation(a, sc, tc, batch, &report);
  rc = write_all(a.to_parent, &report, sizeof report) ? 0 : 1;
done:
  tinker_training_client_free(tc);
  tinker_service_client_free(sc);
  tinker_client_options_free(opts);
  return rc;
}

// ---- the parent: one child per case -------------------------------------------------------------

struct Child {
  pid_t pid = -1;
  int from_child = -1, to_child = -1;
};

// Starts this program as `bench_large_result --child ... --fds R,W` with two pipes. Everything
// exec needs is made before fork: the parent has threads (the hostile server's), so the child
// may only exec.
bool spawn_child(std::vector<std::string> args, Child* child) {
  int up[2], down[2];  // up: child → parent, down: parent → child
  if (::pipe2(up, O_CLOEXEC) != 0 || ::pipe2(down, O_CLOEXEC) != 0) {
    perror("bench_large_result: pipe");
    return false;
  }
  args.insert(args.begin(), "bench_large_result");
  args.push_back("--fds");
  args.push_back(std::to_string(down[0]) + "," + std::to_string(up[1]));
  std::vector<char*> argv;
  for (std::string& x : args) argv.push_back(&x[0]);
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    perror("bench_large_result: fork");
    return false;
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // a child must not outlive a benchmark that dies
    if (::getppid() != parent) ::_exit(127);
    ::fcntl(down[0], F_SETFD, 0);  // the child's ends survive exec
    ::fcntl(up[1], F_SETFD, 0);
    ::execv("/proc/self/exe", argv.data());
    ::_exit(127);
  }
  ::close(down[0]);
  ::close(up[1]);
  child->pid = pid;
  child->from_child = up[0];
  child->to_child = down[1];
  return true;
}

bool reap(Child& child) {
  ::close(child.from_child);
  ::close(child.to_child);
  int status = 0;
  while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// The baseline, in a child of its own: what holding one copy of `bytes` costs. -1 on failure.
long run_baseline(size_t bytes) {
  Child child;
  if (!spawn_child({"--child", "baseline", "--body-bytes", std::to_string(bytes)}, &child)) return -1;
  long kib = -1;
  const bool ok = read_all(child.from_child, &kib, sizeof kib);
  return reap(child) && ok ? kib : -1;
}

// Runs one case: the baseline child, then the case's child, which sets up and warms up; the rule
// goes in; the child measures.
bool run_case(const Case& c, const std::string& body, hostile::Server& proxy, const Settings& s, ChildReport* report,
              AnswerLog* log) {
  const long one_copy_kib = run_baseline(body.size());
  if (one_copy_kib < 0) {
    fprintf(stderr, "bench_large_result: case %s: the baseline child failed\n", c.name);
    return false;
  }
  Child child;
  if (!spawn_child({"--child", c.name, "--url", proxy.url(), "--body-bytes", std::to_string(body.size()), "--datums",
                    std::to_string(s.datums), "--tokens", std::to_string(s.tokens)},
                   &child))
    return false;
  char signal_byte = 0;
  bool ok = read_all(child.from_child, &signal_byte, 1) && signal_byte == kReady;
  if (ok) {
    proxy.add_rule(replacing_rule(c, &body, log));
    ok = write_all(child.to_child, &kGo, 1) && read_all(child.from_child, report, sizeof *report);
  }
  proxy.clear_rules();
  const bool exited_ok = reap(child);
  // The child is gone, so the answer's writes end (a refused body fails at once); wait for it
  // before `log` and the case's figures are read.
  for (int i = 0; i < 1000 && log->started && !log->finished; ++i) ::usleep(10000);
  if (!ok || !exited_ok) fprintf(stderr, "bench_large_result: case %s: the child failed (see above)\n", c.name);
  report->one_copy_kib = one_copy_kib;
  return ok && exited_ok;
}

constexpr size_t kDefaultMaxResponseBytes = size_t{16} << 20;  // tinker_client_options_set_max_response_bytes

bool selected(const Case& c, const Settings& s) {
  // A capabilities answer within the response cap is simply accepted: nothing to measure.
  if (c.op == Op::Capabilities && s.body_bytes <= kDefaultMaxResponseBytes) return false;
  if (s.case_prefixes.empty()) return true;
  for (const std::string& p : s.case_prefixes)
    if (std::string(c.name).rfind(p, 0) == 0) return true;
  return false;
}

double mb(size_t bytes) { return static_cast<double>(bytes) / 1e6; }
double mib_of_kib(long kib) { return static_cast<double>(kib) / 1024.0; }

// Whether the call ended as it must: a forward with every datum and value, a refusal.
bool case_behaved(const Case& c, const ChildReport& r, size_t datums, size_t elements) {
  if (r.status != c.expected) return false;
  return c.op != Op::Forward || (r.datums == datums && r.elements == elements);
}

void print_row(const Case& c, size_t body_bytes, const ChildReport& r, const AnswerLog& log) {
  const double ratio = r.one_copy_kib > 0 ? static_cast<double>(r.peak_growth_kib) / static_cast<double>(r.one_copy_kib) : 0;
  printf("  %-26s %12zu %12ld %12ld %7.2fx %9.0f  %s%s\n", c.name, body_bytes, r.one_copy_kib, r.peak_growth_kib,
         ratio, r.call_ms,
         tinker_status_str(static_cast<tinker_status_t>(r.status)), log.complete ? "" : " (client hung up mid-body)");
}

// The case's RESULT line, kept for the summary at the end (as the other benchmarks end). A
// refused answer is also put against the cap it was refused at.
std::string result_line(const Case& c, size_t body_bytes, const ChildReport& r, bool behaved) {
  const double ratio = r.one_copy_kib > 0 ? static_cast<double>(r.peak_growth_kib) / static_cast<double>(r.one_copy_kib) : 0;
  char cap[64] = "";
  if (c.op == Op::Capabilities)
    snprintf(cap, sizeof cap, ", %.2fx the 16 MiB cap",
             static_cast<double>(r.peak_growth_kib) * 1024.0 / static_cast<double>(kDefaultMaxResponseBytes));
  char line[512];
  snprintf(line, sizeof line, "RESULT large_result %s (%s): body %.1f MB, peak growth %.1f MiB = %.2fx one copy (%.1f MiB)%s, %s%s\n",
           c.name, framing_header(c.framing), mb(body_bytes), mib_of_kib(r.peak_growth_kib), ratio,
           mib_of_kib(r.one_copy_kib), cap, tinker_status_str(static_cast<tinker_status_t>(r.status)),
           behaved ? "" : " (NOT as expected)");
  return line;
}

void usage() {
  fprintf(stderr,
          "usage: bench_large_result [--mb MB] [--datums D] [--tokens T] [--case PREFIX]... [--emulator PATH]\n"
          "  --mb MB         size of each large body in MB (10^6 bytes; default 100)\n"
          "  --datums D      datums in the forward's batch and result, at most 1024 (one chunk; default 128)\n"
          "  --tokens T      tokens per datum of the request (default 16)\n"
          "  --emulator PATH the tinker-emulator to start (else $TINKER_EMULATOR, else the build tree's)\n"
          "  --case PREFIX   only the cases whose name starts with PREFIX (repeatable), of:\n");
  for (const Case& c : kCases) fprintf(stderr, "                  %s\n", c.name);
}

bool parse_child_args(int argc, char** argv, ChildArgs* a) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--child") {
      a->baseline = v == "baseline";
      a->c = find_case(v);
    } else if (k == "--url") {
      a->url = v;
    } else if (k == "--body-bytes") {
      a->body_bytes = std::strtoull(v.c_str(), nullptr, 10);
    } else if (k == "--datums") {
      a->datums = std::strtoull(v.c_str(), nullptr, 10);
    } else if (k == "--tokens") {
      a->tokens = std::strtoull(v.c_str(), nullptr, 10);
    } else if (k != "--fds" || sscanf(v.c_str(), "%d,%d", &a->from_parent, &a->to_parent) != 2) {
      return false;
    }
  }
  if (a->from_parent < 0 || a->to_parent < 0 || a->body_bytes == 0) return false;
  return a->baseline || (a->c && !a->url.empty() && a->datums && a->tokens);
}

bool parse_args(int argc, char** argv, Settings* s) {
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (i + 1 >= argc) return false;
    const char* v = argv[++i];
    if (k == "--mb") s->body_bytes = static_cast<size_t>(std::strtod(v, nullptr) * 1e6);
    else if (k == "--datums") s->datums = std::strtoull(v, nullptr, 10);
    else if (k == "--tokens") s->tokens = std::strtoull(v, nullptr, 10);
    else if (k == "--case") s->case_prefixes.emplace_back(v);
    else if (k == "--emulator") s->emulator = v;
    else return false;
  }
  return s->body_bytes >= 1000 && s->datums > 0 && s->datums <= 1024 && s->tokens > 0;  // one chunk: ≤ 1024 datums
}

// The bodies the selected cases need, each made once.
struct Bodies {
  ForwardBody protobuf, json;
  std::string capabilities;

  const std::string& of(const Case& c) const {
    if (c.op == Op::Capabilities) return capabilities;
    return c.wire == Wire::Protobuf ? protobuf.bytes : json.bytes;
  }
  size_t per_datum(const Case& c) const { return c.wire == Wire::Protobuf ? protobuf.per_datum : json.per_datum; }
};

Bodies make_bodies(const Settings& s) {
  Bodies b;
  bool pb = false, js = false, caps = false;
  for (const Case& c : kCases) {
    if (!selected(c, s)) continue;
    pb |= c.op == Op::Forward && c.wire == Wire::Protobuf;
    js |= c.op == Op::Forward && c.wire == Wire::Json;
    caps |= c.op == Op::Capabilities;
  }
  if (pb) b.protobuf = forward_body(Wire::Protobuf, s);
  if (js) b.json = forward_body(Wire::Json, s);
  if (caps) b.capabilities = capabilities_body(s.body_bytes);
  if (pb)
    printf("forward result, protobuf: %zu bytes = %zu datums x %zu float32 logprobs (one ArrayRecord)\n",
           b.protobuf.bytes.size(), s.datums, b.protobuf.per_datum);
  if (js)
    printf("forward result, JSON wire mode: %zu bytes = %zu datums x %zu logprobs as JSON numbers\n", b.json.bytes.size(),
           s.datums, b.json.per_datum);
  if (caps) printf("capabilities answer: %zu bytes of supported_models (JSON)\n", b.capabilities.size());
  return b;
}

int parent_main(const Settings& s) {
  const char* path = bench_find_emulator(s.emulator, "bench_large_result");
  if (path == nullptr) return 2;
  bench_emulator_t emu;
  if (bench_emulator_start(&emu, path, nullptr) != 0) return 1;
  int rc = 0;
  {
    Bodies bodies;  // before the proxy: its threads may use them until it is destroyed
    hostile::Server proxy(emu.base_url);
    printf("bench_large_result: libtinker %s, emulator %s behind the hostile test server %s\n", tinker_version_string(),
           emu.base_url, proxy.url().c_str());
    bench_print_machine("at start");
    printf("request: %zu datums x %zu tokens (cross_entropy), one chunk; default limits (256 MiB result, 16 MiB response)\n",
           s.datums, s.tokens);
    bodies = make_bodies(s);
    if (s.body_bytes <= kDefaultMaxResponseBytes)
      printf("capabilities cases skipped: a body of %zu bytes is within the 16 MiB response cap\n", s.body_bytes);
    printf("each case in a fresh child: peak = VmHWM after the call - VmRSS just before it (VmHWM reset via\n"
           "clear_refs just before the call); one copy = VmRSS growth while another fresh child holds a written\n"
           "std::string of the body's size; ratio = peak / one copy\n\n");
    printf("  %-26s %12s %12s %12s %8s %9s  %s\n", "case", "body_bytes", "one_copy_KiB", "peak_KiB", "ratio",
           "call_ms", "status");
    std::vector<std::string> results;
    for (const Case& c : kCases) {
      if (!selected(c, s)) continue;
      const std::string& body = bodies.of(c);
      ChildReport r;
      AnswerLog log;
      if (!run_case(c, body, proxy, s, &r, &log)) {
        rc = 1;
        continue;
      }
      const bool behaved = log.started && case_behaved(c, r, s.datums, s.datums * bodies.per_datum(c));
      if (!behaved) rc = 1;
      if (!r.peak_was_reset) printf("  (%s: VmHWM could not be reset; its peak may include the warm-up)\n", c.name);
      print_row(c, body.size(), r, log);
      if (r.status != TINKER_OK) printf("  %-26s message: %.300s\n", "", r.message);
      results.push_back(result_line(c, body.size(), r, behaved));
    }
    printf("\n");
    for (const std::string& line : results) fputs(line.c_str(), stdout);
    bench_print_machine("at end");
  }
  bench_emulator_stop(&emu);
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--child") == 0) {
    ChildArgs a;
    if (!parse_child_args(argc, argv, &a)) {
      fprintf(stderr, "bench_large_result: bad child arguments\n");
      return 2;
    }
    if (a.baseline) {
      const long kib = one_copy_growth_kib(a.body_bytes);
      return write_all(a.to_parent, &kib, sizeof kib) ? 0 : 1;
    }
    return child_main(a);
  }
  Settings s;
  if (!parse_args(argc, argv, &s)) {
    usage();
    return 2;
  }
  return parent_main(s);
}
