package dev.libtinker;

import static dev.libtinker.TrainingData.MODEL;
import static dev.libtinker.TrainingData.batch;
import static dev.libtinker.TrainingData.nextToken;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.libtinker.SampleResponse.SampledSequence;
import dev.libtinker.SampleResponse.StopReason;
import dev.libtinker.SampleResponse.TopkEntry;
import dev.libtinker.ServiceClient.SamplingClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * The sampling API against a tinker-emulator (run under tests/with_emulator.sh): sampling clients
 * from the service client (S5), sample (P1), compute_logprobs (P2), get_base_model (P3).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SamplingClientTest extends EmulatorTest {
  private static final String TEXT = "the cat sat";
  private static final ModelInput PROMPT = ModelInput.ofTokens(bytes(TEXT));


  /** The byte values of {@code text}: the tiny models' token ids. */
  private static int[] bytes(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    int[] tokens = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      tokens[i] = b[i] & 0xff;
    }
    return tokens;
  }

  private SamplingClient baseModelSampler() {
    return own(service.createSamplingClient(SamplingClientOptions.ofBaseModel(MODEL)));
  }

  /** A trainer one step away from its starting weights, so its checkpoints differ from the base model. */
  private TrainingClient trainedTrainer(long seed) {
    TrainingClient tc =
        own(service.createLoraTrainingClient(MODEL, LoraConfig.builder().rank(8).seed(seed).build()));
    tc.forwardBackward(batch(), "cross_entropy");
    tc.optimStep(AdamParams.withLearningRate(0.05));
    return tc;
  }

  private static void assertSamplers(SamplingClient... clients) {
    String samplers = Emulator.get("/_emulator/samplers");
    for (SamplingClient sc : clients) {
      assertTrue(sc.samplingSessionId().contains(":sample:"), sc.samplingSessionId());
      assertTrue(samplers.contains("\"" + sc.samplingSessionId() + "\""), sc + " in " + samplers);
    }
  }

  private static String invalid(Executable call) {
    TinkerException e = assertThrows(TinkerException.class, call);
    assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
    return e.getMessage();
  }

  // ---- S5: sampling clients from the service client -------------------------------------------

  @Test
  void createSamplingClientOnABaseModelBlockingAndAsync() throws Exception {
    SamplingClient blocking = baseModelSampler();
    SamplingClient async =
        own(service.createSamplingClientAsync(
                SamplingClientOptions.ofBaseModel(MODEL).withRetry(RetryConfig.builder().maxConnections(8).build()))
            .get(60, TimeUnit.SECONDS));
    assertNotEquals(blocking.samplingSessionId(), async.samplingSessionId());
    assertSamplers(blocking, async);
    assertEquals(MODEL, blocking.getBaseModel());
    assertEquals(MODEL, async.getBaseModelAsync().get(60, TimeUnit.SECONDS));
    assertEquals(1, blocking.sample(PROMPT, 1, SamplingParams.withMaxTokens(3)).sequences().size());
  }

  @Test
  void createSamplingClientFromASamplerCheckpointBlockingAndAsync() throws Exception {
    TrainingClient tc = trainedTrainer(51);
    String path = tc.saveWeightsForSampler("java-sampling").path();
    SamplingClient blocking = own(service.createSamplingClient(SamplingClientOptions.ofModelPath(path)));
    SamplingClient async =
        own(service.createSamplingClientAsync(SamplingClientOptions.ofModelPath(path)).get(60, TimeUnit.SECONDS));
    SamplingClient both =
        own(service.createSamplingClient(
            SamplingClientOptions.ofModelPath(path).withBaseModel(MODEL).withRetry(RetryConfig.defaults())));
    assertSamplers(blocking, async, both);
    for (SamplingClient sc : List.of(blocking, async, both)) {
      assertEquals(MODEL, sc.getBaseModel(), sc.toString());
    }
    // The checkpoint's weights, not the base model's.
    PromptLogprobs trained = blocking.computeLogprobs(PROMPT);
    assertEquals(trained, async.computeLogprobs(PROMPT));
    assertNotEquals(trained, baseModelSampler().computeLogprobs(PROMPT));
  }

  @Test
  void createSamplingClientRefusesBadOptionsBeforeAnyRequest() {
    int sessions = Emulator.requests("/api/v1/create_sampling_session");
    assertTrue(
        invalid(() -> service.createSamplingClient(SamplingClientOptions.defaults()))
            .startsWith("ServiceClient.createSamplingClient: "));
    assertTrue(
        invalid(() -> service.createSamplingClientAsync(null)).startsWith("ServiceClient.createSamplingClientAsync: "));
    assertEquals(
        "ServiceClient.createSamplingClientAsync: model_path must start with tinker://",
        invalid(() -> service.createSamplingClientAsync(SamplingClientOptions.ofModelPath("/tmp/sampler_weights/x"))));
    assertEquals(
        "ServiceClient.createSamplingClient: model_path must start with tinker://",
        invalid(() -> service.createSamplingClient(SamplingClientOptions.ofModelPath("https://example.com/w"))));
    assertEquals(sessions, Emulator.requests("/api/v1/create_sampling_session"), "nothing sent");
  }

  @Test
  void createSamplingClientOnAnUnknownBaseModelKeepsTheServersWords() {
    TinkerException e =
        assertThrows(
            TinkerException.class,
            () -> service.createSamplingClient(SamplingClientOptions.ofBaseModel("no-such/model")));
    assertTrue(e.code() == Status.REQUEST_FAILED || e.code() == Status.INVALID_ARGUMENT, e.toString());
    assertEquals(TinkerException.Category.USER, e.category(), e.toString());
    assertTrue(e.getMessage().contains("no-such/model"), e.getMessage());
  }

  // ---- P1: sample ---------------------------------------------------------------------------

  @Test
  void sampleBlockingGivesAtMostMaxTokensWithLogprobs() {
    SamplingClient sc = baseModelSampler();
    SampleResponse r = sc.sample(PROMPT, 4, SamplingParams.builder().maxTokens(5).seed(3).build());
    assertEquals(4, r.sequences().size(), r.json());
    for (SampledSequence s : r.sequences()) {
      assertTrue(s.length() <= 5, s.toString());
      if (s.stopReason() == StopReason.LENGTH) {
        assertEquals(5, s.length(), "max_tokens reached");
      }
      assertTrue(s.hasLogprobs(), r.json());
      float[] logprobs = s.logprobs();
      assertEquals(s.length(), logprobs.length);
      for (float lp : logprobs) {
        assertTrue(lp <= 0 && Float.isFinite(lp), "logprob " + lp);
      }
      for (int t : s.tokens()) {
        assertTrue(t >= 0 && t < 256, "token " + t);
      }
    }
    assertTrue(r.promptLogprobs().isEmpty(), "not asked for");
    assertEquals(List.of(), r.topkPromptLogprobs(), "not asked for");
    assertEquals(0, r.promptCacheHitTokens());
    assertTrue(r.json().contains("\"sequences\""), r.json());
  }

  @Test
  void sampleAsyncWithTheDefaultParameters() throws Exception {
    SamplingClient sc = baseModelSampler();
    SampleResponse r = sc.sampleAsync(PROMPT, 2).get(60, TimeUnit.SECONDS);
    assertEquals(2, r.sequences().size(), r.json());
    SampleResponse withNull = sc.sampleAsync(PROMPT, 1, null, false, 0).get(60, TimeUnit.SECONDS);
    assertEquals(1, withNull.sequences().size(), withNull.json());
    assertTrue(withNull.sequences().get(0).length() > 0, withNull.json());
  }

  @Test
  void aSeedReproducesTheSamples() throws Exception {
    SamplingClient sc = baseModelSampler();
    SamplingParams params = SamplingParams.builder().maxTokens(8).seed(42).build();
    List<SampledSequence> first = sc.sample(PROMPT, 3, params).sequences();
    assertEquals(first, sc.sample(PROMPT, 3, params).sequences());
    assertEquals(first, sc.sampleAsync(PROMPT, 3, params).get(60, TimeUnit.SECONDS).sequences());
    boolean anotherSeedDiffers = false;
    for (long seed = 1; seed <= 8 && !anotherSeedDiffers; seed++) {
      anotherSeedDiffers = !first.equals(sc.sample(PROMPT, 3, params.toBuilder().seed(seed).build()).sequences());
    }
    assertTrue(anotherSeedDiffers, "eight other seeds all gave " + first);
  }

  @Test
  void aStopTokenEndsTheSequenceWithIt() {
    SamplingClient sc = baseModelSampler();
    SamplingParams greedy = SamplingParams.builder().temperature(0).maxTokens(8).build();
    SampledSequence free = sc.sample(PROMPT, 1, greedy).sequences().get(0);
    assertEquals(StopReason.LENGTH, free.stopReason(), free.toString());
    int[] tokens = free.tokens();
    assertEquals(8, tokens.length);
    int stop = tokens[2];
    int end = indexOf(tokens, stop) + 1;
    SampledSequence stopped = sc.sample(PROMPT, 1, greedy.toBuilder().stopTokens(stop).build()).sequences().get(0);
    assertEquals(StopReason.STOP, stopped.stopReason(), stopped.toString());
    assertArrayEquals(Arrays.copyOf(tokens, end), stopped.tokens(), "greedy up to the stop token, kept");
  }

  @Test
  void aStopStringEndsTheSequenceWithIt() {
    SamplingClient sc = baseModelSampler();
    SamplingParams greedy = SamplingParams.builder().temperature(0).maxTokens(12).build();
    // A prompt whose greedy continuation has an ASCII byte (a one-byte stop string; NUL excluded).
    for (int last = 'a'; last < 'a' + 256; last++) {
      ModelInput prompt = ModelInput.ofTokens(last % 256);
      int[] tokens = sc.sample(prompt, 1, greedy).sequences().get(0).tokens();
      int ascii = Arrays.stream(tokens).filter(t -> t > 0 && t < 128).findFirst().orElse(-1);
      if (ascii < 0) {
        continue;
      }
      String stop = String.valueOf((char) ascii);
      SampledSequence stopped = sc.sample(prompt, 1, greedy.toBuilder().stopStrings(stop).build()).sequences().get(0);
      assertEquals(StopReason.STOP, stopped.stopReason(), stopped.toString());
      assertArrayEquals(Arrays.copyOf(tokens, indexOf(tokens, ascii) + 1), stopped.tokens());
      return;
    }
    fail("no prompt of one token has an ASCII byte in its greedy continuation");
  }

  private static int indexOf(int[] values, int value) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] == value) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void promptLogprobsAndTopkComeWhenAskedFor() throws Exception {
    SamplingClient sc = baseModelSampler();
    int[] prompt = bytes(TEXT);
    SampleResponse r = sc.sample(PROMPT, 1, SamplingParams.withMaxTokens(2), true, 3);
    PromptLogprobs lp = r.promptLogprobs().orElseThrow();
    assertEquals(prompt.length, lp.size(), r.json());
    assertFalse(lp.isDefined(0), "the first token has nothing before it");
    assertEquals(sc.computeLogprobs(PROMPT), lp, "compute_logprobs gives the same");

    List<List<TopkEntry>> topk = r.topkPromptLogprobs();
    assertEquals(prompt.length, topk.size(), r.json());
    assertEquals(List.of(), topk.get(0), "no data at the first position");
    for (int p = 1; p < prompt.length; p++) {
      List<TopkEntry> entries = topk.get(p);
      assertTrue(entries.size() >= 1 && entries.size() <= 3, entries.toString());
      for (int k = 1; k < entries.size(); k++) {
        assertTrue(entries.get(k - 1).logprob() >= entries.get(k).logprob(), "most likely first: " + entries);
      }
      assertTrue(entries.get(0).logprob() >= lp.get(p), "the top token is at least as likely as the prompt's");
      for (TopkEntry e : entries) {
        if (e.token() == prompt[p]) {
          assertEquals(lp.get(p), e.logprob(), "the prompt token's logprob, twice");
        }
      }
    }
    SampleResponse onlyLogprobs =
        sc.sampleAsync(PROMPT, 1, SamplingParams.withMaxTokens(1), true).get(60, TimeUnit.SECONDS);
    assertEquals(lp, onlyLogprobs.promptLogprobs().orElseThrow());
    assertEquals(List.of(), onlyLogprobs.topkPromptLogprobs());
  }

  @Test
  void aThousandConcurrentSamplesAllComplete() throws Exception {
    SamplingClient sc = baseModelSampler();
    SamplingParams params = SamplingParams.builder().maxTokens(4).seed(9).build();
    int before = Emulator.requests("/api/v1/asample");
    List<TinkerFuture<SampleResponse>> futures = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      futures.add(sc.sampleAsync(PROMPT, 1, params));
    }
    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(150, TimeUnit.SECONDS);
    List<SampledSequence> expected = futures.get(0).join().sequences();
    for (TinkerFuture<SampleResponse> f : futures) {
      List<SampledSequence> got = f.join().sequences();
      assertEquals(1, got.size());
      assertTrue(got.get(0).length() <= 4, got.toString());
      assertEquals(expected, got, "one seed, one answer");
    }
    assertTrue(Emulator.requests("/api/v1/asample") - before >= 1000, "every sample was sent");
  }

  @Test
  void cancellingASampleEndsItsFuture() throws Exception {
    SamplingClient sc = baseModelSampler();
    Emulator.post("/_emulator/config", "{\"sample_delay_ms\": 5000}");
    try {
      TinkerFuture<SampleResponse> f = sc.sampleAsync(PROMPT, 1);
      assertTrue(f.cancel(true));
      assertTrue(f.isCancelled());
      assertThrows(CancellationException.class, () -> f.get(10, TimeUnit.SECONDS));
    } finally {
      Emulator.post("/_emulator/config", "{\"sample_delay_ms\": 0}");
    }
  }

  // ---- P2: compute_logprobs, P3: get_base_model ------------------------------------------------

  @Test
  void computeLogprobsEqualsForwardsLogprobs() throws Exception {
    TrainingClient tc = trainedTrainer(52);
    String path = tc.saveWeightsForSampler("java-lp").path();
    SamplingClient sc = own(service.createSamplingClient(SamplingClientOptions.ofModelPath(path)));
    float[] forward = tc.forward(List.of(nextToken(TEXT, 1f)), "cross_entropy").logprobs(0);
    PromptLogprobs blocking = sc.computeLogprobs(PROMPT);
    assertEquals(forward.length + 1, blocking.size());
    assertFalse(blocking.isDefined(0), "position 0 has no logprob");
    for (int i = 1; i < blocking.size(); i++) {
      assertEquals(forward[i - 1], blocking.get(i), "position " + i);
    }
    assertEquals(blocking, sc.computeLogprobsAsync(PROMPT).get(60, TimeUnit.SECONDS));
  }

  @Test
  void getBaseModelOfEverySamplingClient() throws Exception {
    TrainingClient tc = trainedTrainer(53);
    SamplingClient fromTrainer = own(tc.saveWeightsAndGetSamplingClient());
    SamplingClient fromBase = baseModelSampler();
    assertEquals(MODEL, fromTrainer.getBaseModel());
    assertEquals(MODEL, fromBase.getBaseModelAsync().get(60, TimeUnit.SECONDS));
    assertEquals(1, fromTrainer.sample(PROMPT, 1, SamplingParams.withMaxTokens(1)).sequences().size());
  }

  // ---- errors ---------------------------------------------------------------------------------

  @Test
  void badArgumentsAreRefusedByNameBeforeAnythingIsSent() {
    SamplingClient sc = baseModelSampler();
    int samples = Emulator.requests("/api/v1/asample");
    assertEquals("prompt", assertThrows(NullPointerException.class, () -> sc.sample(null, 1)).getMessage());
    assertEquals(
        "SamplingClient.sampleAsync: num_samples must be >= 1, got 0", invalid(() -> sc.sampleAsync(PROMPT, 0)));
    assertEquals(
        "SamplingClient.sample: topk_prompt_logprobs must be >= 0, got -1",
        invalid(() -> sc.sample(PROMPT, 1, null, true, -1)));
    assertEquals("prompt", assertThrows(NullPointerException.class, () -> sc.computeLogprobsAsync(null)).getMessage());
    assertEquals("prompt", assertThrows(NullPointerException.class, () -> sc.computeLogprobs(null)).getMessage());
    invalid(() -> sc.sample(ModelInput.ofTokens(1L, 1L << 40), 1));
    assertTrue(
        invalid(() -> sc.sample(PROMPT, 1, SamplingParams.builder().temperature(-1).build()))
            .startsWith("SamplingParams.Builder.temperature: "));
    assertEquals(samples, Emulator.requests("/api/v1/asample"), "nothing sent");
  }

  @Test
  void anUnknownSamplerIsNotFound() throws Exception {
    SamplingClient sc = baseModelSampler();
    // What the emulator answers for a sampling session it does not know, three times.
    Emulator.post(
        "/_emulator/faults", "{\"path\": \"/api/v1/asample\", \"action\": \"status\", \"status\": 404, \"count\": 3}");
    try {
      TinkerException e = assertThrows(TinkerException.class, () -> sc.sample(PROMPT, 1));
      assertEquals(Status.NOT_FOUND, e.code(), e.toString());
      assertEquals(404, e.httpStatus(), e.toString());
      assertEquals(Status.NOT_FOUND, failure(sc.sampleAsync(PROMPT, 1)).code());
      assertEquals(Status.NOT_FOUND, assertThrows(TinkerException.class, () -> sc.computeLogprobs(PROMPT)).code());
    } finally {
      Emulator.delete("/_emulator/faults");
    }
  }

  /** The emulator refuses a bad sample request at once (HTTP 400), unlike a bad forward pass. */
  @Test
  void aPromptTheServerRefusesKeepsTheServersWords() throws Exception {
    SamplingClient sc = baseModelSampler();
    ModelInput outsideTheVocabulary = ModelInput.ofTokens(1, 2, 300);
    TinkerException e = assertThrows(TinkerException.class, () -> sc.sample(outsideTheVocabulary, 1));
    assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
    assertEquals(400, e.httpStatus(), "judged by the server: " + e);
    assertEquals(TinkerException.Category.USER, e.category(), e.toString());
    assertFalse(e.isRetryable(), e.toString());
    assertTrue(e.getMessage().contains("outside the vocabulary"), e.getMessage());
    assertEquals(400, failure(sc.computeLogprobsAsync(outsideTheVocabulary)).httpStatus());
  }

  @Test
  void aClosedSamplingClientRefusesOperations() {
    SamplingClient sc = service.createSamplingClient(SamplingClientOptions.ofBaseModel(MODEL));
    String id = sc.samplingSessionId();
    sc.close();
    sc.close();
    assertEquals(id, sc.samplingSessionId());
    TinkerException e = assertThrows(TinkerException.class, () -> sc.sample(PROMPT, 1));
    assertEquals(Status.FAILED_PRECONDITION, e.code(), e.toString());
  }

  @Test
  void samplingClientsOutliveTheirServiceClient() throws Exception {
    SamplingClient sc = baseModelSampler();
    TinkerFuture<SampleResponse> pending = sc.sampleAsync(PROMPT, 1);
    service.close();
    assertEquals(1, pending.get(60, TimeUnit.SECONDS).sequences().size(), "the pending sample completes");
    assertEquals(1, sc.sample(PROMPT, 1).sequences().size());
    assertEquals(MODEL, sc.getBaseModel());
  }
}
