# frozen_string_literal: true

module Tinker
  # forward / forward_backward / forward_backward_custom output: the loss function's output type
  # (e.g. "ArrayRecord"), per datum a Hash name -> TensorData (e.g. "logprobs"), and the metrics
  # (e.g. "loss:sum" => 12.5). Written by hand, unlike the other results: it holds tensors per
  # datum, not a registry message.
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
end
