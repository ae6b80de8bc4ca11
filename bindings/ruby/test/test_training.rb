# frozen_string_literal: true

# The training API against the emulator's tiny real model: every operation blocking and async,
# checkpoints round trips, and the errors of bad requests.
require_relative "training_helper"

class TrainingTest < TrainingTestCase
  # forward_backward and optim_step submitted back to back before either is awaited: the server
  # runs them in call order, and the loss falls.
  def test_learning_loop_loss_falls
    t = trainer
    data = batch
    tokens = data.sum { |d| d.loss_fn_inputs["target_tokens"].data.size }
    losses = Array.new(20) do
      fb = t.forward_backward_async(data, "cross_entropy")
      step = t.optim_step_async(learning_rate: 0.02)
      begin
        out = fb.wait(60)
        assert_operator step.wait(60).metrics["grad_norm:mean"], :>, 0
        out.loss / tokens
      ensure
        fb.close
        step.close
      end
    end
    assert losses.all?(&:finite?), losses.inspect
    assert_operator losses.last, :<, 0.6 * losses.first, "the loss did not fall: #{losses.inspect}"
  end

  def test_forward_output_copies_tensors_and_metrics
    t = trainer
    data = batch(TEXTS.first(2))
    out = t.forward(data, "cross_entropy", timeout: 60)
    assert_equal "ArrayRecord", out.loss_fn_output_type
    assert_equal 2, out.outputs.size
    out.outputs.zip(data).each do |tensors, d|
      lp = tensors.fetch("logprobs")
      n = d.loss_fn_inputs["target_tokens"].data.size
      assert_equal :float32, lp.dtype
      assert_equal [n], lp.shape
      assert_equal n, lp.data.size
      assert(lp.data.all? { |v| v.is_a?(Float) && v.finite? && v <= 0 })
    end
    expected_loss = out.logprobs.flatten.sum { |v| -v }
    assert_in_delta expected_loss, out.metrics.fetch("loss:sum"), 1e-3 * expected_loss
  end

  # forward computes without accumulating gradients: the async form gives the same output, and an
  # optim_step after forwards alone changes nothing.
  def test_forward_async_matches_blocking_and_trains_nothing
    t = trainer
    blocking = logprobs(t)
    future = t.forward_async(batch, :cross_entropy)
    assert_kind_of Tinker::Future, future
    async = future.wait(60).logprobs
    future.close
    assert_same_logprobs blocking, async
    t.optim_step(learning_rate: 0.1, timeout: 60)
    assert_same_logprobs blocking, logprobs(t)
  end

  def test_forward_backward_blocking_then_optim_step_blocking_changes_the_model
    t = trainer
    before = logprobs(t)
    out = t.forward_backward(batch, "cross_entropy", timeout: 60)
    assert_in_delta before.flatten.sum { |v| -v }, out.loss, 1e-3 * out.loss
    result = t.optim_step(Tinker::AdamParams.new(learning_rate: 0.05), timeout: 60)
    assert_equal 0.05, result.metrics["learning_rate:mean"]
    assert_includes result.json, "metrics"
    assert_operator max_difference(before, logprobs(t)), :>, 1e-3
  end

  def test_optim_step_takes_either_adam_params_or_keywords
    t = trainer
    assert_raises(ArgumentError) { t.optim_step(Tinker::AdamParams.new, learning_rate: 0.1) }
    assert_raises(ArgumentError) { t.optim_step(lr: 0.1) }
    assert_raises(Tinker::InvalidArgumentError) { t.optim_step(learning_rate: -1.0) }
  end

  def test_get_info_blocking_and_async
    t = trainer(rank: 4)
    info = t.get_info(timeout: 60)
    assert_equal t.model_id, info.model_id
    assert_equal MODEL, info.base_model
    assert info.lora?
    assert_equal 4, info.lora_rank
    future = t.get_info_async
    assert_equal info.to_a, future.wait(60).to_a
    future.close
  end

  def test_create_lora_training_client_async_with_config_and_user_metadata
    future = @client.create_lora_training_client_async(MODEL, lora: Tinker::LoraConfig.new(rank: 2, train_mlp: false),
                                                              user_metadata: { "purpose" => "ruby test", run: 7 })
    t = closing(future.wait(60))
    future.close
    assert_kind_of Tinker::TrainingClient, t
    refute_empty t.model_id
    assert_equal 2, t.get_info(timeout: 60).lora_rank
    assert_raises(ArgumentError) { @client.create_lora_training_client(MODEL, lora: Tinker::LoraConfig.new, rank: 2) }
  end

  # save_state, then a new client from that state gives the same forward output; with the
  # optimizer state it also takes the same next step (Adam's moments came along).
  def test_save_state_and_create_from_state_with_and_without_optimizer
    t = trainer
    2.times do
      t.forward_backward(batch, "cross_entropy", timeout: 60)
      t.optim_step(learning_rate: 0.02, timeout: 60)
    end
    saved = t.save_state("ruby-state", ttl_seconds: 3600, timeout: 60)
    assert_match(%r{\Atinker://.+/weights/ruby-state\z}, saved.path)
    reference = logprobs(t)

    weights_only = closing(@client.create_training_client_from_state(saved.path, timeout: 60))
    future = @client.create_training_client_from_state_async(saved.path, user_metadata: { "from" => "state" })
    weights_only_async = closing(future.wait(60))
    future.close
    future = @client.create_training_client_from_state_with_optimizer_async(saved.path, base_model: MODEL)
    with_optimizer = closing(future.wait(60))
    future.close
    with_optimizer_blocking = closing(@client.create_training_client_from_state_with_optimizer(
                                        saved.path, weights_access_token: nil, timeout: 60
                                      ))
    clients = [weights_only, weights_only_async, with_optimizer, with_optimizer_blocking]
    assert(clients.all?(Tinker::TrainingClient))
    assert_equal 5, (clients.map(&:model_id) << t.model_id).uniq.size
    clients.each { |c| assert_same_logprobs reference, logprobs(c) }

    [t, with_optimizer, weights_only].each do |c|
      c.forward_backward(batch, "cross_entropy", timeout: 60)
      c.optim_step(learning_rate: 0.02, timeout: 60)
    end
    after = logprobs(t)
    assert_same_logprobs after, logprobs(with_optimizer), 1e-6
    assert_operator max_difference(after, logprobs(weights_only)), :>, 1e-4, "fresh Adam moments take another step"
  end

  def test_save_state_async_and_overwrite
    t = trainer
    future = t.save_state_async("ruby-twice")
    first = future.wait(60)
    future.close
    assert_equal first.path, t.save_state("ruby-twice", overwrite: true, timeout: 60).path
    assert_nil first.sampling_session_id
  end

  def test_load_state_and_load_state_with_optimizer_blocking_and_async
    t = trainer(seed: 5)
    t.forward_backward(batch, "cross_entropy", timeout: 60)
    t.optim_step(learning_rate: 0.05, timeout: 60)
    path = t.save_state("ruby-load", timeout: 60).path
    reference = logprobs(t)

    a = trainer(seed: 6)
    b = trainer(seed: 7)
    c = trainer(seed: 8)
    assert_operator max_difference(reference, logprobs(a)), :>, 1e-4, "a fresh adapter differs from the trained one"
    loaded = a.load_state(path, timeout: 60)
    assert_kind_of Tinker::LoadResult, loaded
    assert_equal path, loaded.path
    future = b.load_state_with_optimizer_async(path)
    assert_kind_of Tinker::LoadResult, future.wait(60)
    future.close
    future = a.load_state_async(path, weights_access_token: nil)
    future.wait(60)
    future.close
    assert_kind_of Tinker::LoadResult, c.load_state_with_optimizer(path, timeout: 60)
    [a, b, c].each { |loaded_client| assert_same_logprobs reference, logprobs(loaded_client) }
    missing = "tinker://#{b.model_id}/weights/no-such-state"
    assert_raises(Tinker::Error) { b.load_state_with_optimizer(missing, timeout: 60) }
  end

  # Named sampler checkpoints carry a path (the server creates no sampling session for them);
  # save_weights_and_get_sampling_client gives a sampling client on a fresh sampling session.
  def test_save_weights_for_sampler_and_save_weights_and_get_sampling_client
    t = trainer
    saved = t.save_weights_for_sampler("ruby-sampler", timeout: 60)
    assert_match(%r{\Atinker://.+/sampler_weights/ruby-sampler\z}, saved.path)
    assert_nil saved.sampling_session_id
    future = t.save_weights_for_sampler_async("ruby-sampler-2", ttl_seconds: 600)
    assert_match(%r{/sampler_weights/ruby-sampler-2\z}, future.wait(60).path)
    future.close

    sampler = closing(t.save_weights_and_get_sampling_client(timeout: 60))
    future = t.save_weights_and_get_sampling_client_async
    sampler2 = closing(future.wait(60))
    future.close
    ids = [sampler, sampler2].map(&:sampling_session_id)
    ids.each { |id| assert_match(/\A.+:sample:\d+\z/, id) }
    refute_equal(*ids)
    sampler.close
    sampler.close
  end

  # create_sampling_client needs a tinker:// path (checked before anything is sent); on a saved
  # sampler checkpoint it opens a sampling session of this client's session, blocking and async;
  # a path with no checkpoint behind it is the server's user error.
  def test_create_sampling_client_checks_the_path_and_opens_a_session
    t = trainer
    path = t.save_weights_for_sampler("ruby-sampler-3", timeout: 60).path
    error = assert_raises(Tinker::InvalidArgumentError) do
      t.create_sampling_client("/tmp/sampler_weights/x", timeout: 60)
    end
    assert_match(/tinker:/, error.message)
    blocking = t.create_sampling_client(path, timeout: 60)
    future = t.create_sampling_client_async(path)
    async = future.wait(60)
    future.close
    ids = [blocking, async].map(&:sampling_session_id)
    ids.each { |id| assert_match(/:sample:\d+\z/, id) }
    refute_equal ids[0], ids[1]
    [blocking, async].each(&:close)
    error = assert_raises(Tinker::Error) { t.create_sampling_client(path.sub("ruby-sampler-3", "never-saved"), timeout: 60) }
    assert_equal :user, error.category
    assert_match(/not found/, error.message)
  end

  # Both ways to a sampling client take a RetryConfig, blocking and async.
  def test_sampling_clients_take_a_retry_config
    t = trainer
    path = t.save_weights_for_sampler("ruby-sampler-retry", timeout: 60).path
    config = Tinker::RetryConfig.new(max_connections: 4, progress_timeout: 30, retry_delay_base: 0, retry_delay_max: 2,
                                     jitter_factor: 1, enable_retry_logic: false, enable_stuck_detection: false)
    futures = [t.create_sampling_client_async(path, retry_config: config),
               t.save_weights_and_get_sampling_client_async(retry_config: Tinker::RetryConfig.new(jitter_factor: 0))]
    samplers = [t.create_sampling_client(path, retry_config: config, timeout: 60),
                t.save_weights_and_get_sampling_client(retry_config: config, timeout: 60)]
    samplers += futures.map { |f| f.wait(60) }
    futures.each(&:close)
    samplers.each { |s| closing(s) }
    assert(samplers.all?(Tinker::SamplingClient))
    ids = samplers.map(&:sampling_session_id)
    ids.each { |id| assert_match(/:sample:\d+\z/, id) }
    assert_equal 4, ids.uniq.size
  end

  # An out-of-range retry setting raises Tinker::InvalidArgumentError naming it while the call is
  # being started: no request reaches the server.
  def test_out_of_range_retry_config_fails_before_any_request
    t = trainer
    path = t.save_weights_for_sampler("ruby-sampler-bad-retry", timeout: 60).path
    paths = %w[/api/v1/create_sampling_session /api/v1/save_weights_for_sampler]
    before = paths.map { |p| logged_requests(p).size }
    jitter = Tinker::RetryConfig.new(jitter_factor: 2)
    no_timeout = Tinker::RetryConfig.new(progress_timeout: 0)
    calls = {
      -> { t.create_sampling_client(path, retry_config: jitter, timeout: 60) } => /jitter_factor/,
      -> { t.create_sampling_client_async(path, retry_config: no_timeout) } => /progress_timeout.*> 0/,
      -> { t.save_weights_and_get_sampling_client(retry_config: no_timeout, timeout: 60) } => /progress_timeout/,
      -> { t.save_weights_and_get_sampling_client_async(retry_config: jitter) } => /jitter_factor.*<= 1/,
      -> { t.create_sampling_client(path, retry_config: Tinker::RetryConfig.new(max_connections: 0)) } =>
        /max_connections/,
      -> { t.create_sampling_client(path, retry_config: { jitter_factor: 0.5 }) } => /Tinker::RetryConfig/
    }
    calls.each do |call, says|
      error = assert_raises(Tinker::InvalidArgumentError) { call.call }
      assert_equal Tinker::Raw::TINKER_E_INVALID_ARGUMENT, error.code
      assert_match(says, error.message)
    end
    assert_equal before, paths.map { |p| logged_requests(p).size }
    closing(t.create_sampling_client(path, retry_config: Tinker::RetryConfig.new, timeout: 60))
    assert_equal before[0] + 1, logged_requests(paths[0]).size, "the request log sees what is sent"
  end

  def test_unload_model_blocking_and_async_ends_the_run
    a = trainer
    b = trainer
    assert_nil a.unload_model(timeout: 60)
    future = b.unload_model_async
    assert_nil future.wait(60)
    future.close
    [a, b].each { |t| assert_raises(Tinker::Error) { t.forward(batch, "cross_entropy", timeout: 60) } }
  end

  def test_unknown_base_model_is_a_user_error_with_the_server_message
    error = assert_raises(Tinker::RequestFailedError) do
      @client.create_lora_training_client("no-such/base-model", rank: 4, timeout: 60)
    end
    assert_equal :user, error.category
    assert_match(%r{no-such/base-model}, error.message)
  end

  def test_unknown_loss_function_is_a_user_error_with_the_server_message
    t = trainer
    future = t.forward_backward_async(batch, "no_such_loss")
    error = assert_raises(Tinker::Error) { future.wait(60) }
    future.close
    assert_equal :user, error.category
    assert_match(/no_such_loss/, error.message)
  end

  def test_token_outside_the_vocabulary_is_a_user_error_with_the_server_message
    t = trainer
    d = Tinker::Datum.new(model_input: [1, 2, 300], loss_fn_inputs: { target_tokens: [2, 3, 4], weights: [1, 1, 1] })
    error = assert_raises(Tinker::Error) { t.forward([d], "cross_entropy", timeout: 60) }
    assert_equal :user, error.category
    assert_match(/300/, error.message)
    assert_match(/vocabulary/, error.message)
  end

  # A loss input of the wrong dtype for its key is refused while the batch is built: the error
  # names the datum and the key, and no request is sent.
  def test_wrong_dtype_for_a_key_is_refused_before_anything_is_sent
    t = trainer
    int64_weights = Tinker::TensorData.new([1, 1], dtype: :int64)
    bad = Tinker::Datum.new(model_input: [1, 2], loss_fn_inputs: { target_tokens: [2, 3], weights: int64_weights })
    error = assert_raises(Tinker::InvalidArgumentError) { t.forward_backward([datum("ok"), bad], "cross_entropy") }
    assert_equal Tinker::Raw::TINKER_E_INVALID_ARGUMENT, error.code
    assert_match(/datum 1/, error.message)
    assert_match(/weights/, error.message)
    assert_raises(Tinker::InvalidArgumentError) { t.forward_backward_async(:not_a_batch, "cross_entropy") }
    assert_equal 0, forward_backward_requests(t.model_id)
    t.forward(batch, "cross_entropy", timeout: 60)
    assert_equal 1, forward_backward_requests(t.model_id), "the request log sees what is sent"
  end

  def test_a_closed_training_client_raises
    t = @client.create_lora_training_client(MODEL, rank: 2, timeout: 60)
    t.close
    t.close
    assert_raises(Tinker::FailedPreconditionError) { t.get_info }
    assert_raises(Tinker::FailedPreconditionError) { t.forward_async(batch, "cross_entropy") }
  end

  # Training clients are Tinker::Future values like every other operation: a completion queue
  # reports them.
  def test_training_futures_work_with_completion_queues
    t = trainer
    queue = Tinker::CompletionQueue.new
    fb = t.forward_backward_async(batch, "cross_entropy")
    step = t.optim_step_async
    queue.add(fb, 1).add(step, 2)
    assert_equal [1, 2], [queue.next(60), queue.next(60)].sort
    assert_kind_of Tinker::ForwardBackwardOutput, fb.wait(0)
    assert_kind_of Tinker::OptimStepResult, step.wait(0)
  ensure
    fb&.close
    step&.close
    queue&.close
  end
end
