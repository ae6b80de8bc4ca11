# frozen_string_literal: true

module Tinker
  # What the generated operation methods of a client class (tinker/generated/*_client.rb) share.
  # The class keeps its native handle in @handle.
  # @api private
  module Operations
    private

    # Starts one operation for the Ruby method `method` (e.g. "TrainingClient#save_state"): the
    # block gets the client's native handle, converts the arguments and returns the native future
    # of the C _async call. `take` turns the finished native future into the result (nil: the
    # result is nil). A Tinker::Error raised meanwhile names `method` (Error#named), whichever
    # C function or conversion raised it.
    def start(method, take, &block)
      Tinker.naming(method) { Future.new(@handle.use(&block), &take) }
    end
  end
  private_constant :Operations
end
