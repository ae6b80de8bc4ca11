package dev.libtinker;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Owns one native pointer. Calls borrow it under a read lock; {@link #close} takes the write
 * lock, so a pointer is never freed while another thread's call still uses it. A Cleaner frees
 * handles that were never closed (libtinker allows freeing in any order, from any thread).
 */
final class NativeHandle<P> {
  private static final Cleaner CLEANER = Cleaner.create();

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Cleaner.Cleanable cleanable;
  private volatile boolean closing;
  private P ptr;

  NativeHandle(P pointer, Consumer<P> free) {
    this.ptr = pointer;
    // The action captures the pointer and the free function, never this.
    this.cleanable = CLEANER.register(this, () -> free.accept(pointer));
  }

  boolean isClosing() {
    return closing;
  }

  <R> R use(Function<P, R> call) {
    lock.readLock().lock();
    try {
      if (ptr == null || closing) {
        throw TinkerException.closed();
      }
      return call.apply(ptr);
    } finally {
      lock.readLock().unlock();
      Reference.reachabilityFence(this);
    }
  }

  /** Frees the pointer once; wake (may be null) runs first to end other threads' blocking calls. */
  void close(Consumer<P> wake) {
    closing = true;
    if (wake != null) {
      lock.readLock().lock();
      try {
        if (ptr != null) {
          wake.accept(ptr);
        }
      } finally {
        lock.readLock().unlock();
      }
    }
    lock.writeLock().lock();
    try {
      if (ptr != null) {
        ptr = null;
        cleanable.clean();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }
}
