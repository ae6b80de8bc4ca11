// Chunked forward / forward_backward (protocol.md §6.1–§6.3): the server's client/config limits
// fwdbwd_max_chunk_len and fwdbwd_max_chunk_bytes_count split a batch into requests with
// consecutive seq_ids; results come back in input order with the metrics combined; with
// parallel_fwdbwd_chunks the first chunk is submitted last. The client reads client/config when
// its session starts, so each test sets the flags before creating the service client.
#include "harness.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

using namespace itest;

namespace {

// A service client that starts its session now, under the client_config given (merged), and
// keeps those limits; the config is put back to the defaults afterwards.
tinker_service_client_t* service_with(const std::string& client_config) {
  set_config("{\"client_config\": " + client_config + "}");
  tinker_service_client_t* c = new_client(fast_options());
  assert_status(tinker_service_client_start_session(c), TINKER_OK, tinker_last_error());
  set_config(
      "{\"client_config\": {\"fwdbwd_max_chunk_len\": null, \"fwdbwd_max_chunk_bytes_count\": null,"
      " \"parallel_fwdbwd_chunks\": null}}");
  return c;
}

// `n` datums of lengths 2, 3, 4, … (distinct, so a datum out of place changes the shapes).
void datums(TrainBatch* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    std::vector<int64_t> in, tg;
    std::vector<float> w;
    for (size_t j = 0; j < i + 2; ++j) {
      in.push_back(static_cast<int64_t>((7 * i + 3 * j) % 256));
      tg.push_back(static_cast<int64_t>((7 * i + 3 * j + 1) % 256));
      w.push_back(1.0f + 0.25f * static_cast<float>(j % 2));
    }
    b->add(in, tg, w);
  }
}

void expect_close(double a, double b, double rel) {
  if (!(std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b)))) {
    print_error("%.12g != %.12g (relative tolerance %g)\n", a, b, rel);
    fail();
  }
}

// Runs `b` through forward_backward on a chunking client and on a default one (same seed, so
// the same weights); asserts the chunked call made `requests` requests with consecutive
// seq_ids 1.., and that its outputs (input order) and loss:sum match the unchunked call.
void expect_chunked_like_unchunked(const std::string& client_config, const TrainBatch& b, size_t requests,
                                   std::vector<LogEntry>* log_out = nullptr) {
  tinker_service_client_t* chunked = service_with(client_config);
  tinker_service_client_t* plain = new_client(fast_options());
  tinker_training_client_t* tc = new_training_client(chunked, 8, 21);
  tinker_training_client_t* ref = new_training_client(plain, 8, 21);

  FbResult got = forward_backward(tc, b);
  FbResult want = forward_backward(ref, b);
  auto log = fwdbwd_log(tc);
  if (log.size() != requests) {
    print_error("expected %zu forward_backward requests, got %zu\n", requests, log.size());
    dump(log);
    fail();
  }
  std::vector<int64_t> seqs = seq_ids(log);
  std::sort(seqs.begin(), seqs.end());
  for (size_t i = 0; i < seqs.size(); ++i) assert_int_equal(seqs[i], static_cast<int64_t>(i + 1));
  assert_int_equal(fwdbwd_log(ref).size(), 1);

  assert_int_equal(got.num_datums, b.size());
  assert_same_logprobs(got, want, 0.0);
  for (size_t i = 0; i < b.size(); ++i) assert_int_equal(got.logprobs[i].size(), b.length(i));
  expect_close(got.metric("loss:sum"), want.metric("loss:sum"), 1e-9);
  expect_close(got.metric("loss:sum"), cross_entropy(b, got), 1e-5);

  // The next operation continues after the chunks' seq_ids.
  optim_step(tc, 0.01);
  auto optim = model_log(tinker_training_client_model_id(tc), "/api/v1/optim_step");
  assert_int_equal(optim.size(), 1);
  assert_int_equal(optim[0].seq_id, static_cast<int64_t>(requests + 1));
  if (log_out) *log_out = log;
}

}  // namespace

