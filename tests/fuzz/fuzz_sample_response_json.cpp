// decode_sample_response_json (a sample result from a server speaking the legacy JSON form) on
// any bytes. What it accepts is consistent as the protobuf decoder's results are (a top-k matrix
// only with k and prompt_length > 0 and prompt_length × k cells; no sequence count beyond the
// cap), and its encoding is canonical: decoding the JSON encoder's text and encoding again gives
// the same text.
#include <string>

#include "fuzz_check.h"
#include "wire/json_sample.h"
#include "wire/sample_response.h"

namespace w = tinker::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > fuzz::kMaxInput) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  w::SampleResponse out;
  std::string err;
  if (!w::decode_sample_response_json(body, &out, &err)) {
    FUZZ_CHECK(!err.empty(), "refused without a message");
    return 0;
  }
  FUZZ_CHECK(out.sequences.size() <= w::kMaxSampleSequences, std::to_string(out.sequences.size()));
  if (const auto& t = out.topk_prompt_logprobs) {
    FUZZ_CHECK(t->k > 0 && t->prompt_length > 0, "top-k kept without k or prompt_length");
    const uint64_t cells = uint64_t{t->k} * t->prompt_length;
    FUZZ_CHECK(t->token_ids.size() == cells && t->logprobs.size() == cells, "top-k is not prompt_length x k");
  }
  std::string once, twice;
  w::encode_sample_response_json(out, &once);
  w::SampleResponse again;
  FUZZ_CHECK(w::decode_sample_response_json(once, &again, &err), "re-encoded response refused: " + err);
  w::encode_sample_response_json(again, &twice);
  FUZZ_CHECK(twice == once, "encoding is not canonical");
  return 0;
}
