package dev.libtinker;

import static dev.libtinker.TrainingData.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;

/**
 * A test of the REST client against the emulator: each test is a user of its own (a fresh API
 * key, {@link #apiKey}), so what the user lists is only what the test made, and has a REST client
 * on its service client.
 */
abstract class RestTest extends EmulatorTest {
  /** The API key of this test's user: other clients made with it are the same user. */
  protected final String apiKey = "tml-java-rest-" + UUID.randomUUID();

  protected RestClient rest;

  @Override
  protected ServiceClient connectService() {
    return Emulator.connectAs(apiKey);
  }

  @BeforeEach
  void openRest() {
    rest = own(service.createRestClient());
  }

  /** A rank-8 LoRA trainer on {@link TrainingData#MODEL} of this test's service client. */
  protected TrainingClient trainer(long seed) {
    return own(service.createLoraTrainingClient(MODEL, LoraConfig.builder().rank(8).seed(seed).build()));
  }

  protected static TinkerException failsWith(Status status, Executable call) {
    TinkerException e = assertThrows(TinkerException.class, call);
    assertEquals(status, e.code(), e.toString());
    return e;
  }

  protected static TinkerException failureWith(Status status, CompletableFuture<?> future)
      throws InterruptedException {
    TinkerException e = failure(future);
    assertEquals(status, e.code(), e.toString());
    return e;
  }

  protected static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(60, TimeUnit.SECONDS);
  }

  /**
   * Runs every call, each of which must throw INVALID_ARGUMENT from the call itself with a message
   * starting with its key (the method it names, and what it says); then forgets them.
   */
  protected static void check(Map<String, Executable> calls, String argument) {
    calls.forEach(
        (start, call) -> {
          String m = failsWith(Status.INVALID_ARGUMENT, call).getMessage();
          assertTrue(m.startsWith(start), "given " + argument + ": " + m);
        });
    calls.clear();
  }
}
