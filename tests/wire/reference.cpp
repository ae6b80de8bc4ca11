// Reference decoders over libprotobuf-parsed messages, and random result generators. They
// restate protocol.md §1.6.1's decoding rules (plus the codec's documented strictness) in the
// plainest form, with 128-bit arithmetic instead of overflow checks, so that the hand-written
// decoders in src/wire have something independent to be compared against.
#include "support.h"

namespace wiretest {

namespace {

size_t elem_size(int dtype) {
  switch (dtype) {
    case 1: return 4;  // FLOAT32
    case 2: return 8;  // INT64
    case 3: return 4;  // INT32
    case 4: return 2;  // BFLOAT16
    default: return 0;
  }
}

float bf16(uint16_t h) {
  uint32_t bits = static_cast<uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// Elements [from, to) of `bytes` in `dtype`, widened.
void widen(const std::string& bytes, int dtype, size_t from, size_t to, std::vector<float>* f32,
           std::vector<int64_t>* i64) {
  for (size_t i = from; i < to; ++i) {
    const char* p = bytes.data() + i * elem_size(dtype);
    if (dtype == 1) {
      float v;
      std::memcpy(&v, p, 4);
      f32->push_back(v);
    } else if (dtype == 4) {
      uint16_t v;
      std::memcpy(&v, p, 2);
      f32->push_back(bf16(v));
    } else if (dtype == 2) {
      int64_t v;
      std::memcpy(&v, p, 8);
      i64->push_back(v);
    } else {
      int32_t v;
      std::memcpy(&v, p, 4);
      i64->push_back(v);
    }
  }
}

std::vector<int64_t> int64s(const std::string& b) {
  std::vector<int64_t> v(b.size() / 8);
  if (!v.empty()) std::memcpy(v.data(), b.data(), v.size() * 8);
  return v;
}

// prod(shape) as a 128-bit number, or -1 if a dimension is negative; saturates at 2^100.
__int128 product(const google::protobuf::RepeatedField<int64_t>& shape) {
  __int128 p = 1;
  for (int64_t d : shape) {
    if (d < 0) return -1;
    p *= d;
    if (p > (static_cast<__int128>(1) << 100)) p = static_cast<__int128>(1) << 100;
  }
  return p;
}

}  // namespace

bool reference_decode(const tp::ForwardBackwardOutput& m, w::ForwardBackwardOutput* out) {
  *out = w::ForwardBackwardOutput{};
  for (const auto& [k, v] : m.metrics()) out->metrics.emplace_back(k, v);
  if (m.loss_fn_outputs_size() == 0) {
    out->loss_fn_output_type = m.loss_fn_output_type().empty() ? "ArrayRecord" : m.loss_fn_output_type();
    return true;
  }
  const std::string& raw = m.loss_fn_output_type();
  out->loss_fn_output_type = raw.substr(raw.rfind(':') == std::string::npos ? 0 : raw.rfind(':') + 1);

  std::vector<size_t> counts;
  std::set<std::string> names;
  bool have_names = false;
  size_t total = 0;
  for (const tp::ArrayRecord& rec : m.loss_fn_outputs()) {
    if (rec.num_datums() < 0) return false;
    std::vector<size_t> field_counts;
    for (const auto& [name, bt] : rec.fields()) {
      const size_t es = elem_size(bt.dtype());
      if (es == 0 || bt.data().size() % es || bt.offsets().size() % 8) return false;
      std::vector<int64_t> off = int64s(bt.offsets());
      for (size_t i = 0; i < off.size(); ++i)
        if (off[i] < 0 || off[i] > static_cast<int64_t>(bt.data().size()) || off[i] % static_cast<int64_t>(es) ||
            (i && off[i] < off[i - 1]))
          return false;
      if (static_cast<size_t>(bt.trailing_shape_size()) + 1 > w::kMaxTensorDims) return false;
      for (int64_t d : bt.trailing_shape())
        if (d < 0) return false;
      field_counts.push_back(off.empty() ? 0 : off.size() - 1);
    }
    size_t n = static_cast<size_t>(rec.num_datums());
    if (n == 0 && !field_counts.empty()) {
      if (std::set<size_t>(field_counts.begin(), field_counts.end()).size() != 1) return false;
      n = field_counts[0];
    }
    for (size_t c : field_counts)
      if (c != n) return false;
    total += n;
    if (total > w::kMaxOutputDatums + 0 || n > w::kMaxOutputDatums) return false;
    if (n > 0) {
      std::set<std::string> these;
      for (const auto& [name, bt] : rec.fields()) these.insert(name);
      if (have_names && these != names) return false;
      names = these;
      have_names = true;
    }
    counts.push_back(n);
  }

  for (int ri = 0; ri < m.loss_fn_outputs_size(); ++ri) {
    const tp::ArrayRecord& rec = m.loss_fn_outputs(ri);
    for (size_t i = 0; i < counts[ri]; ++i) {
      w::LossFnOutput datum;
      for (const auto& [name, bt] : rec.fields()) {
        const size_t es = elem_size(bt.dtype());
        std::vector<int64_t> off = int64s(bt.offsets());
        w::OutputTensor t;
        t.is_float = bt.dtype() == 1 || bt.dtype() == 4;
        widen(bt.data(), bt.dtype(), off[i] / es, off[i + 1] / es, &t.f32, &t.i64);
        const __int128 numel = static_cast<__int128>(t.numel());
        const __int128 p = product(bt.trailing_shape());
        int64_t leading = 0;
        if (numel != 0) {
          if (p == 0 || numel % p != 0) return false;
          leading = static_cast<int64_t>(numel / p);
        }
        t.shape.push_back(leading);
        t.shape.insert(t.shape.end(), bt.trailing_shape().begin(), bt.trailing_shape().end());
        datum.emplace_back(name, std::move(t));
      }
      out->outputs.push_back(std::move(datum));
    }
  }
  return true;
}

bool reference_decode(const tp::SampleResponse& m, w::SampleResponse* out) {
  *out = w::SampleResponse{};
  for (const tp::SampledSequence& s : m.sequences()) {
    if (s.stop_reason() != 0 && s.stop_reason() != 1) return false;
    if (s.tokens().size() % 4 || s.logprobs().size() % 4) return false;
    w::SampledSequence q;
    q.stop_reason = static_cast<w::StopReason>(s.stop_reason());
    q.tokens.resize(s.tokens().size() / 4);
    if (!q.tokens.empty()) std::memcpy(q.tokens.data(), s.tokens().data(), s.tokens().size());
    if (!s.logprobs().empty()) {
      q.logprobs.emplace(s.logprobs().size() / 4);
      std::memcpy(q.logprobs->data(), s.logprobs().data(), s.logprobs().size());
    }
    out->sequences.push_back(std::move(q));
  }
  if (!m.prompt_logprobs().empty()) {
    if (m.prompt_logprobs().size() % 4) return false;
    out->prompt_logprobs.emplace(m.prompt_logprobs().size() / 4);
    std::memcpy(out->prompt_logprobs->data(), m.prompt_logprobs().data(), m.prompt_logprobs().size());
  }
  if (m.has_topk_prompt_logprobs()) {
    const tp::TopkPromptLogprobs& t = m.topk_prompt_logprobs();
    const __int128 cells = static_cast<__int128>(t.prompt_length()) * t.k();
    if (cells > 0) {
      if (cells * 4 > static_cast<__int128>(t.token_ids().size()) || cells * 4 > static_cast<__int128>(t.logprobs().size()))
        return false;
      w::TopkPromptLogprobs& o = out->topk_prompt_logprobs.emplace();
      o.prompt_length = t.prompt_length();
      o.k = t.k();
      o.token_ids.resize(static_cast<size_t>(cells));
      o.logprobs.resize(static_cast<size_t>(cells));
      std::memcpy(o.token_ids.data(), t.token_ids().data(), static_cast<size_t>(cells) * 4);
      std::memcpy(o.logprobs.data(), t.logprobs().data(), static_cast<size_t>(cells) * 4);
    }
  }
  out->prompt_cache_hit_tokens = m.prompt_cache_hit_tokens();
  return true;
}

bool reference_decode(const tp::ForwardBackwardRequest& m, w::ForwardBackwardRequest* out) {
  *out = w::ForwardBackwardRequest{};
  out->model_id = m.model_id();
  out->seq_id = m.seq_id();
  out->loss_fn = m.loss_fn();
  out->forward_only = m.forward_only();
  for (const auto& [k, v] : m.loss_fn_config()) out->loss_fn_config[k] = v;
  for (const tp::Datum& d : m.data()) {
    w::InputDatum datum;
    for (const tp::Chunk& c : d.model_input()) {
      w::InputChunk chunk;
      switch (c.chunk_case()) {
        case tp::Chunk::kEncodedText: {
          const std::string& b = c.encoded_text().tokens();
          if (b.size() % 4) return false;
          chunk.kind = w::ChunkKind::ENCODED_TEXT;
          chunk.tokens.resize(b.size() / 4);
          if (!b.empty()) std::memcpy(chunk.tokens.data(), b.data(), b.size());
          break;
        }
        case tp::Chunk::kImage:
          chunk.kind = w::ChunkKind::IMAGE;
          chunk.data = c.image().data();
          chunk.format = c.image().format();
          if (c.image().has_expected_tokens()) chunk.expected_tokens = c.image().expected_tokens();
          break;
        case tp::Chunk::kDmel:
          chunk.kind = w::ChunkKind::DMEL;
          chunk.data = c.dmel().dmel();
          break;
        default:
          return false;  // a chunk with no content
      }
      datum.chunks.push_back(std::move(chunk));
    }
    for (const auto& [name, t] : d.loss_fn_inputs()) {
      const size_t es = elem_size(t.dtype());
      if (es == 0) return false;
      w::InputTensor it;
      it.dtype = static_cast<w::DType>(t.dtype());
      it.sparse = t.has_sparse_csr();
      const std::string& values = it.sparse ? t.sparse_csr().values() : t.dense();
      if (values.size() % es) return false;
      const __int128 p = product(t.shape());
      if (p < 0) return false;
      const bool overflow = p >= (static_cast<__int128>(1) << 64);
      if (it.sparse) {
        if (t.sparse_csr().crow_indices().size() % 8 || t.sparse_csr().col_indices().size() % 8) return false;
        if (overflow || t.shape_size() == 0) return false;
        it.crow_indices = int64s(t.sparse_csr().crow_indices());
        it.col_indices = int64s(t.sparse_csr().col_indices());
        if (it.col_indices.size() != values.size() / es) return false;
      } else if (t.shape_size() > 0 && (overflow || p != static_cast<__int128>(values.size() / es))) {
        return false;
      }
      it.shape.assign(t.shape().begin(), t.shape().end());
      widen(values, t.dtype(), 0, values.size() / es, &it.f32, &it.i64);
      datum.loss_fn_inputs.emplace_back(name, std::move(it));
    }
    out->data.push_back(std::move(datum));
  }
  return true;
}

// ---- random results ----------------------------------------------------------------------

void random_output_message(Rng& r, tp::ForwardBackwardOutput* m) {
  static const char* const kTypes[] = {"", "ArrayRecord", "tinker.losses:CrossEntropyOutput", "a:b:c", "x:"};
  m->set_loss_fn_output_type(r.chance(80) ? kTypes[r.range(0, 4)] : r.text(20));
  static const char* const kFields[] = {"logprobs", "elementwise_loss", "entropy", "topk_ids"};
  const int n_fields = static_cast<int>(r.range(0, 3));
  const int n_records = static_cast<int>(r.range(0, 3));
  for (int ri = 0; ri < n_records; ++ri) {
    tp::ArrayRecord* rec = m->add_loss_fn_outputs();
    if (r.chance(30)) rec->set_type_tag(r.text(10));
    const int64_t n = r.range(0, 4);
    for (int fi = 0; fi < n_fields; ++fi) {
      tp::BatchedTensor& bt = (*rec->mutable_fields())[kFields[fi]];
      const int dtype = static_cast<int>(r.range(1, 4));
      bt.set_dtype(static_cast<tp::DType>(dtype));
      int64_t per_row = 1;
      const int n_trailing = static_cast<int>(r.range(0, 2));
      for (int k = 0; k < n_trailing; ++k) {
        int64_t d = r.range(1, 3);
        bt.add_trailing_shape(d);
        per_row *= d;
      }
      std::string data, offsets;
      int64_t off = 0;
      if (n > 0 || r.chance(50)) offsets.append(reinterpret_cast<const char*>(&off), 8);
      for (int64_t i = 0; i < n; ++i) {
        const int64_t bytes = r.range(0, 3) * per_row * static_cast<int64_t>(elem_size(dtype));
        data += r.bytes(static_cast<size_t>(bytes));
        off += bytes;
        offsets.append(reinterpret_cast<const char*>(&off), 8);
      }
      bt.set_data(data);
      bt.set_offsets(offsets);
    }
    rec->set_num_datums(r.chance(20) && n_fields > 0 ? 0 : n);  // 0: a writer predating num_datums
  }
  const int n_metrics = static_cast<int>(r.range(0, 4));
  for (int i = 0; i < n_metrics; ++i) (*m->mutable_metrics())[r.text(12)] = r.any_double();
}

w::SampleResponse random_sample_response(Rng& r) {
  w::SampleResponse s;
  const int n = static_cast<int>(r.range(0, 3));
  for (int i = 0; i < n; ++i) {
    w::SampledSequence q;
    q.stop_reason = r.chance(50) ? w::StopReason::STOP : w::StopReason::LENGTH;
    q.tokens.resize(static_cast<size_t>(r.range(0, 20)));
    for (auto& t : q.tokens) t = r.any_int32();
    if (!q.tokens.empty() && r.chance(60)) {
      q.logprobs.emplace(q.tokens.size());
      for (auto& l : *q.logprobs) l = r.any_float();
    }
    s.sequences.push_back(std::move(q));
  }
  if (r.chance(50)) {
    s.prompt_logprobs.emplace(static_cast<size_t>(r.range(1, 20)));
    for (auto& l : *s.prompt_logprobs) l = r.any_float();
    if (r.chance(50)) (*s.prompt_logprobs)[0] = std::nanf("");
  }
  if (r.chance(50)) {
    w::TopkPromptLogprobs& t = s.topk_prompt_logprobs.emplace();
    t.prompt_length = static_cast<uint32_t>(r.range(1, 6));
    t.k = static_cast<uint32_t>(r.range(1, 4));
    for (uint32_t row = 0; row < t.prompt_length; ++row) {
      const uint32_t real = r.chance(20) ? 0 : static_cast<uint32_t>(r.range(1, t.k));
      for (uint32_t c = 0; c < t.k; ++c) {
        const bool cell = c < real;
        t.token_ids.push_back(cell ? static_cast<int32_t>(r.range(0, 1000)) : 0);
        t.logprobs.push_back(cell ? -static_cast<float>(r.range(0, 3000)) / 100.0f : -99999.0f);
      }
    }
  }
  s.prompt_cache_hit_tokens = r.chance(50) ? 0 : r.any_int32();
  return s;
}

w::ForwardBackwardOutput random_output_value(Rng& r) {
  w::ForwardBackwardOutput o;
  static const char* const kTypes[] = {"ArrayRecord", "CrossEntropyOutput", "TorchLossReturn"};
  o.loss_fn_output_type = kTypes[r.range(0, 2)];
  static const char* const kFields[] = {"logprobs", "elementwise_loss", "topk_ids"};
  const int n_fields = static_cast<int>(r.range(0, 3));
  std::vector<bool> is_float(static_cast<size_t>(n_fields));
  for (int f = 0; f < n_fields; ++f) is_float[static_cast<size_t>(f)] = r.chance(60);
  const int n = static_cast<int>(r.range(0, 6));
  std::vector<int64_t> trailing = {r.range(1, 3)};
  for (int d = 0; d < n; ++d) {
    if (r.chance(30)) trailing = r.chance(50) ? std::vector<int64_t>{} : std::vector<int64_t>{r.range(1, 3)};
    w::LossFnOutput datum;
    for (int f = 0; f < n_fields; ++f) {
      w::OutputTensor t;
      t.is_float = is_float[static_cast<size_t>(f)];
      t.shape.push_back(r.range(0, 4));
      t.shape.insert(t.shape.end(), trailing.begin(), trailing.end());
      int64_t numel = 1;
      for (int64_t s : t.shape) numel *= s;
      for (int64_t i = 0; i < numel; ++i) {
        if (t.is_float) t.f32.push_back(r.any_float());
        else t.i64.push_back(r.any_int32());  // fits INT32, so every encode option applies
      }
      datum.emplace_back(kFields[f], std::move(t));
    }
    if (r.chance(50)) std::reverse(datum.begin(), datum.end());  // field order must not matter
    o.outputs.push_back(std::move(datum));
  }
  std::set<std::string> keys;
  const int n_metrics = static_cast<int>(r.range(0, 4));
  for (int i = 0; i < n_metrics; ++i) {
    std::string k = r.text(12) + ":sum";
    if (keys.insert(k).second) o.metrics.emplace_back(k, r.any_double());
  }
  return o;
}

}  // namespace wiretest
