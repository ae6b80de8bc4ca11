#include "seed_values.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "wire/sample_response.h"

namespace fuzz {

namespace {

float any_float(Rng& r) {
  static const float kEdges[] = {0.0f, -0.0f, 1.5f, -2.25f, std::numeric_limits<float>::infinity(),
                                 -std::numeric_limits<float>::infinity(), std::nanf(""),
                                 std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::max()};
  if (r.below(3)) return static_cast<float>(static_cast<int>(r.below(2000)) - 1000) / 8;
  if (r.below(2)) return kEdges[r.below(sizeof kEdges / sizeof kEdges[0])];
  const uint32_t bits = static_cast<uint32_t>(r.next());
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

int64_t any_int(Rng& r) {
  static const int64_t kEdges[] = {0, -1, 1, INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, int64_t{1} << 53};
  if (r.below(3)) return static_cast<int64_t>(r.below(200000));
  return kEdges[r.below(sizeof kEdges / sizeof kEdges[0])];
}

}  // namespace

w::ForwardBackwardOutput random_output(Rng& r) {
  static const char* kNames[] = {"logprobs", "elementwise_loss", "target_ids", "weights"};
  static const char* kTypes[] = {"ArrayRecord", "tinker.types:ArrayRecord", "", "a:b:TensorData"};
  w::ForwardBackwardOutput o;
  o.loss_fn_output_type = kTypes[r.below(4)];
  const size_t n_fields = 1 + r.below(3);
  std::vector<bool> is_float(n_fields);
  std::vector<int64_t> trailing(n_fields);  // 0: no trailing dimension
  for (size_t f = 0; f < n_fields; ++f) {
    is_float[f] = r.below(3) != 0;
    trailing[f] = static_cast<int64_t>(r.below(3));
  }
  for (size_t d = r.below(6); d > 0; --d) {
    w::LossFnOutput datum;
    for (size_t f = 0; f < n_fields; ++f) {
      if (r.below(6) == 0) trailing[f] = static_cast<int64_t>(r.below(3));  // ragged: a new record
      w::OutputTensor t;
      t.is_float = is_float[f];
      const int64_t leading = static_cast<int64_t>(r.below(7));
      t.shape = {leading};
      if (trailing[f]) t.shape.push_back(trailing[f]);
      const size_t n = static_cast<size_t>(leading * (trailing[f] ? trailing[f] : 1));
      for (size_t i = 0; i < n; ++i) {
        if (t.is_float) t.f32.push_back(any_float(r));
        else t.i64.push_back(any_int(r));
      }
      datum.emplace_back(kNames[f], std::move(t));
    }
    o.outputs.push_back(std::move(datum));
  }
  static const char* kMetrics[] = {"loss:sum", "tokens:sum", "clip_fraction:mean"};
  for (size_t m = r.below(4), i = 0; i < m; ++i) o.metrics.emplace_back(kMetrics[i], any_float(r));
  return o;
}

w::SampleResponse random_sample(Rng& r) {
  w::SampleResponse s;
  for (size_t q = r.below(4); q > 0; --q) {
    w::SampledSequence seq;
    seq.stop_reason = r.below(2) ? w::StopReason::STOP : w::StopReason::LENGTH;
    for (size_t i = r.below(9); i > 0; --i) seq.tokens.push_back(static_cast<int32_t>(any_int(r)));
    if (r.below(2)) {
      seq.logprobs.emplace();
      for (size_t i = 0; i < seq.tokens.size() + 1; ++i) seq.logprobs->push_back(any_float(r));
    }
    s.sequences.push_back(std::move(seq));
  }
  if (r.below(2)) s.prompt_logprobs = std::vector<float>{std::nanf(""), -1.25f, -0.5f};
  if (r.below(2)) {
    w::TopkPromptLogprobs t;
    t.prompt_length = static_cast<uint32_t>(1 + r.below(4));
    t.k = static_cast<uint32_t>(1 + r.below(3));
    for (uint32_t row = 0; row < t.prompt_length; ++row)
      for (uint32_t i = 0; i < t.k; ++i) {
        const bool masked = row == 0 || (i > 0 && r.below(3) == 0);  // no data at position 0
        t.token_ids.push_back(masked ? 0 : static_cast<int32_t>(r.below(50000)));
        t.logprobs.push_back(masked ? w::kTopkMaskLogprob : any_float(r));
      }
    s.topk_prompt_logprobs = std::move(t);
  }
  s.prompt_cache_hit_tokens = static_cast<int32_t>(any_int(r));
  return s;
}

namespace {

void add_tensor(Rng& r, size_t n, OwnedRequest* o, w::DatumView* d) {
  const size_t kind = r.below(4);
  w::TensorView t;
  if (kind == 0) {
    o->f32.emplace_back();
    for (size_t i = 0; i < n; ++i) o->f32.back().push_back(any_float(r));
    t = w::TensorView::f32(o->f32.back().data(), n);
  } else if (kind == 1) {
    o->i64.emplace_back();
    for (size_t i = 0; i < n; ++i) o->i64.back().push_back(any_int(r));
    t = w::TensorView::i64(o->i64.back().data(), n);
  } else if (kind == 2) {
    o->i32.emplace_back();
    for (size_t i = 0; i < n; ++i) o->i32.back().push_back(static_cast<int32_t>(any_int(r)));
    t = {w::DType::INT32, o->i32.back().data(), n, {}, {}};
  } else {
    o->bf16.emplace_back();
    for (size_t i = 0; i < n; ++i) o->bf16.back().push_back(static_cast<uint16_t>(r.next()));
    t = {w::DType::BFLOAT16, o->bf16.back().data(), n, {}, {}};
  }
  if (r.below(2)) t.shape = {static_cast<int64_t>(n)};
  d->loss_fn_inputs.emplace_back(kind == 0 ? "weights" : kind == 1 ? "target_tokens" : kind == 2 ? "mask" : "advantages",
                                 std::move(t));
}

// A 2 x 3 CSR matrix with nnz values in row 0 and the rest in row 1.
void add_sparse(Rng& r, OwnedRequest* o, w::DatumView* d) {
  const int64_t nnz = static_cast<int64_t>(r.below(4));
  const int64_t row0 = nnz / 2;
  o->i64.push_back({0, row0, nnz});
  const int64_t* crow = o->i64.back().data();
  o->i64.emplace_back();
  for (int64_t i = 0; i < nnz; ++i) o->i64.back().push_back((i < row0 ? i : i - row0) % 3);
  const int64_t* col = o->i64.back().data();
  o->f32.emplace_back();
  for (int64_t i = 0; i < nnz; ++i) o->f32.back().push_back(any_float(r));
  w::TensorView t = w::TensorView::f32(o->f32.back().data(), static_cast<size_t>(nnz));
  t.shape = {2, 3};
  t.sparse = w::SparseCsrView{crow, 3, col, static_cast<size_t>(nnz)};
  d->loss_fn_inputs.emplace_back("sparse_weights", std::move(t));
}

}  // namespace

void random_request(Rng& r, bool json, OwnedRequest* o) {
  o->header.model_id = "run-" + std::to_string(r.below(100)) + ":train:0";
  o->header.seq_id = static_cast<int32_t>(r.below(1000));
  o->header.loss_fn = r.below(2) ? "cross_entropy" : "importance_sampling";
  if (r.below(2)) o->header.loss_fn_config = {{"clip_high", 1.2}, {"clip_low", 0.8}};
  o->header.forward_only = r.below(4) == 0;
  for (size_t n = 1 + r.below(3); n > 0; --n) {
    w::DatumView d;
    for (size_t c = 1 + r.below(3); c > 0; --c) {
      const size_t kind = r.below(json ? 5 : 4);
      const size_t len = r.below(6);
      if (kind == 0) {
        o->i32.emplace_back();
        for (size_t i = 0; i < len; ++i) o->i32.back().push_back(static_cast<int32_t>(r.below(150000)));
        d.chunks.push_back(w::ChunkView::text(o->i32.back().data(), len));
      } else if (kind == 1) {
        o->i64.emplace_back();
        for (size_t i = 0; i < len; ++i) o->i64.back().push_back(static_cast<int64_t>(r.below(150000)));
        d.chunks.push_back(w::ChunkView::text(o->i64.back().data(), len));
      } else if (kind == 2) {
        o->blobs.push_back("\x89PNG\r\n\x1a\n" + r.bytes(len));
        const std::string& b = o->blobs.back();
        d.chunks.push_back(w::ChunkView::image(reinterpret_cast<const uint8_t*>(b.data()), b.size(),
                                               r.below(2) ? "png" : "jpeg",
                                               r.below(2) ? std::optional<int32_t>(16) : std::nullopt));
      } else if (kind == 3) {
        o->blobs.push_back(r.bytes(len));
        d.chunks.push_back(w::ChunkView::dmel(reinterpret_cast<const uint8_t*>(o->blobs.back().data()), len));
      } else {
        d.chunks.push_back(w::ChunkView::image_asset_pointer("s3://bucket/img.png", "png", 64));
      }
    }
    const size_t n_tokens = r.below(6);
    for (size_t t = r.below(3); t > 0; --t) add_tensor(r, n_tokens, o, &d);
    if (r.below(3) == 0) add_sparse(r, o, &d);
    // Names must be unique; a later tensor with a taken name is dropped.
    std::vector<std::pair<std::string, w::TensorView>> unique;
    for (auto& in : d.loss_fn_inputs) {
      bool taken = false;
      for (const auto& u : unique) taken = taken || u.first == in.first;
      if (!taken) unique.push_back(std::move(in));
    }
    d.loss_fn_inputs = std::move(unique);
    o->data.push_back(std::move(d));
  }
}

std::vector<Seed> valid_seeds(uint64_t rng_seed, int count, const EncodeRandomValue& encode) {
  std::vector<Seed> seeds;
  Rng r(rng_seed);
  for (int i = 0; i < count; ++i) {
    std::string body;
    if (encode(r, i, &body)) seeds.push_back({"valid_" + std::to_string(i), body});
  }
  return seeds;
}

}  // namespace fuzz
