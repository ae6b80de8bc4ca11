package dev.libtinker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native tokenizer (tinker/tokenizer.h) from Java, on a byte-level BPE tokenizer.json this
 * test writes: every byte a token (id = byte value), the merges "a b" (256) and "ab c" (257), the
 * added tokens &lt;s&gt; (258, special, put first by the post-processor), &lt;/s&gt; (259,
 * special), &lt;pad&gt; (260, special) and &lt;sep&gt; (261, not special).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TokenizerTest {
  private static final String CONFIG = "{\"eos_token\": \"</s>\", \"pad_token\": \"<pad>\"}";

  /** GPT-2's byte-to-unicode table, as byte-level BPE names its 256 byte tokens. */
  static String byteChar(int b) {
    int next = 0x100;
    int cp = 0;
    for (int x = 0; x <= b; x++) {
      boolean printable = (x >= 0x21 && x <= 0x7E) || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF);
      cp = printable ? x : next++;
    }
    return new String(Character.toChars(cp));
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  private static String added(String content, int id, boolean special) {
    return "{\"id\":" + id + ",\"content\":" + quote(content) + ",\"single_word\":false,\"lstrip\":false,"
        + "\"rstrip\":false,\"normalized\":false,\"special\":" + special + "}";
  }

  static String tokenizerJson() {
    StringBuilder vocab = new StringBuilder("{");
    for (int b = 0; b < 256; b++) {
      vocab.append(b == 0 ? "" : ",").append(quote(byteChar(b))).append(':').append(b);
    }
    vocab.append(",\"ab\":256,\"abc\":257}");
    String byteLevel = "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":true,\"use_regex\":true}";
    return "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":["
        + added("<s>", 258, true) + "," + added("</s>", 259, true) + "," + added("<pad>", 260, true) + ","
        + added("<sep>", 261, false) + "],\"normalizer\":null,\"pre_tokenizer\":" + byteLevel
        + ",\"post_processor\":{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":\"<s>\","
        + "\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}],\"pair\":[],\"special_tokens\":{\"<s>\":"
        + "{\"id\":\"<s>\",\"ids\":[258],\"tokens\":[\"<s>\"]}}},\"decoder\":" + byteLevel
        + ",\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":null,\"continuing_subword_prefix\":null,"
        + "\"end_of_word_suffix\":null,\"fuse_unk\":false,\"byte_fallback\":false,\"ignore_merges\":false,"
        + "\"vocab\":" + vocab + ",\"merges\":[[\"a\",\"b\"],[\"ab\",\"c\"]]}}";
  }

  private static Tokenizer load() {
    return Tokenizer.fromJson(tokenizerJson(), CONFIG);
  }

  private static int[] bytes(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      ids[i] = b[i] & 0xff;
    }
    return ids;
  }

  @Test
  void encodeMergesAndDecodeRoundTrips() {
    try (Tokenizer tok = load()) {
      // "abc abc": the pre-tokenizer splits off " abc", whose space is its own byte token (32).
      assertArrayEquals(new int[] {257, 32, 257}, tok.encode("abc abc", false));
      assertArrayEquals(new int[] {256, 32, 97}, tok.encode("ab a", false));
      for (String text : List.of("abc abc", "héllo wörld", "emoji \uD83D\uDE00 and CJK 漢字", "", "  spaces  ")) {
        int[] ids = tok.encode(text, false);
        assertEquals(text, tok.decode(ids), text);
      }
      // Characters outside the BMP cross as their four UTF-8 bytes, not as modified UTF-8.
      assertArrayEquals(bytes("\uD83D\uDE00"), tok.encode("\uD83D\uDE00", false));
    }
  }

  @Test
  void specialTokensAreAddedAndSkippedOnRequest() {
    try (Tokenizer tok = load()) {
      assertArrayEquals(new int[] {258, 257}, tok.encode("abc"), "encode(text) adds the post-processor's <s>");
      assertArrayEquals(new int[] {258, 257}, tok.encode("abc", true));
      assertArrayEquals(new int[] {257}, tok.encode("abc", false));
      // An added token in the text is found before the model runs, with or without special tokens.
      assertArrayEquals(new int[] {257, 259}, tok.encode("abc</s>", false));
      int[] ids = {258, 257, 261, 97, 259};
      assertEquals("<s>abc<sep>a</s>", tok.decode(ids));
      assertEquals("<s>abc<sep>a</s>", tok.decode(ids, false));
      assertEquals("abc<sep>a", tok.decode(ids, true), "special tokens left out, <sep> is not special");
      assertEquals(Optional.of("<s>"), tok.bosToken());
      assertEquals(OptionalInt.of(258), tok.bosTokenId());
      assertEquals(Optional.of("</s>"), tok.eosToken());
      assertEquals(OptionalInt.of(259), tok.eosTokenId());
      assertEquals(Optional.of("<pad>"), tok.padToken());
      assertEquals(OptionalInt.of(260), tok.padTokenId());
      assertEquals(
          List.of(
              new Tokenizer.AddedToken("<s>", 258, true),
              new Tokenizer.AddedToken("</s>", 259, true),
              new Tokenizer.AddedToken("<pad>", 260, true),
              new Tokenizer.AddedToken("<sep>", 261, false)),
          tok.addedTokens());
    }
  }

  @Test
  void absentSpecialTokensAreEmpty() {
    // Without a config and a post-processor there is no bos, eos or pad token.
    String json = tokenizerJson().replaceFirst("\"post_processor\":\\{.*?\\}\\}\\},", "\"post_processor\":null,");
    try (Tokenizer tok = Tokenizer.fromJson(json, null)) {
      assertArrayEquals(new int[] {257}, tok.encode("abc"), "no post-processor: nothing added");
      assertEquals(Optional.empty(), tok.bosToken());
      assertEquals(OptionalInt.empty(), tok.bosTokenId());
      assertEquals(Optional.empty(), tok.eosToken());
      assertEquals(OptionalInt.empty(), tok.eosTokenId());
      assertEquals(Optional.empty(), tok.padToken());
      assertEquals(OptionalInt.empty(), tok.padTokenId());
    }
  }

  @Test
  void tokensAndIdsMapBothWays() {
    try (Tokenizer tok = load()) {
      assertEquals(262, tok.vocabSize());
      assertEquals(OptionalInt.of(256), tok.tokenToId("ab"));
      assertEquals(OptionalInt.of(32), tok.tokenToId("Ġ"));
      assertEquals(OptionalInt.of(261), tok.tokenToId("<sep>"));
      assertEquals(OptionalInt.empty(), tok.tokenToId("no such token"));
      assertEquals(Optional.of("Ġ"), tok.idToToken(32));
      assertEquals(Optional.of("abc"), tok.idToToken(257));
      assertEquals(Optional.of("</s>"), tok.idToToken(259));
      assertEquals(Optional.empty(), tok.idToToken(262));
      assertEquals(Optional.empty(), tok.idToToken(-1));
    }
  }

  @Test
  void unknownIdInDecodeIsInvalidArgument() {
    try (Tokenizer tok = load()) {
      TinkerException e = assertThrows(TinkerException.class, () -> tok.decode(new int[] {97, 4242, 98}));
      assertEquals(Status.INVALID_ARGUMENT, e.code());
      assertTrue(e.getMessage().startsWith("Tokenizer.decode: "), e.getMessage());
      assertTrue(e.getMessage().contains("4242"), e.getMessage());
      assertThrows(TinkerException.class, () -> tok.decode(new int[] {-1}));
    }
  }

  @Test
  void invalidUtf8TextIsRefused() {
    try (Tokenizer tok = load()) {
      // An unpaired surrogate has no UTF-8: the library gets its three-byte form and refuses it,
      // where String.getBytes would have sent '?' instead.
      for (String text : List.of("a\uD800b", "tail \uDC00", "\uDE00\uD83D")) {
        TinkerException e = assertThrows(TinkerException.class, () -> tok.encode(text));
        assertEquals(Status.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().startsWith("Tokenizer.encode: "), e.getMessage());
      }
      TinkerException e =
          assertThrows(TinkerException.class, () -> tok.encodeBatch(List.of("fine", "fine too", "bad \uD800"), 2, false));
      assertEquals(Status.INVALID_ARGUMENT, e.code());
      assertTrue(e.getMessage().startsWith("Tokenizer.encodeBatch: texts[2]"), e.getMessage());
    }
  }

  @Test
  void nulInsideTextSurvivesEncodeAndDecode() {
    try (Tokenizer tok = load()) {
      String text = "a\0b\0\0abc";
      int[] ids = tok.encode(text, false);
      assertArrayEquals(new int[] {97, 0, 98, 0, 0, 257}, ids);
      String back = tok.decode(ids);
      assertEquals(text, back);
      assertEquals(8, back.length());
      assertArrayEquals(ids, tok.encodeBatch(List.of(text), 1, false).get(0));
    }
  }

  @Test
  void batchEqualsOneByOne() {
    try (Tokenizer tok = load()) {
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        texts.add("abc ".repeat(i % 13) + "héllo " + i + (i % 7 == 0 ? "</s>" : "") + (i % 11 == 0 ? "" : " \uD83D\uDE00"));
      }
      texts.add("");
      for (boolean special : new boolean[] {false, true}) {
        for (int threads : new int[] {0, 1, 2, 64}) {
          List<int[]> batch = tok.encodeBatch(texts, threads, special);
          assertEquals(texts.size(), batch.size());
          for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(tok.encode(texts.get(i), special), batch.get(i), "text " + i + ", " + threads + " threads");
          }
        }
      }
      List<int[]> defaults = tok.encodeBatch(texts);
      for (int i = 0; i < texts.size(); i++) {
        assertArrayEquals(tok.encode(texts.get(i)), defaults.get(i));
      }
      assertEquals(List.of(), tok.encodeBatch(List.of(), 0, true));
      assertThrows(UnsupportedOperationException.class, () -> defaults.add(new int[0]));
      TinkerException e = assertThrows(TinkerException.class, () -> tok.encodeBatch(texts, -1, true));
      assertEquals(Status.INVALID_ARGUMENT, e.code());
    }
  }

  @Test
  void useAfterCloseFailsCleanly() {
    Tokenizer tok = load();
    assertArrayEquals(new int[] {257}, tok.encode("abc", false));
    tok.close();
    tok.close(); // idempotent: freed once
    List<Runnable> calls =
        List.of(
            () -> tok.encode("abc"),
            () -> tok.encodeBatch(List.of("abc")),
            () -> tok.decode(new int[] {97}),
            () -> tok.tokenToId("ab"),
            () -> tok.idToToken(1),
            () -> tok.vocabSize(),
            () -> tok.bosToken(),
            () -> tok.eosTokenId(),
            () -> tok.addedTokens());
    for (Runnable call : calls) {
      TinkerException e = assertThrows(TinkerException.class, call::run);
      assertEquals(Status.FAILED_PRECONDITION, e.code());
    }
  }

  @Test
  void closeWhileOtherThreadsEncodeWaitsForThem() throws Exception {
    Tokenizer tok = load();
    String text = "abc héllo ".repeat(2000);
    int[] expected = tok.encode(text, false);
    int threads = 4;
    CountDownLatch started = new CountDownLatch(threads);
    AtomicInteger succeeded = new AtomicInteger();
    AtomicReference<Throwable> unexpected = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w =
          new Thread(
              () -> {
                started.countDown();
                try {
                  while (true) {
                    assertArrayEquals(expected, tok.encode(text, false));
                    assertEquals(text, tok.decode(expected));
                    succeeded.incrementAndGet();
                  }
                } catch (TinkerException e) {
                  if (e.code() != Status.FAILED_PRECONDITION) {
                    unexpected.set(e);
                  }
                } catch (Throwable e) {
                  unexpected.set(e);
                }
              });
      w.start();
      workers.add(w);
    }
    assertTrue(started.await(30, TimeUnit.SECONDS));
    Thread.sleep(200);
    tok.close();
    for (Thread w : workers) {
      w.join(30_000);
      assertFalse(w.isAlive());
    }
    if (unexpected.get() != null) {
      throw new AssertionError("a call during close failed otherwise than FAILED_PRECONDITION", unexpected.get());
    }
    assertTrue(succeeded.get() > 0);
  }

  @Test
  void loadsAFileOrASnapshotDirectory(@TempDir Path dir) throws IOException {
    Path json = dir.resolve("tokenizer.json");
    Files.writeString(json, tokenizerJson());
    try (Tokenizer tok = Tokenizer.load(json)) {
      assertEquals(Optional.empty(), tok.eosToken(), "the file alone: no tokenizer_config.json read");
      assertArrayEquals(new int[] {258, 257}, tok.encode("abc"));
    }
    Files.writeString(dir.resolve("tokenizer_config.json"), CONFIG);
    try (Tokenizer tok = Tokenizer.load(dir.toString())) {
      assertEquals(Optional.of("</s>"), tok.eosToken(), "the directory: with its config");
      assertEquals(OptionalInt.of(259), tok.eosTokenId());
    }
    TinkerException e = assertThrows(TinkerException.class, () -> Tokenizer.load(dir.resolve("missing.json")));
    assertEquals(Status.NOT_FOUND, e.code());
    assertTrue(e.getMessage().startsWith("Tokenizer.load: "), e.getMessage());
  }

  @Test
  void malformedJsonAndNullArgumentsAreRefused() {
    TinkerException e = assertThrows(TinkerException.class, () -> Tokenizer.fromJson("{\"model\": ", null));
    assertEquals(Status.INVALID_ARGUMENT, e.code());
    assertTrue(e.getMessage().startsWith("Tokenizer.fromJson: "), e.getMessage());
    e = assertThrows(TinkerException.class, () -> Tokenizer.fromJson(tokenizerJson(), "{"));
    assertEquals(Status.INVALID_ARGUMENT, e.code());
    assertEquals("json", assertThrows(NullPointerException.class, () -> Tokenizer.fromJson(null, null)).getMessage());
    assertEquals("path", assertThrows(NullPointerException.class, () -> Tokenizer.load((Path) null)).getMessage());
    assertEquals("path", assertThrows(NullPointerException.class, () -> Tokenizer.load((String) null)).getMessage());
    try (Tokenizer tok = load()) {
      assertEquals("text", assertThrows(NullPointerException.class, () -> tok.encode(null)).getMessage());
      assertEquals("ids", assertThrows(NullPointerException.class, () -> tok.decode(null)).getMessage());
      assertEquals("token", assertThrows(NullPointerException.class, () -> tok.tokenToId(null)).getMessage());
      assertEquals("texts", assertThrows(NullPointerException.class, () -> tok.encodeBatch(null)).getMessage());
      List<String> withNull = new ArrayList<>(List.of("a", "b"));
      withNull.add(null);
      assertEquals("texts[2]", assertThrows(NullPointerException.class, () -> tok.encodeBatch(withNull)).getMessage());
    }
  }

  /** The snippet docs/java.md quotes (section "Tokenizer"). */
  @Test
  void documentedUse(@TempDir Path dir) throws IOException {
    Path path = dir.resolve("tokenizer.json");
    Files.writeString(path, tokenizerJson());
    try (Tokenizer tokenizer = Tokenizer.load(path)) {
      int[] ids = tokenizer.encode("abc abc", false);
      String text = tokenizer.decode(ids);
      List<int[]> many = tokenizer.encodeBatch(List.of("one text", "another"), 0, false);
      System.out.println(ids.length + " ids, back to \"" + text + "\", " + many.size() + " encoded at once");
      assertEquals("abc abc", text);
    }
  }
}
