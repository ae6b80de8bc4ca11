#include "term_batch.h"

#include <set>

namespace tinker::emu {

namespace {

// Which loss_fn_inputs keys a loss accepts. `weights` is accepted by every loss because the
// service's RL examples send it; only cross_entropy reads it (docs: "Losses").
std::set<std::string> accepted_inputs(LossKind kind) {
  switch (kind) {
    case LossKind::kCrossEntropy:
      return {"target_tokens", "weights"};
    case LossKind::kImportanceSampling:
      return {"target_tokens", "weights", "logprobs", "advantages"};
    case LossKind::kPpo:
    case LossKind::kCispo:
      return {"target_tokens",      "weights", "logprobs", "advantages", "clip_low_threshold",
              "clip_high_threshold"};
  }
  return {};
}

std::string join(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

std::string where(size_t datum, const std::string& key) {
  return "datum " + std::to_string(datum) + ": loss_fn_inputs '" + key + "'";
}

// Reads a float input with exactly `count` elements (or 1 when broadcast_one), widening
// int64 values; absent leaves *out empty.
Status read_floats(const Datum& d, size_t datum, const std::string& key, size_t count,
                   bool broadcast_one, bool required, std::vector<double>* out) {
  out->clear();
  auto it = d.loss_fn_inputs.find(key);
  if (it == d.loss_fn_inputs.end()) {
    if (required) return Status::user_error(where(datum, key) + " is required");
    return Status::ok();
  }
  const TensorData& t = it->second;
  const size_t n = t.numel();
  if (n != count && !(broadcast_one && n == 1)) {
    return Status::user_error(where(datum, key) + " has " + std::to_string(n) +
                              " elements; target_tokens has " + std::to_string(count) +
                              (broadcast_one ? " (or give 1 element)" : ""));
  }
  out->reserve(n);
  if (t.dtype == TensorData::DType::kFloat32) {
    for (float v : t.f32) out->push_back(v);
  } else {
    for (int64_t v : t.i64) out->push_back(static_cast<double>(v));
  }
  return Status::ok();
}

// Validates target_tokens' dtype and shape against the N model-input tokens; sets *shape
// to its [N] or [N, K] shape.
Status read_target_shape(const Datum& d, size_t datum, std::vector<int64_t>* shape) {
  auto it = d.loss_fn_inputs.find("target_tokens");
  if (it == d.loss_fn_inputs.end()) {
    return Status::user_error(where(datum, "target_tokens") + " is required");
  }
  const TensorData& t = it->second;
  if (t.dtype != TensorData::DType::kInt64) {
    return Status::user_error(where(datum, "target_tokens") + " must be int64, not " +
                              t.dtype_name());
  }
  const int64_t n_tokens = static_cast<int64_t>(d.tokens.size());
  *shape = t.shape.empty() ? std::vector<int64_t>{static_cast<int64_t>(t.numel())} : t.shape;
  if (shape->size() > 2) {
    return Status::user_error(where(datum, "target_tokens") + " must be 1-D [N] or 2-D [N, K]");
  }
  int64_t product = 1;
  for (int64_t dim : *shape) {
    if (dim < 0)
      return Status::user_error(where(datum, "target_tokens") + " has a negative dimension");
    product *= dim;
  }
  if (product != static_cast<int64_t>(t.numel())) {
    return Status::user_error(where(datum, "target_tokens") + " has " + std::to_string(t.numel()) +
                              " elements, which does not fit its shape");
  }
  if ((*shape)[0] != n_tokens) {
    return Status::user_error(where(datum, "target_tokens") + " has " +
                              std::to_string((*shape)[0]) + " positions but model_input has " +
                              std::to_string(n_tokens) +
                              " tokens (target_tokens[i] is the token after model_input[i])");
  }
  return Status::ok();
}

Status check_clip(double lo, double hi, const std::string& what) {
  if (!(lo <= hi)) {
    return Status::user_error(what + ": clip_low_threshold (" + std::to_string(lo) +
                              ") must not exceed clip_high_threshold (" + std::to_string(hi) + ")");
  }
  return Status::ok();
}

}  // namespace

Status check_token_range(const std::vector<int64_t>& tokens, int vocab_size,
                         const std::string& base_model_name, const std::string& what) {
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] < 0 || tokens[i] >= vocab_size) {
      return Status::user_error(what + " token " + std::to_string(tokens[i]) + " at position " +
                                std::to_string(i) + " is outside the vocabulary [0, " +
                                std::to_string(vocab_size) + ") of base model '" + base_model_name +
                                "'");
    }
  }
  return Status::ok();
}

