#include "wire/json_sample.h"

#include <cjson/cJSON.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "wire/datum_check.h"
#include "wire/fail.h"
#include "wire/json.h"
#include "wire/json_chunks.h"
#include "wire/json_writer.h"
#include "wire/sample_response.h"

namespace tinker::wire {

// ---- client side -----------------------------------------------------------------------

bool encode_prompt_json(const std::vector<ChunkView>& chunks, std::string* out, std::string* err) {
  DatumView d;
  d.chunks = chunks;
  std::string msg;
  if (!check_datum(d, 0, AssetPointers::ALLOW, &msg) || !check_token_ranges(d, 0, &msg)) {
    // The shared checks speak of datums; a prompt is one model input.
    if (msg.rfind("datum 0 ", 0) == 0) msg = "prompt " + msg.substr(8);
    return fail(err, msg);
  }
  std::string text;
  JsonWriter w(&text);
  w.begin_object().key("chunks").begin_array();
  for (const ChunkView& c : chunks) write_chunk_json(w, c);
  w.end_array().end_object();
  out->append(text);
  return true;
}

void assemble_sample_request_json(const SampleRequestFields& f, std::string_view prompt_json, int64_t seq_id,
                                  std::string* out) {
  out->reserve(out->size() + prompt_json.size() + 256 + f.sampling_session_id.size());
  JsonWriter w(out);
  const SamplingParams& p = f.params;
  w.begin_object().key("num_samples").int64(f.num_samples).key("prompt").raw(prompt_json);
  w.key("sampling_params").begin_object();
  if (p.max_tokens) w.key("max_tokens").int64(*p.max_tokens);
  if (p.seed) w.key("seed").int64(*p.seed);
  if (!p.stop_strings.empty()) {
    w.key("stop").begin_array();
    for (const std::string& s : p.stop_strings) w.string(s);
    w.end_array();
  } else if (!p.stop_tokens.empty()) {
    w.key("stop").array_i32(p.stop_tokens.data(), p.stop_tokens.size());
  }
  w.key("temperature").float64(p.temperature).key("top_k").int64(p.top_k).key("top_p").float64(p.top_p);
  w.end_object();
  w.key("sampling_session_id").string(f.sampling_session_id).key("seq_id").int64(seq_id);
  w.key("prompt_logprobs").boolean(f.prompt_logprobs).key("topk_prompt_logprobs").int64(f.topk_prompt_logprobs);
  w.key("type").string("sample").end_object();
}

namespace {

const cJSON* member(const cJSON* obj, const char* key) {
  const cJSON* m = cJSON_GetObjectItemCaseSensitive(obj, key);
  return cJSON_IsNull(m) ? nullptr : m;  // null stands for absent everywhere here
}

bool whole_in(const cJSON* n, double lo, double hi, int64_t* out) {
  if (!cJSON_IsNumber(n)) return false;
  const double v = n->valuedouble;
  if (!(v >= lo && v <= hi) || v != std::floor(v)) return false;
  *out = static_cast<int64_t>(v);
  return true;
}

// An array of numbers (null = NaN) into `out`.
bool read_floats(const cJSON* arr, const std::string& what, std::vector<float>* out, std::string* err) {
  if (!cJSON_IsArray(arr)) return fail(err, what + ": expected an array of numbers");
  out->reserve(static_cast<size_t>(cJSON_GetArraySize(arr)));
  for (const cJSON* v = arr->child; v; v = v->next) {
    if (cJSON_IsNull(v)) out->push_back(std::numeric_limits<float>::quiet_NaN());
    else if (cJSON_IsNumber(v)) out->push_back(static_cast<float>(v->valuedouble));
    else return fail(err, what + ": expected numbers");
  }
  return true;
}

bool read_int32s(const cJSON* arr, const std::string& what, std::vector<int32_t>* out, std::string* err) {
  if (!cJSON_IsArray(arr)) return fail(err, what + ": expected an array of integers");
  out->reserve(static_cast<size_t>(cJSON_GetArraySize(arr)));
  for (const cJSON* v = arr->child; v; v = v->next) {
    int64_t x;
    if (!whole_in(v, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), &x))
      return fail(err, what + ": expected int32 values");
    out->push_back(static_cast<int32_t>(x));
  }
  return true;
}

bool read_sequence(const cJSON* s, const std::string& what, SampledSequence* out, std::string* err) {
  if (!cJSON_IsObject(s)) return fail(err, what + ": expected an object");
  const cJSON* reason = member(s, "stop_reason");
  if (!cJSON_IsString(reason)) return fail(err, what + ": missing stop_reason");
  const std::string r = reason->valuestring;
  if (r == "stop") out->stop_reason = StopReason::STOP;
  else if (r == "length") out->stop_reason = StopReason::LENGTH;
  else return fail(err, what + ": unknown stop_reason \"" + r + "\"");
  if (!read_int32s(member(s, "tokens"), what + ".tokens", &out->tokens, err)) return false;
  if (const cJSON* lp = member(s, "logprobs")) {
    out->logprobs.emplace();
    if (!read_floats(lp, what + ".logprobs", &*out->logprobs, err)) return false;
  }
  return true;
}

// Rows of [[id, logprob]...] or null into the dense matrix of the protobuf form.
bool read_topk(const cJSON* rows, TopkPromptLogprobs* out, std::string* err) {
  const std::string what = "SampleResponse.topk_prompt_logprobs";
  if (!cJSON_IsArray(rows)) return fail(err, what + ": expected an array");
  size_t k = 0, n = 0;
  for (const cJSON* row = rows->child; row; row = row->next, ++n) {
    if (cJSON_IsNull(row)) continue;
    if (!cJSON_IsArray(row)) return fail(err, what + "[" + std::to_string(n) + "]: expected null or an array");
    k = std::max(k, static_cast<size_t>(cJSON_GetArraySize(row)));
  }
  if (n == 0 || k == 0) return true;  // no data: as the protobuf form without a matrix
  // Each cell costs its text at least "[0,0]," (6 bytes); a short body cannot make a large matrix
  // unless most rows are short: bound the padding by the rows' count times the widest row.
  if (n > std::numeric_limits<uint32_t>::max() || k > std::numeric_limits<uint32_t>::max() ||
      n * k > (size_t{1} << 28))
    return fail(err, what + ": " + std::to_string(n) + " x " + std::to_string(k) + " is too large");
  out->prompt_length = static_cast<uint32_t>(n);
  out->k = static_cast<uint32_t>(k);
  out->token_ids.assign(n * k, 0);
  out->logprobs.assign(n * k, kTopkMaskLogprob);
  size_t r = 0;
  for (const cJSON* row = rows->child; row; row = row->next, ++r) {
    size_t c = 0;
    for (const cJSON* cell = cJSON_IsArray(row) ? row->child : nullptr; cell; cell = cell->next, ++c) {
      int64_t id;
      const cJSON* lp = cJSON_GetArrayItem(cell, 1);
      if (!cJSON_IsArray(cell) || cJSON_GetArraySize(cell) != 2 ||
          !whole_in(cJSON_GetArrayItem(cell, 0), std::numeric_limits<int32_t>::min(),
                    std::numeric_limits<int32_t>::max(), &id) ||
          !cJSON_IsNumber(lp))
        return fail(err, what + "[" + std::to_string(r) + "][" + std::to_string(c) + "]: expected [token id, logprob]");
      out->token_ids[r * k + c] = static_cast<int32_t>(id);
      out->logprobs[r * k + c] = static_cast<float>(lp->valuedouble);
    }
  }
  return true;
}

}  // namespace

