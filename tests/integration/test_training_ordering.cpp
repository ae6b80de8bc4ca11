// Request ordering of one training client (protocol.md §6.1): seq_ids reserved at call time in
// call order across every operation kind, submissions in strictly increasing seq_id order, a
// failed or cancelled operation releasing its turn, and pipelining (is_submitted before the
// result). Observed through the emulator's request log (seq_id / model_id of each body).
#include "harness.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

using namespace itest;

namespace {

const std::string kFwdBwd = "/api/v1/forward_backward";
const std::string kOptim = "/api/v1/optim_step";
const std::string kSave = "/api/v1/save_weights";

tinker_service_client_t* service(int max_retries = 2, int64_t budget_ms = 3000) {
  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_max_retries(o, max_retries), TINKER_OK);
  assert_int_equal(tinker_client_options_set_retry_budget_ms(o, budget_ms), TINKER_OK);
  return new_client(o);
}

// The training requests of `model_id` in arrival order.
std::vector<LogEntry> training_requests(const std::string& model_id) {
  return model_log_paths(model_id, {kFwdBwd, kOptim, kSave});
}

void expect_seq_ids(const std::vector<LogEntry>& log, const std::vector<int64_t>& expected) {
  if (seq_ids(log) != expected) {
    print_error("expected seq_ids:");
    for (int64_t s : expected) print_error(" %lld", static_cast<long long>(s));
    print_error("\ngot:\n");
    for (const auto& e : log)
      print_error("  %9.1f ms %s seq_id=%lld -> %d\n", e.t_ms, e.path.c_str(), static_cast<long long>(e.seq_id),
                  e.status);
    fail();
  }
}

tinker_future_t* fb_async(tinker_training_client_t* tc, const TrainBatch& b) {
  tinker_future_t* f = nullptr;
  assert_status(tinker_training_client_forward_backward_async(tc, b.get(), "cross_entropy", nullptr, &f), TINKER_OK,
                tinker_last_error());
  return track(f);
}

tinker_future_t* optim_async(tinker_training_client_t* tc) {
  tinker_future_t* f = nullptr;
  assert_status(tinker_training_client_optim_step_async(tc, nullptr, &f), TINKER_OK, tinker_last_error());
  return track(f);
}

// Waits for a future that must finish within `ms`; returns its status.
tinker_status_t finish(tinker_future_t* f, int64_t ms = 10000) {
  tinker_status_t s = tinker_future_wait(f, ms);
  if (s == TINKER_E_TIMEOUT) {
    print_error("future still pending after %lld ms\n", static_cast<long long>(ms));
    dump(request_log());
    fail();
  }
  return s;
}

}  // namespace

