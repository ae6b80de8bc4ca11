package dev.libtinker;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test against the emulator: each test gets its own service client, and every handle it makes
 * with {@link #own} is closed after it, before the service client.
 */
abstract class EmulatorTest {
  protected ServiceClient service;
  private final List<AutoCloseable> owned = new ArrayList<>();

  /** The service client of one test (a subclass may connect as a user of its own). */
  protected ServiceClient connectService() {
    return Emulator.connect();
  }

  @BeforeEach
  void connect() {
    service = connectService();
  }

  @AfterEach
  void closeOwned() throws Exception {
    for (AutoCloseable c : owned) {
      c.close();
    }
    if (service != null) {
      service.close();
    }
  }

  /** The failure of a future, which must have failed with a TinkerException. */
  protected static TinkerException failure(CompletableFuture<?> future) throws InterruptedException {
    try {
      future.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return assertInstanceOf(TinkerException.class, e.getCause());
    } catch (TimeoutException e) {
      fail("the future did not finish");
    }
    return fail("the future succeeded");
  }

  protected <T extends AutoCloseable> T own(T c) {
    owned.add(c);
    return c;
  }
}
