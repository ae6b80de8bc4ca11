#include "client/metrics.h"

#include <algorithm>
#include <cstdint>
#include <map>

namespace tinker {

namespace {

bool split_key(const std::string& key, std::string* reduction) {
  size_t colon = key.find(':');
  if (colon == std::string::npos || key.find(':', colon + 1) != std::string::npos) return false;
  *reduction = key.substr(colon + 1);
  return true;
}

double hash_unordered(std::vector<double> values) {
  std::vector<int64_t> ints;
  ints.reserve(values.size());
  for (double v : values) ints.push_back(static_cast<int64_t>(v));
  std::sort(ints.begin(), ints.end());
  uint64_t h = 1469598103934665603ULL;
  for (int64_t v : ints)
    for (int b = 0; b < 8; ++b) {
      h ^= (static_cast<uint64_t>(v) >> (8 * b)) & 0xff;
      h *= 1099511628211ULL;
    }
  return static_cast<double>(h >> 11);  // 53 bits: exactly representable
}

}  // namespace

bool combine_metrics(const std::vector<Metrics>& chunks, const std::vector<double>& weights, Metrics* out, Error* err) {
  out->clear();
  if (chunks.empty()) return true;
  // Every key of every chunk must be well formed, as in the official SDK.
  std::vector<std::map<std::string, double>> lookup(chunks.size());
  for (size_t c = 0; c < chunks.size(); ++c)
    for (const auto& kv : chunks[c]) {
      std::string reduction;
      if (!split_key(kv.first, &reduction)) {
        *err = make_error(TINKER_E_INVALID_ARGUMENT, "metric key '" + kv.first +
                                                         "' is not of the form name:reduction (exactly one ':')");
        return false;
      }
      lookup[c][kv.first] = kv.second;
    }

  for (const auto& kv : chunks[0]) {
    const std::string& key = kv.first;
    std::vector<double> xs;
    std::vector<double> ws;
    bool everywhere = true;
    for (size_t c = 0; c < chunks.size(); ++c) {
      auto it = lookup[c].find(key);
      if (it == lookup[c].end()) { everywhere = false; break; }
      xs.push_back(it->second);
      ws.push_back(c < weights.size() ? weights[c] : 0.0);
    }
    if (!everywhere) continue;
    std::string reduction;
    split_key(key, &reduction);

    auto weighted_mean = [&](double* m) {
      double sw = 0, swx = 0;
      for (size_t i = 0; i < xs.size(); ++i) { sw += ws[i]; swx += ws[i] * xs[i]; }
      if (sw == 0) {
        *err = make_error(TINKER_E_INVALID_ARGUMENT, "metric '" + key + "': weighted mean over chunks with no outputs");
        return false;
      }
      *m = swx / sw;
      return true;
    };

    if (reduction == "mean") {
      double m;
      if (!weighted_mean(&m)) return false;
      out->emplace_back(key, m);
    } else if (reduction == "slack") {
      double m;
      if (!weighted_mean(&m)) return false;
      out->emplace_back(key, *std::max_element(xs.begin(), xs.end()) - m);
    } else if (reduction == "sum") {
      double s = 0;
      for (double x : xs) s += x;
      out->emplace_back(key, s);
    } else if (reduction == "min") {
      out->emplace_back(key, *std::min_element(xs.begin(), xs.end()));
    } else if (reduction == "max") {
      out->emplace_back(key, *std::max_element(xs.begin(), xs.end()));
    } else if (reduction == "unique") {
      out->emplace_back(key, xs[0]);
      for (size_t i = 1; i < xs.size(); ++i) out->emplace_back(key + "_" + std::to_string(i), xs[i]);
    } else if (reduction == "hash_unordered") {
      out->emplace_back(key, hash_unordered(xs));
    }
  }
  return true;
}

}  // namespace tinker
