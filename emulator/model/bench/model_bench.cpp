// Times the model's operations at the emulator's default shape (V = 256, d = 32, r = 32):
// forward_backward and forward of 128 sequences x 128 tokens, optim_step, sampling.
// Prints milliseconds per call (median of several runs); tests never assert on speed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "emu_model/model.h"

using namespace tinker::emu;

namespace {

double median_ms(int runs, const std::function<void()>& fn) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

void check(const Status& st) {
  if (!st.is_ok()) {
    std::fprintf(stderr, "error: %s\n", st.message().c_str());
    std::exit(1);
  }
}

}  // namespace

int main() {
  ModelConfig config;
  config.base.name = "Qwen/Qwen3-8B";
  std::unique_ptr<Model> model;
  check(Model::create(config, &model));

  std::vector<Datum> batch;
  uint32_t x = 1;
  for (int s = 0; s < 128; ++s) {
    std::vector<int64_t> seq(129);
    for (auto& t : seq) t = (x = x * 1664525u + 1013904223u) >> 24;  // 0..255
    Datum d;
    d.tokens.assign(seq.begin(), seq.end() - 1);
    d.loss_fn_inputs["target_tokens"] = TensorData::ints({seq.begin() + 1, seq.end()});
    d.loss_fn_inputs["weights"] = TensorData::floats(std::vector<float>(128, 1.0f));
    batch.push_back(std::move(d));
  }
  ForwardBackwardResult result;
  Metrics metrics;
  AdamParams adam;
  // One step first so B != 0 and every adapter part does real work.
  check(model->forward_backward(batch, "cross_entropy", {}, &result));
  check(model->optim_step(adam, &metrics));

  const double fwdbwd = median_ms(21, [&] { check(model->forward_backward(batch, "cross_entropy", {}, &result)); });
  const double fwd = median_ms(21, [&] { check(model->forward(batch, "cross_entropy", {}, &result)); });
  const double step = median_ms(21, [&] { check(model->optim_step(adam, &metrics)); });
  SampleRequest req;
  req.prompt = {1, 2, 3, 4};
  req.params.max_tokens = 128;
  req.num_samples = 8;
  SampleResult out;
  const double sample = median_ms(21, [&] { check(model->sample(req, &out)); });
  std::string bytes;
  const double save = median_ms(11, [&] { check(model->save_checkpoint(true, &bytes)); });

  std::printf("model: V=256 d=32 r=32, %lld trainable parameters\n",
              static_cast<long long>(model->num_trainable_parameters()));
  std::printf("forward_backward 128x128 tokens, cross_entropy: %8.2f ms\n", fwdbwd);
  std::printf("forward          128x128 tokens, cross_entropy: %8.2f ms\n", fwd);
  std::printf("optim_step (AdamW):                             %8.2f ms\n", step);
  std::printf("sample 8 x 128 tokens:                          %8.2f ms\n", sample);
  std::printf("save_checkpoint with optimizer (%zu bytes):    %8.2f ms\n", bytes.size(), save);
  return 0;
}