// §6.2: fwdbwd_max_chunk_len 4 splits 9 datums into 3 requests (4 + 4 + 1); outputs are in
// input order and loss:sum is the sum over the chunks (= the unchunked loss:sum).
static void chunk_len_4_splits_9_datums_into_3_requests(void**) {
  TrainBatch b;
  datums(&b, 9);
  expect_chunked_like_unchunked("{\"fwdbwd_max_chunk_len\": 4}", b, 3);
}

// §6.2: a batch of exactly twice the limit makes exactly 2 requests (no empty third one).
static void chunk_len_4_splits_8_datums_into_exactly_2_requests(void**) {
  TrainBatch b;
  datums(&b, 8);
  expect_chunked_like_unchunked("{\"fwdbwd_max_chunk_len\": 4}", b, 2);
}

// §6.2: the byte limit splits too (estimate per datum: 4 bytes per token + 8 per int64 target
// + 4 per float32 weight = 16 bytes per position), and a datum larger than the limit travels
// alone. 3-token datums are 48 bytes; the limit 100 takes two of them; a 20-token datum (320
// bytes) goes alone: [s, s] [big] [s, s] [s] = 4 requests.
static void chunk_bytes_limit_splits_and_an_oversized_datum_travels_alone(void**) {
  TrainBatch b;
  auto small = [&](int k) { b.add({k, k + 1, k + 2}, {k + 1, k + 2, k + 3}, {1, 1, 1}); };
  small(10);
  small(20);
  std::vector<int64_t> in, tg;
  for (int j = 0; j < 20; ++j) {
    in.push_back(40 + j);
    tg.push_back(41 + j);
  }
  b.add(in, tg, std::vector<float>(20, 0.5f));
  small(70);
  small(80);
  small(90);
  expect_chunked_like_unchunked("{\"fwdbwd_max_chunk_bytes_count\": 100}", b, 4);
}

// §6.1: with parallel_fwdbwd_chunks (the default) chunks 2..n are submitted first and chunk 1
// last: the request with the lowest seq_id arrives after all the others.
static void parallel_chunks_submit_the_first_chunk_last(void**) {
  TrainBatch b;
  datums(&b, 8);
  std::vector<LogEntry> log;
  expect_chunked_like_unchunked("{\"fwdbwd_max_chunk_len\": 2, \"parallel_fwdbwd_chunks\": true}", b, 4, &log);
  const LogEntry* first = nullptr;
  for (const auto& e : log)
    if (e.seq_id == 1) first = &e;
  assert_non_null(first);
  for (const auto& e : log) {
    if (&e == first) continue;
    if (!(e.t_ms < first->t_ms)) {
      print_error("chunk seq_id %lld arrived at %.1f ms, not before chunk 1 (%.1f ms)\n",
                  static_cast<long long>(e.seq_id), e.t_ms, first->t_ms);
      dump(log);
      fail();
    }
  }
  assert_int_equal(log.back().seq_id, 1);
}

// §6.1: the first chunk waits for the other chunks' whole submissions, retries included: a
// chunk whose first attempt gets a 503 is retried, and chunk 1 still arrives last.
static void parallel_chunks_wait_for_retried_chunks_before_the_first(void**) {
  tinker_service_client_t* chunked = service_with("{\"fwdbwd_max_chunk_len\": 2}");
  tinker_training_client_t* tc = new_training_client(chunked, 8, 2);
  TrainBatch b;
  datums(&b, 6);
  add_fault("{\"path\": \"/api/v1/forward_backward\", \"action\": \"status\", \"status\": 503}");
  FbResult r = forward_backward(tc, b);
  assert_int_equal(r.num_datums, 6);
  auto log = fwdbwd_log(tc);
  assert_int_equal(log.size(), 4);  // 3 chunks + 1 retry
  assert_int_equal(log[0].status, 503);
  assert_true(log[0].seq_id != 1);
  assert_int_equal(log.back().seq_id, 1);
  for (size_t i = 1; i < log.size(); ++i) assert_int_equal(log[i].status, 200);
}

