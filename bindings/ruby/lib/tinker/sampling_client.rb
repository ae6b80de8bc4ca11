# frozen_string_literal: true

module Tinker
  # A sampling client (from TrainingClient#create_sampling_client or
  # #save_weights_and_get_sampling_client). Close it when done; the finalizer frees it otherwise.
  class SamplingClient
    attr_reader :sampling_session_id

    def initialize(ptr)
      @handle = Handle.new(ptr, :tinker_sampling_client_free)
      @sampling_session_id = Raw.tinker_sampling_client_sampling_session_id(ptr)
    end

    def self.take(future)
      new(Raw.tinker_future_take_sampling_client(future))
    end

    # Idempotent.
    def close
      @handle.close
    end
  end
end
