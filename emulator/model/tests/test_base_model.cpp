// The base model is a pure function of (name, V, d); a fresh adapter leaves it unchanged.
#include "base_model.h"
#include "test_support.h"

using namespace emu_test;

namespace {

bool same(const std::vector<double>& a, const std::vector<double>& b) { return same_bits(a, b); }

void same_name_gives_bit_identical_base_model(void**) {
  BaseModelSpec spec{"Qwen/Qwen3-8B", 256, 32};
  auto a = BaseModel::build(spec);
  auto b = BaseModel::build(spec);
  assert_true(same(a->embed, b->embed));
  assert_true(same(a->unembed, b->unembed));
  assert_true(same(a->bias, b->bias));
  assert_int_equal(a->embed.size(), 257 * 32);  // V + 1 context rows (BOS last)
}

void different_names_give_different_base_models(void**) {
  auto a = BaseModel::build({"Qwen/Qwen3-8B", 256, 32});
  auto b = BaseModel::build({"meta-llama/Llama-3.1-8B", 256, 32});
  assert_false(same(a->embed, b->embed));
  assert_false(same(a->unembed, b->unembed));

  ModelConfig ca = small_config(), cb = small_config();
  cb.base.name = "another/base";
  std::vector<float> la, lb;
  EMU_ASSERT_OK(make_model(ca)->target_logprobs({1, 2, 3}, {4, 5, 6}, &la));
  EMU_ASSERT_OK(make_model(cb)->target_logprobs({1, 2, 3}, {4, 5, 6}, &lb));
  assert_true(la != lb);
}

// Models created separately (as in two processes) on one name compute the same logprobs.
void models_on_the_same_name_agree_exactly(void**) {
  auto m1 = make_model(small_config(8));
  auto m2 = make_model(small_config(16));
  std::vector<float> l1, l2;
  EMU_ASSERT_OK(m1->target_logprobs({0, 5, 9, 31}, {5, 9, 31, 0}, &l1));
  EMU_ASSERT_OK(m2->target_logprobs({0, 5, 9, 31}, {5, 9, 31, 0}, &l2));
  assert_memory_equal(l1.data(), l2.data(), l1.size() * sizeof(float));
}

void models_on_one_base_share_its_weights(void**) {
  BaseModelSpec spec{"shared/base", 64, 8};
  auto a = BaseModel::get(spec);
  auto b = BaseModel::get(spec);
  assert_ptr_equal(a.get(), b.get());
}

// B starts at zero, so a fresh adapter of any rank, parts and seed is the base model,
// bit for bit (rank 0 = no adapter at all).
void fresh_adapter_outputs_equal_base_model(void**) {
  ModelConfig base_only = small_config(0);
  std::vector<float> expected;
  const std::vector<int64_t> tokens = token_sequence(40, 32, 5),
                             targets = token_sequence(40, 32, 6);
  EMU_ASSERT_OK(make_model(base_only)->target_logprobs(tokens, targets, &expected));
  for (int rank : {1, 8, 64}) {
    ModelConfig c = small_config(rank);
    c.lora.seed = 1234u + rank;
    std::vector<float> got;
    EMU_ASSERT_OK(make_model(c)->target_logprobs(tokens, targets, &got));
    assert_memory_equal(got.data(), expected.data(), got.size() * sizeof(float));
  }
}

void lora_seed_changes_initial_a_matrices(void**) {
  ModelConfig c1 = small_config(), c2 = small_config(), c3 = small_config();
  c2.lora.seed = 7;
  c3.lora.seed = 7;
  auto m1 = make_model(c1), m2 = make_model(c2), m3 = make_model(c3);
  assert_false(same_bits(snapshot_parameters(m1.get()), snapshot_parameters(m2.get())));
  assert_true(same_bits(snapshot_parameters(m2.get()), snapshot_parameters(m3.get())));
}

// Each row is a distribution over V tokens: a [N, V] target asking for every token at every
// position gives probabilities that sum to 1.
void every_context_row_is_a_normalised_distribution(void**) {
  const int V = 32;
  auto m = make_model(small_config(4, V));
  randomise_parameters(m.get(), 3);
  Datum d;
  d.tokens = {0, 7, 31};
  std::vector<int64_t> all;
  for (int i = 0; i < 3; ++i)
    for (int t = 0; t < V; ++t) all.push_back(t);
  d.loss_fn_inputs["target_tokens"] = TensorData::ints(all, {3, V});
  ForwardBackwardResult r;
  EMU_ASSERT_OK(m->forward({d}, "cross_entropy", {}, &r));
  assert_int_equal(r.outputs[0].shape.size(), 2);
  for (int i = 0; i < 3; ++i) {
    double total = 0;
    for (int t = 0; t < V; ++t) total += std::exp(double(r.outputs[0].logprobs[i * V + t]));
    EMU_ASSERT_NEAR(total, 1.0, 1e-5);
  }
}

void vocabulary_size_is_configurable(void**) {
  auto m = make_model(small_config(4, 100, 16));
  assert_int_equal(m->vocab_size(), 100);
  std::vector<float> lp;
  EMU_ASSERT_OK(m->target_logprobs({99}, {0}, &lp));
  EMU_ASSERT_USER_ERROR(m->target_logprobs({100}, {0}, &lp), "outside the vocabulary [0, 100)");
}

}  // namespace

int main() {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(same_name_gives_bit_identical_base_model),
      cmocka_unit_test(different_names_give_different_base_models),
      cmocka_unit_test(models_on_the_same_name_agree_exactly),
      cmocka_unit_test(models_on_one_base_share_its_weights),
      cmocka_unit_test(fresh_adapter_outputs_equal_base_model),
      cmocka_unit_test(lora_seed_changes_initial_a_matrices),
      cmocka_unit_test(every_context_row_is_a_normalised_distribution),
      cmocka_unit_test(vocabulary_size_is_configurable),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
