// forward_backward_custom (T3, protocol.md §6.5): a forward pass with cross_entropy, the
// caller's loss on the logprobs, then forward_backward with weights = −d loss / d logprobs and
// the callback's metrics merged in. Blocking and _async.
#include "harness.h"

#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace itest;

namespace {

const std::string kFwdBwd = "/api/v1/forward_backward";

// What the callback saw and how it behaves. Tests use a static instance: an _async callback may
// still run after a failed test returned.
struct LossProbe {
  int calls = 0;
  size_t num_datums = 0;
  std::vector<std::vector<float>> logprobs;
  std::vector<std::vector<int64_t>> targets;
  std::vector<int> has_weights;
  double loss = 0;
  tinker_status_t result = TINKER_OK;  // what the callback returns
  bool set_gradients = true;
  bool squared = false;                  // the loss: Σ c·logprob² instead of −Σ c·logprob
  std::vector<std::vector<float>> coef;  // per datum c_j (empty: all 1)
  std::vector<std::vector<float>> gradients;  // what the callback set, per datum
};

// loss = −Σ c_j·logprob_j over every target (c_j = 1 unless the probe says otherwise): gradient
// −c_j per logprob; with probe.squared, loss = Σ c_j·logprob_j²: gradient 2·c_j·logprob_j.
// Adds two metrics.
tinker_status_t probe_loss(const tinker_custom_loss_input_t* in, tinker_custom_loss_output_t* out, void* ud) {
  auto* p = static_cast<LossProbe*>(ud);
  p->calls++;
  p->num_datums = tinker_custom_loss_input_num_datums(in);
  p->logprobs.clear();
  p->targets.clear();
  p->has_weights.clear();
  p->gradients.clear();
  double loss = 0;
  for (size_t i = 0; i < p->num_datums; ++i) {
    const float* lp = nullptr;
    size_t n = 0;
    if (tinker_custom_loss_input_logprobs(in, i, &lp, &n) != TINKER_OK) return TINKER_E_INTERNAL;
    p->logprobs.emplace_back(lp, lp + n);
    const int64_t* tg = nullptr;
    size_t nt = 0;
    if (tinker_custom_loss_input_tensor_int64(in, i, "target_tokens", &tg, &nt) != TINKER_OK) return TINKER_E_INTERNAL;
    p->targets.emplace_back(tg, tg + nt);
    const float* w = nullptr;
    size_t nw = 0;
    p->has_weights.push_back(tinker_custom_loss_input_tensor_float32(in, i, "weights", &w, &nw) == TINKER_OK);
    std::vector<float> c = i < p->coef.size() ? p->coef[i] : std::vector<float>(n, 1.0f);
    if (c.size() != n) return TINKER_E_INTERNAL;
    std::vector<float> grad(n);
    for (size_t j = 0; j < n; ++j) {
      if (p->squared) {
        loss += c[j] * lp[j] * lp[j];
        grad[j] = 2.0f * c[j] * lp[j];
      } else {
        loss -= c[j] * lp[j];
        grad[j] = -c[j];
      }
    }
    p->gradients.push_back(grad);
    if (p->set_gradients) {
      if (tinker_custom_loss_output_set_gradient(out, i, grad.data(), grad.size()) != TINKER_OK)
        return TINKER_E_INTERNAL;
    }
  }
  p->loss = loss;
  tinker_custom_loss_output_set_loss(out, loss);
  tinker_custom_loss_output_add_metric(out, "custom_metric", 7.5);
  tinker_custom_loss_output_add_metric(out, "datums_seen:sum", static_cast<double>(p->num_datums));
  return p->result;
}

Outcome run_custom(tinker_training_client_t* tc, const tinker_batch_t* b, LossProbe* probe, bool async,
                   FbResult* r = nullptr) {
  if (!async) {
    tinker_forward_backward_output_t* out = nullptr;
    tinker_status_t s = tinker_training_client_forward_backward_custom(tc, b, probe_loss, probe, &out);
    return blocking_fb_outcome(s, out, r);
  }
  tinker_future_t* f = nullptr;
  return async_fb_outcome(tinker_training_client_forward_backward_custom_async(tc, b, probe_loss, probe, &f), &f, r);
}

// A training run on a client of its own.
tinker_training_client_t* new_run() { return new_training_client(new_client(fast_options())); }

void batch(TrainBatch* b) {
  b->add_text("custom losses");
  b->add({5, 6, 7}, {6, 7, 8}, {});  // no weights: the forward pass sends zeros
  b->add_text("run on the client", 2.0f);
}

}  // namespace

