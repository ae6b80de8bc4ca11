package dev.libtinker;

import static dev.libtinker.TrainingData.MODEL;
import static dev.libtinker.TrainingData.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who runs user code, and what an unclosed client leaves behind. Each check that used to hang
 * runs on a daemon thread of its own and fails after a bounded wait: a deadlocked thread is left
 * behind instead of hanging the run.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CompletionThreadTest extends EmulatorTest {

  /** {@code body}'s result, computed on a fresh daemon thread; fails after {@code seconds}. */
  private static <T> T within(long seconds, String what, Callable<T> body) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                result.complete(body.call());
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "test-" + what);
    t.setDaemon(true);
    t.start();
    try {
      return result.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return fail(what + " did not finish within " + seconds + " s (deadlock?)");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception) {
        throw (Exception) e.getCause();
      }
      throw e;
    }
  }

  @Test
  void aContinuationMayWaitForAnotherOperationOfTheSameClient() throws Exception {
    // A service client of its own, closed inside the bounded part: if the continuation deadlocks
    // the completion thread, closing would hang too.
    ServiceClient svc = Emulator.connect();
    TrainingClient tc = svc.createLoraTrainingClient(MODEL, LoraConfig.builder().rank(2).seed(3).build());
    List<Datum> data = batch();
    AdamParams adam = AdamParams.withLearningRate(0.01);
    OptimStepResult step =
        within(
            60,
            "thenApply(o -> tc.optimStep(adam))",
            () -> {
              OptimStepResult r =
                  tc.forwardBackwardAsync(data, "cross_entropy").thenApply(o -> tc.optimStep(adam)).get();
              // Every other future of the client still completes.
              svc.healthCheckAsync().get();
              tc.getInfo();
              tc.close();
              svc.close();
              return r;
            });
    assertTrue(step.metrics().containsKey("grad_norm:mean"), step.metrics().toString());
  }

  @Test
  void aContinuationMayCloseItsServiceClient() throws Exception {
    ServiceClient svc = Emulator.connect();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    within(
        30,
        "thenAccept(c -> svc.close())",
        () -> {
          svc.getServerCapabilitiesAsync()
              .thenAccept(
                  c -> {
                    svc.close();
                    closed.complete(null);
                  })
              .get();
          closed.get();
          svc.close(); // again, from another thread: idempotent
          return null;
        });
    TinkerException e = assertThrowsTinker(svc::healthCheck);
    assertEquals(Status.FAILED_PRECONDITION, e.code(), e.toString());
  }

  @Test
  void continuationsNeverRunOnTheDrainingThread() throws Exception {
    String thread =
        service.getServerCapabilitiesAsync().thenApply(c -> Thread.currentThread().getName()).get(30, TimeUnit.SECONDS);
    assertNotEquals(Completions.THREAD_NAME, thread);
  }

  private static TinkerException assertThrowsTinker(Runnable call) {
    try {
      call.run();
    } catch (TinkerException e) {
      return e;
    }
    return fail("no TinkerException");
  }

  private static long liveThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).count();
  }

  private static int openFiles() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? 0 : fds.length;
  }

  @Test
  void unclosedServiceClientsLeaveNoThreadsBehind() throws Exception {
    System.gc();
    long threadsBefore = liveThreads();
    int filesBefore = openFiles();
    int clients = 200;
    for (int i = 0; i < clients; i++) {
      ServiceClient c = Emulator.connect(); // never closed
      c.healthCheck(); // starts its completion thread
    }
    long threads = liveThreads();
    int files = openFiles();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while ((threads > threadsBefore + 4 || files > filesBefore + 16) && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(200);
      threads = liveThreads();
      files = openFiles();
    }
    assertTrue(
        threads <= threadsBefore + 4,
        clients + " unclosed clients left " + threads + " threads (" + threadsBefore + " before)");
    assertTrue(
        files <= filesBefore + 16,
        clients + " unclosed clients left " + files + " open files (" + filesBefore + " before)");
  }
}
