# frozen_string_literal: true

# The methods and results the registry brought to the Ruby layer, against the emulator:
# start_session, the two custom-loss phases, LoadResult#model_id, SaveResult#sampling_session_id,
# SamplingClient#get_base_model, and errors that name the Ruby method called.
require_relative "training_helper"

class RegistryMethodsTest < TrainingTestCase
  def test_start_session_blocking_and_async
    sessions = logged_requests("/api/v1/create_session").size
    assert_nil @client.session_id, "no session before the first operation that needs one"
    assert_nil @client.start_session(timeout: 30)
    id = @client.session_id
    refute_empty id
    future = @client.start_session_async
    assert_kind_of Tinker::Future, future
    assert_nil future.wait(30)
    future.close
    assert_equal id, @client.session_id, "one session per client"
    assert_equal sessions + 1, logged_requests("/api/v1/create_session").size
  end

  # The two phases by hand, blocking: the step holds the forward pass; the loss, gradients and
  # metrics set on it are what the backward pass sends (as the built-in cross_entropy would).
  def test_custom_loss_phases_blocking_equal_built_in_cross_entropy
    custom = trainer(seed: 41)
    plain = trainer(seed: 41)
    data = batch(TEXTS.first(3))
    step = custom.forward_backward_custom_begin(data, timeout: 60)
    assert_kind_of Tinker::CustomLossStep, step
    assert_same_logprobs logprobs(custom, data), step.logprobs
    assert_equal 1, forward_backward_requests(custom.model_id) - 1, "begin sent the forward pass only"
    weights = data.map { |d| d.loss_fn_inputs["weights"].data }
    loss = step.logprobs.zip(weights).sum { |lp, w| lp.zip(w).sum { |l, x| -l * x } }
    assert_same step, step.set(loss: loss, gradients: weights.map { |w| w.map(&:-@) }, metrics: { "by_hand" => 2 })
    out = custom.forward_backward_custom_finish(step, timeout: 60)
    step.close
    reference = plain.forward_backward(data, "cross_entropy", timeout: 60)
    assert_kind_of Tinker::ForwardBackwardOutput, out
    assert_in_delta reference.loss, out.loss, 1e-5 * reference.loss
    assert_equal 2.0, out.metrics["by_hand"]
    [custom, plain].each { |t| t.optim_step(learning_rate: 0.05, timeout: 60) }
    assert_same_logprobs logprobs(plain, data), logprobs(custom, data), 1e-5
  end

  # Asynchronous phases; a step is finished once, a missing gradient leaves it usable, and
  # anything but a step is refused before anything is sent.
  def test_custom_loss_phases_async_and_their_errors
    t = trainer
    data = batch(TEXTS.first(2))
    begun = t.forward_backward_custom_begin_async(data)
    step = begun.wait(60)
    begun.close
    assert_equal 2, step.logprobs.size
    error = assert_raises(Tinker::InvalidArgumentError) { t.forward_backward_custom_finish(step, timeout: 60) }
    assert_match(/\ATrainingClient#forward_backward_custom_finish: /, error.message)
    step.fill([1.0, step.logprobs.map { |lp| lp.map { -1.0 } }])
    finished = t.forward_backward_custom_finish_async(step)
    assert_operator finished.wait(60).loss, :>, 0
    finished.close
    error = assert_raises(Tinker::FailedPreconditionError) { t.forward_backward_custom_finish_async(step) }
    assert_match(/\ATrainingClient#forward_backward_custom_finish_async: /, error.message)
    step.close
    assert_raises(Tinker::FailedPreconditionError) { t.forward_backward_custom_finish(step) }
    error = assert_raises(Tinker::InvalidArgumentError) { t.forward_backward_custom_finish(:no_step) }
    assert_match(/\ATrainingClient#forward_backward_custom_finish: step must be a Tinker::CustomLossStep/, error.message)
    assert_equal 2, forward_backward_requests(t.model_id), "one forward pass, one backward pass"
  end

  def test_a_gradient_of_the_wrong_length_names_its_datum
    t = trainer
    step = t.forward_backward_custom_begin(batch(TEXTS.first(2)), timeout: 60)
    error = assert_raises(Tinker::InvalidArgumentError) do
      step.set(loss: 1.0, gradients: [step.logprobs[0], step.logprobs[1] + [0.0]])
    end
    assert_match(/datum 1/, error.message)
  ensure
    step&.close
  end

  def test_load_result_names_the_path_and_the_run
    t = trainer
    path = t.save_state("ruby-load-result", timeout: 60).path
    loader = trainer(seed: 12)
    [loader.load_state(path, timeout: 60), loader.load_state_with_optimizer(path, timeout: 60)].each do |loaded|
      assert_equal path, loaded.path
      assert_equal loader.model_id, loaded.model_id
      assert_equal loaded.model_id, JSON.parse(loaded.json)["model_id"]
    end
  end

  # A named save has no sampling session: nil (the C getter's "" for absent), as in its JSON.
  def test_save_result_sampling_session_id_is_nil_for_named_saves
    t = trainer
    [t.save_state("ruby-save-result", timeout: 60), t.save_weights_for_sampler("ruby-save-result", timeout: 60)]
      .each do |saved|
        assert_nil saved.sampling_session_id
        assert_nil JSON.parse(saved.json)["sampling_session_id"]
        refute_empty saved.path
      end
  end

  # libtinker's checks name C functions; the Ruby errors name the method called, blocking or not.
  def test_errors_name_the_ruby_method_called
    t = trainer
    path = t.save_weights_for_sampler("ruby-named-errors", timeout: 60).path
    says = {
      -> { t.save_state_async(nil) } => "TrainingClient#save_state_async: name is NULL",
      -> { t.save_state(nil, timeout: 60) } => "TrainingClient#save_state: name is NULL",
      -> { t.save_state("a/b") } => "TrainingClient#save_state: name must be non-empty and contain no '/'",
      -> { t.save_weights_for_sampler("x", ttl_seconds: -1) } => "TrainingClient#save_weights_for_sampler: " \
                                                                   "ttl_seconds must be >= 0",
      -> { t.save_state(42) } => "TrainingClient#save_state: name must be a String, got Integer",
      -> { t.load_state_async("/tmp/x") } => "TrainingClient#load_state_async: path must start with tinker://",
      -> { t.forward(batch, nil) } => "TrainingClient#forward: loss_fn is NULL",
      -> { t.create_sampling_client_async(path, retry_config: Tinker::RetryConfig.new(jitter_factor: 2)) } =>
        "TrainingClient#create_sampling_client_async: RetryConfig#jitter_factor: factor must be",
      -> { @client.create_lora_training_client(MODEL, train_mlp: false, train_attn: false, train_unembed: false) } =>
        "ServiceClient#create_lora_training_client: lora must train at least one of",
      -> { @client.create_training_client_from_state_async("nowhere") } =>
        "ServiceClient#create_training_client_from_state_async: path must start with tinker://",
      -> { t.forward_backward_custom(:no_batch) { flunk "ran" } } =>
        "TrainingClient#forward_backward_custom: data must be an Array of Tinker::Datum",
      -> { Tinker::Raw.tinker_training_client_save_state_async(nil, "x", 0, 0) } =>
        "TrainingClient#save_state_async: client is NULL"
    }
    says.each do |call, message|
      error = assert_raises(Tinker::InvalidArgumentError, message) { call.call }
      assert error.message.start_with?(message), "#{error.message.inspect} should start with #{message.inspect}"
      assert_equal Tinker::Raw::TINKER_E_INVALID_ARGUMENT, error.code
    end
    t.close
    error = assert_raises(Tinker::FailedPreconditionError) { t.get_info }
    assert_equal "TrainingClient#get_info: use of a closed libtinker handle", error.message
  end

  # P3 from Ruby: the sampler's base model, blocking and async; a sampler the server does not
  # know raises NotFoundError.
  def test_get_base_model_asks_the_server
    sampler = closing(trainer.save_weights_and_get_sampling_client(timeout: 60))
    assert_equal MODEL, sampler.get_base_model(timeout: 60)
    future = sampler.get_base_model_async
    assert_equal MODEL, future.wait(60)
    future.close
    with_fault("/api/v1/samplers/#{sampler.sampling_session_id}", action: "status", status: 404) do
      assert_raises(Tinker::NotFoundError) { sampler.get_base_model(timeout: 60) }
    end
  end
end
