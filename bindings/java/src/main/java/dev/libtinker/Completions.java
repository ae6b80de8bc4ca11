package dev.libtinker;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One libtinker completion queue and the daemon thread ("tinker-completions") that drains it.
 * Pending futures cost a map entry, not a thread.
 *
 * <p>The draining thread never runs user code: it hands each finished future to {@link
 * #CALLBACKS}, a shared pool of daemon threads ("tinker-callbacks", created on demand, ended
 * after {@value #CALLBACK_KEEP_ALIVE_SECONDS} s idle), which takes the result and completes the
 * {@link TinkerFuture}, running its dependent stages. A stage may therefore block on another
 * operation, or close any client, without stopping deliveries.
 *
 * <p>The thread runs only while futures are pending (and {@value #LINGER_MS} ms after the last
 * one, so that back-to-back operations reuse it). The queue belongs to this object, which the
 * service client and every client made from it share; a Cleaner frees it once all of them are
 * unreachable (the thread keeps this object reachable while it runs). Nothing closes it
 * explicitly: clients made from a closed service client keep using it.
 */
final class Completions {
  static final String THREAD_NAME = "tinker-completions";
  static final String CALLBACK_THREAD_NAME = "tinker-callbacks";
  static final long LINGER_MS = 1000;
  static final long CALLBACK_KEEP_ALIVE_SECONDS = 2;

  private static final Cleaner CLEANER = Cleaner.create();

  /** Completes the futures of every client: one thread per result being delivered, reused. */
  static final Executor CALLBACKS =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          CALLBACK_KEEP_ALIVE_SECONDS,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          r -> {
            Thread t = new Thread(r, CALLBACK_THREAD_NAME);
            t.setDaemon(true);
            return t;
          });

  private final SWIGTYPE_p_tinker_completion_queue queue;
  private final ConcurrentHashMap<Long, TinkerFuture<?>> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextTag = new AtomicLong(1);
  private boolean running; // guarded by this: a draining thread exists

  Completions() {
    Tinker.load();
    SWIGTYPE_p_tinker_completion_queue[] out = new SWIGTYPE_p_tinker_completion_queue[1];
    TinkerRaw.tinker_completion_queue_new(out);
    SWIGTYPE_p_tinker_completion_queue q = out[0];
    queue = q;
    // The action captures the pointer, never this.
    CLEANER.register(this, () -> TinkerRaw.tinker_completion_queue_free(q));
  }

  /** Routes the future's completion through the queue; starts the thread if none runs. */
  void watch(TinkerFuture<?> future) {
    long tag = nextTag.getAndIncrement();
    synchronized (this) {
      pending.put(tag, future); // before attaching: an already finished future reports at once
      if (!running) {
        Thread thread = new Thread(this::drain, THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
        running = true;
      }
    }
    try {
      future
          .handle()
          .use(
              f -> {
                TinkerRaw.tinker_future_set_completion_queue(f, queue, tag);
                return null;
              });
    } catch (RuntimeException e) {
      pending.remove(tag);
      throw e;
    } finally {
      Reference.reachabilityFence(this);
    }
  }

  private void drain() {
    long[] tag = new long[1];
    try {
      while (true) {
        int status = TinkerRaw.tinker_completion_queue_next(queue, LINGER_MS, tag);
        if (status == Status.OK.value()) {
          TinkerFuture<?> future = pending.remove(tag[0]);
          if (future != null) {
            deliver(future::finish);
          }
        } else if (status == Status.TIMEOUT.value() || status == Status.INTERRUPTED.value()) {
          synchronized (this) {
            if (pending.isEmpty()) {
              running = false; // the next watch starts a new thread
              return;
            }
          }
        } else {
          // The queue is unusable: fail what is pending rather than leave it hanging.
          ArrayList<TinkerFuture<?>> failed;
          synchronized (this) {
            running = false;
            failed = new ArrayList<>(pending.values());
            pending.clear();
          }
          for (TinkerFuture<?> f : failed) {
            deliver(() -> f.abandon(status));
          }
          return;
        }
      }
    } finally {
      Reference.reachabilityFence(this);
    }
  }

  private static void deliver(Runnable completion) {
    try {
      CALLBACKS.execute(completion);
    } catch (RejectedExecutionException e) {
      completion.run(); // no thread to be had (out of memory): better late on this one than never
    }
  }
}