// §6.5: the callback gets every datum with the forward pass's logprobs (one per target, the
// datum's length) and the caller's target_tokens / weights; its metrics are merged into the
// result, whose loss:sum is the callback's loss. Two requests: the forward and the backward.
static void custom_loss_sees_every_datum_and_its_metrics_are_merged(bool async) {
  static LossProbe probe;
  probe = LossProbe{};
  tinker_training_client_t* tc = new_run();
  TrainBatch b;
  batch(&b);
  FbResult reference = forward(tc, b);  // seq 1

  FbResult r;
  Outcome o = run_custom(tc, b.get(), &probe, async, &r);
  assert_status(o.status, TINKER_OK, nullptr);
  assert_int_equal(probe.calls, 1);
  assert_int_equal(probe.num_datums, b.size());
  for (size_t i = 0; i < b.size(); ++i) {
    assert_int_equal(probe.logprobs[i].size(), b.length(i));
    assert_true(probe.logprobs[i] == reference.logprobs[i]);
    assert_true(probe.targets[i] == b.target(i));
    assert_int_equal(probe.has_weights[i], b.weights(i).empty() ? 0 : 1);
  }
  assert_int_equal(r.num_datums, b.size());
  assert_same_logprobs(r, reference, 0.0);
  assert_true(r.metric("custom_metric") == 7.5);
  assert_true(r.metric("datums_seen:sum") == 3.0);
  assert_true(std::fabs(r.metric("loss:sum") - probe.loss) <= 1e-9 * probe.loss);
  assert_true(seq_ids(fwdbwd_log(tc)) == std::vector<int64_t>({1, 2, 3}));
}
static void custom_loss_blocking_sees_every_datum_and_its_metrics_are_merged(void**) {
  custom_loss_sees_every_datum_and_its_metrics_are_merged(false);
}
static void custom_loss_async_sees_every_datum_and_its_metrics_are_merged(void**) {
  custom_loss_sees_every_datum_and_its_metrics_are_merged(true);
}

// §6.5 step 6: the backward request carries weights = −gradient. With loss −Σ c·logprob
// (gradient −c) the update equals a plain forward_backward with weights c: after one optim_step
// on two fresh runs with the same seed, their forward outputs agree. First with c = 1 (the
// plain call's weights are all 1), then with unequal c (which a dropped sign or scale shows).
static void custom_loss_update_equals_forward_backward_with_those_weights(bool async, bool unit) {
  static LossProbe probe;
  probe = LossProbe{};
  tinker_service_client_t* c = new_client(fast_options());
  tinker_training_client_t* custom = new_training_client(c, 8, 31);
  tinker_training_client_t* plain = new_training_client(c, 8, 31);
  const DatumSpec text = text_datum("equal updates");
  const std::vector<int64_t>& in = text.input;
  const std::vector<int64_t>& tg = text.target;
  std::vector<float> c0(in.size(), 1.0f), c1(4, 1.0f);
  if (!unit) {
    for (size_t j = 0; j < c0.size(); ++j) c0[j] = 0.25f * static_cast<float>(j % 5);
    c1 = {2.0f, 0.5f, 0.0f, 3.0f};
  }
  probe.coef = {c0, c1};
  TrainBatch unweighted;  // for the custom call: the weights are the callback's business
  unweighted.add(in, tg, {});
  unweighted.add({9, 10, 11, 12}, {10, 11, 12, 13}, {});
  TrainBatch weighted;
  weighted.add(in, tg, c0);
  weighted.add({9, 10, 11, 12}, {10, 11, 12, 13}, c1);

  FbResult cr;
  assert_status(run_custom(custom, unweighted.get(), &probe, async, &cr).status, TINKER_OK, nullptr);
  FbResult pr = forward_backward(plain, weighted);
  assert_true(std::fabs(cr.metric("loss:sum") - pr.metric("loss:sum")) <= 1e-6 * pr.metric("loss:sum"));
  auto mc = optim_step(custom, 0.05);
  auto mp = optim_step(plain, 0.05);
  assert_true(mc.at("grad_norm:mean") > 0);
  assert_true(std::fabs(mc.at("grad_norm:mean") - mp.at("grad_norm:mean")) <= 1e-6 * mp.at("grad_norm:mean"));
  FbResult after_custom = forward(custom, weighted);
  FbResult after_plain = forward(plain, weighted);
  assert_same_logprobs(after_custom, after_plain, 1e-6);
  assert_true(max_logprob_diff(after_plain, pr) > 1e-4);  // the step did change the model
}
static void custom_loss_blocking_update_equals_forward_backward_with_unit_weights(void**) {
  custom_loss_update_equals_forward_backward_with_those_weights(false, true);
}
static void custom_loss_async_update_equals_forward_backward_with_unit_weights(void**) {
  custom_loss_update_equals_forward_backward_with_those_weights(true, true);
}
static void custom_loss_update_equals_forward_backward_with_unequal_weights(void**) {
  custom_loss_update_equals_forward_backward_with_those_weights(false, false);
}

