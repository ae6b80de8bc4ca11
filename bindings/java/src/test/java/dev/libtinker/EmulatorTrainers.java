package dev.libtinker;

import static dev.libtinker.TrainingData.MODEL;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Per test: a service client on the emulator ({@link Emulator#connect}) and the training clients
 * the test makes with it, all closed after the test, so that no model outlives the test that
 * made it. Register it with {@code @RegisterExtension}.
 */
final class EmulatorTrainers implements BeforeEachCallback, AfterEachCallback {
  private ServiceClient service;
  private final List<TrainingClient> trainers = new ArrayList<>();

  @Override
  public void beforeEach(ExtensionContext context) {
    service = Emulator.connect();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    trainers.forEach(TrainingClient::close);
    trainers.clear();
    if (service != null) {
      service.close();
      service = null;
    }
  }

  /** A rank-8 LoRA trainer on {@link TrainingData#MODEL}; equal seeds give equal starting weights. */
  TrainingClient newTrainer(long seed) {
    TrainingClient tc = service.createLoraTrainingClient(MODEL, LoraConfig.builder().rank(8).seed(seed).build());
    trainers.add(tc);
    return tc;
  }
}
