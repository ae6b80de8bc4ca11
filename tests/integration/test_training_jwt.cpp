// Training against an emulator in JWT mode (--jwt, protocol.md §1.2): every training call
// authenticates with the JWT the client obtained from auth/token, and
// create_training_client_from_state with a weights_access_token asks weights_info as the token's
// owner the way the official SDK does, through a client of its own (§6.7): that client exchanges
// the token for a JWT, since raw API keys are refused outside client/config and auth/token.
#include "harness.h"

#include <string>
#include <vector>

using namespace itest;

namespace {

void batch(TrainBatch* b) {
  b->add_text("jwt mode training");
  b->add_text("another datum", 0.5f);
}

}  // namespace

// §1.2: with JWTs on, every training call (create_model, forward_backward, optim_step, saves,
// loads, get_info, unload_model) and the polls go through (none is refused with 401), and a run
// restored from a checkpoint matches the original.
static void training_runs_with_jwt_credentials(void**) {
  tinker_service_client_t* c = new_client(fast_options());
  TrainBatch b;
  batch(&b);
  tinker_training_client_t* tc = new_training_client(c);
  forward_backward(tc, b);
  optim_step(tc, 0.05);
  std::string path = save_state(tc, "jwt");
  FbResult at_save = forward(tc, b);
  tinker_training_client_t* r = nullptr;
  assert_status(tinker_service_client_create_training_client_from_state(c, path.c_str(), nullptr, nullptr, nullptr, &r),
                TINKER_OK, tinker_last_error());
  track_training(r);
  assert_same_logprobs(forward(r, b), at_save, 0.0);
  tinker_load_result_t* loaded = nullptr;
  assert_status(tinker_training_client_load_state_with_optimizer(r, path.c_str(), nullptr, &loaded), TINKER_OK,
                tinker_last_error());
  tinker_load_result_free(loaded);
  tinker_model_info_t* info = nullptr;
  assert_status(tinker_training_client_get_info(tc, &info), TINKER_OK, tinker_last_error());
  assert_string_equal(tinker_model_info_model_id(info), tinker_training_client_model_id(tc));
  tinker_model_info_free(info);
  tinker_save_result_t* saved = nullptr;
  assert_status(tinker_training_client_save_weights_for_sampler(tc, "jwt-sampler", 0, &saved), TINKER_OK,
                tinker_last_error());
  tinker_save_result_free(saved);
  tinker_sampling_client_t* sc = nullptr;
  assert_status(tinker_training_client_save_weights_and_get_sampling_client(tc, nullptr, &sc), TINKER_OK,
                tinker_last_error());
  track_sampling(sc);
  assert_status(tinker_training_client_unload_model(r), TINKER_OK, tinker_last_error());
  for (const auto& e : request_log()) {
    if (e.status == 401) {
      print_error("refused:\n");
      dump({e});
      fail();
    }
  }
  assert_true(request_log("/api/v1/auth/token").size() >= 1);
}

// §6.7: another account's API key as weights_access_token: weights_info is asked as that
// account (a client of its own, which exchanges the key for a JWT in this mode), so the
// checkpoint is found and the restored run matches the original.
static void create_from_state_with_an_access_token_in_jwt_mode(void**) {
  tinker_service_client_t* owner = new_client(fast_options());
  TrainBatch b;
  batch(&b);
  tinker_training_client_t* a = new_training_client(owner);
  forward_backward(a, b);
  optim_step(a, 0.05);
  std::string path = save_state(a, "shared");
  FbResult at_save = forward(a, b);

  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_api_key(o, "tml-another-account-0002"), TINKER_OK);
  tinker_service_client_t* other = new_client(o);
  assert_status(tinker_service_client_start_session(other), TINKER_OK, tinker_last_error());
  clear_log();
  tinker_training_client_t* r = nullptr;
  Outcome got = blocking_outcome(tinker_service_client_create_training_client_from_state(
      other, path.c_str(), nullptr, nullptr, api_key().c_str(), &r));
  if (got.status != TINKER_OK) {
    print_error("create_training_client_from_state with an access token: %s (HTTP %d): %s\n",
                tinker_status_str(got.status), got.http_status, got.message.c_str());
    dump(request_log());
    fail();
  }
  track_training(r);
  assert_same_logprobs(forward(r, b), at_save, 0.0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(training_runs_with_jwt_credentials, training_setup, teardown),
      cmocka_unit_test_setup_teardown(create_from_state_with_an_access_token_in_jwt_mode, training_setup, teardown),
  };
  return cmocka_run_group_tests_name("integration_training_jwt", tests, nullptr, nullptr);
}
