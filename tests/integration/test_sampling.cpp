// Sampling (protocol.md §4.3, §4.4, §5.5, §6.8, §6.9): S5 create_sampling_client, P1 sample and
// P2 compute_logprobs, blocking and _async, against the emulator's tiny model (token id = byte
// value), and how a sample call behaves under load, backpressure, lost promises, a server that
// makes no progress, deadlines and cancels.
#include "harness.h"

#include <cjson/cJSON.h>

#include <atomic>
#include <cmath>
#include <dirent.h>
#include <map>
#include <mutex>
#include <thread>

using namespace itest;

namespace {

// A text prompt whose token ids the test keeps (the model input borrows them).
class Prompt {
 public:
  explicit Prompt(const std::string& text) : tokens_(text.begin(), text.end()) {
    tinker_model_input_new(&input_);
    tinker_model_input_add_text_int32(input_, tokens_.data(), tokens_.size());
  }
  ~Prompt() { tinker_model_input_free(input_); }
  Prompt(const Prompt&) = delete;
  Prompt& operator=(const Prompt&) = delete;
  const tinker_model_input_t* get() const { return input_; }
  const std::vector<int32_t>& tokens() const { return tokens_; }

 private:
  std::vector<int32_t> tokens_;
  tinker_model_input_t* input_ = nullptr;
};

// Sampling parameters freed at scope end.
struct Params {
  tinker_sampling_params_t* p = nullptr;
  Params() { tinker_sampling_params_new(&p); }
  ~Params() { tinker_sampling_params_free(p); }
  Params& max_tokens(int64_t n) { return ok(tinker_sampling_params_set_max_tokens(p, n)); }
  Params& seed(int64_t s) { return ok(tinker_sampling_params_set_seed(p, s)); }
  Params& temperature(double t) { return ok(tinker_sampling_params_set_temperature(p, t)); }
  Params& stop_token(int32_t t) { return ok(tinker_sampling_params_add_stop_token(p, t)); }
  Params& stop_string(const char* s) { return ok(tinker_sampling_params_add_stop_string(p, s)); }
  Params& ok(tinker_status_t s) {
    assert_status(s, TINKER_OK, tinker_last_error());
    return *this;
  }
};

// A sample response copied out of its result.
struct Samples {
  std::vector<std::vector<int32_t>> tokens;
  std::vector<std::vector<float>> logprobs;  // empty when the server sent none
  std::vector<std::string> stop_reasons;
  std::vector<float> prompt_logprobs;
  std::vector<bool> prompt_defined;
  std::vector<std::vector<std::pair<int32_t, float>>> topk;  // per prompt position
};

Samples copy(const tinker_sample_response_t* r) {
  Samples s;
  for (size_t i = 0; i < tinker_sample_response_sequence_count(r); ++i) {
    const size_t n = tinker_sample_response_token_count(r, i);
    const int32_t* t = tinker_sample_response_tokens(r, i);
    const float* lp = tinker_sample_response_logprobs(r, i);
    s.tokens.emplace_back(t, t + n);
    s.logprobs.emplace_back(lp ? std::vector<float>(lp, lp + n) : std::vector<float>{});
    s.stop_reasons.emplace_back(tinker_sample_response_stop_reason(r, i));
  }
  const size_t np = tinker_sample_response_prompt_logprob_count(r);
  const float* p = tinker_sample_response_prompt_logprobs(r);
  for (size_t i = 0; i < np; ++i) {
    s.prompt_logprobs.push_back(p[i]);
    s.prompt_defined.push_back(tinker_sample_response_prompt_logprob_defined(r, i) != 0);
  }
  for (size_t pos = 0; pos < tinker_sample_response_topk_position_count(r); ++pos) {
    std::vector<std::pair<int32_t, float>> row;
    const int32_t* ids = tinker_sample_response_topk_token_ids(r, pos);
    const float* lps = tinker_sample_response_topk_logprobs(r, pos);
    for (size_t k = 0; k < tinker_sample_response_topk_count(r, pos); ++k) row.emplace_back(ids[k], lps[k]);
    s.topk.push_back(std::move(row));
  }
  return s;
}

// Blocking sample, asserting success.
Samples sample(tinker_sampling_client_t* sc, const Prompt& prompt, int64_t n, const Params& params, int prompt_lp = 0,
               int64_t topk = 0) {
  tinker_sample_response_t* r = nullptr;
  assert_status(tinker_sampling_client_sample(sc, prompt.get(), n, params.p, prompt_lp, topk, &r), TINKER_OK,
                tinker_last_error());
  Samples s = copy(r);
  tinker_sample_response_free(r);
  return s;
}

// _async sample, waited for and taken, asserting success.
Samples sample_async(tinker_sampling_client_t* sc, const Prompt& prompt, int64_t n, const Params& params) {
  tinker_future_t* f = nullptr;
  assert_status(tinker_sampling_client_sample_async(sc, prompt.get(), n, params.p, 0, 0, &f), TINKER_OK,
                tinker_last_error());
  track(f);
  assert_status(tinker_future_wait(f, 30000), TINKER_OK, tinker_future_error(f));
  tinker_sample_response_t* r = nullptr;
  assert_status(tinker_future_take_sample_response(f, &r), TINKER_OK, tinker_last_error());
  Samples s = copy(r);
  tinker_sample_response_free(r);
  return s;
}

tinker_service_client_t* client() { return new_client(fast_options()); }

// A sampling client on the tiny base model (S5, blocking; tracked).
tinker_sampling_client_t* base_sampler(tinker_service_client_t* c) {
  tinker_sampling_client_t* sc = nullptr;
  assert_status(tinker_service_client_create_sampling_client(c, nullptr, kTinyModel, nullptr, &sc), TINKER_OK,
                tinker_last_error());
  return track_sampling(sc);
}

// Threads of this process (the fan-out must not grow them).
size_t thread_count() {
  size_t n = 0;
  if (DIR* d = opendir("/proc/self/task")) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') ++n;
    closedir(d);
  }
  return n;
}


