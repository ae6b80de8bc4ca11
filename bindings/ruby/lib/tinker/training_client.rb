# frozen_string_literal: true

# Training: ServiceClient's operations that create training clients (S2-S4), and TrainingClient
# with T1-T12. Every operation exists as `op_async(...)` (a Tinker::Future) and the blocking
# `op(..., timeout: nil)`; both go through Operations.operation.
module Tinker
  class ServiceClient
    take_training_client = ->(f) { TrainingClient.new(Raw.tinker_future_take_training_client(f)) }

    # A new LoRA training run on base_model: a Tinker::TrainingClient. The LoRA settings are a
    # LoraConfig (`lora:`) or its fields as keywords (rank: 32, seed: nil, train_mlp: true,
    # train_attn: true, train_unembed: true); user_metadata is a Hash.
    operation(:create_lora_training_client,
              take: take_training_client) do |c, base_model, lora: nil, user_metadata: nil, **fields|
      raise ArgumentError, "give either lora: or its fields as keywords, not both" if lora && !fields.empty?

      Native.with_lora_config(lora || LoraConfig.new(**fields)) do |config|
        Native.with_metadata(user_metadata) do |metadata|
          Raw.tinker_service_client_create_lora_training_client_async(c, base_model, config, metadata)
        end
      end
    end

    # A training run from a training checkpoint path (tinker://.../weights/...), weights only;
    # base_model nil: the checkpoint's.
    operation(:create_training_client_from_state, take: take_training_client) do |c, path, **options|
      start_from_state(:tinker_service_client_create_training_client_from_state_async, c, path, **options)
    end

    # As create_training_client_from_state, restoring the optimizer state too.
    operation(:create_training_client_from_state_with_optimizer, take: take_training_client) do |c, path, **options|
      start_from_state(:tinker_service_client_create_training_client_from_state_with_optimizer_async,
                       c, path, **options)
    end

    private

    def start_from_state(function, client, path, base_model: nil, user_metadata: nil, weights_access_token: nil)
      Native.with_metadata(user_metadata) do |metadata|
        Raw.public_send(function, client, path, base_model, metadata, weights_access_token)
      end
    end
  end

  # A training run on the server (a LoRA model). Thread-safe. Operations of one client reach the
  # server in call order, so forward_backward_async and optim_step_async may be submitted back to
  # back before waiting for either. Close it when done (idempotent; pending operations keep
  # running); the finalizer frees it otherwise.
  class TrainingClient
    extend Operations
    NATIVE_PREFIX = "tinker_training_client"

    # The training run's id.
    attr_reader :model_id

    def initialize(ptr)
      @handle = Handle.new(ptr, :tinker_training_client_free)
      @model_id = Raw.tinker_training_client_model_id(ptr)
    end

    def close
      @handle.close
    end

    take_output = ForwardBackwardOutput.method(:take)

    # T1: a forward pass without gradients over data (an Array of Datum): a ForwardBackwardOutput.
    operation(:forward, take: take_output) do |c, data, loss_fn, loss_fn_config: nil|
      Native.with_batch(data) do |batch|
        Native.with_loss_fn_config(loss_fn_config) do |config|
          Raw.tinker_training_client_forward_async(c, batch, loss_fn.to_s, config)
        end
      end
    end

    # T2: forward and backward; the gradients accumulate on the server until optim_step.
    operation(:forward_backward, take: take_output) do |c, data, loss_fn, loss_fn_config: nil|
      Native.with_batch(data) do |batch|
        Native.with_loss_fn_config(loss_fn_config) do |config|
          Raw.tinker_training_client_forward_backward_async(c, batch, loss_fn.to_s, config)
        end
      end
    end

    # T4: one Adam step. Parameters: an AdamParams, or its fields as keywords
    # (optim_step(learning_rate: 0.01)); the rest keep tinker.h's defaults.
    operation(:optim_step, take: OptimStepResult.method(:take)) do |c, adam_params = nil, **fields|
      if adam_params && !fields.empty?
        raise ArgumentError, "give either an AdamParams or its fields as keywords, not both"
      end

      Native.with_adam_params(adam_params || AdamParams.new(**fields)) do |params|
        Raw.tinker_training_client_optim_step_async(c, params)
      end
    end

    # T5: saves weights and optimizer state as training checkpoint `name`: a SaveResult.
    # ttl_seconds nil: never expires.
    operation(:save_state, take: SaveResult.method(:take)) do |c, name, ttl_seconds: nil, overwrite: false|
      Raw.tinker_training_client_save_state_async(c, name, ttl_seconds || 0, overwrite ? 1 : 0)
    end

    # T6: loads weights from a training checkpoint path: a LoadResult.
    operation(:load_state, take: LoadResult.method(:take)) do |c, path, weights_access_token: nil|
      Raw.tinker_training_client_load_state_async(c, path, weights_access_token)
    end

    # T7: loads weights and optimizer state: a LoadResult.
    operation(:load_state_with_optimizer, take: LoadResult.method(:take)) do |c, path, weights_access_token: nil|
      Raw.tinker_training_client_load_state_with_optimizer_async(c, path, weights_access_token)
    end

    # T8: saves weights for sampling as sampler checkpoint `name`: a SaveResult.
    operation(:save_weights_for_sampler, take: SaveResult.method(:take)) do |c, name, ttl_seconds: nil|
      Raw.tinker_training_client_save_weights_for_sampler_async(c, name, ttl_seconds || 0)
    end

    # T9: a ModelInfo.
    operation(:get_info, take: ModelInfo.method(:take))

    # T10: a SamplingClient on a sampler checkpoint (tinker://...). retry_config: a RetryConfig
    # (nil: tinker.h's defaults).
    operation(:create_sampling_client, take: SamplingClient.method(:take)) do |c, model_path, retry_config: nil|
      Native.with_retry_config(retry_config) do |retry_ptr|
        Raw.tinker_training_client_create_sampling_client_async(c, model_path, retry_ptr)
      end
    end

    # T11: saves the current weights as an ephemeral sampler checkpoint: a SamplingClient on it,
    # with retry_config as for create_sampling_client.
    operation(:save_weights_and_get_sampling_client, take: SamplingClient.method(:take)) do |c, retry_config: nil|
      Native.with_retry_config(retry_config) do |retry_ptr|
        Raw.tinker_training_client_save_weights_and_get_sampling_client_async(c, retry_ptr)
      end
    end

    # T12: unloads the model from the server; later operations on it fail. Returns nil.
    operation(:unload_model)

    # T3: forward_backward with a loss computed in Ruby. The block gets the forward pass's
    # logprobs (per datum an Array of Floats, one per target token) and the datums, and returns
    # [loss, gradients] or [loss, gradients, metrics]: gradients holds, per datum, d loss / d
    # logprobs (an Array of the same length); metrics is a Hash name -> number merged into the
    # result. Datums may only carry "target_tokens" and "weights".
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
    # after, it cancels the backward pass. Closing the future, this client or the service client
    # meanwhile is safe (a closed client fails the call instead of sending the backward pass).
    #
    # Order: the backward pass takes its place in this client's sequence when the worker sends it,
    # after the block returned. An operation submitted meanwhile, such as an optim_step_async
    # right after this call, may therefore reach the server BEFORE the backward pass (as in the
    # Python SDK); wait for this future first when that operation must follow it.
    def forward_backward_custom_async(data, &loss)
      raise ArgumentError, "forward_backward_custom needs the loss function as a block" unless loss

      native = @handle.use do |c|
        Native.with_batch(data) { |batch| Raw.tinker_training_client_forward_backward_custom_begin_async(c, batch) }
      end
      first = Future.new(native) { |f| CustomLossStep.new(Raw.tinker_future_take_custom_loss_step(f)) }
      ChainedFuture.new(first) do |step, start|
        step.fill(loss.call(step.logprobs, data))
        start.call { finish_custom(step) }
      end
    end

    # The same on the same worker thread, waited for (up to timeout seconds; the call is
    # cancelled when that passes).
    def forward_backward_custom(data, timeout: nil, &loss)
      Tinker.await(forward_backward_custom_async(data, &loss), timeout)
    end

    private

    # Sends the backward pass; the step's contents are copied before this returns.
    def finish_custom(step)
      native = @handle.use do |c|
        step.use { |s| Raw.tinker_training_client_forward_backward_custom_finish_async(c, s) }
      end
      Future.new(native) { |f| ForwardBackwardOutput.take(f) }
    end
  end

  # One forward_backward_custom between its two phases (tinker_custom_loss_step_t): the forward
  # pass's logprobs, then the loss, gradients and metrics of the loss function.
  class CustomLossStep
    def initialize(ptr)
      @handle = Handle.new(ptr, :tinker_custom_loss_step_free)
    end

    def logprobs
      @logprobs ||= @handle.use do |s|
        ForwardBackwardOutput.read(Raw.tinker_custom_loss_step_forward_output(s)).logprobs
      end
    end

    # Stores the loss function's answer, checked against the logprobs it was given.
    def fill(result)
      loss, gradients, metrics = unpack(result)
      @handle.use do |s|
        Raw.tinker_custom_loss_step_set_loss(s, loss)
        Native.in_context("custom loss function") do
          gradients.each_with_index { |gradient, i| Raw.tinker_custom_loss_step_set_gradient(s, i, gradient) }
        end
        metrics.each { |name, value| Raw.tinker_custom_loss_step_add_metric(s, name, value) }
      end
    end

    def use(&block)
      @handle.use(&block)
    end

    def close
      @handle.close
    end

    private

    def unpack(result)
      unless result.is_a?(Array) && [2, 3].include?(result.size)
        raise Tinker.invalid_argument("the custom loss function must return [loss, gradients] or " \
                                      "[loss, gradients, metrics], got #{result.inspect[0, 80]}")
      end

      loss, gradients, metrics = result
      count = logprobs.size
      gradients = Values.array(gradients, "custom loss gradients")
      unless gradients.size == count
        raise Tinker.invalid_argument("the custom loss function returned #{gradients.size} gradients " \
                                      "for #{count} datums")
      end

      metrics ||= {}
      unless metrics.is_a?(Hash)
        raise Tinker.invalid_argument("custom loss metrics must be a Hash, got #{metrics.class}")
      end

      [Values.float(loss, "custom loss"),
       gradients.each_with_index.map { |g, i| Values.floats(g, "custom loss gradients[#{i}]") },
       metrics.to_h { |name, value| [name.to_s, Values.float(value, "custom loss metric #{name}")] }]
    end
  end
end
