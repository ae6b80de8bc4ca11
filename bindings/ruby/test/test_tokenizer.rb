# frozen_string_literal: true

# Tinker::Tokenizer over libtinker's native tokenizer, on a tokenizer.json the tests write
# (TokenizerHelper): loading, encode/decode round trips, special and added tokens, batches, the
# errors and the handle's lifetime. Needs no server.
require "minitest/autorun"
require "pathname"
require "tmpdir"
require "tinker"
require_relative "tokenizer_helper"

class TokenizerTest < Minitest::Test
  JSON_TEXT = TokenizerHelper.tokenizer_json
  BOS = TokenizerHelper::BOS
  EOS = TokenizerHelper::EOS

  def setup
    @tokenizer = Tinker::Tokenizer.from_json(JSON_TEXT)
  end

  def teardown
    @tokenizer&.close
  end

  def test_encode_applies_merges_and_the_template
    hello = [258, 111, 32, 119, 111, 114, 108, 100] # "hell" "o" " " "w" "o" "r" "l" "d"
    assert_equal [BOS, *hello, EOS], @tokenizer.encode("hello world")
    assert_equal hello, @tokenizer.encode("hello world", add_special_tokens: false)
    assert_equal [BOS, EOS], @tokenizer.encode("")
    assert_equal [], @tokenizer.encode("", add_special_tokens: false)
  end

  def test_decode_round_trips_and_skips_special_tokens_when_asked
    text = "hello, wörld ✓ 😀"
    ids = @tokenizer.encode(text)
    assert_equal "<|bos|>#{text}<|eos|>", @tokenizer.decode(ids)
    decoded = @tokenizer.decode(ids, skip_special_tokens: true)
    assert_equal text, decoded
    assert_equal Encoding::UTF_8, decoded.encoding
    assert_equal "", @tokenizer.decode([])
  end

  def test_a_nul_inside_text_survives_encode_and_decode
    text = "a\0b\0"
    ids = @tokenizer.encode(text, add_special_tokens: false)
    assert_equal [97, 0, 98, 0], ids
    back = @tokenizer.decode(ids)
    assert_equal text, back
    assert_equal 4, back.bytesize
  end

  def test_a_character_cut_in_half_decodes_to_the_replacement_character
    e_acute = @tokenizer.encode("é", add_special_tokens: false)
    assert_equal [0xC3, 0xA9], e_acute
    assert_equal "\uFFFD", @tokenizer.decode(e_acute.take(1))
  end

  def test_text_in_another_encoding_is_transcoded_to_utf8
    latin1 = "héllo".encode(Encoding::ISO_8859_1)
    assert_equal @tokenizer.encode("héllo"), @tokenizer.encode(latin1)
    assert_equal @tokenizer.encode("hello"), @tokenizer.encode("hello".b), "binary bytes are taken as UTF-8"
  end

  def test_invalid_utf8_is_refused
    error = assert_raises(Tinker::InvalidArgumentError) { @tokenizer.encode("ab\xFFcd") }
    assert_equal Tinker::Raw::TINKER_E_INVALID_ARGUMENT, error.code
    assert_match(/\ATokenizer#encode: .*UTF-8/, error.message)
    assert_raises(Tinker::InvalidArgumentError) { @tokenizer.encode("\xC3".b) }
    error = assert_raises(Tinker::InvalidArgumentError) { @tokenizer.encode_batch(["ok", "\xFF"]) }
    assert_match(/\ATokenizer#encode_batch: texts\[1\]: .*UTF-8/, error.message)
  end

  def test_decode_of_an_unknown_id_raises_invalid_argument_naming_it
    error = assert_raises(Tinker::InvalidArgumentError) { @tokenizer.decode([104, 99_999]) }
    assert_equal Tinker::Raw::TINKER_E_INVALID_ARGUMENT, error.code
    assert_equal "TINKER_E_INVALID_ARGUMENT", error.status_name
    assert_match(/\ATokenizer#decode: .*99999/, error.message)
    assert_raises(Tinker::InvalidArgumentError) { @tokenizer.decode([-1]) }
  end

  def test_decode_refuses_ids_that_are_not_int32_integers
    error = assert_raises(Tinker::InvalidArgumentError) { @tokenizer.decode([104, 1.5]) }
    assert_equal "Tokenizer#decode: ids[1] must be an Integer, got 1.5", error.message
    error = assert_raises(Tinker::InvalidArgumentError) { @tokenizer.decode([2**40]) }
    assert_equal "Tokenizer#decode: ids[0] is out of the int32 range: 1099511627776", error.message
    error = assert_raises(Tinker::InvalidArgumentError) { @tokenizer.decode("abc") }
    assert_equal "Tokenizer#decode: ids must be an Array, got String", error.message
    error = assert_raises(Tinker::InvalidArgumentError) { @tokenizer.encode(42) }
    assert_equal "Tokenizer#encode: text must be a String, got Integer", error.message
  end

  def test_special_tokens_come_from_the_template_and_the_padding
    assert_equal "<|bos|>", @tokenizer.bos_token
    assert_equal BOS, @tokenizer.bos_token_id
    assert_equal "<|eos|>", @tokenizer.eos_token
    assert_equal EOS, @tokenizer.eos_token_id
    assert_equal "<|pad|>", @tokenizer.pad_token
    assert_equal TokenizerHelper::PAD, @tokenizer.pad_token_id
  end

  def test_config_overrides_special_tokens_and_null_means_none
    config = { "bos_token" => nil, "eos_token" => "<|pad|>", "pad_token" => "<nowhere>" }.to_json
    Tinker::Tokenizer.from_json(JSON_TEXT, config) do |t|
      assert_nil t.bos_token
      assert_nil t.bos_token_id
      assert_equal "<|pad|>", t.eos_token
      assert_equal TokenizerHelper::PAD, t.eos_token_id
      assert_equal "<nowhere>", t.pad_token
      assert_nil t.pad_token_id, "a pad token outside the vocabulary has no id"
    end
  end

  def test_vocabulary_and_added_tokens
    assert_equal 263, @tokenizer.vocab_size
    assert_equal 256, @tokenizer.token_to_id("he")
    assert_equal 32, @tokenizer.token_to_id("Ġ")
    assert_equal TokenizerHelper::TOOL, @tokenizer.token_to_id("<tool>")
    assert_nil @tokenizer.token_to_id("no such token")
    assert_nil @tokenizer.token_to_id("a\0b")
    assert_equal "hell", @tokenizer.id_to_token(258)
    assert_equal "Ġ", @tokenizer.id_to_token(32)
    assert_equal "<|eos|>", @tokenizer.id_to_token(EOS)
    assert_nil @tokenizer.id_to_token(99_999)
    assert_nil @tokenizer.id_to_token(-1)
    assert_nil @tokenizer.id_to_token(2**40)
    added = @tokenizer.added_tokens
    assert_equal %w[<|bos|> <|eos|> <|pad|> <tool>], added.map(&:content)
    assert_equal [BOS, EOS, TokenizerHelper::PAD, TokenizerHelper::TOOL], added.map(&:id)
    assert_equal [true, true, true, false], added.map(&:special?)
    assert_equal [97, TokenizerHelper::TOOL, 98], @tokenizer.encode("a<tool>b", add_special_tokens: false)
    assert_equal "a<tool>b", @tokenizer.decode([97, TokenizerHelper::TOOL, 98, EOS], skip_special_tokens: true),
                 "an ordinary added token is kept, a special one skipped"
  end

  def test_encode_batch_equals_encoding_one_by_one
    texts = Array.new(300) { |i| "#{'h' * (i % 13)}ello wörld #{i}\0 <tool> #{'x' * (i % 7)}" }
    one_by_one = texts.map { |t| @tokenizer.encode(t) }
    [0, 1, 2, 7].each do |threads|
      assert_equal one_by_one, @tokenizer.encode_batch(texts, threads: threads), "threads: #{threads}"
    end
    assert_equal texts.map { |t| @tokenizer.encode(t, add_special_tokens: false) },
                 @tokenizer.encode_batch(texts, add_special_tokens: false)
    assert_equal [], @tokenizer.encode_batch([])
    assert_equal [[BOS, EOS]], @tokenizer.encode_batch([""])
    assert_equal [[]], @tokenizer.encode_batch([""], add_special_tokens: false)
  end

  def test_encode_batch_checks_its_arguments
    error = assert_raises(Tinker::InvalidArgumentError) { @tokenizer.encode_batch(["a", :b]) }
    assert_equal "Tokenizer#encode_batch: texts[1] must be a String, got Symbol", error.message
    error = assert_raises(Tinker::InvalidArgumentError) { @tokenizer.encode_batch(["a"], threads: -1) }
    assert_match(/\ATokenizer#encode_batch: threads must be an Integer/, error.message)
    assert_raises(Tinker::InvalidArgumentError) { @tokenizer.encode_batch("a") }
  end

  def test_large_inputs_run_without_the_gvl_and_give_the_same_ids
    text = "hello world, " * 5000 # 65 KB: over the threshold from which encode releases the GVL
    ids = @tokenizer.encode(text, add_special_tokens: false)
    assert_equal @tokenizer.encode("hello world, ", add_special_tokens: false) * 5000, ids
    assert_equal text, @tokenizer.decode(ids)
    # Another Ruby thread runs while the batch is encoded (it could not if the GVL were held).
    ticks = 0
    ticker = Thread.new do
      loop do
        ticks += 1
        sleep 0.001
      end
    end
    Thread.pass until ticks.positive?
    before = ticks
    batch = @tokenizer.encode_batch(Array.new(64) { text }, threads: 2)
    during = ticks - before
    ticker.kill.join
    assert_equal Array.new(64) { [BOS, *ids, EOS] }, batch
    $stderr.puts "ticks during the batch: #{during}" if ENV["TINKER_TOKENIZER_DEBUG"]
    assert_operator during, :>=, 2, "the ticker thread ran while the batch was encoded"
  end

  # The GVL-free calls read only memory that stays put: another thread compacting the heap
  # meanwhile (which moves short Strings) changes no result.
  def test_heap_compaction_during_gvl_free_calls_changes_nothing
    skip "GC.compact is not supported here" unless GC.respond_to?(:compact)
    texts = Array.new(2000) { |i| "h#{i}\0é" } # short: embedded in their object slots
    expected = texts.map { |t| @tokenizer.encode(t) }
    long_ids = @tokenizer.encode("hello world " * 3000)
    stop = false
    compactor = Thread.new { GC.compact until stop }
    5.times do
      assert_equal expected, @tokenizer.encode_batch(texts.map(&:dup), threads: 2)
      assert_equal "<|bos|>#{'hello world ' * 3000}<|eos|>", @tokenizer.decode(long_ids.dup)
    end
  ensure
    stop = true
    compactor&.join
  end

  def test_a_text_changed_after_the_call_does_not_change_the_result
    text = +"hello"
    ids = @tokenizer.encode(text)
    text << " world"
    assert_equal [BOS, 258, 111, EOS], ids
  end

  def test_load_reads_a_file_or_a_snapshot_directory
    Dir.mktmpdir do |dir|
      path = File.join(dir, "tokenizer.json")
      File.write(path, JSON_TEXT)
      File.write(File.join(dir, "tokenizer_config.json"), { "bos_token" => nil }.to_json)
      Tinker::Tokenizer.load(path) do |t|
        assert_equal "<|bos|>", t.bos_token, "a file alone: the template's"
        assert_equal "hello", t.decode(t.encode("hello"), skip_special_tokens: true)
      end
      from_dir = Tinker::Tokenizer.load(Pathname(dir))
      assert_nil from_dir.bos_token, "a directory: its tokenizer_config.json's"
      from_dir.close
    end
  end

  # Quoted by docs/ruby.md ("Tokenizer").
  def test_guide_load_encode_decode_close
    Dir.mktmpdir do |dir|
      path = File.join(dir, "tokenizer.json")
      File.write(path, JSON_TEXT)
      tokenizer = Tinker::Tokenizer.load(path)                # a tokenizer.json, or a snapshot directory
      ids = tokenizer.encode("hello world")                   # an Array of Integers, bos and eos included
      text = tokenizer.decode(ids, skip_special_tokens: true) # "hello world"
      batch = tokenizer.encode_batch(%w[hello world], threads: 2) # one native call, without the GVL
      tokenizer.close                                         # or Tokenizer.load(path) { |t| ... }
      assert_equal [BOS, 258, 111, 32, 119, 111, 114, 108, 100, EOS], ids
      assert_equal "hello world", text
      assert_equal [[BOS, 258, 111, EOS], [BOS, 119, 111, 114, 108, 100, EOS]], batch
    end
  end

  def test_load_failures_raise_the_library_error
    error = assert_raises(Tinker::NotFoundError) { Tinker::Tokenizer.load("/nonexistent/tokenizer.json") }
    assert_match(/\ATokenizer\.load: /, error.message)
    error = assert_raises(Tinker::InvalidArgumentError) { Tinker::Tokenizer.from_json("{") }
    assert_match(/\ATokenizer\.from_json: /, error.message)
    unsupported = JSON.parse(JSON_TEXT).merge("pre_tokenizer" => { "type" => "Metaspace" }).to_json
    error = assert_raises(Tinker::UnimplementedError) { Tinker::Tokenizer.from_json(unsupported) }
    assert_match(/Metaspace/, error.message)
    error = assert_raises(Tinker::InvalidArgumentError) { Tinker::Tokenizer.from_json(JSON_TEXT, "{") }
    assert_match(/tokenizer_config\.json/, error.message)
    assert_raises(Tinker::InvalidArgumentError) { Tinker::Tokenizer.load(42) }
  end

  def test_use_after_close_fails_cleanly_and_close_is_idempotent
    t = Tinker::Tokenizer.from_json(JSON_TEXT)
    refute t.closed?
    assert_nil t.close
    assert_nil t.close
    assert t.closed?
    [-> { t.encode("a") }, -> { t.encode_batch(["a"]) }, -> { t.decode([97]) }, -> { t.vocab_size },
     -> { t.token_to_id("a") }, -> { t.token_to_id("a\0") }, -> { t.id_to_token(97) }, -> { t.id_to_token(2**40) },
     -> { t.bos_token }, -> { t.eos_token_id }, -> { t.added_tokens }].each do |call|
      error = assert_raises(Tinker::FailedPreconditionError) { call.call }
      assert_match(/closed/, error.message)
    end
    assert_equal "#<Tinker::Tokenizer closed>", t.inspect
  end

  def test_block_form_closes_the_tokenizer_and_returns_the_block_value
    kept = nil
    value = Tinker::Tokenizer.from_json(JSON_TEXT) do |t|
      kept = t
      t.encode("he", add_special_tokens: false)
    end
    assert_equal [256], value
    assert kept.closed?
    assert_equal "#<Tinker::Tokenizer vocab_size=263>", @tokenizer.inspect
  end

  def test_close_while_other_threads_encode_never_frees_a_tokenizer_in_use
    t = Tinker::Tokenizer.from_json(JSON_TEXT)
    text = "hello world " * 2000
    expected = t.encode(text)
    workers = Array.new(4) do
      Thread.new do
        outcomes = []
        200.times do
          outcomes << (t.encode(text) == expected ? :ok : :wrong)
        rescue Tinker::FailedPreconditionError
          outcomes << :closed
          break
        end
        outcomes
      end
    end
    sleep 0.01
    t.close
    outcomes = workers.flat_map(&:value)
    refute_includes outcomes, :wrong
    assert t.closed?
  end
end
