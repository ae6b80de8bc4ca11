package dev.libtinker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Training examples for the tests: next-byte prediction on short texts (vocabulary 256). */
final class TrainingData {
  static final String MODEL = "tinker-emulator/tiny-bigram";

  static final List<String> TEXTS =
      List.of(
          "the cat sat on the mat.",
          "the dog sat on the log.",
          "a cat and a dog sat together.",
          "the mat was on the floor.",
          "the log was by the fire.",
          "the cat sat by the fire.");

  private TrainingData() {}

  /** input[i] = byte i, target[i] = byte i+1, every weight {@code weight}. */
  static Datum nextToken(String text, float weight) {
    float[] w = new float[text.getBytes(StandardCharsets.UTF_8).length - 1];
    Arrays.fill(w, weight);
    return nextToken(text, w);
  }

  /** Next-byte prediction with one weight per target. */
  static Datum nextToken(String text, float[] weights) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    long[] input = new long[b.length - 1];
    long[] target = new long[b.length - 1];
    for (int i = 0; i + 1 < b.length; i++) {
      input[i] = b[i] & 0xff;
      target[i] = b[i + 1] & 0xff;
    }
    return Datum.builder(ModelInput.ofTokens(input))
        .put("target_tokens", TensorData.ofInt64(target))
        .put("weights", TensorData.ofFloat32(weights))
        .build();
  }

  static List<Datum> batch() {
    List<Datum> data = new ArrayList<>();
    for (String t : TEXTS) {
      data.add(nextToken(t, 1.0f));
    }
    return data;
  }

  /** Σ of the weights (tokens of the cross-entropy loss). */
  static double totalWeight(List<Datum> data) {
    double n = 0;
    for (Datum d : data) {
      for (float w : d.lossFnInputs().get("weights").float32()) {
        n += w;
      }
    }
    return n;
  }

  static float maxDifference(ForwardBackwardOutput a, ForwardBackwardOutput b) {
    if (a.numDatums() != b.numDatums()) {
      throw new AssertionError(a.numDatums() + " datums vs " + b.numDatums());
    }
    float max = 0;
    for (int i = 0; i < a.numDatums(); i++) {
      float[] x = a.logprobs(i);
      float[] y = b.logprobs(i);
      if (x.length != y.length) {
        throw new AssertionError("datum " + i + ": " + x.length + " logprobs vs " + y.length);
      }
      for (int j = 0; j < x.length; j++) {
        max = Math.max(max, Math.abs(x[j] - y[j]));
      }
    }
    return max;
  }
}