// §6.2, §6.9: the dispatch byte budget (fwdbwd_dispatch_bytes_semaphore_size) allows overdraft:
// chunks larger than the whole budget still go, one after the other, without a deadlock.
static void dispatch_budget_smaller_than_a_chunk_does_not_deadlock(void**) {
  tinker_service_client_t* chunked =
      service_with("{\"fwdbwd_max_chunk_len\": 1, \"fwdbwd_dispatch_bytes_semaphore_size\": 10}");
  set_config("{\"client_config\": {\"fwdbwd_dispatch_bytes_semaphore_size\": null}}");
  tinker_training_client_t* tc = new_training_client(chunked, 8, 2);
  TrainBatch b;
  datums(&b, 4);
  tinker_future_t* f1 = nullptr;
  tinker_future_t* f2 = nullptr;
  assert_status(tinker_training_client_forward_backward_async(tc, b.get(), "cross_entropy", nullptr, &f1), TINKER_OK,
                tinker_last_error());
  track(f1);
  assert_status(tinker_training_client_forward_async(tc, b.get(), "cross_entropy", nullptr, &f2), TINKER_OK,
                tinker_last_error());
  track(f2);
  FbResult r1 = take_fb(f1), r2 = take_fb(f2);
  assert_same_logprobs(r1, r2, 0.0);
  auto seqs = seq_ids(fwdbwd_log(tc));
  std::sort(seqs.begin(), seqs.end());
  assert_true(seqs == std::vector<int64_t>({1, 2, 3, 4, 5, 6, 7, 8}));
}

// §6.1: with parallel_fwdbwd_chunks false each chunk takes its own turn: they arrive in
// seq_id order.
static void sequential_chunks_arrive_in_seq_id_order(void**) {
  TrainBatch b;
  datums(&b, 8);
  std::vector<LogEntry> log;
  expect_chunked_like_unchunked("{\"fwdbwd_max_chunk_len\": 2, \"parallel_fwdbwd_chunks\": false}", b, 4, &log);
  assert_true(seq_ids(log) == std::vector<int64_t>({1, 2, 3, 4}));
  for (size_t i = 1; i < log.size(); ++i) assert_true(log[i - 1].t_ms <= log[i].t_ms);
}

// §6.2–§6.4: forward (forward_only) is chunked the same way, blocking and _async.
static void forward_is_chunked_like_forward_backward(void**) {
  tinker_service_client_t* chunked = service_with("{\"fwdbwd_max_chunk_len\": 3}");
  tinker_service_client_t* plain = new_client(fast_options());
  tinker_training_client_t* tc = new_training_client(chunked, 8, 4);
  tinker_training_client_t* ref = new_training_client(plain, 8, 4);
  TrainBatch b;
  datums(&b, 7);
  FbResult want = forward(ref, b);
  FbResult blocking = forward(tc, b);
  tinker_future_t* f = nullptr;
  assert_status(tinker_training_client_forward_async(tc, b.get(), "cross_entropy", nullptr, &f), TINKER_OK,
                tinker_last_error());
  track(f);
  FbResult async = take_fb(f);
  assert_same_logprobs(blocking, want, 0.0);
  assert_same_logprobs(async, want, 0.0);
  expect_close(blocking.metric("loss:sum"), want.metric("loss:sum"), 1e-9);
  expect_close(async.metric("loss:sum"), want.metric("loss:sum"), 1e-9);
  auto seqs = seq_ids(fwdbwd_log(tc));
  std::sort(seqs.begin(), seqs.end());
  assert_true(seqs == std::vector<int64_t>({1, 2, 3, 4, 5, 6}));
}