bool decode_sample_response_json(std::string_view body, SampleResponse* out, std::string* err) {
  *out = SampleResponse{};
  json::Ptr doc = json::parse(std::string(body));
  if (!doc || !cJSON_IsObject(doc.get())) return fail(err, "SampleResponse: not a JSON object");
  const cJSON* seqs = member(doc.get(), "sequences");
  if (!cJSON_IsArray(seqs)) return fail(err, "SampleResponse: missing sequences");
  if (static_cast<size_t>(cJSON_GetArraySize(seqs)) > kMaxSampleSequences)
    return fail(err, "SampleResponse: more than " + std::to_string(kMaxSampleSequences) + " sequences");
  for (const cJSON* s = seqs->child; s; s = s->next) {
    out->sequences.emplace_back();
    if (!read_sequence(s, "SampleResponse.sequences[" + std::to_string(out->sequences.size() - 1) + "]",
                       &out->sequences.back(), err))
      return false;
  }
  if (const cJSON* p = member(doc.get(), "prompt_logprobs")) {
    out->prompt_logprobs.emplace();
    if (!read_floats(p, "SampleResponse.prompt_logprobs", &*out->prompt_logprobs, err)) return false;
  }
  if (const cJSON* t = member(doc.get(), "topk_prompt_logprobs")) {
    TopkPromptLogprobs topk;
    if (!read_topk(t, &topk, err)) return false;
    if (topk.k > 0) out->topk_prompt_logprobs = std::move(topk);
  }
  if (const cJSON* h = member(doc.get(), "prompt_cache_hit_tokens")) {
    int64_t v;
    if (!whole_in(h, 0, std::numeric_limits<int32_t>::max(), &v))
      return fail(err, "SampleResponse: prompt_cache_hit_tokens must be an int32 >= 0");
    out->prompt_cache_hit_tokens = static_cast<int32_t>(v);
  }
  return true;
}

