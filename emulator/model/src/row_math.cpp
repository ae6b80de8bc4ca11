#include "row_math.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace tinker::emu {

namespace {

// y[0..n) += a * x[0..n): the inner loop of every product here. Contiguous, and restrict
// tells the compiler x and y never overlap, so it vectorises without runtime checks.
inline void axpy(size_t n, double a, const double* __restrict x, double* __restrict y) {
  for (size_t i = 0; i < n; ++i) y[i] += a * x[i];
}

// Four interleaved partial sums: one running sum would wait on each add's latency, and the
// compiler may not reorder a floating-point sum itself. The order is fixed, so results are
// still deterministic.
inline double dot(size_t n, const double* __restrict x, const double* __restrict y) {
  double acc[4] = {0.0, 0.0, 0.0, 0.0};
  size_t i = 0;
  for (; i + 4 <= n; i += 4)
    for (size_t k = 0; k < 4; ++k) acc[k] += x[i + k] * y[i + k];
  for (; i < n; ++i) acc[0] += x[i] * y[i];
  return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

// out[0..cols) = v[0..rows) . M (rows x cols, row-major).
void vec_mat(const double* v, const double* m, size_t rows, size_t cols, double* out) {
  std::fill(out, out + cols, 0.0);
  for (size_t i = 0; i < rows; ++i) axpy(cols, v[i], m + i * cols, out);
}

}  // namespace

RowMath::RowMath(const BaseModel& base, const Adapter& adapter)
    : base_(base),
      ad_(adapter),
      V_(base.vocab),
      C_(base.contexts),
      d_(base.hidden),
      r_(adapter.rank),
      s_(adapter.scale) {}

void RowMath::forward(int c, double* row) const {
  const size_t V = V_, d = d_, r = r_;
  double* logits = row;  // becomes logp in place
  double* probs = row + V;
  double* h = probs + V;
  double* z_mlp = h + d;
  double* z_un = z_mlp + r;
  const double* e = base_.embed.data() + size_t(c) * d;

  std::copy(e, e + d, h);
  if (ad_.mlp.present()) {
    vec_mat(e, ad_.a(ad_.mlp), d, r, z_mlp);
    const double* b = ad_.b(ad_.mlp);
    for (size_t k = 0; k < r; ++k) axpy(d, s_ * z_mlp[k], b + k * d, h);
  }
  std::copy(base_.bias.begin(), base_.bias.end(), logits);
  for (size_t j = 0; j < d; ++j) axpy(V, h[j], base_.unembed.data() + j * V, logits);
  if (ad_.unembed.present()) {
    vec_mat(h, ad_.a(ad_.unembed), d, r, z_un);
    const double* b = ad_.b(ad_.unembed);
    for (size_t k = 0; k < r; ++k) axpy(V, s_ * z_un[k], b + k * V, logits);
  }
  if (ad_.attn.present()) {
    const double* a = ad_.a(ad_.attn) + size_t(c) * r;
    const double* b = ad_.b(ad_.attn);
    for (size_t k = 0; k < r; ++k) axpy(V, s_ * a[k], b + k * V, logits);
  }
  // log-softmax, shifted by the max so exp never overflows; the probabilities are kept for
  // the backward pass (softmax is part of dL/dlogits).
  const double mx = *std::max_element(logits, logits + V);
  double sum = 0.0;
  for (size_t t = 0; t < V; ++t) sum += probs[t] = std::exp(logits[t] - mx);
  const double lse = mx + std::log(sum);
  const double inv_sum = 1.0 / sum;
  for (size_t t = 0; t < V; ++t) {
    logits[t] -= lse;
    probs[t] *= inv_sum;
  }
}

void RowMath::backward(int c, const double* row, const double* delta, TensorBuffers* grads) const {
  const size_t V = V_, d = d_, r = r_;
  const double* h = row + 2 * V;
  const double* z_mlp = h + d;
  const double* z_un = z_mlp + r;
  auto& g = *grads;

  if (ad_.attn.present()) {
    const double* a = ad_.a(ad_.attn) + size_t(c) * r;
    const double* b = ad_.b(ad_.attn);
    double* ga = g[ad_.attn.a].data() + size_t(c) * r;
    double* gb = g[ad_.attn.b].data();
    for (size_t k = 0; k < r; ++k) {
      ga[k] += s_ * dot(V, b + k * V, delta);
      axpy(V, s_ * a[k], delta, gb + k * V);
    }
  }
  if (!ad_.unembed.present() && !ad_.mlp.present()) return;

  // dh is only needed when something upstream of h trains (the mlp part); the unembed part
  // needs delta and h only.
  std::vector<double> dh(ad_.mlp.present() ? d : 0, 0.0);
  if (ad_.mlp.present()) {
    for (size_t j = 0; j < d; ++j) dh[j] = dot(V, base_.unembed.data() + j * V, delta);
  }
  if (ad_.unembed.present()) {
    const double* a = ad_.a(ad_.unembed);
    const double* b = ad_.b(ad_.unembed);
    double* ga = g[ad_.unembed.a].data();
    double* gb = g[ad_.unembed.b].data();
    std::vector<double> g_un(r);
    for (size_t k = 0; k < r; ++k) {
      g_un[k] = s_ * dot(V, b + k * V, delta);
      axpy(V, s_ * z_un[k], delta, gb + k * V);
    }
    for (size_t j = 0; j < d; ++j) axpy(r, h[j], g_un.data(), ga + j * r);
    if (ad_.mlp.present()) {
      for (size_t j = 0; j < d; ++j) dh[j] += dot(r, a + j * r, g_un.data());
    }
  }
  if (ad_.mlp.present()) {
    const double* e = base_.embed.data() + size_t(c) * d;
    const double* b = ad_.b(ad_.mlp);
    double* ga = g[ad_.mlp.a].data();
    double* gb = g[ad_.mlp.b].data();
    std::vector<double> g_mlp(r);
    for (size_t k = 0; k < r; ++k) {
      g_mlp[k] = s_ * dot(d, b + k * d, dh.data());
      axpy(d, s_ * z_mlp[k], dh.data(), gb + k * d);
    }
    for (size_t j = 0; j < d; ++j) axpy(r, e[j], g_mlp.data(), ga + j * r);
  }
}

}  // namespace tinker::emu