// The float's bit pattern, for comparisons that must also see the sign of zero.
static uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

// §6.5 steps 1 and 6 as the emulator received them: the forward pass is a forward-only
// cross_entropy request with the batch's own target_tokens and weights (zeros where a datum has
// none); the backward is a cross_entropy forward_backward with the same target_tokens and
// weights equal to the callback's gradient with its sign bit flipped, bit for bit. The loss
// Σ a·logprob² has the gradient 2·a·logprob, which depends on the forward pass, so no weight
// the caller passed could stand in for it; a = 0 at every fifth target gives signed zeros.
static void custom_loss_backward_sends_minus_the_gradient_as_weights(bool async) {
  static LossProbe probe;
  probe = LossProbe{};
  probe.squared = true;
  record_inputs(16);
  tinker_training_client_t* tc = new_run();
  TrainBatch b;
  batch(&b);
  for (size_t i = 0; i < b.size(); ++i) {
    std::vector<float> a(b.length(i));
    for (size_t j = 0; j < a.size(); ++j) a[j] = j % 5 == 0 ? 0.0f : 0.25f * static_cast<float>(j + i);
    probe.coef.push_back(a);
  }
  FbResult r;
  assert_status(run_custom(tc, b.get(), &probe, async, &r).status, TINKER_OK, nullptr);
  assert_int_equal(probe.calls, 1);
  assert_int_equal(probe.gradients.size(), b.size());

  std::vector<RecordedRequest> reqs = recorded_inputs(tinker_training_client_model_id(tc));
  assert_int_equal(reqs.size(), 2);
  const RecordedRequest& fwd = reqs[0];
  const RecordedRequest& bwd = reqs[1];
  assert_int_equal(fwd.seq_id, 1);
  assert_true(fwd.forward_only);
  assert_string_equal(fwd.loss_fn.c_str(), "cross_entropy");
  assert_true(fwd.loss_fn_config.empty());
  assert_int_equal(bwd.seq_id, 2);
  assert_false(bwd.forward_only);
  assert_string_equal(bwd.loss_fn.c_str(), "cross_entropy");
  assert_true(bwd.loss_fn_config.empty());
  assert_int_equal(fwd.data.size(), b.size());
  assert_int_equal(bwd.data.size(), b.size());
  size_t nonzero = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    const size_t n = b.length(i);
    std::vector<float> sent = b.weights(i).empty() ? std::vector<float>(n, 0.0f) : b.weights(i);
    for (const RecordedRequest* q : {&fwd, &bwd}) {
      const RecordedDatum& d = q->data[i];
      assert_int_equal(d.model_input_tokens, n);
      assert_int_equal(d.loss_fn_inputs.size(), 2);
      assert_string_equal(d.input("target_tokens").dtype.c_str(), "int64");
      assert_true(d.input("target_tokens").i64 == b.target(i));
      assert_string_equal(d.input("weights").dtype.c_str(), "float32");
      assert_int_equal(d.input("weights").f32.size(), n);
    }
    const std::vector<float>& fw = fwd.data[i].input("weights").f32;
    const std::vector<float>& bw = bwd.data[i].input("weights").f32;
    const std::vector<float>& grad = probe.gradients[i];
    for (size_t j = 0; j < n; ++j) {
      assert_int_equal(bits(fw[j]), bits(sent[j]));
      assert_int_equal(bits(bw[j]), bits(grad[j]) ^ 0x80000000u);
      if (grad[j] != 0.0f) ++nonzero;
    }
  }
  assert_true(nonzero > 0);
  assert_true(r.metric("custom_metric") == 7.5);
  assert_true(r.metric("datums_seen:sum") == 3.0);
  assert_true(std::fabs(r.metric("loss:sum") - probe.loss) <= 1e-9 * probe.loss);
}
static void custom_loss_blocking_backward_sends_minus_the_gradient_as_weights(void**) {
  custom_loss_backward_sends_minus_the_gradient_as_weights(false);
}
static void custom_loss_async_backward_sends_minus_the_gradient_as_weights(void**) {
  custom_loss_backward_sends_minus_the_gradient_as_weights(true);
}

