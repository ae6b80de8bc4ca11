// Seeds of decode_sample_response.
#include <string>

#include "seed_protobuf.h"
#include "seed_values.h"
#include "seeds.h"
#include "wire/json_sample.h"
#include "wire/sample_response.h"

namespace fuzz {

namespace {

// TopkPromptLogprobs: token_ids (1), logprobs (2), k (3), prompt_length (4); field 3 of the
// response.
std::string topk(size_t id_bytes, size_t lp_bytes, uint64_t k, uint64_t prompt_length) {
  using namespace pb;
  std::string t = len_field(1, std::string(id_bytes, '\1')) + len_field(2, std::string(lp_bytes, '\0'));
  if (k) t += varint_field(3, k);
  if (prompt_length) t += varint_field(4, prompt_length);
  return len_field(3, t);
}

}  // namespace

std::vector<Seed> sample_seeds() {
  using namespace pb;
  std::vector<Seed> s = valid_seeds(0x5eed0003, 12, [](Rng& r, int, std::string* bytes) {
    std::string err;
    return w::encode_sample_response(random_sample(r), bytes, &err);
  });
  s.push_back({"empty_body", ""});
  s.push_back({"topk_declares_huge_matrix", topk(8, 8, 0xffffffff, 0xffffffff)});
  s.push_back({"topk_short_by_one_cell", topk(4 * 5, 4 * 6, 2, 3)});
  s.push_back({"topk_arrays_differ", topk(4 * 6, 4 * 2, 2, 3)});
  s.push_back({"topk_exact", topk(4 * 6, 4 * 6, 2, 3)});
  s.push_back({"topk_k_zero", topk(4 * 6, 4 * 6, 0, 3)});
  s.push_back({"topk_k_past_32_bits", topk(4 * 6, 4 * 6, (uint64_t{1} << 32) + 2, 3)});
  s.push_back({"topk_twice_merges", topk(4 * 6, 4 * 6, 2, 0) + topk(4 * 6, 4 * 6, 0, 3)});
  s.push_back({"unknown_stop_reason", len_field(1, varint_field(1, 2))});
  s.push_back({"negative_stop_reason", len_field(1, varint_field(1, static_cast<uint64_t>(-1)))});
  s.push_back({"tokens_not_whole_int32", len_field(1, len_field(2, "abc"))});
  s.push_back({"logprobs_odd_length", len_field(1, len_field(3, "abcde"))});
  s.push_back({"prompt_logprobs_odd_length", len_field(2, "abcdefg")});
  s.push_back({"negative_cache_hits", varint_field(4, static_cast<uint64_t>(-5))});
  {
    std::string body;
    for (int i = 0; i < 20000; ++i) body += len_field(1, "");
    s.push_back({"many_empty_sequences", body});
  }
  s.push_back({"nested_groups", std::string(2000, '\xa3')});
  return s;
}

std::vector<Seed> sample_json_seeds() {
  std::vector<Seed> s = valid_seeds(0x5eed0007, 12, [](Rng& r, int, std::string* text) {
    w::encode_sample_response_json(random_sample(r), text);
    return true;
  });
  const std::string row = "[[1,-0.5],[2,-1.5]]";
  std::string rows;
  for (int i = 0; i < 20000; ++i) rows += (i ? "," : "") + std::string(i % 100 ? "[]" : row);
  s.push_back({"topk_many_short_rows_one_wide", "{\"sequences\":[],\"topk_prompt_logprobs\":[" + rows + "]}"});
  s.push_back({"topk_cell_not_a_pair", R"({"sequences":[],"topk_prompt_logprobs":[[[1]]]})"});
  s.push_back({"topk_row_not_an_array", R"({"sequences":[],"topk_prompt_logprobs":[5]})"});
  s.push_back({"unknown_stop_reason", R"({"sequences":[{"stop_reason":"eos","tokens":[]}]})"});
  s.push_back({"token_past_int32", R"({"sequences":[{"stop_reason":"stop","tokens":[2147483648]}]})"});
  s.push_back({"logprobs_with_null", R"({"sequences":[{"stop_reason":"stop","tokens":[1],"logprobs":[null]}]})"});
  s.push_back({"prompt_logprobs_strings", R"({"sequences":[],"prompt_logprobs":["x"]})"});
  s.push_back({"negative_cache_hits", R"({"sequences":[],"prompt_cache_hit_tokens":-1})"});
  s.push_back({"not_an_object", "[]"});
  s.push_back({"deep_nesting", std::string(5000, '[') + std::string(5000, ']')});
  return s;
}

}  // namespace fuzz
