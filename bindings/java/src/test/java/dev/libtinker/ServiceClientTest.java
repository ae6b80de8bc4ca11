package dev.libtinker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tests of the Java binding against a tinker-emulator. CTest runs them under
 * tests/with_emulator.sh, which sets TINKER_BASE_URL and TINKER_API_KEY.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceClientTest {
  private ServiceClient client;

  @BeforeEach
  void connect() {
    String url = System.getenv("TINKER_BASE_URL");
    assumeTrue(url != null && !url.isEmpty(), "TINKER_BASE_URL is not set (run under with_emulator.sh)");
    client = ServiceClient.create();
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  private static long completionThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(Completions.THREAD_NAME) && t.isAlive())
        .count();
  }

  @Test
  void versionStringIsSemver() {
    assertTrue(Tinker.version().matches("\\d+\\.\\d+\\.\\d+"), Tinker.version());
  }

  @Test
  void blockingHealthCheckSucceeds() {
    client.healthCheck();
  }

  @Test
  void healthCheckAsyncIsCompletedByTheCompletionThread() throws Exception {
    TinkerFuture<Void> future = client.healthCheckAsync();
    assertNull(future.get(30, TimeUnit.SECONDS));
    assertTrue(future.isDone());
    assertFalse(future.isCompletedExceptionally());
  }

  @Test
  void manyFuturesShareOneCompletionThread() {
    long before = completionThreads();
    List<CompletableFuture<?>> futures = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      futures.add(i % 2 == 0 ? client.healthCheckAsync() : client.getServerCapabilitiesAsync());
    }
    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();
    assertEquals(before, completionThreads(), "no thread per future");
  }

  @Test
  void getServerCapabilitiesListsModels() {
    ServerCapabilities caps = client.getServerCapabilities();
    assertFalse(caps.models().isEmpty(), caps.json());
    for (ServerCapabilities.Model m : caps.models()) {
      assertFalse(m.name() == null || m.name().isEmpty(), caps.json());
    }
    assertTrue(caps.json().contains(caps.models().get(0).name()));
  }

  @Test
  void malformedApiKeyIsUnauthenticated() {
    TinkerException e =
        assertThrows(TinkerException.class, () -> ServiceClient.builder().apiKey("bad-key").build());
    assertEquals(Status.UNAUTHENTICATED, e.code(), e.toString());
    assertEquals("TINKER_E_UNAUTHENTICATED", e.statusName());
    assertFalse(e.getMessage().isEmpty());
  }

  @Test
  void keyTheServerRejectsIsUnauthenticatedWithHttp401() {
    // Well-formed (a JWT shape) so the client accepts it; the emulator did not issue it.
    try (ServiceClient rejected =
        ServiceClient.builder().apiKey("eyJub3QiOiJpc3N1ZWQifQ.e30.c2ln").build()) {
      TinkerException e = assertThrows(TinkerException.class, rejected::getServerCapabilities);
      assertEquals(Status.UNAUTHENTICATED, e.code(), e.toString());
      assertEquals(401, e.httpStatus());
      assertEquals(TinkerException.Category.USER, e.category());
    }
  }

  @Test
  void invalidOptionThrowsInvalidArgument() {
    TinkerException e =
        assertThrows(TinkerException.class, () -> ServiceClient.builder().maxRetries(-1).build());
    assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
  }

  @Test
  void nonAsciiTextRoundTripsAsUtf8() {
    // The header value reaches the C side as UTF-8 bytes; an invalid header name comes back in
    // the error message unchanged (emoji lie outside the BMP, where JNI's modified UTF-8 fails).
    String name = "X-Bad Name \uD83D\uDE00";
    TinkerException e =
        assertThrows(
            TinkerException.class, () -> ServiceClient.builder().header(name, "v").build());
    assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
    assertTrue(e.getMessage().contains(name), "message lost the UTF-8 text: " + e.getMessage());
  }

  @Test
  void closingWithOperationsInFlightCompletesEveryFuture() {
    ServiceClient extra = ServiceClient.create();
    List<TinkerFuture<ServerCapabilities>> futures = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      futures.add(extra.getServerCapabilitiesAsync());
    }
    extra.close();
    for (TinkerFuture<ServerCapabilities> f : futures) {
      assertTrue(f.isDone(), "a future was left pending by close()");
      if (f.isCompletedExceptionally()) {
        Throwable cause = assertThrows(Exception.class, f::join).getCause();
        assertTrue(cause instanceof TinkerException, String.valueOf(cause));
        assertEquals(Status.CANCELLED, ((TinkerException) cause).code(), cause.toString());
      }
    }
  }

  @Test
  void closeStopsTheCompletionThreadAndIsIdempotent() throws Exception {
    long before = completionThreads();
    ServiceClient extra = ServiceClient.create();
    assertEquals(before + 1, completionThreads());
    extra.healthCheck();
    extra.close();
    extra.close();
    for (int i = 0; i < 100 && completionThreads() > before; i++) {
      Thread.sleep(10);
    }
    assertEquals(before, completionThreads());
    TinkerException e = assertThrows(TinkerException.class, extra::healthCheck);
    assertEquals(Status.FAILED_PRECONDITION, e.code());
  }
}
