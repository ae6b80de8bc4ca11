package dev.libtinker;

import static dev.libtinker.TrainingData.MODEL;
import static dev.libtinker.TrainingData.maxDifference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sparse CSR loss inputs (TensorData.ofSparse*) against a tinker-emulator. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SparseInputsTest {
  private static final long[] INPUT = {10, 11, 12, 13, 14, 15, 16, 17};
  private static final long[] TARGET = {11, 12, 13, 14, 15, 16, 17, 18};
  // The non-zero weights of the one row of 8 target positions: positions 1, 4, 6.
  private static final float[] VALUES = {1.0f, 2.0f, 0.5f};
  private static final long[] CROW = {0, 3};
  private static final long[] COL = {1, 4, 6};

  private ServiceClient service;
  private final List<TrainingClient> trainers = new ArrayList<>();

  @BeforeEach
  void connect() {
    service = Emulator.connect();
    Emulator.post("/_emulator/config", "{\"record_inputs\": 4}");
  }

  @AfterEach
  void close() {
    trainers.forEach(TrainingClient::close);
    if (service != null) {
      service.close();
      Emulator.post("/_emulator/config", "{\"record_inputs\": 0}");
    }
  }

  private TrainingClient newTrainer(long seed) {
    TrainingClient tc = service.createLoraTrainingClient(MODEL, LoraConfig.builder().rank(8).seed(seed).build());
    trainers.add(tc);
    return tc;
  }

  private static Datum datum(TensorData targets, TensorData weights) {
    return Datum.builder(ModelInput.ofTokens(INPUT)).put("target_tokens", targets).put("weights", weights).build();
  }

  private static Datum datum(TensorData weights) {
    return datum(TensorData.ofInt64(TARGET), weights);
  }

  private static TensorData sparseWeights() {
    return TensorData.ofSparseFloat32(VALUES, CROW, COL, 1, 8);
  }

  private static TensorData denseWeights() {
    float[] dense = new float[8];
    for (int k = 0; k < COL.length; k++) {
      dense[(int) COL[k]] = VALUES[k];
    }
    return TensorData.ofFloat32(dense, 1, 8);
  }

  @Test
  void sparseWeightsTrainExactlyLikeTheirDenseForm() {
    TrainingClient sparseRun = newTrainer(7);
    TrainingClient denseRun = newTrainer(7);
    List<Datum> sparse = List.of(datum(sparseWeights()));
    List<Datum> dense = List.of(datum(denseWeights()));

    ForwardBackwardOutput rs = sparseRun.forwardBackward(sparse, "cross_entropy");
    ForwardBackwardOutput rd = denseRun.forwardBackward(dense, "cross_entropy");
    assertTrue(rd.metric("loss:sum") > 0, rd.metrics().toString());
    assertEquals(rd.metric("loss:sum"), rs.metric("loss:sum"));

    // On the wire the weights stayed sparse ([1, 8], the non-zeros and their indices) and the
    // targets flat.
    String sent = Emulator.get("/_emulator/inputs?model_id=" + sparseRun.modelId());
    String weights = lossInput(sent, "weights");
    assertArrayEquals(new long[] {1, 8}, longs(weights, "shape"), weights);
    assertArrayEquals(CROW, longs(weights, "sparse_crow_indices"), weights);
    assertArrayEquals(COL, longs(weights, "sparse_col_indices"), weights);
    assertArrayEquals(new double[] {1.0, 2.0, 0.5}, doubles(weights, "data"), weights);
    String targets = lossInput(sent, "target_tokens");
    assertArrayEquals(new long[] {TARGET.length}, longs(targets, "shape"), targets);
    assertFalse(targets.contains("sparse"), targets);
    String denseWeights = lossInput(Emulator.get("/_emulator/inputs?model_id=" + denseRun.modelId()), "weights");
    assertFalse(denseWeights.contains("sparse"), denseWeights);

    double sparseNorm = sparseRun.optimStep(AdamParams.withLearningRate(0.05)).metrics().get("grad_norm:mean");
    double denseNorm = denseRun.optimStep(AdamParams.withLearningRate(0.05)).metrics().get("grad_norm:mean");
    assertTrue(denseNorm > 0);
    assertEquals(denseNorm, sparseNorm);
    assertEquals(0f, maxDifference(sparseRun.forward(dense, "cross_entropy"), denseRun.forward(dense, "cross_entropy")));
  }

  @Test
  void malformedSparseInputsAreRefusedNamingTheProblemBeforeAnythingIsSent() {
    TrainingClient tc = newTrainer(8);
    Map<Datum, String> cases = new LinkedHashMap<>();
    cases.put(
        datum(TensorData.ofSparseFloat32(VALUES, CROW, new long[] {1, 4, 8}, 1, 8)),
        "loss_fn_inputs[\"weights\"]: tinker_datum_add_sparse_tensor_float32: sparse CSR: col_indices[2] = 8 is outside [0, 8)");
    cases.put(datum(TensorData.ofSparseFloat32(VALUES, new long[] {0, 2}, COL, 1, 8)), "must end at the number of values");
    cases.put(datum(TensorData.ofSparseFloat32(VALUES, new long[] {0, 1, 3}, COL, 1, 8)), "nrows + 1");
    cases.put(
        datum(TensorData.ofSparseInt64(new long[] {1, 2, 3}, CROW, COL, 1, 8)),
        "tinker_datum_add_sparse_tensor_int64: name 'weights' must be float32");
    cases.put(
        datum(TensorData.ofSparseFloat32(new float[] {11, 12, 13}, CROW, COL, 1, 8), denseWeights()),
        "loss_fn_inputs[\"target_tokens\"]: tinker_datum_add_sparse_tensor_float32: name 'target_tokens' must be int64");
    cases.forEach(
        (bad, says) -> {
          List<Datum> data = List.of(datum(sparseWeights()), bad);
          TinkerException e =
              assertThrows(TinkerException.class, () -> tc.forwardBackwardAsync(data, "cross_entropy"), "thrown by the call");
          assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
          assertTrue(e.getMessage().startsWith("datum 1: ") && e.getMessage().contains(says), e.getMessage());
          e = assertThrows(TinkerException.class, () -> tc.forward(data, "cross_entropy"));
          assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
          assertTrue(e.getMessage().contains(says), e.getMessage());
        });
    assertEquals(0, Emulator.forwardBackwardRequests(tc.modelId()), "nothing sent");
    tc.forward(List.of(datum(sparseWeights())), "cross_entropy");
    assertEquals(1, Emulator.forwardBackwardRequests(tc.modelId()), "a well-formed sparse input is sent");
  }

  // ---- reading GET /_emulator/inputs -----------------------------------------------------------

  /** The JSON object of loss input {@code name} in the first recorded datum. */
  private static String lossInput(String recorded, String name) {
    int key = recorded.indexOf("\"" + name + "\"");
    assertTrue(key >= 0, name + " not recorded: " + recorded);
    int start = recorded.indexOf('{', key);
    int depth = 0;
    for (int i = start; i < recorded.length(); i++) {
      char c = recorded.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return recorded.substring(start, i + 1);
      }
    }
    throw new AssertionError("unbalanced JSON: " + recorded);
  }

  private static String[] array(String object, String field) {
    Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(object);
    assertTrue(m.find(), field + " missing in " + object);
    String body = m.group(1).trim();
    return body.isEmpty() ? new String[0] : body.split("\\s*,\\s*");
  }

  private static long[] longs(String object, String field) {
    String[] items = array(object, field);
    long[] out = new long[items.length];
    for (int i = 0; i < items.length; i++) {
      out[i] = Long.parseLong(items[i]);
    }
    return out;
  }

  private static double[] doubles(String object, String field) {
    String[] items = array(object, field);
    double[] out = new double[items.length];
    for (int i = 0; i < items.length; i++) {
      out[i] = Double.parseDouble(items[i]);
    }
    return out;
  }
}
