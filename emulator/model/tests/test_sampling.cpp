// Sampling (protocol.md §6.8, §7.7, §7.9): deterministic per seed, greedy at top_k = 1,
// stops on stop tokens/sequences and max_tokens, follows the model's distribution, and
// reports the same logprobs forward computes.
#include <algorithm>
#include <map>

#include "test_support.h"

using namespace emu_test;

namespace {

std::unique_ptr<Model> trained_sampler() {
  auto m = make_model(small_config(8, 32, 8));
  randomise_parameters(m.get(), 31, 0.2);
  return m;
}

SampleRequest request(std::vector<int64_t> prompt, int64_t max_tokens, uint64_t seed) {
  SampleRequest r;
  r.prompt = std::move(prompt);
  r.params.max_tokens = max_tokens;
  r.params.seed = seed;
  return r;
}

SampleResult run(const Model& m, const SampleRequest& r) {
  SampleResult out;
  EMU_ASSERT_OK(m.sample(r, &out));
  return out;
}

// Row of log-probabilities for context c, via forward with a [1, V] target.
std::vector<float> row(const Model& m, int64_t c) {
  const int V = m.vocab_size();
  Datum d;
  d.tokens = {c};
  std::vector<int64_t> all(V);
  for (int t = 0; t < V; ++t) all[t] = t;
  d.loss_fn_inputs["target_tokens"] = TensorData::ints(all, {1, V});
  ForwardBackwardResult r;
  EMU_ASSERT_OK(m.forward({d}, "cross_entropy", {}, &r));
  return r.outputs[0].logprobs;
}

void sampling_is_deterministic_for_a_seed(void**) {
  auto m = trained_sampler();
  SampleRequest r = request({1, 2, 3}, 40, 1234);
  r.num_samples = 3;
  const SampleResult a = run(*m, r), b = run(*m, r);
  for (int s = 0; s < 3; ++s) {
    assert_true(a.sequences[s].tokens == b.sequences[s].tokens);
    assert_true(a.sequences[s].logprobs == b.sequences[s].logprobs);
  }
  // Samples of one request differ from each other, and another seed gives another draw.
  assert_true(a.sequences[0].tokens != a.sequences[1].tokens);
  r.params.seed = 1235;
  assert_true(run(*m, r).sequences[0].tokens != a.sequences[0].tokens);
}

// Sample s depends on (seed, s) only, not on how many samples were requested.
void each_sample_has_its_own_stream(void**) {
  auto m = trained_sampler();
  SampleRequest one = request({5}, 20, 99), three = one;
  three.num_samples = 3;
  assert_true(run(*m, one).sequences[0].tokens == run(*m, three).sequences[0].tokens);
}

void top_k_one_is_greedy(void**) {
  auto m = trained_sampler();
  SampleRequest r = request({4, 9}, 12, 1);
  r.params.top_k = 1;
  const SampleResult greedy = run(*m, r);
  int64_t context = 9;
  for (int64_t t : greedy.sequences[0].tokens) {
    const auto lp = row(*m, context);
    assert_int_equal(t, std::max_element(lp.begin(), lp.end()) - lp.begin());
    context = t;
  }
  // Temperature 0 and a tiny top_p are greedy too; the seed does not matter.
  r.params.top_k = -1;
  r.params.temperature = 0;
  r.params.seed = 77;
  assert_true(run(*m, r).sequences[0].tokens == greedy.sequences[0].tokens);
  r.params.temperature = 1;
  r.params.top_p = 1e-9;
  assert_true(run(*m, r).sequences[0].tokens == greedy.sequences[0].tokens);
}

void top_k_restricts_tokens_to_the_k_most_likely(void**) {
  auto m = trained_sampler();
  SampleRequest r = request({0}, 200, 5);
  r.params.top_k = 3;
  r.params.temperature = 2.0;  // flatten, so the restriction is what keeps tokens in the top 3
  int64_t context = 0;
  const SampleResult out = run(*m, r);
  for (int64_t t : out.sequences[0].tokens) {
    auto lp = row(*m, context);
    std::vector<float> sorted = lp;
    std::sort(sorted.rbegin(), sorted.rend());
    assert_true(lp[t] >= sorted[2]);
    context = t;
  }
}

void stop_token_ends_the_sequence_and_is_kept(void**) {
  auto m = trained_sampler();
  SampleRequest r = request({2}, 64, 11);
  const auto free_run = run(*m, r).sequences[0];
  assert_int_equal(free_run.tokens.size(), 64);
  assert_int_equal(int(free_run.stop_reason), int(StopReason::kLength));
  const int64_t stop = free_run.tokens[5];
  const size_t first =
      std::find(free_run.tokens.begin(), free_run.tokens.end(), stop) - free_run.tokens.begin();
  r.params.stop_token_ids = {1000, stop};  // out-of-vocabulary ids are ignored
  const auto stopped = run(*m, r).sequences[0];
  assert_int_equal(int(stopped.stop_reason), int(StopReason::kStop));
  assert_int_equal(stopped.tokens.size(), first + 1);
  assert_true(std::equal(stopped.tokens.begin(), stopped.tokens.end(), free_run.tokens.begin()));
}

void stop_sequence_ends_the_sequence(void**) {
  auto m = trained_sampler();
  SampleRequest r = request({2}, 64, 11);
  const auto free_run = run(*m, r).sequences[0];
  r.params.stop_sequences = {{free_run.tokens[9], free_run.tokens[10]}};
  const auto stopped = run(*m, r).sequences[0];
  assert_int_equal(int(stopped.stop_reason), int(StopReason::kStop));
  assert_true(stopped.tokens.size() <= 11);
  const size_t n = stopped.tokens.size();
  assert_int_equal(stopped.tokens[n - 2], free_run.tokens[9]);
  assert_int_equal(stopped.tokens[n - 1], free_run.tokens[10]);
}

void max_tokens_bounds_the_length(void**) {
  auto m = trained_sampler();
  auto seq = run(*m, request({1}, 7, 3)).sequences[0];
  assert_int_equal(seq.tokens.size(), 7);
  assert_int_equal(seq.logprobs.size(), 7);
  assert_int_equal(int(seq.stop_reason), int(StopReason::kLength));
  seq = run(*m, request({1}, 0, 3)).sequences[0];
  assert_true(seq.tokens.empty());
  assert_int_equal(int(seq.stop_reason), int(StopReason::kLength));
}

// The logprobs of sampled tokens are exactly what forward returns for prompt + completion,
// whatever the temperature and truncation (they are temperature-1 model logprobs).
void sampled_logprobs_equal_forward_logprobs(void**) {
  auto m = trained_sampler();
  SampleRequest r = request({3, 1, 4, 1, 5}, 30, 8);
  r.params.temperature = 0.7;
  r.params.top_p = 0.9;
  r.params.top_k = 10;
  const auto seq = run(*m, r).sequences[0];
  std::vector<int64_t> all = r.prompt;
  all.insert(all.end(), seq.tokens.begin(), seq.tokens.end());
  std::vector<int64_t> input(all.begin(), all.end() - 1), target(all.begin() + 1, all.end());
  std::vector<float> lp;
  EMU_ASSERT_OK(m->target_logprobs(input, target, &lp));
  const size_t offset = r.prompt.size() - 1;
  assert_memory_equal(lp.data() + offset, seq.logprobs.data(), seq.logprobs.size() * sizeof(float));
}

void prompt_logprobs_are_nan_first_then_forward_logprobs(void**) {
  auto m = trained_sampler();
  SampleRequest r = request({3, 1, 4, 1, 5, 9}, 1, 8);
  r.prompt_logprobs = true;
  const SampleResult out = run(*m, r);
  assert_int_equal(out.prompt_logprobs.size(), 6);
  assert_true(std::isnan(out.prompt_logprobs[0]));
  std::vector<float> lp;
  EMU_ASSERT_OK(m->target_logprobs({3, 1, 4, 1, 5}, {1, 4, 1, 5, 9}, &lp));
  assert_memory_equal(out.prompt_logprobs.data() + 1, lp.data(), lp.size() * sizeof(float));
  assert_int_equal(out.topk_prompt_logprobs.k, 0);  // not requested
}

void topk_prompt_logprobs_are_sorted_rows_with_an_empty_first_row(void**) {
  auto m = trained_sampler();
  SampleRequest r = request({3, 1, 4}, 1, 8);
  r.topk_prompt_logprobs = 4;
  const TopkPromptLogprobs tk = run(*m, r).topk_prompt_logprobs;
  assert_int_equal(tk.k, 4);
  assert_int_equal(tk.prompt_length, 3);
  for (int j = 0; j < 4; ++j) {
    assert_int_equal(tk.token_ids[j], 0);
    assert_true(tk.logprobs[j] == kTopkNoDataLogprob);
  }
  for (int i = 1; i < 3; ++i) {
    auto lp = row(*m, r.prompt[i - 1]);
    std::vector<float> sorted = lp;
    std::sort(sorted.rbegin(), sorted.rend());
    for (int j = 0; j < 4; ++j) {
      assert_true(tk.logprobs[i * 4 + j] == sorted[j]);
      assert_true(lp[tk.token_ids[i * 4 + j]] == sorted[j]);
    }
  }
  r.topk_prompt_logprobs = 1000;  // clamped to V
  assert_int_equal(run(*m, r).topk_prompt_logprobs.k, 32);
}

// At temperature 1 without truncation, draws follow exp(logp): frequencies of a 40k-draw
// sample of the next token are within 0.015 of the model's probabilities.
void draws_follow_the_model_distribution(void**) {
  auto m = trained_sampler();
  SampleRequest r = request({6}, 1, 2024);
  r.num_samples = 40000;
  std::map<int64_t, int> counts;
  const SampleResult out = run(*m, r);
  for (const auto& s : out.sequences) ++counts[s.tokens[0]];
  const auto lp = row(*m, 6);
  for (int t = 0; t < 32; ++t) EMU_ASSERT_NEAR(counts[t] / 40000.0, std::exp(double(lp[t])), 0.015);
}

// With an empty prompt the first token is drawn from the BOS context row.
void empty_prompt_samples_from_the_bos_context(void**) {
  auto m = trained_sampler();
  SampleRequest r = request({}, 5, 1);
  r.params.top_k = 1;
  r.prompt_logprobs = true;
  const SampleResult out = run(*m, r);
  assert_int_equal(out.sequences[0].tokens.size(), 5);
  assert_true(out.prompt_logprobs.empty());
  for (int64_t t : out.sequences[0].tokens) assert_true(t >= 0 && t < 32);
}

void invalid_sampling_requests_are_user_errors(void**) {
  auto m = trained_sampler();
  SampleResult out;
  SampleRequest r = request({1, 40}, 4, 1);
  EMU_ASSERT_USER_ERROR(m->sample(r, &out),
                        "prompt token 40 at position 1 is outside the vocabulary");
  r = request({1}, 4, 1);
  r.params.temperature = -1;
  EMU_ASSERT_USER_ERROR(m->sample(r, &out), "temperature");
  r = request({1}, 4, 1);
  r.params.top_p = 0;
  EMU_ASSERT_USER_ERROR(m->sample(r, &out), "top_p");
  r = request({1}, -1, 1);
  EMU_ASSERT_USER_ERROR(m->sample(r, &out), "max_tokens");
  r = request({1}, 4, 1);
  r.num_samples = 0;
  EMU_ASSERT_USER_ERROR(m->sample(r, &out), "num_samples");
  r = request({1}, 4, 1);
  r.params.top_k = -2;
  EMU_ASSERT_USER_ERROR(m->sample(r, &out), "top_k");
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sampling_is_deterministic_for_a_seed),
      cmocka_unit_test(each_sample_has_its_own_stream),
      cmocka_unit_test(top_k_one_is_greedy),
      cmocka_unit_test(top_k_restricts_tokens_to_the_k_most_likely),
      cmocka_unit_test(stop_token_ends_the_sequence_and_is_kept),
      cmocka_unit_test(stop_sequence_ends_the_sequence),
      cmocka_unit_test(max_tokens_bounds_the_length),
      cmocka_unit_test(sampled_logprobs_equal_forward_logprobs),
      cmocka_unit_test(prompt_logprobs_are_nan_first_then_forward_logprobs),
      cmocka_unit_test(topk_prompt_logprobs_are_sorted_rows_with_an_empty_first_row),
      cmocka_unit_test(draws_follow_the_model_distribution),
      cmocka_unit_test(empty_prompt_samples_from_the_bos_context),
      cmocka_unit_test(invalid_sampling_requests_are_user_errors),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
