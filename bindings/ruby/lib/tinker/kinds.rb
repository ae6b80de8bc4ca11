# frozen_string_literal: true

require "date"

module Tinker
  # The Ruby side of the parameter kinds of api/kinds.py that need no native builder: the
  # generated operation methods convert their arguments with these. Kinds with a builder go
  # through Tinker::Native.with_*.
  # @api private
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

    # day?: a Date, sent as its calendar day ("2026-12-01"; a DateTime's day in UTC), or a String
    # "YYYY-MM-DD", which libtinker checks. nil passes as NULL: every day.
    def day(value, what)
      return value if value.nil? || value.is_a?(String)
      return value.new_offset(0).strftime("%Y-%m-%d") if value.is_a?(DateTime)
      return value.strftime("%Y-%m-%d") if value.is_a?(Date)

      raise Tinker.invalid_argument("#{what} must be a Date or a String \"YYYY-MM-DD\", got #{value.class}")
    end

    # timestamp: a Time (or DateTime), sent as RFC 3339 in UTC with a trailing Z
    # ("2026-12-01T00:00:00Z"; with the fraction of a second when it has one), or a String in RFC
    # 3339, which libtinker checks. nil passes as NULL, which libtinker refuses.
    def timestamp(value, what)
      return value if value.nil? || value.is_a?(String)

      value = value.to_time if value.is_a?(DateTime)
      unless value.is_a?(Time)
        raise Tinker.invalid_argument("#{what} must be a Time or an RFC 3339 String, got #{value.class}")
      end

      utc = value.getutc
      fraction = utc.subsec.zero? ? "" : utc.strftime(".%N").sub(/0+\z/, "")
      "#{utc.strftime('%Y-%m-%dT%H:%M:%S')}#{fraction}Z"
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
  private_constant :Kinds
end
