package dev.libtinker;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A loss computed in Java for {@link TrainingClient#forwardBackwardCustom} (protocol.md §6.5).
 * It receives the datums as given and, per datum, the logprobs of its target tokens from a
 * forward pass; it returns the loss, per datum the gradient d loss / d logprobs (one value per
 * logprob), and optional metrics merged into the operation's result. An exception it throws fails
 * the operation, and no backward pass is sent.
 *
 * <p>Cross-entropy with weights w, for example, is loss = Σ −w·logprob with gradient −w.
 */
@FunctionalInterface
public interface CustomLossFunction {
  /**
   * Computes the loss and its gradients.
   *
   * @param data the datums, as given to the operation
   * @param logprobs per datum, the logprobs of its target tokens
   * @return the loss, one gradient per datum, and metrics
   */
  Result compute(List<Datum> data, List<float[]> logprobs);

  /** What the function returns. The gradients are read once, when the function returns. */
  record Result(double loss, List<float[]> gradients, Map<String, Double> metrics) {
    /**
     * Copies the gradients and metrics.
     *
     * @param loss the loss
     * @param gradients per datum, d loss / d logprobs (one value per logprob)
     * @param metrics merged into the operation's result; null: none
     */
    public Result {
      gradients = List.copyOf(Objects.requireNonNull(gradients, "gradients"));
      metrics =
          metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /**
     * A result without metrics.
     *
     * @param loss the loss
     * @param gradients per datum, d loss / d logprobs
     */
    public Result(double loss, List<float[]> gradients) {
      this(loss, gradients, null);
    }

    /**
     * This result plus metric {@code name} (no ":reduction" suffix needed).
     *
     * @param name the metric's name
     * @param value its value
     * @return a new result
     */
    public Result withMetric(String name, double value) {
      Objects.requireNonNull(name, "name");
      LinkedHashMap<String, Double> m = new LinkedHashMap<>(metrics);
      m.put(name, value);
      return new Result(loss, gradients, m);
    }
  }
}
