# frozen_string_literal: true

# The Ruby layer's own conventions: Tinker::TimeoutError is a ::Timeout::Error, #inspect of the
# public objects, which constants are public, how bad input is named, and lifetimes (a client
# works on after the ServiceClient it came from is closed).
require_relative "training_helper"

# What needs no server.
class RubyApiOfflineTest < Minitest::Test
  def test_timeout_error_is_a_timeout_error_and_caught_as_a_tinker_error
    error = Tinker::TimeoutError.new("late", code: Tinker::Raw::TINKER_E_TIMEOUT)
    assert_kind_of Timeout::Error, error
    assert Tinker::Error === error, "rescue Tinker::Error matches it" # rubocop:disable Style/CaseEquality
    refute Tinker::NotFoundError === error, "a subclass of Tinker::Error does not" # rubocop:disable Style/CaseEquality
    assert_equal Tinker::TimeoutError, Tinker.error_class(Tinker::Raw::TINKER_E_TIMEOUT)
    caught = begin
      raise error
    rescue Tinker::Error => e
      e
    end
    assert_same error, caught
    caught = begin
      raise error
    rescue Timeout::Error => e
      e
    end
    assert_same error, caught
    assert_equal "TINKER_E_TIMEOUT", error.status_name
    named = error.named("Future#wait")
    assert_instance_of Tinker::TimeoutError, named
    assert_equal "Future#wait: late", named.message
    refute Tinker::Error === RuntimeError.new, "other exceptions do not match" # rubocop:disable Style/CaseEquality
  end

  def test_inputs_inspect_their_values
    datum = Tinker::Datum.new(model_input: [1, 2, 3], loss_fn_inputs: { target_tokens: [2, 3, 4], weights: [1, 1, 0] })
    assert_equal '#<Tinker::Datum model_input=#<Tinker::ModelInput [#<Tinker::EncodedTextChunk int32 [1, 2, 3]>]> ' \
                 'loss_fn_inputs={"target_tokens"=>#<Tinker::TensorData int64 [2, 3, 4]>, ' \
                 '"weights"=>#<Tinker::TensorData float32 [1.0, 1.0, 0.0]>}>', datum.inspect
    long = Tinker::TensorData.new((1..100).to_a, dtype: :int64, shape: [10, 10])
    assert_equal "#<Tinker::TensorData int64 shape=[10, 10] [1, 2, 3, 4, 5, 6, 7, 8, ... (100 values)]>", long.inspect
    sparse = Tinker::TensorData.sparse([1.0, 2.0], crow_indices: [0, 2], col_indices: [1, 4], shape: [1, 8],
                                                   dtype: :float32)
    assert_equal "#<Tinker::TensorData float32 shape=[1, 8] sparse crow_indices=[0, 2] col_indices=[1, 4] " \
                 "[1.0, 2.0]>", sparse.inspect
    input = Tinker::ModelInput.from_ints([7]).add_image("\x89PNG" * 1000, format: "png", expected_tokens: 4)
                              .add_image_asset_pointer("https://x/y.png", format: :png)
    assert_equal '#<Tinker::ModelInput [#<Tinker::EncodedTextChunk int32 [7]>, #<Tinker::ImageChunk png 4000 bytes ' \
                 'expected_tokens=4>, #<Tinker::ImageAssetPointerChunk png "https://x/y.png">]>', input.inspect
  end

  def test_a_service_client_inspect_shows_no_secret_and_no_pointer
    secret = "tml-very-secret-key-#{rand(1 << 30)}"
    client = Tinker::ServiceClient.new(api_key: secret, base_url: "http://127.0.0.1:9")
    assert_equal "#<Tinker::ServiceClient session_id=nil>", client.inspect
    client.close
    assert_equal "#<Tinker::ServiceClient session_id=nil closed>", client.inspect
    internals = client.instance_variables.map { |v| client.instance_variable_get(v).inspect }.join
    [client.inspect, client.to_s, internals].each { |text| refute_includes text, secret }
    [client.inspect, internals].each { |text| refute_match(/SWIG|0x[0-9a-f]{6,}/, text) }
  end

  def test_internals_are_not_public_constants
    %i[Handle Native Values Operations Kinds Options CustomLoss ERROR_CLASSES CATEGORIES C_FUNCTION_METHODS
       OPERATION_METHODS].each do |name|
      assert_raises(NameError, name) { Object.class_eval("Tinker::#{name}", __FILE__, __LINE__) }
      refute_includes Tinker.constants, name
    end
    %i[ServiceClient TrainingClient SamplingClient RestClient Future Datum TimeoutError Raw].each do |name|
      assert_includes Tinker.constants, name
    end
  end
