# frozen_string_literal: true

# Training inputs as Ruby values (ModelInput, Datum, TensorData, AdamParams, LoraConfig,
# RetryConfig) and their conversion into libtinker's input builders (Tinker::Native), which lasts
# one call.
module Tinker
  # Checks and converts the plain values of inputs, so that bad input raises
  # Tinker::InvalidArgumentError with a message naming it instead of a TypeError from deep inside
  # the raw layer.
  module Values
    INT32 = (-2**31..(2**31) - 1).freeze
    INT64 = (-2**63..(2**63) - 1).freeze

    module_function

    # An Array of Integers within `range`.
    def integers(values, what, range = INT64)
      array(values, what).each_with_index { |v, i| integer(v, "#{what}[#{i}]", range) }
    end

    def integer(value, what, range = INT64)
      return value if value.is_a?(Integer) && range.cover?(value)

      raise Tinker.invalid_argument("#{what} must be an Integer in #{range}, got #{value.inspect}")
    end

    # An Array of real numbers, as Floats.
    def floats(values, what)
      array(values, what).each_with_index.map { |v, i| float(v, "#{what}[#{i}]") }
    end

    def float(value, what)
      raise Tinker.invalid_argument("#{what} must be a real number, got #{value.inspect}") unless real?(value)

      value.to_f
    end

    def real?(value)
      value.is_a?(Numeric) && value.real?
    end

    def array(values, what)
      return values if values.is_a?(Array)

      raise Tinker.invalid_argument("#{what} must be an Array, got #{values.class}")
    end

    # An optional int32 token count (nil: unknown, -1 for C).
    def expected_tokens(value)
      return -1 if value.nil?

      integer(value, "expected_tokens", INT32)
    end
  end

  # A tensor: a flat Array of numbers, its element type (:float32 or :int64) and its shape (nil:
  # flat). Loss-function inputs of a Datum, and the tensors of results. A sparse loss input (see
  # TensorData.sparse) is a 2-D tensor in CSR form: `data` holds its non-zero values and `shape`
  # its dense [nrows, ncols].
  class TensorData
    DTYPES = %i[float32 int64].freeze

    # The protocol's key -> dtype rules (tinker.h, tinker_datum_add_tensor_float32); other names
    # take either type.
    KEY_DTYPES = { "target_tokens" => :int64, "weights" => :float32, "advantages" => :float32,
                   "logprobs" => :float32, "clip_low_threshold" => :float32,
                   "clip_high_threshold" => :float32 }.freeze

    # crow_indices and col_indices: nil for a dense tensor.
    attr_reader :data, :dtype, :shape, :crow_indices, :col_indices

    # Dense unless crow_indices and col_indices are given (both, see TensorData.sparse).
    def initialize(data, dtype:, shape: nil, crow_indices: nil, col_indices: nil)
      unless DTYPES.include?(dtype)
        raise Tinker.invalid_argument("dtype must be :float32 or :int64, got #{dtype.inspect}")
      end
      if crow_indices.nil? != col_indices.nil?
        raise Tinker.invalid_argument("a sparse tensor needs both crow_indices and col_indices")
      end

      @data = dtype == :int64 ? Values.integers(data, "tensor data") : Values.floats(data, "tensor data")
      @dtype = dtype
      @shape = shape && Values.integers(shape, "shape")
      @crow_indices = crow_indices && Values.integers(crow_indices, "crow_indices")
      @col_indices = col_indices && Values.integers(col_indices, "col_indices")
    end

    # A sparse CSR loss input: a 2-D tensor of dense shape [nrows, ncols] whose non-zero `values`
    # sit in row r at positions crow_indices[r] ... crow_indices[r + 1], in the columns
    # col_indices[...]. libtinker checks the layout when the batch is built (before anything is
    # sent) and raises Tinker::InvalidArgumentError saying what is wrong.
    #
    #   Tinker::TensorData.sparse([1.0, 2.0], crow_indices: [0, 2], col_indices: [1, 4], shape: [1, 8],
    #                             dtype: :float32)  # the dense row [0, 1, 0, 0, 2, 0, 0, 0]
    def self.sparse(values, crow_indices:, col_indices:, shape:, dtype:)
      new(values, dtype: dtype, shape: shape, crow_indices: crow_indices, col_indices: col_indices)
    end

    def sparse?
      !crow_indices.nil?
    end

    # A loss input named `name` from a TensorData or a plain Array: a plain Array takes the dtype
    # the name requires, else :int64 when every element is an Integer and :float32 otherwise.
    def self.coerce(value, name)
      return value if value.is_a?(TensorData)

      dtype = KEY_DTYPES.fetch(name) { value.is_a?(Array) && value.all?(Integer) ? :int64 : :float32 }
      new(value, dtype: dtype)
    end

    # Copies a borrowed tinker_tensor_t.
    def self.from_native(tensor)
      dtype = Raw.tinker_tensor_dtype(tensor) == Raw::TINKER_DTYPE_INT64 ? :int64 : :float32
      data, = Raw.public_send(:"tinker_tensor_copy_to_#{dtype}", tensor, Raw.tinker_tensor_numel(tensor))
      shape = Array.new(Raw.tinker_tensor_ndim(tensor)) { |d| Raw.tinker_tensor_dim(tensor, d) }
      new(data, dtype: dtype, shape: shape.empty? ? nil : shape)
    end

    def to_a
      data
    end

    def ==(other)
      other.is_a?(TensorData) && data == other.data && dtype == other.dtype && shape == other.shape &&
        crow_indices == other.crow_indices && col_indices == other.col_indices
    end

    # Adds this tensor to a native datum as loss input `name`.
    def add_to(datum, name)
      if sparse?
        Raw.public_send(:"tinker_datum_add_sparse_tensor_#{dtype}", datum, name, data, crow_indices, col_indices,
                        shape)
      else
        Raw.public_send(:"tinker_datum_add_tensor_#{dtype}", datum, name, data, shape)
      end
    end
  end

  # An encoded_text chunk: token ids, handed to libtinker as int32 (default) or int64 values.
  class EncodedTextChunk
    attr_reader :tokens, :dtype

    def initialize(tokens, dtype: :int32)
      unless %i[int32 int64].include?(dtype)
        raise Tinker.invalid_argument("token dtype must be :int32 or :int64, got #{dtype.inspect}")
      end

      @tokens = Values.integers(tokens, "tokens", dtype == :int32 ? Values::INT32 : Values::INT64)
      @dtype = dtype
    end

    def add_to(input)
      Raw.public_send(:"tinker_model_input_add_text_#{dtype}", input, tokens)
    end
  end

  # An image chunk: the bytes of a PNG or JPEG (a String), its format ("png", "jpeg") and its
  # length in tokens (nil: unknown).
  class ImageChunk
    attr_reader :data, :format, :expected_tokens

    def initialize(data, format:, expected_tokens: nil)
      raise Tinker.invalid_argument("image data must be a String of bytes, got #{data.class}") unless data.is_a?(String)

      @data = data
      @format = format.to_s
      @expected_tokens = expected_tokens
    end

    def add_to(input)
      Raw.tinker_model_input_add_image(input, data, format, Values.expected_tokens(expected_tokens))
    end
  end

  # An image_asset_pointer chunk: a path or URL of an image, its format and its length in tokens.
  # Only the JSON wire mode can send it (tinker.h).
  class ImageAssetPointerChunk
    attr_reader :location, :format, :expected_tokens

    def initialize(location, format:, expected_tokens: nil)
      @location = location.to_s
      @format = format.to_s
      @expected_tokens = expected_tokens
    end

    def add_to(input)
      Raw.tinker_model_input_add_image_asset_pointer(input, location, format, Values.expected_tokens(expected_tokens))
    end
  end

  # What the model reads: a sequence of chunks.
  #
  #   Tinker::ModelInput.from_ints([1, 2, 3]).add_image(png, format: "png", expected_tokens: 64)
  class ModelInput
    attr_reader :chunks

    def initialize(chunks = [])
      @chunks = Values.array(chunks, "chunks").dup
      @chunks.each do |c|
        raise Tinker.invalid_argument("not a model input chunk: #{c.inspect}") unless c.respond_to?(:add_to)
      end
    end

    def self.from_ints(tokens, dtype: :int32)
      new.add_text(tokens, dtype: dtype)
    end

    # A ModelInput, or an Array of token ids.
    def self.coerce(value)
      value.is_a?(ModelInput) ? value : from_ints(value)
    end

    def add_text(tokens, dtype: :int32)
      @chunks << EncodedTextChunk.new(tokens, dtype: dtype)
      self
    end

    def add_image(data, format:, expected_tokens: nil)
      @chunks << ImageChunk.new(data, format: format, expected_tokens: expected_tokens)
      self
    end

    def add_image_asset_pointer(location, format:, expected_tokens: nil)
      @chunks << ImageAssetPointerChunk.new(location, format: format, expected_tokens: expected_tokens)
      self
    end

    # The length in tokens, as libtinker counts it. Raises Tinker::FailedPreconditionError when
    # an image chunk has no expected_tokens.
    def length
      Native.with_model_input(self) { |input| Raw.tinker_model_input_length(input) }
    end
  end

  # One training example: a model input and named loss-function inputs (String or Symbol keys;
  # TensorData or plain Arrays, see TensorData.coerce).
  #
  #   Tinker::Datum.new(model_input: [1, 2, 3], loss_fn_inputs: { target_tokens: [2, 3, 4], weights: [1, 1, 1] })
  class Datum
    attr_reader :model_input, :loss_fn_inputs

    def initialize(model_input:, loss_fn_inputs: {})
      @model_input = ModelInput.coerce(model_input)
      unless loss_fn_inputs.is_a?(Hash)
        raise Tinker.invalid_argument("loss_fn_inputs must be a Hash, got #{loss_fn_inputs.class}")
      end

      @loss_fn_inputs = loss_fn_inputs.to_h do |name, value|
        name = name.to_s
        [name, TensorData.coerce(value, name)]
      end
    end
  end

  # Adam parameters of optim_step, with the defaults of tinker.h (tinker_adam_params_new).
  AdamParams = Struct.new(:learning_rate, :beta1, :beta2, :eps, :weight_decay, :grad_clip_norm, keyword_init: true) do
    def initialize(learning_rate: 1e-4, beta1: 0.9, beta2: 0.95, eps: 1e-12, weight_decay: 0.0, grad_clip_norm: 0.0)
      super
    end
  end

  # LoRA configuration of a new training run, with the defaults of tinker.h
  # (tinker_lora_config_new); seed nil: the server's default.
  LoraConfig = Struct.new(:rank, :seed, :train_mlp, :train_attn, :train_unembed, keyword_init: true) do
    def initialize(rank: 32, seed: nil, train_mlp: true, train_attn: true, train_unembed: true)
      super
    end
  end

  # Retry settings of a sampling client (create_sampling_client, save_weights_and_get_sampling_client),
  # with the defaults of tinker.h (tinker_retry_config_new): at most max_connections sample
  # operations in flight; in-flight ones fail as stuck after progress_timeout seconds without any
  # completing; retries wait retry_delay_base seconds, doubled per attempt up to retry_delay_max,
  # +/- jitter_factor of it. libtinker checks the ranges (max_connections >= 1, progress_timeout
  # > 0, delays >= 0, jitter_factor in [0, 1]) and raises Tinker::InvalidArgumentError before
  # anything is sent.
  RetryConfig = Struct.new(:max_connections, :progress_timeout, :retry_delay_base, :retry_delay_max, :jitter_factor,
                           :enable_retry_logic, :enable_stuck_detection, keyword_init: true) do
    def initialize(max_connections: 1000, progress_timeout: 7200.0, retry_delay_base: 0.5, retry_delay_max: 10.0,
                   jitter_factor: 0.25, enable_retry_logic: true, enable_stuck_detection: true)
      super
    end
  end

  # Builds libtinker's input builders from the values above for the duration of one call: each
  # `with_*` builds, yields the native pointer and frees it, also when building or the block
  # fails. The raw layer copies every array into memory the builder owns, so nothing Ruby owns is
  # referenced after the call; a failure raises before anything is sent.
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

    def with_model_input(input)
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

    def add_datum(batch, datum)
      with_model_input(datum.model_input) do |input|
        owned(:tinker_datum_new, :tinker_datum_free, input) do |ptr|
          datum.loss_fn_inputs.each { |name, tensor| tensor.add_to(ptr, name) }
          Raw.tinker_batch_add(batch, ptr)
        end
      end
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

    # An AdamParams, or nil.
    def with_adam_params(params, &block)
      return yield(nil) if params.nil?

      owned(:tinker_adam_params_new, :tinker_adam_params_free) do |ptr|
        params.each_pair do |field, value|
          Raw.public_send(:"tinker_adam_params_set_#{field}", ptr, Values.float(value, field.to_s))
        end
        block.call(ptr)
      end
    end

    # A LoraConfig, or nil.
    def with_lora_config(config, &block)
      return yield(nil) if config.nil?

      owned(:tinker_lora_config_new, :tinker_lora_config_free) do |ptr|
        Raw.tinker_lora_config_set_rank(ptr, Values.integer(config.rank, "rank", Values::INT32))
        Raw.tinker_lora_config_set_seed(ptr, Values.integer(config.seed, "seed")) unless config.seed.nil?
        %i[train_mlp train_attn train_unembed].each do |part|
          Raw.public_send(:"tinker_lora_config_set_#{part}", ptr, config[part] ? 1 : 0)
        end
        block.call(ptr)
      end
    end

    # A RetryConfig, or nil.
    def with_retry_config(config, &block)
      return yield(nil) if config.nil?
      unless config.is_a?(RetryConfig)
        raise Tinker.invalid_argument("retry_config must be a Tinker::RetryConfig, got #{config.class}")
      end

      owned(:tinker_retry_config_new, :tinker_retry_config_free) do |ptr|
        Raw.tinker_retry_config_set_max_connections(ptr, Values.integer(config.max_connections, "max_connections"))
        %i[progress_timeout retry_delay_base retry_delay_max jitter_factor].each do |field|
          Raw.public_send(:"tinker_retry_config_set_#{field}", ptr, Values.float(config[field], field.to_s))
        end
        %i[enable_retry_logic enable_stuck_detection].each do |flag|
          Raw.public_send(:"tinker_retry_config_set_#{flag}", ptr, config[flag] ? 1 : 0)
        end
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

    # Yields an owned native result, then frees it.
    def consume(ptr, free_function)
      yield ptr
    ensure
      Raw.public_send(free_function, ptr)
    end
  end
end