// §6.5 step 3: a failed forward pass fails the operation with its error (here the server's
// user error for an out-of-vocabulary token); the callback never runs.
static void custom_loss_forward_failure_fails_the_operation(void**) {
  static LossProbe probe;
  probe = LossProbe{};
  tinker_training_client_t* tc = new_run();
  TrainBatch b;
  b.add({1, 2, 300}, {2, 3, 4}, {});
  Outcome o = run_custom(tc, b.get(), &probe, true);
  assert_status(o.status, TINKER_E_REQUEST_FAILED, nullptr);
  assert_int_equal(o.category, TINKER_ERROR_CATEGORY_USER);
  assert_true(contains(o.message, "vocabulary"));
  assert_int_equal(probe.calls, 0);
  assert_int_equal(fwdbwd_log(tc).size(), 1);
}

// T3: a callback that returns an error status fails the operation with that status; no
// backward request is sent and the run goes on.
static void custom_loss_error_status_fails_the_operation_with_it(bool async) {
  static LossProbe probe;
  probe = LossProbe{};
  probe.result = TINKER_E_FAILED_PRECONDITION;
  tinker_training_client_t* tc = new_run();
  TrainBatch b;
  batch(&b);
  Outcome o = run_custom(tc, b.get(), &probe, async);
  assert_status(o.status, TINKER_E_FAILED_PRECONDITION, nullptr);
  assert_int_equal(probe.calls, 1);
  assert_int_equal(fwdbwd_log(tc).size(), 1);
  FbResult later = forward(tc, b);
  assert_int_equal(later.num_datums, b.size());
  assert_true(seq_ids(fwdbwd_log(tc)) == std::vector<int64_t>({1, 2}));
}
static void custom_loss_blocking_error_status_fails_the_operation_with_it(void**) {
  custom_loss_error_status_fails_the_operation_with_it(false);
}
static void custom_loss_async_error_status_fails_the_operation_with_it(void**) {
  custom_loss_error_status_fails_the_operation_with_it(true);
}

// §6.5 step 2: datums may carry only target_tokens and weights (and need target_tokens);
// anything else is TINKER_E_INVALID_ARGUMENT before any request, and the callback never runs.
static void custom_loss_rejects_other_inputs_before_any_request(void**) {
  static LossProbe probe;
  probe = LossProbe{};
  tinker_training_client_t* tc = new_run();
  const std::vector<float> adv = {1.0f, -1.0f, 0.5f};
  for (int k = 0; k < 2; ++k) {
    DatumSpec d;
    d.input = {1, 2, 3};
    if (k == 0) {  // a disallowed key
      d.target = {2, 3, 4};
      d.floats = {{"advantages", adv}};
    } else {  // no target_tokens
      d.floats = {{"weights", adv}};
    }
    TrainBatch b;
    b.add(d);
    for (int async = 0; async < 2; ++async) {
      Outcome o = run_custom(tc, b.get(), &probe, async != 0);
      assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
      if (k == 0) assert_true(contains(o.message, "advantages"));
    }
  }
  sleep_ms(100);
  assert_int_equal(probe.calls, 0);
  assert_int_equal(request_log(kFwdBwd).size(), 0);
}

// §6.5 step 5: every datum needs a gradient; a callback that sets none fails the operation
// (TINKER_E_INVALID_ARGUMENT) and no backward request is sent.
static void custom_loss_without_a_gradient_fails(bool async) {
  static LossProbe probe;
  probe = LossProbe{};
  probe.set_gradients = false;
  tinker_training_client_t* tc = new_run();
  TrainBatch b;
  batch(&b);
  Outcome o = run_custom(tc, b.get(), &probe, async);
  assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_true(contains(o.message, "gradient"));
  assert_int_equal(probe.calls, 1);
  sleep_ms(100);
  assert_int_equal(fwdbwd_log(tc).size(), 1);
}
static void custom_loss_blocking_without_a_gradient_fails(void**) { custom_loss_without_a_gradient_fails(false); }
static void custom_loss_async_without_a_gradient_fails(void**) { custom_loss_without_a_gradient_fails(true); }

