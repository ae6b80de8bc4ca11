package dev.libtinker;

import static dev.libtinker.TrainingData.MODEL;
import static dev.libtinker.TrainingData.batch;
import static dev.libtinker.TrainingData.maxDifference;
import static dev.libtinker.TrainingData.nextToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The training API against a tinker-emulator (run under tests/with_emulator.sh). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TrainingClientTest extends EmulatorTest {

  private TrainingClient newTrainer(long seed) {
    return own(service.createLoraTrainingClient(MODEL, LoraConfig.builder().rank(8).seed(seed).build()));
  }

  private static double meanLoss(ForwardBackwardOutput out, List<Datum> data) {
    return out.metric("loss:sum") / TrainingData.totalWeight(data);
  }

  @Test
  void lossFallsOverTwentyPipelinedSteps() {
    TrainingClient tc = newTrainer(1);
    List<Datum> data = batch();
    AdamParams adam = AdamParams.withLearningRate(0.05);
    double first = Double.NaN;
    double last = Double.NaN;
    for (int step = 0; step < 20; step++) {
      TinkerFuture<ForwardBackwardOutput> fb = tc.forwardBackwardAsync(data, "cross_entropy");
      TinkerFuture<OptimStepResult> opt = tc.optimStepAsync(adam); // submitted before either is awaited
      double loss = meanLoss(fb.join(), data);
      assertTrue(opt.join().metrics().get("grad_norm:mean") > 0, "step " + step);
      if (step == 0) {
        first = loss;
      }
      last = loss;
    }
    assertTrue(last < 0.5 * first, "loss fell from " + first + " to " + last + " only");
  }

  @Test
  void createGetInfoAndModelIdAgree() throws Exception {
    TrainingClient blocking = newTrainer(2);
    TrainingClient async =
        own(service.createLoraTrainingClientAsync(MODEL, LoraConfig.withRank(4), Map.of("purpose", "java-test"))
            .get(60, TimeUnit.SECONDS));
    assertNotEquals(blocking.modelId(), async.modelId());

    ModelInfo info = blocking.getInfo();
    assertEquals(blocking.modelId(), info.modelId());
    assertEquals(MODEL, info.baseModel());
    assertTrue(info.isLora());
    assertEquals(8, info.loraRank());
    assertFalse(info.tokenizerId().isEmpty());
    assertTrue(info.json().contains(blocking.modelId()), info.json());

    ModelInfo asyncInfo = async.getInfoAsync().get(60, TimeUnit.SECONDS);
    assertEquals(async.modelId(), asyncInfo.modelId());
    assertEquals(4, asyncInfo.loraRank());
    assertTrue(Emulator.get("/_emulator/models").contains("\"purpose\":\"java-test\""), "user metadata sent");
  }

  @Test
  void forwardGivesCrossEntropyLogprobsAndLeavesTheModelUnchanged() throws Exception {
    TrainingClient tc = newTrainer(3);
    float[] weights = {1, 0, 2, 0.5f, 1, 1, 1, 1, 3, 1, 1};
    List<Datum> data = List.of(nextToken("hello world!", weights), nextToken("tiny model", 1f));
    ForwardBackwardOutput out = tc.forward(data, "cross_entropy");
    assertEquals(2, out.numDatums());
    assertEquals("ArrayRecord", out.lossFnOutputType());
    double expected = 0;
    for (int i = 0; i < 2; i++) {
      float[] lp = out.logprobs(i);
      float[] w = data.get(i).lossFnInputs().get("weights").float32();
      assertEquals(w.length, lp.length);
      TensorData t = out.lossFnOutputs().get(i).get("logprobs");
      assertEquals(TensorData.DType.FLOAT32, t.dtype());
      assertEquals(lp.length, t.shape()[0]);
      for (int j = 0; j < lp.length; j++) {
        assertTrue(lp[j] < 0, "logprob " + lp[j]);
        expected -= w[j] * lp[j];
      }
    }
    assertEquals(expected, out.metric("loss:sum"), 1e-4 * expected, "loss:sum = Σ −w·logprob");
    ForwardBackwardOutput again = tc.forwardAsync(data, "cross_entropy").get(60, TimeUnit.SECONDS);
    assertEquals(0f, maxDifference(out, again), "forward accumulates nothing");
  }

  @Test
  void forwardBackwardBlockingThenOptimStepBlockingChangesTheModel() {
    TrainingClient tc = newTrainer(4);
    List<Datum> data = batch();
    ForwardBackwardOutput before = tc.forwardBackward(data, "cross_entropy");
    OptimStepResult r = tc.optimStep(AdamParams.withLearningRate(0.05));
    assertTrue(r.metrics().get("grad_norm:mean") > 0, r.json());
    assertEquals(0.05, r.metrics().get("learning_rate:mean"), 1e-9, r.json());
    assertTrue(maxDifference(before, tc.forward(data, "cross_entropy")) > 1e-4);
  }

  /** Trains one step so the state to save differs from a fresh run's. */
  private static void trainOneStep(TrainingClient tc, List<Datum> data) {
    tc.forwardBackward(data, "cross_entropy");
    tc.optimStep(AdamParams.withLearningRate(0.05));
  }

  @Test
  void savedStateRestoresIdenticalForwardOutputWithAndWithoutOptimizer() throws Exception {
    TrainingClient tc = newTrainer(5);
    List<Datum> data = batch();
    trainOneStep(tc, data);
    SaveResult saved = tc.saveState("java-state");
    assertTrue(saved.path().startsWith("tinker://") && saved.path().endsWith("/weights/java-state"), saved.path());
    assertEquals("", saved.samplingSessionId(), "a training checkpoint has no sampling session");
    assertEquals(saved.path(), tc.saveStateAsync("java-state", Duration.ofHours(1), true).get(60, TimeUnit.SECONDS).path());
    ForwardBackwardOutput reference = tc.forward(data, "cross_entropy");

    TrainingClient weightsOnly = own(service.createTrainingClientFromState(saved.path()));
    TrainingClient weightsOnlyAsync =
        own(service.createTrainingClientFromStateAsync(saved.path(), ServiceClient.FromStateOptions.defaults())
            .get(60, TimeUnit.SECONDS));
    TrainingClient withOptimizer = own(service.createTrainingClientFromStateWithOptimizer(saved.path()));
    TrainingClient withOptimizerAsync =
        own(service.createTrainingClientFromStateWithOptimizerAsync(saved.path()).get(60, TimeUnit.SECONDS));
    for (TrainingClient restored : List.of(weightsOnly, weightsOnlyAsync, withOptimizer, withOptimizerAsync)) {
      assertNotEquals(tc.modelId(), restored.modelId());
      assertEquals(0f, maxDifference(reference, restored.forward(data, "cross_entropy")), restored.modelId());
    }

    // One more identical step: only the runs that kept Adam's state stay identical to the original.
    trainOneStep(tc, data);
    trainOneStep(withOptimizer, data);
    trainOneStep(weightsOnly, data);
    ForwardBackwardOutput next = tc.forward(data, "cross_entropy");
    assertTrue(maxDifference(next, withOptimizer.forward(data, "cross_entropy")) <= 1e-6);
    assertTrue(maxDifference(next, weightsOnly.forward(data, "cross_entropy")) > 1e-5, "Adam restarted");
  }

  @Test
  void loadStateBlockingAndAsyncReplaceTheWeights() throws Exception {
    TrainingClient tc = newTrainer(6);
    List<Datum> data = batch();
    trainOneStep(tc, data);
    String path = tc.saveStateAsync("java-load").get(60, TimeUnit.SECONDS).path();
    ForwardBackwardOutput reference = tc.forward(data, "cross_entropy");

    TrainingClient a = newTrainer(7);
    assertTrue(maxDifference(reference, a.forward(data, "cross_entropy")) > 1e-4, "different before loading");
    LoadResult loaded = a.loadState(path);
    assertEquals(path, loaded.path(), loaded.json());
    assertEquals(a.modelId(), loaded.modelId(), loaded.json());
    assertEquals(0f, maxDifference(reference, a.forward(data, "cross_entropy")));

    TrainingClient b = newTrainer(8);
    b.loadStateAsync(path).get(60, TimeUnit.SECONDS);
    assertEquals(0f, maxDifference(reference, b.forward(data, "cross_entropy")));

    TrainingClient c = newTrainer(9);
    assertEquals(c.modelId(), c.loadStateWithOptimizer(path).modelId());
    TrainingClient d = newTrainer(10);
    d.loadStateWithOptimizerAsync(path, null).get(60, TimeUnit.SECONDS);
    trainOneStep(tc, data);
    trainOneStep(c, data);
    trainOneStep(d, data);
    ForwardBackwardOutput next = tc.forward(data, "cross_entropy");
    assertTrue(maxDifference(next, c.forward(data, "cross_entropy")) <= 1e-6);
    assertTrue(maxDifference(next, d.forward(data, "cross_entropy")) <= 1e-6);
  }

  @Test
  void saveWeightsForSamplerGivesASamplerPathForASamplingClient() throws Exception {
    TrainingClient tc = newTrainer(11);
    SaveResult blocking = tc.saveWeightsForSampler("java-sampler");
    SaveResult async = tc.saveWeightsForSamplerAsync("java-sampler-2", Duration.ofHours(1)).get(60, TimeUnit.SECONDS);
    assertEquals("tinker://" + tc.modelId() + "/sampler_weights/java-sampler", blocking.path());
    assertEquals("tinker://" + tc.modelId() + "/sampler_weights/java-sampler-2", async.path());
    assertEquals("", blocking.samplingSessionId(), "named sampler saves make no sampling session");

    SamplingClient sc = own(tc.createSamplingClient(blocking.path()));
    assertFalse(sc.samplingSessionId().isEmpty());
    SamplingClient sc2 = own(tc.createSamplingClientAsync(async.path()).get(60, TimeUnit.SECONDS));
    assertNotEquals(sc.samplingSessionId(), sc2.samplingSessionId());
  }

  /** P3: the sampler's base model, blocking and async; a sampler the server does not know is NOT_FOUND. */
  @Test
  void getBaseModelAsksTheServer() throws Exception {
    SamplingClient sc = own(newTrainer(12).saveWeightsAndGetSamplingClient());
    assertEquals(MODEL, sc.getBaseModel());
    assertEquals(MODEL, sc.getBaseModelAsync().get(60, TimeUnit.SECONDS));
    Emulator.post("/_emulator/faults",
        "{\"path\": \"/api/v1/samplers/" + sc.samplingSessionId() + "\", \"action\": \"status\", \"status\": 404}");
    assertEquals(Status.NOT_FOUND, assertThrows(TinkerException.class, sc::getBaseModel).code());
  }

  @Test
  void timeToLiveIsSentInWholeSecondsRoundedUp() {
    TrainingClient tc = newTrainer(22);
    String forever = tc.saveState("java-ttl-none").path();
    String rounded = tc.saveState("java-ttl", Duration.ofMillis(1500), false).path();
    String sampler = tc.saveWeightsForSampler("java-ttl-sampler", Duration.ofSeconds(60)).path();
    String checkpoints = Emulator.get("/_emulator/checkpoints");
    assertEquals(-1, lifetime(checkpoints, forever), "no ttl: never expires");
    assertEquals(2, lifetime(checkpoints, rounded), checkpoints);
    assertEquals(60, lifetime(checkpoints, sampler), checkpoints);
  }

  /** expires_unix - created_unix of checkpoint {@code path} in /_emulator/checkpoints; -1 for none. */
  private static long lifetime(String checkpoints, String path) {
    Matcher entry = Pattern.compile("\\{[^{}]*\"tinker_path\"\\s*:\\s*\"" + Pattern.quote(path) + "\"[^{}]*\\}")
        .matcher(checkpoints);
    assertTrue(entry.find(), path + " in " + checkpoints);
    Matcher created = Pattern.compile("\"created_unix\"\\s*:\\s*([0-9.eE+]+)").matcher(entry.group());
    Matcher expires = Pattern.compile("\"expires_unix\"\\s*:\\s*([0-9.eE+]+)").matcher(entry.group());
    assertTrue(created.find(), entry.group());
    if (!expires.find()) {
      return -1;
    }
    return Math.round(Double.parseDouble(expires.group(1)) - Double.parseDouble(created.group(1)));
  }

  @Test
  void createSamplingClientNeedsATinkerPathAndSendsNothingOtherwise() {
    TrainingClient tc = newTrainer(12);
    for (String bad : List.of("/tmp/sampler_weights/x", "https://example.com/w")) {
      TinkerException e = assertThrows(TinkerException.class, () -> tc.createSamplingClient(bad));
      assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
      e = assertThrows(TinkerException.class, () -> tc.createSamplingClientAsync(bad), "thrown by the call");
      assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
    }
  }

  @Test
  void saveWeightsAndGetSamplingClientGivesASamplingSession() throws Exception {
    TrainingClient tc = newTrainer(13);
    SamplingClient blocking = own(tc.saveWeightsAndGetSamplingClient());
    SamplingClient async = own(tc.saveWeightsAndGetSamplingClientAsync().get(60, TimeUnit.SECONDS));
    assertTrue(blocking.samplingSessionId().contains(":sample:"), blocking.samplingSessionId());
    assertNotEquals(blocking.samplingSessionId(), async.samplingSessionId());
    String samplers = Emulator.get("/_emulator/samplers");
    assertTrue(samplers.contains("\"" + blocking.samplingSessionId() + "\""), samplers);
    assertTrue(samplers.contains("\"" + async.samplingSessionId() + "\""), samplers);
  }

  @Test
  void samplingClientsTakeRetrySettings() throws Exception {
    TrainingClient tc = newTrainer(20);
    RetryConfig retry =
        RetryConfig.builder()
            .maxConnections(4)
            .progressTimeout(Duration.ofMinutes(5))
            .retryDelayBase(Duration.ofMillis(100))
            .retryDelayMax(Duration.ofSeconds(2))
            .jitterFactor(0)
            .retryLogic(false)
            .stuckDetection(false)
            .build();
    String path = tc.saveWeightsForSampler("java-retry").path();
    List<SamplingClient> clients =
        List.of(
            own(tc.createSamplingClient(path, retry)),
            own(tc.createSamplingClientAsync(path, retry).get(60, TimeUnit.SECONDS)),
            own(tc.createSamplingClient(path, null)),
            own(tc.saveWeightsAndGetSamplingClient(retry)),
            own(tc.saveWeightsAndGetSamplingClientAsync(RetryConfig.defaults()).get(60, TimeUnit.SECONDS)));
    String samplers = Emulator.get("/_emulator/samplers");
    for (SamplingClient sc : clients) {
      assertTrue(samplers.contains("\"" + sc.samplingSessionId() + "\""), sc + " in " + samplers);
    }
  }

  @Test
  void outOfRangeRetrySettingsFailBeforeAnyRequest() {
    TrainingClient tc = newTrainer(21);
    String path = tc.saveWeightsForSampler("java-retry-bad").path();
    int sessions = Emulator.requests("/api/v1/create_sampling_session");
    int saves = Emulator.requests("/api/v1/save_weights_for_sampler", tc.modelId());
    assertEquals(1, saves);
    List<java.util.function.Supplier<RetryConfig>> bad =
        List.of(
            () -> RetryConfig.builder().jitterFactor(2).build(),
            () -> RetryConfig.builder().progressTimeout(Duration.ZERO).build());
    for (java.util.function.Supplier<RetryConfig> retry : bad) {
      for (Runnable call :
          List.<Runnable>of(
              () -> tc.createSamplingClient(path, retry.get()),
              () -> tc.createSamplingClientAsync(path, retry.get()),
              () -> tc.saveWeightsAndGetSamplingClient(retry.get()),
              () -> tc.saveWeightsAndGetSamplingClientAsync(retry.get()))) {
        TinkerException e = assertThrows(TinkerException.class, call::run);
        assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
        assertTrue(e.getMessage().startsWith("RetryConfig.Builder."), e.getMessage());
      }
    }
    assertEquals(sessions, Emulator.requests("/api/v1/create_sampling_session"), "no sampling session requested");
    assertEquals(saves, Emulator.requests("/api/v1/save_weights_for_sampler", tc.modelId()), "nothing saved");
  }

  @Test
  void unloadedModelsAnswerNotFound() throws Exception {
    TrainingClient blocking = newTrainer(14);
    TrainingClient async = newTrainer(15);
    blocking.unloadModel();
    assertEquals(null, async.unloadModelAsync().get(60, TimeUnit.SECONDS));
    for (TrainingClient tc : List.of(blocking, async)) {
      TinkerException e = assertThrows(TinkerException.class, () -> tc.forward(batch(), "cross_entropy"));
      assertEquals(Status.NOT_FOUND, e.code(), e.toString());
      assertTrue(e.getMessage().contains("unloaded"), e.getMessage());
    }
  }

  // ---- failure paths ------------------------------------------------------------------------

  @Test
  void unknownBaseModelIsAUserErrorWithTheServersMessage() {
    TinkerException e =
        assertThrows(TinkerException.class, () -> service.createLoraTrainingClient("no/such-model"));
    assertEquals(Status.REQUEST_FAILED, e.code(), e.toString());
    assertEquals(TinkerException.Category.USER, e.category());
    assertTrue(e.getMessage().contains("base model 'no/such-model' is not supported"), e.getMessage());
    TinkerException async =
        assertThrows(TinkerException.class, () -> service.createLoraTrainingClientAsync("no/such-model").await());
    assertEquals(Status.REQUEST_FAILED, async.code(), async.toString());
  }

  @Test
  void unknownLossFunctionIsAUserErrorWithTheServersMessage() {
    TrainingClient tc = newTrainer(16);
    TinkerException e = assertThrows(TinkerException.class, () -> tc.forwardBackward(batch(), "no_such_loss"));
    assertEquals(Status.REQUEST_FAILED, e.code(), e.toString());
    assertEquals(TinkerException.Category.USER, e.category());
    assertTrue(e.getMessage().contains("unsupported loss_fn 'no_such_loss'"), e.getMessage());
  }

  @Test
  void tokenOutsideTheVocabularyIsAUserErrorWithTheServersMessage() {
    TrainingClient tc = newTrainer(17);
    Datum d =
        Datum.builder(ModelInput.ofTokens(1, 2, 300))
            .put("target_tokens", TensorData.ofInt64(new long[] {2, 3, 4}))
            .put("weights", TensorData.ofFloat32(new float[] {1, 1, 1}))
            .build();
    TinkerException e =
        assertThrows(TinkerException.class, () -> tc.forwardAsync(List.of(d), "cross_entropy").await());
    assertEquals(Status.REQUEST_FAILED, e.code(), e.toString());
    assertEquals(TinkerException.Category.USER, e.category());
    assertTrue(e.getMessage().contains("outside the vocabulary"), e.getMessage());
  }

  @Test
  void lossInputsOfTheWrongDtypeAreRefusedBeforeAnythingIsSent() {
    TrainingClient tc = newTrainer(18);
    Datum floatTargets =
        Datum.builder(ModelInput.ofTokens(1, 2))
            .put("target_tokens", TensorData.ofFloat32(new float[] {2, 3}))
            .build();
    Datum intWeights =
        Datum.builder(ModelInput.ofTokens(1, 2))
            .put("target_tokens", TensorData.ofInt64(new long[] {2, 3}))
            .put("weights", TensorData.ofInt64(new long[] {1, 1}))
            .build();
    for (Datum bad : List.of(floatTargets, intWeights)) {
      List<Datum> data = List.of(nextToken("fine", 1f), bad);
      TinkerException e =
          assertThrows(TinkerException.class, () -> tc.forwardBackwardAsync(data, "cross_entropy"), "thrown by the call");
      assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
      e = assertThrows(TinkerException.class, () -> tc.forward(data, "cross_entropy"));
      assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
    }
    TinkerException e =
        assertThrows(TinkerException.class, () -> tc.optimStep(AdamParams.defaults().toBuilder().beta2(2).build()));
    assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
    assertEquals(0, Emulator.forwardBackwardRequests(tc.modelId()), "nothing sent");
    assertEquals(0, Emulator.requests("/api/v1/optim_step", tc.modelId()), "nothing sent");
  }

  @Test
  void aClosedTrainingClientRefusesOperations() {
    TrainingClient tc = service.createLoraTrainingClient(MODEL, LoraConfig.withRank(2));
    String id = tc.modelId();
    tc.close();
    tc.close();
    assertEquals(id, tc.modelId());
    TinkerException e = assertThrows(TinkerException.class, tc::getInfo);
    assertEquals(Status.FAILED_PRECONDITION, e.code(), e.toString());
  }

  @Test
  void trainingClientsOutliveTheirServiceClient() throws Exception {
    TrainingClient tc = newTrainer(19);
    List<Datum> data = batch();
    TinkerFuture<ForwardBackwardOutput> pending = tc.forwardBackwardAsync(data, "cross_entropy");
    service.close();
    assertTrue(pending.get(60, TimeUnit.SECONDS).metric("loss:sum") > 0, "the pending operation completes");
    assertTrue(tc.optimStep(AdamParams.withLearningRate(0.01)).metrics().get("grad_norm:mean") > 0);
    assertEquals(tc.modelId(), tc.getInfo().modelId());
    try (SamplingClient sc = tc.saveWeightsAndGetSamplingClient()) {
      assertEquals(MODEL, sc.getBaseModel());
    }
    TinkerException e = assertThrows(TinkerException.class, service::healthCheck);
    assertEquals(Status.FAILED_PRECONDITION, e.code(), e.toString());
  }
}
