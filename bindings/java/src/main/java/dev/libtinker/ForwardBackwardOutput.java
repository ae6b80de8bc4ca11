package dev.libtinker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of forward, forward_backward and forward_backward_custom: per datum (in input
 * order) the loss function's named output tensors, e.g. "logprobs", and the combined metrics,
 * e.g. "loss:sum". A plain Java value: everything is copied out and the native result freed.
 */
public final class ForwardBackwardOutput {
  private final String lossFnOutputType;
  private final List<Map<String, TensorData>> lossFnOutputs;
  private final Map<String, Double> metrics;

  private ForwardBackwardOutput(
      String lossFnOutputType, List<Map<String, TensorData>> lossFnOutputs, Map<String, Double> metrics) {
    this.lossFnOutputType = lossFnOutputType;
    this.lossFnOutputs = lossFnOutputs;
    this.metrics = metrics;
  }

  /**
   * The loss function's output type, e.g. "ArrayRecord".
   *
   * @return the type's name
   */
  public String lossFnOutputType() {
    return lossFnOutputType;
  }

  /**
   * Per datum, its output tensors by name (unmodifiable).
   *
   * @return per datum, its outputs by name
   */
  public List<Map<String, TensorData>> lossFnOutputs() {
    return lossFnOutputs;
  }

  /**
   * The number of datums the pass ran on.
   *
   * @return the count
   */
  public int numDatums() {
    return lossFnOutputs.size();
  }

  /**
   * The float32 tensor "logprobs" of datum {@code index}.
   *
   * @param index the datum's index
   * @return its logprobs
   */
  public float[] logprobs(int index) {
    TensorData t = lossFnOutputs.get(index).get("logprobs");
    if (t == null) {
      throw new IllegalStateException("datum " + index + " has no \"logprobs\" output");
    }
    return t.float32();
  }

  /**
   * The metrics by name, e.g. "loss:sum" (unmodifiable, in the server's order).
   *
   * @return the metrics by name
   */
  public Map<String, Double> metrics() {
    return metrics;
  }

  /**
   * Metric {@code name}; throws when the result has none of that name.
   *
   * @param name e.g. "loss:sum"
   * @return its value
   * @throws IllegalArgumentException when there is none of that name
   */
  public double metric(String name) {
    Objects.requireNonNull(name, "name");
    Double v = metrics.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no metric \"" + name + "\" in " + metrics.keySet());
    }
    return v;
  }

  /** Copies a borrowed native output. */
  static ForwardBackwardOutput copyOf(SWIGTYPE_p_tinker_forward_backward_output out) {
    long n = TinkerRaw.tinker_forward_backward_output_num_datums(out);
    List<Map<String, TensorData>> datums = new ArrayList<>();
    SWIGTYPE_p_tinker_tensor[] tensor = new SWIGTYPE_p_tinker_tensor[1];
    for (long i = 0; i < n; i++) {
      LinkedHashMap<String, TensorData> tensors = new LinkedHashMap<>();
      long count = TinkerRaw.tinker_forward_backward_output_tensor_count(out, i);
      for (long k = 0; k < count; k++) {
        String name = TinkerRaw.tinker_forward_backward_output_tensor_name(out, i, k);
        TinkerRaw.tinker_forward_backward_output_tensor(out, i, name, tensor);
        tensors.put(name, TensorData.copyOf(tensor[0]));
      }
      datums.add(Collections.unmodifiableMap(tensors));
    }
    return new ForwardBackwardOutput(
        TinkerRaw.tinker_forward_backward_output_loss_fn_output_type(out),
        Collections.unmodifiableList(datums),
        Metrics.copyOf(TinkerRaw.tinker_forward_backward_output_metrics(out)));
  }

  /** Takes the result out of a finished future, copies it and frees the native result. */
  static ForwardBackwardOutput take(SWIGTYPE_p_tinker_future future) {
    SWIGTYPE_p_tinker_forward_backward_output[] out = new SWIGTYPE_p_tinker_forward_backward_output[1];
    TinkerRaw.tinker_future_take_forward_backward_output(future, out);
    try {
      return copyOf(out[0]);
    } finally {
      TinkerRaw.tinker_forward_backward_output_free(out[0]);
    }
  }

  @Override
  public String toString() {
    return "ForwardBackwardOutput{" + lossFnOutputType + ", " + lossFnOutputs.size() + " datums, " + metrics + "}";
  }
}
