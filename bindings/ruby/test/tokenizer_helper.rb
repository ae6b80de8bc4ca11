# frozen_string_literal: true

require "json"

# A small byte-level BPE tokenizer.json written by the tests themselves: the 256 byte tokens
# (id = byte value, spelled in GPT-2's byte-level alphabet), three merges ("h e" -> "he" 256,
# "l l" -> "ll" 257, "he ll" -> "hell" 258), the special added tokens <|bos|> 259, <|eos|> 260
# and <|pad|> 261, the ordinary added token <tool> 262, a template that puts <|bos|> before and
# <|eos|> after a sequence, and <|pad|> as the padding token.
module TokenizerHelper
  BOS = 259
  EOS = 260
  PAD = 261
  TOOL = 262

  # GPT-2's byte-to-character table: printable Latin-1 bytes stand for themselves, the others for
  # U+0100 onwards in byte order.
  def self.byte_symbol(byte)
    printable = ->(c) { (33..126).cover?(c) || (0xA1..0xAC).cover?(c) || (0xAE..0xFF).cover?(c) }
    return byte.chr(Encoding::UTF_8) if printable.call(byte)

    (256 + (0...byte).count { |c| !printable.call(c) }).chr(Encoding::UTF_8)
  end

  def self.added(content, id, special)
    { "id" => id, "content" => content, "single_word" => false, "lstrip" => false, "rstrip" => false,
      "normalized" => false, "special" => special }
  end

  def self.template_token(name, id)
    { name => { "id" => name, "ids" => [id], "tokens" => [name] } }
  end

  def self.tokenizer_json
    vocab = (0..255).to_h { |b| [byte_symbol(b), b] }
    vocab.merge!("he" => 256, "ll" => 257, "hell" => 258)
    byte_level = { "type" => "ByteLevel", "add_prefix_space" => false, "trim_offsets" => true, "use_regex" => true }
    {
      "version" => "1.0",
      "truncation" => nil,
      "padding" => { "strategy" => "BatchLongest", "direction" => "Right", "pad_to_multiple_of" => nil,
                     "pad_id" => PAD, "pad_type_id" => 0, "pad_token" => "<|pad|>" },
      "added_tokens" => [added("<|bos|>", BOS, true), added("<|eos|>", EOS, true), added("<|pad|>", PAD, true),
                         added("<tool>", TOOL, false)],
      "normalizer" => nil,
      "pre_tokenizer" => byte_level,
      "post_processor" => {
        "type" => "TemplateProcessing",
        "single" => [{ "SpecialToken" => { "id" => "<|bos|>", "type_id" => 0 } },
                     { "Sequence" => { "id" => "A", "type_id" => 0 } },
                     { "SpecialToken" => { "id" => "<|eos|>", "type_id" => 0 } }],
        "pair" => [],
        "special_tokens" => template_token("<|bos|>", BOS).merge(template_token("<|eos|>", EOS))
      },
      "decoder" => byte_level,
      "model" => { "type" => "BPE", "dropout" => nil, "unk_token" => nil, "continuing_subword_prefix" => nil,
                   "end_of_word_suffix" => nil, "fuse_unk" => false, "byte_fallback" => false,
                   "ignore_merges" => false, "vocab" => vocab, "merges" => ["h e", "l l", "he ll"] }
    }.to_json
  end
end