end

# What needs the emulator.
class RubyApiTest < TrainingTestCase
  def test_timeouts_say_what_happened_and_are_caught_both_ways
    sampler = closing(@client.create_sampling_client(base_model: MODEL, timeout: 60))
    set_emulator_config(sample_delay_ms: 1000)
    future = closing(sampler.sample_async([104, 105], max_tokens: 2))
    assert_equal "#<Tinker::Future pending>", future.inspect
    error = assert_raises(Tinker::TimeoutError) do
      future.wait(0.05)
    rescue Tinker::Error => e
      raise e
    end
    assert_equal "the operation did not finish within 0.05 s and is still running (wait again, or cancel or " \
                 "close the future)", error.message
    assert_equal Tinker::Raw::TINKER_E_TIMEOUT, error.code
    begin
      sampler.sample([104, 105], max_tokens: 2, timeout: 0.05)
      flunk "no timeout"
    rescue Timeout::Error => e
      assert_match(/\Athe operation did not finish within 0.05 s; it was cancelled/, e.message)
    end
    set_emulator_config(sample_delay_ms: 0)
    future.wait(30)
    assert_equal "#<Tinker::Future done>", future.inspect
    future.close
    assert_equal "#<Tinker::Future closed>", future.inspect
    cancelled = sampler.sample_async([104, 105], max_tokens: 2).cancel
    assert_equal "#<Tinker::Future cancelled>", cancelled.inspect
    cancelled.close
  ensure
    set_emulator_config(sample_delay_ms: 0)
  end

  def test_clients_and_results_inspect_their_fields
    t = trainer
    assert_equal "#<Tinker::TrainingClient model_id=#{t.model_id.inspect}>", t.inspect
    assert_match(/\A#<Tinker::ServiceClient session_id="[^"]+">\z/, @client.inspect)
    sampler = closing(@client.create_sampling_client(base_model: MODEL, timeout: 60))
    assert_equal "#<Tinker::SamplingClient sampling_session_id=#{sampler.sampling_session_id.inspect}>",
                 sampler.inspect
    rest = closing(@client.create_rest_client)
    assert_equal "#<Tinker::RestClient>", rest.inspect
    queue = closing(Tinker::CompletionQueue.new)
    assert_equal "#<Tinker::CompletionQueue>", queue.inspect
    failed = closing(@client.create_sampling_client_async(model_path: "tinker://nobody/sampler_weights/none"))
    assert_raises(Tinker::Error) { failed.wait(30) }
    assert_match(/\A#<Tinker::Future failed \(TINKER_E_\w+\)>\z/, failed.inspect)
    info = t.get_info(timeout: 60)
    assert_includes info.inspect, "model_id=#{t.model_id.inspect}"
    step = closing(t.forward_backward_custom_begin([datum("ab")], timeout: 60))
    assert_equal "#<Tinker::CustomLossStep>", step.inspect
    t.close
    assert_equal "#<Tinker::TrainingClient model_id=#{t.model_id.inspect} closed>", t.inspect
    [t, @client, sampler, rest, queue, step, failed].each { |o| refute_match(/SWIG|0x[0-9a-f]{6,}/, o.inspect) }
  end

  # Bad input names the datum and the input, like libtinker's own checks ("datum 3
  # loss_fn_inputs[\"weights\"]: ..."), after the method called.
  def test_bad_input_names_the_datum_and_the_key
    t = trainer
    int_weights = Tinker::TensorData.new([1, 1], dtype: :int64)
    bad = Tinker::Datum.new(model_input: [1, 2], loss_fn_inputs: { target_tokens: [2, 3], weights: int_weights })
    error = assert_raises(Tinker::InvalidArgumentError) { t.forward_backward([datum("ab"), bad], "cross_entropy") }
    assert_match(/\ATrainingClient#forward_backward: datum 1: loss_fn_inputs\["weights"\]: .*must be float32/,
                 error.message)
    refute_includes error.message, "tinker_datum_add_tensor"
    shaped = Tinker::Datum.new(model_input: [1, 2], loss_fn_inputs: {
                                 target_tokens: Tinker::TensorData.new([2, 3], dtype: :int64, shape: [3])
                               })
    error = assert_raises(Tinker::InvalidArgumentError) { t.forward_async([shaped], "cross_entropy") }
    assert_match(/\ATrainingClient#forward_async: datum 0: loss_fn_inputs\["target_tokens"\]: shape/, error.message)
    image = Tinker::Datum.new(model_input: Tinker::ModelInput.new.add_image("x", format: "gif"))
    error = assert_raises(Tinker::InvalidArgumentError) do
      t.forward([datum("ab"), datum("cd"), image], "cross_entropy")
    end
    assert_match(/\ATrainingClient#forward: datum 2: model_input: /, error.message)
    error = assert_raises(Tinker::InvalidArgumentError) do
      Tinker::Datum.new(model_input: [1], loss_fn_inputs: { weights: [1.0, "x"] })
    end
    assert_match(/\Aloss_fn_inputs\["weights"\]: .*\[1\] must be a real number/, error.message)
  end

  # libtinker frees handles in any order: a training or sampling client made from a service
  # client keeps working after that client is closed, and an operation pending then completes.
  def test_clients_outlive_their_service_client
    service = Tinker::ServiceClient.new
    t = closing(service.create_lora_training_client(MODEL, rank: 8, seed: 3, timeout: 60))
    sampler = closing(service.create_sampling_client(base_model: MODEL, timeout: 60))
    set_emulator_config(sample_delay_ms: 300)
    pending = closing(sampler.sample_async([104, 105], max_tokens: 2))
    fb = closing(t.forward_backward_async(batch, "cross_entropy"))
    service.close
    assert_equal 1, pending.wait(30).sequences.size, "the pending sample completes"
    assert_kind_of Float, fb.wait(30).loss, "the pending forward_backward completes"
    assert_kind_of Hash, t.optim_step(learning_rate: 0.01, timeout: 60).metrics, "new operations still work"
    assert_equal MODEL, sampler.get_base_model(timeout: 60)
    assert_equal t.model_id, t.get_info(timeout: 60).model_id
  ensure
    set_emulator_config(sample_delay_ms: 0)
    service&.close
  end

  # Closing the last client on the runtime ends the futures still pending: cancelled.
  def test_closing_the_last_client_cancels_pending_futures
    service = Tinker::ServiceClient.new
    sampler = service.create_sampling_client(base_model: MODEL, timeout: 60)
    set_emulator_config(sample_delay_ms: 2000)
    pending = closing(sampler.sample_async([104, 105], max_tokens: 2))
    service.close
    refute pending.done?, "the sampler keeps the runtime"
    sampler.close
    assert_raises(Tinker::CancelledError) { pending.wait(30) }
    assert_equal "#<Tinker::Future cancelled>", pending.inspect
  ensure
    set_emulator_config(sample_delay_ms: 0)
    sampler&.close
    service&.close
  end
end
