# frozen_string_literal: true

# Training inputs as Ruby values: conversion rules, defaults and the errors bad input gets.
# Nothing here needs a server.
require "minitest/autorun"
require "tinker"

class TrainingInputsTest < Minitest::Test
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

  def test_datum_arguments_are_checked
    assert_raises(Tinker::InvalidArgumentError) { Tinker::Datum.new(model_input: [1], loss_fn_inputs: [[1]]) }
    assert_raises(Tinker::InvalidArgumentError) { Tinker::ModelInput.new([:not_a_chunk]) }
    assert_raises(ArgumentError) { Tinker::Datum.new(loss_fn_inputs: {}) }
  end

  def test_adam_params_and_lora_config_have_the_header_defaults
    adam = Tinker::AdamParams.new
    assert_equal [1e-4, 0.9, 0.95, 1e-12, 0.0, 0.0], adam.to_a
    assert_equal 0.01, Tinker::AdamParams.new(learning_rate: 0.01).learning_rate
    lora = Tinker::LoraConfig.new
    assert_equal [32, nil, true, true, true], lora.to_a
    assert_raises(ArgumentError) { Tinker::AdamParams.new(lr: 1) }
  end

  # The builders check what they are given before anything is sent; bad values raise at once.
  def test_invalid_values_are_refused_by_libtinker_builders
    datum = Tinker::Datum.new(model_input: [1], loss_fn_inputs: { target_tokens: [2] })
    assert_raises(Tinker::InvalidArgumentError) do
      Tinker::Native.with_adam_params(Tinker::AdamParams.new(beta1: 1.5)) { flunk "built" }
    end
    assert_raises(Tinker::InvalidArgumentError) do
      Tinker::Native.with_lora_config(Tinker::LoraConfig.new(rank: 0)) { flunk "built" }
    end
    assert_raises(Tinker::InvalidArgumentError) { Tinker::Native.with_batch([datum, :x]) { flunk "built" } }
    assert_equal 1, Tinker::Native.with_batch([datum]) { |b| Tinker::Raw.tinker_batch_size(b) }
  end
end
