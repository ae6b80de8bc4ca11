// Wire forms of forward / forward_backward (protocol.md §1.6, §6.4, §7.4, §7.12): protobuf (the
// default), the legacy JSON shapes (tinker_client_options_set_wire_mode), and protobuf with a
// zstd-compressed body (client_config proto_compress_fwdbwd). Every form must give the same
// outputs and metrics for the same model state.
#include "harness.h"

#include <cmath>
#include <string>
#include <vector>

using namespace itest;

namespace {

tinker_service_client_t* service(tinker_wire_mode_t mode) {
  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_wire_mode(o, mode), TINKER_OK);
  return new_client(o);
}

void batch(TrainBatch* b) {
  b->add_text("the cat sat on the mat.");
  b->add_text("a dog", 0.5f);
  b->add({0, 255, 128, 1}, {255, 0, 1, 128}, {1.0f, 2.0f, 0.0f, 1.5f});
}

// A datum with [N, K] targets and weights (shapes must survive both encodings).
void two_d(TrainBatch* b) {
  DatumSpec d;
  d.input = {3, 4, 5};
  d.target = {4, 9, 5, 10, 6, 11};
  d.target_shape = {3, 2};
  d.floats = {{"weights", {1.0f, 0.5f, 2.0f, 0.0f, 1.0f, 0.25f}}};
  d.float_shape = {3, 2};
  b->add(d);
}

FbResult fwd2d(tinker_training_client_t* tc, const TrainBatch& d, const tinker_loss_fn_config_t* cfg = nullptr,
               Outcome* o = nullptr) {
  tinker_forward_backward_output_t* out = nullptr;
  tinker_status_t s = tinker_training_client_forward(tc, d.get(), "cross_entropy", cfg, &out);
  if (!o) assert_status(s, TINKER_OK, tinker_last_error());
  FbResult r;
  Outcome got = blocking_fb_outcome(s, out, &r);
  if (o) *o = got;
  return r;
}

// The same steps on a client: forward_backward, optim_step, forward; the outputs of both passes.
struct Run {
  FbResult fb, fwd;
  std::map<std::string, double> optim;
};
Run run(tinker_training_client_t* tc, const TrainBatch& b) {
  Run r;
  r.fb = forward_backward(tc, b);
  r.optim = optim_step(tc, 0.05);
  r.fwd = forward(tc, b);
  return r;
}

void expect_same_run(const Run& a, const Run& b) {
  assert_same_logprobs(a.fb, b.fb, 1e-6);
  assert_same_logprobs(a.fwd, b.fwd, 1e-6);
  assert_true(max_logprob_diff(a.fb, a.fwd) > 1e-4);  // the step changed the model
  double la = a.fb.metric("loss:sum"), lb = b.fb.metric("loss:sum");
  assert_true(std::fabs(la - lb) <= 1e-6 * std::fabs(la));
  la = a.fwd.metric("loss:sum"), lb = b.fwd.metric("loss:sum");
  assert_true(std::fabs(la - lb) <= 1e-6 * std::fabs(la));
  assert_true(a.fb.loss_fn_output_type == b.fb.loss_fn_output_type);
  assert_true(std::fabs(a.optim.at("grad_norm:mean") - b.optim.at("grad_norm:mean")) <=
              1e-6 * a.optim.at("grad_norm:mean"));
}

}  // namespace

// §1.6, §11: the JSON wire mode sends the legacy JSON bodies and asks for JSON results; the
// protobuf mode sends application/x-protobuf and asks for protobuf. Same model state (same
// seed), same steps: the same logprobs (within 1e-6), losses and gradient norms.
static void json_and_protobuf_wire_modes_give_the_same_results(void**) {
  tinker_service_client_t* pc = service(TINKER_WIRE_PROTOBUF);
  tinker_service_client_t* jc = service(TINKER_WIRE_JSON);
  tinker_training_client_t* p = new_training_client(pc, 8, 9);
  tinker_training_client_t* j = new_training_client(jc, 8, 9);
  TrainBatch b;
  batch(&b);
  Run rp = run(p, b);
  Run rj = run(j, b);
  expect_same_run(rp, rj);
  TrainBatch d2;
  two_d(&d2);
  FbResult p2 = fwd2d(p, d2), j2 = fwd2d(j, d2);
  assert_true(p2.shapes[0] == std::vector<int64_t>({3, 2}));
  assert_true(j2.shapes[0] == std::vector<int64_t>({3, 2}));
  assert_same_logprobs(p2, j2, 1e-6);
  assert_true(std::fabs(p2.metric("loss:sum") - j2.metric("loss:sum")) <= 1e-6 * p2.metric("loss:sum"));
  // loss_fn_config travels in both forms: a key cross_entropy does not use is refused.
  tinker_loss_fn_config_t* cfg = nullptr;
  assert_int_equal(tinker_loss_fn_config_new(&cfg), TINKER_OK);
  assert_int_equal(tinker_loss_fn_config_set(cfg, "beta", 0.5), TINKER_OK);
  for (tinker_training_client_t* tc : {p, j}) {
    Outcome o;
    fwd2d(tc, d2, cfg, &o);
    assert_status(o.status, TINKER_E_REQUEST_FAILED, nullptr);
    assert_true(contains(o.message, "beta"));
  }
  tinker_loss_fn_config_free(cfg);

  auto plog = fwdbwd_log(p);
  auto jlog = fwdbwd_log(j);
  assert_int_equal(plog.size(), 4);
  assert_int_equal(jlog.size(), 4);
  for (const auto& e : plog) assert_string_equal(e.header("content-type").c_str(), "application/x-protobuf");
  for (const auto& e : jlog) assert_string_equal(e.header("content-type").c_str(), "application/json");
  assert_true(seq_ids(jlog) == std::vector<int64_t>({1, 3, 4, 5}));  // JSON bodies carry seq_id too
  // Result polls: protobuf mode accepts protobuf; JSON mode does not ask for it.
  bool proto_accept = false, json_accept = false;
  for (const auto& e : request_log("/api/v1/retrieve_future")) {
    if (e.header("x-tinker-request-type") != "ForwardBackward" && e.header("x-tinker-request-type") != "Forward")
      continue;
    (contains(e.header("accept"), "application/x-protobuf") ? proto_accept : json_accept) = true;
  }
  assert_true(proto_accept);
  assert_true(json_accept);
}