// ---- emulator side ---------------------------------------------------------------------

namespace {

bool read_optional_string(const cJSON* obj, const char* key, std::optional<std::string>* out, std::string* err) {
  const cJSON* s = member(obj, key);
  if (!s) return true;
  if (!cJSON_IsString(s)) return fail(err, std::string("\"") + key + "\" must be a string");
  *out = s->valuestring;
  return true;
}

bool read_whole(const cJSON* obj, const char* key, const std::string& where, double lo, double hi,
                std::optional<int64_t>* out, std::string* err) {
  const cJSON* n = member(obj, key);
  if (!n) return true;
  int64_t v;
  if (!whole_in(n, lo, hi, &v))
    return fail(err, where + "\"" + key + "\" must be a whole number in [" + std::to_string(static_cast<long long>(lo)) + ", " +
                         std::to_string(static_cast<long long>(hi)) + "]");
  *out = v;
  return true;
}

bool read_stop(const cJSON* stop, SamplingParams* p, std::string* err) {
  if (!stop) return true;
  if (cJSON_IsString(stop)) {
    p->stop_strings.emplace_back(stop->valuestring);
    return true;
  }
  if (!cJSON_IsArray(stop)) return fail(err, "sampling_params.stop must be a string or a list");
  if (!stop->child) return true;
  if (cJSON_IsString(stop->child)) {
    for (const cJSON* s = stop->child; s; s = s->next) {
      if (!cJSON_IsString(s)) return fail(err, "sampling_params.stop mixes strings and other values");
      p->stop_strings.emplace_back(s->valuestring);
    }
    return true;
  }
  return read_int32s(stop, "sampling_params.stop", &p->stop_tokens, err);
}

bool read_params(const cJSON* sp, SamplingParams* p, std::string* err) {
  if (!cJSON_IsObject(sp)) return fail(err, "\"sampling_params\" (object) is required");
  const std::string where = "sampling_params.";
  const double max_exact = static_cast<double>(json::kMaxExactInt);
  std::optional<int64_t> top_k;
  if (!read_whole(sp, "max_tokens", where, 0, max_exact, &p->max_tokens, err) ||
      !read_whole(sp, "seed", where, -max_exact, max_exact, &p->seed, err) ||
      !read_whole(sp, "top_k", where, -1, max_exact, &top_k, err) || !read_stop(member(sp, "stop"), p, err))
    return false;
  if (top_k) p->top_k = *top_k;
  if (const cJSON* t = member(sp, "temperature")) {
    if (!cJSON_IsNumber(t) || !(t->valuedouble >= 0) || !std::isfinite(t->valuedouble))
      return fail(err, "sampling_params.temperature must be a finite number >= 0");
    p->temperature = t->valuedouble;
  }
  if (const cJSON* t = member(sp, "top_p")) {
    if (!cJSON_IsNumber(t) || !(t->valuedouble > 0 && t->valuedouble <= 1))
      return fail(err, "sampling_params.top_p must be in (0, 1]");
    p->top_p = t->valuedouble;
  }
  return true;
}

}  // namespace

