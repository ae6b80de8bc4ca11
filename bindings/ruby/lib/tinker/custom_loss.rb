# frozen_string_literal: true

module Tinker
  # T3, forward_backward with a loss computed in Ruby, as the two public phases
  # (TrainingClient#forward_backward_custom_begin_async, #forward_backward_custom_finish_async)
  # with the caller's block between them: libtinker's C callback cannot call into Ruby.
  #
  # The block gets the forward pass's logprobs (per datum an Array of Floats, one per target
  # token) and the datums, and returns [loss, gradients] or [loss, gradients, metrics]: gradients
  # holds, per datum, d loss / d logprobs (an Array of the same length); metrics is a Hash
  # name -> number merged into the result. Datums may only carry "target_tokens" and "weights".
  #
  #   out = trainer.forward_backward_custom(data) do |logprobs, datums|
  #     weights = datums.map { |d| d.loss_fn_inputs["weights"].data }
  #     loss = logprobs.zip(weights).sum { |lp, w| lp.zip(w).sum { |l, x| -l * x } }
  #     [loss, weights.map { |w| w.map(&:-@) }, { "datums" => datums.size }]
  #   end
  #
  # The forward pass is submitted at once, and a worker thread (a ChainedFuture's) takes over:
  # as soon as the forward pass finished it runs the block, sends the backward pass and waits
  # for it, whether or not anyone waits for the returned future. So the block runs on that
  # worker, concurrently with the caller, and the future reports the whole call: poll, done?,
  # wait and a CompletionQueue see it finished once the backward pass finished or something
  # failed. An exception of the block (or a Tinker::InvalidArgumentError for what it returned)
  # fails the future and nothing more is sent; every wait raises it. #cancel before the
  # backward pass was sent means it is never sent (a block already running finishes first);
  # after, it cancels the backward pass. Closing the future, the training client or the service
  # client meanwhile is safe (a closed client fails the call instead of sending the backward pass).
  #
  # Order: the backward pass takes its place in the client's sequence when the worker sends it,
  # after the block returned. An operation submitted meanwhile, such as an optim_step_async
  # right after this call, may therefore reach the server BEFORE the backward pass (as in the
  # Python SDK); wait for this future first when that operation must follow it.
  # @api private
  module CustomLoss
    # The future of forward_backward_custom[_async] on `client`; `method` names the Ruby method
    # called in errors raised while the forward pass starts.
    def self.start(client, method, data, &loss)
      raise ArgumentError, "#{method} needs the loss function as a block" unless loss

      first = Tinker.naming(method) { client.forward_backward_custom_begin_async(data) }
      ChainedFuture.new(first) do |step, start|
        step.fill(loss.call(step.logprobs, data))
        start.call { client.forward_backward_custom_finish_async(step) }
      end
    end
  end
  private_constant :CustomLoss
end
