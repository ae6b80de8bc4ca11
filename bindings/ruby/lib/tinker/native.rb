# frozen_string_literal: true

module Tinker
  # Builds libtinker's input builders from Ruby values for the duration of one call: each
  # `with_*` builds, yields the native pointer and frees it, also when building or the block
  # fails. The raw layer copies every array into memory the builder owns, so nothing Ruby owns is
  # referenced after the call; a failure raises before anything is sent. The builders of the
  # registry (with_adam_params, with_lora_config, with_retry_config) are generated
  # (tinker/generated/builders.rb), with_sampling_params is in sampling_params.rb; the results'
  # helpers (metrics, string_map, consume) are here too.
  # @api private
  module Native
    module_function

    def owned(new_function, free_function, *args)
      ptr = Raw.public_send(new_function, *args)
      begin
        yield ptr
      ensure
        Raw.public_send(free_function, ptr)
      end
    end

    # Prefixes a libtinker error raised by the block with `context`.
    def in_context(context)
      yield
    rescue Error => e
      raise e.with_context(context)
    end

    # A ModelInput, or an Array of token ids; `what` names the argument when it is neither.
    def with_model_input(input, what = "model_input")
      unless input.is_a?(ModelInput) || input.is_a?(Array)
        raise Tinker.invalid_argument("#{what} must be a Tinker::ModelInput or an Array of token ids, " \
                                      "got #{input.class}")
      end

      owned(:tinker_model_input_new, :tinker_model_input_free) do |ptr|
        ModelInput.coerce(input).chunks.each { |chunk| chunk.add_to(ptr) }
        yield ptr
      end
    end

    # A batch from an Array of Datum.
    def with_batch(datums, &block)
      unless datums.is_a?(Array) && datums.all?(Datum)
        raise Tinker.invalid_argument("data must be an Array of Tinker::Datum, got #{datums.class}")
      end

      owned(:tinker_batch_new, :tinker_batch_free) do |batch|
        datums.each_with_index { |datum, i| in_context("datum #{i}") { add_datum(batch, datum) } }
        block.call(batch)
      end
    end

    # Adds one Datum; a failure names the part at fault, as libtinker's own checks do
    # ("loss_fn_inputs[\"weights\"]: must be float32 ..."; with_batch puts "datum i: " in front).
    def add_datum(batch, datum)
      input_context = "model_input"
      with_model_input(datum.model_input) do |input|
        owned(:tinker_datum_new, :tinker_datum_free, input) do |ptr|
          datum.loss_fn_inputs.each do |name, tensor|
            input_context = "loss_fn_inputs[#{name.inspect}]"
            tensor.add_to(ptr, name)
          end
          input_context = nil
          Raw.tinker_batch_add(batch, ptr)
        end
      end
    rescue Error => e
      raise e unless input_context

      raise e.with_context(input_context, without_function: true)
    end

    # A Hash of name -> number, or nil.
    def with_loss_fn_config(config, &block)
      return yield(nil) if config.nil?
      raise Tinker.invalid_argument("loss_fn_config must be a Hash, got #{config.class}") unless config.is_a?(Hash)

      owned(:tinker_loss_fn_config_new, :tinker_loss_fn_config_free) do |ptr|
        config.each { |k, v| Raw.tinker_loss_fn_config_set(ptr, k.to_s, Values.float(v, "loss_fn_config[#{k}]")) }
        block.call(ptr)
      end
    end

    # A Hash of String-convertible keys and values, or nil.
    def with_metadata(metadata, &block)
      return yield(nil) if metadata.nil?
      raise Tinker.invalid_argument("user_metadata must be a Hash, got #{metadata.class}") unless metadata.is_a?(Hash)

      owned(:tinker_metadata_new, :tinker_metadata_free) do |ptr|
        metadata.each { |k, v| Raw.tinker_metadata_set(ptr, k.to_s, v.to_s) }
        block.call(ptr)
      end
    end

    # A borrowed tinker_metrics_t as a Hash name -> Float.
    def metrics(ptr)
      Array.new(Raw.tinker_metrics_count(ptr)) do |i|
        [Raw.tinker_metrics_name(ptr, i), Raw.tinker_metrics_value(ptr, i)]
      end.to_h
    end

    # A borrowed tinker_metadata_t (a result's user_metadata) as a Hash of Strings, in its order.
    def string_map(ptr)
      Array.new(Raw.tinker_metadata_count(ptr)) do |i|
        [Raw.tinker_metadata_key(ptr, i), Raw.tinker_metadata_value(ptr, i)]
      end.to_h
    end

    # Yields an owned native result, then frees it.
    def consume(ptr, free_function)
      yield ptr
    ensure
      Raw.public_send(free_function, ptr)
    end
  end
  private_constant :Native
end