// One counter of GET /_emulator/stats.
int64_t stat(const char* name) {
  const HttpReply r = http("GET", "/_emulator/stats");
  cJSON* o = cJSON_Parse(r.body.c_str());
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(o, name);
  const int64_t n = cJSON_IsNumber(v) ? static_cast<int64_t>(v->valuedouble) : -1;
  cJSON_Delete(o);
  assert_true(n >= 0);
  return n;
}

// Starts the emulator's peak of samples in flight afresh.
void reset_sample_peak() { assert_int_equal(http("DELETE", "/_emulator/stats").status, 200); }

// `n` samples of one token fired at once; returns their futures (tracked).
std::vector<tinker_future_t*> fire(tinker_sampling_client_t* sc, const Prompt& prompt, size_t n) {
  Params p;
  p.max_tokens(1);
  std::vector<tinker_future_t*> fs(n);
  for (auto& f : fs) {
    assert_status(tinker_sampling_client_sample_async(sc, prompt.get(), 1, p.p, 0, 0, &f), TINKER_OK,
                  tinker_last_error());
    track(f);
  }
  return fs;
}

void wait_all_ok(const std::vector<tinker_future_t*>& fs) {
  for (tinker_future_t* f : fs) assert_status(tinker_future_wait(f, 120000), TINKER_OK, tinker_future_error(f));
}

// A sampling client on the tiny base model with this retry configuration (tracked).
tinker_sampling_client_t* base_sampler_with(tinker_service_client_t* c, const tinker_retry_config_t* retry) {
  tinker_sampling_client_t* sc = nullptr;
  assert_status(tinker_service_client_create_sampling_client(c, nullptr, kTinyModel, retry, &sc), TINKER_OK,
                tinker_last_error());
  return track_sampling(sc);
}
}  // namespace

