// Unit tests of the native tokenizer through its C API, on small hand-written tokenizer.json
// files (fixture.h): merges and their order, the byte-level alphabet as fallback, added tokens
// and their flags, decoding split UTF-8, and refusals of malformed or unsupported files.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
extern "C" {
#include <cmocka.h>
}

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "fixture.h"

using namespace tokfix;
using Ids = std::vector<int32_t>;

namespace {

#define assert_ids(actual, ...)                                                              \
  do {                                                                                       \
    const Ids tu_a_ = (actual), tu_e_ = Ids{__VA_ARGS__};                                     \
    if (tu_a_ != tu_e_) {                                                                     \
      std::string tu_s_;                                                                      \
      for (int32_t id : tu_a_) tu_s_ += std::to_string(id) + " ";                              \
      print_error("%s = [ %s], expected [%s]\n", #actual, tu_s_.c_str(), #__VA_ARGS__);       \
      fail();                                                                                 \
    }                                                                                         \
  } while (0)

// The status of loading `json`, with the error message through *message.
tinker_status_t load_status(const std::string& json, std::string* message) {
  struct tinker_tokenizer* t = nullptr;
  tinker_status_t s = tinker_tokenizer_load_memory(json.data(), json.size(), nullptr, 0, &t);
  *message = tinker_error_message(tinker_last_error());
  tinker_tokenizer_free(t);
  if (s != TINKER_OK) assert_null(t);
  return s;
}

void assert_refused(const std::string& json, tinker_status_t code, const char* fragment) {
  std::string message;
  tinker_status_t s = load_status(json, &message);
  if (s != code || message.find(fragment) == std::string::npos) {
    print_error("load gave %s \"%s\"; expected %s mentioning \"%s\"\n", tinker_status_str(s), message.c_str(),
                tinker_status_str(code), fragment);
    fail();
  }
}

Spec abc_merges() {
  Spec s;
  s.merges = {{"b", "c"}, {"a", "b"}, {"a", "bc"}, {"Ġ", "a"}};  // ids 256 "bc", 257 "ab", 258 "abc", 259 "Ġa"
  return s;
}

void merges_apply_lowest_rank_first(void**) {
  struct tinker_tokenizer* t = load(make_json(abc_merges()));
  assert_ids(encode(t, "abc"), 258);       // b+c (rank 0) first, then a+bc
  assert_ids(encode(t, "ab"), 257);
  assert_ids(encode(t, "abab"), 257, 257);
  assert_ids(encode(t, "cab"), 99, 257);
  assert_ids(encode(t, " a"), 259);
  assert_ids(encode(t, "xa"), 120, 97);    // no merge of x and a
  assert_ids(encode(t, ""));
  tinker_tokenizer_free(t);
}

void merges_in_string_and_array_form_are_the_same(void**) {
  Spec arrays = abc_merges(), strings = abc_merges();
  strings.merges_as_arrays = false;
  struct tinker_tokenizer* a = load(make_json(arrays));
  struct tinker_tokenizer* s = load(make_json(strings));
  for (const char* text : {"abc", "ab ab abc", " a bc"}) assert_true(encode(a, text) == encode(s, text));
  tinker_tokenizer_free(a);
  tinker_tokenizer_free(s);
}

void ignore_merges_takes_a_whole_word_from_the_vocabulary(void**) {
  Spec spec;
  spec.merges = {{"a", "b"}};       // 256 "ab"
  spec.extra_vocab = {"abab"};      // 257, reachable by no merge
  struct tinker_tokenizer* plain = load(make_json(spec));
  assert_ids(encode(plain, "abab"), 256, 256);
  spec.ignore_merges = true;
  struct tinker_tokenizer* whole = load(make_json(spec));
  assert_ids(encode(whole, "abab"), 257);
  assert_ids(encode(whole, "aba"), 256, 97);
  tinker_tokenizer_free(plain);
  tinker_tokenizer_free(whole);
}

void bytes_without_merges_fall_back_to_the_byte_alphabet(void**) {
  struct tinker_tokenizer* t = load(make_json(abc_merges()));
  // é is C3 A9; the emoji F0 9F 98 80; a NUL byte is text like any other.
  assert_ids(encode(t, "\xC3\xA9"), 0xC3, 0xA9);
  assert_ids(encode(t, "\xF0\x9F\x98\x80"), 0xF0, 0x9F, 0x98, 0x80);
  assert_ids(encode(t, std::string("a\0b", 3)), 97, 0, 98);
  assert_true(decode(t, {0xC3, 0xA9}) == "\xC3\xA9");
  assert_true(decode(t, {97, 0, 98}) == std::string("a\0b", 3));
  tinker_tokenizer_free(t);
}

// A BPE with an unknown token and byte-fallback tokens for é only (C3 A9), in the four
// combinations of fuse_unk and byte_fallback. The expected ids are what Hugging Face tokenizers
// (0.23.2, the oracle test's library) answers for the same files and texts; note its order when
// bytes follow a pending unknown run: the bytes first ("xé" is <0xC3> <0xA9> <unk>).
void unknown_characters_and_byte_fallback_order_as_hugging_face_does(void**) {
  auto file = [](bool fuse_unk, bool byte_fallback) {
    return std::string(R"({"version":"1.0","truncation":null,"padding":null,"added_tokens":[],"normalizer":null,)"
                       R"("pre_tokenizer":null,"post_processor":null,"decoder":null,"model":{"type":"BPE",)"
                       R"("dropout":null,"unk_token":"<unk>","continuing_subword_prefix":null,)"
                       R"("end_of_word_suffix":null,"fuse_unk":)") +
           (fuse_unk ? "true" : "false") + R"(,"byte_fallback":)" + (byte_fallback ? "true" : "false") +
           R"(,"ignore_merges":false,"vocab":{"<unk>":0,"a":1,"b":2,"<0xC3>":3,"<0xA9>":4,"ab":5},)"
           R"("merges":[["a","b"]]}})";
  };
  const std::string texts[] = {"axyb", "a\xC3\xA9" "b", "x\xC3\xA9yab", "\xC3\xA9x", "x\xC3\xA9", "\xE2\x82\xAC\xC3\xA9",
                               "ab\xE2\x82\xAC\xE2\x82\xAC" "ab"};
  const std::vector<std::vector<int32_t>> expected[2][2] = {
      {{{1, 0, 0, 2}, {1, 0, 2}, {0, 0, 0, 5}, {0, 0}, {0, 0}, {0, 0}, {5, 0, 0, 5}},
       {{1, 0, 0, 2}, {1, 3, 4, 2}, {3, 4, 0, 0, 5}, {3, 4, 0}, {3, 4, 0}, {3, 4, 0}, {5, 0, 0, 5}}},
      {{{1, 0, 2}, {1, 0, 2}, {0, 5}, {0}, {0}, {0}, {5, 0, 5}},
       {{1, 0, 2}, {1, 3, 4, 2}, {3, 4, 0, 5}, {3, 4, 0}, {3, 4, 0}, {3, 4, 0}, {5, 0, 5}}},
  };
  for (int fuse = 0; fuse < 2; ++fuse) {
    for (int fallback = 0; fallback < 2; ++fallback) {
      struct tinker_tokenizer* t = load(file(fuse != 0, fallback != 0));
      for (size_t i = 0; i < 7; ++i) {
        if (encode(t, texts[i]) != expected[fuse][fallback][i]) {
          print_error("fuse_unk %d byte_fallback %d, text %zu: not Hugging Face's ids\n", fuse, fallback, i);
          fail();
        }
      }
      tinker_tokenizer_free(t);
    }
  }
}

void decode_replaces_split_utf8_as_a_lossy_decode_does(void**) {
  struct tinker_tokenizer* t = load(make_json(abc_merges()));
  const std::string fffd = "\xEF\xBF\xBD";
  assert_true(decode(t, {0xC3}) == fffd);                       // a lead byte alone
  assert_true(decode(t, {0xF0, 0x9F, 97}) == fffd + "a");       // one U+FFFD for the truncated prefix
  assert_true(decode(t, {0xE0, 0x80}) == fffd + fffd);          // 80 cannot follow E0: two
  assert_true(decode(t, {0xA9, 0xC3, 0xA9}) == fffd + "\xC3\xA9");
  // Split across tokens but whole in the byte string: no replacement.
  assert_true(decode(t, {0xF0, 0x9F}) + "" != "\xF0\x9F");
  assert_true(decode(t, {0xF0, 0x9F, 0x98, 0x80}) == "\xF0\x9F\x98\x80");
  tinker_tokenizer_free(t);
}

std::string added(const char* content, int id, bool special, const char* flags = "") {
  return std::string("{\"id\":") + std::to_string(id) + ",\"content\":" + quote(content) + ",\"special\":" +
         (special ? "true" : "false") + flags + "}";
}

void added_tokens_are_matched_longest_first_before_the_model(void**) {
  Spec spec = abc_merges();
  spec.added_tokens = "[" + added("<|end|>", 260, true, ",\"normalized\":false") + "," +
                      added("<|end|>x", 261, false, ",\"normalized\":false") + "]";
  struct tinker_tokenizer* t = load(make_json(spec));
  assert_ids(encode(t, "ab<|end|>ab"), 257, 260, 257);
  assert_ids(encode(t, "ab<|end|>xab"), 257, 261, 257);  // the longer token wins at one start
  assert_true(decode(t, {257, 260, 257}) == "ab<|end|>ab");
  assert_true(decode(t, {257, 260, 261}, true) == "ab<|end|>x");  // only the special one skipped
  assert_int_equal(tinker_tokenizer_vocab_size(t), 262);
  assert_int_equal(tinker_tokenizer_token_to_id(t, "<|end|>"), 260);
  assert_string_equal(tinker_tokenizer_id_to_token(t, 261), "<|end|>x");
  assert_int_equal(tinker_tokenizer_added_token_count(t), 2);
  assert_int_equal(tinker_tokenizer_added_token_is_special(t, 0), 1);
  assert_int_equal(tinker_tokenizer_added_token_is_special(t, 1), 0);
  tinker_tokenizer_free(t);
}

void added_token_flags_strip_and_single_word(void**) {
  Spec spec = abc_merges();
  spec.added_tokens = "[" + added("[L]", 260, false, ",\"lstrip\":true,\"normalized\":false") + "," +
                      added("[R]", 261, false, ",\"rstrip\":true,\"normalized\":false") + "," +
                      added("cab", 262, false, ",\"single_word\":true,\"normalized\":false") + "]";
  struct tinker_tokenizer* t = load(make_json(spec));
  assert_ids(encode(t, "a  [L]a"), 97, 260, 97);          // the spaces before [L] are its own
  assert_ids(encode(t, "a[R] \t a"), 97, 261, 97);        // the spaces after [R]
  assert_ids(encode(t, "a cab a"), 97, 32, 262, 259);     // a word on its own
  assert_ids(encode(t, "acab"), 97, 99, 257);             // inside a word: not the token
  assert_ids(encode(t, "cab."), 262, 46);                 // punctuation ends a word
  tinker_tokenizer_free(t);
}

void normalized_added_tokens_match_the_normalized_text(void**) {
  Spec spec = abc_merges();
  spec.normalizer = R"({"type":"NFC"})";
  spec.added_tokens = "[" + added("\xC3\xA9!", 260, false, ",\"normalized\":true") + "," +
                      added("\xC3\xB1?", 261, false, ",\"normalized\":false") + "]";
  struct tinker_tokenizer* t = load(make_json(spec));
  assert_ids(encode(t, "e\xCC\x81!"), 260);                  // NFD é + "!" is found after NFC
  assert_ids(encode(t, "n\xCC\x83?"), 0xC3, 0xB1, 63);       // ñ? not normalized: not found in NFD text
  assert_ids(encode(t, "\xC3\xB1?"), 261);
  tinker_tokenizer_free(t);
}

void nfc_normalizes_only_what_changes_and_keeps_the_rest(void**) {
  // Encoding NFD text with NFC must give what encoding its NFC form without a normalizer gives:
  // composed pairs after a stable character, reordered marks, Hangul jamo, a mark at the start,
  // and untouched text (ASCII, CJK) between them.
  Spec nfc = abc_merges(), none = abc_merges();
  nfc.normalizer = R"({"type":"NFC"})";
  struct tinker_tokenizer* with = load(make_json(nfc));
  struct tinker_tokenizer* without = load(make_json(none));
  const std::pair<const char*, const char*> cases[] = {
      {"cafe\xCC\x81 ok", "caf\xC3\xA9 ok"},                                    // e + U+0301 -> U+00E9
      {"\xCC\x81" "abc", "\xCC\x81" "abc"},                                         // a mark with no starter
      {"q\xCC\x87\xCC\xA3!", "q\xCC\xA3\xCC\x87!"},                          // marks reordered by class
      {"\xE1\x84\x80\xE1\x85\xA1 \xE4\xBD\xA0", "\xEA\xB0\x80 \xE4\xBD\xA0"},  // jamo -> U+AC00, then CJK as is
      {"\xE2\x84\xAB x", "\xC3\x85 x"},                                        // U+212B ANGSTROM SIGN -> U+00C5
      {"abc", "abc"},
  };
  for (const auto& [input, composed] : cases) {
    if (encode(with, input) != encode(without, composed)) {
      print_error("NFC of \"%s\" is not \"%s\"\n", input, composed);
      fail();
    }
  }
  tinker_tokenizer_free(with);
  tinker_tokenizer_free(without);
}

void tokenizer_config_names_bos_eos_and_pad(void**) {
  Spec spec = abc_merges();
  spec.added_tokens = "[" + added("<s>", 260, true, ",\"normalized\":false") + "," +
                      added("</s>", 261, true, ",\"normalized\":false") + "]";
  spec.post_processor = R"({"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<s>","type_id":0}},)"
                        R"({"Sequence":{"id":"A","type_id":0}}],"pair":[],"special_tokens":{"<s>":{"id":"<s>","ids":[260],"tokens":["<s>"]}}})";
  const std::string json = make_json(spec);
  // The config wins: null means none (the template's <s> is not the bos then); an AddedToken
  // object names its content; a token missing from the vocabulary has id -1.
  const std::string config = R"({"bos_token": null, "eos_token": {"content": "</s>", "__type": "AddedToken"},)"
                             R"( "pad_token": "<pad>"})";
  struct tinker_tokenizer* t = nullptr;
  assert_int_equal(tinker_tokenizer_load_memory(json.data(), json.size(), config.data(), config.size(), &t), TINKER_OK);
  assert_null(tinker_tokenizer_bos_token(t));
  assert_int_equal(tinker_tokenizer_bos_token_id(t), -1);
  assert_string_equal(tinker_tokenizer_eos_token(t), "</s>");
  assert_int_equal(tinker_tokenizer_eos_token_id(t), 261);
  assert_string_equal(tinker_tokenizer_pad_token(t), "<pad>");
  assert_int_equal(tinker_tokenizer_pad_token_id(t), -1);
  tinker_tokenizer_free(t);
  // A config that is not JSON fails the load.
  assert_int_equal(tinker_tokenizer_load_memory(json.data(), json.size(), "{", 1, &t), TINKER_E_INVALID_ARGUMENT);
  assert_non_null(std::strstr(tinker_error_message(tinker_last_error()), "tokenizer_config.json"));
}

void load_file_reads_a_file_or_a_snapshot_directory(void**) {
  char dir[] = "/tmp/tokenizer_unit_XXXXXX";
  assert_non_null(mkdtemp(dir));
  const std::string json_path = std::string(dir) + "/tokenizer.json", config_path = std::string(dir) + "/tokenizer_config.json";
  Spec spec = abc_merges();
  spec.added_tokens = "[" + added("<e>", 260, true, ",\"normalized\":false") + "]";
  const std::string json = make_json(spec), config = R"({"eos_token": "<e>"})";
  FILE* f = std::fopen(json_path.c_str(), "wb");
  std::fwrite(json.data(), 1, json.size(), f);
  std::fclose(f);
  struct tinker_tokenizer* t = nullptr;
  assert_int_equal(tinker_tokenizer_load_file(json_path.c_str(), &t), TINKER_OK);  // the file alone: no config
  assert_null(tinker_tokenizer_eos_token(t));
  tinker_tokenizer_free(t);
  f = std::fopen(config_path.c_str(), "wb");
  std::fwrite(config.data(), 1, config.size(), f);
  std::fclose(f);
  assert_int_equal(tinker_tokenizer_load_file(dir, &t), TINKER_OK);  // the directory: with its config
  assert_string_equal(tinker_tokenizer_eos_token(t), "<e>");
  assert_int_equal(tinker_tokenizer_eos_token_id(t), 260);
  assert_ids(encode(t, "ab"), 257);
  tinker_tokenizer_free(t);
  std::remove(config_path.c_str());
  std::remove(json_path.c_str());
  assert_int_equal(tinker_tokenizer_load_file(dir, &t), TINKER_E_NOT_FOUND);
  assert_null(t);
  assert_non_null(std::strstr(tinker_error_message(tinker_last_error()), "tokenizer.json"));
  std::remove(dir);
  assert_int_equal(tinker_tokenizer_load_file(nullptr, &t), TINKER_E_INVALID_ARGUMENT);
}

void template_post_processor_adds_bos_only_when_asked(void**) {
  Spec spec = abc_merges();
  spec.added_tokens = "[" + added("<s>", 260, true, ",\"normalized\":false") + "]";
  spec.post_processor = R"({"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<s>","type_id":0}},)"
                        R"({"Sequence":{"id":"A","type_id":0}}],"pair":[],"special_tokens":{"<s>":{"id":"<s>","ids":[260],"tokens":["<s>"]}}})";
  struct tinker_tokenizer* t = load(make_json(spec));
  assert_ids(encode(t, "ab", true), 260, 257);
  assert_ids(encode(t, "ab", false), 257);
  assert_ids(encode(t, "", true), 260);
  assert_string_equal(tinker_tokenizer_bos_token(t), "<s>");
  assert_int_equal(tinker_tokenizer_bos_token_id(t), 260);
  assert_null(tinker_tokenizer_eos_token(t));
  assert_int_equal(tinker_tokenizer_eos_token_id(t), -1);
  tinker_tokenizer_free(t);
}

void batch_encode_gives_what_encode_gives(void**) {
  struct tinker_tokenizer* t = load(make_json(abc_merges()));
  std::vector<std::string> texts;
  for (int i = 0; i < 200; ++i) texts.push_back(std::string(size_t(i % 17), 'a') + " abc " + std::to_string(i));
  std::vector<const char*> ptrs;
  std::vector<size_t> lengths;
  for (const auto& s : texts) {
    ptrs.push_back(s.data());
    lengths.push_back(s.size());
  }
  for (size_t threads : {size_t(0), size_t(1), size_t(2), size_t(7)}) {
    std::vector<int32_t*> ids(texts.size());
    std::vector<size_t> counts(texts.size());
    assert_int_equal(tinker_tokenizer_encode_batch(t, ptrs.data(), lengths.data(), texts.size(), threads, 0, ids.data(),
                                                   counts.data()),
                     TINKER_OK);
    for (size_t i = 0; i < texts.size(); ++i) {
      assert_true(Ids(ids[i], ids[i] + counts[i]) == encode(t, texts[i]));
      tinker_free(ids[i]);
    }
  }
  // One bad text fails the batch, naming it, and leaves nothing to free.
  std::string bad = "ok\xFF";
  ptrs[3] = bad.data();
  lengths[3] = bad.size();
  std::vector<int32_t*> ids(texts.size(), reinterpret_cast<int32_t*>(1));
  std::vector<size_t> counts(texts.size());
  assert_int_equal(tinker_tokenizer_encode_batch(t, ptrs.data(), lengths.data(), texts.size(), 2, 0, ids.data(),
                                                 counts.data()),
                   TINKER_E_INVALID_ARGUMENT);
  assert_non_null(std::strstr(tinker_error_message(tinker_last_error()), "texts[3]"));
  for (int32_t* p : ids) assert_null(p);
  tinker_tokenizer_free(t);
}

void encode_refuses_invalid_utf8_and_decode_unknown_ids(void**) {
  struct tinker_tokenizer* t = load(make_json(abc_merges()));
  int32_t* ids = reinterpret_cast<int32_t*>(1);
  size_t n = 0;
  assert_int_equal(tinker_tokenizer_encode(t, "a\xC3(", 3, 0, &ids, &n), TINKER_E_INVALID_ARGUMENT);
  assert_null(ids);
  char* out = reinterpret_cast<char*>(1);
  const int32_t bad[] = {97, 260};
  assert_int_equal(tinker_tokenizer_decode(t, bad, 2, 0, nullptr, &out), TINKER_E_INVALID_ARGUMENT);
  assert_null(out);
  assert_non_null(std::strstr(tinker_error_message(tinker_last_error()), "260"));
  const int32_t negative[] = {-1};
  assert_int_equal(tinker_tokenizer_decode(t, negative, 1, 0, nullptr, &out), TINKER_E_INVALID_ARGUMENT);
  assert_int_equal(tinker_tokenizer_encode(nullptr, "a", 1, 0, &ids, &n), TINKER_E_INVALID_ARGUMENT);
  assert_int_equal(tinker_tokenizer_encode(t, nullptr, 1, 0, &ids, &n), TINKER_E_INVALID_ARGUMENT);
  assert_int_equal(tinker_tokenizer_encode(t, nullptr, 0, 0, &ids, &n), TINKER_OK);
  assert_int_equal(n, 0);
  assert_int_equal(tinker_tokenizer_token_to_id(t, "nope"), -1);
  assert_null(tinker_tokenizer_id_to_token(t, 99999));
  tinker_tokenizer_free(t);
}

void malformed_files_are_refused_with_a_clear_error(void**) {
  std::string good = make_json(abc_merges());
  assert_refused("{\"model\": ", TINKER_E_INVALID_ARGUMENT, "not valid JSON");
  assert_refused(good.substr(0, good.size() / 2), TINKER_E_INVALID_ARGUMENT, "not valid JSON");
  assert_refused("[1,2]", TINKER_E_INVALID_ARGUMENT, "not a JSON object");
  assert_refused(std::string(100000, '[') + std::string(100000, ']'), TINKER_E_INVALID_ARGUMENT, "deeper");
  assert_refused("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":\"x\"},\"merges\":[]}}", TINKER_E_INVALID_ARGUMENT,
                 "not an integer");
  assert_refused("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":2000000000},\"merges\":[]}}", TINKER_E_INVALID_ARGUMENT,
                 "too sparse");
  assert_refused("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1},\"merges\":[\"a b\"]}}",
                 TINKER_E_INVALID_ARGUMENT, "\"ab\", which is not in the vocabulary");
  assert_refused("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"ab\":1},\"merges\":[[\"a\",\"q\"]]}}",
                 TINKER_E_INVALID_ARGUMENT, "\"q\", which is not in the vocabulary");
  assert_refused("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[\"a\"]}}", TINKER_E_INVALID_ARGUMENT,
                 "not two tokens");
  Spec regex = abc_merges();
  regex.pre_tokenizer = R"({"type":"Split","pattern":{"Regex":"(unclosed"},"behavior":"Isolated","invert":false})";
  assert_refused(make_json(regex), TINKER_E_INVALID_ARGUMENT, "does not compile");
}

void mutated_files_load_or_fail_cleanly(void**) {
  // Thousands of corruptions of a valid file (bytes changed, cut short, spliced): each load either
  // succeeds or fails with a message, never crashes (the ASan build checks the memory side), and
  // what loads encodes and decodes without failing the library.
  const std::string good = make_json(abc_merges());
  uint64_t seed = 42;
  auto next = [&seed] {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return uint32_t(seed >> 33);
  };
  const char alphabet[] = "{}[]\",:0123456789-.eE \\u\x00\xFFtrufalsn";
  int loaded = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string bad = good;
    switch (next() % 3) {
      case 0:
        for (int k = 0, n = 1 + int(next() % 4); k < n; ++k) bad[next() % bad.size()] = alphabet[next() % (sizeof alphabet - 1)];
        break;
      case 1:
        bad.resize(next() % bad.size());
        break;
      default: {
        size_t from = next() % bad.size(), len = next() % 64;
        bad.insert(next() % bad.size(), good.substr(from, len));
      }
    }
    struct tinker_tokenizer* t = nullptr;
    tinker_status_t st = tinker_tokenizer_load_memory(bad.data(), bad.size(), nullptr, 0, &t);
    if (st != TINKER_OK) {
      assert_null(t);
      assert_true(std::strlen(tinker_error_message(tinker_last_error())) > 0);
      continue;
    }
    ++loaded;
    int32_t* ids = nullptr;
    size_t n = 0;
    assert_int_equal(tinker_tokenizer_encode(t, "ab cab\xC3\xA9 <|x|>", 15, 1, &ids, &n), TINKER_OK);
    char* text = nullptr;
    tinker_status_t ds = tinker_tokenizer_decode(t, ids, n, 0, nullptr, &text);
    assert_true(ds == TINKER_OK || ds == TINKER_E_INVALID_ARGUMENT);
    tinker_free(text);
    tinker_free(ids);
    tinker_tokenizer_free(t);
  }
  print_message("%d of 3000 corrupted files still loaded\n", loaded);
  assert_true(loaded > 0);  // some corruptions (inside token texts) still make a valid file
}

void unsupported_components_are_refused_by_name(void**) {
  Spec model = abc_merges();
  model.model_type = "WordPiece";
  assert_refused(make_json(model), TINKER_E_UNIMPLEMENTED, "WordPiece");
  Spec pre = abc_merges();
  pre.pre_tokenizer = R"({"type":"Metaspace","replacement":"_"})";
  assert_refused(make_json(pre), TINKER_E_UNIMPLEMENTED, "Metaspace");
  Spec norm = abc_merges();
  norm.normalizer = R"({"type":"Lowercase"})";
  assert_refused(make_json(norm), TINKER_E_UNIMPLEMENTED, "Lowercase");
  Spec dec = abc_merges();
  dec.decoder = R"({"type":"WordPiece","prefix":"##"})";
  assert_refused(make_json(dec), TINKER_E_UNIMPLEMENTED, "WordPiece");
  Spec post = abc_merges();
  post.post_processor = R"({"type":"RobertaProcessing"})";
  assert_refused(make_json(post), TINKER_E_UNIMPLEMENTED, "RobertaProcessing");
  Spec boundary = abc_merges();
  boundary.pre_tokenizer = R"({"type":"Split","pattern":{"Regex":"\\bx"},"behavior":"Isolated","invert":false})";
  assert_refused(make_json(boundary), TINKER_E_UNIMPLEMENTED, "\\b");
}

void split_behaviors_cut_as_hugging_face_does(void**) {
  // Digits split off with each behavior; ids are bytes (no merges).
  auto with = [](const char* behavior, bool invert) {
    Spec s;
    s.pre_tokenizer = std::string(R"({"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"String":"-"},"behavior":")") +
                      behavior + "\",\"invert\":" + (invert ? "true" : "false") +
                      R"(},{"type":"ByteLevel","add_prefix_space":false,"use_regex":false}]})";
    s.merges = {{"a", "-"}, {"-", "b"}, {"a", "b"}};  // 256 "a-", 257 "-b", 258 "ab"
    return load(make_json(s));
  };
  struct tinker_tokenizer* t;
  t = with("Removed", false);
  assert_ids(encode(t, "a-b"), 97, 98);
  tinker_tokenizer_free(t);
  t = with("Isolated", false);
  assert_ids(encode(t, "a-b"), 97, 45, 98);
  tinker_tokenizer_free(t);
  t = with("MergedWithPrevious", false);
  assert_ids(encode(t, "a-b"), 256, 98);
  tinker_tokenizer_free(t);
  t = with("MergedWithNext", false);
  assert_ids(encode(t, "a-b"), 97, 257);
  tinker_tokenizer_free(t);
  t = with("Contiguous", false);
  assert_ids(encode(t, "a--b"), 97, 45, 45, 98);  // "--" kept together; no merge "- -"
  tinker_tokenizer_free(t);
  t = with("Removed", true);  // inverted: the text between dashes goes
  assert_ids(encode(t, "a-b"), 45);
  tinker_tokenizer_free(t);
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(merges_apply_lowest_rank_first),
      cmocka_unit_test(merges_in_string_and_array_form_are_the_same),
      cmocka_unit_test(ignore_merges_takes_a_whole_word_from_the_vocabulary),
      cmocka_unit_test(bytes_without_merges_fall_back_to_the_byte_alphabet),
      cmocka_unit_test(unknown_characters_and_byte_fallback_order_as_hugging_face_does),
      cmocka_unit_test(decode_replaces_split_utf8_as_a_lossy_decode_does),
      cmocka_unit_test(added_tokens_are_matched_longest_first_before_the_model),
      cmocka_unit_test(added_token_flags_strip_and_single_word),
      cmocka_unit_test(normalized_added_tokens_match_the_normalized_text),
      cmocka_unit_test(nfc_normalizes_only_what_changes_and_keeps_the_rest),
      cmocka_unit_test(tokenizer_config_names_bos_eos_and_pad),
      cmocka_unit_test(load_file_reads_a_file_or_a_snapshot_directory),
      cmocka_unit_test(template_post_processor_adds_bos_only_when_asked),
      cmocka_unit_test(batch_encode_gives_what_encode_gives),
      cmocka_unit_test(encode_refuses_invalid_utf8_and_decode_unknown_ids),
      cmocka_unit_test(malformed_files_are_refused_with_a_clear_error),
      cmocka_unit_test(mutated_files_load_or_fail_cleanly),
      cmocka_unit_test(unsupported_components_are_refused_by_name),
      cmocka_unit_test(split_behaviors_cut_as_hugging_face_does),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
