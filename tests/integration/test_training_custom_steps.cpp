// forward_backward_custom in two phases (tinker.h: _custom_begin, tinker_custom_loss_step_*,
// _custom_finish): the form the bindings use, with the loss computed on the caller's thread. It
// must give what the callback form gives, refuse incomplete or reused steps without sending
// anything, and take its seq_ids at its own call times.
#include "harness.h"

#include <cmath>
#include <string>
#include <vector>

using namespace itest;

namespace {

const std::string kFwdBwd = "/api/v1/forward_backward";

// The per-datum loss −Σ c_j·logprob_j (gradient −c_j), c_j = coef(i, j).
float coef(size_t i, size_t j) { return 0.25f * static_cast<float>((i + j) % 5); }

// The callback form of the same loss, for the equivalence test.
tinker_status_t weighted_loss(const tinker_custom_loss_input_t* in, tinker_custom_loss_output_t* out, void*) {
  double loss = 0;
  for (size_t i = 0; i < tinker_custom_loss_input_num_datums(in); ++i) {
    const float* lp = nullptr;
    size_t n = 0;
    if (tinker_custom_loss_input_logprobs(in, i, &lp, &n) != TINKER_OK) return TINKER_E_INTERNAL;
    std::vector<float> grad(n);
    for (size_t j = 0; j < n; ++j) {
      loss -= coef(i, j) * lp[j];
      grad[j] = -coef(i, j);
    }
    if (tinker_custom_loss_output_set_gradient(out, i, grad.data(), n) != TINKER_OK) return TINKER_E_INTERNAL;
  }
  tinker_custom_loss_output_set_loss(out, loss);
  tinker_custom_loss_output_add_metric(out, "custom_metric", 7.5);
  return TINKER_OK;
}

// The logprobs of datum i of a step's forward output.
std::vector<float> step_logprobs(const tinker_custom_loss_step_t* step, size_t i) {
  const tinker_forward_backward_output_t* fwd = tinker_custom_loss_step_forward_output(step);
  assert_non_null(fwd);
  const tinker_tensor_t* t = nullptr;
  assert_status(tinker_forward_backward_output_tensor(fwd, i, "logprobs", &t), TINKER_OK, tinker_last_error());
  const float* p = tinker_tensor_data_float32(t);
  assert_non_null(p);
  return std::vector<float>(p, p + tinker_tensor_numel(t));
}

// Phase one, blocking or through its future.
tinker_custom_loss_step_t* begin(tinker_training_client_t* tc, const TrainBatch& b, bool async) {
  tinker_custom_loss_step_t* step = nullptr;
  if (!async) {
    assert_status(tinker_training_client_forward_backward_custom_begin(tc, b.get(), &step), TINKER_OK,
                  tinker_last_error());
    return step;
  }
  tinker_future_t* f = nullptr;
  assert_status(tinker_training_client_forward_backward_custom_begin_async(tc, b.get(), &f), TINKER_OK,
                tinker_last_error());
  track(f);
  assert_status(tinker_future_wait(f, 20000), TINKER_OK, tinker_future_error(f));
  assert_status(tinker_future_take_custom_loss_step(f, &step), TINKER_OK, tinker_last_error());
  return step;
}

// Fills the step with the weighted loss, computed here on the caller's thread.
void fill(tinker_custom_loss_step_t* step, size_t num_datums, double* loss_out = nullptr) {
  double loss = 0;
  for (size_t i = 0; i < num_datums; ++i) {
    std::vector<float> lp = step_logprobs(step, i);
    std::vector<float> grad(lp.size());
    for (size_t j = 0; j < lp.size(); ++j) {
      loss -= coef(i, j) * lp[j];
      grad[j] = -coef(i, j);
    }
    assert_status(tinker_custom_loss_step_set_gradient(step, i, grad.data(), grad.size()), TINKER_OK,
                  tinker_last_error());
  }
  assert_status(tinker_custom_loss_step_set_loss(step, loss), TINKER_OK, tinker_last_error());
  assert_status(tinker_custom_loss_step_add_metric(step, "custom_metric", 7.5), TINKER_OK, tinker_last_error());
  if (loss_out) *loss_out = loss;
}

// Phase two, blocking or through its future; frees the step right after an _async start.
Outcome finish(tinker_training_client_t* tc, tinker_custom_loss_step_t* step, bool async, FbResult* r = nullptr,
               bool free_step_at_once = false) {
  if (!async) {
    tinker_forward_backward_output_t* out = nullptr;
    tinker_status_t s = tinker_training_client_forward_backward_custom_finish(tc, step, &out);
    return blocking_fb_outcome(s, out, r);
  }
  tinker_future_t* f = nullptr;
  tinker_status_t s = tinker_training_client_forward_backward_custom_finish_async(tc, step, &f);
  if (free_step_at_once) tinker_custom_loss_step_free(step);
  return async_fb_outcome(s, &f, r);
}

void batch(TrainBatch* b) {
  b->add_text("two phases");
  b->add({5, 6, 7}, {6, 7, 8}, {});  // no weights: the forward pass sends zeros
  b->add_text("loss on the caller's thread", 2.0f);
}

size_t fb_requests(tinker_training_client_t* tc) {
  return model_log(tinker_training_client_model_id(tc), kFwdBwd).size();
}

}  // namespace

