#include "compare.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

#include "wire/fwdbwd_output.h"
#include "wire/tensor_layout.h"

namespace fuzz {

namespace {

template <typename T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

template <typename T>
bool same_float(T want, T got, Floats rule) {
  if (rule == Floats::kThroughJson && !std::isfinite(want)) return std::isnan(got);
  return same_bits(want, got);
}

template <typename T>
std::string diff_floats(const std::vector<T>& want, const std::vector<T>& got, Floats rule) {
  if (want.size() != got.size())
    return std::to_string(want.size()) + " values became " + std::to_string(got.size());
  for (size_t i = 0; i < want.size(); ++i)
    if (!same_float(want[i], got[i], rule)) return "value " + std::to_string(i) + " differs";
  return "";
}

template <typename T>
std::string diff_exact(const std::vector<T>& want, const std::vector<T>& got, const char* what) {
  if (want == got) return "";
  return std::string(what) + " differ (" + std::to_string(want.size()) + " vs " + std::to_string(got.size()) +
         " values)";
}

// Pointers to the entries of a (name, value) list, sorted by name.
template <typename V>
std::vector<const std::pair<std::string, V>*> by_name(const std::vector<std::pair<std::string, V>>& v) {
  std::vector<const std::pair<std::string, V>*> p;
  for (const auto& e : v) p.push_back(&e);
  std::sort(p.begin(), p.end(), [](auto* a, auto* b) { return a->first < b->first; });
  return p;
}

std::string diff_tensor(const w::OutputTensor& a, const w::OutputTensor& b, Floats rule) {
  if (a.is_float != b.is_float) return "float/int kind differs";
  if (a.shape != b.shape) return "shape differs";
  return a.is_float ? diff_floats(a.f32, b.f32, rule) : diff_exact(a.i64, b.i64, "ints");
}

std::string diff_input_tensor(const w::InputTensor& a, const w::InputTensor& b, Floats rule) {
  if (a.is_float() != b.is_float()) return "float/int kind differs";
  if (a.shape != b.shape) return "shape differs";
  if (a.sparse != b.sparse) return "sparse differs";
  if (a.crow_indices != b.crow_indices || a.col_indices != b.col_indices) return "sparse indices differ";
  return a.is_float() ? diff_floats(a.f32, b.f32, rule) : diff_exact(a.i64, b.i64, "ints");
}

std::string diff_chunk(const w::InputChunk& a, const w::InputChunk& b) {
  if (a.kind != b.kind) return "kind differs";
  if (a.tokens != b.tokens) return "tokens differ";
  if (a.data != b.data) return "data differs";
  if (a.format != b.format) return "format differs";
  if (a.location != b.location) return "location differs";
  if (a.expected_tokens != b.expected_tokens) return "expected_tokens differs";
  return "";
}

}  // namespace

std::string diff_outputs(const w::ForwardBackwardOutput& want, const w::ForwardBackwardOutput& got,
                         Floats rule) {
  if (want.loss_fn_output_type != got.loss_fn_output_type)
    return "loss_fn_output_type \"" + want.loss_fn_output_type + "\" became \"" + got.loss_fn_output_type + "\"";
  if (want.outputs.size() != got.outputs.size())
    return std::to_string(want.outputs.size()) + " datums became " + std::to_string(got.outputs.size());
  for (size_t d = 0; d < want.outputs.size(); ++d) {
    auto a = by_name(want.outputs[d]), b = by_name(got.outputs[d]);
    if (a.size() != b.size()) return "datum " + std::to_string(d) + ": field count differs";
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i]->first != b[i]->first) return "datum " + std::to_string(d) + ": field names differ";
      std::string e = diff_tensor(a[i]->second, b[i]->second, rule);
      if (!e.empty()) return "datum " + std::to_string(d) + " field \"" + a[i]->first + "\": " + e;
    }
  }
  auto a = by_name(want.metrics), b = by_name(got.metrics);
  if (a.size() != b.size()) return "metric count differs";
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i]->first != b[i]->first || !same_float(a[i]->second, b[i]->second, rule))
      return "metric \"" + a[i]->first + "\" differs";
  return "";
}

