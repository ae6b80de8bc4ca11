# frozen_string_literal: true

# Training inputs as Ruby values (ModelInput and its chunks, Datum, TensorData); Tinker::Native
# turns them into libtinker's input builders for the call that sends them.
module Tinker
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

    # "#<Tinker::TensorData float32 shape=[2, 3] [1.0, 2.0, ...]>": the dtype, the shape (when
    # not flat), the CSR indices of a sparse one and the first values.
    def inspect
      parts = [dtype]
      parts << "shape=#{shape.inspect}" if shape
      parts.push("sparse", "crow_indices=#{crow_indices.inspect}", "col_indices=#{col_indices.inspect}") if sparse?
      "#<Tinker::TensorData #{parts.join(' ')} #{Tinker.inspect_values(data)}>"
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

    # "#<Tinker::EncodedTextChunk int32 [1, 2, 3]>" (the first tokens of a long one)
    def inspect
      "#<Tinker::EncodedTextChunk #{dtype} #{Tinker.inspect_values(tokens)}>"
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

    # "#<Tinker::ImageChunk png 4000 bytes expected_tokens=64>": the size, not the bytes.
    def inspect
      tokens = expected_tokens.nil? ? "" : " expected_tokens=#{expected_tokens.inspect}"
      "#<Tinker::ImageChunk #{format} #{data.bytesize} bytes#{tokens}>"
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

    # "#<Tinker::ImageAssetPointerChunk png \"https://...\" expected_tokens=64>"
    def inspect
      tokens = expected_tokens.nil? ? "" : " expected_tokens=#{expected_tokens.inspect}"
      "#<Tinker::ImageAssetPointerChunk #{format} #{location.inspect}#{tokens}>"
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

    # "#<Tinker::ModelInput [chunks]>"
    def inspect
      "#<Tinker::ModelInput #{chunks.inspect}>"
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
        [name, Native.in_context("loss_fn_inputs[#{name.inspect}]") { TensorData.coerce(value, name) }]
      end
    end

    # "#<Tinker::Datum model_input=#<Tinker::ModelInput ...> loss_fn_inputs=...>", the inputs
    # Hash as Hash#inspect shows it.
    def inspect
      "#<Tinker::Datum model_input=#{model_input.inspect} loss_fn_inputs=#{loss_fn_inputs.inspect}>"
    end
  end

  INSPECT_VALUES = 8
  private_constant :INSPECT_VALUES

  # The first INSPECT_VALUES values of an Array, as inspect shows them, and how many there are
  # when that is not all: "[1, 2, ... (100 values)]".
  # @api private
  def self.inspect_values(values)
    return values.inspect if values.size <= INSPECT_VALUES

    "[#{values.first(INSPECT_VALUES).map(&:inspect).join(', ')}, ... (#{values.size} values)]"
  end
end
