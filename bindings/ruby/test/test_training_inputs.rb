# frozen_string_literal: true

# Training inputs as Ruby values: conversion rules, defaults and the errors bad input gets.
# Nothing here needs a server.
require "minitest/autorun"
require "tinker"

class TrainingInputsTest < Minitest::Test
  NATIVE = Tinker.const_get(:Native) # internal, not public API
  def test_model_input_length_counts_text_of_both_widths_and_images
    input = Tinker::ModelInput.from_ints([1, 2, 3])
                              .add_text([4, 5], dtype: :int64)
                              .add_image("\x89PNG fake".b, format: "png", expected_tokens: 7)
                              .add_image_asset_pointer("https://example.com/a.jpeg", format: :jpeg, expected_tokens: 2)
    assert_equal 3 + 2 + 7 + 2, input.length
    assert_equal %i[int32 int64], input.chunks.first(2).map(&:dtype)
    assert_equal "jpeg", input.chunks.last.format
  end

  def test_model_input_length_of_an_image_without_expected_tokens_is_failed_precondition
    input = Tinker::ModelInput.from_ints([1]).add_image("bytes", format: "png")
    error = assert_raises(Tinker::FailedPreconditionError) { input.length }
    assert_equal Tinker::Raw::TINKER_E_FAILED_PRECONDITION, error.code
    assert_match(/expected_tokens/, error.message)
  end

  def test_libtinker_rejects_an_unknown_image_format_with_its_message
    input = Tinker::ModelInput.new.add_image("bytes", format: "gif", expected_tokens: 1)
    error = assert_raises(Tinker::InvalidArgumentError) { input.length }
    assert_match(/png.*jpeg/, error.message)
  end

  def test_int32_tokens_outside_int32_are_invalid_argument
    error = assert_raises(Tinker::InvalidArgumentError) { Tinker::ModelInput.from_ints([1, 2**31]) }
    assert_match(/tokens\[1\]/, error.message)
    assert_equal :unknown, error.category, "as libtinker's own input checks: no server judged it"
    assert_equal Tinker::Raw::TINKER_E_INVALID_ARGUMENT, error.code
    assert_equal [2**31], Tinker::ModelInput.from_ints([2**31], dtype: :int64).chunks.first.tokens
  end

  def test_tokens_must_be_integers
    error = assert_raises(Tinker::InvalidArgumentError) { Tinker::ModelInput.from_ints([1, "2"]) }
    assert_match(/tokens\[1\].*"2"/, error.message)
    assert_raises(Tinker::InvalidArgumentError) { Tinker::ModelInput.from_ints("123") }
    assert_raises(Tinker::InvalidArgumentError) { Tinker::ModelInput.from_ints([1], dtype: :float32) }
  end

  def test_plain_arrays_take_the_dtype_their_key_requires
    d = Tinker::Datum.new(model_input: [1, 2],
                          loss_fn_inputs: { target_tokens: [2, 3], weights: [1, 0], advantages: [2, -1],
                                            mask: [1, 1], scale: [0.5, 1] })
    assert_equal %w[target_tokens weights advantages mask scale], d.loss_fn_inputs.keys
    dtypes = d.loss_fn_inputs.transform_values(&:dtype)
    assert_equal({ "target_tokens" => :int64, "weights" => :float32, "advantages" => :float32,
                   "mask" => :int64, "scale" => :float32 }, dtypes)
    assert_equal [1.0, 0.0], d.loss_fn_inputs["weights"].data
    assert(d.loss_fn_inputs["weights"].data.all?(Float))
    assert_kind_of Tinker::ModelInput, d.model_input
  end

  def test_target_tokens_must_be_integers
    error = assert_raises(Tinker::InvalidArgumentError) do
      Tinker::Datum.new(model_input: [1], loss_fn_inputs: { target_tokens: [2.5] })
    end
    assert_match(/2\.5/, error.message)
  end

  def test_tensor_data_checks_dtype_and_elements
    assert_raises(Tinker::InvalidArgumentError) { Tinker::TensorData.new([1], dtype: :float64) }
    assert_raises(Tinker::InvalidArgumentError) { Tinker::TensorData.new([1.0, nil], dtype: :float32) }
    assert_raises(Tinker::InvalidArgumentError) { Tinker::TensorData.new([Complex(1, 1)], dtype: :float32) }
    assert_raises(Tinker::InvalidArgumentError) { Tinker::TensorData.new([1], dtype: :int64, shape: [1.0]) }
    t = Tinker::TensorData.new([1, 2, 3, 4], dtype: :float32, shape: [2, 2])
    assert_equal [1.0, 2.0, 3.0, 4.0], t.to_a
    assert_equal [2, 2], t.shape
    assert_equal t, Tinker::TensorData.new([1.0, 2.0, 3.0, 4.0], dtype: :float32, shape: [2, 2])
  end

  def test_sparse_tensor_data_keeps_its_csr_layout
    t = Tinker::TensorData.sparse([1, 2], crow_indices: [0, 1, 2], col_indices: [3, 0], shape: [2, 4],
                                          dtype: :float32)
    assert t.sparse?
    assert_equal [1.0, 2.0], t.data
    assert_equal [[0, 1, 2], [3, 0], [2, 4]], [t.crow_indices, t.col_indices, t.shape]
    same = Tinker::TensorData.new([1.0, 2.0], dtype: :float32, shape: [2, 4], crow_indices: [0, 1, 2],
                                              col_indices: [3, 0])
    assert_equal t, same
    refute_equal t, Tinker::TensorData.new([1.0, 2.0], dtype: :float32, shape: [2, 4])
    refute Tinker::TensorData.new([1.0], dtype: :float32).sparse?
    d = Tinker::Datum.new(model_input: [1, 2, 3, 4], loss_fn_inputs: { weights: t })
    assert_same t, d.loss_fn_inputs["weights"]
  end

  def test_sparse_tensor_data_checks_its_arrays
    error = assert_raises(Tinker::InvalidArgumentError) do
      Tinker::TensorData.new([1.0], dtype: :float32, shape: [1, 2], crow_indices: [0, 1])
    end
    assert_match(/both crow_indices and col_indices/, error.message)
    error = assert_raises(Tinker::InvalidArgumentError) do
      Tinker::TensorData.sparse([1.0], crow_indices: [0, 1.5], col_indices: [0], shape: [1, 2], dtype: :float32)
    end
    assert_match(/crow_indices\[1\]/, error.message)
    error = assert_raises(Tinker::InvalidArgumentError) do
      Tinker::TensorData.sparse([1.0], crow_indices: [0, 1], col_indices: "0", shape: [1, 2], dtype: :float32)
    end
    assert_match(/col_indices must be an Array/, error.message)
    assert_raises(ArgumentError) { Tinker::TensorData.sparse([1.0], crow_indices: [0, 1], col_indices: [0]) }
  end

  # libtinker checks the layout and the key -> dtype rules when the datum is built, naming the
  # datum and what is wrong; an other-named input may be sparse int64.
  def test_libtinker_checks_sparse_layouts_and_dtypes_while_building
    csr = { crow_indices: [0, 2], col_indices: [1, 3], shape: [1, 4] }
    build = lambda do |inputs|
      datum = Tinker::Datum.new(model_input: [1, 2, 3, 4], loss_fn_inputs: inputs)
      NATIVE.with_batch([datum]) { |b| Tinker::Raw.tinker_batch_size(b) }
    end
    error = assert_raises(Tinker::InvalidArgumentError) do
      build.call(weights: Tinker::TensorData.sparse([1, 2], **csr, dtype: :int64))
    end
    assert_match(/\Adatum 0: .*must be float32/, error.message)
    error = assert_raises(Tinker::InvalidArgumentError) do
      build.call(weights: Tinker::TensorData.sparse([1, 2], **csr, shape: [1, 3], dtype: :float32))
    end
    assert_match(/col_indices\[1\] = 3 is outside \[0, 3\)/, error.message)
    error = assert_raises(Tinker::InvalidArgumentError) do
      build.call(weights: Tinker::TensorData.sparse([1, 2], **csr, shape: nil, dtype: :float32))
    end
    assert_match(/2-D shape/, error.message)
    assert_equal 1, build.call(weights: Tinker::TensorData.sparse([1, 2], **csr, dtype: :float32),
                               mask: Tinker::TensorData.sparse([1, 2], **csr, dtype: :int64))
  end

  BUILDERS = { Tinker::AdamParams => "adam_params", Tinker::LoraConfig => "lora_config",
               Tinker::RetryConfig => "retry_config" }.freeze

  # Reads every field of a native builder with its getter (nil for a field that has none: the
  # nullable ones, unset by default); flags as true / false.
  def native_fields(type, builder, ptr)
    type.members.to_h do |field|
      getter = :"tinker_#{builder}_get_#{field}"
      value = Tinker::Raw.respond_to?(getter) ? Tinker::Raw.public_send(getter, ptr) : nil
      [field, [true, false].include?(type.new[field]) ? value == 1 : value]
    end
  end

  # The defaults of the builders' values are the registry's: a fresh libtinker builder (which the
  # registry made) holds the same values. None is typed in the Ruby layer or here.
  def test_builder_values_have_the_registrys_defaults
    BUILDERS.each do |type, builder|
      native = Tinker::Raw.public_send(:"tinker_#{builder}_new")
      begin
        assert_equal native_fields(type, builder, native), type.new.to_h, type.name
      ensure
        Tinker::Raw.public_send(:"tinker_#{builder}_free", native)
      end
    end
    assert_nil Tinker::LoraConfig.new.seed
    assert_equal 3, Tinker::RetryConfig.new(max_connections: 3).max_connections
    assert_raises(ArgumentError) { Tinker::RetryConfig.new(retries: 3) }
    assert_raises(ArgumentError) { Tinker::AdamParams.new(lr: 1) }
  end

  # Every field reaches the native builder through its setter.
  def test_builder_values_convert_field_by_field
    values = {
      Tinker::AdamParams => { learning_rate: 0.5, beta1: 0.25, beta2: 0.5, eps: 1e-6, weight_decay: 0.125,
                              grad_clip_norm: 2.0 },
      Tinker::LoraConfig => { rank: 4, seed: nil, train_mlp: false, train_attn: true, train_unembed: false },
      Tinker::RetryConfig => { max_connections: 3, progress_timeout: 30.0, retry_delay_base: 0.0, retry_delay_max: 2.0,
                               jitter_factor: 1.0, enable_retry_logic: false, enable_stuck_detection: true }
    }
    values.each do |type, fields|
      builder = BUILDERS.fetch(type)
      native = NATIVE.public_send(:"with_#{builder}", type.new(**fields)) do |ptr|
        native_fields(type, builder, ptr)
      end
      assert_equal fields, native, type.name
    end
  end

  # libtinker's messages name C functions; the Ruby layer's name the Ruby method instead (the
  # map is generated from the registry: both methods of every operation, the builders' fields).
  def test_error_messages_name_the_ruby_method
    assert_equal "TrainingClient#save_state_async: name is NULL",
                 Tinker.ruby_message("tinker_training_client_save_state_async: name is NULL")
    assert_equal "ServiceClient#start_session: x", Tinker.ruby_message("tinker_service_client_start_session: x")
    assert_equal "RetryConfig#jitter_factor: factor must be in range",
                 Tinker.ruby_message("tinker_retry_config_set_jitter_factor: factor must be in range")
    assert_equal "tinker_datum_new: not an operation", Tinker.ruby_message("tinker_datum_new: not an operation")
    assert_equal "no function named", Tinker.ruby_message("no function named")
    error = Tinker.native_error(Tinker::Raw::TINKER_E_INVALID_ARGUMENT, "tinker_training_client_forward_async: " \
                                                                          "loss_fn is NULL", 1, 0, "", false)
    assert_kind_of Tinker::InvalidArgumentError, error
    assert_equal "TrainingClient#forward_async: loss_fn is NULL", error.message
    assert_equal :user, error.category
    error = assert_raises(Tinker::InvalidArgumentError) do
      NATIVE.with_lora_config(Tinker::LoraConfig.new(rank: 0)) { flunk "built" }
    end
    assert_match(/\ALoraConfig#rank: rank must be > 0/, error.message)
  end

  # Every Ruby method the map names exists: both methods of every operation, each builder field,
  # the hand-written methods over other C functions (ServiceClient#create_rest_client, and module
  # or class methods such as Tinker.parse_tinker_path and Tokenizer.load). One C function each, except SamplingParams#stop,
  # which two fill (stop strings, stop tokens).
  def test_every_mapped_method_exists
    shared = Tinker.const_get(:C_FUNCTION_METHODS).values.tally.select { |_, n| n > 1 }.keys
    assert_equal ["SamplingParams#stop"], shared
    Tinker.const_get(:C_FUNCTION_METHODS).each do |function, method|
      if method.include?("#")
        type, name = method.split("#")
        assert Tinker.const_get(type).method_defined?(name), "#{function}: #{method} is not defined"
      else
        owner, name = method.split(".")
        owner = owner == "Tinker" ? Tinker : Tinker.const_get(owner)
        assert owner.respond_to?(name), "#{function}: #{method} is not defined"
      end
    end
    assert_operator Tinker.const_get(:OPERATION_METHODS).size, :>=, 40
    assert(Tinker.const_get(:OPERATION_METHODS).all? { |m| Tinker.const_get(:C_FUNCTION_METHODS).value?(m) })
    %w[start_session start_session_async].each { |m| assert Tinker::ServiceClient.method_defined?(m) }
    %w[forward_backward_custom_begin forward_backward_custom_begin_async forward_backward_custom_finish
       forward_backward_custom_finish_async].each { |m| assert Tinker::TrainingClient.method_defined?(m) }
  end

  # Each setting is checked by libtinker's setter, which names it and its range.
  def test_retry_config_values_are_checked_when_built
    bad = [[:max_connections, 0], [:progress_timeout, 0], [:progress_timeout, Float::NAN], [:retry_delay_base, -0.5],
           [:retry_delay_max, Float::INFINITY], [:jitter_factor, 2]]
    bad.each do |field, value|
      error = assert_raises(Tinker::InvalidArgumentError, field) do
        NATIVE.with_retry_config(Tinker::RetryConfig.new(field => value)) { flunk "built" }
      end
      assert_match(/\ARetryConfig##{field}: \w+ must be /, error.message) # the field, the setter's parameter, its range
    end
    assert_raises(Tinker::InvalidArgumentError) do
      NATIVE.with_retry_config(Tinker::RetryConfig.new(max_connections: 1.5)) { flunk "built" }
    end
    assert_nil(NATIVE.with_retry_config(nil) { |ptr| ptr })
    off = Tinker::RetryConfig.new(jitter_factor: 1, retry_delay_base: 0, enable_retry_logic: false)
    assert_equal :built, NATIVE.with_retry_config(off) { |ptr| ptr && :built }
  end

  def test_datum_arguments_are_checked
    assert_raises(Tinker::InvalidArgumentError) { Tinker::Datum.new(model_input: [1], loss_fn_inputs: [[1]]) }
    assert_raises(Tinker::InvalidArgumentError) { Tinker::ModelInput.new([:not_a_chunk]) }
    assert_raises(ArgumentError) { Tinker::Datum.new(loss_fn_inputs: {}) }
  end

  # The builders check what they are given before anything is sent; bad values raise at once.
  def test_invalid_values_are_refused_by_libtinker_builders
    datum = Tinker::Datum.new(model_input: [1], loss_fn_inputs: { target_tokens: [2] })
    assert_raises(Tinker::InvalidArgumentError) do
      NATIVE.with_adam_params(Tinker::AdamParams.new(beta1: 1.5)) { flunk "built" }
    end
    assert_raises(Tinker::InvalidArgumentError) do
      NATIVE.with_lora_config(Tinker::LoraConfig.new(rank: 0)) { flunk "built" }
    end
    assert_raises(Tinker::InvalidArgumentError) { NATIVE.with_batch([datum, :x]) { flunk "built" } }
    assert_equal 1, NATIVE.with_batch([datum]) { |b| Tinker::Raw.tinker_batch_size(b) }
  end
end
