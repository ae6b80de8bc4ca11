// Shared helpers for the model tests: CMocka in C++, model construction, datum builders.
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

extern "C" {
#include <cmocka.h>
}

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "emu_model/model.h"

namespace emu_test {

using namespace tinker::emu;

// Fails the test with the status message when st is not ok.
#define EMU_ASSERT_OK(expr)                                             \
  do {                                                                  \
    const ::tinker::emu::Status st_ = (expr);                           \
    if (!st_.is_ok()) fail_msg("%s: %s", #expr, st_.message().c_str()); \
  } while (0)

// Asserts expr failed as a user error whose message contains needle.
#define EMU_ASSERT_USER_ERROR(expr, needle)                                            \
  do {                                                                                 \
    const ::tinker::emu::Status st_ = (expr);                                          \
    if (st_.kind() != ::tinker::emu::Status::Kind::kUser)                              \
      fail_msg("%s: expected a user error, got '%s'", #expr, st_.message().c_str());   \
    if (std::strstr(st_.message().c_str(), (needle)) == nullptr)                       \
      fail_msg("%s: message '%s' lacks '%s'", #expr, st_.message().c_str(), (needle)); \
  } while (0)

// |a - b| <= tol in double precision (CMocka 1.1's assert_float_equal works in float).
#define EMU_ASSERT_NEAR(a, b, tol)                                                        \
  do {                                                                                    \
    const double a_ = (a), b_ = (b), tol_ = (tol);                                        \
    if (!(std::fabs(a_ - b_) <= tol_))                                                    \
      fail_msg("%s = %.17g, %s = %.17g, differ by more than %.3g", #a, a_, #b, b_, tol_); \
  } while (0)

inline ModelConfig small_config(int rank = 8, int vocab = 32, int hidden = 8) {
  ModelConfig c;
  c.base.name = "test/base-model";
  c.base.vocab_size = vocab;
  c.base.hidden_size = hidden;
  c.lora.rank = rank;
  return c;
}

inline std::unique_ptr<Model> make_model(const ModelConfig& config) {
  std::unique_ptr<Model> m;
  EMU_ASSERT_OK(Model::create(config, &m));
  return m;
}

// The Tinker next-token datum for a sequence: input = seq[:-1], target_tokens = seq[1:].
inline Datum next_token_datum(const std::vector<int64_t>& seq) {
  Datum d;
  d.tokens.assign(seq.begin(), seq.end() - 1);
  d.loss_fn_inputs["target_tokens"] =
      TensorData::ints(std::vector<int64_t>(seq.begin() + 1, seq.end()));
  return d;
}

inline Datum with_floats(Datum d, const std::string& key, std::vector<float> values) {
  d.loss_fn_inputs[key] = TensorData::floats(std::move(values));
  return d;
}

// A fixed pseudo-random token sequence (a small LCG, so tests need no RNG of their own).
inline std::vector<int64_t> token_sequence(size_t n, int vocab, uint32_t seed) {
  std::vector<int64_t> out(n);
  uint32_t x = seed * 2654435761u + 12345u;
  for (auto& t : out) {
    x = x * 1664525u + 1013904223u;
    t = static_cast<int64_t>((x >> 8) % static_cast<uint32_t>(vocab));
  }
  return out;
}

// Sets every adapter parameter (including B, which starts at zero) to small pseudo-random
// values, so that every path of the gradient is exercised.
inline void randomise_parameters(Model* m, uint32_t seed, double scale = 0.3) {
  uint32_t x = seed;
  for (size_t i = 0; i < m->num_parameter_tensors(); ++i) {
    ParameterView p = m->parameter(i);
    for (int j = 0; j < p.rows * p.cols; ++j) {
      x = x * 1664525u + 1013904223u;
      p.value[j] = scale * ((x >> 8) / double(1 << 24) * 2.0 - 1.0);
    }
  }
}

inline double loss_of(const Model& m, const std::vector<Datum>& data, const std::string& loss_fn,
                      const LossFnConfig& cfg = {}) {
  ForwardBackwardResult r;
  EMU_ASSERT_OK(m.forward(data, loss_fn, cfg, &r));
  return r.metrics.at("loss:sum");
}

inline std::vector<double> snapshot_parameters(Model* m) {
  std::vector<double> out;
  for (size_t i = 0; i < m->num_parameter_tensors(); ++i) {
    ParameterView p = m->parameter(i);
    out.insert(out.end(), p.value, p.value + p.rows * p.cols);
  }
  return out;
}

inline bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace emu_test
