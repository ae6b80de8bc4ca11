# frozen_string_literal: true

# Shared by the REST client's tests: a fresh user per test, another user, checkpoints to list,
# and counts of the REST requests the emulator has seen.
require "securerandom"
require "time"
require_relative "training_helper"

# Base class of the REST tests (it has no tests of its own). Each test is its own user (a fresh
# API key; the emulator keeps each key's runs, checkpoints and sessions apart), so listings see
# only the test's own whatever the other tests made.
class RestTestCase < TrainingTestCase
  MALFORMED_PATHS = ["run/weights/a", "tinker:/run/weights/a", "tinker://run/weights", "tinker://run/models/a",
                     "tinker://run/weights/a/b", "tinker:///weights/a", "tinker://run/weights/", "tinker://",
                     ""].freeze
  BAD_IDS = ["weights", "checkpoints/a", "weights/", "/a", "weights/a/b", ""].freeze
  BAD_PATHS = (MALFORMED_PATHS + ["tinker://run/sampler_weights"]).freeze

  def setup
    require_emulator
    @key = fresh_key
    @client = Tinker::ServiceClient.new(api_key: @key, **client_options)
    @closables = [@client]
    @rest = closing(@client.create_rest_client)
  end

  # The options of the test's service client (a subclass may add some).
  def client_options
    {}
  end

  def fresh_key
    "tml-ruby-rest-#{SecureRandom.hex(8)}"
  end

  # A client of another user, with its REST client (both closed in teardown).
  def other_user
    other = closing(Tinker::ServiceClient.new(api_key: fresh_key, **client_options))
    [other, closing(other.create_rest_client)]
  end

  # A training run with a training checkpoint and a sampler checkpoint: [run, training path,
  # sampler path].
  def run_with_two_checkpoints
    t = trainer
    [t, t.save_state("ruby-rest-a", timeout: 60).path, t.save_weights_for_sampler("ruby-rest-b", timeout: 60).path]
  end

  def checkpoint(run_id, tinker_path)
    @rest.list_checkpoints(run_id, timeout: 60).checkpoints.find { |c| c.tinker_path == tinker_path }
  end

  def user_checkpoint_requests
    logged_requests("/api/v1/checkpoints").size
  end

  # The requests the emulator has seen (of any user) whose path matches `pattern`.
  def requests_matching(pattern)
    log = JSON.parse(Net::HTTP.get(emulator_uri("/_emulator/log"))).fetch("entries")
    log.count { |e| e["path"].match?(pattern) }
  end

  # The REST requests the emulator has seen (of any user).
  def rest_requests
    requests_matching(%r{\A/api/v1/(training_runs|checkpoints|samplers|sessions/[^/]*/project)})
  end

  def assert_status(error, name)
    assert_equal Tinker::Raw.const_get(name), error.code, error.message
    assert_equal name.to_s, error.status_name
  end

  # Each call of `calls` ([method, positional arguments..., keywords Hash (optional)]) raises
  # InvalidArgumentError naming the method once, blocking and async alike (the async form raises
  # from the call: there is no future), with the message `message` matches.
  def assert_refused(calls, message = /\S/)
    calls.each do |op, *args|
      keywords = args.last.is_a?(Hash) ? args.last : {}
      positional = args.last.is_a?(Hash) ? args[0...-1] : args
      { op => keywords.merge(timeout: 60), :"#{op}_async" => keywords }.each do |method, kw|
        error = assert_raises(Tinker::InvalidArgumentError, "#{method}#{args.inspect}") do
          @rest.public_send(method, *positional, **kw)
        end
        assert_status error, :TINKER_E_INVALID_ARGUMENT
        assert_equal :unknown, error.category, "no server judged #{method}#{args.inspect}"
        assert_match(/\ARestClient##{method}: /, error.message)
        assert_match message, error.message.delete_prefix("RestClient##{method}: ")
        refute_match(/RestClient#.*RestClient#/, error.message, "the method is named once")
      end
    end
  end
end
