#include "support.h"

namespace wiretest {

// ---- random values ---------------------------------------------------------------------

std::string Rng::text(size_t max_len) {
  static const char* const kPieces[] = {"a", "b", "z", "0", "9", "_", ":", " ", "-", ".",
                                        "\xc3\xa9", "\xe2\x82\xac", "loss", "sum", "mean"};
  std::string s;
  size_t n = static_cast<size_t>(range(0, static_cast<int64_t>(max_len)));
  while (s.size() < n) s += kPieces[range(0, 14)];
  return s;
}

int32_t Rng::any_int32() {
  switch (range(0, 5)) {
    case 0: return static_cast<int32_t>(range(0, 127));
    case 1: return static_cast<int32_t>(range(0, 200000));
    case 2: return static_cast<int32_t>(range(INT32_MIN, INT32_MAX));
    case 3: return range(0, 1) ? INT32_MAX : INT32_MIN;
    case 4: return static_cast<int32_t>(-range(1, 1000));
    default: return 0;
  }
}

int64_t Rng::any_int64() {
  switch (range(0, 4)) {
    case 0: return range(0, 127);
    case 1: return static_cast<int64_t>(u64());
    case 2: return range(0, 1) ? INT64_MAX : INT64_MIN;
    case 3: return -range(1, 1 << 20);
    default: return any_int32();
  }
}

// ---- random datums ---------------------------------------------------------------------

namespace {

const char* const kNames[] = {"target_tokens", "weights", "advantages", "logprobs",
                              "clip_low_threshold", "x", "\xc3\xa9t\xc3\xa9", ""};

std::string pick_format(Rng& r) { return r.chance(50) ? "png" : "jpeg"; }

std::optional<int32_t> maybe_int32(Rng& r) {
  if (r.chance(50)) return std::nullopt;
  return r.any_int32();
}

w::TensorView random_tensor(Rng& r, OwnedDatum& d) {
  w::TensorView t;
  t.dtype = static_cast<w::DType>(r.range(1, 4));
  const bool sparse = r.chance(20);
  if (sparse) {
    int64_t rows = r.range(0, 5), cols = r.range(1, 6);
    t.shape = {rows, cols};
    t.numel = static_cast<size_t>(r.range(0, rows * cols));
    std::vector<int64_t>& crow = d.i64.emplace_back();
    crow.push_back(0);
    for (int64_t i = 0; i < rows; ++i) crow.push_back(r.range(crow.back(), static_cast<int64_t>(t.numel)));
    if (rows) crow.back() = static_cast<int64_t>(t.numel);
    std::vector<int64_t>& col = d.i64.emplace_back();
    for (size_t i = 0; i < t.numel; ++i) col.push_back(r.range(0, cols - 1));
    t.sparse = w::SparseCsrView{crow.data(), crow.size(), col.data(), col.size()};
  } else {
    switch (r.range(0, 3)) {
      case 0: t.numel = static_cast<size_t>(r.range(0, 40)); break;
      case 1: t.numel = static_cast<size_t>(r.range(0, 40)); t.shape = {static_cast<int64_t>(t.numel)}; break;
      case 2: t.shape = {r.range(0, 6), r.range(0, 6)}; break;
      default: t.shape = {r.range(1, 3), r.range(0, 3), r.range(1, 4)}; break;
    }
    if (!t.shape.empty()) {
      int64_t p = 1;
      for (int64_t s : t.shape) p *= s;
      t.numel = static_cast<size_t>(p);
    }
  }
  switch (t.dtype) {
    case w::DType::FLOAT32: {
      auto& v = d.f32.emplace_back(t.numel);
      for (auto& x : v) x = r.any_float();
      t.data = v.data();
      break;
    }
    case w::DType::INT64: {
      auto& v = d.i64.emplace_back(t.numel);
      for (auto& x : v) x = r.any_int64();
      t.data = v.data();
      break;
    }
    case w::DType::INT32: {
      auto& v = d.i32.emplace_back(t.numel);
      for (auto& x : v) x = r.any_int32();
      t.data = v.data();
      break;
    }
    default: {
      auto& v = d.bf16.emplace_back(t.numel);
      for (auto& x : v) x = static_cast<uint16_t>(r.u64());
      t.data = v.data();
      break;
    }
  }
  if (t.numel == 0 && r.chance(50)) t.data = nullptr;  // allowed when empty
  return t;
}

}  // namespace

std::unique_ptr<OwnedDatum> random_datum(Rng& r, const GenOptions& opt) {
  auto d = std::make_unique<OwnedDatum>();
  const int n_chunks = static_cast<int>(r.range(0, 3));
  for (int i = 0; i < n_chunks; ++i) {
    switch (r.range(0, opt.allow_asset_pointers ? 3 : 2)) {
      case 0: {
        const size_t n = static_cast<size_t>(r.range(0, 40));
        if (r.chance(50)) {
          auto& v = d->i32.emplace_back(n);
          for (auto& x : v) x = r.any_int32();
          d->view.chunks.push_back(w::ChunkView::text(v.data(), n));
        } else {
          auto& v = d->i64.emplace_back(n);
          for (auto& x : v) x = r.any_int32();
          d->view.chunks.push_back(w::ChunkView::text(v.data(), n));
        }
        break;
      }
      case 1: {
        const std::string& b = d->blobs.emplace_back(r.bytes(static_cast<size_t>(r.range(0, 40))));
        d->view.chunks.push_back(w::ChunkView::image(reinterpret_cast<const uint8_t*>(b.data()), b.size(),
                                                     pick_format(r), maybe_int32(r)));
        break;
      }
      case 2: {
        const std::string& b = d->blobs.emplace_back(r.bytes(static_cast<size_t>(r.range(0, 30))));
        d->view.chunks.push_back(w::ChunkView::dmel(reinterpret_cast<const uint8_t*>(b.data()), b.size()));
        break;
      }
      default:
        d->view.chunks.push_back(w::ChunkView::image_asset_pointer(r.text(30), pick_format(r), maybe_int32(r)));
        break;
    }
  }
  std::vector<std::string> names(std::begin(kNames), std::end(kNames) - (opt.allow_empty_names ? 0 : 1));
  std::shuffle(names.begin(), names.end(), std::mt19937_64(r.u64()));
  const size_t n_inputs = static_cast<size_t>(r.range(0, 4));
  for (size_t i = 0; i < n_inputs; ++i) d->view.loss_fn_inputs.emplace_back(names[i], random_tensor(r, *d));
  return d;
}

w::RequestHeader random_header(Rng& r) {
  w::RequestHeader h;
  h.model_id = r.text(24);
  h.seq_id = r.chance(20) ? 0 : r.any_int32();
  static const char* const kLoss[] = {"cross_entropy", "importance_sampling", "ppo", ""};
  h.loss_fn = r.chance(80) ? kLoss[r.range(0, 3)] : r.text(12);
  const int n = static_cast<int>(r.range(0, 3));
  for (int i = 0; i < n; ++i) h.loss_fn_config[r.text(10)] = r.any_double();
  h.forward_only = r.chance(50);
  return h;
}

// ---- bytes on the wire, independently of the codec -------------------------------------

std::string tensor_bytes(const w::TensorView& t) {
  size_t es = t.dtype == w::DType::INT64 ? 8 : t.dtype == w::DType::BFLOAT16 ? 2 : 4;
  return t.numel ? std::string(static_cast<const char*>(t.data), t.numel * es) : std::string();
}

std::string token_bytes(const w::ChunkView& c) {
  std::string s;
  for (size_t i = 0; i < c.n_tokens; ++i) {
    int32_t v = c.token_width == w::TokenWidth::INT32 ? static_cast<const int32_t*>(c.tokens)[i]
                                                      : static_cast<int32_t>(static_cast<const int64_t*>(c.tokens)[i]);
    s.append(reinterpret_cast<const char*>(&v), 4);
  }
  return s;
}

namespace {
std::string i64_bytes(const int64_t* v, size_t n) {
  return n ? std::string(reinterpret_cast<const char*>(v), n * 8) : std::string();
}
}  // namespace

void widened(const w::TensorView& t, std::vector<float>* f32, std::vector<int64_t>* i64) {
  f32->clear();
  i64->clear();
  for (size_t i = 0; i < t.numel; ++i) {
    switch (t.dtype) {
      case w::DType::FLOAT32: f32->push_back(static_cast<const float*>(t.data)[i]); break;
      case w::DType::BFLOAT16: {
        uint32_t bits = static_cast<uint32_t>(static_cast<const uint16_t*>(t.data)[i]) << 16;
        float f;
        std::memcpy(&f, &bits, 4);
        f32->push_back(f);
        break;
      }
      case w::DType::INT64: i64->push_back(static_cast<const int64_t*>(t.data)[i]); break;
      case w::DType::INT32: i64->push_back(static_cast<const int32_t*>(t.data)[i]); break;
      default: break;
    }
  }
}

// ---- libprotobuf messages from values ----------------------------------------------------

void to_proto(const w::DatumView& d, tp::Datum* m) {
  for (const w::ChunkView& c : d.chunks) {
    tp::Chunk* pc = m->add_model_input();
    switch (c.kind) {
      case w::ChunkKind::ENCODED_TEXT:
        pc->mutable_encoded_text()->set_tokens(token_bytes(c));
        break;
      case w::ChunkKind::IMAGE: {
        tp::ImageChunk* im = pc->mutable_image();
        im->set_data(std::string(reinterpret_cast<const char*>(c.data), c.size));
        im->set_format(c.format);
        if (c.expected_tokens) im->set_expected_tokens(*c.expected_tokens);
        break;
      }
      case w::ChunkKind::DMEL:
        pc->mutable_dmel()->set_dmel(std::string(reinterpret_cast<const char*>(c.data), c.size));
        break;
      case w::ChunkKind::IMAGE_ASSET_POINTER:
        fail_msg("image_asset_pointer has no protobuf form");
    }
  }
  for (const auto& [name, t] : d.loss_fn_inputs) {
    tp::Tensor& pt = (*m->mutable_loss_fn_inputs())[name];
    if (t.sparse) {
      tp::SparseCsr* s = pt.mutable_sparse_csr();
      s->set_values(tensor_bytes(t));
      s->set_crow_indices(i64_bytes(t.sparse->crow_indices, t.sparse->n_crow));
      s->set_col_indices(i64_bytes(t.sparse->col_indices, t.sparse->n_col));
    } else {
      pt.set_dense(tensor_bytes(t));
    }
    pt.set_dtype(static_cast<tp::DType>(t.dtype));
    for (int64_t s : t.shape) pt.add_shape(s);
  }
}

void to_proto(const w::RequestHeader& h, const std::vector<w::DatumView>& data,
              tp::ForwardBackwardRequest* m) {
  m->set_model_id(h.model_id);
  m->set_seq_id(h.seq_id);
  for (const w::DatumView& d : data) to_proto(d, m->add_data());
  m->set_loss_fn(h.loss_fn);
  for (const auto& [k, v] : h.loss_fn_config) (*m->mutable_loss_fn_config())[k] = v;
  m->set_forward_only(h.forward_only);
}

namespace {
template <typename T>
std::string vec_bytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}
}  // namespace

