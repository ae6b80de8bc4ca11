# frozen_string_literal: true

# get_tokenizer (T13, P4) against the emulator, which also serves a Hugging Face Hub at its base
# URL: the client options hub_endpoint: (the emulator), hub_cache_dir: (a fresh directory per
# test), hub_offline:, hub_token:. The emulator's models are served with its byte-token
# tokenizer (token id = byte value).
require "tmpdir"
require_relative "training_helper"

class TokenizerHubTest < TrainingTestCase
  def setup
    require_emulator
    @cache = Dir.mktmpdir("tinker-hub-cache")
    @client = Tinker::ServiceClient.new(hub_endpoint: ENV.fetch("TINKER_BASE_URL"), hub_cache_dir: @cache)
    @closables = [@client]
  end

  def teardown
    super
    FileUtils.remove_entry(@cache) if @cache
  end

  # Closed in teardown.
  def tokenizer(future_or_tokenizer)
    closing(future_or_tokenizer)
  end

  def assert_byte_tokenizer(tok)
    assert_kind_of Tinker::Tokenizer, tok
    assert_equal 256, tok.vocab_size
    text = "the cat sat on the mat. ✓"
    ids = tok.encode(text)
    assert_equal text.bytes, ids
    assert_equal text, tok.decode(ids)
  end

  # Quoted by docs/ruby.md ("Tokenizer").
  def test_guide_get_tokenizer
    hub_url = ENV.fetch("TINKER_BASE_URL") # the emulator serves the Hub too
    cache = @cache
    client = Tinker::ServiceClient.new(hub_endpoint: hub_url, hub_cache_dir: cache) # else HF_ENDPOINT, HF_HUB_CACHE
    trainer = client.create_lora_training_client(MODEL, rank: 8, timeout: 60)
    tokenizer = trainer.get_tokenizer(timeout: 60) # fetched from the Hub into the cache, then loaded
    ids = tokenizer.encode("the cat")
    tokenizer.close
    trainer.close
    client.close
    assert_equal "the cat".bytes, ids
  end

  def test_training_client_get_tokenizer_blocking_and_async
    t = trainer
    assert_byte_tokenizer(tokenizer(t.get_tokenizer(timeout: 60)))
    future = closing(t.get_tokenizer_async)
    assert_kind_of Tinker::Future, future
    assert_byte_tokenizer(tokenizer(future.wait(60)))
    refute_empty Dir.children(@cache), "the files went into the given cache"
  end

  def test_sampling_client_get_tokenizer_blocking_and_async_decodes_samples
    sampler = closing(@client.create_sampling_client(base_model: MODEL, timeout: 60))
    tok = tokenizer(sampler.get_tokenizer(timeout: 60))
    assert_byte_tokenizer(tok)
    assert_byte_tokenizer(tokenizer(closing(sampler.get_tokenizer_async).wait(60)))

    prompt = tok.encode("the cat ")
    response = sampler.sample(prompt, max_tokens: 12, num_samples: 2, seed: 3, timeout: 60)
    response.sequences.each do |s|
      text = tok.decode(s.tokens)
      assert_equal Encoding::UTF_8, text.encoding
      assert text.valid_encoding?
      bytes = s.tokens.pack("C*").force_encoding(Encoding::UTF_8)
      assert_equal bytes, text if bytes.valid_encoding? # lossy only where a character was cut
    end
  end

  def test_the_tokenizer_outlives_its_client
    t = trainer
    tok = tokenizer(t.get_tokenizer(timeout: 60))
    t.close
    assert_equal [104, 105], tok.encode("hi")
  end

  def test_offline_mode_with_an_empty_cache_fails_unavailable
    Dir.mktmpdir("tinker-hub-empty") do |empty|
      Tinker::ServiceClient.open(hub_endpoint: ENV.fetch("TINKER_BASE_URL"), hub_cache_dir: empty,
                                 hub_offline: true) do |offline|
        sampler = closing(offline.create_sampling_client(base_model: MODEL, timeout: 60))
        error = assert_raises(Tinker::UnavailableError) { sampler.get_tokenizer(timeout: 60) }
        assert_equal Tinker::Raw::TINKER_E_UNAVAILABLE, error.code
        assert_match(/get_tokenizer: .*offline/, error.message)
        future = closing(sampler.get_tokenizer_async)
        assert_raises(Tinker::UnavailableError) { future.wait(60) }
      end
    end
  end

  def test_offline_mode_reads_what_the_cache_holds
    online = closing(@client.create_sampling_client(base_model: MODEL, timeout: 60))
    tokenizer(online.get_tokenizer(timeout: 60)) # fills @cache with the base model's files
    Tinker::ServiceClient.open(hub_endpoint: "http://127.0.0.1:9", hub_cache_dir: @cache, hub_offline: true,
                               hub_token: "hf_unused") do |offline|
      sampler = closing(offline.create_sampling_client(base_model: MODEL, timeout: 60))
      assert_byte_tokenizer(tokenizer(sampler.get_tokenizer(timeout: 60)))
    end
  end

  def test_hub_options_are_checked
    error = assert_raises(Tinker::InvalidArgumentError) { Tinker::ServiceClient.new(hub_endpoint: "ftp://example.com") }
    assert_equal Tinker::Raw::TINKER_E_INVALID_ARGUMENT, error.code
    assert_raises(Tinker::InvalidArgumentError) { Tinker::ServiceClient.new(hub_cache_dir: "") }
  end

  def test_a_closed_client_fails_as_every_call_does
    t = trainer
    t.close
    error = assert_raises(Tinker::FailedPreconditionError) { t.get_tokenizer(timeout: 60) }
    assert_match(/closed/, error.message)
    assert_raises(Tinker::FailedPreconditionError) { t.get_tokenizer_async }
    sampler = @client.create_sampling_client(base_model: MODEL, timeout: 60)
    sampler.close
    assert_raises(Tinker::FailedPreconditionError) { sampler.get_tokenizer(timeout: 60) }
  end
end
