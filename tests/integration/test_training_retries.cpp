// Retry layers of the training calls (protocol.md §4.1, §4.2, §4.5, §6.6): training
// submissions get the HTTP layer inside the submission layer, saves only the submission layer,
// create_model only the HTTP layer; save_weights_and_get_sampling_client takes a new
// sampling_session_seq_id on every submission-layer attempt.
#include "harness.h"

#include <string>
#include <vector>

using namespace itest;

namespace {

tinker_service_client_t* service(int max_retries, int64_t budget_ms) {
  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_max_retries(o, max_retries), TINKER_OK);
  assert_int_equal(tinker_client_options_set_retry_budget_ms(o, budget_ms), TINKER_OK);
  return new_client(o);
}

std::string fault_503(const std::string& path, int count = 1) {
  return "{\"path\": \"" + path + "\", \"action\": \"status\", \"status\": 503, \"count\": " + std::to_string(count) +
         "}";
}

std::string key(const LogEntry& e) { return e.header("x-idempotency-key"); }
std::string retry_count(const LogEntry& e) { return e.header("x-stainless-retry-count"); }

void expect_statuses(const std::vector<LogEntry>& log, const std::vector<int>& statuses) {
  bool ok = log.size() == statuses.size();
  for (size_t i = 0; ok && i < log.size(); ++i) ok = log[i].status == statuses[i];
  if (!ok) {
    print_error("expected %zu requests with statuses:", statuses.size());
    for (int s : statuses) print_error(" %d", s);
    print_error("\ngot:\n");
    dump(log);
    fail();
  }
}

}  // namespace

// §4.1, §4.5: a forward_backward submission answered 503 is retried by the HTTP layer: same
// idempotency key, retry count 1, same seq_id; the call succeeds.
static void forward_backward_submission_is_retried_by_the_http_layer(void**) {
  tinker_service_client_t* c = service(2, 0);
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  b.add_text("retry me");
  add_fault(fault_503("/api/v1/forward_backward"));
  FbResult r = forward_backward(tc, b);
  assert_int_equal(r.num_datums, 1);
  auto log = fwdbwd_log(tc);
  expect_statuses(log, {503, 200});
  assert_string_equal(key(log[0]).c_str(), key(log[1]).c_str());
  assert_string_equal(retry_count(log[0]).c_str(), "0");
  assert_string_equal(retry_count(log[1]).c_str(), "1");
  assert_true(seq_ids(log) == std::vector<int64_t>({1, 1}));
}

// §4.1, §4.5: saves get no HTTP-layer retries whatever max_retries says; the submission layer
// retries them (after 1 s, with a new idempotency key) and the save succeeds.
static void save_state_is_retried_by_the_submission_layer_only(void**) {
  tinker_service_client_t* c = service(3, 5000);
  tinker_training_client_t* tc = new_training_client(c);
  add_fault(fault_503("/api/v1/save_weights"));
  save_state(tc, "retried");
  auto log = model_log(tinker_training_client_model_id(tc), "/api/v1/save_weights");
  expect_statuses(log, {503, 200});
  assert_string_not_equal(key(log[0]).c_str(), key(log[1]).c_str());
  assert_string_equal(retry_count(log[1]).c_str(), "0");
  double gap = log[1].t_ms - log[0].t_ms;
  assert_true(gap >= 1000 - 30 && gap < 1000 + 600);  // layer 2's first backoff, not layer 1's 0.5 s
}

// §4.2: a 409 on save is retried by the submission layer (new idempotency key per attempt)
// until the budget is spent.
static void save_state_conflict_fails_at_once_while_other_409s_are_retried(void**) {
  tinker_service_client_t* c = service(2, 1500);
  tinker_training_client_t* tc = new_training_client(c);
  save_state(tc, "once");
  tinker_save_result_t* r = nullptr;
  assert_status(tinker_training_client_save_state(tc, "once", 0, 0, &r), TINKER_E_ALREADY_EXISTS, tinker_last_error());
  assert_int_equal(tinker_error_http_status(tinker_last_error()), 409);
  // A name in use cannot heal: one request, no retry in either layer.
  expect_statuses(model_log(tinker_training_client_model_id(tc), "/api/v1/save_weights"), {200, 409});
  // Elsewhere 409 keeps the protocol's retries (§4.1): the optim_step goes through.
  add_fault("{\"path\": \"/api/v1/optim_step\", \"action\": \"status\", \"status\": 409, \"count\": 1}");
  optim_step(tc, 0.01);
  expect_statuses(model_log(tinker_training_client_model_id(tc), "/api/v1/optim_step"), {409, 200});
}

