// SampleResponse: the client's decoder and the emulator's encoder against libprotobuf and the
// rules of protocol.md §1.6.1 / §7.9.
#include "support.h"

using namespace wiretest;

namespace {

constexpr int kRounds = 400;

// (a)+(c) our bytes parse with libprotobuf and equal its deterministic serialisation of the
// message built from the same values; (b) libprotobuf's bytes with unknown fields decode back.
void sample_response_round_trips_against_libprotobuf(void** state) {
  Rng r(0x5a3e0001);
  for (int round = 0; round < kRounds; ++round) {
    w::SampleResponse v = random_sample_response(r);
    std::string ours, err;
    assert_true(w::encode_sample_response(v, &ours, &err));
    tp::SampleResponse m;
    to_proto(v, &m);
    assert_true(ours == serialize_deterministic(m));
    tp::SampleResponse parsed;
    assert_true(parsed.ParseFromString(ours));

    add_unknown_fields(r, &m);
    std::string theirs;
    assert_true(m.SerializeToString(&theirs));
    w::SampleResponse got, ref;
    assert_true(w::decode_sample_response(theirs, &got, &err));
    assert_samples_equal(got, v);
    assert_true(reference_decode(m, &ref));
    assert_samples_equal(ref, v);
  }
}

void unknown_stop_reason_is_an_error(void** state) {
  tp::SampleResponse m;
  m.add_sequences()->set_stop_reason(static_cast<tp::StopReason>(2));
  std::string bytes, err;
  assert_true(m.SerializeToString(&bytes));
  w::SampleResponse out;
  assert_false(w::decode_sample_response(bytes, &out, &err));
  assert_non_null(strstr(err.c_str(), "unknown stop_reason 2"));
}

void prompt_logprobs_keep_nan_for_undefined_positions(void** state) {
  tp::SampleResponse m;
  const float lp[3] = {std::nanf(""), -1.25f, -0.5f};
  m.set_prompt_logprobs(std::string(reinterpret_cast<const char*>(lp), 12));
  std::string bytes, err;
  assert_true(m.SerializeToString(&bytes));
  w::SampleResponse out;
  assert_true(w::decode_sample_response(bytes, &out, &err));
  assert_true(out.prompt_logprobs.has_value());
  assert_int_equal(out.prompt_logprobs->size(), 3);
  assert_true(std::isnan((*out.prompt_logprobs)[0]));
  assert_true((*out.prompt_logprobs)[1] == -1.25f);
  assert_false(out.topk_prompt_logprobs.has_value());
}

void empty_optional_arrays_read_as_absent(void** state) {
  tp::SampleResponse m;
  tp::SampledSequence* s = m.add_sequences();
  s->set_logprobs("");  // present but empty: the official client's `if seq.logprobs` is false
  m.set_prompt_logprobs("");
  std::string bytes, err;
  assert_true(m.SerializeToString(&bytes));
  w::SampleResponse out;
  assert_true(w::decode_sample_response(bytes, &out, &err));
  assert_false(out.sequences[0].logprobs.has_value());
  assert_false(out.prompt_logprobs.has_value());
}

void topk_rows_follow_the_sentinel_rules(void** state) {
  w::TopkPromptLogprobs t;
  t.prompt_length = 4;
  t.k = 3;
  const float M = w::kTopkMaskLogprob;
  t.token_ids = {0, 0, 0,  /**/ 5, 6, 0, /**/ 7, 0, 0, /**/ 0, 9, 0};
  t.logprobs = {M, M, M,  /**/ -0.1f, -2.0f, M, /**/ -0.3f, M, M, /**/ -0.5f, -1.0f, M};
  assert_int_equal(w::topk_row_length(t, 0), 0);  // position without data (None)
  assert_int_equal(w::topk_row_length(t, 1), 2);  // trailing sentinel trimmed
  assert_int_equal(w::topk_row_length(t, 2), 1);
  assert_int_equal(w::topk_row_length(t, 3), 2);  // token 0 with a real logprob is data
  assert_int_equal(w::topk_row_length(t, 4), 0);  // past the end

  w::SampleResponse v;
  v.topk_prompt_logprobs = t;
  std::string bytes, err;
  assert_true(w::encode_sample_response(v, &bytes, &err));
  w::SampleResponse out;
  assert_true(w::decode_sample_response(bytes, &out, &err));
  assert_samples_equal(out, v);
}

void topk_is_only_materialised_with_rows_and_columns(void** state) {
  tp::SampleResponse m;
  m.mutable_topk_prompt_logprobs()->set_k(5);  // prompt_length 0
  std::string bytes, err;
  assert_true(m.SerializeToString(&bytes));
  w::SampleResponse out;
  assert_true(w::decode_sample_response(bytes, &out, &err));
  assert_false(out.topk_prompt_logprobs.has_value());
}

void topk_with_too_few_cells_is_an_error(void** state) {
  tp::SampleResponse m;
  tp::TopkPromptLogprobs* t = m.mutable_topk_prompt_logprobs();
  t->set_k(2);
  t->set_prompt_length(2);
  t->set_token_ids(std::string(16, '\0'));
  t->set_logprobs(std::string(12, '\0'));
  std::string bytes, err;
  assert_true(m.SerializeToString(&bytes));
  w::SampleResponse out;
  assert_false(w::decode_sample_response(bytes, &out, &err));
  assert_non_null(strstr(err.c_str(), "2 x 2 cells"));
}

void topk_sub_message_seen_twice_merges(void** state) {
  // Protobuf merge rule: a second occurrence of a singular message field merges into the first.
  tp::SampleResponse a, b;
  a.mutable_topk_prompt_logprobs()->set_k(1);
  a.mutable_topk_prompt_logprobs()->set_token_ids(std::string("\x07\0\0\0", 4));
  b.mutable_topk_prompt_logprobs()->set_prompt_length(1);
  b.mutable_topk_prompt_logprobs()->set_logprobs(std::string("\0\0\x80\xbf", 4));  // -1.0f
  std::string bytes = a.SerializeAsString() + b.SerializeAsString(), err;
  w::SampleResponse out;
  assert_true(w::decode_sample_response(bytes, &out, &err));
  assert_true(out.topk_prompt_logprobs.has_value());
  assert_int_equal(out.topk_prompt_logprobs->token_ids[0], 7);
  assert_true(out.topk_prompt_logprobs->logprobs[0] == -1.0f);
}

void odd_byte_lengths_are_rejected(void** state) {
  tp::SampleResponse m;
  m.add_sequences()->set_tokens("12345");
  std::string bytes, err;
  assert_true(m.SerializeToString(&bytes));
  w::SampleResponse out;
  assert_false(w::decode_sample_response(bytes, &out, &err));
  assert_non_null(strstr(err.c_str(), "sequences[0]"));
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sample_response_round_trips_against_libprotobuf),
      cmocka_unit_test(unknown_stop_reason_is_an_error),
      cmocka_unit_test(prompt_logprobs_keep_nan_for_undefined_positions),
      cmocka_unit_test(empty_optional_arrays_read_as_absent),
      cmocka_unit_test(topk_rows_follow_the_sentinel_rules),
      cmocka_unit_test(topk_is_only_materialised_with_rows_and_columns),
      cmocka_unit_test(topk_with_too_few_cells_is_an_error),
      cmocka_unit_test(topk_sub_message_seen_twice_merges),
      cmocka_unit_test(odd_byte_lengths_are_rejected),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
