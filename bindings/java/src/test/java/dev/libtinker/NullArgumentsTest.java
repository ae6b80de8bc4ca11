package dev.libtinker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Public methods, generated (api/gen_java.py) and hand-written, refuse a null where a value is
 * required with a NullPointerException naming the parameter, from the call itself; a null that
 * means "none" or "the default" stays accepted. Nothing here needs a server: the clients are
 * made without I/O and every refusal comes before anything is sent.
 */
class NullArgumentsTest {
  private ServiceClient service;
  private RestClient rest;

  @BeforeEach
  void clients() {
    // Nothing listens there; a request sent by mistake would fail instead of NPE.
    service = ServiceClient.builder().baseUrl("http://127.0.0.1:9").apiKey("tml-test-key-0001").build();
    rest = service.createRestClient();
  }

  @AfterEach
  void close() {
    rest.close();
    service.close();
  }

  private static void refusesNull(String parameter, Executable call) {
    assertEquals(parameter, assertThrows(NullPointerException.class, call).getMessage());
  }

  @Test
  void generatedOperationsNameTheNullParameterInEveryForm() {
    refusesNull("checkpointId", () -> rest.deleteCheckpoint("run", null));
    refusesNull("checkpointId", () -> rest.deleteCheckpointAsync("run", null));
    refusesNull("trainingRunId", () -> rest.deleteCheckpointAsync(null, "weights/x"));
    refusesNull("tinkerPath", () -> rest.publishCheckpointFromTinkerPath(null));
    refusesNull("trainingRunId", () -> rest.getTrainingRun(null));
    // The shorter overload of an operation with optional parameters checks the same way.
    refusesNull("sessionId", () -> rest.getSessionAsync(null));
  }

  @Test
  void generatedBuildersNameTheNullParameter() {
    refusesNull("progressTimeout", () -> RetryConfig.builder().progressTimeout(null));
  }

  @Test
  void handWrittenMethodsNameTheNullParameter() {
    refusesNull("path", () -> TinkerPath.parse(null));
    refusesNull("name", () -> TinkerPath.format("run", "weights", null));
    refusesNull("url", () -> ServiceClient.builder().baseUrl(null));
    refusesNull("value", () -> ServiceClient.builder().header("X-Test", null));
    refusesNull("timeout", () -> ServiceClient.builder().requestTimeout((Duration) null));
    refusesNull("modelInput", () -> Datum.builder(null));
    refusesNull("tensor", () -> Datum.builder(ModelInput.ofTokens(1, 2)).put("weights", null));
    refusesNull("lossFnInputs", () -> Datum.of(ModelInput.ofTokens(1), null));
    refusesNull("data", () -> TensorData.ofFloat32(null));
    refusesNull("stops", () -> SamplingParams.builder().stopStrings((String[]) null));
    refusesNull("path", () -> ServiceClient.SamplingClientOptions.ofModelPath(null));
    refusesNull("gradients", () -> new CustomLossFunction.Result(0, null));
    refusesNull("name", () -> new CustomLossFunction.Result(0, List.of()).withMetric(null, 1));
  }

  @Test
  void nullsThatMeanNoneAreStillAccepted() {
    assertEquals(Map.of(), Datum.of(ModelInput.ofTokens(1), Map.of()).lossFnInputs());
    assertEquals(ServiceClient.SamplingClientOptions.defaults(), ServiceClient.SamplingClientOptions.ofBaseModel("m").withBaseModel(null));
  }
}