void to_proto(const w::SampleResponse& s, tp::SampleResponse* m) {
  for (const w::SampledSequence& q : s.sequences) {
    tp::SampledSequence* pq = m->add_sequences();
    pq->set_stop_reason(static_cast<tp::StopReason>(q.stop_reason));
    pq->set_tokens(vec_bytes(q.tokens));
    if (q.logprobs) pq->set_logprobs(vec_bytes(*q.logprobs));
  }
  if (s.prompt_logprobs) m->set_prompt_logprobs(vec_bytes(*s.prompt_logprobs));
  if (s.topk_prompt_logprobs) {
    tp::TopkPromptLogprobs* t = m->mutable_topk_prompt_logprobs();
    t->set_token_ids(vec_bytes(s.topk_prompt_logprobs->token_ids));
    t->set_logprobs(vec_bytes(s.topk_prompt_logprobs->logprobs));
    t->set_k(s.topk_prompt_logprobs->k);
    t->set_prompt_length(s.topk_prompt_logprobs->prompt_length);
  }
  m->set_prompt_cache_hit_tokens(s.prompt_cache_hit_tokens);
}

// ---- unknown fields ----------------------------------------------------------------------

namespace {

void sprinkle(Rng& r, google::protobuf::Message* m) {
  google::protobuf::UnknownFieldSet* u = m->GetReflection()->MutableUnknownFields(m);
  const int n = static_cast<int>(r.range(0, 2));
  for (int i = 0; i < n; ++i) {
    const int number = static_cast<int>(r.range(16, 3000));  // the schema uses 1..7
    switch (r.range(0, 4)) {
      case 0: u->AddVarint(number, r.u64()); break;
      case 1: u->AddFixed32(number, static_cast<uint32_t>(r.u64())); break;
      case 2: u->AddFixed64(number, r.u64()); break;
      case 3: u->AddLengthDelimited(number, r.bytes(static_cast<size_t>(r.range(0, 20)))); break;
      default: {
        google::protobuf::UnknownFieldSet* g = u->AddGroup(number);
        g->AddVarint(static_cast<int>(r.range(1, 30)), r.u64());
        if (r.chance(50)) g->AddGroup(static_cast<int>(r.range(1, 30)))->AddFixed32(1, 7);
        break;
      }
    }
  }
}

}  // namespace

