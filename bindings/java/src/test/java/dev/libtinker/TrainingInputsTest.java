package dev.libtinker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The input values of the training API: what they keep, and libtinker's rules applied to them
 * (these tests need only the native library, no server).
 */
class TrainingInputsTest {
  @Test
  void modelInputLengthCountsEveryChunksTokens() {
    ModelInput input =
        ModelInput.builder()
            .addText(1, 2, 3)
            .addText(4L, 5L)
            .addImage(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, "png", 7)
            .addImageAssetPointer("https://example.com/cat.png", "png", 11)
            .build();
    assertEquals(3 + 2 + 7 + 11, input.length());
    assertEquals(4, input.chunks().size());
    assertArrayEquals(new long[] {4, 5}, ((ModelInput.EncodedText) input.chunks().get(1)).tokens());
  }

  @Test
  void modelInputWithAnImageOfUnknownLengthHasNoLength() {
    ModelInput input = ModelInput.builder().addText(1).addImage(new byte[] {1, 2}, "jpeg", -1).build();
    TinkerException e = assertThrows(TinkerException.class, input::length);
    assertEquals(Status.FAILED_PRECONDITION, e.code(), e.toString());
  }

  @Test
  void anEmptyTextChunkIsInvalid() {
    TinkerException e = assertThrows(TinkerException.class, () -> ModelInput.ofTokens(new int[0]).length());
    assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
  }

  @Test
  void inputsCopyTheCallersArrays() {
    int[] tokens = {1, 2, 3};
    float[] weights = {0.5f, 0.5f};
    ModelInput input = ModelInput.ofTokens(tokens);
    TensorData w = TensorData.ofFloat32(weights);
    tokens[0] = 99;
    weights[0] = 9;
    w.float32()[1] = 9;
    assertArrayEquals(new long[] {1, 2, 3}, ((ModelInput.EncodedText) input.chunks().get(0)).tokens());
    assertArrayEquals(new float[] {0.5f, 0.5f}, w.float32());
  }