// §6.1: operations issued concurrently from several threads on one training client reach the
// server in strictly increasing seq_id order, 1, 2, 3, … with no gap, one counter shared by
// forward_backward, optim_step and save_state; the server executes them in that order.
static void concurrent_operations_reach_the_server_in_strict_seq_id_order(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  b.add_text("many threads, one order");
  constexpr int kThreads = 4, kRounds = 3, kOpsPerRound = 3;
  std::vector<std::vector<tinker_future_t*>> futures(kThreads);
  std::vector<int> start_errors(kThreads, 0);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ready++;
      while (ready.load() < kThreads) std::this_thread::yield();
      for (int r = 0; r < kRounds; ++r) {
        tinker_future_t* f = nullptr;
        if (tinker_training_client_forward_backward_async(tc, b.get(), "cross_entropy", nullptr, &f) != TINKER_OK)
          start_errors[t]++;
        futures[t].push_back(f);
        f = nullptr;
        if (tinker_training_client_optim_step_async(tc, nullptr, &f) != TINKER_OK) start_errors[t]++;
        futures[t].push_back(f);
        f = nullptr;
        std::string name = "t" + std::to_string(t) + "-r" + std::to_string(r);
        if (tinker_training_client_save_state_async(tc, name.c_str(), 0, 0, &f) != TINKER_OK) start_errors[t]++;
        futures[t].push_back(f);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<tinker_future_t*> all;
  for (int t = 0; t < kThreads; ++t) {
    assert_int_equal(start_errors[t], 0);
    for (auto* f : futures[t]) all.push_back(track(f));
  }
  assert_int_equal(tinker_future_wait_all(all.data(), all.size(), 30000), TINKER_OK);
  for (auto* f : all) assert_status(tinker_future_poll(f), TINKER_OK, tinker_future_error(f));

  const int n = kThreads * kRounds * kOpsPerRound;
  auto log = training_requests(tinker_training_client_model_id(tc));
  std::vector<int64_t> expected;
  for (int i = 1; i <= n; ++i) expected.push_back(i);
  expect_seq_ids(log, expected);
  // One counter across kinds: each kind's seq_ids are not a block of their own.
  size_t kinds_changes = 0;
  for (size_t i = 1; i < log.size(); ++i) kinds_changes += log[i].path != log[i - 1].path;
  assert_true(kinds_changes >= 3);
  for (const auto& path : {kFwdBwd, kOptim, kSave}) {
    size_t count = std::count_if(log.begin(), log.end(), [&](const LogEntry& e) { return e.path == path; });
    assert_int_equal(count, kThreads * kRounds);
  }
  for (const auto& e : log) assert_int_equal(e.status, 200);
  // The server ran them in that order (seq 0 is the creating request).
  EmuModel m = emulator_model(tinker_training_client_model_id(tc));
  std::vector<int64_t> executed = {0};
  executed.insert(executed.end(), expected.begin(), expected.end());
  assert_true(m.executed_seq_ids == executed);
}

// §6.1: a submission that fails for good (a 400 on optim_step, no retries) ends its operation
// with the error but releases its turn: the operations after it are submitted at once with their
// own seq_ids (only the failed seq_id is missing among the accepted requests), and later ones
// complete. The server never saw the failed seq_id, so what already waits behind that gap is
// released by the emulator's gap timeout (set short here).
static void failed_submission_still_lets_later_operations_go(void**) {
  set_config("{\"seq_gap_timeout_ms\": 300}");
  tinker_service_client_t* c = service(0, 0);
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  b.add_text("a gap in the middle");
  forward_backward(tc, b);  // seq 1

  add_fault("{\"path\": \"/api/v1/optim_step\", \"action\": \"status\", \"status\": 400}");
  tinker_future_t* failed = optim_async(tc);  // seq 2: rejected
  tinker_future_t* fb3 = fb_async(tc, b);     // seq 3
  tinker_future_t* opt4 = optim_async(tc);    // seq 4
  assert_status(finish(failed), TINKER_E_INVALID_ARGUMENT, tinker_future_error(failed));
  assert_int_equal(tinker_error_http_status(tinker_future_error(failed)), 400);
  assert_status(tinker_future_wait_submitted(fb3, 5000), TINKER_OK, tinker_future_error(fb3));
  assert_status(tinker_future_wait_submitted(opt4, 5000), TINKER_OK, tinker_future_error(opt4));
  tinker_status_t s3 = finish(fb3), s4 = finish(opt4);
  print_message("behind the gap: forward_backward %s, optim_step %s\n", tinker_status_str(s3), tinker_status_str(s4));

  // Operations issued afterwards complete normally.
  FbResult later = forward_backward(tc, b);  // seq 5
  assert_int_equal(later.num_datums, 1);
  optim_step(tc, 0.01);  // seq 6

  auto log = training_requests(tinker_training_client_model_id(tc));
  expect_seq_ids(log, {1, 2, 3, 4, 5, 6});
  std::vector<int64_t> accepted;
  for (const auto& e : log) {
    if (e.seq_id == 2) {
      assert_int_equal(e.status, 400);
      assert_string_equal(e.fault.c_str(), "status");
    } else {
      assert_int_equal(e.status, 200);
      accepted.push_back(e.seq_id);
    }
  }
  assert_true(accepted == std::vector<int64_t>({1, 3, 4, 5, 6}));
}

// §6.1, §4.1, §4.2: a submission holds its turn through its retries (a 503 retried by the HTTP
// layer, then one retried by the submission layer): the operations issued after it reach the
// server only after its accepted attempt, so seq_ids still arrive in order.
static void retried_submission_keeps_its_turn(void**) {
  tinker_service_client_t* c = service(1, 5000);
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  b.add_text("retry in line");
  forward_backward(tc, b);  // seq 1
  add_fault("{\"path\": \"/api/v1/optim_step\", \"action\": \"status\", \"status\": 503, \"count\": 2}");
  tinker_future_t* opt = optim_async(tc);  // seq 2: 503, 503 (layer 1 exhausted), then 200 after ~1 s
  tinker_future_t* fb = fb_async(tc, b);   // seq 3
  tinker_future_t* save = nullptr;         // seq 4
  assert_status(tinker_training_client_save_state_async(tc, "after-retries", 0, 0, &save), TINKER_OK,
                tinker_last_error());
  track(save);
  assert_status(finish(opt), TINKER_OK, tinker_future_error(opt));
  assert_status(finish(fb), TINKER_OK, tinker_future_error(fb));
  assert_status(finish(save), TINKER_OK, tinker_future_error(save));
  auto log = training_requests(tinker_training_client_model_id(tc));
  expect_seq_ids(log, {1, 2, 2, 2, 3, 4});
  assert_int_equal(log[1].status, 503);
  assert_int_equal(log[2].status, 503);
  assert_int_equal(log[3].status, 200);
  assert_true(log[4].t_ms >= log[3].t_ms);
}

// §6.1 pipelining: tinker_future_is_submitted / wait_submitted turn true once forward_backward's
// request reached the server, before its result (polls are slowed down); optim_step submitted
// right behind it reaches the server while forward_backward's result is still pending.
static void forward_backward_is_submitted_before_its_result(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  b.add_text("pipelining");
  add_fault("{\"path\": \"/api/v1/forward_backward\", \"action\": \"delay\", \"delay_ms\": 600}");
  add_fault("{\"path\": \"/api/v1/retrieve_future\", \"action\": \"delay\", \"delay_ms\": 1500, \"count\": 2}");

  tinker_future_t* fb = fb_async(tc, b);
  assert_int_equal(tinker_future_is_submitted(fb), 0);  // its submission is answered 600 ms late
  assert_int_equal(tinker_future_wait_submitted(fb, 200), TINKER_E_TIMEOUT);
  assert_status(tinker_future_wait_submitted(fb, 5000), TINKER_OK, tinker_future_error(fb));
  assert_int_equal(tinker_future_is_submitted(fb), 1);
  assert_int_equal(tinker_future_poll(fb), TINKER_PENDING);

  tinker_future_t* opt = optim_async(tc);
  assert_status(tinker_future_wait_submitted(opt, 5000), TINKER_OK, tinker_future_error(opt));
  assert_int_equal(tinker_future_is_submitted(opt), 1);
  assert_int_equal(tinker_future_poll(fb), TINKER_PENDING);  // still waiting for its slow poll

  assert_status(finish(fb), TINKER_OK, tinker_future_error(fb));
  assert_status(finish(opt), TINKER_OK, tinker_future_error(opt));
  assert_int_equal(tinker_future_is_submitted(fb), 1);
  expect_seq_ids(training_requests(tinker_training_client_model_id(tc)), {1, 2});
}

// Cancelling a submitted forward_backward whose result is pending ends it CANCELLED at once;
// the operations after it run normally.
static void cancel_pending_forward_backward_then_later_operations_complete(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  b.add_text("cancel me");
  add_fault("{\"path\": \"/api/v1/retrieve_future\", \"action\": \"delay\", \"delay_ms\": 3000}");
  tinker_future_t* fb = fb_async(tc, b);
  assert_status(tinker_future_wait_submitted(fb, 5000), TINKER_OK, tinker_future_error(fb));
  // Its poll has reached the emulator (and drawn the delay), so later polls are not slowed.
  assert_true(eventually(
      [] {
        for (const auto& e : request_log("/api/v1/retrieve_future"))
          if (e.fault == "delay") return true;
        return false;
      },
      3000));
  assert_int_equal(tinker_future_poll(fb), TINKER_PENDING);
  assert_int_equal(tinker_future_cancel(fb), TINKER_OK);
  assert_int_equal(tinker_future_wait(fb, 1000), TINKER_E_CANCELLED);

  auto m = optim_step(tc, 0.01);
  FbResult after = forward(tc, b);
  // Not held up by the cancelled call's slow poll: its answer has not even been sent yet.
  for (const auto& e : request_log("/api/v1/retrieve_future"))
    if (e.fault == "delay") assert_int_equal(e.status, 0);
  assert_true(m.count("learning_rate:mean") == 1);
  assert_int_equal(after.num_datums, 1);
  expect_seq_ids(training_requests(tinker_training_client_model_id(tc)), {1, 2, 3});
}

// Cancelling a forward_backward that is still waiting for its turn ends it CANCELLED at once and
// releases its turn: the next operation is submitted as soon as the one before the cancelled
// call finished submitting, and the cancelled seq_id never reaches the server.
static void cancel_while_waiting_for_its_turn_does_not_block_later_operations(void**) {
  set_config("{\"seq_gap_timeout_ms\": 300}");
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  b.add_text("waiting in line");
  add_fault("{\"path\": \"/api/v1/forward_backward\", \"action\": \"delay\", \"delay_ms\": 800}");
  tinker_future_t* first = fb_async(tc, b);    // seq 1: its submission is answered late
  tinker_future_t* waiting = fb_async(tc, b);  // seq 2: waits for its turn
  sleep_ms(100);
  assert_int_equal(tinker_future_is_submitted(waiting), 0);
  assert_int_equal(tinker_future_cancel(waiting), TINKER_OK);
  assert_int_equal(tinker_future_wait(waiting, 0), TINKER_E_CANCELLED);  // ended when cancel returned

  tinker_future_t* next = optim_async(tc);  // seq 3
  assert_status(tinker_future_wait_submitted(next, 5000), TINKER_OK, tinker_future_error(next));
  assert_status(finish(first), TINKER_OK, tinker_future_error(first));
  tinker_status_t s3 = finish(next);
  print_message("after the cancelled seq_id: optim_step %s\n", tinker_status_str(s3));

  FbResult later = forward_backward(tc, b);  // seq 4
  assert_int_equal(later.num_datums, 1);
  expect_seq_ids(training_requests(tinker_training_client_model_id(tc)), {1, 3, 4});
}

// The same for a chunked forward_backward (3 parallel chunks sharing one turn range): cancelled
// while waiting, every chunk's turn is released and none of its seq_ids reaches the server.
static void cancel_chunked_forward_backward_while_waiting_releases_its_turns(void**) {
  set_config("{\"seq_gap_timeout_ms\": 300, \"client_config\": {\"fwdbwd_max_chunk_len\": 1}}");
  tinker_service_client_t* c = service();
  assert_status(tinker_service_client_start_session(c), TINKER_OK, tinker_last_error());
  set_config("{\"client_config\": {\"fwdbwd_max_chunk_len\": null}}");
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch one, three;
  one.add_text("first");
  three.add_text("chunk a");
  three.add_text("chunk b");
  three.add_text("chunk c");
  add_fault("{\"path\": \"/api/v1/forward_backward\", \"action\": \"delay\", \"delay_ms\": 800}");
  tinker_future_t* first = fb_async(tc, one);      // seq 1: answered late
  tinker_future_t* chunked = fb_async(tc, three);  // seq 2, 3, 4: wait
  sleep_ms(100);
  assert_int_equal(tinker_future_cancel(chunked), TINKER_OK);
  assert_int_equal(tinker_future_wait(chunked, 1000), TINKER_E_CANCELLED);
  tinker_future_t* next = optim_async(tc);  // seq 5
  assert_status(tinker_future_wait_submitted(next, 5000), TINKER_OK, tinker_future_error(next));
  assert_status(finish(first), TINKER_OK, tinker_future_error(first));
  finish(next);
  FbResult later = forward_backward(tc, one);  // seq 6
  assert_int_equal(later.num_datums, 1);
  expect_seq_ids(training_requests(tinker_training_client_model_id(tc)), {1, 5, 6});
}

// tinker.h: an operation rejected at the call (TINKER_E_INVALID_ARGUMENT, no future, no
// request) must not use up seq_ids: otherwise the next request carries a seq_id after a gap the
// server waits for (the emulator for seq_gap_timeout_ms, 60 s by default) before failing it.
static void rejected_input_uses_no_seq_id(void**) {
  tinker_service_client_t* c = service();
  tinker_training_client_t* tc = new_training_client(c);
  // An image_asset_pointer chunk (no protobuf form) and a token id that does not fit int32.
  for (int k = 0; k < 2; ++k) {
    DatumSpec d = image_pointer_datum("file:///cat.png");
    if (k == 1) {
      d.input = {1, int64_t(1) << 40};
      d.image_url.clear();
      d.target = {2, 3};
    }
    TrainBatch bad;
    bad.add(d);
    tinker_future_t* f = nullptr;
    tinker_status_t s = tinker_training_client_forward_backward_async(tc, bad.get(), "cross_entropy", nullptr, &f);
    assert_status(s, TINKER_E_INVALID_ARGUMENT, tinker_last_error());
    assert_null(f);
  }
  TrainBatch b;
  b.add_text("the next request");
  tinker_future_t* ok = fb_async(tc, b);
  assert_status(tinker_future_wait_submitted(ok, 5000), TINKER_OK, tinker_future_error(ok));
  expect_seq_ids(training_requests(tinker_training_client_model_id(tc)), {1});
  assert_status(finish(ok, 5000), TINKER_OK, tinker_future_error(ok));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(concurrent_operations_reach_the_server_in_strict_seq_id_order, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(failed_submission_still_lets_later_operations_go, training_setup, teardown),
      cmocka_unit_test_setup_teardown(retried_submission_keeps_its_turn, training_setup, teardown),
      cmocka_unit_test_setup_teardown(forward_backward_is_submitted_before_its_result, training_setup, teardown),
      cmocka_unit_test_setup_teardown(cancel_pending_forward_backward_then_later_operations_complete, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(cancel_while_waiting_for_its_turn_does_not_block_later_operations, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(cancel_chunked_forward_backward_while_waiting_releases_its_turns, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(rejected_input_uses_no_seq_id, training_setup, teardown),
  };
  return cmocka_run_group_tests_name("integration_training_ordering", tests, nullptr, nullptr);
}