void add_unknown_fields(Rng& r, tp::ForwardBackwardRequest* m) {
  sprinkle(r, m);
  for (tp::Datum& d : *m->mutable_data()) {
    sprinkle(r, &d);
    for (tp::Chunk& c : *d.mutable_model_input()) {
      sprinkle(r, &c);
      if (c.has_encoded_text()) sprinkle(r, c.mutable_encoded_text());
      if (c.has_image()) sprinkle(r, c.mutable_image());
      if (c.has_dmel()) sprinkle(r, c.mutable_dmel());
    }
    for (auto& [name, t] : *d.mutable_loss_fn_inputs()) {
      sprinkle(r, &t);
      if (t.has_sparse_csr()) sprinkle(r, t.mutable_sparse_csr());
    }
  }
}

void add_unknown_fields(Rng& r, tp::ForwardBackwardOutput* m) {
  sprinkle(r, m);
  for (tp::ArrayRecord& rec : *m->mutable_loss_fn_outputs()) {
    sprinkle(r, &rec);
    for (auto& [name, bt] : *rec.mutable_fields()) sprinkle(r, &bt);
  }
}

void add_unknown_fields(Rng& r, tp::SampleResponse* m) {
  sprinkle(r, m);
  for (tp::SampledSequence& s : *m->mutable_sequences()) sprinkle(r, &s);
  if (m->has_topk_prompt_logprobs()) sprinkle(r, m->mutable_topk_prompt_logprobs());
}

