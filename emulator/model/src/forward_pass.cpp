#include "forward_pass.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "row_math.h"

namespace tinker::emu {

namespace {

// Writes each datum's logprobs in target_tokens' layout and sums the loss in term order.
void finish(const TermBatch& batch, const std::vector<double>& logp,
            const std::vector<double>& term_value, ForwardBackwardResult* out) {
  ForwardBackwardResult result;
  const size_t n_datums = batch.shapes.size();
  result.outputs.resize(n_datums);
  for (size_t i = 0; i < n_datums; ++i) {
    LossFnOutput& o = result.outputs[i];
    o.shape = batch.shapes[i];
    for (size_t j = batch.datum_begin[i]; j < batch.datum_begin[i + 1]; ++j)
      o.logprobs.push_back(static_cast<float>(logp[j]));
  }
  double loss = 0.0;
  for (double v : term_value) loss += v;
  result.metrics["loss:sum"] = loss;
  *out = std::move(result);
}

}  // namespace

void run_forward_pass(const BaseModel* base, const Adapter& adapter, int vocab_size,
                      const TermBatch& batch, TensorBuffers* grads, ForwardBackwardResult* out) {
  const size_t n = batch.size();
  std::vector<double> logp(n), term_value(n);

  if (base == nullptr) {
    const double uniform = -std::log(static_cast<double>(vocab_size));
    for (size_t j = 0; j < n; ++j) {
      logp[j] = uniform;
      term_value[j] = term_loss(batch.kind, uniform, batch.inputs[j]).value;
    }
    finish(batch, logp, term_value, out);
    return;
  }

  // Counting sort of term indices by context.
  const int C = base->contexts, V = base->vocab;
  std::vector<size_t> begin(C + 1, 0);
  for (int32_t c : batch.context) ++begin[c + 1];
  for (int c = 0; c < C; ++c) begin[c + 1] += begin[c];
  std::vector<size_t> by_context(n);
  {
    std::vector<size_t> next(begin.begin(), begin.end() - 1);
    for (size_t j = 0; j < n; ++j) by_context[next[batch.context[j]]++] = j;
  }

  RowMath math(*base, adapter);
  std::vector<double> row(math.row_size());
  std::vector<double> delta(grads ? V : 0, 0.0);
  for (int c = 0; c < C; ++c) {
    if (begin[c] == begin[c + 1]) continue;
    math.forward(c, row.data());
    const double* row_logp = RowMath::logp(row.data());
    double g_total = 0.0;
    for (size_t k = begin[c]; k < begin[c + 1]; ++k) {
      const size_t j = by_context[k];
      const int t = batch.target[j];
      logp[j] = row_logp[t];
      const TermLoss tl = term_loss(batch.kind, logp[j], batch.inputs[j]);
      term_value[j] = tl.value;
      if (grads) {
        delta[t] += tl.dlogp;
        g_total += tl.dlogp;
      }
    }
    if (grads) {
      const double* p = math.probs(row.data());
      for (int t = 0; t < V; ++t) delta[t] -= g_total * p[t];
      math.backward(c, row.data(), delta.data(), grads);
      std::fill(delta.begin(), delta.end(), 0.0);
    }
  }
  finish(batch, logp, term_value, out);
}

}  // namespace tinker::emu
