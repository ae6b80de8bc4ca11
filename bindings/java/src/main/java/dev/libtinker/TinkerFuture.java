package dev.libtinker;

import dev.libtinker.raw.SWIGTYPE_p_tinker_future;
import dev.libtinker.raw.TinkerRaw;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A running libtinker operation as a {@link CompletableFuture}. It is completed by the client's
 * single "tinker-completions" thread, which drains a libtinker completion queue: no library thread
 * ever calls into the JVM. Dependent stages added with the non-async methods run on that thread
 * once the result is there, so keep them short or use the *Async variants.
 *
 * <p>{@link #cancel} also stops local work in libtinker. Tinker has no server-side cancel: a
 * request the server already accepted may still run there.
 */
public final class TinkerFuture<T> extends CompletableFuture<T> {
  private final NativeHandle<SWIGTYPE_p_tinker_future> handle;
  private final Function<SWIGTYPE_p_tinker_future, T> take;

  TinkerFuture(SWIGTYPE_p_tinker_future future, Function<SWIGTYPE_p_tinker_future, T> take) {
    this.handle = new NativeHandle<>(future, TinkerRaw::tinker_future_free);
    this.take = take;
  }

  NativeHandle<SWIGTYPE_p_tinker_future> handle() {
    return handle;
  }

  /** On the completions thread, once the native future finished: take the result, free it. */
  void finish() {
    try {
      T value =
          handle.use(
              f -> {
                int status = TinkerRaw.tinker_future_poll(f);
                if (status != Status.OK) {
                  throw TinkerException.fromFuture(f, status);
                }
                return take.apply(f);
              });
      complete(value);
    } catch (Throwable t) {
      completeExceptionally(t);
    } finally {
      handle.close(null);
    }
  }

  /** Ends the future as cancelled (used when the client closes before the operation finished). */
  void abandon() {
    completeExceptionally(
        new TinkerException(
            Status.CANCELLED, "the client was closed", TinkerException.Category.USER, 0, "", false));
    handle.close(TinkerRaw::tinker_future_cancel);
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    try {
      handle.use(
          f -> {
            TinkerRaw.tinker_future_cancel(f);
            return null;
          });
    } catch (TinkerException alreadyReleased) {
      // finished and released already: only the Java side is left to cancel
    }
    return super.cancel(mayInterruptIfRunning);
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }
}