std::string serialize_deterministic(const google::protobuf::MessageLite& m) {
  std::string s;
  {
    google::protobuf::io::StringOutputStream sos(&s);
    google::protobuf::io::CodedOutputStream cos(&sos);
    cos.SetSerializationDeterministic(true);
    m.SerializeToCodedStream(&cos);
  }
  return s;
}

// ---- comparisons ---------------------------------------------------------------------------

void assert_same_floats(const std::vector<float>& a, const std::vector<float>& b) {
  assert_int_equal(a.size(), b.size());
  if (!a.empty()) assert_memory_equal(a.data(), b.data(), a.size() * 4);
}

void assert_same_doubles(double a, double b) { assert_memory_equal(&a, &b, 8); }

namespace {

void assert_chunks_equal(const w::InputChunk& a, const w::InputChunk& b) {
  assert_int_equal(static_cast<int>(a.kind), static_cast<int>(b.kind));
  assert_true(a.tokens == b.tokens);
  assert_true(a.data == b.data);
  assert_true(a.format == b.format);
  assert_true(a.location == b.location);
  assert_true(a.expected_tokens == b.expected_tokens);
}

void assert_input_tensors_equal(const w::InputTensor& a, const w::InputTensor& b) {
  assert_int_equal(static_cast<int>(a.dtype), static_cast<int>(b.dtype));
  assert_true(a.shape == b.shape);
  assert_same_floats(a.f32, b.f32);
  assert_true(a.i64 == b.i64);
  assert_int_equal(a.sparse, b.sparse);
  assert_true(a.crow_indices == b.crow_indices);
  assert_true(a.col_indices == b.col_indices);
}

template <typename V>
std::map<std::string, const V*> by_name(const std::vector<std::pair<std::string, V>>& v) {
  std::map<std::string, const V*> m;
  for (const auto& [k, x] : v) {
    assert_true(m.find(k) == m.end());  // names are unique after decoding
    m[k] = &x;
  }
  return m;
}

}  // namespace