std::string diff_samples(const w::SampleResponse& want, const w::SampleResponse& got) {
  const Floats bits = Floats::kBitwise;
  if (want.sequences.size() != got.sequences.size()) return "sequence count differs";
  for (size_t i = 0; i < want.sequences.size(); ++i) {
    const w::SampledSequence &a = want.sequences[i], &b = got.sequences[i];
    const std::string where = "sequence " + std::to_string(i) + ": ";
    if (a.stop_reason != b.stop_reason) return where + "stop_reason differs";
    if (a.tokens != b.tokens) return where + "tokens differ";
    if (a.logprobs.has_value() != b.logprobs.has_value()) return where + "logprobs presence differs";
    if (a.logprobs) {
      std::string e = diff_floats(*a.logprobs, *b.logprobs, bits);
      if (!e.empty()) return where + "logprobs: " + e;
    }
  }
  if (want.prompt_logprobs.has_value() != got.prompt_logprobs.has_value()) return "prompt_logprobs presence differs";
  if (want.prompt_logprobs) {
    std::string e = diff_floats(*want.prompt_logprobs, *got.prompt_logprobs, bits);
    if (!e.empty()) return "prompt_logprobs: " + e;
  }
  const auto &ta = want.topk_prompt_logprobs, &tb = got.topk_prompt_logprobs;
  if (ta.has_value() != tb.has_value()) return "top-k presence differs";
  if (ta) {
    if (ta->k != tb->k || ta->prompt_length != tb->prompt_length) return "top-k size differs";
    if (ta->token_ids != tb->token_ids) return "top-k token ids differ";
    std::string e = diff_floats(ta->logprobs, tb->logprobs, bits);
    if (!e.empty()) return "top-k logprobs: " + e;
  }
  if (want.prompt_cache_hit_tokens != got.prompt_cache_hit_tokens) return "prompt_cache_hit_tokens differs";
  return "";
}

std::string diff_requests(const w::ForwardBackwardRequest& want, const w::ForwardBackwardRequest& got,
                          Floats rule) {
  if (want.model_id != got.model_id) return "model_id differs";
  if (want.seq_id != got.seq_id) return "seq_id differs";
  if (want.loss_fn != got.loss_fn) return "loss_fn differs";
  if (want.forward_only != got.forward_only) return "forward_only differs";
  if (want.loss_fn_config.size() != got.loss_fn_config.size()) return "loss_fn_config size differs";
  for (auto a = want.loss_fn_config.begin(), b = got.loss_fn_config.begin(); a != want.loss_fn_config.end(); ++a, ++b)
    if (a->first != b->first || !same_float(a->second, b->second, rule))
      return "loss_fn_config[\"" + a->first + "\"] differs";
  if (want.data.size() != got.data.size()) return "datum count differs";
  for (size_t d = 0; d < want.data.size(); ++d) {
    const w::InputDatum &a = want.data[d], &b = got.data[d];
    const std::string where = "datum " + std::to_string(d) + ": ";
    if (a.chunks.size() != b.chunks.size()) return where + "chunk count differs";
    for (size_t c = 0; c < a.chunks.size(); ++c) {
      std::string e = diff_chunk(a.chunks[c], b.chunks[c]);
      if (!e.empty()) return where + "chunk " + std::to_string(c) + ": " + e;
    }
    auto ia = by_name(a.loss_fn_inputs), ib = by_name(b.loss_fn_inputs);
    if (ia.size() != ib.size()) return where + "loss input count differs";
    for (size_t i = 0; i < ia.size(); ++i) {
      if (ia[i]->first != ib[i]->first) return where + "loss input names differ";
      std::string e = diff_input_tensor(ia[i]->second, ib[i]->second, rule);
      if (!e.empty()) return where + "loss input \"" + ia[i]->first + "\": " + e;
    }
  }
  return "";
}

std::string output_invariants(const w::ForwardBackwardOutput& o) {
  if (o.outputs.size() > w::kMaxOutputDatums) return std::to_string(o.outputs.size()) + " datums";
  std::set<std::string> metric_keys;
  for (const auto& m : o.metrics)
    if (!metric_keys.insert(m.first).second) return "metric \"" + m.first + "\" twice";
  for (size_t d = 0; d < o.outputs.size(); ++d) {
    std::set<std::string> names;
    for (const auto& [name, t] : o.outputs[d]) {
      const std::string where = "datum " + std::to_string(d) + " field \"" + name + "\": ";
      if (!names.insert(name).second) return where + "twice";
      if (t.shape.empty() || t.shape.size() > w::kMaxTensorDims)
        return where + std::to_string(t.shape.size()) + " dimensions";
      uint64_t prod = 0;
      if (!w::shape_product(t.shape, &prod) || prod != t.numel()) return where + "shape does not match the data";
      if (t.is_float ? !t.i64.empty() : !t.f32.empty()) return where + "both arrays used";
    }
  }
  return "";
}

}  // namespace fuzz
