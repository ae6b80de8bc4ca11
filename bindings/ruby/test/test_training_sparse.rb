# frozen_string_literal: true

# Sparse CSR loss inputs (TensorData.sparse) against the emulator: they train exactly like their
# dense form on both wire modes, and a malformed layout is refused before anything is sent.
require_relative "training_helper"

class TrainingSparseTest < TrainingTestCase
  TEXT = "the cat sat on the mat."
  # The non-zero weights of the one row: positions 1, 4 and 6 of the datum's targets.
  VALUES = [1.0, 2.0, 0.5].freeze
  CROW = [0, 3].freeze
  COLS = [1, 4, 6].freeze

  def targets
    TEXT.bytes.size - 1
  end

  def sparse_weights(values: VALUES, crow: CROW, cols: COLS, shape: [1, targets])
    Tinker::TensorData.sparse(values, crow_indices: crow, col_indices: cols, shape: shape, dtype: :float32)
  end

  # The same matrix as sparse_weights, dense.
  def dense_weights
    dense = Array.new(targets, 0.0)
    COLS.zip(VALUES) { |col, value| dense[col] = value }
    Tinker::TensorData.new(dense, dtype: :float32, shape: [1, targets])
  end

  def weighted(weights)
    [datum(TEXT, weights: weights)]
  end

  def trainer_on(client, seed:)
    closing(client.create_lora_training_client(MODEL, rank: 8, seed: seed, timeout: 60))
  end

  # The same weights sent sparse and dense give the same loss and gradient norm and, after one
  # optim_step on twin runs (same seed), the same model.
  def assert_sparse_trains_like_dense(client, encoding)
    sparse_run = trainer_on(client, seed: 7)
    dense_run = trainer_on(client, seed: 7)
    sparse_out, dense_out = recording_inputs(4) do
      [sparse_run.forward_backward(weighted(sparse_weights), "cross_entropy", timeout: 60),
       dense_run.forward_backward(weighted(dense_weights), "cross_entropy", timeout: 60)]
    end

    # On the wire the weights stayed sparse: the non-zeros and their CSR indices, nothing densified.
    sent = recorded_inputs(sparse_run.model_id)
    assert_equal 1, sent.size
    assert_match(/\A#{encoding}\b/, sent[0]["encoding"])
    inputs = sent[0]["data"][0]["loss_fn_inputs"]
    weights = inputs.fetch("weights")
    assert_equal VALUES, weights["data"]
    assert_equal CROW, weights["sparse_crow_indices"]
    assert_equal COLS, weights["sparse_col_indices"]
    assert_equal [1, targets], weights["shape"]
    target_tokens = inputs.fetch("target_tokens")
    assert_equal [], target_tokens["shape"], "target_tokens stay flat: no shape is sent"
    assert_equal TEXT.bytes.drop(1), target_tokens["data"]
    dense_sent = recorded_inputs(dense_run.model_id)[0]["data"][0]["loss_fn_inputs"]
    refute dense_sent.fetch("weights").key?("sparse_col_indices")

    assert_operator dense_out.loss, :>, 0
    assert_equal dense_out.loss, sparse_out.loss
    sparse_step = sparse_run.optim_step(learning_rate: 0.05, timeout: 60)
    dense_step = dense_run.optim_step(learning_rate: 0.05, timeout: 60)
    assert_operator dense_step.metrics.fetch("grad_norm:mean"), :>, 0
    assert_equal dense_step.metrics.fetch("grad_norm:mean"), sparse_step.metrics.fetch("grad_norm:mean")
    assert_same_logprobs logprobs(dense_run, weighted(dense_weights)), logprobs(sparse_run, weighted(dense_weights))
  end

  def test_protobuf_sparse_weights_train_like_their_dense_form
    datum = weighted(sparse_weights).first
    assert_nil datum.loss_fn_inputs["target_tokens"].shape
    assert_equal [1, targets], datum.loss_fn_inputs["weights"].shape
    assert_sparse_trains_like_dense(@client, "protobuf")
  end

  def test_json_sparse_weights_train_like_their_dense_form
    json_client = closing(Tinker::ServiceClient.new(wire_mode: Tinker::Raw::TINKER_WIRE_JSON))
    assert_sparse_trains_like_dense(json_client, "json")
  end

  # Each malformed layout is refused while the batch is built: Tinker::InvalidArgumentError
  # naming the datum and the problem, and no request reaches the server.
  def test_malformed_csr_is_refused_before_anything_is_sent
    t = trainer
    n = targets
    cases = {
      { shape: [n] } => /2-D shape/,
      { crow: [0, 1, 3] } => /nrows \+ 1/,
      { cols: [1, 4] } => /col_count/,
      { crow: [1, 3] } => /crow_indices\[0\] must be 0/,
      { crow: [0, 2] } => /must end at the number of values/,
      { crow: [0, 2, 1, 3], shape: [3, n] } => /decrease at 2/,
      { cols: [1, 4, n] } => /col_indices\[2\] = #{n} is outside \[0, #{n}\)/,
      { cols: [1, -1, 6] } => /col_indices\[1\] = -1/
    }
    cases.each do |layout, says|
      bad = weighted(sparse_weights(**layout))
      error = assert_raises(Tinker::InvalidArgumentError, layout.inspect) do
        t.forward_backward(batch(TEXTS.first(1)) + bad, "cross_entropy", timeout: 60)
      end
      assert_equal Tinker::Raw::TINKER_E_INVALID_ARGUMENT, error.code
      assert_match(/\ATrainingClient#forward_backward: datum 1: /, error.message, "the method called, then the datum")
      assert_match(says, error.message, layout.inspect)
    end
    out_of_range = weighted(sparse_weights(cols: [1, 4, n]))
    assert_raises(Tinker::InvalidArgumentError) { t.forward_async(out_of_range, "cross_entropy") }
    assert_equal 0, forward_backward_requests(t.model_id)
    t.forward(weighted(sparse_weights), "cross_entropy", timeout: 60)
    assert_equal 1, forward_backward_requests(t.model_id), "the request log sees what is sent"
  end
end
