package dev.libtinker;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Runs forward_backward_custom (T3) with a {@link CustomLossFunction}: the forward pass ({@link
 * TrainingClient#forwardBackwardCustomBegin}), the Java function on the step, the backward pass
 * ({@link TrainingClient#forwardBackwardCustomFinish}). libtinker's own T3 takes a C callback run
 * on its completion thread, which a JVM cannot give it; the generated T3 methods call this with
 * the C function they stand for, which names the phases' failures (TinkerException#calledAs).
 */
final class CustomLossRunner {
  /** Where the asynchronous form runs the function unless told otherwise (the common pool). */
  static final Executor DEFAULT_EXECUTOR = new CompletableFuture<Void>().defaultExecutor();

  private CustomLossRunner() {}

  /**
   * The blocking form: the function runs on the calling thread. If it throws, that exception
   * propagates and no backward pass is sent. Datums may only carry "target_tokens" and "weights".
   */
  static ForwardBackwardOutput run(
      TrainingClient client, String cFunction, List<Datum> data, CustomLossFunction loss) {
    List<Datum> batch = List.copyOf(data);
    try (CustomLossStep step = client.forwardBackwardCustomBegin(batch)) {
      step.compute(batch, loss);
      return client.forwardBackwardCustomFinish(step);
    } catch (TinkerException e) {
      throw e.calledAs(cFunction);
    }
  }

  /**
   * The asynchronous form. The forward pass starts now; when it is done, {@code loss} runs on
   * {@code executor} (never on the completion thread, which must stay free to deliver results),
   * and the backward pass is sent from there. The future fails with the function's exception if
   * it throws (no backward pass is sent then). {@link TinkerFuture#cancel} cancels the pass in
   * flight; once cancelled, no backward pass is sent. The step is freed on every path.
   */
  static TinkerFuture<ForwardBackwardOutput> runAsync(
      TrainingClient client, String cFunction, List<Datum> data, CustomLossFunction loss, Executor executor) {
    List<Datum> batch = List.copyOf(data);
    TinkerFuture<CustomLossStep> begin;
    try {
      begin = client.forwardBackwardCustomBeginAsync(batch);
    } catch (TinkerException e) {
      throw e.calledAs(cFunction);
    }
    TinkerFuture<ForwardBackwardOutput> result = TinkerFuture.composed(begin);
    begin.whenCompleteAsync(
        (step, error) -> {
          if (error != null) {
            result.completeExceptionally(unwrap(error));
            return;
          }
          try (CustomLossStep s = step) {
            if (result.isDone()) {
              return; // cancelled during the forward pass
            }
            s.compute(batch, loss);
            TinkerFuture<ForwardBackwardOutput> finish;
            try {
              finish = client.forwardBackwardCustomFinishAsync(s);
            } catch (TinkerException e) {
              throw e.calledAs(cFunction);
            }
            result.follow(finish);
            finish.whenComplete(
                (output, e) -> {
                  if (e != null) {
                    result.completeExceptionally(unwrap(e));
                  } else {
                    result.complete(output);
                  }
                });
          } catch (Throwable t) {
            result.completeExceptionally(t);
          }
        },
        executor)
        .whenComplete(
            (ignored, rejected) -> {
              // Only a rejecting executor gets here: the continuation never ran.
              if (rejected != null) {
                result.completeExceptionally(unwrap(rejected));
                begin.thenAccept(CustomLossStep::close);
              }
            });
    return result;
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
