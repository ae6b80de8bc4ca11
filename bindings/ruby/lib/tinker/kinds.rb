# frozen_string_literal: true

module Tinker
  # The Ruby side of the parameter kinds of api/kinds.py that need no native builder: the
  # generated operation methods convert their arguments with these. Kinds with a builder go
  # through Tinker::Native.with_*.
  module Kinds
    module_function

    # string, string?, name, tinker_path: a String or Symbol. nil passes as NULL, so that
    # libtinker refuses it where the kind needs a value ("TrainingClient#forward: loss_fn is
    # NULL") and takes it as "none" where the kind is optional.
    def string(value, what)
      return value if value.nil? || value.is_a?(String)
      return value.to_s if value.is_a?(Symbol)

      raise Tinker.invalid_argument("#{what} must be a String, got #{value.class}")
    end

    # ttl: seconds; nil is 0, "never expires". libtinker refuses negative values.
    def ttl(value, what)
      value.nil? ? 0 : Values.integer(value, what)
    end

    # count, topk: an Integer. libtinker checks the kind's range and names the parameter
    # ("SamplingClient#sample: num_samples must be >= 1").
    def integer(value, what)
      Values.integer(value, what)
    end

    # flag: any Ruby truth value.
    def flag(value)
      value ? 1 : 0
    end

    # A builder value given either as itself (`value`) or as its fields (keywords of the
    # method); nil when neither, which is NULL for C: libtinker's defaults.
    def builder(type, value, fields, what)
      raise ArgumentError, "give either #{what} or its fields as keywords, not both" if value && !fields.empty?

      value || (type.new(**fields) unless fields.empty?)
    end
  end
end
