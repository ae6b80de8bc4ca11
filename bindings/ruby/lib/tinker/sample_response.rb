# frozen_string_literal: true

require "json"

# The results of sampling as Ruby values: SampleResponse (P1) and the plain Array of
# compute_logprobs (P2). Written by hand, like ForwardBackwardOutput: they hold arrays per
# sequence and per prompt position, not a registry message.
module Tinker
  # One sampled continuation of the prompt.
  #   tokens: the token ids (Integers)
  #   logprobs: the logprob of each token (Floats), or nil when the server sent none
  #   stop_reason: :stop (a stop string or token, or the end of the sequence) or :length (max_tokens reached)
  SampledSequence = Struct.new(:tokens, :logprobs, :stop_reason)

  # P1: what SamplingClient#sample returns (SampleResponse.take copies it out of a finished future
  # and frees the native result at once).
  #   sequences: the SampledSequences, in the server's order
  #   prompt_logprobs: with include_prompt_logprobs, one per prompt token: a Float, or nil where
  #     there is none (the first position, which nothing precedes); else nil
  #   topk_prompt_logprobs: with topk_prompt_logprobs: k, one entry per prompt position: nil where
  #     the server has none (the first position), else up to k pairs [token_id, logprob], the most
  #     likely first; else nil
  #   prompt_cache_hit_tokens: prompt tokens the server served from its prefix cache
  #   json: the response as JSON (also #to_json), the legacy form of docs/protocol.md §7.9
  SampleResponse = Struct.new(:sequences, :prompt_logprobs, :topk_prompt_logprobs, :prompt_cache_hit_tokens,
                              :json) do
    # Copies the result of a finished native future into Ruby values and frees the native one.
    def self.take(future)
      Native.consume(Raw.tinker_future_take_sample_response(future), :tinker_sample_response_free) { |r| read(r) }
    end

    # Copies a tinker_sample_response_t. Through its JSON form: the raw layer hands Ruby no int32
    # buffer (the tokens) and libtinker has no copy function for the prompt logprobs and the top-k
    # rows, only borrowed C arrays, which SWIG cannot return. The JSON has every value; its floats
    # are the shortest text of each float32, turned back into that float32 (Values.float32).
    def self.read(ptr)
      json = Raw.tinker_sample_response_to_json(ptr)
      fields = JSON.parse(json)
      new(fields.fetch("sequences").map { |s| sequence(s) },
          fields["prompt_logprobs"]&.map { |lp| Values.float32(lp) },
          fields["topk_prompt_logprobs"]&.map { |row| topk_row(row) },
          fields.fetch("prompt_cache_hit_tokens", 0), json)
    end

    def self.sequence(fields)
      SampledSequence.new(fields.fetch("tokens"), fields["logprobs"]&.map { |lp| Values.float32(lp) },
                          fields.fetch("stop_reason").to_sym)
    end

    def self.topk_row(row)
      row&.map { |token, logprob| [token, Values.float32(logprob)] }
    end
    private_class_method :sequence, :topk_row

    # The response as JSON text, so that JSON.generate embeds it as an object.
    def to_json(*_args)
      json
    end
  end

  # P2's result, which SamplingClient#compute_logprobs returns as a plain Array: one Float per
  # prompt token, the logprob of that token given the ones before it, and nil where there is none
  # (the first position). This module copies it out of a finished future (take), freeing the
  # native result at once.
  module PromptLogprobs
    module_function

    def take(future)
      Native.consume(Raw.tinker_future_take_prompt_logprobs(future), :tinker_prompt_logprobs_free) { |r| read(r) }
    end

    # Copies a tinker_prompt_logprobs_t (its floats exactly, through tinker_prompt_logprobs_copy_to).
    def read(ptr)
      values, = Raw.tinker_prompt_logprobs_copy_to(ptr, Raw.tinker_prompt_logprobs_count(ptr))
      values.each_with_index.map { |v, i| Raw.tinker_prompt_logprobs_defined(ptr, i) == 1 ? v : nil }
    end
  end
end
