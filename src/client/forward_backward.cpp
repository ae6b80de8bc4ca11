// forward / forward_backward (protocol.md §6.2–§6.4, §6.9): the batch is encoded at call time
// (so the caller may free it at once), split into chunks by the server's limits, and each chunk
// becomes one request with its own seq_id. Chunk results are combined in chunk order.
#include <algorithm>

#include "client/chunking.h"
#include "client/training_client.h"
#include "wire/estimate.h"
#include "wire/fwdbwd_output.h"
#include "wire/fwdbwd_request.h"
#include "wire/json_fwdbwd.h"
#include "wire/zstd_codec.h"

namespace tinker {

namespace {

// The decoded output of one chunk, handed from its call to the group.
struct ChunkOutput final : Result {
  wire::ForwardBackwardOutput out;
  ResultKind kind() const override { return &result_types::Internal; }
};

// IO-thread state shared by the chunk calls of one forward/backward.
//
// Ordering with parallel chunks (server flag parallel_fwdbwd_chunks, §6.1): all chunks share
// the turn range [first, last]; once the turn comes, chunks 2..n submit concurrently and chunk 1
// submits last, after the others' submissions returned, so the server can batch them when the
// first arrives. Without the flag each chunk takes its own turn.
struct ChunkGroup : std::enable_shared_from_this<ChunkGroup> {
  std::shared_ptr<TrainingRun> run;
  std::shared_ptr<FutureState> user;  // the caller's future
  uint64_t first = 0, last = 0;
  bool parallel = true;
  bool turn_requested = false, turn_arrived = false;
  std::vector<std::function<void()>> ready;  // chunks whose turn has come
  std::function<void()> first_chunk_go;
  size_t others_pending = 0;  // chunks 2..n whose submission has not ended
  size_t submitted = 0;
  std::vector<std::shared_ptr<FutureState>> chunks;
  std::vector<std::unique_ptr<wire::ForwardBackwardOutput>> outputs;
  size_t finished = 0;
  bool failed = false;

  void wait(size_t index, std::function<void()> go) {
    if (!parallel) return run->gate.wait_turn(first + index, std::move(go));
    if (index == 0) first_chunk_go = std::move(go);
    else ready.push_back(std::move(go));
    if (turn_arrived) return release_ready();
    if (!turn_requested) {
      turn_requested = true;
      // Weak: the gate must not keep the group (which holds the run, which holds the gate) alive.
      std::weak_ptr<ChunkGroup> weak = shared_from_this();
      run->gate.wait_turn(first, [weak] {
        if (auto g = weak.lock()) {
          g->turn_arrived = true;
          g->release_ready();
        }
      });
    }
  }

  void release_ready() {
    auto go_now = std::move(ready);
    ready.clear();
    for (auto& go : go_now) go();
    if (others_pending == 0 && first_chunk_go) {
      auto go = std::move(first_chunk_go);
      first_chunk_go = nullptr;
      go();
    }
  }

  void fail(const Error& e) {
    failed = true;
    user->fail(e);
    for (auto& c : chunks) c->cancel();  // the call has failed: stop the rest
  }

  // Chunk `i`'s call ended with `f`: keep its output; once all are in, combine them in chunk
  // order (§6.3) into the caller's future.
  void chunk_done(size_t i, FutureState& f) {
    if (failed) return;
    std::unique_ptr<Result> r;
    if (f.poll() != TINKER_OK || f.take(&result_types::Internal, &r) != TINKER_OK)
      return fail(f.error() ? *f.error() : make_error(TINKER_E_INTERNAL, "chunk failed"));
    outputs[i] = std::make_unique<wire::ForwardBackwardOutput>(std::move(static_cast<ChunkOutput&>(*r).out));
    if (++finished < chunks.size()) return;
    wire::ForwardBackwardOutput all;
    all.loss_fn_output_type = outputs[0]->loss_fn_output_type;
    std::vector<Metrics> metrics;
    std::vector<double> weights;
    for (auto& o : outputs) {
      weights.push_back(static_cast<double>(o->outputs.size()));
      metrics.push_back(std::move(o->metrics));
      for (auto& d : o->outputs) all.outputs.push_back(std::move(d));
    }
    Error err;
    if (!combine_metrics(metrics, weights, &all.metrics, &err)) return fail(err);
    user->complete(to_result(std::move(all)));
  }

