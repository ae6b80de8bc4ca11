# frozen_string_literal: true

# Sampling against the emulator's tiny real model: sampling clients from the service client (on a
# base model, on a sampler checkpoint), sample and compute_logprobs blocking and async, the
# sampling parameters, the results' values, the errors, and many samples in flight at once.
require_relative "training_helper"

class SamplingTest < TrainingTestCase
  PROMPT = "the cat".bytes.freeze

  def sampler
    closing(@client.create_sampling_client(base_model: MODEL, timeout: 60))
  end

  # A training run one step away from the base model.
  def trained
    t = trainer
    t.forward_backward(batch, "cross_entropy", timeout: 60)
    t.optim_step(learning_rate: 0.05, timeout: 60)
    t
  end

  # A sampling client on the current weights of a trained run, with the run.
  def trained_sampler
    t = trained
    [closing(t.save_weights_and_get_sampling_client(timeout: 60)), t]
  end

  def sample_requests
    logged_requests("/api/v1/asample").size
  end

  # The forward pass's logprobs of `tokens` after the first: what the model gives each token
  # from the one before it.
  def forward_logprobs(run, tokens)
    datum = Tinker::Datum.new(model_input: tokens[0...-1], loss_fn_inputs: { target_tokens: tokens.drop(1) })
    run.forward([datum], "cross_entropy", timeout: 60).logprobs.first
  end

  def greedy_tokens(sampling_client, max_tokens)
    sampling_client.sample(PROMPT, max_tokens: max_tokens, temperature: 0.0, timeout: 60).sequences.first.tokens
  end

  # ---- sampling clients -----------------------------------------------------------------------

  def test_create_sampling_client_on_a_base_model_blocking_and_async
    blocking = sampler
    assert_kind_of Tinker::SamplingClient, blocking
    refute_empty blocking.sampling_session_id
    future = @client.create_sampling_client_async(base_model: MODEL,
                                                  retry_config: Tinker::RetryConfig.new(max_connections: 8))
    assert_kind_of Tinker::Future, future
    async = closing(future.wait(60))
    future.close
    assert_kind_of Tinker::SamplingClient, async
    refute_equal blocking.sampling_session_id, async.sampling_session_id
    [blocking, async].each { |s| assert_equal MODEL, s.get_base_model(timeout: 60) }
  end

  # A sampler checkpoint's client samples the checkpoint's weights: its prompt logprobs are the
  # trained model's, not the base model's.
  def test_create_sampling_client_from_a_sampler_checkpoint_blocking_and_async
    t = trained
    path = t.save_weights_for_sampler("ruby-sampling", timeout: 60).path
    assert_match(%r{\Atinker://.+/sampler_weights/ruby-sampling\z}, path)
    from_path = closing(@client.create_sampling_client(model_path: path, timeout: 60))
    future = @client.create_sampling_client_async(model_path: path, base_model: MODEL)
    from_path_async = closing(future.wait(60))
    future.close
    expected = [nil] + forward_logprobs(t, PROMPT)
    [from_path, from_path_async].each do |s|
      assert_equal MODEL, s.get_base_model(timeout: 60)
      assert_equal expected, s.compute_logprobs(PROMPT, timeout: 60)
    end
    refute_equal expected, sampler.compute_logprobs(PROMPT, timeout: 60), "the base model is not the trained one"
  end

  # ---- sample -----------------------------------------------------------------------------------

  def test_sample_blocking_returns_sequences_within_max_tokens
    response = sampler.sample(Tinker::ModelInput.from_ints(PROMPT), max_tokens: 6, num_samples: 3, timeout: 60)
    assert_kind_of Tinker::SampleResponse, response
    assert_equal 3, response.sequences.size
    response.sequences.each do |s|
      assert_kind_of Tinker::SampledSequence, s
      assert_operator s.tokens.size, :<=, 6
      assert(s.tokens.all? { |t| t.is_a?(Integer) && (0...256).cover?(t) }, s.tokens.inspect)
      assert_equal s.tokens.size, s.logprobs.size
      assert(s.logprobs.all? { |lp| lp.is_a?(Float) && lp.finite? && lp <= 0 }, s.logprobs.inspect)
      assert_equal s.tokens.size == 6 ? :length : :stop, s.stop_reason
    end
    assert_nil response.prompt_logprobs, "not asked for"
    assert_nil response.topk_prompt_logprobs, "not asked for"
    assert_equal 0, response.prompt_cache_hit_tokens
  end

  def test_sample_async_returns_a_future_of_the_same_response
    s = sampler
    params = Tinker::SamplingParams.new(max_tokens: 5, seed: 3)
    future = s.sample_async(PROMPT, params, num_samples: 2)
    assert_kind_of Tinker::Future, future
    async = future.wait(60)
    future.close
    assert_kind_of Tinker::SampleResponse, async
    assert_equal s.sample(PROMPT, params, num_samples: 2, timeout: 60).sequences, async.sequences
  end

  # A seed reproduces the samples, whatever the number of samples; another seed gives others.
  def test_a_seed_reproduces_the_samples
    s = sampler
    first = s.sample(PROMPT, max_tokens: 8, seed: 42, num_samples: 4, timeout: 60).sequences
    again = s.sample(PROMPT, Tinker::SamplingParams.new(max_tokens: 8, seed: 42), num_samples: 4, timeout: 60)
    assert_equal first, again.sequences
    assert_equal first.first(2), s.sample(PROMPT, max_tokens: 8, seed: 42, num_samples: 2, timeout: 60).sequences
    refute_equal first.map(&:tokens), s.sample(PROMPT, max_tokens: 8, seed: 43, num_samples: 4, timeout: 60)
                                       .sequences.map(&:tokens)
  end

  # The logprobs of a sample are the model's: the forward pass over prompt + sample gives the same
  # floats.
  def test_sampled_logprobs_are_the_models
    s, t = trained_sampler
    s.sample(PROMPT, max_tokens: 6, seed: 9, num_samples: 2, timeout: 60).sequences.each do |seq|
      assert_equal forward_logprobs(t, PROMPT + seq.tokens).last(seq.tokens.size), seq.logprobs
    end
  end

  # Greedy decoding (temperature 0, or top_k 1) is deterministic; stop tokens and stop strings end
  # a sample after the stop, which stays in it.
  def test_stop_tokens_and_stop_strings_end_a_sample
    s = sampler
    greedy = greedy_tokens(s, 12)
    assert_equal greedy, s.sample(PROMPT, max_tokens: 12, top_k: 1, timeout: 60).sequences.first.tokens
    stop = greedy[2]
    stopped = s.sample(PROMPT, max_tokens: 12, temperature: 0.0, stop: [stop], timeout: 60).sequences.first
    assert_equal greedy[0..greedy.index(stop)], stopped.tokens
    assert_equal :stop, stopped.stop_reason

    at = (1...greedy.size - 1).find { |i| greedy[i, 2].all? { |b| (32..126).cover?(b) } }
    refute_nil at, "the greedy sample #{greedy} has no two printable bytes in a row"
    text = greedy[at, 2].pack("C*")
    [text, [text, "never printed"]].each do |stop_strings|
      stopped = s.sample(PROMPT, max_tokens: 12, temperature: 0.0, stop: stop_strings, timeout: 60).sequences.first
      assert_equal greedy[0, at + 2], stopped.tokens, "stop: #{stop_strings.inspect}"
      assert_equal :stop, stopped.stop_reason
    end
    assert_equal :length, s.sample(PROMPT, max_tokens: 3, temperature: 0.0, timeout: 60).sequences.first.stop_reason
  end

  def test_sampling_params_defaults_are_libtinkers
    assert_equal({ max_tokens: nil, seed: nil, stop: nil, temperature: 1.0, top_k: -1, top_p: 1.0 },
                 Tinker::SamplingParams.new.to_h)
    assert_equal 0.5, Tinker::SamplingParams.new(top_p: 0.5).top_p
    assert_raises(ArgumentError) { Tinker::SamplingParams.new(max_token: 3) }
  end

  # include_prompt_logprobs: one per prompt token, nil first, the same floats as compute_logprobs;
  # topk_prompt_logprobs: k pairs per position after the first, the most likely first.
  def test_prompt_logprobs_and_top_k_prompt_logprobs
    s = sampler
    response = s.sample(PROMPT, max_tokens: 2, include_prompt_logprobs: true, topk_prompt_logprobs: 3, timeout: 60)
    expected = s.compute_logprobs(PROMPT, timeout: 60)
    assert_equal PROMPT.size, expected.size
    assert_equal expected, response.prompt_logprobs
    topk = response.topk_prompt_logprobs
    assert_equal PROMPT.size, topk.size
    assert_nil topk.first
    topk.drop(1).each_with_index do |row, i|
      assert_equal 3, row.size
      row.each do |token, logprob|
        assert_kind_of Integer, token
        assert_kind_of Float, logprob
      end
      assert_equal row.map(&:last).sort.reverse, row.map(&:last), "the most likely first"
      assert_operator row.first.last, :>=, expected[i + 1], "no token is more likely than the most likely"
    end
    only_topk = s.sample(PROMPT, max_tokens: 1, topk_prompt_logprobs: 2, timeout: 60)
    assert_nil only_topk.prompt_logprobs
    assert_equal(topk.map { |row| row&.first(2) }, only_topk.topk_prompt_logprobs)
  end

  def test_to_json_is_the_response_as_json
    response = sampler.sample(PROMPT, max_tokens: 3, seed: 1, include_prompt_logprobs: true, timeout: 60)
    parsed = JSON.parse(response.to_json)
    assert_equal response.json, response.to_json
    assert_equal(response.sequences.map(&:tokens), parsed["sequences"].map { |s| s["tokens"] })
    assert_equal(response.sequences.map { |s| s.stop_reason.to_s }, parsed["sequences"].map { |s| s["stop_reason"] })
    assert_nil parsed["prompt_logprobs"].first
    assert_equal parsed, JSON.parse(JSON.generate({ "response" => response }))["response"]
  end

  # ---- compute_logprobs and get_base_model ------------------------------------------------------

  def test_compute_logprobs_equals_the_forward_logprobs
    s, t = trained_sampler
    tokens = TEXTS.first.bytes
    expected = [nil] + forward_logprobs(t, tokens)
    assert_equal expected, s.compute_logprobs(tokens, timeout: 60)
    future = s.compute_logprobs_async(Tinker::ModelInput.from_ints(tokens, dtype: :int64))
    assert_kind_of Tinker::Future, future
    assert_equal expected, future.wait(60)
    future.close
  end

  def test_get_base_model_blocking_and_async
    s = sampler
    assert_equal MODEL, s.get_base_model(timeout: 60)
    future = s.get_base_model_async
    assert_equal MODEL, future.wait(60)
    future.close
  end

  # ---- errors -------------------------------------------------------------------------------------

  # Bad input raises InvalidArgumentError naming the Ruby method called (and the field), before
  # anything is sent.
  def test_bad_arguments_raise_before_anything_is_sent
    s = sampler
    no_connections = Tinker::RetryConfig.new(max_connections: 0)
    samples = sample_requests
    sessions = logged_requests("/api/v1/create_sampling_session").size
    says = {
      -> { s.sample(PROMPT, temperature: -1) } => "SamplingClient#sample: SamplingParams#temperature: temperature must",
      -> { s.sample_async(PROMPT, top_p: 0) } => "SamplingClient#sample_async: SamplingParams#top_p: top_p must be",
      -> { s.sample(PROMPT, Tinker::SamplingParams.new(max_tokens: -1)) } =>
        "SamplingClient#sample: SamplingParams#max_tokens: max_tokens must be >= 0",
      -> { s.sample(PROMPT, top_k: -2, timeout: 60) } => "SamplingClient#sample: SamplingParams#top_k: top_k must be",
      -> { s.sample(PROMPT, max_tokens: 1.5) } => "SamplingClient#sample: SamplingParams#max_tokens must be an Integer",
      -> { s.sample(PROMPT, temperature: nil) } => "SamplingClient#sample: SamplingParams#temperature must be a real",
      -> { s.sample(PROMPT, stop: ["a", 1]) } => "SamplingClient#sample: SamplingParams#stop: stop strings were added",
      -> { s.sample(PROMPT, stop: [""]) } => "SamplingClient#sample: SamplingParams#stop: stop must not be empty",
      -> { s.sample(PROMPT, stop: 10) } => "SamplingClient#sample: SamplingParams#stop must be a String or an Array",
      -> { s.sample(PROMPT, stop: [10, 2**40]) } => "SamplingClient#sample: SamplingParams#stop[1] must be an Integer",
      -> { s.sample(PROMPT, stop: [:a]) } => "SamplingClient#sample: SamplingParams#stop[0] must be a String or",
      -> { s.sample(PROMPT, { max_tokens: 3 }) } =>
        "SamplingClient#sample: sampling_params must be a Tinker::SamplingParams, got Hash",
      -> { s.sample(PROMPT, num_samples: 0) } => "SamplingClient#sample: num_samples must be >= 1",
      -> { s.sample_async(PROMPT, num_samples: "2") } => "SamplingClient#sample_async: num_samples must be an Integer",
      -> { s.sample(PROMPT, topk_prompt_logprobs: -1) } => "SamplingClient#sample: topk_prompt_logprobs must be >= 0",
      -> { s.sample("the cat") } => "SamplingClient#sample: prompt must be a Tinker::ModelInput or an Array",
      -> { s.sample([1, 2**40]) } => "SamplingClient#sample: tokens[1] must be an Integer",
      -> { s.compute_logprobs(nil) } => "SamplingClient#compute_logprobs: prompt must be a Tinker::ModelInput",
      -> { s.compute_logprobs_async([]) } => "SamplingClient#compute_logprobs_async: tinker_model_input_add_text",
      -> { @client.create_sampling_client } => "ServiceClient#create_sampling_client: ",
      -> { @client.create_sampling_client_async(model_path: "nowhere") } =>
        "ServiceClient#create_sampling_client_async: model_path must start with tinker://",
      -> { @client.create_sampling_client(base_model: MODEL, retry_config: no_connections) } =>
        "ServiceClient#create_sampling_client: RetryConfig#max_connections: "
    }
    says.each do |call, message|
      error = assert_raises(Tinker::InvalidArgumentError, message) { call.call }
      assert error.message.start_with?(message), "#{error.message.inspect} should start with #{message.inspect}"
      assert_equal Tinker::Raw::TINKER_E_INVALID_ARGUMENT, error.code
      assert_equal :unknown, error.category, "no server judged it"
    end
    assert_equal samples, sample_requests, "nothing was sent"
    assert_equal sessions, logged_requests("/api/v1/create_sampling_session").size
    assert_raises(ArgumentError) { s.sample(PROMPT, Tinker::SamplingParams.new, max_tokens: 3) }
    assert_raises(ArgumentError) { s.sample(PROMPT, max_token: 3) }
    s.close
    error = assert_raises(Tinker::FailedPreconditionError) { s.sample_async(PROMPT) }
    assert_equal "SamplingClient#sample_async: use of a closed libtinker handle", error.message
  end

  # A sampler the server does not know: NotFoundError, not retried (a retry would get through: each
  # fault hits one request).
  def test_an_unknown_sampler_is_not_found
    s = sampler
    with_fault("/api/v1/asample", action: "status", status: 404) do
      error = assert_raises(Tinker::NotFoundError) { s.sample(PROMPT, max_tokens: 2, timeout: 60) }
      assert_equal 404, error.http_status
    end
    with_fault("/api/v1/asample", action: "status", status: 404) do
      future = s.compute_logprobs_async(PROMPT)
      assert_raises(Tinker::NotFoundError) { future.wait(60) }
      future.close
    end
    assert_equal 1, s.sample(PROMPT, max_tokens: 2, timeout: 60).sequences.size, "the client still works"
  end

  # What the server refuses keeps its words, category :user.
  def test_server_refusals_keep_the_servers_words
    s = sampler
    error = assert_raises(Tinker::Error) { s.sample([300], timeout: 60) }
    assert_equal :user, error.category
    assert_match(/outside the vocabulary/, error.message)
    error = assert_raises(Tinker::Error) do
      @client.create_sampling_client(model_path: "tinker://nobody/sampler_weights/none", timeout: 60)
    end
    assert_equal :user, error.category
  end

  # A blocking sample gives up after its timeout (and cancels); an async one can be cancelled.
  def test_a_slow_sample_times_out_or_is_cancelled
    s = sampler
    set_emulator_config(sample_delay_ms: 2000)
    error = assert_raises(Tinker::TimeoutError) { s.sample(PROMPT, max_tokens: 2, timeout: 0.1) }
    assert_equal "the operation did not finish within 0.1 s; it was cancelled here (a request the server " \
                 "already accepted may still run there)", error.message
    future = s.sample_async(PROMPT, max_tokens: 2)
    error = assert_raises(Timeout::Error) { future.wait(0.05) }
    assert_match(/\Athe operation did not finish within 0.05 s and is still running/, error.message)
    refute future.done?
    future.cancel
    assert_raises(Tinker::CancelledError) { future.wait(10) }
    future.close
  ensure
    set_emulator_config(sample_delay_ms: 0)
  end

  # ---- many at once -------------------------------------------------------------------------------

  # 1,000 samples submitted before any is awaited all complete; each future is reported once by a
  # completion queue, then waited for.
  def test_a_thousand_concurrent_samples_all_complete
    s = sampler
    before = sample_requests
    futures = Array.new(1000) { |i| s.sample_async([i % 256], max_tokens: 4, seed: i) }
    queue = Tinker::CompletionQueue.new
    futures.each_with_index { |f, i| queue.add(f, i) }
    tags = Array.new(futures.size) { queue.next(120) }
    refute_includes tags, nil, "every sample finished within the timeout"
    assert_equal((0...1000).to_a, tags.sort)
    responses = futures.map { |f| f.wait(0) }
    responses.each do |r|
      assert_equal 1, r.sequences.size
      assert_operator r.sequences.first.tokens.size, :<=, 4
    end
    assert_operator sample_requests - before, :>=, 1000
    assert_equal responses[7].sequences, s.sample([7], max_tokens: 4, seed: 7, timeout: 60).sequences
  ensure
    futures&.each(&:close)
    queue&.close
  end
end