// tinker.h "Training inputs": the _async call keeps what it needs, so the caller may overwrite
// and free its arrays and builders at once; the callback still sees the original targets and
// the result is that of the intact data.
static void custom_loss_async_copies_its_inputs(void**) {
  static LossProbe probe;
  probe = LossProbe{};
  tinker_training_client_t* tc = new_run();
  auto copied = std::make_unique<TrainBatch>();
  copied->add({60, 61, 62, 63, 64, 65}, {61, 62, 63, 64, 65, 66}, {});
  add_fault("{\"path\": \"/api/v1/retrieve_future\", \"action\": \"delay\", \"delay_ms\": 300}");
  tinker_future_t* f = nullptr;
  assert_status(tinker_training_client_forward_backward_custom_async(tc, copied->get(), probe_loss, &probe, &f),
                TINKER_OK, tinker_last_error());
  track(f);
  copied->clobber();
  copied.reset();
  FbResult got = take_fb(f);

  TrainBatch intact;
  intact.add({60, 61, 62, 63, 64, 65}, {61, 62, 63, 64, 65, 66}, {});
  FbResult want = forward(tc, intact);
  assert_int_equal(probe.calls, 1);
  assert_true(probe.targets[0] == intact.target(0));
  assert_same_logprobs(got, want, 0.0);
}

// §6.5 (last paragraph): the forward and the backward reserve their seq_ids at their own call
// times, so an operation issued while the forward runs gets the seq_id between them.
static void custom_loss_requests_take_seq_ids_at_their_own_call_times(void**) {
  static LossProbe probe;
  probe = LossProbe{};
  tinker_training_client_t* tc = new_run();
  TrainBatch b;
  batch(&b);
  add_fault("{\"path\": \"/api/v1/retrieve_future\", \"action\": \"delay\", \"delay_ms\": 400}");
  tinker_future_t* custom = nullptr;
  assert_status(tinker_training_client_forward_backward_custom_async(tc, b.get(), probe_loss, &probe, &custom),
                TINKER_OK, tinker_last_error());
  track(custom);
  tinker_future_t* opt = nullptr;
  assert_status(tinker_training_client_optim_step_async(tc, nullptr, &opt), TINKER_OK, tinker_last_error());
  track(opt);
  FbResult r = take_fb(custom);
  assert_status(tinker_future_wait(opt, 10000), TINKER_OK, tinker_future_error(opt));
  assert_int_equal(r.num_datums, b.size());
  auto log = model_log_paths(tinker_training_client_model_id(tc), {kFwdBwd, "/api/v1/optim_step"});
  assert_true(seq_ids(log) == std::vector<int64_t>({1, 2, 3}));
  assert_true(paths(log) == std::vector<std::string>({kFwdBwd, "/api/v1/optim_step", kFwdBwd}));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(custom_loss_blocking_sees_every_datum_and_its_metrics_are_merged, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(custom_loss_async_sees_every_datum_and_its_metrics_are_merged, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(custom_loss_blocking_update_equals_forward_backward_with_unit_weights,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(custom_loss_async_update_equals_forward_backward_with_unit_weights,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(custom_loss_update_equals_forward_backward_with_unequal_weights, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(custom_loss_blocking_backward_sends_minus_the_gradient_as_weights,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(custom_loss_async_backward_sends_minus_the_gradient_as_weights,
                                      training_setup, teardown),
      cmocka_unit_test_setup_teardown(custom_loss_forward_failure_fails_the_operation, training_setup, teardown),
      cmocka_unit_test_setup_teardown(custom_loss_blocking_error_status_fails_the_operation_with_it, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(custom_loss_async_error_status_fails_the_operation_with_it, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(custom_loss_rejects_other_inputs_before_any_request, training_setup, teardown),
      cmocka_unit_test_setup_teardown(custom_loss_blocking_without_a_gradient_fails, training_setup, teardown),
      cmocka_unit_test_setup_teardown(custom_loss_async_without_a_gradient_fails, training_setup, teardown),
      cmocka_unit_test_setup_teardown(custom_loss_async_copies_its_inputs, training_setup, teardown),
      cmocka_unit_test_setup_teardown(custom_loss_requests_take_seq_ids_at_their_own_call_times, training_setup,
                                      teardown),
  };
  return cmocka_run_group_tests_name("integration_training_custom", tests, nullptr, nullptr);
}
