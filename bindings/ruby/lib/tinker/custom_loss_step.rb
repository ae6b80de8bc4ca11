# frozen_string_literal: true

module Tinker
  # One forward_backward_custom between its two phases (tinker_custom_loss_step_t): what
  # TrainingClient#forward_backward_custom_begin returns and #forward_backward_custom_finish
  # sends. It holds the forward pass's output; the loss, the gradients and the metrics are set on
  # it in between. Close it when done (finish copies what it needs); the finalizer frees it
  # otherwise.
  #
  #   step = trainer.forward_backward_custom_begin(data, timeout: 60)
  #   step.set(loss: loss, gradients: step.logprobs.map { |lp| lp.map { -1.0 } }, metrics: { "m" => 1 })
  #   out = trainer.forward_backward_custom_finish(step, timeout: 60)
  #   step.close
  class CustomLossStep
    def initialize(ptr)
      @handle = Handle.new(ptr, :tinker_custom_loss_step_free)
    end

    # @api private
    def self.take(future)
      new(Raw.tinker_future_take_custom_loss_step(future))
    end

    # Lends a step's native pointer to the block (the custom_loss_step parameter kind).
    # @api private
    def self.with_native(step, &block)
      unless step.is_a?(CustomLossStep)
        raise Tinker.invalid_argument("step must be a Tinker::CustomLossStep, got #{step.class}")
      end

      step.use(&block)
    end

    # The forward pass's output: a ForwardBackwardOutput with each datum's "logprobs".
    def forward_output
      @forward_output ||= @handle.use { |s| ForwardBackwardOutput.read(Raw.tinker_custom_loss_step_forward_output(s)) }
    end

    # Per datum its logprobs, an Array of Floats (one per target token).
    def logprobs
      forward_output.logprobs
    end

    # Sets the loss, one gradient per datum (d loss / d logprobs, each as long as that datum's
    # logprobs) and metrics (a Hash name => number) merged into the result. Wrong values raise
    # Tinker::InvalidArgumentError naming them (a gradient of the wrong length: its datum).
    def set(loss:, gradients:, metrics: {})
      loss, gradients, metrics = checked(loss, gradients, metrics)
      @handle.use do |s|
        Raw.tinker_custom_loss_step_set_loss(s, loss)
        Native.in_context("custom loss gradients") do
          gradients.each_with_index { |gradient, i| Raw.tinker_custom_loss_step_set_gradient(s, i, gradient) }
        end
        metrics.each { |name, value| Raw.tinker_custom_loss_step_add_metric(s, name, value) }
      end
      self
    end

    # Sets what a loss function returned: [loss, gradients] or [loss, gradients, metrics].
    def fill(answer)
      unless answer.is_a?(Array) && [2, 3].include?(answer.size)
        raise Tinker.invalid_argument("the custom loss function must return [loss, gradients] or " \
                                      "[loss, gradients, metrics], got #{answer.inspect[0, 80]}")
      end

      loss, gradients, metrics = answer
      set(loss: loss, gradients: gradients, metrics: metrics || {})
    end

    # @api private
    def use(&block)
      @handle.use(&block)
    end

    # "#<Tinker::CustomLossStep>" (or "... closed")
    def inspect
      Tinker.inspect_object(self, @handle)
    end

    def close
      @handle.close
    end

    private

    def checked(loss, gradients, metrics)
      count = logprobs.size
      gradients = Values.array(gradients, "custom loss gradients")
      unless gradients.size == count
        raise Tinker.invalid_argument("the custom loss function returned #{gradients.size} gradients " \
                                      "for #{count} datums")
      end
      unless metrics.is_a?(Hash)
        raise Tinker.invalid_argument("custom loss metrics must be a Hash, got #{metrics.class}")
      end

      [Values.float(loss, "custom loss"),
       gradients.each_with_index.map { |g, i| Values.floats(g, "custom loss gradients[#{i}]") },
       metrics.to_h { |name, value| [name.to_s, Values.float(value, "custom loss metric #{name}")] }]
    end
  end
end
