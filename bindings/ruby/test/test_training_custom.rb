# frozen_string_literal: true

# forward_backward_custom: a loss computed by a Ruby block between the forward pass and the
# backward pass (libtinker's two-phase custom loss).
require_relative "training_helper"

class TrainingCustomLossTest < TrainingTestCase
  # cross_entropy written as a custom loss: loss = sum of -logprob * weight, gradient = -weight.
  CROSS_ENTROPY = lambda do |logprobs, datums|
    weights = datums.map { |d| d.loss_fn_inputs.fetch("weights").data }
    loss = logprobs.zip(weights).sum { |lp, w| lp.zip(w).sum { |l, x| -l * x } }
    [loss, weights.map { |w| w.map(&:-@) }, { "datums_seen" => datums.size, "custom_metric" => 7.5 }]
  end

  def weighted_batch
    [datum("custom losses in ruby", weights: Array.new(20) { |i| 0.25 * (i % 5) }), datum("on the client")]
  end

  # Twin runs (same seed): the custom loss and the built-in cross_entropy give the same loss and,
  # after the same optim_step, the same model.
  def check_custom_cross_entropy_equals_built_in(async)
    custom = trainer(seed: 31)
    plain = trainer(seed: 31)
    data = weighted_batch
    seen = nil
    loss = lambda do |logprobs, datums|
      seen = [logprobs, datums, Thread.current]
      CROSS_ENTROPY.call(logprobs, datums)
    end
    before = logprobs(custom, data)
    if async
      future = custom.forward_backward_custom_async(data, &loss)
      assert_kind_of Tinker::Future, future
      out = future.wait(60)
      future.close
    else
      out = custom.forward_backward_custom(data, timeout: 60, &loss)
    end
    reference = plain.forward_backward(data, "cross_entropy", timeout: 60)

    assert_same_logprobs before, seen[0]
    assert_same(data, seen[1])
    assert_same Thread.current, seen[2], "the loss function runs on the thread that waits"
    assert_kind_of Tinker::ForwardBackwardOutput, out
    assert_in_delta reference.loss, out.loss, 1e-5 * reference.loss
    assert_equal 7.5, out.metrics["custom_metric"]
    assert_equal 2.0, out.metrics["datums_seen"]
    assert_same_logprobs before, out.logprobs

    custom.optim_step(learning_rate: 0.05, timeout: 60)
    plain.optim_step(learning_rate: 0.05, timeout: 60)
    after = logprobs(custom, data)
    assert_same_logprobs logprobs(plain, data), after, 1e-5
    assert_operator max_difference(before, after), :>, 1e-3, "the step changed the model"
  end

  def test_blocking_custom_cross_entropy_equals_built_in_cross_entropy
    check_custom_cross_entropy_equals_built_in(false)
  end

  def test_async_custom_cross_entropy_equals_built_in_cross_entropy
    check_custom_cross_entropy_equals_built_in(true)
  end

  # The forward pass is sent at once; the loss function and the backward pass wait for a wait.
  def test_async_custom_runs_the_loss_only_when_waited_for
    t = trainer
    calls = 0
    future = t.forward_backward_custom_async(batch) do |logprobs, datums|
      calls += 1
      CROSS_ENTROPY.call(logprobs, datums)
    end
    deadline = Tinker.monotonic_now + 30
    sleep 0.01 while forward_backward_requests(t.model_id).zero? && Tinker.monotonic_now < deadline
    assert_equal 1, forward_backward_requests(t.model_id), "the forward pass is submitted at once"
    assert_equal Tinker::Raw::TINKER_PENDING, future.poll
    refute future.done?
    assert_equal 0, calls
    future.wait(60)
    assert_equal 1, calls
    assert future.done?
    assert_equal 2, forward_backward_requests(t.model_id)
    future.wait(0)
    assert_equal 1, calls, "a finished future answers again without running the loss again"
  ensure
    future&.close
  end

  # A wait that times out before the forward pass finished runs nothing: a later wait still runs
  # the loss function once and finishes the call.
  def test_a_timed_out_wait_leaves_the_custom_call_to_a_later_wait
    t = trainer
    calls = 0
    future = nil
    with_delayed_answer("/api/v1/forward_backward", 2000) do
      future = t.forward_backward_custom_async(batch) do |logprobs, datums|
        calls += 1
        CROSS_ENTROPY.call(logprobs, datums)
      end
      assert_raises(Tinker::TimeoutError) { future.wait(0.05) }
      assert_equal 0, calls
      refute future.done?
    end
    assert_operator future.wait(60).loss, :>, 0
    assert_equal 1, calls
    assert_equal 2, forward_backward_requests(t.model_id)
  ensure
    future&.close
  end

  def test_an_exception_in_the_loss_function_fails_the_call_and_sends_nothing_more
    t = trainer
    future = t.forward_backward_custom_async(batch) { |_lp, _d| raise ArgumentError, "loss exploded" }
    error = assert_raises(ArgumentError) { future.wait(60) }
    assert_equal "loss exploded", error.message
    assert_same error, assert_raises(ArgumentError) { future.wait(60) }, "the future keeps its failure"
    refute_equal Tinker::Raw::TINKER_PENDING, future.poll
    future.close
    assert_raises(ZeroDivisionError) { t.forward_backward_custom(batch, timeout: 60) { |_lp, _d| 1 / 0 } }
    assert_equal 2, forward_backward_requests(t.model_id), "two forward passes, no backward pass"
    out = t.forward_backward_custom(batch, timeout: 60, &CROSS_ENTROPY)
    assert_operator out.loss, :>, 0, "the client still works"
  end

  def test_a_gradient_of_the_wrong_length_is_invalid_argument_and_nothing_more_is_sent
    t = trainer
    data = batch(TEXTS.first(2))
    error = assert_raises(Tinker::InvalidArgumentError) do
      t.forward_backward_custom(data, timeout: 60) do |logprobs, _datums|
        [1.0, [Array.new(logprobs[0].size, -1.0), Array.new(logprobs[1].size + 1, -1.0)]]
      end
    end
    assert_match(/datum 1/, error.message)
    assert_equal 1, forward_backward_requests(t.model_id), "only the forward pass was sent"
  end

  def test_bad_answers_of_the_loss_function_are_invalid_argument
    t = trainer
    data = batch(TEXTS.first(2))
    bad_answers = {
      "not an array" => ->(_lp) { 1.0 },
      "one gradient for two datums" => ->(lp) { [1.0, [lp[0].map { -1.0 }]] },
      "a loss that is no number" => ->(lp) { ["1", lp.map { |l| l.map { -1.0 } }] },
      "a gradient element that is no number" => ->(lp) { [1.0, lp.map { |l| l.map { nil } }] },
      "metrics that are no Hash" => ->(lp) { [1.0, lp.map { |l| l.map { -1.0 } }, [1]] }
    }
    bad_answers.each do |what, answer|
      assert_raises(Tinker::InvalidArgumentError, what) do
        t.forward_backward_custom(data, timeout: 60) { |logprobs, _datums| answer.call(logprobs) }
      end
    end
    assert_equal bad_answers.size, forward_backward_requests(t.model_id), "forward passes only"
  end

  def test_datums_with_other_loss_inputs_are_refused_before_anything_is_sent
    t = trainer
    d = Tinker::Datum.new(model_input: [1, 2], loss_fn_inputs: { target_tokens: [2, 3], advantages: [1.0, 1.0] })
    assert_raises(Tinker::InvalidArgumentError) { t.forward_backward_custom([d], timeout: 60, &CROSS_ENTROPY) }
    assert_raises(ArgumentError) { t.forward_backward_custom_async(batch) }
    assert_equal 0, forward_backward_requests(t.model_id)
  end

  def test_a_failed_forward_pass_fails_the_call_without_running_the_loss
    t = trainer
    d = Tinker::Datum.new(model_input: [1, 2, 300], loss_fn_inputs: { target_tokens: [2, 3, 4], weights: [1, 1, 1] })
    calls = 0
    error = assert_raises(Tinker::Error) do
      t.forward_backward_custom([d], timeout: 60) { |lp, ds| (calls += 1) && CROSS_ENTROPY.call(lp, ds) }
    end
    assert_equal :user, error.category
    assert_match(/vocabulary/, error.message)
    assert_equal 0, calls
  end

  # A completion queue reports the custom future once the loss function can run; the wait then
  # runs it and finishes the call.
  def test_completion_queue_reports_when_the_loss_can_run
    t = trainer
    queue = Tinker::CompletionQueue.new
    future = t.forward_backward_custom_async(batch, &CROSS_ENTROPY)
    queue.add(future, 9)
    assert_equal 9, queue.next(60)
    assert_equal Tinker::Raw::TINKER_PENDING, future.poll
    assert_operator future.wait(60).loss, :>, 0
  ensure
    future&.close
    queue&.close
  end
end
