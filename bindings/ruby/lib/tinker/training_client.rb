# frozen_string_literal: true

module Tinker
  # A training run on the server (a LoRA model). Thread-safe. Operations of one client reach the
  # server in call order, so forward_backward_async and optim_step_async may be submitted back to
  # back before waiting for either. Close it when done (idempotent; pending operations keep
  # running); the finalizer frees it otherwise. Its operations (T1-T13) are generated from the
  # registry (tinker/generated/training_client.rb); forward_backward_custom is CustomLoss.start.
  class TrainingClient
    # The training run's id.
    attr_reader :model_id

    def initialize(ptr)
      @handle = Handle.new(ptr, :tinker_training_client_free)
      @model_id = Raw.tinker_training_client_model_id(ptr)
    end

    # The client a finished create_* future holds.
    # @api private
    def self.take(future)
      new(Raw.tinker_future_take_training_client(future))
    end

    # "#<Tinker::TrainingClient model_id=\"...\">"
    def inspect
      Tinker.inspect_object(self, @handle, model_id: model_id)
    end

    def close
      @handle.close
    end
  end
end