// S5 on a base model and on a sampler checkpoint, blocking and async; the sampler knows its base
// model (P3).
static void create_sampling_client_on_a_base_model_or_a_checkpoint(void**) {
  tinker_service_client_t* c = client();
  tinker_sampling_client_t* on_base = base_sampler(c);
  char* base = nullptr;
  assert_status(tinker_sampling_client_get_base_model(on_base, &base), TINKER_OK, tinker_last_error());
  assert_string_equal(base, kTinyModel);
  tinker_free(base);

  tinker_training_client_t* tc = new_training_client(c);
  tinker_save_result_t* saved = nullptr;
  assert_status(tinker_training_client_save_weights_for_sampler(tc, "s5", 0, &saved), TINKER_OK, tinker_last_error());
  const std::string path = tinker_save_result_path(saved);
  tinker_save_result_free(saved);
  tinker_future_t* f = nullptr;
  Outcome o = async_outcome(tinker_service_client_create_sampling_client_async(c, path.c_str(), nullptr, nullptr, &f), &f);
  assert_status(o.status, TINKER_OK, nullptr);
  tinker_sampling_client_t* on_path = nullptr;
  assert_status(tinker_future_take_sampling_client(f, &on_path), TINKER_OK, tinker_last_error());
  track_sampling(on_path);
  auto creates = request_log("/api/v1/create_sampling_session");
  assert_int_equal(creates.size(), 2);
  assert_true(contains(request_log_raw(), "\"model_path\":\"" + path + "\""));
  assert_string_not_equal(tinker_sampling_client_sampling_session_id(on_base),
                          tinker_sampling_client_sampling_session_id(on_path));
}

// S5 needs a checkpoint or a base model, and a checkpoint is a tinker:// path: refused before
// any request.
static void create_sampling_client_checks_its_arguments_before_sending(void**) {
  tinker_service_client_t* c = client();
  clear_log();
  tinker_sampling_client_t* sc = reinterpret_cast<tinker_sampling_client_t*>(&c);
  Outcome o = blocking_outcome(tinker_service_client_create_sampling_client(c, nullptr, nullptr, nullptr, &sc));
  assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_true(contains(o.message, "give model_path or base_model"));
  assert_null(sc);
  tinker_future_t* f = nullptr;
  o = blocking_outcome(tinker_service_client_create_sampling_client_async(c, "/tmp/w", nullptr, nullptr, &f));
  assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_true(contains(o.message, "model_path must start with tinker://"));
  assert_null(f);
  assert_int_equal(request_log().size(), 0);
}

// P1 blocking and async: num_samples sequences of at most max_tokens, stop reason "length" when
// max_tokens ended them, a logprob per token; a stop token ends a sequence with "stop".
static void sample_gives_num_samples_sequences_within_max_tokens(void**) {
  tinker_sampling_client_t* sc = base_sampler(client());
  Prompt prompt("Hello");
  Params p;
  p.max_tokens(6).seed(7);
  for (bool async : {false, true}) {
    Samples s = async ? sample_async(sc, prompt, 3, p) : sample(sc, prompt, 3, p);
    assert_int_equal(s.tokens.size(), 3);
    for (size_t i = 0; i < 3; ++i) {
      assert_true(s.tokens[i].size() <= 6);
      assert_int_equal(s.logprobs[i].size(), s.tokens[i].size());
      for (float lp : s.logprobs[i]) assert_true(lp <= 0 && std::isfinite(lp));
      assert_string_equal(s.stop_reasons[i].c_str(), s.tokens[i].size() == 6 ? "length" : "stop");
      for (int32_t t : s.tokens[i]) assert_true(t >= 0 && t < 256);
    }
    assert_true(s.prompt_logprobs.empty() && s.topk.empty());
  }
  // Greedy sampling with the first greedy token as a stop token stops right there.
  Params greedy;
  greedy.max_tokens(4).temperature(0);
  const int32_t first = sample(sc, prompt, 1, greedy).tokens[0][0];
  Params stop;
  stop.max_tokens(4).temperature(0).stop_token(first);
  Samples s = sample(sc, prompt, 1, stop);
  assert_int_equal(s.tokens[0].size(), 1);
  assert_string_equal(s.stop_reasons[0].c_str(), "stop");
}

