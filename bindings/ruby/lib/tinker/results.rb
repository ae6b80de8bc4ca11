# frozen_string_literal: true

require "json"

# Training results as Ruby values: each is copied out of its native result, which is freed at once.
module Tinker
  # forward / forward_backward / forward_backward_custom output: the loss function's output type
  # (e.g. "ArrayRecord"), per datum a Hash name -> TensorData (e.g. "logprobs"), and the metrics
  # (e.g. "loss:sum" => 12.5).
  ForwardBackwardOutput = Struct.new(:loss_fn_output_type, :outputs, :metrics) do
    # Copies a borrowed tinker_forward_backward_output_t.
    def self.read(out)
      outputs = Array.new(Raw.tinker_forward_backward_output_num_datums(out)) do |i|
        Array.new(Raw.tinker_forward_backward_output_tensor_count(out, i)) do |k|
          name = Raw.tinker_forward_backward_output_tensor_name(out, i, k)
          [name, TensorData.from_native(Raw.tinker_forward_backward_output_tensor(out, i, name))]
        end.to_h
      end
      new(Raw.tinker_forward_backward_output_loss_fn_output_type(out), outputs,
          Native.metrics(Raw.tinker_forward_backward_output_metrics(out)))
    end

    def self.take(future)
      out = Raw.tinker_future_take_forward_backward_output(future)
      Native.consume(out, :tinker_forward_backward_output_free) { read(out) }
    end

    # Per datum its "logprobs" as an Array of Floats (nil where a datum has none).
    def logprobs
      outputs.map { |o| o["logprobs"]&.data }
    end

    # The metric "loss:sum".
    def loss
      metrics["loss:sum"]
    end
  end

  # optim_step's result: its metrics, and the result as JSON.
  OptimStepResult = Struct.new(:metrics, :json) do
    def self.take(future)
      Native.consume(Raw.tinker_future_take_optim_step_result(future), :tinker_optim_step_result_free) do |r|
        new(Native.metrics(Raw.tinker_optim_step_result_metrics(r)), Raw.tinker_optim_step_result_to_json(r))
      end
    end
  end

  # save_state / save_weights_for_sampler: the checkpoint's tinker:// path, the sampling session id
  # when the server created one with the checkpoint (nil otherwise), and the result as JSON.
  SaveResult = Struct.new(:path, :sampling_session_id, :json) do
    def self.take(future)
      Native.consume(Raw.tinker_future_take_save_result(future), :tinker_save_result_free) do |r|
        json = Raw.tinker_save_result_to_json(r)
        new(Raw.tinker_save_result_path(r), JSON.parse(json)["sampling_session_id"], json)
      end
    end
  end

  # load_state / load_state_with_optimizer: the loaded path ("" when the server did not say).
  LoadResult = Struct.new(:path, :json) do
    def self.take(future)
      Native.consume(Raw.tinker_future_take_load_result(future), :tinker_load_result_free) do |r|
        new(Raw.tinker_load_result_path(r), Raw.tinker_load_result_to_json(r))
      end
    end
  end

  # get_info: the training run's model id, base model, architecture, tokenizer id, whether it is
  # a LoRA adapter and its rank (nil when not reported).
  ModelInfo = Struct.new(:model_id, :base_model, :arch, :tokenizer_id, :lora, :lora_rank, :json) do
    def self.take(future)
      Native.consume(Raw.tinker_future_take_model_info(future), :tinker_model_info_free) do |r|
        rank = Raw.tinker_model_info_lora_rank(r)
        new(Raw.tinker_model_info_model_id(r), Raw.tinker_model_info_base_model(r), Raw.tinker_model_info_arch(r),
            Raw.tinker_model_info_tokenizer_id(r), Raw.tinker_model_info_is_lora(r) != 0, rank.negative? ? nil : rank,
            Raw.tinker_model_info_to_json(r))
      end
    end

    def lora?
      lora
    end
  end

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
