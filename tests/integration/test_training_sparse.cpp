// Sparse CSR loss inputs (tinker_datum_add_sparse_tensor_*, protocol.md §7.2): a sparse tensor
// trains exactly like its dense form on both wire modes, and a malformed CSR layout is refused
// when it is added, saying what is wrong, before anything can be sent.
#include "harness.h"

#include <string>
#include <vector>

using namespace itest;

namespace {

const std::vector<int64_t> kInput = {10, 11, 12, 13, 14, 15, 16, 17};
const std::vector<int64_t> kTarget = {11, 12, 13, 14, 15, 16, 17, 18};
const std::vector<int64_t> kShape = {1, 8};  // one row: the datum's 8 target positions
// The non-zero weights: positions 1, 4, 6.
const std::vector<float> kValues = {1.0f, 2.0f, 0.5f};
const std::vector<int64_t> kCrow = {0, 3};
const std::vector<int64_t> kCol = {1, 4, 6};

// A one-datum batch whose "weights" are dense or sparse (same matrix); owns its builders.
struct WeightedBatch {
  tinker_model_input_t* input = nullptr;
  tinker_datum_t* datum = nullptr;
  tinker_batch_t* batch = nullptr;
  std::vector<float> dense;

  explicit WeightedBatch(bool sparse) : dense(8, 0.0f) {
    for (size_t k = 0; k < kCol.size(); ++k) dense[kCol[k]] = kValues[k];
    assert_int_equal(tinker_model_input_new(&input), TINKER_OK);
    assert_int_equal(tinker_model_input_add_text_int64(input, kInput.data(), kInput.size()), TINKER_OK);
    assert_int_equal(tinker_datum_new(&datum, input), TINKER_OK);
    assert_int_equal(tinker_datum_add_tensor_int64(datum, "target_tokens", kTarget.data(), kTarget.size(), nullptr, 0),
                     TINKER_OK);
    tinker_status_t s =
        sparse ? tinker_datum_add_sparse_tensor_float32(datum, "weights", kValues.data(), kValues.size(), kCrow.data(),
                                                        kCrow.size(), kCol.data(), kCol.size(), kShape.data(),
                                                        kShape.size())
               : tinker_datum_add_tensor_float32(datum, "weights", dense.data(), dense.size(), kShape.data(),
                                                 kShape.size());
    assert_status(s, TINKER_OK, tinker_last_error());
    assert_int_equal(tinker_batch_new(&batch), TINKER_OK);
    assert_int_equal(tinker_batch_add(batch, datum), TINKER_OK);
  }
  ~WeightedBatch() {
    tinker_batch_free(batch);
    tinker_datum_free(datum);
    tinker_model_input_free(input);
  }
};

FbResult run(tinker_training_client_t* tc, const WeightedBatch& b, bool forward_only) {
  tinker_forward_backward_output_t* out = nullptr;
  tinker_status_t s = forward_only ? tinker_training_client_forward(tc, b.batch, "cross_entropy", nullptr, &out)
                                   : tinker_training_client_forward_backward(tc, b.batch, "cross_entropy", nullptr, &out);
  assert_status(s, TINKER_OK, tinker_last_error());
  FbResult r = fb_result(out);
  tinker_forward_backward_output_free(out);
  return r;
}

tinker_service_client_t* service(tinker_wire_mode_t mode) {
  tinker_client_options_t* o = fast_options();
  assert_int_equal(tinker_client_options_set_wire_mode(o, mode), TINKER_OK);
  return new_client(o);
}

}  // namespace

// The same weights sent sparse and dense give the same loss, the same gradient norm and, after
// one optim_step on twin runs (same seed), the same model.
static void sparse_weights_train_like_their_dense_form(tinker_wire_mode_t mode) {
  tinker_service_client_t* c = service(mode);
  tinker_training_client_t* sparse_run = new_training_client(c, 8, 7);
  tinker_training_client_t* dense_run = new_training_client(c, 8, 7);
  WeightedBatch sparse(true), dense(false);
  record_inputs(4);
  FbResult rs = run(sparse_run, sparse, false);
  FbResult rd = run(dense_run, dense, false);
  // On the wire the weights stayed sparse: the non-zeros and their CSR indices, nothing densified.
  auto sent = recorded_inputs(tinker_training_client_model_id(sparse_run));
  assert_int_equal(sent.size(), 1);
  const RecordedTensor& w = sent[0].data.at(0).input("weights");
  assert_true(w.f32 == kValues);
  assert_true(w.crow_indices == kCrow);
  assert_true(w.col_indices == kCol);
  assert_true(w.shape == kShape);
  assert_true(recorded_inputs(tinker_training_client_model_id(dense_run))[0].data.at(0).input("weights").col_indices.empty());
  assert_true(rd.metric("loss:sum") > 0);
  assert_true(rs.metric("loss:sum") == rd.metric("loss:sum"));
  auto ms = optim_step(sparse_run, 0.05);
  auto md = optim_step(dense_run, 0.05);
  assert_true(md.at("grad_norm:mean") > 0);
  assert_true(ms.at("grad_norm:mean") == md.at("grad_norm:mean"));
  assert_same_logprobs(run(sparse_run, dense, true), run(dense_run, dense, true), 0.0);
}
static void protobuf_sparse_weights_train_like_their_dense_form(void**) {
  sparse_weights_train_like_their_dense_form(TINKER_WIRE_PROTOBUF);
}
static void json_sparse_weights_train_like_their_dense_form(void**) {
  sparse_weights_train_like_their_dense_form(TINKER_WIRE_JSON);
}

