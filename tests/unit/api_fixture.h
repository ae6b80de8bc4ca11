// What the registry's generated unit tests (api/gen_tests.py) call operations with: real handles
// on a client that cannot reach any server (nothing may be sent by a call these tests make), and
// one valid value of each kind of parameter (api/kinds.py, `test`).
#pragma once

#include <memory>
#include <string>

#include "capi/op.h"
#include "client/custom_loss.h"
#include "unit_test.h"

struct Fixture {
  tinker_service_client_t* service = nullptr;
  tinker_training_client_t* training = nullptr;
  tinker_sampling_client_t* sampling = nullptr;
  tinker_rest_client_t* rest = nullptr;
  tinker_batch_t* batch = nullptr;
  tinker_model_input_t* prompt = nullptr;
  tinker_custom_loss_step_t* step = nullptr;
  static tinker_status_t loss_fn(const tinker_custom_loss_input_t*, tinker_custom_loss_output_t*, void*) {
    return TINKER_OK;
  }

  Fixture() {
    unit::clear_tinker_env();
    tinker_client_options_t* o = nullptr;
    tinker_client_options_new(&o);
    tinker_client_options_set_base_url(o, "http://127.0.0.1:9");  // discard port: nothing listens
    tinker_client_options_set_api_key(o, "tml-fixture");
    tinker_service_client_new(&service, o);
    tinker_client_options_free(o);
    training = new tinker_training_client{std::make_shared<tinker::TrainingClient>(service->impl->context(), "run", 0)};
    sampling = new tinker_sampling_client{
        std::make_shared<tinker::SamplingClient>(service->impl->context(), "session:sample:0", tinker::wire::api::RetryConfig{})};
    tinker_service_client_create_rest_client(service, &rest);
    tinker_batch_new(&batch);
    tinker_model_input_new(&prompt);
    step = new tinker_custom_loss_step;
  }
  ~Fixture() {
    delete step;
    tinker_model_input_free(prompt);
    tinker_batch_free(batch);
    tinker_training_client_free(training);
    tinker_sampling_client_free(sampling);
    tinker_rest_client_free(rest);
    tinker_service_client_free(service);
  }
  size_t in_flight() const { return service->impl->context()->runtime().operations_in_flight(); }
};

// `status` is INVALID_ARGUMENT with exactly `message`, and the call started nothing.
#define expect_null_refused(status, message)                                                        \
  do {                                                                                              \
    tinker_status_t st_ = (status);                                                                 \
    if (st_ != TINKER_E_INVALID_ARGUMENT)                                                           \
      TU_FAIL_MSG("%s: %s, expected TINKER_E_INVALID_ARGUMENT\n", message, tinker_status_str(st_)); \
    assert_string_equal(tinker_error_message(tinker_last_error()), message);                       \
    assert_int_equal(fx.in_flight(), 0);                                                            \
  } while (0)