// The step's forward output is the forward pass of T3: per datum as many logprobs as targets,
// equal to a plain forward with cross_entropy.
static void step_holds_the_forward_pass(bool async) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  batch(&b);
  FbResult reference = forward(tc, b);
  tinker_custom_loss_step_t* step = begin(tc, b, async);
  assert_int_equal(tinker_forward_backward_output_num_datums(tinker_custom_loss_step_forward_output(step)), b.size());
  for (size_t i = 0; i < b.size(); ++i) {
    assert_int_equal(step_logprobs(step, i).size(), b.length(i));
    assert_true(step_logprobs(step, i) == reference.logprobs[i]);
  }
  tinker_custom_loss_step_free(step);
}
static void blocking_step_holds_the_forward_pass(void**) { step_holds_the_forward_pass(false); }
static void async_step_holds_the_forward_pass(void**) { step_holds_the_forward_pass(true); }

// begin, fill, finish gives exactly what the callback form gives: the same loss and metrics, and
// after one optim_step on twin runs (same seed) the same model.
static void two_phases_equal_the_callback_form(bool async) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_training_client_t* phased = new_training_client(c, 8, 41);
  tinker_training_client_t* callback = new_training_client(c, 8, 41);
  TrainBatch b;
  batch(&b);

  tinker_custom_loss_step_t* step = begin(phased, b, async);
  double loss = 0;
  fill(step, b.size(), &loss);
  FbResult pr;
  assert_status(finish(phased, step, async, &pr, async).status, TINKER_OK, nullptr);
  if (!async) tinker_custom_loss_step_free(step);

  tinker_forward_backward_output_t* out = nullptr;
  assert_status(tinker_training_client_forward_backward_custom(callback, b.get(), weighted_loss, nullptr, &out),
                TINKER_OK, tinker_last_error());
  FbResult cr = fb_result(out);
  tinker_forward_backward_output_free(out);

  assert_true(pr.metric("custom_metric") == 7.5);
  assert_true(std::fabs(pr.metric("loss:sum") - loss) <= 1e-9 * std::fabs(loss));
  assert_true(std::fabs(pr.metric("loss:sum") - cr.metric("loss:sum")) <= 1e-9 * std::fabs(loss));
  auto mp = optim_step(phased, 0.05);
  auto mc = optim_step(callback, 0.05);
  assert_true(mp.at("grad_norm:mean") > 0);
  assert_true(mp.at("grad_norm:mean") == mc.at("grad_norm:mean"));
  assert_same_logprobs(forward(phased, b), forward(callback, b), 0.0);
}
static void blocking_two_phases_equal_the_callback_form(void**) { two_phases_equal_the_callback_form(false); }
static void async_two_phases_equal_the_callback_form(void**) { two_phases_equal_the_callback_form(true); }

// A step missing a gradient is refused before anything is sent, and stays usable: once the caller
// adds the gradients, finish succeeds. A finished step cannot be finished again.
static void incomplete_step_is_refused_and_stays_usable(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  batch(&b);
  tinker_custom_loss_step_t* step = begin(tc, b, false);
  std::vector<float> g0(step_logprobs(step, 0).size(), -1.0f);
  assert_status(tinker_custom_loss_step_set_gradient(step, 0, g0.data(), g0.size()), TINKER_OK, tinker_last_error());
  for (int async = 0; async < 2; ++async) {
    Outcome o = finish(tc, step, async != 0);
    assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
    assert_true(contains(o.message, "no gradient for datum 1"));
  }
  assert_int_equal(fb_requests(tc), 1);  // only the forward pass

  fill(step, b.size());
  FbResult r;
  assert_status(finish(tc, step, false, &r).status, TINKER_OK, nullptr);
  assert_int_equal(r.num_datums, b.size());
  assert_true(r.metric("custom_metric") == 7.5);
  for (int async = 0; async < 2; ++async) {
    Outcome o = finish(tc, step, async != 0);
    assert_status(o.status, TINKER_E_FAILED_PRECONDITION, nullptr);
    assert_true(contains(o.message, "already finished"));
  }
  assert_int_equal(fb_requests(tc), 2);
  tinker_custom_loss_step_free(step);
}