// Each malformed layout is TINKER_E_INVALID_ARGUMENT naming the problem, and adds nothing: the
// same name is still free for a correct tensor afterwards.
static void malformed_csr_is_refused_when_added(void**) {
  struct Case {
    std::vector<float> values;
    std::vector<int64_t> crow, col, shape;
    const char* says;
  };
  const std::vector<Case> cases = {
      {kValues, {0, 3}, kCol, {8}, "2-D shape"},
      {kValues, {0, 1, 3}, kCol, kShape, "nrows + 1"},
      {kValues, kCrow, {1, 4}, kShape, "col_count"},
      {kValues, {1, 3}, kCol, kShape, "crow_indices[0] must be 0"},
      {kValues, {0, 2}, kCol, kShape, "must end at the number of values"},
      {kValues, {0, 2, 1, 3}, kCol, {3, 8}, "decrease at 2"},
      {kValues, kCrow, {1, 4, 8}, kShape, "col_indices[2] = 8 is outside [0, 8)"},
      {kValues, kCrow, {1, -1, 6}, kShape, "col_indices[1] = -1"},
  };
  tinker_model_input_t* mi = nullptr;
  tinker_datum_t* d = nullptr;
  assert_int_equal(tinker_model_input_new(&mi), TINKER_OK);
  assert_int_equal(tinker_model_input_add_text_int64(mi, kInput.data(), kInput.size()), TINKER_OK);
  assert_int_equal(tinker_datum_new(&d, mi), TINKER_OK);
  for (const Case& k : cases) {
    tinker_status_t s = tinker_datum_add_sparse_tensor_float32(d, "weights", k.values.data(), k.values.size(),
                                                               k.crow.data(), k.crow.size(), k.col.data(),
                                                               k.col.size(), k.shape.data(), k.shape.size());
    assert_int_equal(s, TINKER_E_INVALID_ARGUMENT);
    if (!contains(tinker_error_message(tinker_last_error()), k.says))
      fail_msg("expected '%s' in: %s", k.says, tinker_error_message(tinker_last_error()));
  }
  // The key → dtype rules hold for sparse tensors too: weights are float32.
  const std::vector<int64_t> ints = {1, 2, 3};
  assert_int_equal(tinker_datum_add_sparse_tensor_int64(d, "weights", ints.data(), ints.size(), kCrow.data(),
                                                        kCrow.size(), kCol.data(), kCol.size(), kShape.data(),
                                                        kShape.size()),
                   TINKER_E_INVALID_ARGUMENT);
  assert_true(contains(tinker_error_message(tinker_last_error()), "must be float32"));
  assert_int_equal(tinker_datum_add_sparse_tensor_float32(d, "weights", kValues.data(), kValues.size(), nullptr, 2,
                                                          kCol.data(), kCol.size(), kShape.data(), kShape.size()),
                   TINKER_E_INVALID_ARGUMENT);
  assert_true(contains(tinker_error_message(tinker_last_error()), "crow_indices"));
  assert_status(tinker_datum_add_sparse_tensor_float32(d, "weights", kValues.data(), kValues.size(), kCrow.data(),
                                                       kCrow.size(), kCol.data(), kCol.size(), kShape.data(),
                                                       kShape.size()),
                TINKER_OK, tinker_last_error());
  // An other-typed input may be sparse int64.
  assert_status(tinker_datum_add_sparse_tensor_int64(d, "mask", ints.data(), ints.size(), kCrow.data(), kCrow.size(),
                                                     kCol.data(), kCol.size(), kShape.data(), kShape.size()),
                TINKER_OK, tinker_last_error());
  tinker_datum_free(d);
  tinker_model_input_free(mi);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(protobuf_sparse_weights_train_like_their_dense_form, training_setup, teardown),
      cmocka_unit_test_setup_teardown(json_sparse_weights_train_like_their_dense_form, training_setup, teardown),
      cmocka_unit_test_setup_teardown(malformed_csr_is_refused_when_added, training_setup, teardown),
  };
  return cmocka_run_group_tests_name("integration_training_sparse", tests, nullptr, nullptr);
}
