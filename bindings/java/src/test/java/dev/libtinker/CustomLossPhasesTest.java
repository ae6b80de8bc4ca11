package dev.libtinker;

import static dev.libtinker.TrainingData.maxDifference;
import static dev.libtinker.TrainingData.nextToken;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The two phases of forward_backward_custom as public methods (T3a forwardBackwardCustomBegin, T3b
 * forwardBackwardCustomFinish) with the caller's code on the {@link CustomLossStep} between them,
 * against a tinker-emulator.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CustomLossPhasesTest {
  @RegisterExtension final EmulatorTrainers trainers = new EmulatorTrainers();

  private static List<Datum> data() {
    return List.of(nextToken("two phases", new float[] {1, 0.5f, 2, 0, 1, 1, 3, 1, 0.25f}), nextToken("by hand", 2f));
  }

  /** Cross-entropy by hand on the step: loss Σ −w·logprob, gradient −w; returns the loss. */
  private static double crossEntropy(CustomLossStep step, List<Datum> data) {
    List<float[]> logprobs = step.logprobs();
    assertEquals(data.size(), logprobs.size());
    assertEquals(data.size(), step.forwardOutput().numDatums());
    double loss = 0;
    for (int i = 0; i < data.size(); i++) {
      float[] w = data.get(i).lossFnInputs().get("weights").float32();
      float[] lp = logprobs.get(i);
      assertArrayEquals(lp, step.forwardOutput().logprobs(i));
      float[] g = new float[lp.length];
      for (int j = 0; j < lp.length; j++) {
        loss -= w[j] * lp[j];
        g[j] = -w[j];
      }
      step.setGradient(i, g);
    }
    step.setLoss(loss);
    step.addMetric("by_hand", 3.5);
    return loss;
  }

  @Test
  void blockingPhasesTrainLikeTheBuiltInCrossEntropy() {
    TrainingClient custom = trainers.newTrainer(41);
    TrainingClient builtIn = trainers.newTrainer(41);
    List<Datum> data = data();
    ForwardBackwardOutput out;
    double loss;
    try (CustomLossStep step = custom.forwardBackwardCustomBegin(data)) {
      assertEquals(1, Emulator.forwardBackwardRequests(custom.modelId()), "the forward pass");
      loss = crossEntropy(step, data);
      out = custom.forwardBackwardCustomFinish(step);
    }
    assertEquals(2, Emulator.forwardBackwardRequests(custom.modelId()), "and the backward pass");
    ForwardBackwardOutput b = builtIn.forwardBackward(data, "cross_entropy");
    assertEquals(loss, out.metric("loss:sum"), 1e-9 * loss);
    assertEquals(b.metric("loss:sum"), out.metric("loss:sum"), 1e-6 * b.metric("loss:sum"));
    assertEquals(3.5, out.metric("by_hand"));

    custom.optimStep(AdamParams.withLearningRate(0.05));
    builtIn.optimStep(AdamParams.withLearningRate(0.05));
    assertTrue(maxDifference(custom.forward(data, "cross_entropy"), builtIn.forward(data, "cross_entropy")) <= 1e-5);
  }

  @Test
  void asyncPhasesGiveTheSameResult() throws Exception {
    TrainingClient tc = trainers.newTrainer(42);
    List<Datum> data = data();
    CustomLossStep step = tc.forwardBackwardCustomBeginAsync(data).get(60, TimeUnit.SECONDS);
    TinkerFuture<ForwardBackwardOutput> finish;
    double loss;
    try {
      loss = crossEntropy(step, data);
      finish = tc.forwardBackwardCustomFinishAsync(step);
    } finally {
      step.close(); // the finish call copied the step: it may go at once
    }
    ForwardBackwardOutput out = finish.get(60, TimeUnit.SECONDS);
    assertEquals(loss, out.metric("loss:sum"), 1e-9 * loss);
    assertEquals(2, Emulator.forwardBackwardRequests(tc.modelId()));
  }

  @Test
  void aStepWithoutEveryGradientIsRefusedStaysUsableAndFinishesOnce() {
    TrainingClient tc = trainers.newTrainer(43);
    List<Datum> data = data();
    CustomLossStep closed;
    try (CustomLossStep step = tc.forwardBackwardCustomBegin(data)) {
      closed = step;
      List<float[]> logprobs = step.logprobs();
      step.setGradient(0, new float[logprobs.get(0).length]);
      TinkerException e = assertThrows(TinkerException.class, () -> tc.forwardBackwardCustomFinish(step));
      assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
      assertTrue(e.getMessage().startsWith("TrainingClient.forwardBackwardCustomFinish: "), e.getMessage());
      assertEquals(1, Emulator.forwardBackwardRequests(tc.modelId()), "no backward pass");

      e = assertThrows(TinkerException.class, () -> step.setGradient(1, new float[logprobs.get(1).length + 1]));
      assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
      e = assertThrows(TinkerException.class, () -> step.setGradient(2, new float[1]));
      assertEquals(Status.OUT_OF_RANGE, e.code(), e.toString());

      step.setGradient(1, new float[logprobs.get(1).length]);
      tc.forwardBackwardCustomFinish(step);
      assertEquals(2, Emulator.forwardBackwardRequests(tc.modelId()));
      e = assertThrows(TinkerException.class, () -> tc.forwardBackwardCustomFinishAsync(step));
      assertEquals(Status.FAILED_PRECONDITION, e.code(), e.toString());
      assertTrue(e.getMessage().startsWith("TrainingClient.forwardBackwardCustomFinishAsync: "), e.getMessage());
    }
    TinkerException e = assertThrows(TinkerException.class, () -> closed.setLoss(1));
    assertEquals(Status.FAILED_PRECONDITION, e.code(), "a closed step");
    assertEquals(2, Emulator.forwardBackwardRequests(tc.modelId()));
  }
}