// Gradients are checked as they are set: a wrong length is TINKER_E_INVALID_ARGUMENT naming the
// expected count, a datum index past the batch TINKER_E_OUT_OF_RANGE; NULL arguments are refused.
static void bad_gradients_and_arguments_are_refused(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  batch(&b);
  tinker_custom_loss_step_t* step = begin(tc, b, false);
  const size_t n0 = step_logprobs(step, 0).size();
  std::vector<float> g(n0 + 1, 1.0f);
  assert_int_equal(tinker_custom_loss_step_set_gradient(step, 0, g.data(), n0 + 1), TINKER_E_INVALID_ARGUMENT);
  assert_true(contains(tinker_error_message(tinker_last_error()), std::to_string(n0) + " logprobs of datum 0"));
  assert_int_equal(tinker_custom_loss_step_set_gradient(step, b.size(), g.data(), n0), TINKER_E_OUT_OF_RANGE);
  assert_int_equal(tinker_custom_loss_step_set_gradient(nullptr, 0, g.data(), n0), TINKER_E_INVALID_ARGUMENT);
  assert_true(contains(tinker_error_message(tinker_last_error()), "step"));
  assert_int_equal(tinker_custom_loss_step_set_gradient(step, 0, nullptr, n0), TINKER_E_INVALID_ARGUMENT);
  assert_int_equal(tinker_custom_loss_step_add_metric(step, nullptr, 1.0), TINKER_E_INVALID_ARGUMENT);
  assert_int_equal(tinker_custom_loss_step_set_loss(nullptr, 1.0), TINKER_E_INVALID_ARGUMENT);
  assert_null(tinker_custom_loss_step_forward_output(nullptr));
  tinker_forward_backward_output_t* out = nullptr;
  assert_int_equal(tinker_training_client_forward_backward_custom_finish(tc, nullptr, &out), TINKER_E_INVALID_ARGUMENT);
  tinker_custom_loss_step_t* refused = step;  // a failed call clears *out: keep `step` to free it
  assert_int_equal(tinker_training_client_forward_backward_custom_begin(tc, nullptr, &refused), TINKER_E_INVALID_ARGUMENT);
  assert_null(refused);
  tinker_custom_loss_step_free(step);
  tinker_custom_loss_step_free(nullptr);
  assert_int_equal(fb_requests(tc), 1);
}

// A step belongs to the run that began it: finishing it on another training client is refused
// and sends nothing on either run.
static void step_of_another_client_is_refused(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_training_client_t* a = new_training_client(c);
  tinker_training_client_t* other = new_training_client(c);
  TrainBatch b;
  batch(&b);
  tinker_custom_loss_step_t* step = begin(a, b, false);
  fill(step, b.size());
  Outcome o = finish(other, step, false);
  assert_status(o.status, TINKER_E_INVALID_ARGUMENT, nullptr);
  assert_true(contains(o.message, "another training client"));
  assert_int_equal(fb_requests(a), 1);
  assert_int_equal(fb_requests(other), 0);
  assert_status(finish(a, step, false).status, TINKER_OK, nullptr);  // still finishable where it began
  tinker_custom_loss_step_free(step);
}