  void end(size_t index, bool ok) {
    if (ok && ++submitted == chunks.size()) user->mark_submitted();
    if (!parallel) return run->gate.release(first + index, first + index);
    if (index == 0) return run->gate.release(first, last);
    if (--others_pending == 0 && turn_arrived && first_chunk_go) release_ready();
  }
};

}  // namespace

std::shared_ptr<FutureState> TrainingClient::forward_backward(const std::vector<wire::DatumView>& data,
                                                              const std::string& loss_fn,
                                                              const std::map<std::string, double>& config,
                                                              bool forward_only, Error* err) {
  return start_forward_backward(*ctx_, run_, data, loss_fn, config, forward_only, err);
}

namespace {

// What a forward/backward call needs to build and decode its chunks.
struct Batch {
  const char* what;  // "forward" or "forward_backward"
  bool json_wire;
  bool compress;     // zstd request bodies (server flag proto_compress_fwdbwd, §1.6)
  bool forward_only;
};

// Reads the caller's datums exactly once, into one encoded datum each: bad input is refused
// before any seq_id is reserved (a reserved id never sent leaves a gap the server waits on).
bool encode_batch(const Batch& b, const std::vector<wire::DatumView>& data, std::vector<std::string>* encoded,
                  Error* err) {
  encoded->resize(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    std::string msg;
    bool ok = b.json_wire ? wire::encode_datum_json(data[i], &(*encoded)[i], &msg)
                          : wire::encode_datum(data[i], &(*encoded)[i], &msg);
    if (!ok) {
      *err = make_error(TINKER_E_INVALID_ARGUMENT, "datum " + std::to_string(i) + ": " + msg);
      return false;
    }
  }
  return true;
}

// One request body per chunk, seq_ids from `first` + 1 (§6.1: the wire's ids start at 1).
std::vector<std::string> assemble_chunks(const Batch& b, const std::vector<ChunkRange>& plan,
                                         const std::vector<std::string>& encoded, const TrainingRun& run,
                                         uint64_t first, const std::string& loss_fn,
                                         const std::map<std::string, double>& config) {
  std::vector<std::string> bodies(plan.size());
  for (size_t i = 0; i < plan.size(); ++i) {
    wire::RequestHeader h;
    h.model_id = run.model_id;
    h.seq_id = static_cast<int32_t>(first + i + 1);
    h.loss_fn = loss_fn;
    h.loss_fn_config = config;
    h.forward_only = b.forward_only;
    std::vector<std::string_view> part(encoded.begin() + plan[i].begin, encoded.begin() + plan[i].end);
    if (b.json_wire) wire::assemble_forward_backward_request_json(h, part, &bodies[i]);
    else wire::assemble_forward_backward_request(h, part, &bodies[i]);
  }
  return bodies;
}

// The request of every attempt: the body shared, not copied; the compressed one made once (at
// the first attempt, on the IO thread, off the caller's).
std::function<http::Request()> chunk_request(const Batch& b, std::string body) {
  auto shared = std::make_shared<const std::string>(std::move(body));
  auto zbody = std::make_shared<std::shared_ptr<const std::string>>();
  return [shared, zbody, json_wire = b.json_wire, compress = b.compress] {
    http::Request r;
    r.method = "POST";
    r.url = "/api/v1/forward_backward";
    if (json_wire) {
      r.body = shared;
      return r;
    }
    r.headers.emplace_back("Content-Type", "application/x-protobuf");
    if (compress && !*zbody) {
      std::string z, zerr;
      if (wire::zstd_compress(*shared, 3, &z, &zerr)) *zbody = std::make_shared<const std::string>(std::move(z));
    }
    if (compress && *zbody) {
      r.headers.emplace_back("Content-Encoding", "zstd");
      r.body = *zbody;
      return r;
    }
    r.body = shared;
    return r;
  };
}

// Decodes one chunk's result; its outputs are matched to its datums by position, so any other
// count would misattribute them.
auto chunk_decoder(const Batch& b, size_t datums) {
  return [json_wire = b.json_wire, what = b.what, datums](const http::Response& r, std::unique_ptr<Result>* out,
                                                          Error* err) {
    auto res = std::make_unique<ChunkOutput>();
    std::string msg;
    bool ok = json_wire ? wire::decode_forward_backward_output_json(r.body, &res->out, &msg)
                        : wire::decode_forward_backward_output(r.body, &res->out, &msg);
    if (!ok) {
      *err = make_error(TINKER_E_DATA_LOSS, std::string(what) + ": undecodable result: " + msg);
      return false;
    }
    if (res->out.outputs.size() != datums) {
      *err = make_error(TINKER_E_DATA_LOSS, std::string(what) + ": the server returned " +
                                                std::to_string(res->out.outputs.size()) + " outputs for " +
                                                std::to_string(datums) + " datums");
      return false;
    }
    *out = std::move(res);
    return true;
  };
}

// Chunk `i`'s call: its turn, then the dispatch byte budget (§6.2), held only while submitting.
CallSpec chunk_call(const Batch& b, ClientContext* ctx, const std::shared_ptr<ChunkGroup>& group, size_t i,
                    const ChunkRange& range, std::string body) {
  CallSpec spec;
  spec.what = b.what;
  spec.prerequisite = Prerequisite::Session;
  spec.returns_future = true;
  spec.request_type = b.forward_only ? "Forward" : "ForwardBackward";
  spec.accept_protobuf = !b.json_wire;
  spec.build = chunk_request(b, std::move(body));
  const int64_t cost = range.bytes;
  // charged: the budget holds our cost; ended: the call is over (maybe before it was charged).
  auto charged = std::make_shared<bool>(false), ended = std::make_shared<bool>(false);
  spec.wait_turn = [group, i, ctx, cost, charged, ended](std::function<void()> go) {
    group->wait(i, [ctx, cost, charged, ended, go = std::move(go)] {
      ctx->fwdbwd_dispatch_budget().acquire(cost, [ctx, cost, charged, ended, go] {
        if (*ended) return ctx->fwdbwd_dispatch_budget().release(cost);
        *charged = true;
        go();
      });
    });
  };
  spec.end_turn = [group, i, ctx, cost, charged, ended](bool ok) {
    *ended = true;
    if (*charged) ctx->fwdbwd_dispatch_budget().release(cost);
    group->end(i, ok);
  };
  spec.decode = chunk_decoder(b, range.end - range.begin);
  spec.then = [group, i](FutureState& f) {
    try {
      group->chunk_done(i, f);
    } catch (const std::bad_alloc&) {  // the caller's future must end, or it waits forever
      group->fail(make_error(TINKER_E_RESOURCE_EXHAUSTED, "forward_backward: out of memory combining results"));
    }
  };
  return spec;
}

}  // namespace

std::shared_ptr<FutureState> start_forward_backward(ClientContext& ctx, const std::shared_ptr<TrainingRun>& run,
                                                    const std::vector<wire::DatumView>& data,
                                                    const std::string& loss_fn,
                                                    const std::map<std::string, double>& config, bool forward_only,
                                                    Error* err) {
  const ServerConfig cfg = ctx.server_config_snapshot();
  Batch b;
  b.what = forward_only ? "forward" : "forward_backward";
  b.json_wire = ctx.options().wire_mode == TINKER_WIRE_JSON;
  b.compress = !b.json_wire && cfg.proto_compress_fwdbwd;
  b.forward_only = forward_only;
  if (data.empty()) {
    *err = make_error(TINKER_E_INVALID_ARGUMENT, "no data provided");
    return nullptr;
  }
  std::vector<int64_t> sizes;
  sizes.reserve(data.size());
  for (const auto& d : data) sizes.push_back(static_cast<int64_t>(wire::estimate_datum_bytes(d)));
  const std::vector<ChunkRange> plan = plan_chunks(sizes, cfg.fwdbwd_max_chunk_len, cfg.fwdbwd_max_chunk_bytes_count);
  std::vector<std::string> encoded;
  if (!encode_batch(b, data, &encoded, err)) return nullptr;
  const uint64_t first = run->gate.reserve(plan.size());  // at call time, in call order (§6.1)
  std::vector<std::string> bodies = assemble_chunks(b, plan, encoded, *run, first, loss_fn, config);
  encoded.clear();

  auto user = std::make_shared<FutureState>(ctx.runtime().completion(), &result_types::ForwardBackwardOutput);
  auto group = std::make_shared<ChunkGroup>();
  group->run = run;
  group->user = user;
  group->first = first;
  group->last = first + plan.size() - 1;
  group->parallel = cfg.parallel_fwdbwd_chunks;
  group->others_pending = plan.size() - 1;
  group->outputs.resize(plan.size());
  std::vector<CallSpec> specs;
  for (size_t i = 0; i < plan.size(); ++i) specs.push_back(chunk_call(b, &ctx, group, i, plan[i], std::move(bodies[i])));
  // Every chunk future exists before any call starts: the IO thread reads the list.
  for (size_t i = 0; i < plan.size(); ++i)
    group->chunks.push_back(std::make_shared<FutureState>(ctx.runtime().completion(), &result_types::Internal));
  // Cancelling the caller's future stops every chunk.
  std::weak_ptr<ChunkGroup> weak = group;
  user->set_cancel_hook([weak] {
    if (auto g = weak.lock())
      for (auto& c : g->chunks) c->cancel();
  });
  for (size_t i = 0; i < plan.size(); ++i) start_call(ctx, std::move(specs[i]), group->chunks[i]);
  return user;
}

}  // namespace tinker
