// Encoding throughput of forward_backward request bodies (docs/benchmarks.md "Targets": >= 1 GB/s
// of input into protobuf; JSON >= 5x a cJSON-node-per-number encoder).
//
// Two batches, both with int64 token ids in caller memory (the narrowing path):
//   A  128 datums x 1,024 tokens: model_input tokens, target_tokens (int64), weights (float32)
//   B  2,048 datums x 512 tokens: model_input tokens, target_tokens, logprobs, advantages
// "Input" is the bytes of the caller's arrays. Each method encodes into a fresh std::string per
// run (allocation included, as a client allocates a body per request); figures are the median
// thread CPU time of the runs (and the fastest wall time). Baselines in the same run: libprotobuf (build the message the way the official
// client does, then SerializeToString; and SerializeToString alone) and cJSON with one node per
// number.
#include <cjson/cJSON.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "tinker_public.pb.h"
#include "wire/fwdbwd_request.h"
#include "wire/json_fwdbwd.h"
#include "wire/zstd_codec.h"

namespace w = tinker::wire;
namespace tp = tinker_public;

namespace {

struct Batch {
  const char* name;
  size_t n_datums, n_tokens;
  std::vector<std::string> float_inputs;  // names of float32 loss inputs
  // Storage: per datum, tokens, targets, and one array per float input.
  std::vector<std::vector<int64_t>> tokens, targets;
  std::vector<std::vector<std::vector<float>>> floats;
  std::vector<w::DatumView> views;
  w::RequestHeader header;
  size_t input_bytes = 0;
};

// Realistic values: ids below a 152k vocabulary, targets = ids shifted by one, weights 0/1,
// logprobs negative, advantages small; so that the zstd figures mean something.
void fill(Batch& b) {
  std::mt19937_64 g(42);
  b.header.model_id = "sess-0123:train:0";
  b.header.seq_id = 7;
  b.header.loss_fn = b.float_inputs.size() > 1 ? "importance_sampling" : "cross_entropy";
  b.tokens.resize(b.n_datums);
  b.targets.resize(b.n_datums);
  b.floats.resize(b.n_datums);
  for (size_t d = 0; d < b.n_datums; ++d) {
    auto& t = b.tokens[d];
    t.resize(b.n_tokens);
    for (auto& x : t) x = static_cast<int64_t>(g() % 151936);
    b.targets[d].assign(t.begin() + 1, t.end());
    b.targets[d].push_back(151643);
    for (const std::string& name : b.float_inputs) {
      std::vector<float> v(b.n_tokens);
      for (size_t i = 0; i < v.size(); ++i) {
        if (name == "weights") v[i] = i < b.n_tokens / 4 ? 0.0f : 1.0f;
        else if (name == "logprobs") v[i] = -static_cast<float>(g() % 100000) / 7919.0f;
        else v[i] = static_cast<float>(static_cast<int64_t>(g() % 2001) - 1000) / 1000.0f;
      }
      b.floats[d].push_back(std::move(v));
    }
  }
  for (size_t d = 0; d < b.n_datums; ++d) {
    w::DatumView v;
    v.chunks.push_back(w::ChunkView::text(b.tokens[d].data(), b.n_tokens));
    w::TensorView tt = w::TensorView::i64(b.targets[d].data(), b.n_tokens);
    tt.shape = {static_cast<int64_t>(b.n_tokens)};
    v.loss_fn_inputs.emplace_back("target_tokens", tt);
    for (size_t k = 0; k < b.float_inputs.size(); ++k) {
      w::TensorView f = w::TensorView::f32(b.floats[d][k].data(), b.n_tokens);
      f.shape = {static_cast<int64_t>(b.n_tokens)};
      v.loss_fn_inputs.emplace_back(b.float_inputs[k], f);
    }
    b.views.push_back(std::move(v));
  }
  b.input_bytes = b.n_datums * b.n_tokens * (8 + 8 + 4 * b.float_inputs.size());
}

double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

// Runs `fn` at least `min_runs` times and for at least ~1 s of CPU. Returns the median thread
// CPU time per run (what the encoder costs, robust to other processes on a shared 2-core
// machine) and the fastest wall time.
struct Timing {
  double cpu, wall;
};

Timing measure(const std::function<void()>& fn, int min_runs) {
  std::vector<double> cpu;
  double total = 0, best_wall = 1e30;
  while (static_cast<int>(cpu.size()) < min_runs || (total < 1.0 && cpu.size() < 200)) {
    auto a = std::chrono::steady_clock::now();
    double c = thread_cpu_seconds();
    fn();
    c = thread_cpu_seconds() - c;
    best_wall = std::min(best_wall, std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
    cpu.push_back(c);
    total += c;
  }
  std::sort(cpu.begin(), cpu.end());
  return {cpu[cpu.size() / 2], best_wall};
}

void check(bool ok, const std::string& err) {
  if (!ok) {
    std::fprintf(stderr, "encode failed: %s\n", err.c_str());
    std::exit(1);
  }
}

// ---- the methods -------------------------------------------------------------------------

size_t ours_protobuf(const Batch& b) {
  std::string out, err;
  check(w::encode_forward_backward_request(b.header, b.views, &out, &err), err);
  return out.size();
}

// The client's real path: each datum encoded once at call time, the chunk request assembled.
size_t ours_protobuf_per_datum(const Batch& b) {
  std::vector<std::string> datums(b.views.size());
  std::vector<std::string_view> parts(b.views.size());
  std::string err;
  for (size_t i = 0; i < b.views.size(); ++i) {
    check(w::encode_datum(b.views[i], &datums[i], &err), err);
    parts[i] = datums[i];
  }
  std::string out;
  w::assemble_forward_backward_request(b.header, parts, &out);
  return out.size();
}

size_t ours_protobuf_zstd(const Batch& b, int level) {
  std::string out, z, err;
  check(w::encode_forward_backward_request(b.header, b.views, &out, &err), err);
  check(w::zstd_compress(out, level, &z, &err), err);
  return z.size();
}

// What a libprotobuf-based client does (cf. the official client's request_conv): narrow the
// ids into a bytes field, copy each array into its field, then serialise.
void build_libprotobuf(const Batch& b, tp::ForwardBackwardRequest* m) {
  m->set_model_id(b.header.model_id);
  m->set_seq_id(b.header.seq_id);
  m->set_loss_fn(b.header.loss_fn);
  std::vector<int32_t> narrow(b.n_tokens);
  for (const w::DatumView& v : b.views) {
    tp::Datum* d = m->add_data();
    const int64_t* t = static_cast<const int64_t*>(v.chunks[0].tokens);
    for (size_t i = 0; i < b.n_tokens; ++i) narrow[i] = static_cast<int32_t>(t[i]);
    d->add_model_input()->mutable_encoded_text()->set_tokens(narrow.data(), b.n_tokens * 4);
    for (const auto& [name, tv] : v.loss_fn_inputs) {
      tp::Tensor& pt = (*d->mutable_loss_fn_inputs())[name];
      pt.set_dense(tv.data, tv.numel * (tv.dtype == w::DType::INT64 ? 8 : 4));
      pt.set_dtype(static_cast<tp::DType>(tv.dtype));
      for (int64_t s : tv.shape) pt.add_shape(s);
    }
  }
}

size_t libprotobuf_build_and_serialize(const Batch& b) {
  tp::ForwardBackwardRequest m;
  build_libprotobuf(b, &m);
  std::string out;
  m.SerializeToString(&out);
  return out.size();
}

size_t ours_json(const Batch& b) {
  std::string out, err;
  check(w::encode_forward_backward_request_json(b.header, b.views, &out, &err), err);
  return out.size();
}

cJSON* naive_number_array(const int64_t* v, size_t n) {
  cJSON* a = cJSON_CreateArray();
  for (size_t i = 0; i < n; ++i) cJSON_AddItemToArray(a, cJSON_CreateNumber(static_cast<double>(v[i])));
  return a;
}

cJSON* naive_number_array(const float* v, size_t n) {
  cJSON* a = cJSON_CreateArray();
  for (size_t i = 0; i < n; ++i) cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
  return a;
}

// The same body built as a cJSON tree, one node per number, then printed.
size_t naive_cjson(const Batch& b) {
  cJSON* root = cJSON_CreateObject();
  cJSON* input = cJSON_AddObjectToObject(root, "forward_backward_input");
  cJSON* data = cJSON_AddArrayToObject(input, "data");
  for (const w::DatumView& v : b.views) {
    cJSON* d = cJSON_CreateObject();
    cJSON* chunks = cJSON_AddArrayToObject(cJSON_AddObjectToObject(d, "model_input"), "chunks");
    cJSON* c = cJSON_CreateObject();
    cJSON_AddItemToObject(c, "tokens", naive_number_array(static_cast<const int64_t*>(v.chunks[0].tokens), b.n_tokens));
    cJSON_AddStringToObject(c, "type", "encoded_text");
    cJSON_AddItemToArray(chunks, c);
    cJSON* inputs = cJSON_AddObjectToObject(d, "loss_fn_inputs");
    for (const auto& [name, tv] : v.loss_fn_inputs) {
      cJSON* t = cJSON_CreateObject();
      if (tv.dtype == w::DType::INT64) {
        cJSON_AddItemToObject(t, "data", naive_number_array(static_cast<const int64_t*>(tv.data), tv.numel));
        cJSON_AddStringToObject(t, "dtype", "int64");
      } else {
        cJSON_AddItemToObject(t, "data", naive_number_array(static_cast<const float*>(tv.data), tv.numel));
        cJSON_AddStringToObject(t, "dtype", "float32");
      }
      cJSON* shape = cJSON_AddArrayToObject(t, "shape");
      cJSON_AddItemToArray(shape, cJSON_CreateNumber(static_cast<double>(tv.numel)));
      cJSON_AddItemToObject(inputs, name.c_str(), t);
    }
    cJSON_AddItemToArray(data, d);
  }
  cJSON_AddStringToObject(input, "loss_fn", b.header.loss_fn.c_str());
  cJSON_AddStringToObject(root, "model_id", b.header.model_id.c_str());
  cJSON_AddNumberToObject(root, "seq_id", b.header.seq_id);
  char* text = cJSON_PrintUnformatted(root);
  size_t n = std::strlen(text);
  cJSON_free(text);
  cJSON_Delete(root);
  return n;
}

// ---- report ------------------------------------------------------------------------------

struct Row {
  std::string method;
  double seconds;  // median thread CPU time
  double wall;     // fastest wall time
  size_t out_bytes;
};

void report(const Batch& b, const std::vector<Row>& rows) {
  const double tokens = static_cast<double>(b.n_datums * b.n_tokens);
  std::printf("\n%s: %zu datums x %zu tokens, %.2f MB of input arrays\n", b.name, b.n_datums, b.n_tokens,
              b.input_bytes / 1e6);
  std::printf("  %-42s %9s %9s %10s %9s %8s\n", "method", "cpu ms", "MB/s in", "ns/token", "wall ms", "out MB");
  for (const Row& r : rows)
    std::printf("  %-42s %9.3f %9.0f %10.2f %9.3f %8.2f\n", r.method.c_str(), r.seconds * 1e3,
                b.input_bytes / r.seconds / 1e6, r.seconds * 1e9 / tokens, r.wall * 1e3, r.out_bytes / 1e6);
}

double find(const std::vector<Row>& rows, const std::string& prefix) {
  for (const Row& r : rows)
    if (r.method.rfind(prefix, 0) == 0) return r.seconds;
  return 0;
}

}  // namespace

int main() {
  // Keep freed memory in the process. Without this, glibc returns the multi-megabyte bodies to
  // the kernel after every run and the next run pays a page fault per 4 KiB, which in this
  // sandbox costs ~100 us each and would be what the bench measures. A long-running client's
  // heap behaves like this after warm-up anyway.
  mallopt(M_MMAP_THRESHOLD, 512 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  Batch a{"A", 128, 1024, {"weights"}};
  Batch b{"B", 2048, 512, {"logprobs", "advantages"}};
  fill(a);
  fill(b);
  std::printf("bench_encode: forward_backward request bodies; median thread CPU time per run (MB/s and\n"
              "ns/token from it), fastest wall time; a fresh output buffer per run\n");
  for (Batch* batch : {&a, &b}) {
    std::vector<Row> rows;
    size_t out = 0;
    auto run = [&](const std::string& name, int min_runs, const std::function<size_t()>& fn) {
      Timing t = measure([&] { out = fn(); }, min_runs);
      rows.push_back({name, t.cpu, t.wall, out});
    };
    const Batch& x = *batch;
    run("protobuf, ours (one shot)", 20, [&] { return ours_protobuf(x); });
    run("protobuf, ours (per datum + assemble)", 20, [&] { return ours_protobuf_per_datum(x); });
    run("protobuf+zstd level 1, ours", 5, [&] { return ours_protobuf_zstd(x, 1); });
    run("protobuf+zstd level 3, ours (SDK default)", 5, [&] { return ours_protobuf_zstd(x, 3); });
    run("protobuf, libprotobuf build + serialize", 10, [&] { return libprotobuf_build_and_serialize(x); });
    {
      tp::ForwardBackwardRequest m;
      build_libprotobuf(x, &m);
      run("protobuf, libprotobuf serialize only", 10, [&] {
        std::string s;
        m.SerializeToString(&s);
        return s.size();
      });
    }
    run("JSON, ours (streaming writer)", 5, [&] { return ours_json(x); });
    run("JSON, naive cJSON node per number", 3, [&] { return naive_cjson(x); });
    report(x, rows);
    std::printf("  ratios: ours/libprotobuf(build+serialize) %.1fx, ours/libprotobuf(serialize only) %.1fx, "
                "JSON ours/naive %.1fx\n",
                find(rows, "protobuf, libprotobuf build") / find(rows, "protobuf, ours (one"),
                find(rows, "protobuf, libprotobuf serialize") / find(rows, "protobuf, ours (one"),
                find(rows, "JSON, naive") / find(rows, "JSON, ours"));
  }
  return 0;
}