  @Test
  void tensorShapeMustHoldTheData() {
    TensorData t = TensorData.ofInt64(new long[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertArrayEquals(new long[] {2, 3}, t.shape());
    assertEquals(TensorData.DType.INT64, t.dtype());
    assertArrayEquals(new long[] {6}, TensorData.ofFloat32(new float[6]).shape(), "no shape: flat");
    assertThrows(IllegalArgumentException.class, () -> TensorData.ofFloat32(new float[5], 2, 3));
    assertThrows(IllegalStateException.class, t::float32, "an INT64 tensor has no float32 data");
  }

  @Test
  void sparseTensorKeepsItsCsrLayoutAndDenseShape() {
    long[] crow = {0, 2, 3};
    long[] col = {0, 3, 1};
    float[] values = {1, 2, 3};
    TensorData t = TensorData.ofSparseFloat32(values, crow, col, 2, 4);
    crow[0] = 9;
    col[0] = 9;
    values[0] = 9;
    assertTrue(t.isSparse());
    assertEquals(TensorData.DType.FLOAT32, t.dtype());
    assertArrayEquals(new long[] {2, 4}, t.shape(), "the dense shape");
    assertArrayEquals(new long[] {0, 2, 3}, t.crowIndices());
    assertArrayEquals(new long[] {0, 3, 1}, t.colIndices());
    assertArrayEquals(new float[] {1, 2, 3}, t.float32());
    assertEquals(3, t.numel(), "the stored values");
    assertEquals(t, TensorData.ofSparseFloat32(new float[] {1, 2, 3}, new long[] {0, 2, 3}, new long[] {0, 3, 1}, 2, 4));
    assertNotEquals(t, TensorData.ofSparseFloat32(new float[] {1, 2, 3}, new long[] {0, 1, 3}, new long[] {0, 3, 1}, 2, 4));
    assertNotEquals(t, TensorData.ofFloat32(new float[] {1, 0, 0, 2, 0, 3, 0, 0}, 2, 4), "sparse is not dense");

    TensorData ints = TensorData.ofSparseInt64(new long[] {5}, new long[] {0, 1}, new long[] {2}, 1, 3);
    assertEquals(TensorData.DType.INT64, ints.dtype());
    assertArrayEquals(new long[] {5}, ints.int64());
    TensorData dense = TensorData.ofInt64(new long[] {1, 2});
    assertFalse(dense.isSparse());
    assertThrows(IllegalStateException.class, dense::crowIndices);
    assertThrows(IllegalStateException.class, dense::colIndices);
    assertThrows(NullPointerException.class, () -> TensorData.ofSparseFloat32(values, null, col, 2, 4));
  }

  @Test
  void datumKeepsItsLossInputsInOrder() {
    Datum d =
        Datum.builder(ModelInput.ofTokens(1, 2))
            .put("target_tokens", TensorData.ofInt64(new long[] {2, 3}))
            .put("weights", TensorData.ofFloat32(new float[] {1, 1}))
            .build();
    assertEquals(java.util.List.of("target_tokens", "weights"), java.util.List.copyOf(d.lossFnInputs().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> d.lossFnInputs().put("x", null));
  }

  @Test
  void adamParamsDefaultsAreTheHeadersAndBadValuesAreRefused() {
    AdamParams d = AdamParams.defaults();
    assertEquals(1e-4, d.learningRate());
    assertEquals(0.9, d.beta1());
    assertEquals(0.95, d.beta2());
    assertEquals(1e-12, d.eps());
    assertEquals(0, d.weightDecay());
    assertEquals(0, d.gradClipNorm());
    AdamParams p = d.toBuilder().learningRate(0.05).gradClipNorm(1).build();
    assertEquals(0.05, p.learningRate());
    assertEquals(1, p.gradClipNorm());
    assertEquals(0.9, p.beta1());
    for (Runnable bad :
        new Runnable[] {
          () -> AdamParams.withLearningRate(-1),
          () -> AdamParams.withLearningRate(Double.NaN),
          () -> AdamParams.builder().beta1(1.0).build(),
          () -> AdamParams.builder().eps(-1e-8).build()
        }) {
      TinkerException e = assertThrows(TinkerException.class, bad::run);
      assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
      assertFalse(e.getMessage().isEmpty());
    }
  }

  @Test
  void loraConfigDefaultsAreTheHeadersAndARankBelowOneIsRefused() {
    LoraConfig d = LoraConfig.defaults();
    assertEquals(32, d.rank());
    assertTrue(d.seed().isEmpty());
    assertTrue(d.trainMlp() && d.trainAttn() && d.trainUnembed());
    LoraConfig c = LoraConfig.builder().rank(8).seed(3).trainAttn(false).build();
    assertEquals(8, c.rank());
    assertEquals(3, c.seed().getAsLong());
    assertFalse(c.trainAttn());
    TinkerException e = assertThrows(TinkerException.class, () -> LoraConfig.withRank(0));
    assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
  }

  @Test
  void retryConfigDefaultsAreTheHeadersAndOutOfRangeValuesAreRefused() {
    RetryConfig d = RetryConfig.defaults();
    assertEquals(1000, d.maxConnections());
    assertEquals(Duration.ofSeconds(7200), d.progressTimeout());
    assertEquals(Duration.ofMillis(500), d.retryDelayBase());
    assertEquals(Duration.ofSeconds(10), d.retryDelayMax());
    assertEquals(0.25, d.jitterFactor());
    assertTrue(d.retryLogic() && d.stuckDetection());
    RetryConfig r =
        d.toBuilder().maxConnections(1).progressTimeout(Duration.ofNanos(1)).jitterFactor(1).retryLogic(false).build();
    assertEquals(1, r.maxConnections());
    assertEquals(Duration.ofNanos(1), r.progressTimeout());
    assertEquals(1, r.jitterFactor());
    assertFalse(r.retryLogic());
    assertTrue(r.stuckDetection());
    assertEquals(Duration.ofSeconds(10), r.retryDelayMax());
    RetryConfig zeros =
        RetryConfig.builder().retryDelayBase(Duration.ZERO).retryDelayMax(Duration.ZERO).jitterFactor(0).build();
    assertEquals(Duration.ZERO, zeros.retryDelayBase());

    Map<String, Runnable> bad = new java.util.LinkedHashMap<>();
    bad.put("RetryConfig.Builder.maxConnections", () -> RetryConfig.builder().maxConnections(0).build());
    bad.put("RetryConfig.Builder.progressTimeout", () -> RetryConfig.builder().progressTimeout(Duration.ZERO).build());
    bad.put("RetryConfig.Builder.retryDelayBase", () -> RetryConfig.builder().retryDelayBase(Duration.ofMillis(-1)).build());
    bad.put("RetryConfig.Builder.retryDelayMax", () -> RetryConfig.builder().retryDelayMax(Duration.ofSeconds(-5)).build());
    bad.put("RetryConfig.Builder.jitterFactor", () -> RetryConfig.builder().jitterFactor(2).build());
    bad.forEach(
        (setter, build) -> {
          TinkerException e = assertThrows(TinkerException.class, build::run, setter);
          assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
          assertTrue(e.getMessage().startsWith(setter + ": "), e.getMessage());
        });
    TinkerException nan = assertThrows(TinkerException.class, () -> RetryConfig.builder().jitterFactor(Double.NaN).build());
    assertEquals(Status.INVALID_ARGUMENT, nan.code(), nan.toString());
    assertThrows(NullPointerException.class, () -> RetryConfig.builder().progressTimeout(null));
  }

  @Test
  void customLossResultCopiesItsListsAndAddsMetrics() {
    CustomLossFunction.Result r =
        new CustomLossFunction.Result(1.5, java.util.List.of(new float[] {1f})).withMetric("m", 2);
    assertEquals(Map.of("m", 2.0), r.metrics());
    assertEquals(1, r.gradients().size());
    assertThrows(NullPointerException.class, () -> new CustomLossFunction.Result(0, null));
  }
}
