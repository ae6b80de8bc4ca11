package dev.libtinker;

import static dev.libtinker.TrainingData.MODEL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.libtinker.SampleResponse.SampledSequence;
import dev.libtinker.ServiceClient.SamplingClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * get_tokenizer (T13 on the training client, P4 on the sampling client) against the emulator,
 * which serves a Hugging Face Hub at its own base URL: the byte tokenizer of its models (token id =
 * byte value). The Hub cache is a fresh directory per test.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GetTokenizerTest extends EmulatorTest {
  private static final String TEXT = "the cat sat on the mat, é \uD83D\uDE00";

  @TempDir Path cache;

  /** The emulator's Hub, a fresh cache, and a user of the test's own. */
  private ServiceClient.Builder hubClient() {
    return Emulator.builderAs("tml-java-tok-" + UUID.randomUUID())
        .hubEndpoint(System.getenv("TINKER_BASE_URL"))
        .hubCacheDir(cache);
  }

  @Override
  protected ServiceClient connectService() {
    return hubClient().build();
  }

  private static int[] bytes(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      ids[i] = b[i] & 0xff;
    }
    return ids;
  }

  private static void assertByteTokenizer(Tokenizer tok) {
    assertEquals(256, tok.vocabSize());
    int[] ids = tok.encode(TEXT);
    assertArrayEquals(bytes(TEXT), ids, "one token per byte, nothing added");
    assertEquals(TEXT, tok.decode(ids));
  }

  @Test
  void trainingClientGetTokenizerBlockingAndAsync() throws Exception {
    TrainingClient tc = own(service.createLoraTrainingClient(MODEL));
    try (Tokenizer tok = tc.getTokenizer()) {
      assertByteTokenizer(tok);
    }
    try (Tokenizer tok = tc.getTokenizerAsync().get(60, TimeUnit.SECONDS)) {
      assertByteTokenizer(tok);
    }
    try (Stream<Path> files = Files.walk(cache)) {
      assertTrue(files.anyMatch(p -> p.getFileName().toString().equals("tokenizer.json")), "fetched into the cache");
    }
  }

  @Test
  void samplingClientGetTokenizerDecodesSampledTokens() throws Exception {
    SamplingClient sc = own(service.createSamplingClient(SamplingClientOptions.ofBaseModel(MODEL)));
    try (Tokenizer blocking = sc.getTokenizer();
        Tokenizer tok = sc.getTokenizerAsync().get(60, TimeUnit.SECONDS)) {
      assertByteTokenizer(blocking);
      assertByteTokenizer(tok);
      ModelInput prompt = ModelInput.ofTokens(tok.encode("the cat", false));
      SampleResponse r = sc.sample(prompt, 3, SamplingParams.builder().maxTokens(12).seed(5).build());
      for (SampledSequence s : r.sequences()) {
        int[] tokens = s.tokens();
        byte[] raw = new byte[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
          raw[i] = (byte) tokens[i];
        }
        String text = tok.decode(tokens);
        String utf8 = new String(raw, StandardCharsets.UTF_8);
        if (utf8.indexOf('\uFFFD') < 0) {
          // Whole UTF-8: the text is those bytes, and encodes back to the same tokens.
          assertEquals(utf8, text);
          assertArrayEquals(tokens, tok.encode(text, false));
        } else {
          assertTrue(text.indexOf('\uFFFD') >= 0, "bytes that are no UTF-8 decode to U+FFFD: " + text);
        }
      }
    }
  }

  @Test
  void aTokenizerOutlivesItsClients() {
    SamplingClient sc = service.createSamplingClient(SamplingClientOptions.ofBaseModel(MODEL));
    Tokenizer tok = sc.getTokenizer();
    sc.close();
    service.close();
    try (tok) {
      assertByteTokenizer(tok);
    }
  }

  @Test
  void offlineWithAnEmptyCacheIsUnavailable(@TempDir Path empty) throws Exception {
    try (ServiceClient offline = hubClient().hubCacheDir(empty).hubOffline(true).build();
        TrainingClient tc = offline.createLoraTrainingClient(MODEL)) {
      TinkerException e = assertThrows(TinkerException.class, tc::getTokenizer);
      assertEquals(Status.UNAVAILABLE, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("offline"), e.getMessage());
      TinkerException async = failure(tc.getTokenizerAsync());
      assertEquals(Status.UNAVAILABLE, async.code());
    }
    // Once fetched online, the same cache serves offline.
    try (SamplingClient sc = service.createSamplingClient(SamplingClientOptions.ofBaseModel(MODEL));
        Tokenizer tok = sc.getTokenizer()) {
      assertByteTokenizer(tok);
    }
    try (ServiceClient offline = hubClient().hubOffline(true).build();
        SamplingClient sc = offline.createSamplingClient(SamplingClientOptions.ofBaseModel(MODEL));
        Tokenizer tok = sc.getTokenizer()) {
      assertByteTokenizer(tok);
    }
  }

  @Test
  void aClosedClientFailsAsItsOtherCallsDo() {
    TrainingClient tc = service.createLoraTrainingClient(MODEL);
    SamplingClient sc = service.createSamplingClient(SamplingClientOptions.ofBaseModel(MODEL));
    tc.close();
    sc.close();
    for (Runnable call :
        new Runnable[] {tc::getTokenizer, tc::getTokenizerAsync, sc::getTokenizer, sc::getTokenizerAsync}) {
      TinkerException e = assertThrows(TinkerException.class, call::run);
      assertEquals(Status.FAILED_PRECONDITION, e.code());
      assertEquals(
          e.code(), assertThrows(TinkerException.class, tc::getInfo).code(), "as the client's other calls");
    }
  }

  @Test
  void hubOptionsAreCheckedByBuild() {
    TinkerException e =
        assertThrows(TinkerException.class, () -> ServiceClient.builder().hubEndpoint("ftp://example").build());
    assertEquals(Status.INVALID_ARGUMENT, e.code());
    e = assertThrows(TinkerException.class, () -> ServiceClient.builder().hubCacheDir(Path.of("")).build());
    assertEquals(Status.INVALID_ARGUMENT, e.code());
    e = assertThrows(TinkerException.class, () -> ServiceClient.builder().hubToken("bad\ntoken").build());
    assertEquals(Status.INVALID_ARGUMENT, e.code());
    assertFalse(e.getMessage().contains("bad\ntoken"), "the token never appears in a message");
    assertEquals("url", assertThrows(NullPointerException.class, () -> ServiceClient.builder().hubEndpoint(null)).getMessage());
    assertEquals("token", assertThrows(NullPointerException.class, () -> ServiceClient.builder().hubToken(null)).getMessage());
    assertEquals("path", assertThrows(NullPointerException.class, () -> ServiceClient.builder().hubCacheDir(null)).getMessage());
  }

  /** The snippet docs/java.md quotes (section "7. Tokenizers"). */
  @Test
  void documentedUse() {
    try (SamplingClient sampler = service.createSamplingClient(SamplingClientOptions.ofBaseModel(MODEL));
        Tokenizer tokenizer = sampler.getTokenizer()) {
      ModelInput prompt = ModelInput.ofTokens(tokenizer.encode("the cat", false));
      SampleResponse r = sampler.sample(prompt, 1, SamplingParams.withMaxTokens(8));
      String completion = tokenizer.decode(r.sequences().get(0).tokens(), true);
      System.out.println("the cat" + completion);
    }
  }
}