// Inputs a custom loss cannot take (anything but target_tokens and weights) are refused by
// begin before any request; a future of phase one holds a step, not another result kind.
static void begin_refuses_other_inputs_and_takes_check_the_kind(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_training_client_t* tc = new_training_client(c);
  static const int64_t tokens[3] = {1, 2, 3}, targets[3] = {2, 3, 4};
  static const float adv[3] = {1.0f, -1.0f, 0.5f};
  tinker_model_input_t* mi = nullptr;
  tinker_datum_t* d = nullptr;
  tinker_batch_t* bad = nullptr;
  assert_int_equal(tinker_model_input_new(&mi), TINKER_OK);
  assert_int_equal(tinker_model_input_add_text_int64(mi, tokens, 3), TINKER_OK);
  assert_int_equal(tinker_datum_new(&d, mi), TINKER_OK);
  assert_int_equal(tinker_datum_add_tensor_int64(d, "target_tokens", targets, 3, nullptr, 0), TINKER_OK);
  assert_int_equal(tinker_datum_add_tensor_float32(d, "advantages", adv, 3, nullptr, 0), TINKER_OK);
  assert_int_equal(tinker_batch_new(&bad), TINKER_OK);
  assert_int_equal(tinker_batch_add(bad, d), TINKER_OK);
  tinker_custom_loss_step_t* step = nullptr;
  assert_int_equal(tinker_training_client_forward_backward_custom_begin(tc, bad, &step), TINKER_E_INVALID_ARGUMENT);
  assert_true(contains(tinker_error_message(tinker_last_error()), "advantages"));
  tinker_future_t* f = nullptr;
  assert_int_equal(tinker_training_client_forward_backward_custom_begin_async(tc, bad, &f), TINKER_E_INVALID_ARGUMENT);
  assert_null(f);
  tinker_batch_free(bad);
  tinker_datum_free(d);
  tinker_model_input_free(mi);
  assert_int_equal(fb_requests(tc), 0);

  TrainBatch b;
  batch(&b);
  assert_status(tinker_training_client_forward_backward_custom_begin_async(tc, b.get(), &f), TINKER_OK,
                tinker_last_error());
  track(f);
  assert_status(tinker_future_wait(f, 20000), TINKER_OK, tinker_future_error(f));
  tinker_forward_backward_output_t* wrong = nullptr;
  assert_int_equal(tinker_future_take_forward_backward_output(f, &wrong), TINKER_E_INVALID_ARGUMENT);
  assert_status(tinker_future_take_custom_loss_step(f, &step), TINKER_OK, tinker_last_error());
  tinker_custom_loss_step_free(step);
}

// §6.5 (last paragraph): the forward pass takes its seq_id at begin, the backward at finish; an
// operation issued in between gets the seq_id between them.
static void phases_take_seq_ids_at_their_own_call_times(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  batch(&b);
  tinker_custom_loss_step_t* step = begin(tc, b, true);
  tinker_future_t* opt = nullptr;
  assert_status(tinker_training_client_optim_step_async(tc, nullptr, &opt), TINKER_OK, tinker_last_error());
  track(opt);
  fill(step, b.size());
  assert_status(finish(tc, step, true, nullptr, true).status, TINKER_OK, nullptr);
  assert_status(tinker_future_wait(opt, 10000), TINKER_OK, tinker_future_error(opt));
  auto log = model_log_paths(tinker_training_client_model_id(tc), {kFwdBwd, "/api/v1/optim_step"});
  assert_true(seq_ids(log) == std::vector<int64_t>({1, 2, 3}));
  assert_true(paths(log) == std::vector<std::string>({kFwdBwd, "/api/v1/optim_step", kFwdBwd}));
}

// Cancelling phase one's future stops it: it ends cancelled and holds no step.
static void cancelled_begin_holds_no_step(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  tinker_training_client_t* tc = new_training_client(c);
  TrainBatch b;
  batch(&b);
  add_fault("{\"path\": \"/api/v1/retrieve_future\", \"action\": \"delay\", \"delay_ms\": 400}");
  tinker_future_t* f = nullptr;
  assert_status(tinker_training_client_forward_backward_custom_begin_async(tc, b.get(), &f), TINKER_OK,
                tinker_last_error());
  track(f);
  assert_status(tinker_future_cancel(f), TINKER_OK, tinker_last_error());
  assert_int_equal(tinker_future_wait(f, 10000), TINKER_E_CANCELLED);
  tinker_custom_loss_step_t* step = nullptr;
  assert_int_equal(tinker_future_take_custom_loss_step(f, &step), TINKER_E_CANCELLED);
  assert_null(step);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(blocking_step_holds_the_forward_pass, training_setup, teardown),
      cmocka_unit_test_setup_teardown(async_step_holds_the_forward_pass, training_setup, teardown),
      cmocka_unit_test_setup_teardown(blocking_two_phases_equal_the_callback_form, training_setup, teardown),
      cmocka_unit_test_setup_teardown(async_two_phases_equal_the_callback_form, training_setup, teardown),
      cmocka_unit_test_setup_teardown(incomplete_step_is_refused_and_stays_usable, training_setup, teardown),
      cmocka_unit_test_setup_teardown(bad_gradients_and_arguments_are_refused, training_setup, teardown),
      cmocka_unit_test_setup_teardown(step_of_another_client_is_refused, training_setup, teardown),
      cmocka_unit_test_setup_teardown(begin_refuses_other_inputs_and_takes_check_the_kind, training_setup, teardown),
      cmocka_unit_test_setup_teardown(phases_take_seq_ids_at_their_own_call_times, training_setup, teardown),
      cmocka_unit_test_setup_teardown(cancelled_begin_holds_no_step, training_setup, teardown),
  };
  return cmocka_run_group_tests_name("integration_training_custom_steps", tests, nullptr, nullptr);
}
