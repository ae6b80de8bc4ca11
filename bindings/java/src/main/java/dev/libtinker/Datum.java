package dev.libtinker;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One training example (protocol.md §7.3): a model input plus named loss-function inputs.
 * Immutable. The key rules of tinker.h apply when the datum is sent: "target_tokens" must be
 * INT64; "weights", "advantages", "logprobs", "clip_low_threshold" and "clip_high_threshold"
 * must be FLOAT32; other names take either. A violation fails the operation call with {@link
 * Status#INVALID_ARGUMENT} before anything is sent.
 */
public final class Datum {
  private final ModelInput modelInput;
  private final Map<String, TensorData> lossFnInputs;

  private Datum(ModelInput modelInput, Map<String, TensorData> lossFnInputs) {
    this.modelInput = Objects.requireNonNull(modelInput, "modelInput");
    Objects.requireNonNull(lossFnInputs, "lossFnInputs");
    LinkedHashMap<String, TensorData> copy = new LinkedHashMap<>();
    lossFnInputs.forEach(
        (k, v) -> copy.put(Objects.requireNonNull(k, "loss input name"), Objects.requireNonNull(v, k)));
    this.lossFnInputs = Collections.unmodifiableMap(copy);
  }

  /**
   * A datum with these loss inputs (their iteration order is kept).
   *
   * @param modelInput the input
   * @param lossFnInputs the loss function's inputs by name (copied)
   * @return the datum
   */
  public static Datum of(ModelInput modelInput, Map<String, TensorData> lossFnInputs) {
    return new Datum(modelInput, lossFnInputs);
  }

  /**
   * A builder for a datum of this input, without loss inputs yet.
   *
   * @param modelInput the input
   * @return a new builder
   */
  public static Builder builder(ModelInput modelInput) {
    return new Builder(modelInput);
  }

  /** Adds loss inputs one by one. */
  public static final class Builder {
    private final ModelInput modelInput;
    private final LinkedHashMap<String, TensorData> inputs = new LinkedHashMap<>();

    private Builder(ModelInput modelInput) {
      this.modelInput = Objects.requireNonNull(modelInput, "modelInput");
    }

    /**
     * Adds loss input {@code name}; a name given twice keeps the later tensor.
     *
     * @param name e.g. "target_tokens", "weights"
     * @param tensor the values
     * @return this builder
     */
    public Builder put(String name, TensorData tensor) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(tensor, "tensor");
      inputs.put(name, tensor);
      return this;
    }

    /**
     * The datum of the inputs put so far.
     *
     * @return the datum
     */
    public Datum build() {
      return new Datum(modelInput, inputs);
    }
  }

  /**
   * The model input.
   *
   * @return the input
   */
  public ModelInput modelInput() {
    return modelInput;
  }

  /**
   * The loss-function inputs by name (unmodifiable, in the order given).
   *
   * @return the inputs
   */
  public Map<String, TensorData> lossFnInputs() {
    return lossFnInputs;
  }

  /** The C datum, owned by the scope (with the model input it was made from). */
  SWIGTYPE_p_tinker_datum toNative(NativeScope scope) {
    SWIGTYPE_p_tinker_datum[] out = new SWIGTYPE_p_tinker_datum[1];
    TinkerRaw.tinker_datum_new(out, modelInput.toNative(scope));
    SWIGTYPE_p_tinker_datum datum = scope.own(out, TinkerRaw::tinker_datum_free);
    lossFnInputs.forEach(
        (name, tensor) -> {
          try {
            tensor.addTo(datum, name);
          } catch (TinkerException e) {
            throw e.within("loss_fn_inputs[\"" + name + "\"]");
          }
        });
    return datum;
  }

  @Override
  public String toString() {
    return "Datum{" + modelInput + ", " + lossFnInputs + "}";
  }
}
