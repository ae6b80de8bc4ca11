// SampleResponse codec (protocol.md §1.6.1, §7.9). Field numbers:
//   SampleResponse   1 sequences, 2 prompt_logprobs (opt), 3 topk_prompt_logprobs (opt),
//                    4 prompt_cache_hit_tokens
//   SampledSequence  1 stop_reason, 2 tokens, 3 logprobs (opt)
//   TopkPromptLogprobs 1 token_ids, 2 logprobs, 3 k, 4 prompt_length
#include <cstring>

#include "wire/fail.h"
#include "wire/pb_reader.h"
#include "wire/pb_writer.h"
#include "wire/sample_response.h"

namespace tinker::wire {

const char* stop_reason_name(StopReason r) {
  return r == StopReason::LENGTH ? "length" : "stop";
}

namespace {

using pb::Field;
using pb::Reader;

bool parse_sequence(std::string_view b, const std::string& what, SampledSequence* s,
                    std::string* err) {
  Reader r(b, what);
  Field f;
  int32_t stop = 0;
  std::string_view tokens, logprobs;
  while (r.next(&f)) {
    if (f.number == 1 && f.type == pb::VARINT) stop = static_cast<int32_t>(f.value);
    else if (f.number == 2 && f.type == pb::LEN) tokens = f.bytes;
    else if (f.number == 3 && f.type == pb::LEN) logprobs = f.bytes;
  }
  if (r.failed()) return fail(err, r.error());
  if (stop != 0 && stop != 1)
    return fail(err, what + ": unknown stop_reason " + std::to_string(stop));
  s->stop_reason = static_cast<StopReason>(stop);
  if (!pb::bytes_to_i32(tokens, &s->tokens, "tokens", err)) return fail(err, what + ": " + *err);
  if (!logprobs.empty()) {
    s->logprobs.emplace();
    if (!pb::bytes_to_f32(logprobs, &*s->logprobs, "logprobs", err)) return fail(err, what + ": " + *err);
  }
  return true;
}

struct RawTopk {
  std::string_view token_ids, logprobs;
  uint32_t k = 0, prompt_length = 0;
};

// A sub-message seen twice merges (protobuf rules), so this overwrites only what it finds.
bool parse_topk(std::string_view b, RawTopk* t, std::string* err) {
  Reader r(b, "SampleResponse.topk_prompt_logprobs");
  Field f;
  while (r.next(&f)) {
    if (f.number == 1 && f.type == pb::LEN) t->token_ids = f.bytes;
    else if (f.number == 2 && f.type == pb::LEN) t->logprobs = f.bytes;
    else if (f.number == 3 && f.type == pb::VARINT) t->k = static_cast<uint32_t>(f.value);
    else if (f.number == 4 && f.type == pb::VARINT) t->prompt_length = static_cast<uint32_t>(f.value);
  }
  if (r.failed()) return fail(err, r.error());
  return true;
}

bool build_topk(const RawTopk& raw, SampleResponse* out, std::string* err) {
  if (raw.prompt_length == 0 || raw.k == 0) return true;  // not materialised (§1.6.1)
  const uint64_t cells = static_cast<uint64_t>(raw.prompt_length) * raw.k;  // < 2^64
  if (cells > raw.token_ids.size() / 4 || cells > raw.logprobs.size() / 4)
    return fail(err, "SampleResponse.topk_prompt_logprobs: " + std::to_string(raw.prompt_length) + " x " +
                   std::to_string(raw.k) + " cells need " + std::to_string(cells * 4) +
                   " bytes per array, got " + std::to_string(raw.token_ids.size()) + " and " +
                   std::to_string(raw.logprobs.size()));
  TopkPromptLogprobs& t = out->topk_prompt_logprobs.emplace();
  t.prompt_length = raw.prompt_length;
  t.k = raw.k;
  t.token_ids.resize(cells);
  t.logprobs.resize(cells);
  std::memcpy(t.token_ids.data(), raw.token_ids.data(), cells * 4);
  std::memcpy(t.logprobs.data(), raw.logprobs.data(), cells * 4);
  return true;
}

// Counts the sequences before any is decoded, so that their number is checked, and their
// vector allocated, once. A malformed body is left for the decoding pass to report.
bool reserve_sequences(std::string_view body, SampleResponse* out, std::string* err) {
  Reader r(body, "SampleResponse");
  Field f;
  size_t n = 0;
  while (r.next(&f)) n += f.number == 1 && f.type == pb::LEN;
  if (n > kMaxSampleSequences)
    return fail(err, "SampleResponse: " + std::to_string(n) + " sequences, more than the " +
                         std::to_string(kMaxSampleSequences) + " a response may hold");
  out->sequences.reserve(n);
  return true;
}

}  // namespace

bool decode_sample_response(std::string_view body, SampleResponse* out, std::string* err) {
  std::string ignored;  // helpers below write through err
  if (!err) err = &ignored;
  *out = SampleResponse{};
  Reader r(body, "SampleResponse");
  Field f;
  std::string_view prompt_logprobs;
  RawTopk topk;
  bool has_topk = false;
  if (!reserve_sequences(body, out, err)) return false;
  while (r.next(&f)) {
    if (f.number == 1 && f.type == pb::LEN) {
      SampledSequence s;
      if (!parse_sequence(f.bytes, "SampleResponse.sequences[" + std::to_string(out->sequences.size()) + "]",
                          &s, err))
        return false;
      out->sequences.push_back(std::move(s));
    } else if (f.number == 2 && f.type == pb::LEN) {
      prompt_logprobs = f.bytes;
    } else if (f.number == 3 && f.type == pb::LEN) {
      has_topk = true;
      if (!parse_topk(f.bytes, &topk, err)) return false;
    } else if (f.number == 4 && f.type == pb::VARINT) {
      out->prompt_cache_hit_tokens = static_cast<int32_t>(f.value);
    }
  }
  if (r.failed()) return fail(err, r.error());
  if (!prompt_logprobs.empty()) {
    out->prompt_logprobs.emplace();
    if (!pb::bytes_to_f32(prompt_logprobs, &*out->prompt_logprobs, "SampleResponse.prompt_logprobs", err))
      return false;
  }
  return !has_topk || build_topk(topk, out, err);
}

size_t topk_row_length(const TopkPromptLogprobs& t, size_t row) {
  const size_t k = t.k;
  if (row >= t.prompt_length || k == 0) return 0;
  const int32_t* ids = t.token_ids.data() + row * k;
  const float* lps = t.logprobs.data() + row * k;
  auto masked = [&](size_t i) { return ids[i] == 0 && lps[i] == kTopkMaskLogprob; };
  if (masked(0)) return 0;
  size_t n = k;
  while (n > 1 && masked(n - 1)) --n;
  return n;
}

namespace {

size_t sequence_size(const SampledSequence& s) {
  size_t n = 0;
  if (s.stop_reason != StopReason::STOP) n += 1 + pb::varint_size(static_cast<uint64_t>(s.stop_reason));
  if (!s.tokens.empty()) n += pb::len_field_size(s.tokens.size() * 4);
  if (s.logprobs) n += pb::len_field_size(s.logprobs->size() * 4);
  return n;
}

size_t topk_size(const TopkPromptLogprobs& t) {
  size_t n = 0;
  if (!t.token_ids.empty()) n += pb::len_field_size(t.token_ids.size() * 4);
  if (!t.logprobs.empty()) n += pb::len_field_size(t.logprobs.size() * 4);
  if (t.k) n += 1 + pb::varint_size(t.k);
  if (t.prompt_length) n += 1 + pb::varint_size(t.prompt_length);
  return n;
}

}  // namespace

bool encode_sample_response(const SampleResponse& r, std::string* out, std::string* err) {
  if (const auto& t = r.topk_prompt_logprobs) {
    const uint64_t cells = static_cast<uint64_t>(t->prompt_length) * t->k;
    if (t->token_ids.size() != cells || t->logprobs.size() != cells) {
      if (err) *err = "top-k matrices must hold prompt_length x k cells";
      return false;
    }
  }
  for (const SampledSequence& s : r.sequences) {
    pb::put_len_header(out, 1, sequence_size(s));
    if (s.stop_reason != StopReason::STOP) pb::put_varint_field(out, 1, static_cast<uint64_t>(s.stop_reason));
    if (!s.tokens.empty()) pb::put_bytes_field(out, 2, s.tokens.data(), s.tokens.size() * 4);
    if (s.logprobs) pb::put_bytes_field(out, 3, s.logprobs->data(), s.logprobs->size() * 4);
  }
  if (r.prompt_logprobs)
    pb::put_bytes_field(out, 2, r.prompt_logprobs->data(), r.prompt_logprobs->size() * 4);
  if (const auto& t = r.topk_prompt_logprobs) {
    pb::put_len_header(out, 3, topk_size(*t));
    if (!t->token_ids.empty()) pb::put_bytes_field(out, 1, t->token_ids.data(), t->token_ids.size() * 4);
    if (!t->logprobs.empty()) pb::put_bytes_field(out, 2, t->logprobs.data(), t->logprobs.size() * 4);
    if (t->k) pb::put_varint_field(out, 3, t->k);
    if (t->prompt_length) pb::put_varint_field(out, 4, t->prompt_length);
  }
  if (r.prompt_cache_hit_tokens != 0)
    pb::put_varint_field(out, 4, pb::signed_varint_value(r.prompt_cache_hit_tokens));
  return true;
}

}  // namespace tinker::wire
