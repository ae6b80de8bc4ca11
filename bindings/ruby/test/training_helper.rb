# frozen_string_literal: true

# Shared by the training tests: datums from text, training clients on the emulator's tiny real
# model, and the emulator's request log (to check what reached the server).
require "json"
require "net/http"
require "minitest/autorun"
require "tinker"
require_relative "emulator_helper"

# Base class of the training tests (it has no tests of its own).
class TrainingTestCase < Minitest::Test
  include EmulatorHelper

  MODEL = "tinker-emulator/tiny-bigram" # vocabulary: the 256 byte values

  TEXTS = ["the cat sat on the mat.", "the dog sat on the log.", "a cat and a dog sat together.",
           "the mat was on the floor.", "the fire was warm."].freeze

  def setup
    require_emulator
    @client = Tinker::ServiceClient.new
    @closables = [@client]
  end

  def teardown
    @closables&.reverse_each(&:close)
  end

  # Next-token prediction on the bytes of text: input[i] predicts target[i] = text[i + 1].
  def datum(text, weights: nil)
    tokens = text.bytes
    inputs = { "target_tokens" => tokens.drop(1) }
    inputs["weights"] = weights || Array.new(tokens.size - 1, 1.0) unless weights == false
    Tinker::Datum.new(model_input: tokens[0...-1], loss_fn_inputs: inputs)
  end

  def batch(texts = TEXTS)
    texts.map { |t| datum(t) }
  end

  def trainer(rank: 8, seed: 11)
    closing(@client.create_lora_training_client(MODEL, rank: rank, seed: seed, timeout: 60))
  end

  # Closed in teardown.
  def closing(closable)
    @closables << closable
    closable
  end

  def logprobs(trainer, data = batch)
    trainer.forward(data, "cross_entropy", timeout: 60).logprobs
  end

  def max_difference(a, b)
    a.flatten.zip(b.flatten).map { |x, y| (x - y).abs }.max
  end

  def assert_same_logprobs(expected, actual, tolerance = 0.0)
    assert_equal expected.map(&:size), actual.map(&:size)
    assert_operator max_difference(expected, actual), :<=, tolerance
  end

  # Runs the block with an emulator fault on the next request to `path` (docs/emulator.md
  # "Faults"); every fault is cleared by the block's end.
  def with_fault(path, **fault)
    uri = emulator_uri("/_emulator/faults")
    Net::HTTP.post(uri, JSON.generate(path: path, **fault), "Content-Type" => "application/json")
    yield
  ensure
    Net::HTTP.start(uri.host, uri.port) { |http| http.delete(uri.path) }
  end

  # Answers the next request to `path` `delay_ms` late.
  def with_delayed_answer(path, delay_ms, &block)
    with_fault(path, action: "delay", delay_ms: delay_ms, &block)
  end

  # The emulator's log of forward_backward requests (forward passes included) of one model.
  def forward_backward_requests(model_id)
    logged_requests("/api/v1/forward_backward").count { |e| e["model_id"] == model_id }
  end

  # The emulator's request log entries for `path` (Hashes, see docs/emulator.md).
  def logged_requests(path)
    JSON.parse(Net::HTTP.get(emulator_uri("/_emulator/log?path=#{path}"))).fetch("entries")
  end

  # While the block runs, the emulator keeps the latest `count` forward / forward_backward
  # requests of every model for #recorded_inputs.
  def recording_inputs(count)
    set_emulator_config(record_inputs: count)
    yield
  ensure
    set_emulator_config(record_inputs: 0)
  end

  # The recorded requests of one model, oldest first: Hashes as GET /_emulator/inputs gives them.
  def recorded_inputs(model_id)
    uri = emulator_uri("/_emulator/inputs?model_id=#{URI.encode_www_form_component(model_id)}")
    JSON.parse(Net::HTTP.get(uri)).fetch("requests")
  end

  def set_emulator_config(settings)
    reply = Net::HTTP.post(emulator_uri("/_emulator/config"), JSON.generate(settings),
                           "Content-Type" => "application/json")
    raise "emulator config #{settings}: #{reply.code} #{reply.body}" unless reply.is_a?(Net::HTTPSuccess)
  end

  def emulator_uri(path)
    URI("#{ENV.fetch('TINKER_BASE_URL')}#{path}")
  end
end
