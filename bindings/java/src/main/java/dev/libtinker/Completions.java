package dev.libtinker;

import dev.libtinker.raw.SWIGTYPE_p_tinker_completion_queue;
import dev.libtinker.raw.TinkerRaw;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One libtinker completion queue and the one daemon thread ("tinker-completions") that drains it
 * and completes the matching {@link TinkerFuture}s. Pending futures cost a map entry, not a
 * thread.
 */
final class Completions implements AutoCloseable {
  static final String THREAD_NAME = "tinker-completions";

  private final SWIGTYPE_p_tinker_completion_queue queue;
  private final ConcurrentHashMap<Long, TinkerFuture<?>> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextTag = new AtomicLong(1);
  private final Thread thread;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean closing;

  Completions() {
    Tinker.load();
    SWIGTYPE_p_tinker_completion_queue[] out = new SWIGTYPE_p_tinker_completion_queue[1];
    TinkerRaw.tinker_completion_queue_new(out);
    queue = out[0];
    thread = new Thread(this::drain, THREAD_NAME);
    thread.setDaemon(true);
    thread.start();
  }

  /** Routes the future's completion through the queue. */
  void watch(TinkerFuture<?> future) {
    long tag = nextTag.getAndIncrement();
    pending.put(tag, future); // before attaching: an already finished future reports at once
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
    }
  }

  private void drain() {
    long[] tag = new long[1];
    while (true) {
      int status = TinkerRaw.tinker_completion_queue_next(queue, closing ? 0 : -1, tag);
      if (status == Status.OK) {
        TinkerFuture<?> future = pending.remove(tag[0]);
        if (future != null) {
          future.finish();
        }
      } else if (status == Status.TIMEOUT && closing) {
        return; // drained after close
      } else if (status != Status.INTERRUPTED && status != Status.TIMEOUT) {
        return; // the queue is unusable; close() fails what is left
      }
    }
  }

  /** Stops the thread after delivering what already finished; the rest ends cancelled. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closing = true;
    TinkerRaw.tinker_completion_queue_wakeup(queue);
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    for (TinkerFuture<?> future : new ArrayList<>(pending.values())) {
      future.abandon();
    }
    pending.clear();
    TinkerRaw.tinker_completion_queue_free(queue);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
