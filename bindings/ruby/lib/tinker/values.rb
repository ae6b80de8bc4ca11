# frozen_string_literal: true

module Tinker
  # Checks and converts the plain values of inputs, so that bad input raises
  # Tinker::InvalidArgumentError with a message naming it instead of a TypeError from deep inside
  # the raw layer.
  # @api private
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

    # A number read from libtinker's JSON text as the float32 it was written from (nil stays nil):
    # the text is the shortest that reads back as that float32, and Ruby reads it as the nearest
    # double instead, which would differ from the same value copied out of a C float array.
    def float32(value)
      value && [value].pack("e").unpack1("e")
    end

    # nil where a C getter answered `unknown`, the registry's value for "absent" (-1, "").
    def or_nil(value, unknown)
      value == unknown ? nil : value
    end

    # A C getter's -1 (the server did not say), 0 or 1 as nil, false or true.
    def optional_bool(value)
      value.negative? ? nil : value != 0
    end

    # An optional int32 token count (nil: unknown, -1 for C).
    def expected_tokens(value)
      return -1 if value.nil?

      integer(value, "expected_tokens", INT32)
    end
  end
  private_constant :Values
end