// §4.2: create_model is not wrapped in the submission layer: with no HTTP-layer retries a 503
// fails the creation at once (one request), whatever the retry budget.
// (On the skipping clock a layer-2 sleep would pass at once but still show as >= 1 s.)
static void create_model_is_not_retried_by_the_submission_layer(void**) {
  std::shared_ptr<tinker::SkippingClock> clock;
  tinker_client_options_t* opts = skipping_options(&clock);
  assert_int_equal(tinker_client_options_set_max_retries(opts, 0), TINKER_OK);
  assert_int_equal(tinker_client_options_set_retry_budget_ms(opts, 5000), TINKER_OK);
  tinker_service_client_t* c = new_client(opts);
  assert_status(tinker_service_client_start_session(c), TINKER_OK, tinker_last_error());
  add_fault(fault_503("/api/v1/create_model"));
  tinker_training_client_t* tc = nullptr;
  const auto t0 = clock->now();
  Outcome o = blocking_outcome(tinker_service_client_create_lora_training_client(c, kTinyModel, nullptr, nullptr, &tc));
  assert_null(tc);
  assert_status(o.status, TINKER_E_UNAVAILABLE, nullptr);
  assert_int_equal(o.http_status, 503);
  assert_true(ms_between(t0, clock->now()) < 1000);
  assert_int_equal(request_log("/api/v1/create_model").size(), 1);
}

// §4.1: create_model does get the HTTP layer (same idempotency key, same model_seq_id, so the
// server sees one model).
static void create_model_is_retried_by_the_http_layer(void**) {
  tinker_service_client_t* c = service(2, 0);
  add_fault(fault_503("/api/v1/create_model"));
  tinker_training_client_t* tc = new_training_client(c);
  auto log = request_log("/api/v1/create_model");
  expect_statuses(log, {503, 200});
  assert_string_equal(key(log[0]).c_str(), key(log[1]).c_str());
  assert_string_equal(tinker_training_client_model_id(tc),
                      (std::string(tinker_service_client_session_id(c)) + ":train:0").c_str());
}

// §6.6, §10 item 17: save_weights_and_get_sampling_client takes sampling_session_seq_id from the
// session counter inside the retried function: a submission-layer retry sends a new value, so
// the sampling session is <session>:sample:1, not :0. Its seq_id stays the same.
static void sampling_client_save_retry_takes_a_new_sampling_session_seq_id(void**) {
  tinker_service_client_t* c = service(2, 5000);
  tinker_training_client_t* tc = new_training_client(c);
  add_fault(fault_503("/api/v1/save_weights_for_sampler"));
  tinker_sampling_client_t* sc = nullptr;
  assert_status(tinker_training_client_save_weights_and_get_sampling_client(tc, nullptr, &sc), TINKER_OK,
                tinker_last_error());
  track_sampling(sc);
  std::string sid = tinker_service_client_session_id(c);
  assert_string_equal(tinker_sampling_client_sampling_session_id(sc), (sid + ":sample:1").c_str());
  auto log = model_log(tinker_training_client_model_id(tc), "/api/v1/save_weights_for_sampler");
  expect_statuses(log, {503, 200});  // no HTTP-layer retry for saves: the second is layer 2's
  assert_string_not_equal(key(log[0]).c_str(), key(log[1]).c_str());
  assert_true(seq_ids(log) == std::vector<int64_t>({1, 1}));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(forward_backward_submission_is_retried_by_the_http_layer, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(save_state_is_retried_by_the_submission_layer_only, training_setup, teardown),
      cmocka_unit_test_setup_teardown(save_state_conflict_fails_at_once_while_other_409s_are_retried, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(create_model_is_not_retried_by_the_submission_layer, training_setup, teardown),
      cmocka_unit_test_setup_teardown(create_model_is_retried_by_the_http_layer, training_setup, teardown),
      cmocka_unit_test_setup_teardown(sampling_client_save_retry_takes_a_new_sampling_session_seq_id, training_setup,
                                      teardown),
  };
  return cmocka_run_group_tests_name("integration_training_retries", tests, nullptr, nullptr);
}