namespace {
struct Seen {
  std::vector<std::vector<float>> logprobs;
};
tinker_status_t record_and_unit_loss(const tinker_custom_loss_input_t* in, tinker_custom_loss_output_t* out, void* ud) {
  auto* seen = static_cast<Seen*>(ud);
  seen->logprobs.clear();
  double loss = 0;
  for (size_t i = 0; i < tinker_custom_loss_input_num_datums(in); ++i) {
    const float* lp = nullptr;
    size_t n = 0;
    if (tinker_custom_loss_input_logprobs(in, i, &lp, &n) != TINKER_OK) return TINKER_E_INTERNAL;
    seen->logprobs.emplace_back(lp, lp + n);
    std::vector<float> grad(n, -1.0f);
    for (size_t j = 0; j < n; ++j) loss -= lp[j];
    if (tinker_custom_loss_output_set_gradient(out, i, grad.data(), n) != TINKER_OK) return TINKER_E_INTERNAL;
  }
  tinker_custom_loss_output_set_loss(out, loss);
  return TINKER_OK;
}
}  // namespace

// §6.5 over §6.2: forward_backward_custom's forward and backward are chunked too; the callback
// sees every datum's logprobs in input order, and the result lists them in input order.
static void custom_loss_over_chunks_sees_the_datums_in_input_order(void**) {
  static Seen seen;
  seen = Seen{};
  tinker_service_client_t* chunked = service_with("{\"fwdbwd_max_chunk_len\": 2}");
  tinker_service_client_t* plain = new_client(fast_options());
  tinker_training_client_t* tc = new_training_client(chunked, 8, 6);
  tinker_training_client_t* ref = new_training_client(plain, 8, 6);
  TrainBatch b;
  for (size_t i = 0; i < 5; ++i) {
    std::vector<int64_t> in, tg;
    for (size_t j = 0; j < i + 2; ++j) {
      in.push_back(static_cast<int64_t>(11 * i + j));
      tg.push_back(static_cast<int64_t>(11 * i + j + 1));
    }
    b.add(in, tg, {});
  }
  FbResult want = forward(ref, b);
  tinker_forward_backward_output_t* out = nullptr;
  assert_status(tinker_training_client_forward_backward_custom(tc, b.get(), record_and_unit_loss, &seen, &out),
                TINKER_OK, tinker_last_error());
  FbResult got = fb_result(out);
  tinker_forward_backward_output_free(out);
  assert_true(seen.logprobs == want.logprobs);
  assert_same_logprobs(got, want, 0.0);
  auto seqs = seq_ids(fwdbwd_log(tc));
  std::sort(seqs.begin(), seqs.end());
  assert_true(seqs == std::vector<int64_t>({1, 2, 3, 4, 5, 6}));  // 3 forward + 3 backward chunks
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(chunk_len_4_splits_9_datums_into_3_requests, training_setup, teardown),
      cmocka_unit_test_setup_teardown(chunk_len_4_splits_8_datums_into_exactly_2_requests, training_setup, teardown),
      cmocka_unit_test_setup_teardown(chunk_bytes_limit_splits_and_an_oversized_datum_travels_alone, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(parallel_chunks_submit_the_first_chunk_last, training_setup, teardown),
      cmocka_unit_test_setup_teardown(parallel_chunks_wait_for_retried_chunks_before_the_first, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(sequential_chunks_arrive_in_seq_id_order, training_setup, teardown),
      cmocka_unit_test_setup_teardown(dispatch_budget_smaller_than_a_chunk_does_not_deadlock, training_setup, teardown),
      cmocka_unit_test_setup_teardown(forward_is_chunked_like_forward_backward, training_setup, teardown),
      cmocka_unit_test_setup_teardown(custom_loss_over_chunks_sees_the_datums_in_input_order, training_setup, teardown),
  };
  return cmocka_run_group_tests_name("integration_training_chunking", tests, nullptr, nullptr);
}
