# frozen_string_literal: true

module Tinker
  # How SamplingClient#sample draws tokens (docs/protocol.md §7.7): SamplingParams.new(field: value,
  # ...); an unknown field raises ArgumentError. Omitted fields take libtinker's defaults:
  #   max_tokens: the most tokens to generate per sample, an Integer >= 0; default nil: the server's choice
  #   seed: an Integer; the same weights, prompt, parameters and seed give the same samples;
  #     default nil: none
  #   stop: where a sample ends (what stopped it stays in the sample): a String, an Array of Strings,
  #     or an Array of Integer token ids; default nil: nowhere but max_tokens and the end of sequence
  #   temperature: a real number >= 0, default 1.0 (0: the most likely token each time)
  #   top_k: only the k most likely tokens, an Integer >= -1; default -1: no limit
  #   top_p: only the most likely tokens whose probabilities add up to top_p, in (0, 1]; default 1.0
  # The values are checked when sent, by libtinker's setters: an out-of-range one raises
  # Tinker::InvalidArgumentError naming the field and the method called
  # ("SamplingClient#sample: SamplingParams#top_p: top_p must be in (0, 1] ...").
  #
  #   sampler.sample(prompt, Tinker::SamplingParams.new(max_tokens: 20, stop: "\n"))
  #   sampler.sample(prompt, max_tokens: 20, stop: "\n")   # the same, the fields as keywords
  SamplingParams = Struct.new(:max_tokens, :seed, :stop, :temperature, :top_k, :top_p, keyword_init: true) do
    def initialize(max_tokens: nil, seed: nil, stop: nil, temperature: 1.0, top_k: -1, top_p: 1.0)
      super
    end

    # Sets every field on a native tinker_sampling_params_t (see Native.with_sampling_params).
    def apply_to(ptr)
      Raw.tinker_sampling_params_set_max_tokens(ptr, integer(:max_tokens)) unless max_tokens.nil?
      Raw.tinker_sampling_params_set_seed(ptr, integer(:seed)) unless seed.nil?
      Raw.tinker_sampling_params_set_temperature(ptr, Values.float(temperature, label(:temperature)))
      Raw.tinker_sampling_params_set_top_k(ptr, integer(:top_k))
      Raw.tinker_sampling_params_set_top_p(ptr, Values.float(top_p, label(:top_p)))
      stops.each_with_index { |s, i| add_stop(ptr, s, i) }
    end

    private

    # The field's name as error messages give it, like the generated builders' ("RetryConfig#jitter_factor").
    def label(field)
      "SamplingParams##{field}"
    end

    def integer(field)
      Values.integer(self[field], label(field))
    end

    # `stop` as a list: one String, or the Array's elements.
    def stops
      case stop
      when nil then []
      when String then [stop]
      when Array then stop
      else raise Tinker.invalid_argument("#{label(:stop)} must be a String or an Array, got #{stop.class}")
      end
    end

    # libtinker refuses what the server would: an empty string, strings mixed with token ids.
    def add_stop(ptr, value, index)
      case value
      when String
        Raw.tinker_sampling_params_add_stop_string(ptr, value)
      when Integer
        token = Values.integer(value, "#{label(:stop)}[#{index}]", Values::INT32)
        Raw.tinker_sampling_params_add_stop_token(ptr, token)
      else
        raise Tinker.invalid_argument("#{label(:stop)}[#{index}] must be a String or an Integer token id, " \
                                      "got #{value.inspect}")
      end
    end
  end

  module Native
    # A Tinker::SamplingParams as a tinker_sampling_params_t for the block (nil: NULL, libtinker's
    # defaults), freed afterwards, also when a setter refused a value (Tinker::InvalidArgumentError
    # naming it). Written by hand in the generated builders' form: the sampling parameters are a
    # builder of the header (sampling.h), not of the registry.
    def self.with_sampling_params(value, &block)
      return yield(nil) if value.nil?
      unless value.is_a?(SamplingParams)
        raise Tinker.invalid_argument("sampling_params must be a Tinker::SamplingParams, got #{value.class}")
      end

      owned(:tinker_sampling_params_new, :tinker_sampling_params_free) do |ptr|
        value.apply_to(ptr)
        block.call(ptr)
      end
    end
  end
end
