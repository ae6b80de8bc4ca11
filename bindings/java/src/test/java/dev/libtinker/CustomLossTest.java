package dev.libtinker;

import static dev.libtinker.TrainingData.maxDifference;
import static dev.libtinker.TrainingData.nextToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** forward_backward_custom (T3) with a Java loss function, against a tinker-emulator. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CustomLossTest {
  @RegisterExtension final EmulatorTrainers trainers = new EmulatorTrainers();

  /** Unequal weights, so a dropped sign or scale in loss or gradient shows. */
  private static List<Datum> weightedBatch() {
    return List.of(
        nextToken("custom losses", new float[] {0, 0.5f, 1, 2, 0.25f, 1, 1, 3, 0, 1, 1, 0.75f}),
        nextToken("run on the client", 1.5f));
  }

  /** Cross-entropy written as a custom loss: loss = Σ −w·logprob, gradient −w; two metrics. */
  private static final class CrossEntropy implements CustomLossFunction {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicReference<String> thread = new AtomicReference<>();
    volatile double loss;

    @Override
    public Result compute(List<Datum> data, List<float[]> logprobs) {
      calls.incrementAndGet();
      thread.set(Thread.currentThread().getName());
      double sum = 0;
      List<float[]> gradients = new ArrayList<>();
      for (int i = 0; i < data.size(); i++) {
        float[] w = data.get(i).lossFnInputs().get("weights").float32();
        float[] lp = logprobs.get(i);
        assertEquals(w.length, lp.length, "one logprob per target");
        float[] g = new float[lp.length];
        for (int j = 0; j < lp.length; j++) {
          sum -= w[j] * lp[j];
          g[j] = -w[j];
        }
        gradients.add(g);
      }
      loss = sum;
      return new Result(sum, gradients).withMetric("custom_metric", 7.5).withMetric("datums_seen:sum", data.size());
    }
  }

  private void customEqualsBuiltInCrossEntropy(boolean async) throws Exception {
    TrainingClient custom = trainers.newTrainer(31);
    TrainingClient builtIn = trainers.newTrainer(31);
    List<Datum> data = weightedBatch();
    assertEquals(0f, maxDifference(custom.forward(data, "cross_entropy"), builtIn.forward(data, "cross_entropy")),
        "twins start identical");

    int sent = Emulator.forwardBackwardRequests(custom.modelId());
    CrossEntropy fn = new CrossEntropy();
    ForwardBackwardOutput c =
        async
            ? custom.forwardBackwardCustomAsync(data, fn).get(60, TimeUnit.SECONDS)
            : custom.forwardBackwardCustom(data, fn);
    ForwardBackwardOutput b = builtIn.forwardBackward(data, "cross_entropy");
    assertEquals(1, fn.calls.get());
    if (!async) {
      assertEquals(Thread.currentThread().getName(), fn.thread.get(), "blocking: runs on the caller's thread");
    }
    assertEquals(b.metric("loss:sum"), c.metric("loss:sum"), 1e-6 * b.metric("loss:sum"));
    assertEquals(fn.loss, c.metric("loss:sum"), 1e-9 * fn.loss);
    assertEquals(7.5, c.metric("custom_metric"));
    assertEquals(2.0, c.metric("datums_seen:sum"));
    assertEquals(sent + 2, Emulator.forwardBackwardRequests(custom.modelId()), "a forward and a backward pass");

    custom.optimStep(AdamParams.withLearningRate(0.05));
    builtIn.optimStep(AdamParams.withLearningRate(0.05));
    ForwardBackwardOutput afterCustom = custom.forward(data, "cross_entropy");
    ForwardBackwardOutput afterBuiltIn = builtIn.forward(data, "cross_entropy");
    assertTrue(maxDifference(afterCustom, afterBuiltIn) <= 1e-5, "diff " + maxDifference(afterCustom, afterBuiltIn));
    assertTrue(maxDifference(afterBuiltIn, b) > 1e-4, "the step changed the model");
  }

  @Test
  void blockingCustomCrossEntropyTrainsLikeTheBuiltInOne() throws Exception {
    customEqualsBuiltInCrossEntropy(false);
  }

  @Test
  void asyncCustomCrossEntropyTrainsLikeTheBuiltInOne() throws Exception {
    customEqualsBuiltInCrossEntropy(true);
  }

  @Test
  void asyncRunsTheLossFunctionOnTheGivenExecutor() throws Exception {
    TrainingClient tc = trainers.newTrainer(32);
    AtomicInteger executed = new AtomicInteger();
    Executor executor =
        command -> {
          executed.incrementAndGet();
          new Thread(command, "java-loss-executor").start();
        };
    CrossEntropy fn = new CrossEntropy();
    ForwardBackwardOutput out = tc.forwardBackwardCustomAsync(weightedBatch(), fn, executor).get(60, TimeUnit.SECONDS);
    assertEquals(1, executed.get());
    assertEquals("java-loss-executor", fn.thread.get());
    assertEquals(7.5, out.metric("custom_metric"));
  }

  @Test
  void cancellingDuringTheForwardPassRunsNoLossFunctionAndSendsNoBackwardPass() throws Exception {
    TrainingClient tc = trainers.newTrainer(36);
    AtomicReference<TinkerFuture<ForwardBackwardOutput>> future = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch continued = new CountDownLatch(1);
    // Runs the continuation after the forward pass only once the test has cancelled the future.
    // On a thread of its own: when the forward pass is already done as the continuation is
    // registered, CompletableFuture calls the executor on the test thread itself.
    Executor cancelFirst =
        command ->
            new Thread(
                    () -> {
                      try {
                        started.await();
                        future.get().cancel(true);
                        command.run();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      } finally {
                        continued.countDown();
                      }
                    },
                    "java-cancel-first")
                .start();
    CrossEntropy fn = new CrossEntropy();
    future.set(tc.forwardBackwardCustomAsync(weightedBatch(), fn, cancelFirst));
    started.countDown();
    assertTrue(continued.await(60, TimeUnit.SECONDS));
    assertTrue(future.get().isCancelled());
    assertEquals(0, fn.calls.get());
    assertEquals(1, Emulator.forwardBackwardRequests(tc.modelId()), "the forward pass only");
    assertTrue(tc.forwardBackwardCustom(weightedBatch(), fn).metric("loss:sum") > 0, "the client still works");
  }

  @Test
  void anExceptionInTheLossFunctionFailsTheCallAndSendsNoBackwardPass() throws Exception {
    TrainingClient tc = trainers.newTrainer(33);
    IllegalStateException boom = new IllegalStateException("loss exploded");
    CustomLossFunction throwing =
        (data, logprobs) -> {
          throw boom;
        };
    assertSame(boom, assertThrows(IllegalStateException.class, () -> tc.forwardBackwardCustom(weightedBatch(), throwing)));
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> tc.forwardBackwardCustomAsync(weightedBatch(), throwing).get(60, TimeUnit.SECONDS));
    assertSame(boom, e.getCause());
    assertEquals(2, Emulator.forwardBackwardRequests(tc.modelId()), "the two forward passes only");
    // The client still works afterwards.
    assertTrue(tc.forwardBackwardCustom(weightedBatch(), new CrossEntropy()).metric("loss:sum") > 0);
  }

  @Test
  void aGradientOfTheWrongLengthIsRefusedAndNoBackwardPassIsSent() throws Exception {
    TrainingClient tc = trainers.newTrainer(34);
    CustomLossFunction shortGradient =
        (data, logprobs) -> {
          List<float[]> g = new ArrayList<>();
          for (float[] lp : logprobs) {
            g.add(new float[lp.length]);
          }
          g.set(1, new float[logprobs.get(1).length - 1]);
          return new CustomLossFunction.Result(1, g);
        };
    TinkerException e =
        assertThrows(TinkerException.class, () -> tc.forwardBackwardCustom(weightedBatch(), shortGradient));
    assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
    assertTrue(e.getMessage().contains("datum 1"), e.getMessage());

    CustomLossFunction oneGradient =
        (data, logprobs) -> new CustomLossFunction.Result(1, List.of(new float[logprobs.get(0).length]));
    ExecutionException async =
        assertThrows(
            ExecutionException.class,
            () -> tc.forwardBackwardCustomAsync(weightedBatch(), oneGradient).get(60, TimeUnit.SECONDS));
    assertTrue(async.getCause() instanceof TinkerException, String.valueOf(async.getCause()));
    assertEquals(Status.INVALID_ARGUMENT, ((TinkerException) async.getCause()).code());
    assertTrue(async.getCause().getMessage().contains("1 gradients for 2 datums"), async.getCause().getMessage());
    assertEquals(2, Emulator.forwardBackwardRequests(tc.modelId()), "the two forward passes only");
  }

  @Test
  void lossInputsBeyondTargetsAndWeightsAreRefusedBeforeAnythingIsSent() {
    TrainingClient tc = trainers.newTrainer(35);
    Datum withAdvantages =
        Datum.builder(ModelInput.ofTokens(1, 2))
            .put("target_tokens", TensorData.ofInt64(new long[] {2, 3}))
            .put("advantages", TensorData.ofFloat32(new float[] {1, 1}))
            .build();
    CrossEntropy fn = new CrossEntropy();
    TinkerException e =
        assertThrows(TinkerException.class, () -> tc.forwardBackwardCustom(List.of(withAdvantages), fn));
    assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
    e = assertThrows(TinkerException.class, () -> tc.forwardBackwardCustomAsync(List.of(withAdvantages), fn));
    assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
    assertEquals(0, fn.calls.get());
    assertEquals(0, Emulator.forwardBackwardRequests(tc.modelId()));
  }
}
