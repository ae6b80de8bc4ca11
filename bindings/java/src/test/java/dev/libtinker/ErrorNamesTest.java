package dev.libtinker;

import static dev.libtinker.TrainingData.MODEL;
import static dev.libtinker.TrainingData.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * libtinker's errors name the C function that failed; the Java layer's name the method the caller
 * called (CFunctionNames, generated from the registry). Against a tinker-emulator.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ErrorNamesTest {
  private ServiceClient service;
  private TrainingClient tc;

  @BeforeEach
  void connect() {
    service = Emulator.connect();
    tc = service.createLoraTrainingClient(MODEL, LoraConfig.withRank(4));
  }

  @AfterEach
  void close() {
    if (tc != null) {
      tc.close();
    }
    if (service != null) {
      service.close();
    }
  }

  private static String invalid(Executable call) {
    TinkerException e = assertThrows(TinkerException.class, call);
    assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
    return e.getMessage();
  }

  @Test
  void theAsyncAndTheBlockingFormNameThemselves() {
    assertEquals(
        "TrainingClient.saveStateAsync: name must be non-empty and contain no '/'", invalid(() -> tc.saveStateAsync("")));
    assertEquals("TrainingClient.saveState: name must be non-empty and contain no '/'", invalid(() -> tc.saveState("")));
    assertEquals(
        "TrainingClient.saveWeightsForSampler: name must be non-empty and contain no '/'",
        invalid(() -> tc.saveWeightsForSampler("a/b")));
    // A null argument is Java's own refusal, naming the parameter (NullArgumentsTest).
    assertEquals("data", assertThrows(NullPointerException.class, () -> tc.forwardAsync(null, "cross_entropy")).getMessage());
    assertEquals("lossFn", assertThrows(NullPointerException.class, () -> tc.forwardBackward(batch(), null)).getMessage());
    assertEquals(
        "ServiceClient.createTrainingClientFromStateWithOptimizerAsync: path must start with tinker://",
        invalid(() -> service.createTrainingClientFromStateWithOptimizerAsync("/tmp/weights")));
    assertEquals(
        "baseModel", assertThrows(NullPointerException.class, () -> service.createLoraTrainingClient(null)).getMessage());
    assertEquals(
        "step", assertThrows(NullPointerException.class, () -> tc.forwardBackwardCustomFinish(null)).getMessage());
    assertEquals(0, Emulator.forwardBackwardRequests(tc.modelId()), "nothing sent");
  }

  @Test
  void aNegativeTimeToLiveIsRefusedByName() {
    assertTrue(
        invalid(() -> tc.saveState("x", Duration.ofMillis(-500), false))
            .startsWith("TrainingClient.saveState: ttl_seconds must be >= 0"));
    assertTrue(
        invalid(() -> tc.saveWeightsForSamplerAsync("x", Duration.ofSeconds(-1)))
            .startsWith("TrainingClient.saveWeightsForSamplerAsync: ttl_seconds must be >= 0"));
  }

  @Test
  void builderValuesAreNamedByTheirBuilderMethod() {
    assertEquals(
        "AdamParams.Builder.beta1: value must be in [0, 1), got 1", invalid(() -> AdamParams.builder().beta1(1).build()));
    assertEquals("LoraConfig.Builder.rank: rank must be > 0, got 0", invalid(() -> LoraConfig.withRank(0)));
    assertTrue(
        invalid(() -> RetryConfig.builder().jitterFactor(2).build()).startsWith("RetryConfig.Builder.jitterFactor: factor "));
    assertTrue(
        invalid(() -> RetryConfig.builder().retryLogic(false).maxConnections(0).build())
            .startsWith("RetryConfig.Builder.maxConnections: "));
  }

  @Test
  void forwardBackwardCustomNamesItselfForItsPhasesFailures() {
    Datum withAdvantages =
        Datum.builder(ModelInput.ofTokens(1, 2))
            .put("target_tokens", TensorData.ofInt64(new long[] {2, 3}))
            .put("advantages", TensorData.ofFloat32(new float[] {1, 1}))
            .build();
    CustomLossFunction never =
        (data, logprobs) -> {
          throw new AssertionError("not called");
        };
    List<Datum> bad = List.of(withAdvantages);
    assertTrue(
        invalid(() -> tc.forwardBackwardCustom(bad, never)).startsWith("TrainingClient.forwardBackwardCustom: "));
    assertTrue(
        invalid(() -> tc.forwardBackwardCustomAsync(bad, never))
            .startsWith("TrainingClient.forwardBackwardCustomAsync: "));
    assertTrue(
        invalid(() -> tc.forwardBackwardCustomBegin(bad)).startsWith("TrainingClient.forwardBackwardCustomBegin: "));
  }

  @Test
  void messagesOfOtherFunctionsKeepTheirCName() {
    Datum floatTargets =
        Datum.builder(ModelInput.ofTokens(1, 2)).put("target_tokens", TensorData.ofFloat32(new float[] {2, 3})).build();
    String m = invalid(() -> tc.forward(List.of(floatTargets), "cross_entropy"));
    assertTrue(m.startsWith("datum 0: loss_fn_inputs[\"target_tokens\"]: tinker_datum_add_tensor_float32: "), m);
  }
}
