// decode_sample_response (a sample result, protobuf) on any bytes. What it accepts is
// consistent (a top-k matrix is kept only with k, prompt_length > 0 and exactly
// prompt_length × k cells in both arrays; no row is longer than k; optional arrays are absent
// rather than empty), and goes through the emulator's encoder and back unchanged, to the same
// bytes twice.
#include <string>

#include "compare.h"
#include "fuzz_check.h"
#include "wire/sample_response.h"

namespace w = tinker::wire;

namespace {

void check_invariants(const w::SampleResponse& s) {
  FUZZ_CHECK(s.sequences.size() <= w::kMaxSampleSequences, std::to_string(s.sequences.size()));
  for (const w::SampledSequence& q : s.sequences)
    FUZZ_CHECK(!q.logprobs || !q.logprobs->empty(), "empty logprobs kept as present");
  FUZZ_CHECK(!s.prompt_logprobs || !s.prompt_logprobs->empty(), "empty prompt_logprobs kept as present");
  if (const auto& t = s.topk_prompt_logprobs) {
    FUZZ_CHECK(t->k > 0 && t->prompt_length > 0, "top-k kept without k or prompt_length");
    const uint64_t cells = uint64_t{t->k} * t->prompt_length;
    FUZZ_CHECK(t->token_ids.size() == cells && t->logprobs.size() == cells, "top-k is not prompt_length x k");
    for (size_t row = 0; row < t->prompt_length; ++row)
      FUZZ_CHECK(w::topk_row_length(*t, row) <= t->k, "a top-k row is longer than k");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > fuzz::kMaxInput) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  w::SampleResponse out;
  std::string err;
  if (!w::decode_sample_response(body, &out, &err)) {
    FUZZ_CHECK(!err.empty(), "refused without a message");
    return 0;
  }
  check_invariants(out);

  std::string bytes;
  FUZZ_CHECK(w::encode_sample_response(out, &bytes, &err), "re-encoding failed: " + err);
  w::SampleResponse again;
  FUZZ_CHECK(w::decode_sample_response(bytes, &again, &err), "re-encoded response refused: " + err);
  const std::string diff = fuzz::diff_samples(out, again);
  FUZZ_CHECK(diff.empty(), "round trip changed the response: " + diff);
  std::string twice;
  FUZZ_CHECK(w::encode_sample_response(again, &twice, &err), "second encoding failed: " + err);
  FUZZ_CHECK(twice == bytes, "encoding is not canonical");
  return 0;
}