void assert_datum_equals_view(const w::InputDatum& got, const w::DatumView& want) {
  assert_int_equal(got.chunks.size(), want.chunks.size());
  for (size_t i = 0; i < got.chunks.size(); ++i) {
    const w::InputChunk& g = got.chunks[i];
    const w::ChunkView& c = want.chunks[i];
    assert_int_equal(static_cast<int>(g.kind), static_cast<int>(c.kind));
    switch (c.kind) {
      case w::ChunkKind::ENCODED_TEXT:
        assert_true(std::string(reinterpret_cast<const char*>(g.tokens.data()), g.tokens.size() * 4) ==
                    token_bytes(c));
        break;
      case w::ChunkKind::IMAGE:
        assert_true(g.data == std::string(reinterpret_cast<const char*>(c.data), c.size));
        assert_true(g.format == c.format);
        assert_true(g.expected_tokens == c.expected_tokens);
        break;
      case w::ChunkKind::DMEL:
        assert_true(g.data == std::string(reinterpret_cast<const char*>(c.data), c.size));
        break;
      case w::ChunkKind::IMAGE_ASSET_POINTER:
        assert_true(g.location == c.location);
        assert_true(g.format == c.format);
        assert_true(g.expected_tokens == c.expected_tokens);
        break;
    }
  }
  auto got_inputs = by_name(got.loss_fn_inputs);
  assert_int_equal(got_inputs.size(), want.loss_fn_inputs.size());
  for (const auto& [name, t] : want.loss_fn_inputs) {
    auto it = got_inputs.find(name);
    assert_true(it != got_inputs.end());
    const w::InputTensor& g = *it->second;
    assert_int_equal(static_cast<int>(g.dtype), static_cast<int>(t.dtype));
    assert_true(g.shape == t.shape);
    std::vector<float> f;
    std::vector<int64_t> i;
    widened(t, &f, &i);
    assert_same_floats(g.f32, f);
    assert_true(g.i64 == i);
    assert_int_equal(g.sparse, t.sparse.has_value());
    if (t.sparse) {
      assert_true(g.crow_indices == std::vector<int64_t>(t.sparse->crow_indices, t.sparse->crow_indices + t.sparse->n_crow));
      assert_true(g.col_indices == std::vector<int64_t>(t.sparse->col_indices, t.sparse->col_indices + t.sparse->n_col));
    }
  }
}