// The same seed reproduces the samples; seq_ids count from 0, one per attempt, and name the
// client's sampling session.
static void a_fixed_seed_reproduces_samples_and_seq_ids_count_from_zero(void**) {
  tinker_sampling_client_t* sc = base_sampler(client());
  Prompt prompt("abc");
  Params p;
  p.max_tokens(8).seed(1234);
  Samples a = sample(sc, prompt, 2, p), b = sample(sc, prompt, 2, p);
  assert_true(a.tokens == b.tokens);
  auto asamples = request_log("/api/v1/asample");
  assert_int_equal(asamples.size(), 2);
  assert_int_equal(asamples[0].seq_id, 0);
  assert_int_equal(asamples[1].seq_id, 1);
  for (const LogEntry& e : asamples) {
    assert_string_equal(e.header("x-tinker-sampling-backpressure").c_str(), "1");
    assert_string_equal(e.header("x-stainless-retry-count").c_str(), "0");
  }
  assert_true(contains(request_log_raw(), std::string("\"") + tinker_sampling_client_sampling_session_id(sc) + "\""));
}

// Prompt logprobs (undefined at position 0) and top-k prompt logprobs; P2 gives the same prompt
// logprobs, and both equal what forward computes for the same tokens on the same weights.
static void prompt_logprobs_agree_with_forward(void**) {
  tinker_service_client_t* c = client();
  tinker_training_client_t* tc = new_training_client(c, 8, 5);
  TrainBatch train;
  train.add_text("the quick brown fox");
  forward_backward(tc, train);
  optim_step(tc, 0.05);  // weights that are not the base model's
  tinker_sampling_client_t* sc = nullptr;
  assert_status(tinker_training_client_save_weights_and_get_sampling_client(tc, nullptr, &sc), TINKER_OK,
                tinker_last_error());
  track_sampling(sc);

  const std::string text = "jumps over";
  Prompt prompt(text);
  Params p;
  p.max_tokens(1);
  Samples s = sample(sc, prompt, 1, p, 1, 3);
  assert_int_equal(s.prompt_logprobs.size(), text.size());
  assert_false(s.prompt_defined[0]);
  assert_true(std::isnan(s.prompt_logprobs[0]));
  assert_int_equal(s.topk.size(), text.size());
  assert_int_equal(s.topk[0].size(), 0);
  for (size_t i = 1; i < text.size(); ++i) {
    assert_true(s.prompt_defined[i]);
    assert_true(s.topk[i].size() >= 1 && s.topk[i].size() <= 3);
    for (size_t k = 1; k < s.topk[i].size(); ++k) assert_true(s.topk[i][k - 1].second >= s.topk[i][k].second);
  }

  TrainBatch batch;
  batch.add_text(text);  // input bytes [0, n-1), targets [1, n)
  FbResult fwd = forward(tc, batch);
  for (bool async : {false, true}) {
    tinker_prompt_logprobs_t* lp = nullptr;
    if (!async) {
      assert_status(tinker_sampling_client_compute_logprobs(sc, prompt.get(), &lp), TINKER_OK, tinker_last_error());
    } else {
      tinker_future_t* f = nullptr;
      assert_status(async_outcome(tinker_sampling_client_compute_logprobs_async(sc, prompt.get(), &f), &f).status,
                    TINKER_OK, nullptr);
      assert_status(tinker_future_take_prompt_logprobs(f, &lp), TINKER_OK, tinker_last_error());
    }
    assert_int_equal(tinker_prompt_logprobs_count(lp), text.size());
    assert_false(tinker_prompt_logprobs_defined(lp, 0));
    const float* v = tinker_prompt_logprobs_values(lp);
    for (size_t i = 1; i < text.size(); ++i) {
      assert_true(tinker_prompt_logprobs_defined(lp, i));
      assert_float_equal(v[i], fwd.logprobs[0][i - 1], 1e-5);
      assert_float_equal(v[i], s.prompt_logprobs[i], 1e-6);
    }
    char* json = nullptr;
    assert_status(tinker_prompt_logprobs_to_json(lp, &json), TINKER_OK, tinker_last_error());
    assert_true(std::string(json).rfind("[null,", 0) == 0);
    tinker_free(json);
    tinker_prompt_logprobs_free(lp);
  }
}

