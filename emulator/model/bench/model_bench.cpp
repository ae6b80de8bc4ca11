// Times the model's operations at the emulator's default shape (V = 256, d = 32, r = 32):
// forward_backward and forward of 128 sequences x 128 tokens, optim_step, sampling.
// Prints milliseconds per call (median of several runs), wall-clock and this thread's CPU
// time; tests never assert on speed.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "emu_model/model.h"

using namespace tinker::emu;

namespace {

struct Timing {
  double wall_ms;
  double cpu_ms;  // this thread's CPU time: not inflated when other processes share the cores
};

double thread_cpu_ms() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

Timing median(int runs, const std::function<void()>& fn) {
  std::vector<double> wall, cpu;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = thread_cpu_ms();
    fn();
    cpu.push_back(thread_cpu_ms() - c0);
    wall.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
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

  const Timing fwdbwd =
      median(21, [&] { check(model->forward_backward(batch, "cross_entropy", {}, &result)); });
  const Timing fwd =
      median(21, [&] { check(model->forward(batch, "cross_entropy", {}, &result)); });
  const Timing step = median(21, [&] { check(model->optim_step(adam, &metrics)); });
  SampleRequest req;
  req.prompt = {1, 2, 3, 4};
  req.params.max_tokens = 128;
  req.num_samples = 8;
  SampleResult out;
  const Timing sample = median(21, [&] { check(model->sample(req, &out)); });
  std::string bytes;
  const Timing save = median(11, [&] { check(model->save_checkpoint(true, &bytes)); });

  std::printf("model: V=256 d=32 r=32, %lld trainable parameters (median ms: wall, thread CPU)\n",
              static_cast<long long>(model->num_trainable_parameters()));
  auto line = [](const char* what, Timing t) {
    std::printf("%-50s %8.2f %8.2f\n", what, t.wall_ms, t.cpu_ms);
  };
  line("forward_backward 128x128 tokens, cross_entropy", fwdbwd);
  line("forward          128x128 tokens, cross_entropy", fwd);
  line("optim_step (AdamW)", step);
  line("sample 8 x 128 tokens", sample);
  line("save_checkpoint with optimizer state", save);
  return 0;
}