bool decode_sample_request_json(std::string_view body, SampleRequest* out, std::string* err) {
  *out = SampleRequest{};
  json::Ptr doc = json::parse(std::string(body));
  const cJSON* b = doc.get();
  if (!b || !cJSON_IsObject(b)) return fail(err, "the body must be a JSON object");
  const double max_exact = static_cast<double>(json::kMaxExactInt);
  std::optional<int64_t> num_samples, topk;
  if (!read_optional_string(b, "sampling_session_id", &out->sampling_session_id, err) ||
      !read_optional_string(b, "base_model", &out->base_model, err) ||
      !read_optional_string(b, "model_path", &out->model_path, err) ||
      !read_whole(b, "seq_id", "", 0, max_exact, &out->seq_id, err) ||
      !read_whole(b, "num_samples", "", 1, max_exact, &num_samples, err) ||
      !read_whole(b, "topk_prompt_logprobs", "", 0, max_exact, &topk, err))
    return false;
  if (num_samples) out->num_samples = *num_samples;
  if (topk) out->topk_prompt_logprobs = *topk;
  if (const cJSON* pl = member(b, "prompt_logprobs")) {
    if (!cJSON_IsBool(pl)) return fail(err, "\"prompt_logprobs\" must be a boolean");
    out->prompt_logprobs = cJSON_IsTrue(pl);
  }
  const cJSON* chunks = member(member(b, "prompt"), "chunks");
  if (!cJSON_IsArray(chunks)) return fail(err, "\"prompt\" must be an object with a \"chunks\" array");
  for (const cJSON* c = chunks->child; c; c = c->next) {
    out->prompt.emplace_back();
    if (!read_chunk_json(c, "prompt.chunks[" + std::to_string(out->prompt.size() - 1) + "]", &out->prompt.back(), err))
      return false;
  }
  return read_params(member(b, "sampling_params"), &out->params, err);
}

void encode_sample_response_json(const SampleResponse& r, std::string* out) {
  JsonWriter w(out);
  w.begin_object().key("sequences").begin_array();
  for (const SampledSequence& s : r.sequences) {
    w.begin_object().key("stop_reason").string(stop_reason_name(s.stop_reason));
    w.key("tokens").array_i32(s.tokens.data(), s.tokens.size());
    if (s.logprobs) w.key("logprobs").array_f32(s.logprobs->data(), s.logprobs->size());
    w.end_object();
  }
  w.end_array();
  if (r.prompt_logprobs) w.key("prompt_logprobs").array_f32(r.prompt_logprobs->data(), r.prompt_logprobs->size());
  if (r.topk_prompt_logprobs) {
    const TopkPromptLogprobs& t = *r.topk_prompt_logprobs;
    w.key("topk_prompt_logprobs").begin_array();
    for (size_t row = 0; row < t.prompt_length; ++row) {
      const size_t n = topk_row_length(t, row);
      if (n == 0) {
        w.null();
        continue;
      }
      w.begin_array();
      for (size_t i = 0; i < n; ++i)
        w.begin_array().int64(t.token_ids[row * t.k + i]).float32(t.logprobs[row * t.k + i]).end_array();
      w.end_array();
    }
    w.end_array();
  }
  w.key("prompt_cache_hit_tokens").int64(r.prompt_cache_hit_tokens).key("type").string("sample").end_object();
}

}  // namespace tinker::wire