// Bad input fails before anything is sent; the server's refusals are the caller's errors with
// the server's words; a sampler the server does not know is NOT_FOUND.
static void sample_errors_are_clear(void**) {
  tinker_sampling_client_t* sc = base_sampler(client());
  Prompt prompt("x");
  clear_log();
  tinker_sample_response_t* r = nullptr;
  Outcome o = blocking_outcome(tinker_sampling_client_sample(sc, prompt.get(), 0, nullptr, 0, 0, &r));
  assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_true(contains(o.message, "num_samples must be >= 1"));
  o = blocking_outcome(tinker_sampling_client_sample(sc, prompt.get(), 1, nullptr, 0, -2, &r));
  assert_true(contains(o.message, "topk_prompt_logprobs must be >= 0"));
  const int64_t wide[] = {int64_t{1} << 33};
  tinker_model_input_t* bad = nullptr;
  tinker_model_input_new(&bad);
  tinker_model_input_add_text_int64(bad, wide, 1);
  o = blocking_outcome(tinker_sampling_client_sample(sc, bad, 1, nullptr, 0, 0, &r));
  tinker_model_input_free(bad);
  assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_true(contains(o.message, "prompt chunk 0: token id 8589934592"));
  Params p;
  assert_status(tinker_sampling_params_set_top_p(p.p, 0), TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_status(tinker_sampling_params_set_temperature(p.p, NAN), TINKER_E_INVALID_ARGUMENT, nullptr);
  p.stop_string("\n");
  assert_status(tinker_sampling_params_add_stop_token(p.p, 1), TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_true(contains(tinker_error_message(tinker_last_error()), "cannot be mixed"));
  assert_int_equal(request_log("/api/v1/asample").size(), 0);

  // A token outside the tiny model's vocabulary: the server's user error, not retried.
  const int32_t big[] = {300};
  tinker_model_input_t* oov = nullptr;
  tinker_model_input_new(&oov);
  tinker_model_input_add_text_int32(oov, big, 1);
  o = blocking_outcome(tinker_sampling_client_sample(sc, oov, 1, nullptr, 0, 0, &r));
  tinker_model_input_free(oov);
  assert_int_not_equal(o.status, TINKER_OK);
  assert_int_equal(o.category, TINKER_ERROR_CATEGORY_USER);
  assert_null(r);

  // The server no longer knows the sampler.
  add_fault(R"({"path": "/api/v1/asample", "action": "status", "status": 404})");
  tinker_future_t* f = nullptr;
  o = async_outcome(tinker_sampling_client_sample_async(sc, prompt.get(), 1, nullptr, 0, 0, &f), &f);
  assert_status(o.status, TINKER_E_NOT_FOUND, nullptr);
}

// 2,000 samples at once all complete, on the library's fixed threads.
static void two_thousand_concurrent_samples_complete_on_fixed_threads(void**) {
  tinker_sampling_client_t* sc = base_sampler(client());
  Prompt prompt("fan");
  Params p;
  p.max_tokens(2);
  sample(sc, prompt, 1, p);  // the session and connections exist: count threads from here
  const size_t threads = thread_count();
  std::vector<tinker_future_t*> fs(2000);
  for (auto& f : fs) {
    assert_status(tinker_sampling_client_sample_async(sc, prompt.get(), 1, p.p, 0, 0, &f), TINKER_OK,
                  tinker_last_error());
    track(f);
  }
  size_t peak = threads;
  for (tinker_future_t* f : fs) {
    peak = std::max(peak, thread_count());
    assert_status(tinker_future_wait(f, 120000), TINKER_OK, tinker_future_error(f));
  }
  assert_int_equal(peak, threads);
  assert_int_equal(request_log("/api/v1/asample").size(), 2001);
}

// Cancelling 1,000 samples in flight ends them all CANCELLED and leaves no operation behind (the
// sanitizer lane checks that nothing leaks).
static void cancelling_a_thousand_samples_frees_everything(void**) {
  tinker_sampling_client_t* sc = base_sampler(client());
  Prompt prompt("stop me");
  Params p;
  p.max_tokens(64);
  // Every result is held back 5 s, so that all 1,000 are still in flight when they are cancelled
  // (the tiny model answers the first ones within milliseconds otherwise).
  add_fault(R"({"path": "/api/v1/retrieve_future", "action": "delay", "delay_ms": 5000, "request_type": "Sample",
                "count": -1})");
  std::vector<tinker_future_t*> fs(1000);
  for (auto& f : fs)
    assert_status(tinker_sampling_client_sample_async(sc, prompt.get(), 1, p.p, 0, 0, &f), TINKER_OK,
                  tinker_last_error());
  for (tinker_future_t* f : fs) tinker_future_cancel(f);
  for (tinker_future_t* f : fs) {
    assert_status(tinker_future_wait(f, 10000), TINKER_E_CANCELLED, nullptr);
    tinker_future_free(f);
  }
  clear_faults();
  // A later sample still works: the places and gates the cancelled ones held are free.
  Params one;
  one.max_tokens(1);
  assert_int_equal(sample(sc, prompt, 1, one).tokens.size(), 1);
}


// The server's sample_max_concurrent_requests bounds how many samples of a client are in flight:
// the server never sees more, and the client does use them all.
static void the_servers_connection_limit_bounds_samples_in_flight(void**) {
  set_config(R"({"client_config": {"sample_max_concurrent_requests": 16}, "sample_delay_ms": 300})");
  tinker_sampling_client_t* sc = base_sampler(client());  // reads the limit
  Prompt prompt("limit");
  reset_sample_peak();
  wait_all_ok(fire(sc, prompt, 64));
  assert_int_equal(stat("samples_in_flight_peak"), 16);
}

// With the server refusing beyond 4 samples in flight (429), every sample still completes; a
// refused submission is resubmitted with the same seq_id after the back-off window (1 s), so the
// seq_ids are exactly one per sample and each was accepted once.
static void a_backpressure_storm_completes_and_resubmits_with_the_same_seq_id(void**) {
  set_config(R"({"sample_max_concurrent": 4, "sample_delay_ms": 100})");
  tinker_sampling_client_t* sc = base_sampler(client());
  Prompt prompt("storm");
  clear_log();
  const int64_t refused_before = stat("sample_backpressure_429s");
  reset_sample_peak();
  const size_t n = 20;
  wait_all_ok(fire(sc, prompt, n));
  assert_true(stat("sample_backpressure_429s") > refused_before);
  assert_true(stat("samples_in_flight_peak") <= 4);

  std::map<int64_t, std::vector<LogEntry>> by_seq;
  for (const LogEntry& e : request_log("/api/v1/asample")) by_seq[e.seq_id].push_back(e);
  assert_int_equal(by_seq.size(), n);
  size_t resubmitted = 0;
  for (const auto& [seq, tries] : by_seq) {
    assert_true(seq >= 0 && seq < static_cast<int64_t>(n));
    for (size_t i = 0; i + 1 < tries.size(); ++i) {
      assert_int_equal(tries[i].status, 429);
      assert_true(sent_ms(tries[i + 1]) - sent_ms(tries[i]) >= 900);  // the back-off window
    }
    assert_int_equal(tries.back().status, 200);
    resubmitted += tries.size() > 1;
  }
  assert_true(resubmitted > 0);
}

// 410 on a poll: the promise is gone, so the whole sample is submitted again with a new seq_id.
static void a_lost_promise_resubmits_the_sample_with_a_new_seq_id(void**) {
  tinker_sampling_client_t* sc = base_sampler(client());
  Prompt prompt("lost");
  Params p;
  p.max_tokens(3);
  clear_log();
  add_fault(R"({"path": "/api/v1/retrieve_future", "action": "expire", "request_type": "Sample", "count": 1})");
  assert_int_equal(sample(sc, prompt, 1, p).tokens.size(), 1);
  auto asamples = request_log("/api/v1/asample");
  assert_int_equal(asamples.size(), 2);
  assert_int_equal(asamples[0].seq_id, 0);
  assert_int_equal(asamples[1].seq_id, 1);
  size_t gone = 0;
  for (const LogEntry& e : request_log("/api/v1/retrieve_future")) gone += e.status == 410;
  assert_int_equal(gone, 1);
}

// The server's sample_no_retries: a sample ends at the first lost promise; compute_logprobs still
// makes a new attempt.
static void sample_no_retries_ends_a_sample_at_its_first_failure_but_not_compute_logprobs(void**) {
  set_config(R"({"client_config": {"sample_no_retries": true}})");
  tinker_sampling_client_t* sc = base_sampler(client());
  Prompt prompt("once");
  const char* expire = R"({"path": "/api/v1/retrieve_future", "action": "expire", "request_type": "Sample"})";
  add_fault(expire);
  tinker_sample_response_t* r = nullptr;
  Outcome o = blocking_outcome(tinker_sampling_client_sample(sc, prompt.get(), 1, nullptr, 0, 0, &r));
  assert_int_not_equal(o.status, TINKER_OK);
  assert_null(r);
  assert_int_equal(request_log("/api/v1/asample").size(), 1);

  clear_faults();
  clear_log();
  add_fault(expire);
  tinker_prompt_logprobs_t* lp = nullptr;
  assert_status(tinker_sampling_client_compute_logprobs(sc, prompt.get(), &lp), TINKER_OK, tinker_last_error());
  tinker_prompt_logprobs_free(lp);
  assert_int_equal(request_log("/api/v1/asample").size(), 2);
}

// Stuck detection: when nothing completes for progress_timeout, every sample in flight fails
// with a clear "no progress" error instead of waiting for ever.
static void stuck_detection_fails_every_sample_in_flight_with_no_progress(void**) {
  set_config(R"({"sample_delay_ms": 60000})");
  tinker_retry_config_t* retry = nullptr;
  assert_status(tinker_retry_config_new(&retry), TINKER_OK, nullptr);
  assert_status(tinker_retry_config_set_progress_timeout(retry, 0.5), TINKER_OK, nullptr);
  tinker_sampling_client_t* sc = base_sampler_with(client(), retry);
  tinker_retry_config_free(retry);
  Prompt prompt("stuck");
  for (tinker_future_t* f : fire(sc, prompt, 5)) {
    assert_status(tinker_future_wait(f, 20000), TINKER_E_UNAVAILABLE, nullptr);
    assert_true(contains(tinker_error_message(tinker_future_error(f)), "no progress made in 0.5 s"));
  }
}

// A client's default deadline ends a sample that takes longer, naming the deadline.
static void a_deadline_ends_a_sample_that_takes_too_long(void**) {
  set_config(R"({"sample_delay_ms": 5000})");
  tinker_client_options_t* o = fast_options();
  assert_status(tinker_client_options_set_default_deadline_ms(o, 300), TINKER_OK, nullptr);
  tinker_sampling_client_t* sc = base_sampler(new_client(o));
  Prompt prompt("late");
  tinker_future_t* f = fire(sc, prompt, 1)[0];
  assert_status(tinker_future_wait(f, 20000), TINKER_E_DEADLINE_EXCEEDED, nullptr);
  assert_true(contains(tinker_error_message(tinker_future_error(f)), "deadline of 300 ms"));
}

// A sample waiting in the server's queue reports the queue state to the callback.
struct QueueStates {
  std::mutex mu;
  std::vector<tinker_queue_state_t> states;
  std::vector<std::string> reasons;
};

void on_queue_state(tinker_queue_state_t state, const char* reason, const char*, void* ud) {
  auto* q = static_cast<QueueStates*>(ud);
  std::lock_guard<std::mutex> lk(q->mu);
  q->states.push_back(state);
  q->reasons.push_back(reason ? reason : "");
}

static void a_paused_sample_reports_its_queue_state(void**) {
  set_config(R"({"sample_delay_ms": 1000})");
  QueueStates q;
  tinker_client_options_t* o = fast_options();
  assert_status(tinker_client_options_set_queue_state_callback(o, on_queue_state, &q), TINKER_OK, nullptr);
  tinker_sampling_client_t* sc = base_sampler(new_client(o));
  add_fault(R"({"path": "/api/v1/retrieve_future", "action": "queue_state", "queue_state": "paused_rate_limit",
                "queue_state_reason": "too many samples"})");
  Prompt prompt("queue");
  wait_all_ok(fire(sc, prompt, 1));
  std::lock_guard<std::mutex> lk(q.mu);
  assert_true(!q.states.empty());
  assert_int_equal(q.states[0], TINKER_QUEUE_PAUSED_RATE_LIMIT);
  assert_string_equal(q.reasons[0].c_str(), "too many samples");
}

