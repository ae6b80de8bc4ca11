package dev.libtinker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A running libtinker operation as a {@link CompletableFuture}. The service client's
 * "tinker-completions" thread drains a libtinker completion queue (no library thread ever calls
 * into the JVM) and hands each finished operation to a shared pool of "tinker-callbacks" daemon
 * threads, which take the result and complete the future. Dependent stages added with the
 * non-async methods run on such a pool thread (or on the thread that adds them, if the future is
 * done already), never on the draining thread: a stage may block on another operation ({@code
 * fb.thenApply(o -> tc.optimStep(adam))}) or close a client. Futures that finish together may be
 * completed in any order.
 *
 * <p>{@link #cancel} also stops local work in libtinker. Tinker has no server-side cancel: a
 * request the server already accepted may still run there.
 *
 * <p>An operation made of several native ones (forward_backward_custom) gets a composed future:
 * it is completed by the last of them, and {@link #cancel} cancels the one in flight.
 */
public final class TinkerFuture<T> extends CompletableFuture<T> {
  private final NativeHandle<SWIGTYPE_p_tinker_future> handle; // null for a composed future
  private final Function<SWIGTYPE_p_tinker_future, T> take;
  private volatile CompletableFuture<?> stage; // composed: the native operation in flight

  TinkerFuture(SWIGTYPE_p_tinker_future future, Function<SWIGTYPE_p_tinker_future, T> take) {
    this.handle = new NativeHandle<>(future, TinkerRaw::tinker_future_free);
    this.take = take;
  }

  private TinkerFuture() {
    this.handle = null;
    this.take = null;
  }

  /** A composed future whose first native operation is {@code first}. */
  static <T> TinkerFuture<T> composed(CompletableFuture<?> first) {
    TinkerFuture<T> f = new TinkerFuture<>();
    f.follow(first);
    return f;
  }

  /** Composed futures: {@code next} is now the operation in flight (cancelled with this). */
  void follow(CompletableFuture<?> next) {
    stage = next;
    if (isCancelled()) {
      next.cancel(true);
    }
  }

  NativeHandle<SWIGTYPE_p_tinker_future> handle() {
    return handle;
  }

  /** On a callback thread, once the native future finished: take the result, free it. */
  void finish() {
    try {
      T value =
          handle.use(
              f -> {
                int status = TinkerRaw.tinker_future_poll(f);
                if (status != Status.OK.value()) {
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

  /**
   * Ends the future with {@code status} and cancels the native operation: its completion queue
   * failed, so its result can no longer be delivered.
   */
  void abandon(int status) {
    completeExceptionally(
        new TinkerException(
            Status.of(status),
            "the completion queue failed: " + Status.name(status),
            TinkerException.Category.UNKNOWN,
            0,
            "",
            false));
    handle.close(TinkerRaw::tinker_future_cancel);
  }

  /**
   * The blocking form of an operation: waits and returns the result, or rethrows the failure as
   * it is (a {@link TinkerException}, or what a custom loss function threw). An interrupt cancels
   * the operation and throws {@link Status#CANCELLED} with the thread's interrupt flag set.
   */
  T await() {
    try {
      return get();
    } catch (InterruptedException e) {
      cancel(true);
      Thread.currentThread().interrupt();
      throw new TinkerException(
          Status.CANCELLED, "interrupted while waiting", TinkerException.Category.USER, 0, "", false);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new TinkerException(
          Status.UNKNOWN, String.valueOf(cause), TinkerException.Category.UNKNOWN, 0, "", false);
    }
  }

  /**
   * The blocking form of an operation whose C function is {@code cFunction}: its asynchronous form,
   * started by {@code start}, awaited. A failure of the start names the blocking method (the
   * asynchronous one is what ran, not what the caller called).
   */
  static <T> T blocking(String cFunction, Supplier<TinkerFuture<T>> start) {
    TinkerFuture<T> future;
    try {
      future = start.get();
    } catch (TinkerException e) {
      throw e.calledAs(cFunction + "_async", cFunction);
    }
    return future.await();
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (handle == null) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      CompletableFuture<?> current = stage;
      if (current != null) {
        current.cancel(mayInterruptIfRunning);
      }
      return cancelled;
    }
    // The Java side first: cancelling in libtinker completes this future from the completion
    // thread, which could win the race and make a successful cancel report false.
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    try {
      handle.use(
          f -> {
            TinkerRaw.tinker_future_cancel(f);
            return null;
          });
    } catch (TinkerException alreadyReleased) {
      // finished and released already: only the Java side was left to cancel
    }
    return cancelled;
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }
}
