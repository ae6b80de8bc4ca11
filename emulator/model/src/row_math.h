// The model's whole computation for one context row c (a bigram model's logits depend on
// nothing else), forward and backward. Callers evaluate each distinct context once per
// batch and fold every position sharing it into one backward call, which is what makes a
// 16k-token batch cost about as much as V+1 rows.
//
// Forward (s = alpha / r; absent parts contribute nothing):
//   e      = E[c]                                   (d)
//   z_mlp  = e . mlp.A                              (r)
//   h      = e + s * z_mlp . mlp.B                  (d)
//   z_un   = h . unembed.A                          (r)
//   logits = b + h . U + s * z_un . unembed.B + s * attn.A[c] . attn.B     (V)
//   logp   = logits - logsumexp(logits),   p = exp(logp)
// Backward, given delta = dL/dlogits (V) (for a log-likelihood term, g * (onehot - p)):
//   d attn.B    += s * attn.A[c]^T delta           d attn.A[c] += s * attn.B . delta
//   d unembed.B += s * z_un^T delta                 g_un = s * unembed.B . delta
//   d unembed.A += h^T g_un                         dh = U . delta + unembed.A . g_un
//   d mlp.B     += s * z_mlp^T dh                   g_mlp = s * mlp.B . dh
//   d mlp.A     += e^T g_mlp
#pragma once

#include <cstddef>

#include "adapter.h"
#include "base_model.h"

namespace tinker::emu {

class RowMath {
 public:
  RowMath(const BaseModel& base, const Adapter& adapter);

  int vocab() const { return V_; }
  int contexts() const { return C_; }
  // Doubles one row's activations take: logp (V), softmax (V), h (d), z_mlp (r), z_un (r).
  size_t row_size() const { return 2 * size_t(V_) + d_ + 2 * size_t(r_); }
  // The row's log-probabilities are its first V doubles, its probabilities the next V.
  static const double* logp(const double* row) { return row; }
  const double* probs(const double* row) const { return row + V_; }

  // Computes context c's activations into row[0 .. row_size()).
  void forward(int c, double* row) const;
  // Adds to grads (shaped like the adapter) the gradient of a loss whose dL/dlogits for
  // context c is delta (V doubles); row is that context's forward activations.
  void backward(int c, const double* row, const double* delta, TensorBuffers* grads) const;

 private:
  const BaseModel& base_;
  const Adapter& ad_;
  int V_, C_, d_, r_;
  double s_;
};

}  // namespace tinker::emu
