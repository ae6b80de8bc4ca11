# frozen_string_literal: true

# forward_backward_custom: a loss computed by a Ruby block between the forward pass and the
# backward pass (libtinker's two-phase custom loss).
require "timeout"
require_relative "training_helper"

class TrainingCustomLossTest < TrainingTestCase
  # cross_entropy written as a custom loss: loss = sum of -logprob * weight, gradient = -weight.
  CROSS_ENTROPY = lambda do |logprobs, datums|
    weights = datums.map { |d| d.loss_fn_inputs.fetch("weights").data }
    loss = logprobs.zip(weights).sum { |lp, w| lp.zip(w).sum { |l, x| -l * x } }
    [loss, weights.map { |w| w.map(&:-@) }, { "datums_seen" => datums.size, "custom_metric" => 7.5 }]
  end

  # A loss function that signals when it starts and then blocks until released, so that a test
  # can act while it runs. Its calls are counted (and their threads kept) in #calls.
  class HeldLoss
    attr_reader :calls

    def initialize
      @started = Queue.new
      @released = Queue.new
      @calls = []
    end

    def to_proc
      lambda do |logprobs, datums|
        @calls << Thread.current
        @started << true
        @released.pop
        CROSS_ENTROPY.call(logprobs, datums)
      end
    end

    def await_start
      Timeout.timeout(60) { @started.pop }
    end

    def release
      @released << true
    end
  end

  # Every custom call's worker has ended (a closed future leaves nothing else to wait for).
  def join_workers
    Thread.list.select { |th| th.name == Tinker::ChainedFuture::WORKER_NAME }.each { |th| th.join(60) }
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
    refute_same Thread.current, seen[2], "the loss function runs on the call's worker thread"
    assert_equal Tinker::ChainedFuture::WORKER_NAME, seen[2].name
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

  # Nobody waits: the worker runs the loss function and sends the backward pass on its own, and
  # poll/done? report the call finished only then.
  def test_async_custom_sends_the_backward_pass_without_any_wait
    t = trainer
    threads = []
    future = t.forward_backward_custom_async(batch) do |logprobs, datums|
      threads << Thread.current
      CROSS_ENTROPY.call(logprobs, datums)
    end
    deadline = Tinker.monotonic_now + 60
    sleep 0.01 until future.done? || Tinker.monotonic_now > deadline
    assert future.done?, "the call finished without a wait"
    assert_equal Tinker::Raw::TINKER_OK, future.poll
    assert_equal 2, forward_backward_requests(t.model_id), "forward and backward pass, without a wait"
    assert_equal 1, threads.size
    refute_same Thread.current, threads[0]
    out = future.wait(0)
    assert_operator out.loss, :>, 0
    assert_same out, future.wait(0), "a finished future answers again without running the loss again"
    assert_equal 1, threads.size
  ensure
    future&.close
  end

  # While the loss function runs the call is pending: a wait times out, the backward pass is not
  # sent yet; the worker goes on and a later wait gets the result.
  def test_the_call_is_pending_until_the_loss_function_returned_and_a_timed_out_wait_changes_nothing
    t = trainer
    loss = HeldLoss.new
    future = t.forward_backward_custom_async(batch, &loss)
    loss.await_start
    assert_raises(Tinker::TimeoutError) { future.wait(0.05) }
    assert_equal Tinker::Raw::TINKER_PENDING, future.poll
    refute future.done?
    assert_equal 1, forward_backward_requests(t.model_id), "only the forward pass was sent"
    loss.release
    assert_operator future.wait(60).loss, :>, 0
    assert_equal 1, loss.calls.size
    assert_equal 2, forward_backward_requests(t.model_id)
  ensure
    loss&.release
    future&.close
  end

  def test_cancel_while_the_loss_function_runs_sends_no_backward_pass
    t = trainer
    loss = HeldLoss.new
    future = t.forward_backward_custom_async(batch, &loss)
    loss.await_start
    assert_same future, future.cancel
    loss.release
    assert_raises(Tinker::CancelledError) { future.wait(60) }
    assert_equal Tinker::Raw::TINKER_E_CANCELLED, future.poll
    assert_equal 1, forward_backward_requests(t.model_id), "only the forward pass was sent"
    future.cancel # idempotent
    out = t.forward_backward_custom(batch, timeout: 60, &CROSS_ENTROPY)
    assert_operator out.loss, :>, 0, "the client still works"
  ensure
    loss&.release
    future&.close
  end

  # The forward pass is held by the emulator far longer than the test runs: cancelling wakes the
  # worker's wait at once and the loss function never runs.
  def test_cancel_during_the_forward_pass_ends_the_call_without_running_the_loss
    t = trainer
    calls = 0
    with_delayed_answer("/api/v1/forward_backward", 120_000) do
      future = t.forward_backward_custom_async(batch) { |lp, ds| (calls += 1) && CROSS_ENTROPY.call(lp, ds) }
      future.cancel
      assert_raises(Tinker::CancelledError) { future.wait(60) }
      future.close
    end
    assert_equal 0, calls
  end

  # Closing the future while the loss function runs: waiters get the closed-handle error at once,
  # and the worker, once the function returned, sends nothing and frees what it holds.
  def test_closing_the_future_while_the_loss_function_runs
    t = trainer
    loss = HeldLoss.new
    future = t.forward_backward_custom_async(batch, &loss)
    waiter = Thread.new do
      Thread.current.report_on_exception = false
      future.wait(60)
    end
    loss.await_start
    assert_nil future.close
    assert_raises(Tinker::FailedPreconditionError) { waiter.value }
    assert_raises(Tinker::FailedPreconditionError) { future.wait(60) }
    assert_raises(Tinker::FailedPreconditionError) { future.poll }
    assert_nil future.close, "close is idempotent"
    loss.release
    join_workers
    assert_equal 1, forward_backward_requests(t.model_id), "only the forward pass was sent"
  ensure
    loss&.release
  end

  # The blocking form's timeout cancels the call: the loss function, once it returns, sends nothing.
  def test_a_blocking_call_that_times_out_sends_no_backward_pass
    t = trainer
    loss = HeldLoss.new
    assert_raises(Tinker::TimeoutError) { t.forward_backward_custom(batch, timeout: 0.05, &loss) }
    loss.release
    join_workers
    assert_equal 1, loss.calls.size
    assert_equal 1, forward_backward_requests(t.model_id), "only the forward pass was sent"
  ensure
    loss&.release
  end

  def test_a_killed_worker_fails_the_call
    t = trainer
    loss = HeldLoss.new
    future = t.forward_backward_custom_async(batch, &loss)
    loss.await_start
    loss.calls.first.kill
    assert_raises(Tinker::AbortedError) { future.wait(60) }
    assert_equal Tinker::Raw::TINKER_E_ABORTED, future.poll
    assert_equal 1, forward_backward_requests(t.model_id), "only the forward pass was sent"
  ensure
    future&.close
  end

  def test_closing_the_training_client_while_the_loss_function_runs_fails_the_call
    t = trainer
    model_id = t.model_id
    loss = HeldLoss.new
    future = t.forward_backward_custom_async(batch, &loss)
    loss.await_start
    t.close
    loss.release
    assert_raises(Tinker::FailedPreconditionError) { future.wait(60) }
    assert_equal 1, forward_backward_requests(model_id), "the backward pass could not be sent"
  ensure
    loss&.release
    future&.close
  end

  # The training client keeps the connection runtime alive: the call completes.
  def test_closing_the_service_client_while_the_loss_function_runs
    t = trainer
    loss = HeldLoss.new
    future = t.forward_backward_custom_async(batch, &loss)
    loss.await_start
    @client.close
    loss.release
    assert_operator future.wait(60).loss, :>, 0
    assert_equal 2, forward_backward_requests(t.model_id)
  ensure
    loss&.release
    future&.close
  end

  def test_an_exception_in_the_loss_function_fails_the_call_and_sends_nothing_more
    t = trainer
    future = t.forward_backward_custom_async(batch) { |_lp, _d| raise ArgumentError, "loss exploded" }
    error = assert_raises(ArgumentError) { future.wait(60) }
    assert_equal "loss exploded", error.message
    assert_same error, assert_raises(ArgumentError) { future.wait(60) }, "the future keeps its failure"
    assert_equal Tinker::Raw::TINKER_E_UNKNOWN, future.poll, "a Ruby exception has no libtinker status"
    future.close
    future = t.forward_backward_custom_async(batch) { |_lp, _d| raise Tinker.invalid_argument("bad loss") }
    assert_raises(Tinker::InvalidArgumentError) { future.wait(60) }
    assert_equal Tinker::Raw::TINKER_E_INVALID_ARGUMENT, future.poll, "a Tinker::Error keeps its status"
    future.close
    assert_raises(ZeroDivisionError) { t.forward_backward_custom(batch, timeout: 60) { |_lp, _d| 1 / 0 } }
    assert_equal 3, forward_backward_requests(t.model_id), "three forward passes, no backward pass"
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

  # A completion queue reports the custom future once the whole call finished (not when the
  # forward pass did), and its outcome is visible by then.
  def test_completion_queue_reports_when_the_whole_call_finished
    t = trainer
    queue = Tinker::CompletionQueue.new
    loss = HeldLoss.new
    future = t.forward_backward_custom_async(batch, &loss)
    queue.add(future, 9)
    assert_raises(Tinker::FailedPreconditionError) { queue.add(future, 10) }
    loss.await_start
    assert_nil queue.next(0.05), "nothing to report while the loss function runs"
    loss.release
    assert_equal 9, queue.next(60)
    assert future.done?
    assert_equal Tinker::Raw::TINKER_OK, future.poll
    assert_equal 2, forward_backward_requests(t.model_id), "both passes were sent"
    assert_operator future.wait(0).loss, :>, 0
  ensure
    loss&.release
    future&.close
    queue&.close
  end

  def test_completion_queue_reports_failed_and_already_finished_custom_calls
    t = trainer
    queue = Tinker::CompletionQueue.new
    failing = t.forward_backward_custom_async(batch) { |_lp, _d| raise "no loss today" }
    queue.add(failing, 1)
    assert_equal 1, queue.next(60)
    assert failing.done?
    assert_raises(RuntimeError) { failing.wait(0) }
    finished = t.forward_backward_custom_async(batch, &CROSS_ENTROPY)
    finished.wait(60)
    queue.add(finished, 2)
    assert_equal 2, queue.next(0), "a finished call is reported at once"
    finished.close
    assert_raises(Tinker::FailedPreconditionError) { queue.add(finished, 3) }
  ensure
    failing&.close
    finished&.close
    queue&.close
  end
end