// A checkpoint the server does not have: S5 fails with the server's words, as the caller's error.
static void create_sampling_client_on_an_unknown_checkpoint_is_the_callers_error(void**) {
  tinker_service_client_t* c = client();
  tinker_sampling_client_t* sc = nullptr;
  Outcome o = blocking_outcome(tinker_service_client_create_sampling_client(
      c, "tinker://no-such-model/sampler_weights/none", nullptr, nullptr, &sc));
  assert_int_not_equal(o.status, TINKER_OK);
  assert_int_equal(o.category, TINKER_ERROR_CATEGORY_USER);
  assert_null(sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(create_sampling_client_on_a_base_model_or_a_checkpoint, setup, teardown),
      cmocka_unit_test_setup_teardown(create_sampling_client_checks_its_arguments_before_sending, setup, teardown),
      cmocka_unit_test_setup_teardown(sample_gives_num_samples_sequences_within_max_tokens, setup, teardown),
      cmocka_unit_test_setup_teardown(a_fixed_seed_reproduces_samples_and_seq_ids_count_from_zero, setup, teardown),
      cmocka_unit_test_setup_teardown(prompt_logprobs_agree_with_forward, setup, teardown),
      cmocka_unit_test_setup_teardown(sample_errors_are_clear, setup, teardown),
      cmocka_unit_test_setup_teardown(two_thousand_concurrent_samples_complete_on_fixed_threads, setup, teardown),
      cmocka_unit_test_setup_teardown(cancelling_a_thousand_samples_frees_everything, setup, teardown),
      cmocka_unit_test_setup_teardown(the_servers_connection_limit_bounds_samples_in_flight, setup, teardown),
      cmocka_unit_test_setup_teardown(a_backpressure_storm_completes_and_resubmits_with_the_same_seq_id, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(a_lost_promise_resubmits_the_sample_with_a_new_seq_id, setup, teardown),
      cmocka_unit_test_setup_teardown(sample_no_retries_ends_a_sample_at_its_first_failure_but_not_compute_logprobs,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(stuck_detection_fails_every_sample_in_flight_with_no_progress, setup, teardown),
      cmocka_unit_test_setup_teardown(a_deadline_ends_a_sample_that_takes_too_long, setup, teardown),
      cmocka_unit_test_setup_teardown(a_paused_sample_reports_its_queue_state, setup, teardown),
      cmocka_unit_test_setup_teardown(create_sampling_client_on_an_unknown_checkpoint_is_the_callers_error, setup,
                                      teardown),
  };
  return cmocka_run_group_tests_name("sampling", tests, nullptr, nullptr);
}