// §7.12: proto_compress_fwdbwd true → forward/backward bodies are zstd-compressed protobuf
// (Content-Encoding: zstd) and the results are identical to uncompressed requests.
static void compressed_protobuf_requests_give_identical_results(void**) {
  set_config("{\"client_config\": {\"proto_compress_fwdbwd\": true}}");
  tinker_service_client_t* zc = service(TINKER_WIRE_PROTOBUF);
  assert_status(tinker_service_client_start_session(zc), TINKER_OK, tinker_last_error());
  set_config("{\"client_config\": {\"proto_compress_fwdbwd\": null}}");
  tinker_service_client_t* pc = service(TINKER_WIRE_PROTOBUF);
  tinker_training_client_t* z = new_training_client(zc, 8, 13);
  tinker_training_client_t* p = new_training_client(pc, 8, 13);
  TrainBatch b;
  batch(&b);
  Run rz = run(z, b);
  Run rp = run(p, b);
  expect_same_run(rz, rp);
  assert_same_logprobs(rz.fwd, rp.fwd, 0.0);

  auto zlog = fwdbwd_log(z);
  auto plog = fwdbwd_log(p);
  assert_int_equal(zlog.size(), 2);
  assert_int_equal(plog.size(), 2);
  for (const auto& e : zlog) {
    assert_string_equal(e.header("content-encoding").c_str(), "zstd");
    assert_string_equal(e.header("content-type").c_str(), "application/x-protobuf");
    assert_int_equal(e.status, 200);
  }
  for (const auto& e : plog) assert_string_equal(e.header("content-encoding").c_str(), "");
  assert_true(seq_ids(zlog) == std::vector<int64_t>({1, 3}));
}

// §6.2 in both forms: a JSON-mode client and a zstd-compressing protobuf client split a batch by
// fwdbwd_max_chunk_len 2 (3 requests each) and still give the unchunked protobuf results.
static void chunked_json_and_compressed_requests_match_unchunked_protobuf(void**) {
  set_config("{\"client_config\": {\"fwdbwd_max_chunk_len\": 2, \"proto_compress_fwdbwd\": true}}");
  tinker_service_client_t* jc = service(TINKER_WIRE_JSON);
  tinker_service_client_t* zc = service(TINKER_WIRE_PROTOBUF);
  assert_status(tinker_service_client_start_session(jc), TINKER_OK, tinker_last_error());
  assert_status(tinker_service_client_start_session(zc), TINKER_OK, tinker_last_error());
  set_config("{\"client_config\": {\"fwdbwd_max_chunk_len\": null, \"proto_compress_fwdbwd\": null}}");
  tinker_service_client_t* pc = service(TINKER_WIRE_PROTOBUF);
  tinker_training_client_t* j = new_training_client(jc, 8, 17);
  tinker_training_client_t* z = new_training_client(zc, 8, 17);
  tinker_training_client_t* p = new_training_client(pc, 8, 17);
  TrainBatch b;
  batch(&b);
  b.add_text("five datums");
  b.add_text("in three chunks", 0.75f);
  Run rp = run(p, b);
  Run rj = run(j, b);
  Run rz = run(z, b);
  expect_same_run(rp, rj);
  expect_same_run(rp, rz);
  assert_int_equal(fwdbwd_log(p).size(), 2);
  auto jlog = fwdbwd_log(j);
  auto zlog = fwdbwd_log(z);
  assert_int_equal(jlog.size(), 6);
  assert_int_equal(zlog.size(), 6);
  for (const auto& e : jlog) assert_string_equal(e.header("content-type").c_str(), "application/json");
  for (const auto& e : zlog) assert_string_equal(e.header("content-encoding").c_str(), "zstd");
}

// §7.1: in JSON wire mode an image_asset_pointer chunk can be sent (it has a JSON form); the
// emulator's text-only model then rejects it with a user error instead of a client-side error.
static void json_mode_sends_image_asset_pointer_chunks(void**) {
  tinker_service_client_t* jc = service(TINKER_WIRE_JSON);
  tinker_training_client_t* j = new_training_client(jc);
  TrainBatch b;
  b.add(image_pointer_datum("https://example.com/cat.png"));
  tinker_forward_backward_output_t* out = nullptr;
  Outcome o = blocking_outcome(tinker_training_client_forward(j, b.get(), "cross_entropy", nullptr, &out));
  assert_null(out);
  assert_status(o.status, TINKER_E_REQUEST_FAILED, nullptr);
  assert_int_equal(o.category, TINKER_ERROR_CATEGORY_USER);
  assert_int_equal(fwdbwd_log(j).size(), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(json_and_protobuf_wire_modes_give_the_same_results, training_setup, teardown),
      cmocka_unit_test_setup_teardown(compressed_protobuf_requests_give_identical_results, training_setup, teardown),
      cmocka_unit_test_setup_teardown(chunked_json_and_compressed_requests_match_unchunked_protobuf, training_setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(json_mode_sends_image_asset_pointer_chunks, training_setup, teardown),
  };
  return cmocka_run_group_tests_name("integration_training_wire", tests, nullptr, nullptr);
}