void assert_requests_equal(const w::ForwardBackwardRequest& a, const w::ForwardBackwardRequest& b) {
  assert_true(a.model_id == b.model_id);
  assert_int_equal(a.seq_id, b.seq_id);
  assert_true(a.loss_fn == b.loss_fn);
  assert_int_equal(a.forward_only, b.forward_only);
  assert_int_equal(a.loss_fn_config.size(), b.loss_fn_config.size());
  for (const auto& [k, v] : a.loss_fn_config) {
    auto it = b.loss_fn_config.find(k);
    assert_true(it != b.loss_fn_config.end());
    assert_same_doubles(v, it->second);
  }
  assert_int_equal(a.data.size(), b.data.size());
  for (size_t d = 0; d < a.data.size(); ++d) {
    assert_int_equal(a.data[d].chunks.size(), b.data[d].chunks.size());
    for (size_t c = 0; c < a.data[d].chunks.size(); ++c) assert_chunks_equal(a.data[d].chunks[c], b.data[d].chunks[c]);
    auto ma = by_name(a.data[d].loss_fn_inputs), mb = by_name(b.data[d].loss_fn_inputs);
    assert_int_equal(ma.size(), mb.size());
    for (const auto& [k, t] : ma) {
      assert_true(mb.count(k) == 1);
      assert_input_tensors_equal(*t, *mb[k]);
    }
  }
}

void assert_outputs_equal(const w::ForwardBackwardOutput& a, const w::ForwardBackwardOutput& b) {
  assert_true(a.loss_fn_output_type == b.loss_fn_output_type);
  assert_int_equal(a.outputs.size(), b.outputs.size());
  for (size_t d = 0; d < a.outputs.size(); ++d) {
    auto ma = by_name(a.outputs[d]), mb = by_name(b.outputs[d]);
    assert_int_equal(ma.size(), mb.size());
    for (const auto& [k, t] : ma) {
      assert_true(mb.count(k) == 1);
      const w::OutputTensor& u = *mb[k];
      assert_int_equal(t->is_float, u.is_float);
      assert_true(t->shape == u.shape);
      assert_same_floats(t->f32, u.f32);
      assert_true(t->i64 == u.i64);
    }
  }
  auto ma = by_name(a.metrics), mb = by_name(b.metrics);
  assert_int_equal(ma.size(), mb.size());
  for (const auto& [k, v] : ma) {
    assert_true(mb.count(k) == 1);
    assert_same_doubles(*v, *mb[k]);
  }
}

void assert_samples_equal(const w::SampleResponse& a, const w::SampleResponse& b) {
  assert_int_equal(a.sequences.size(), b.sequences.size());
  for (size_t i = 0; i < a.sequences.size(); ++i) {
    const w::SampledSequence &x = a.sequences[i], &y = b.sequences[i];
    assert_int_equal(static_cast<int>(x.stop_reason), static_cast<int>(y.stop_reason));
    assert_true(x.tokens == y.tokens);
    assert_int_equal(x.logprobs.has_value(), y.logprobs.has_value());
    if (x.logprobs) assert_same_floats(*x.logprobs, *y.logprobs);
  }
  assert_int_equal(a.prompt_logprobs.has_value(), b.prompt_logprobs.has_value());
  if (a.prompt_logprobs) assert_same_floats(*a.prompt_logprobs, *b.prompt_logprobs);
  assert_int_equal(a.topk_prompt_logprobs.has_value(), b.topk_prompt_logprobs.has_value());
  if (a.topk_prompt_logprobs) {
    const w::TopkPromptLogprobs &x = *a.topk_prompt_logprobs, &y = *b.topk_prompt_logprobs;
    assert_int_equal(x.prompt_length, y.prompt_length);
    assert_int_equal(x.k, y.k);
    assert_true(x.token_ids == y.token_ids);
    assert_same_floats(x.logprobs, y.logprobs);
  }
  assert_int_equal(a.prompt_cache_hit_tokens, b.prompt_cache_hit_tokens);
}

}  // namespace wiretest
