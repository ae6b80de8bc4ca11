# frozen_string_literal: true

module Tinker
  # A sampling client: samples from a sampler checkpoint or a base model (from
  # ServiceClient#create_sampling_client, TrainingClient#create_sampling_client or
  # #save_weights_and_get_sampling_client). Thread-safe; any number of sample_async calls may be
  # made at once: libtinker keeps at most RetryConfig#max_connections of them in flight and starts
  # the others in call order. Close it when done; the finalizer frees it otherwise. Its operations
  # (P1 sample, P2 compute_logprobs, P3 get_base_model, P4 get_tokenizer) are generated from the
  # registry (tinker/generated/sampling_client.rb).
  #
  #   response = sampler.sample(Tinker::ModelInput.from_ints(prompt), max_tokens: 16, num_samples: 4)
  #   response.sequences.each { |s| puts s.tokens.inspect, s.stop_reason }
  class SamplingClient
    # The sampling session's id on the server.
    attr_reader :sampling_session_id

    def initialize(ptr)
      @handle = Handle.new(ptr, :tinker_sampling_client_free)
      @sampling_session_id = Raw.tinker_sampling_client_sampling_session_id(ptr)
    end

    # The client a finished create_sampling_client future holds.
    # @api private
    def self.take(future)
      new(Raw.tinker_future_take_sampling_client(future))
    end

    # "#<Tinker::SamplingClient sampling_session_id=\"...\">"
    def inspect
      Tinker.inspect_object(self, @handle, sampling_session_id: sampling_session_id)
    end

    # Releases the client (idempotent); the last handle on the runtime ends its pending futures
    # (see ServiceClient#close).
    def close
      @handle.close
    end
  end
end
