// The JSON side of sampling (protocol.md §7.7–§7.9): the asample request the client encodes
// reads back through the emulator's decoder, the legacy JSON SampleResponse reads back with the
// protobuf form's meaning, and bad requests are refused naming the field.
#include "wire/json_sample.h"
#include "support.h"

using namespace wiretest;

namespace {

w::SampleRequest round_trip(const w::SampleRequestFields& f, const std::vector<w::ChunkView>& prompt, int64_t seq) {
  std::string prompt_json, body, err;
  assert_true(w::encode_prompt_json(prompt, &prompt_json, &err));
  w::assemble_sample_request_json(f, prompt_json, seq, &body);
  w::SampleRequest got;
  if (!w::decode_sample_request_json(body, &got, &err)) fail_msg("%s in %s", err.c_str(), body.c_str());
  return got;
}

void sample_request_reads_back_through_the_emulator_decoder(void** state) {
  const int32_t t32[] = {1, 2, 3};
  const int64_t t64[] = {4, 5};
  const uint8_t png[] = {0x89, 'P', 'N', 'G'};
  std::vector<w::ChunkView> prompt = {w::ChunkView::text(t32, 3), w::ChunkView::text(t64, 2),
                                      w::ChunkView::image(png, 4, "png", 7)};
  w::SampleRequestFields f;
  f.sampling_session_id = "s:sample:3";
  f.num_samples = 4;
  f.prompt_logprobs = true;
  f.topk_prompt_logprobs = 5;
  f.params.max_tokens = 12;
  f.params.seed = 99;
  f.params.stop_strings = {"\n", "END"};
  f.params.temperature = 0.7;
  f.params.top_k = 40;
  f.params.top_p = 0.9;
  w::SampleRequest got = round_trip(f, prompt, 17);
  assert_true(got.sampling_session_id == f.sampling_session_id);
  assert_true(got.seq_id == 17);
  assert_int_equal(got.num_samples, 4);
  assert_true(got.prompt_logprobs);
  assert_int_equal(got.topk_prompt_logprobs, 5);
  assert_int_equal(got.prompt.size(), 3);
  assert_true(got.prompt[0].tokens == (std::vector<int32_t>{1, 2, 3}));
  assert_true(got.prompt[1].tokens == (std::vector<int32_t>{4, 5}));
  assert_true(got.prompt[2].data == std::string("\x89PNG", 4) && got.prompt[2].expected_tokens == 7);
  assert_true(got.params.max_tokens == 12 && got.params.seed == 99);
  assert_true(got.params.stop_strings == f.params.stop_strings && got.params.stop_tokens.empty());
  assert_true(got.params.temperature == 0.7 && got.params.top_k == 40 && got.params.top_p == 0.9);

  // Defaults: max_tokens and seed left out, the three defaults sent; stop as token ids.
  w::SampleRequestFields d;
  d.sampling_session_id = "s:sample:0";
  d.params.stop_tokens = {7, 8};
  got = round_trip(d, {w::ChunkView::text(t32, 1)}, 0);
  assert_false(got.params.max_tokens.has_value());
  assert_false(got.params.seed.has_value());
  assert_true(got.params.stop_tokens == (std::vector<int32_t>{7, 8}));
  assert_true(got.params.temperature == 1.0 && got.params.top_k == -1 && got.params.top_p == 1.0);
  assert_false(got.prompt_logprobs);
}

void the_body_has_the_official_shape(void** state) {
  const int32_t t[] = {5};
  std::string prompt, body, err;
  assert_true(w::encode_prompt_json({w::ChunkView::text(t, 1)}, &prompt, &err));
  w::SampleRequestFields f;
  f.sampling_session_id = "s:sample:0";
  f.num_samples = 2;
  f.params.max_tokens = 5;
  f.params.stop_strings = {"\n"};
  w::assemble_sample_request_json(f, prompt, 0, &body);
  assert_string_equal(body.c_str(),
                      R"({"num_samples":2,"prompt":{"chunks":[{"tokens":[5],"type":"encoded_text"}]},)"
                      R"("sampling_params":{"max_tokens":5,"stop":["\n"],"temperature":1,"top_k":-1,"top_p":1},)"
                      R"("sampling_session_id":"s:sample:0","seq_id":0,"prompt_logprobs":false,)"
                      R"("topk_prompt_logprobs":0,"type":"sample"})");
}

void a_prompt_token_outside_int32_is_refused_naming_the_prompt(void** state) {
  const int64_t big[] = {1, int64_t{1} << 40};
  std::string out = "kept", err;
  assert_false(w::encode_prompt_json({w::ChunkView::text(big, 2)}, &out, &err));
  assert_string_equal(out.c_str(), "kept");
  assert_non_null(strstr(err.c_str(), "prompt chunk 0: token id 1099511627776"));
}

void bad_requests_are_refused_naming_the_field(void** state) {
  const char* prompt = R"("prompt":{"chunks":[{"tokens":[1],"type":"encoded_text"}]})";
  const struct {
    std::string body;
    const char* says;
  } cases[] = {
      {std::string("{") + prompt + "}", "sampling_params"},
      {R"({"sampling_params":{}})", "prompt"},
      {std::string("{") + prompt + R"(,"sampling_params":{"top_p":0}})", "top_p"},
      {std::string("{") + prompt + R"(,"sampling_params":{"temperature":-1}})", "temperature"},
      {std::string("{") + prompt + R"(,"sampling_params":{"top_k":-2}})", "top_k"},
      {std::string("{") + prompt + R"(,"sampling_params":{"max_tokens":1.5}})", "max_tokens"},
      {std::string("{") + prompt + R"(,"sampling_params":{"stop":["a",1]}})", "stop"},
      {std::string("{") + prompt + R"(,"sampling_params":{"stop":[1,"a"]}})", "stop"},
      {std::string("{") + prompt + R"(,"sampling_params":{},"num_samples":0})", "num_samples"},
      {std::string("{") + prompt + R"(,"sampling_params":{},"topk_prompt_logprobs":-1})", "topk_prompt_logprobs"},
      {std::string("{") + prompt + R"(,"sampling_params":{},"prompt_logprobs":1})", "prompt_logprobs"},
      {R"({"prompt":{"chunks":[{"tokens":[4294967296],"type":"encoded_text"}]},"sampling_params":{}})", "int32"},
  };
  for (const auto& c : cases) {
    w::SampleRequest out;
    std::string err;
    if (w::decode_sample_request_json(c.body, &out, &err)) fail_msg("accepted %s", c.body.c_str());
    if (!strstr(err.c_str(), c.says)) fail_msg("%s: \"%s\" does not name %s", c.body.c_str(), err.c_str(), c.says);
  }
  // A single stop string is a list of one; null is absent.
  w::SampleRequest out;
  std::string err;
  assert_true(w::decode_sample_request_json(std::string("{") + prompt +
                                                R"(,"sampling_params":{"stop":"x","seed":null},"seq_id":null})",
                                            &out, &err));
  assert_true(out.params.stop_strings == std::vector<std::string>{"x"});
  assert_false(out.params.seed.has_value() || out.seq_id.has_value());
}

// What JSON can carry of a random response: finite numbers, and NaN only where it means
// "undefined" (prompt logprobs); a non-negative prompt_cache_hit_tokens.
w::SampleResponse json_representable(w::SampleResponse s) {
  auto finite = [](float& f) {
    if (!std::isfinite(f)) f = -1.5f;
  };
  for (auto& q : s.sequences)
    if (q.logprobs) std::for_each(q.logprobs->begin(), q.logprobs->end(), finite);
  if (s.prompt_logprobs)
    for (size_t i = 1; i < s.prompt_logprobs->size(); ++i) finite((*s.prompt_logprobs)[i]);
  s.prompt_cache_hit_tokens = s.prompt_cache_hit_tokens < 0 ? 0 : s.prompt_cache_hit_tokens;
  return s;
}

// The top-k matrices mean the same: every row has the same cells once the sentinel rules apply.
void assert_same_topk(const std::optional<w::TopkPromptLogprobs>& a, const std::optional<w::TopkPromptLogprobs>& b) {
  const uint32_t rows = std::max(a ? a->prompt_length : 0, b ? b->prompt_length : 0);
  for (uint32_t row = 0; row < rows; ++row) {
    const size_t na = a ? w::topk_row_length(*a, row) : 0, nb = b ? w::topk_row_length(*b, row) : 0;
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; ++i) {
      assert_int_equal(a->token_ids[row * a->k + i], b->token_ids[row * b->k + i]);
      assert_true(a->logprobs[row * a->k + i] == b->logprobs[row * b->k + i]);
    }
  }
}

