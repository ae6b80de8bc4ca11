package dev.libtinker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    client = Emulator.connect();
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
    assertTrue(completionThreads() <= before + 1, "no thread per future");
  }

  @Test
  void startSessionMakesTheClientsOneSession() throws Exception {
    assertTrue(client.sessionId().isEmpty(), "no session before the first operation that needs one");
    client.startSession();
    String id = client.sessionId().orElseThrow();
    assertTrue(Emulator.get("/_emulator/sessions").contains("\"" + id + "\""), id);
    assertNull(client.startSessionAsync().get(30, TimeUnit.SECONDS));
    assertEquals(id, client.sessionId().orElseThrow(), "one session per client");
    try (TrainingClient tc = client.createLoraTrainingClient(TrainingData.MODEL, LoraConfig.withRank(2))) {
      assertTrue(tc.modelId().startsWith(id), tc.modelId() + " in session " + id);
    }
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
  void closingWithOperationsInFlightCompletesEveryFuture() throws Exception {
    ServiceClient extra = ServiceClient.create();
    List<TinkerFuture<ServerCapabilities>> futures = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      futures.add(extra.getServerCapabilitiesAsync());
    }
    extra.close();
    for (TinkerFuture<ServerCapabilities> f : futures) {
      try {
        f.get(30, TimeUnit.SECONDS);
      } catch (ExecutionException expected) {
        // checked below
      } catch (TimeoutException e) {
        fail("a future was left pending by close()");
      }
      if (f.isCompletedExceptionally()) {
        Throwable cause = assertThrows(Exception.class, f::join).getCause();
        assertTrue(cause instanceof TinkerException, String.valueOf(cause));
        assertEquals(Status.CANCELLED, ((TinkerException) cause).code(), cause.toString());
      }
    }
  }

  /**
   * The raw layer's generic typemaps: primitive arrays in, one-element arrays for scalar and
   * handle out-params (the tensor is borrowed), and an array the call fills.
   */
  @Test
  void rawLayerArraysTensorsAndMetrics() {
    SWIGTYPE_p_tinker_model_input[] input = new SWIGTYPE_p_tinker_model_input[1];
    TinkerRaw.tinker_model_input_new(input);
    SWIGTYPE_p_tinker_service_client[] service = new SWIGTYPE_p_tinker_service_client[1];
    SWIGTYPE_p_tinker_lora_config[] lora = new SWIGTYPE_p_tinker_lora_config[1];
    SWIGTYPE_p_tinker_training_client[] trainer = new SWIGTYPE_p_tinker_training_client[1];
    SWIGTYPE_p_tinker_model_input[] datumInput = new SWIGTYPE_p_tinker_model_input[1];
    SWIGTYPE_p_tinker_datum[] datum = new SWIGTYPE_p_tinker_datum[1];
    SWIGTYPE_p_tinker_batch[] batch = new SWIGTYPE_p_tinker_batch[1];
    SWIGTYPE_p_tinker_forward_backward_output[] output = new SWIGTYPE_p_tinker_forward_backward_output[1];
    try {
      TinkerRaw.tinker_model_input_add_text_int32(input[0], new int[] {1, 2, 3});
      TinkerRaw.tinker_model_input_add_text_int64(input[0], new long[] {4, 5});
      long[] length = new long[1];
      TinkerRaw.tinker_model_input_length(input[0], length);
      assertEquals(5, length[0]);

      TinkerRaw.tinker_service_client_new(service, null);
      TinkerRaw.tinker_lora_config_new(lora);
      TinkerRaw.tinker_lora_config_set_rank(lora[0], 4);
      TinkerRaw.tinker_service_client_create_lora_training_client(
          service[0], "tinker-emulator/tiny-bigram", lora[0], null, trainer);
      TinkerRaw.tinker_model_input_new(datumInput);
      TinkerRaw.tinker_model_input_add_text_int32(datumInput[0], new int[] {1, 2, 3, 4});
      TinkerRaw.tinker_datum_new(datum, datumInput[0]);
      TinkerRaw.tinker_datum_add_tensor_int64(
          datum[0], "target_tokens", new long[] {2, 3, 4, 5}, new long[] {4});
      TinkerRaw.tinker_datum_add_tensor_float32(
          datum[0], "weights", new float[] {1, 1, 1, 1}, new long[] {4});
      TinkerRaw.tinker_batch_new(batch);
      TinkerRaw.tinker_batch_add(batch[0], datum[0]);
      TinkerRaw.tinker_training_client_forward_backward(
          trainer[0], batch[0], "cross_entropy", null, output);

      SWIGTYPE_p_tinker_tensor[] tensor = new SWIGTYPE_p_tinker_tensor[1];
      TinkerRaw.tinker_forward_backward_output_tensor(output[0], 0, "logprobs", tensor);
      float[] values = new float[(int) TinkerRaw.tinker_tensor_numel(tensor[0])];
      long[] written = new long[1];
      TinkerRaw.tinker_tensor_copy_to_float32(tensor[0], values, written);
      assertEquals(4, written[0]);
      for (float v : values) {
        assertTrue(v <= 0, "logprob " + v);
      }
      SWIGTYPE_p_tinker_metrics metrics = TinkerRaw.tinker_forward_backward_output_metrics(output[0]);
      double[] loss = new double[1];
      TinkerRaw.tinker_metrics_get(metrics, "loss:sum", loss);
      assertTrue(loss[0] > 0, "loss:sum " + loss[0]);
      assertThrows(TinkerException.class, () -> TinkerRaw.tinker_metrics_get(metrics, "no such metric", loss));
    } finally {
      TinkerRaw.tinker_forward_backward_output_free(output[0]);
      TinkerRaw.tinker_batch_free(batch[0]);
      TinkerRaw.tinker_datum_free(datum[0]);
      TinkerRaw.tinker_model_input_free(datumInput[0]);
      TinkerRaw.tinker_training_client_free(trainer[0]);
      TinkerRaw.tinker_lora_config_free(lora[0]);
      TinkerRaw.tinker_service_client_free(service[0]);
      TinkerRaw.tinker_model_input_free(input[0]);
    }
  }

  @Test
  void theCompletionThreadRunsOnlyWhileNeededAndCloseIsIdempotent() throws Exception {
    long before = completionThreads();
    ServiceClient extra = ServiceClient.create();
    assertTrue(completionThreads() <= before, "a thread before the first operation");
    extra.healthCheck();
    extra.close();
    extra.close();
    // The thread ends Completions.LINGER_MS after the last operation finished.
    for (int i = 0; i < 1000 && completionThreads() > before; i++) {
      Thread.sleep(10);
    }
    assertTrue(completionThreads() <= before, "the completion thread did not end");
    TinkerException e = assertThrows(TinkerException.class, extra::healthCheck);
    assertEquals(Status.FAILED_PRECONDITION, e.code());
  }
}
