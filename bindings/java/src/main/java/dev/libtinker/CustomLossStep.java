package dev.libtinker;

import dev.libtinker.raw.SWIGTYPE_p_tinker_custom_loss_step;
import dev.libtinker.raw.SWIGTYPE_p_tinker_future;
import dev.libtinker.raw.TinkerRaw;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The state between the two phases of forward_backward_custom (tinker.h,
 * tinker_custom_loss_step_t): the forward pass's logprobs in, the Java loss function's loss,
 * gradients and metrics out. The loss function runs in {@link #compute}, on the calling thread,
 * outside any lock. Owned by the operation that made it, which closes it.
 */
final class CustomLossStep implements AutoCloseable {
  private final NativeHandle<SWIGTYPE_p_tinker_custom_loss_step> handle;

  private CustomLossStep(SWIGTYPE_p_tinker_custom_loss_step step) {
    this.handle = new NativeHandle<>(step, TinkerRaw::tinker_custom_loss_step_free);
  }

  static CustomLossStep take(SWIGTYPE_p_tinker_future future) {
    SWIGTYPE_p_tinker_custom_loss_step[] out = new SWIGTYPE_p_tinker_custom_loss_step[1];
    TinkerRaw.tinker_future_take_custom_loss_step(future, out);
    return new CustomLossStep(out[0]);
  }

  <R> R use(Function<SWIGTYPE_p_tinker_custom_loss_step, R> call) {
    return handle.use(call);
  }

  /**
   * Runs {@code fn} on the forward pass's logprobs and stores what it returns in the step. Throws
   * what fn throws, or {@link Status#INVALID_ARGUMENT} for a result that does not fit the batch
   * (null, one gradient too many or too few, or libtinker refuses a gradient: wrong length).
   */
  void compute(List<Datum> data, CustomLossFunction fn) {
    ForwardBackwardOutput forward =
        use(s -> ForwardBackwardOutput.copyOf(TinkerRaw.tinker_custom_loss_step_forward_output(s)));
    List<float[]> logprobs = new ArrayList<>();
    for (int i = 0; i < forward.numDatums(); i++) {
      logprobs.add(forward.logprobs(i));
    }
    CustomLossFunction.Result result = fn.compute(data, logprobs);
    if (result == null) {
      throw TinkerException.invalidArgument("the custom loss function returned null");
    }
    if (result.gradients().size() != logprobs.size()) {
      throw TinkerException.invalidArgument(
          "the custom loss function returned " + result.gradients().size() + " gradients for "
              + logprobs.size() + " datums");
    }
    use(
        s -> {
          TinkerRaw.tinker_custom_loss_step_set_loss(s, result.loss());
          for (int i = 0; i < logprobs.size(); i++) {
            try {
              TinkerRaw.tinker_custom_loss_step_set_gradient(s, i, result.gradients().get(i));
            } catch (TinkerException e) {
              throw new TinkerException(
                  e.code(), "custom loss gradient of datum " + i + ": " + e.getMessage(), e.category(),
                  e.httpStatus(), e.requestId(), e.isRetryable());
            }
          }
          for (Map.Entry<String, Double> m : result.metrics().entrySet()) {
            TinkerRaw.tinker_custom_loss_step_add_metric(s, m.getKey(), m.getValue());
          }
          return null;
        });
  }

  @Override
  public void close() {
    handle.close(null);
  }
}
