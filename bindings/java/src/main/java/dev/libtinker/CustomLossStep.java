package dev.libtinker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The state between the two phases of forward_backward_custom (tinker_custom_loss_step_t), for a
 * loss computed in Java step by step: {@link TrainingClient#forwardBackwardCustomBegin} runs the
 * forward pass and returns the step; the caller reads each datum's {@link #logprobs}, sets the
 * {@link #setLoss loss}, one {@link #setGradient gradient} per datum (d loss / d logprobs) and
 * optional {@link #addMetric metrics}, then {@link TrainingClient#forwardBackwardCustomFinish}
 * sends the backward pass with {@code weights = -gradient}. Close the step when done (a step
 * never closed is freed by a Cleaner). One thread at a time; {@link #close} waits for a call in
 * progress on another thread.
 */
public final class CustomLossStep implements AutoCloseable {
  private final NativeHandle<SWIGTYPE_p_tinker_custom_loss_step> handle;
  private final ForwardBackwardOutput forward;

  private CustomLossStep(SWIGTYPE_p_tinker_custom_loss_step step, ForwardBackwardOutput forward) {
    this.handle = new NativeHandle<>(step, TinkerRaw::tinker_custom_loss_step_free);
    this.forward = forward;
  }

  /** Takes the step out of a finished future; its forward output is copied once, here. */
  static CustomLossStep take(SWIGTYPE_p_tinker_future future) {
    SWIGTYPE_p_tinker_custom_loss_step[] out = new SWIGTYPE_p_tinker_custom_loss_step[1];
    TinkerRaw.tinker_future_take_custom_loss_step(future, out);
    ForwardBackwardOutput forward;
    try {
      forward = ForwardBackwardOutput.copyOf(TinkerRaw.tinker_custom_loss_step_forward_output(out[0]));
    } catch (RuntimeException e) {
      TinkerRaw.tinker_custom_loss_step_free(out[0]);
      throw e;
    }
    return new CustomLossStep(out[0], forward);
  }

  private <R> R use(Function<SWIGTYPE_p_tinker_custom_loss_step, R> call) {
    return handle.use(call);
  }

  /** Runs {@code call} with the step's pointer borrowed (null for a null step: libtinker names it). */
  static <R> R borrow(CustomLossStep step, Function<SWIGTYPE_p_tinker_custom_loss_step, R> call) {
    return step == null ? call.apply(null) : step.use(call);
  }

  /**
   * The forward pass's output: per datum a float32 tensor "logprobs" (one per target token).
   *
   * @return the forward pass's output
   */
  public ForwardBackwardOutput forwardOutput() {
    return forward;
  }

  /**
   * Per datum, the logprobs of its target tokens (copies).
   *
   * @return per datum, the logprobs of its target tokens
   */
  public List<float[]> logprobs() {
    List<float[]> logprobs = new ArrayList<>();
    for (int i = 0; i < forward.numDatums(); i++) {
      logprobs.add(forward.logprobs(i));
    }
    return Collections.unmodifiableList(logprobs);
  }

  /**
   * The loss value, reported as metric "loss:sum" unless a metric of that name is added.
   *
   * @param loss the loss
   */
  public void setLoss(double loss) {
    use(s -> {
      TinkerRaw.tinker_custom_loss_step_set_loss(s, loss);
      return null;
    });
  }

  /**
   * d loss / d logprobs of datum {@code index}, one value per logprob (copied). Every datum needs
   * one before the backward pass; a wrong length is {@link Status#INVALID_ARGUMENT}, an index
   * outside the batch {@link Status#OUT_OF_RANGE}.
   *
   * @param index the datum's index in the batch
   * @param gradient one value per logprob of that datum
   */
  public void setGradient(int index, float[] gradient) {
    Objects.requireNonNull(gradient, "gradient");
    use(s -> {
      TinkerRaw.tinker_custom_loss_step_set_gradient(s, index, gradient);
      return null;
    });
  }

  /**
   * A metric merged into the result (no ":reduction" suffix needed).
   *
   * @param name the metric's name
   * @param value its value
   */
  public void addMetric(String name, double value) {
    Objects.requireNonNull(name, "name");
    use(s -> {
      TinkerRaw.tinker_custom_loss_step_add_metric(s, name, value);
      return null;
    });
  }

  /**
   * Runs {@code fn} on the forward pass's logprobs and stores what it returns in the step. Throws
   * what fn throws, or {@link Status#INVALID_ARGUMENT} for a result that does not fit the batch
   * (null, one gradient too many or too few, or libtinker refuses a gradient: wrong length).
   */
  void compute(List<Datum> data, CustomLossFunction fn) {
    List<float[]> logprobs = logprobs();
    CustomLossFunction.Result result = fn.compute(data, logprobs);
    if (result == null) {
      throw TinkerException.invalidArgument("the custom loss function returned null");
    }
    if (result.gradients().size() != logprobs.size()) {
      throw TinkerException.invalidArgument(
          "the custom loss function returned " + result.gradients().size() + " gradients for "
              + logprobs.size() + " datums");
    }
    setLoss(result.loss());
    for (int i = 0; i < logprobs.size(); i++) {
      try {
        setGradient(i, result.gradients().get(i));
      } catch (TinkerException e) {
        throw e.within("custom loss gradient of datum " + i);
      }
    }
    for (Map.Entry<String, Double> m : result.metrics().entrySet()) {
      addMetric(m.getKey(), m.getValue());
    }
  }

  /** Frees the step. Idempotent. */
  @Override
  public void close() {
    handle.close(null);
  }
}