void json_sample_response_reads_back_with_the_protobuf_meaning(void** state) {
  Rng r(0x5a3e0001);
  for (int i = 0; i < 300; ++i) {
    w::SampleResponse v = json_representable(random_sample_response(r));
    std::string body, err;
    w::encode_sample_response_json(v, &body);
    w::SampleResponse got;
    if (!w::decode_sample_response_json(body, &got, &err)) fail_msg("%s in %s", err.c_str(), body.c_str());
    w::SampleResponse expected = v, actual = got;
    expected.topk_prompt_logprobs.reset();
    actual.topk_prompt_logprobs.reset();
    assert_samples_equal(expected, actual);
    assert_same_topk(v.topk_prompt_logprobs, got.topk_prompt_logprobs);
  }
}

void bad_json_sample_responses_are_refused(void** state) {
  for (const char* body : {
           R"({"sequences": [{"stop_reason": "eos", "tokens": []}]})",
           R"({"sequences": [{"stop_reason": "stop", "tokens": [1.5]}]})",
           R"({"sequences": [{"stop_reason": "stop"}]})",
           R"({"type": "sample"})",
           R"({"sequences": [], "topk_prompt_logprobs": [[[1]]]})",
           R"({"sequences": [], "prompt_cache_hit_tokens": -1})",
           "[]",
       }) {
    w::SampleResponse out;
    std::string err;
    if (w::decode_sample_response_json(body, &out, &err)) fail_msg("accepted %s", body);
    assert_false(err.empty());
  }
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sample_request_reads_back_through_the_emulator_decoder),
      cmocka_unit_test(the_body_has_the_official_shape),
      cmocka_unit_test(a_prompt_token_outside_int32_is_refused_naming_the_prompt),
      cmocka_unit_test(bad_requests_are_refused_naming_the_field),
      cmocka_unit_test(json_sample_response_reads_back_with_the_protobuf_meaning),
      cmocka_unit_test(bad_json_sample_responses_are_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
