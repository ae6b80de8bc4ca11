# frozen_string_literal: true

# Tests of the Ruby binding against a tinker-emulator. CTest runs them under
# tests/with_emulator.sh, which sets TINKER_BASE_URL and TINKER_API_KEY.
require "minitest/autorun"
require "timeout"
require "tinker"
require_relative "emulator_helper"

class TinkerBindingTest < Minitest::Test
  include EmulatorHelper

  def setup
    require_emulator
    @client = Tinker::ServiceClient.new
  end

  def teardown
    @client&.close
  end

  def test_version_string_is_semver
    assert_match(/\A\d+\.\d+\.\d+\z/, Tinker.version)
  end

  def test_blocking_health_check_succeeds
    assert_equal true, @client.health_check(timeout: 30)
  end

  def test_health_check_async_future_waits
    future = @client.health_check_async
    assert_equal true, future.wait(30)
    assert future.done?
    assert_equal Tinker::Raw::TINKER_OK, future.poll
    assert_equal true, future.wait(0), "a finished future answers again at once"
  ensure
    future&.close
  end

  def test_completion_queue_delivers_the_tag
    queue = Tinker::CompletionQueue.new
    future = @client.get_server_capabilities_async
    queue.add(future, 42)
    assert_equal 42, queue.next(30)
    assert future.done?
    refute_empty future.wait(0).models
    assert_nil queue.next(0.05), "nothing else was queued"
  ensure
    future&.close
    queue&.close
  end

  def test_get_server_capabilities_lists_models
    caps = @client.get_server_capabilities(timeout: 30)
    refute_empty caps.models
    caps.models.each do |m|
      assert_kind_of Tinker::SupportedModel, m
      refute_empty m.name
      assert_kind_of Integer, m.max_context_length
    end
    assert_equal Encoding::UTF_8, caps.json.encoding
    assert_includes caps.json, caps.models.first.name
  end

  def test_malformed_api_key_is_unauthenticated
    error = assert_raises(Tinker::UnauthenticatedError) { Tinker::ServiceClient.new(api_key: "bad-key") }
    assert_kind_of Tinker::Error, error
    assert_equal Tinker::Raw::TINKER_E_UNAUTHENTICATED, error.code
    assert_equal "TINKER_E_UNAUTHENTICATED", error.status_name
    refute_empty error.message
  end

  def test_key_the_server_rejects_is_unauthenticated_with_http_401
    # Well-formed (a JWT shape) so the client accepts it; the emulator did not issue it.
    Tinker::ServiceClient.open(api_key: "eyJub3QiOiJpc3N1ZWQifQ.e30.c2ln") do |client|
      error = assert_raises(Tinker::UnauthenticatedError) { client.get_server_capabilities(timeout: 30) }
      assert_equal 401, error.http_status
      assert_equal :user, error.category
      refute error.retryable?
    end
  end

  def test_invalid_option_raises_invalid_argument
    assert_raises(Tinker::InvalidArgumentError) { Tinker::ServiceClient.new(max_retries: -1) }
    assert_raises(ArgumentError) { Tinker::ServiceClient.new(no_such_option: 1) }
  end

  # The waits run without the GVL: other Ruby threads keep running, and Thread#kill / Timeout
  # end a wait at once (the unblock function wakes the native wait).
  def test_queue_wait_releases_the_gvl_and_is_interruptible
    queue = Tinker::CompletionQueue.new
    waiter = Thread.new { queue.next } # nothing will ever be queued
    sleep 0.1
    started = Tinker.monotonic_now
    sleep 0.05
    assert_operator Tinker.monotonic_now - started, :<, 1.0, "main thread starved while another thread waits"
    started = Tinker.monotonic_now
    waiter.kill
    waiter.join
    assert_operator Tinker.monotonic_now - started, :<, 1.0, "Thread#kill did not end the wait promptly"
    started = Tinker.monotonic_now
    assert_raises(Timeout::Error) { Timeout.timeout(0.1) { queue.next } }
    assert_operator Tinker.monotonic_now - started, :<, 1.0
  ensure
    queue&.close
  end

  def test_closing_a_queue_ends_every_blocked_next
    queue = Tinker::CompletionQueue.new
    waiters = Array.new(3) do
      Thread.new do
        queue.next
        :returned
      rescue Tinker::FailedPreconditionError
        :closed
      end
    end
    sleep 0.1
    started = Tinker.monotonic_now
    queue.close
    assert_equal %i[closed closed closed], waiters.map(&:value)
    assert_operator Tinker.monotonic_now - started, :<, 2.0
  end

  def test_futures_outlive_their_client
    client = Tinker::ServiceClient.new
    futures = Array.new(16) { client.get_server_capabilities_async }
    client.close
    futures.each do |f|
      f.wait(30)
    rescue Tinker::CancelledError
      # ended by the close: fine
    ensure
      f.close
    end
  end

  # The raw layer's generic typemaps: numeric arrays in, scalar out-params, a borrowed handle
  # out-param (the tensor) and a buffer the call fills, on a real forward_backward.
  def test_raw_layer_arrays_tensors_and_metrics
    raw = Tinker::Raw
    input = raw.tinker_model_input_new
    raw.tinker_model_input_add_text_int32(input, [1, 2, 3])
    raw.tinker_model_input_add_text_int64(input, [4, 5])
    assert_equal 5, raw.tinker_model_input_length(input)

    service = raw.tinker_service_client_new(nil)
    lora = raw.tinker_lora_config_new
    raw.tinker_lora_config_set_rank(lora, 4)
    trainer = raw.tinker_service_client_create_lora_training_client(service, "tinker-emulator/tiny-bigram", lora, nil)
    datum_input = raw.tinker_model_input_new
    raw.tinker_model_input_add_text_int32(datum_input, [1, 2, 3, 4])
    datum = raw.tinker_datum_new(datum_input)
    raw.tinker_datum_add_tensor_int64(datum, "target_tokens", [2, 3, 4, 5], [4])
    raw.tinker_datum_add_tensor_float32(datum, "weights", [1.0, 1.0, 1.0, 1.0], [4])
    batch = raw.tinker_batch_new
    raw.tinker_batch_add(batch, datum)
    output = raw.tinker_training_client_forward_backward(trainer, batch, "cross_entropy", nil)

    assert_equal 1, raw.tinker_forward_backward_output_num_datums(output)
    tensor = raw.tinker_forward_backward_output_tensor(output, 0, "logprobs")
    numel = raw.tinker_tensor_numel(tensor)
    assert_equal 4, numel
    values, written = raw.tinker_tensor_copy_to_float32(tensor, numel)
    assert_equal 4, written
    assert(values.all? { |v| v.finite? && v <= 0 }, values.inspect)
    metrics = raw.tinker_forward_backward_output_metrics(output)
    assert_operator raw.tinker_metrics_get(metrics, "loss:sum"), :>, 0
    assert_raises(Tinker::Error) { raw.tinker_metrics_get(metrics, "no such metric") }
  ensure
    raw.tinker_forward_backward_output_free(output) if output
    raw.tinker_batch_free(batch) if batch
    raw.tinker_datum_free(datum) if datum
    raw.tinker_model_input_free(datum_input) if datum_input
    raw.tinker_training_client_free(trainer) if trainer
    raw.tinker_lora_config_free(lora) if lora
    raw.tinker_service_client_free(service) if service
    raw.tinker_model_input_free(input) if input
  end

  def test_closed_client_raises
    client = Tinker::ServiceClient.new
    client.close
    client.close
    assert_raises(Tinker::FailedPreconditionError) { client.health_check }
  end
end