Status build_term_batch(const std::vector<Datum>& data, const std::string& loss_fn,
                        const LossFnConfig& loss_fn_config, int vocab_size,
                        const std::string& base_model_name, TermBatch* out) {
  TermBatch batch;
  Status st = parse_loss_kind(loss_fn, &batch.kind);
  if (!st.is_ok()) return st;
  if (data.empty()) return Status::user_error("no data: the request has no datums");

  // loss_fn_config: the clip thresholds for the losses that clip, nothing for the others.
  TermInputs defaults;
  for (const auto& [key, value] : loss_fn_config) {
    const bool is_clip = key == "clip_low_threshold" || key == "clip_high_threshold";
    if (!is_clip || !loss_uses_clip(batch.kind)) {
      return Status::user_error(
          std::string("loss_fn_config key '") + key + "' is not used by " + loss_fn +
          " (accepted: " +
          (loss_uses_clip(batch.kind) ? "clip_low_threshold, clip_high_threshold" : "none") + ")");
    }
    (key == "clip_low_threshold" ? defaults.clip_low : defaults.clip_high) = value;
  }
  st = check_clip(defaults.clip_low, defaults.clip_high, "loss_fn_config");
  if (!st.is_ok()) return st;

  size_t total = 0;
  for (const Datum& d : data) {
    auto it = d.loss_fn_inputs.find("target_tokens");
    if (it != d.loss_fn_inputs.end()) total += it->second.numel();
  }
  batch.context.reserve(total);
  batch.target.reserve(total);
  batch.inputs.reserve(total);

  const auto accepted = accepted_inputs(batch.kind);
  const bool is_rl = batch.kind != LossKind::kCrossEntropy;
  batch.datum_begin.push_back(0);
  std::vector<double> weights, q, adv, lo, hi;
  for (size_t i = 0; i < data.size(); ++i) {
    const Datum& d = data[i];
    for (const auto& entry : d.loss_fn_inputs) {
      if (!accepted.count(entry.first)) {
        return Status::user_error(where(i, entry.first) + " is not an input of " + loss_fn +
                                  " (accepted: " + join(accepted) + ")");
      }
    }
    st = check_token_range(d.tokens, vocab_size, base_model_name,
                           "datum " + std::to_string(i) + ": model_input");
    if (!st.is_ok()) return st;
    std::vector<int64_t> shape;
    st = read_target_shape(d, i, &shape);
    if (!st.is_ok()) return st;
    const auto& targets = d.loss_fn_inputs.at("target_tokens").i64;
    st = check_token_range(targets, vocab_size, base_model_name,
                           "datum " + std::to_string(i) + ": target_tokens");
    if (!st.is_ok()) return st;
    const size_t m = targets.size();
    const size_t k = shape.size() == 2 ? static_cast<size_t>(shape[1]) : 1;

    // cross_entropy without weights counts every target once (weights of 1).
    if (!(st = read_floats(d, i, "weights", m, false, false, &weights)).is_ok()) return st;
    if (is_rl) {
      if (!(st = read_floats(d, i, "logprobs", m, false, true, &q)).is_ok()) return st;
      if (!(st = read_floats(d, i, "advantages", m, false, true, &adv)).is_ok()) return st;
    }
    if (loss_uses_clip(batch.kind)) {
      if (!(st = read_floats(d, i, "clip_low_threshold", m, true, false, &lo)).is_ok()) return st;
      if (!(st = read_floats(d, i, "clip_high_threshold", m, true, false, &hi)).is_ok()) return st;
    }

    for (size_t j = 0; j < m; ++j) {
      TermInputs in = defaults;
      if (!weights.empty()) in.weight = weights[j];
      if (is_rl) {
        in.sampling_logprob = q[j];
        in.advantage = adv[j];
      }
      if (!lo.empty()) in.clip_low = lo.size() == 1 ? lo[0] : lo[j];
      if (!hi.empty()) in.clip_high = hi.size() == 1 ? hi[0] : hi[j];
      if (!lo.empty() || !hi.empty()) {
        st = check_clip(in.clip_low, in.clip_high, "datum " + std::to_string(i));
        if (!st.is_ok()) return st;
      }
      batch.context.push_back(static_cast<int32_t>(d.tokens[j / k]));
      batch.target.push_back(static_cast<int32_t>(targets[j]));
      batch.inputs.push_back(in);
    }
    batch.datum_begin.push_back(batch.context.size());
    batch.shapes.push_back(std::move(shape));
  }
  *out = std::move(batch);
  return Status::ok();
}

}  // namespace tinker::emu
