# frozen_string_literal: true

# Tinker: the Ruby binding of libtinker, the C client library of the Tinker fine-tuning service.
#
#   Tinker::ServiceClient.open(base_url: url, api_key: key) do |client|
#     client.health_check                                  # blocking (GVL released while waiting)
#     future = client.get_server_capabilities_async        # Tinker::Future
#     future.wait(5).models.map(&:name)                    # seconds; nil waits forever
#
#     trainer = client.create_lora_training_client("tinker-emulator/tiny-bigram", rank: 8)
#     data = [Tinker::Datum.new(model_input: [1, 2], loss_fn_inputs: { target_tokens: [2, 3], weights: [1, 1] })]
#     fb = trainer.forward_backward_async(data, "cross_entropy")
#     step = trainer.optim_step_async(learning_rate: 0.01) # runs after fb on the server
#     fb.wait.loss
#
#     sampler = client.create_sampling_client(base_model: "tinker-emulator/tiny-bigram")
#     sampler.sample([104, 105], max_tokens: 8, num_samples: 2).sequences.map(&:tokens)
#     sampler.compute_logprobs([104, 105, 33])             # [nil, -2.1, -3.4]
#
#     rest = client.create_rest_client                     # runs, checkpoints, samplers, sessions, usage
#     rest.list_checkpoints(trainer.model_id).checkpoints.map(&:tinker_path)
#     rest.get_training_run(trainer.model_id).last_checkpoint  # a Tinker::Checkpoint, or nil
#     rest.each_user_checkpoint(page_size: 50) { |c| puts c.tinker_path if c.public? }
#     Tinker.parse_tinker_path("tinker://run-1/weights/final").checkpoint_id # "weights/final"
#   end
#
#   Tinker::Tokenizer.load("tokenizer.json") do |tokenizer| # libtinker's native Hugging Face tokenizer
#     tokenizer.decode(tokenizer.encode("hello"))            # "hello"
#   end
#
# Failures raise Tinker::Error subclasses (Tinker::UnauthenticatedError, ...), which carry
# #code, #category, #http_status, #request_id and #retryable?; a wait that timed out raises
# Tinker::TimeoutError, a ::Timeout::Error that `rescue Tinker::Error` catches as well. The raw SWIG layer underneath is
# the `tinker_raw` extension, which the gem compiles when it is installed from the wrapper SWIG
# made from bindings/swig/tinker.i (see bindings/README.md).
#
# The operations of the clients, the JSON results and the builders' values (AdamParams,
# LoraConfig, RetryConfig) are generated from the registry, api/registry.py, and shipped in the
# gem as "tinker/generated"; the rest is written by hand in tinker/*.rb, one concern a file
# (SamplingParams and the sampling results among them).
#
# Loading checks the libtinker found at run time against the one the gem was made for
# (Tinker::GEM_VERSION): the same major version and not older, else LoadError naming both.
require "tinker_raw"
require "tinker/version"
require "tinker/version_check"

module Tinker
  # The SWIG-generated functions, one per C function of tinker.h.
  Raw = ::Tinker_raw

  # The run-time version of libtinker, e.g. "0.1.0".
  def self.version
    Raw.tinker_version_string
  end

  # The run-time version of libtinker as a number, MAJOR * 10000 + MINOR * 100 + PATCH
  # (0.1.0 is 100), comparable with Tinker::GEM_VERSION_NUMBER.
  def self.version_number
    Raw.tinker_version_number
  end

  check_library_version(version_number, GEM_VERSION_NUMBER)
end

require "tinker/errors"
require "tinker/deadline"
require "tinker/handle"
require "tinker/future"
require "tinker/chained_future"
require "tinker/completion_queue"
require "tinker/options"
require "tinker/values"
require "tinker/kinds"
require "tinker/inputs"
require "tinker/native"
require "tinker/operations"
require "tinker/service_client"
require "tinker/training_client"
require "tinker/sampling_client"
require "tinker/rest_client"
require "tinker/tinker_path"
require "tinker/tokenizer"
require "tinker/sampling_params"
require "tinker/sample_response"
require "tinker/forward_backward_output"
require "tinker/custom_loss_step"
require "tinker/custom_loss"
require "tinker/generated"
