#include "sample_io.h"

#include <algorithm>
#include <utility>

#include "fwdbwd_io.h"
#include "ids.h"
#include "wire/sample_response.h"

namespace emu {

namespace wire = ::tinker::wire;
namespace mdl = ::tinker::emu;

namespace {

bool fail(std::string* err, std::string message) {
  *err = std::move(message);
  return false;
}

// The prompt's text chunks as one token list; every id inside [0, vocab).
bool prompt_tokens(const wire::SampleRequest& in, int vocab, const std::string& base_model,
                   std::vector<int64_t>* out, std::string* err) {
  size_t n = 0;
  for (size_t i = 0; i < in.prompt.size(); ++i) {
    const wire::InputChunk& c = in.prompt[i];
    if (c.kind != wire::ChunkKind::ENCODED_TEXT) {
      return fail(err, "prompt.chunks[" + std::to_string(i) + "] is " + chunk_kind_name(c.kind) +
                           "; the emulator's models read text (encoded_text) chunks only");
    }
    n += c.tokens.size();
  }
  if (n > static_cast<size_t>(kMaxPromptTokens)) {
    return fail(err, "prompt has " + std::to_string(n) + " tokens; at most " +
                         std::to_string(kMaxPromptTokens) + " are accepted");
  }
  out->reserve(n);
  for (const wire::InputChunk& c : in.prompt) {
    for (int32_t t : c.tokens) {
      if (t < 0 || t >= vocab) {
        return fail(err, "prompt token " + std::to_string(t) + " at position " +
                             std::to_string(out->size()) + " is outside the vocabulary [0, " +
                             std::to_string(vocab) + ") of base model '" + base_model + "'");
      }
      out->push_back(t);
    }
  }
  return true;
}

// num_samples, max_tokens and their product.
bool sizes_ok(const wire::SampleRequest& in, int64_t max_tokens, std::string* err) {
  if (in.num_samples > kMaxNumSamples) {
    return fail(err, "num_samples " + std::to_string(in.num_samples) + " is above the limit of " +
                         std::to_string(kMaxNumSamples));
  }
  if (max_tokens > kMaxMaxTokens) {
    return fail(err, "sampling_params.max_tokens " + std::to_string(max_tokens) +
                         " is above the limit of " + std::to_string(kMaxMaxTokens));
  }
  if (in.num_samples * max_tokens > kMaxGeneratedTokens) {
    return fail(err, "num_samples x sampling_params.max_tokens = " +
                         std::to_string(in.num_samples * max_tokens) +
                         " tokens is above the limit of " + std::to_string(kMaxGeneratedTokens) +
                         " per request");
  }
  return true;
}

bool topk_ok(int64_t k, size_t prompt_len, int vocab, std::string* err) {
  if (k > kMaxTopkPromptLogprobs) {
    return fail(err, "topk_prompt_logprobs " + std::to_string(k) + " is above the limit of " +
                         std::to_string(kMaxTopkPromptLogprobs));
  }
  const int64_t cells = static_cast<int64_t>(prompt_len) * std::min<int64_t>(k, vocab);
  if (cells > kMaxTopkCells) {
    return fail(err, "topk_prompt_logprobs: prompt tokens x k = " + std::to_string(cells) +
                         " cells is above the limit of " + std::to_string(kMaxTopkCells));
  }
  return true;
}

// Stop strings -> byte sequences (the tiny models' vocabulary is the 256 byte values, token
// id = byte value; docs/emulator.md "Sampling"); stop token ids as they are.
bool stops(const wire::SamplingParams& p, mdl::SamplingParams* out, std::string* err) {
  const size_t n = p.stop_strings.size() + p.stop_tokens.size();
  if (n > kMaxStops) {
    return fail(err, "sampling_params.stop has " + std::to_string(n) + " entries; at most " +
                         std::to_string(kMaxStops) + " are accepted");
  }
  for (size_t i = 0; i < p.stop_strings.size(); ++i) {
    const std::string& s = p.stop_strings[i];
    const std::string where = "sampling_params.stop[" + std::to_string(i) + "]";
    if (s.empty()) return fail(err, where + " is an empty string");
    if (s.size() > kMaxStopStringBytes) {
      return fail(err, where + " is longer than " + std::to_string(kMaxStopStringBytes) + " bytes");
    }
    std::vector<int64_t> bytes;
    for (unsigned char b : s) bytes.push_back(b);
    out->stop_sequences.push_back(std::move(bytes));
  }
  for (size_t i = 0; i < p.stop_tokens.size(); ++i) {
    if (p.stop_tokens[i] < 0) {
      return fail(err, "sampling_params.stop[" + std::to_string(i) + "] = " +
                           std::to_string(p.stop_tokens[i]) + " is not a token id (>= 0)");
    }
    out->stop_token_ids.push_back(p.stop_tokens[i]);
  }
  return true;
}

}  // namespace

bool to_model_request(const wire::SampleRequest& in, int vocab, const std::string& base_model,
                      mdl::SampleRequest* out, std::string* err) {
  mdl::SampleRequest r;
  const wire::SamplingParams& p = in.params;
  const int64_t max_tokens = p.max_tokens.value_or(kDefaultMaxTokens);
  if (!sizes_ok(in, max_tokens, err) || !prompt_tokens(in, vocab, base_model, &r.prompt, err) ||
      !topk_ok(in.topk_prompt_logprobs, r.prompt.size(), vocab, err) ||
      !stops(p, &r.params, err)) {
    return false;
  }
  r.num_samples = static_cast<int>(in.num_samples);
  r.prompt_logprobs = in.prompt_logprobs;
  r.topk_prompt_logprobs = static_cast<int>(in.topk_prompt_logprobs);
  r.params.max_tokens = max_tokens;
  r.params.temperature = p.temperature;
  // Keeping more tokens than the vocabulary has is keeping all of them.
  r.params.top_k = static_cast<int>(std::min<int64_t>(p.top_k, vocab));
  r.params.top_p = p.top_p;
  // The integer's two's-complement bits: every seed the decoder accepts is a distinct seed.
  r.params.seed = p.seed ? static_cast<uint64_t>(*p.seed) : random_u64();
  *out = std::move(r);
  return true;
}

wire::SampleResponse to_wire_response(mdl::SampleResult&& r, const mdl::SampleRequest& req) {
  wire::SampleResponse out;
  out.sequences.reserve(r.sequences.size());
  for (mdl::SampledSequence& s : r.sequences) {
    wire::SampledSequence w;
    w.stop_reason = s.stop_reason == mdl::StopReason::kStop ? wire::StopReason::STOP
                                                            : wire::StopReason::LENGTH;
    w.tokens.assign(s.tokens.begin(), s.tokens.end());  // ids < V <= 2^31
    w.logprobs = std::move(s.logprobs);
    out.sequences.push_back(std::move(w));
  }
  if (req.prompt_logprobs) out.prompt_logprobs = std::move(r.prompt_logprobs);
  const mdl::TopkPromptLogprobs& t = r.topk_prompt_logprobs;
  if (t.k > 0 && t.prompt_length > 0) {
    wire::TopkPromptLogprobs w;
    w.prompt_length = static_cast<uint32_t>(t.prompt_length);
    w.k = static_cast<uint32_t>(t.k);
    w.token_ids = t.token_ids;
    w.logprobs = t.logprobs;
    out.topk_prompt_logprobs = std::move(w);
  }
  return out;
}

namespace {

JobResult render(const wire::SampleResponse& r, bool protobuf) {
  JobResult out;
  if (protobuf) {
    std::string err;
    if (!wire::encode_sample_response(r, &out.body, &err)) {
      return JobResult::failure("cannot encode the sample result: " + err, "server");
    }
    out.content_type = "application/x-protobuf";
  } else {
    wire::encode_sample_response_json(r, &out.body);
    out.content_type = "application/json";
  }
  return out;
}

// Converts a result body of one form into the other; exact, because JSON floats are written as
// the shortest text that reads back to the same float32 (NaN as null, read back as NaN).
JobResult convert(const std::string& body, bool to_protobuf) {
  wire::SampleResponse r;
  std::string err;
  bool ok = to_protobuf ? wire::decode_sample_response_json(body, &r, &err)
                        : wire::decode_sample_response(body, &r, &err);
  if (!ok) return JobResult::failure("cannot re-encode the sample result: " + err, "server");
  return render(r, to_protobuf);
}

}  // namespace

JobResult sample_job_result(const wire::SampleResponse& response) {
  JobResult r = render(response, /*protobuf=*/true);
  if (r.failed) return r;
  r.body_is_protobuf = true;
  r.render = convert;
  return r;
}

}  // namespace emu
