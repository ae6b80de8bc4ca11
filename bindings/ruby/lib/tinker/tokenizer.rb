# frozen_string_literal: true

module Tinker
  # A Hugging Face tokenizer (a tokenizer.json), read and run by libtinker's native tokenizer
  # (docs/tokenizer.md): encode text to token ids and decode ids to text with the same results as
  # Hugging Face `tokenizers`. Load one with Tokenizer.load (a file or a model snapshot
  # directory) or Tokenizer.from_json (the file's text). Immutable and thread-safe: any number of
  # threads may encode and decode with it at once; encode_batch encodes many texts on several
  # native threads. Close it when done (idempotent; a call running on another thread finishes
  # first); the finalizer frees it otherwise. After close, every method raises
  # Tinker::FailedPreconditionError.
  #
  #   Tinker::Tokenizer.load("tokenizer.json") do |tokenizer|
  #     ids = tokenizer.encode("hello world")         # => [..] (Integers)
  #     tokenizer.decode(ids)                         # => "hello world"
  #     tokenizer.encode_batch(["a", "b"], threads: 2) # => [[..], [..]]
  #   end
  #
  # Text goes in as a String's bytes, which must be UTF-8 (a String in another encoding is
  # transcoded first; a binary String is taken as UTF-8 bytes); a NUL byte is text like any other.
  # Text comes out as a UTF-8 String.
  class Tokenizer
    # One entry of tokenizer.json's "added_tokens": its text, its id, and whether it is special
    # (left out by decode(..., skip_special_tokens: true)).
    AddedToken = Struct.new(:content, :id, :special, keyword_init: true) do
      # true for a special token (decode leaves it out when asked to skip special tokens).
      def special?
        special
      end
    end

    # Loads a tokenizer from `path`: a tokenizer.json file, or a directory laid out as a model
    # snapshot on the Hugging Face Hub, holding tokenizer.json and, optionally,
    # tokenizer_config.json (read for the bos, eos and pad tokens). Runs without the GVL. With a
    # block, yields the tokenizer and closes it afterwards, returning the block's value.
    # @param path [String] a file or directory
    # @return [Tinker::Tokenizer] (or the block's value)
    # @raise [Tinker::NotFoundError] no such file
    # @raise [Tinker::InvalidArgumentError] not a valid tokenizer.json
    # @raise [Tinker::UnimplementedError] a component libtinker does not implement (named)
    def self.load(path, &block)
      ptr = Tinker.naming("Tokenizer.load") do
        path = path.to_path if path.respond_to?(:to_path) # a Pathname
        Raw.tinker_tokenizer_load_file(Kinds.string(path, "path"))
      end
      opened(new(ptr), &block)
    end

    # Loads a tokenizer from the text of a tokenizer.json and, optionally, of its
    # tokenizer_config.json. Runs without the GVL. With a block, yields the tokenizer and closes
    # it afterwards, returning the block's value.
    # @param json [String] the text of tokenizer.json
    # @param config [String, nil] the text of tokenizer_config.json, or nil for none
    # @return [Tinker::Tokenizer] (or the block's value)
    # @raise [Tinker::InvalidArgumentError] not a valid tokenizer.json (or config)
    # @raise [Tinker::UnimplementedError] a component libtinker does not implement (named)
    def self.from_json(json, config = nil, &block)
      ptr = Tinker.naming("Tokenizer.from_json") do
        Raw.tinker_tokenizer_load_memory(text(json, "json"), config.nil? ? nil : text(config, "config"))
      end
      opened(new(ptr), &block)
    end

    # The tokenizer a finished get_tokenizer future holds.
    # @api private
    def self.take(future)
      new(Raw.tinker_future_take_tokenizer(future))
    end

    # The tokenizer itself, or, with a block, the block's value with the tokenizer closed after.
    # @api private
    def self.opened(tokenizer)
      return tokenizer unless block_given?

      begin
        yield tokenizer
      ensure
        tokenizer.close
      end
    end
    private_class_method :opened

    # `value` as a String of UTF-8 bytes for libtinker: a UTF-8, US-ASCII or binary String as it
    # is (libtinker refuses bytes that are not UTF-8), another encoding transcoded; `what` names
    # the argument when it is neither.
    # @api private
    def self.text(value, what)
      raise Tinker.invalid_argument("#{what} must be a String, got #{value.class}") unless value.is_a?(String)
      return value if UTF8_BYTES.include?(value.encoding)

      value.encode(Encoding::UTF_8)
    rescue EncodingError => e
      raise Tinker.invalid_argument("#{what} cannot be converted to UTF-8: #{e.message}")
    end

    UTF8_BYTES = [Encoding::UTF_8, Encoding::US_ASCII, Encoding::BINARY].freeze
    THREADS = (0..1024).freeze # libtinker uses at most 256
    private_constant :UTF8_BYTES, :THREADS

    # Wraps a native tokenizer the caller hands over (Tokenizer.load, .from_json, get_tokenizer).
    # @api private
    def initialize(ptr)
      @handle = Handle.new(ptr, :tinker_tokenizer_free)
    end

    # Encodes a text into token ids: added tokens first, then the normalizer, pre-tokenizer and
    # model, then, with add_special_tokens, the post-processor's special tokens (Llama 3.1's
    # <|begin_of_text|>). A text of 16 KiB or more is encoded without the GVL.
    # @param text [String] UTF-8 text (NUL bytes included)
    # @param add_special_tokens [Boolean] add the post-processor's special tokens
    # @return [Array<Integer>] the token ids
    # @raise [Tinker::InvalidArgumentError] text that is not valid UTF-8
    def encode(text, add_special_tokens: true)
      Tinker.naming("Tokenizer#encode") do
        text = Tokenizer.text(text, "text")
        @handle.use { |t| Raw.tinker_tokenizer_encode(t, text, add_special_tokens ? 1 : 0) }
      end
    end

    # Encodes many texts in one native call, on `threads` native threads without the GVL, each
    # exactly as #encode would.
    # @param texts [Array<String>] UTF-8 texts
    # @param threads [Integer] how many threads; 0: one per core (never more than the texts or 256)
    # @param add_special_tokens [Boolean] add the post-processor's special tokens
    # @return [Array<Array<Integer>>] the token ids of each text, in order
    # @raise [Tinker::InvalidArgumentError] a text that is not valid UTF-8 (the first, by its index)
    def encode_batch(texts, threads: 0, add_special_tokens: true)
      Tinker.naming("Tokenizer#encode_batch") do
        texts = Values.array(texts, "texts").each_with_index.map { |t, i| Tokenizer.text(t, "texts[#{i}]") }
        threads = Values.integer(threads, "threads", THREADS)
        @handle.use { |t| Raw.tinker_rb_tokenizer_encode_batch(t, texts, threads, add_special_tokens ? 1 : 0) }
      end
    end

    # Decodes token ids to text with the tokenizer's decoder. Bytes that do not form valid UTF-8
    # (a character split across a cut) become U+FFFD, as Hugging Face's lossy decode does. 4096
    # ids or more are decoded without the GVL.
    # @param ids [Array<Integer>] token ids
    # @param skip_special_tokens [Boolean] leave the special added tokens out
    # @return [String] UTF-8 text (it may hold NUL characters)
    # @raise [Tinker::InvalidArgumentError] an id that names no token (Hugging Face would skip it),
    #   or an element that is not an Integer in int32's range
    def decode(ids, skip_special_tokens: false)
      Tinker.naming("Tokenizer#decode") do
        Values.array(ids, "ids")
        @handle.use { |t| Raw.tinker_tokenizer_decode(t, ids, skip_special_tokens ? 1 : 0) }
      rescue ArgumentError => e # an element the raw layer could not convert
        raise Tinker.invalid_argument(e.message)
      end
    end

    # The id of the token spelled `token` (model vocabulary or added token), or nil when none.
    # @param token [String]
    # @return [Integer, nil]
    def token_to_id(token)
      token = Tinker.naming("Tokenizer#token_to_id") { Tokenizer.text(token, "token") }
      id = @handle.use do |t|
        # No token is spelled with a NUL, where the C string would end.
        token.include?("\0") ? -1 : Raw.tinker_tokenizer_token_to_id(t, token)
      end
      id.negative? ? nil : id
    end

    # The token of id `id` as the vocabulary spells it (byte-level tokens in their byte-level
    # alphabet, e.g. "Ġthe"), or nil when `id` names no token.
    # @param id [Integer]
    # @return [String, nil]
    def id_to_token(id)
      @handle.use do |t|
        # An id outside int32 names no token.
        id.is_a?(Integer) && Values::INT32.cover?(id) ? Raw.tinker_tokenizer_id_to_token(t, id) : nil
      end
    end

    # Number of distinct token ids: the model's vocabulary and the added tokens.
    # @return [Integer]
    def vocab_size
      @handle.use { |t| Raw.tinker_tokenizer_vocab_size(t) }
    end

    # The beginning-of-sequence token (tokenizer_config.json's bos_token, else the special token
    # the post-processor puts first), or nil when there is none.
    # @return [String, nil]
    def bos_token
      @handle.use { |t| Raw.tinker_tokenizer_bos_token(t) }
    end

    # The id of #bos_token, or nil when there is none (or it is not in the vocabulary).
    # @return [Integer, nil]
    def bos_token_id
      id_or_nil(:tinker_tokenizer_bos_token_id)
    end

    # The end-of-sequence token (tokenizer_config.json's eos_token, else the special token the
    # post-processor puts last), or nil when there is none.
    # @return [String, nil]
    def eos_token
      @handle.use { |t| Raw.tinker_tokenizer_eos_token(t) }
    end

    # The id of #eos_token, or nil when there is none (or it is not in the vocabulary).
    # @return [Integer, nil]
    def eos_token_id
      id_or_nil(:tinker_tokenizer_eos_token_id)
    end

    # The padding token (tokenizer_config.json's pad_token, else tokenizer.json's padding
    # settings), or nil when there is none.
    # @return [String, nil]
    def pad_token
      @handle.use { |t| Raw.tinker_tokenizer_pad_token(t) }
    end

    # The id of #pad_token, or nil when there is none (or it is not in the vocabulary).
    # @return [Integer, nil]
    def pad_token_id
      id_or_nil(:tinker_tokenizer_pad_token_id)
    end

    # tokenizer.json's added tokens (empty ones left out), in file order.
    # @return [Array<Tinker::Tokenizer::AddedToken>]
    def added_tokens
      @handle.use do |t|
        Array.new(Raw.tinker_tokenizer_added_token_count(t)) do |i|
          AddedToken.new(content: Raw.tinker_tokenizer_added_token_content(t, i),
                         id: Raw.tinker_tokenizer_added_token_id(t, i),
                         special: Raw.tinker_tokenizer_added_token_is_special(t, i) != 0)
        end
      end
    end

    # Whether #close was called.
    def closed?
      @handle.closing?
    end

    # "#<Tinker::Tokenizer vocab_size=256>" (or "... closed").
    def inspect
      Tinker.inspect_object(self, @handle, closed? ? {} : { vocab_size: vocab_size })
    rescue Error # closed meanwhile
      Tinker.inspect_object(self, @handle)
    end

    # Frees the native tokenizer (idempotent), once no call on another thread uses it.
    # @return [nil]
    def close
      @handle.close
    end

    private

    def id_or_nil(function)
      id = @handle.use { |t| Raw.public_send(function, t) }
      id.negative? ? nil : id
    end
  end
end
