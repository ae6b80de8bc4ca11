package dev.libtinker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * What the REST client has the server export, against the emulator: a checkpoint's archive (R7
 * get_checkpoint_archive_url, R8 ..._from_tinker_path) and a session's trace (R19
 * export_session_trace). Both answer a URL that downloads without credentials.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RestExportsTest extends RestTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /**
   * The exports wait on the server (an archive being built answers 503, a trace export answers
   * "pending" at first): this test's client asks again at once rather than after the official 30 s
   * and 5 s.
   */
  @Override
  protected ServiceClient connectService() {
    return Emulator.builderAs(apiKey)
        .archiveRetry(Duration.ofMillis(50), 200)
        .tracePollInterval(Duration.ofMillis(20))
        .build();
  }

  /** Runs {@code body} with the emulator's settings changed by {@code json}, then {@code reset}. */
  private static void withEmulatorConfig(String json, String reset, Executable body) throws Throwable {
    Emulator.post("/_emulator/config", json);
    try {
      body.execute();
    } finally {
      Emulator.post("/_emulator/config", reset);
    }
  }

  /** The body of a GET of an absolute URL, sent without credentials; it must answer 200. */
  private static byte[] download(String url) throws IOException, InterruptedException {
    URI uri = URI.create(url);
    assertTrue(uri.isAbsolute(), url);
    assertTrue(uri.getScheme().equals("http") || uri.getScheme().equals("https"), url);
    assertNotNull(uri.getHost(), url);
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), url);
    return r.body();
  }

  /** The URL is absolute, expires in the future and downloads a gzip file. */
  private static void assertDownloadableArchive(CheckpointArchiveUrl a) throws Exception {
    OffsetDateTime expires = OffsetDateTime.parse(a.expires());
    assertTrue(expires.isAfter(OffsetDateTime.now()), a.toString());
    byte[] archive = download(a.url());
    assertTrue(archive.length > 2 && (archive[0] & 0xff) == 0x1f && (archive[1] & 0xff) == 0x8b, a.url());
  }

  /** Requests that ask for an archive or a trace. */
  private static int exportRequests() {
    return Emulator.requestsMatching("/api/v1/(training_runs/.*/archive|sessions/[^\"/]*/trace_export)");
  }

  // ---- R7, R8 ------------------------------------------------------------------------------------------

  @Test
  void archiveUrlOfACheckpointBlockingAndAsync() throws Exception {
    TrainingClient tc = trainer(1);
    String training = tc.saveState("to-download").path();
    String sampler = tc.saveWeightsForSampler("to-download-too").path();

    CheckpointArchiveUrl a = rest.getCheckpointArchiveUrl(tc.modelId(), "weights/to-download");
    assertDownloadableArchive(a);
    assertDownloadableArchive(await(rest.getCheckpointArchiveUrlAsync(tc.modelId(), "sampler_weights/to-download-too")));
    assertDownloadableArchive(rest.getCheckpointArchiveUrlFromTinkerPath(sampler));
    assertDownloadableArchive(await(rest.getCheckpointArchiveUrlFromTinkerPathAsync(training)));
  }

  @Test
  void archiveUrlWaitsWhileTheServerBuildsTheArchive() throws Throwable {
    TrainingClient tc = trainer(4);
    String path = tc.saveState("slow").path();
    String archive = "/api/v1/training_runs/" + tc.modelId() + "/checkpoints/weights/slow/archive";
    withEmulatorConfig(
        "{\"archive_build_ms\": 500}",
        "{\"archive_build_ms\": 0}",
        () -> {
          long start = System.nanoTime();
          assertDownloadableArchive(rest.getCheckpointArchiveUrlFromTinkerPath(path));
          assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(500), "built in 500 ms at least");
          assertTrue(Emulator.requests(archive) > 1, "asked again after the 503s: " + Emulator.requests(archive));
        });
  }

  @Test
  void archiveUrlOfAnUnknownOrAnotherUsersCheckpointIsNotFound() throws Exception {
    TrainingClient tc = trainer(2);
    String path = tc.saveState("private").path();
    assertDownloadableArchive(rest.getCheckpointArchiveUrlFromTinkerPath(path)); // its owner's
    failsWith(Status.NOT_FOUND, () -> rest.getCheckpointArchiveUrl(tc.modelId(), "weights/no-such"));
    failureWith(Status.NOT_FOUND, rest.getCheckpointArchiveUrlAsync("no-such-run", "weights/x"));
    failsWith(
        Status.NOT_FOUND,
        () -> rest.getCheckpointArchiveUrlFromTinkerPath(TinkerPath.format(tc.modelId(), "sampler_weights", "private")));
    try (ServiceClient other = Emulator.connectAsNewUser();
        RestClient otherRest = other.createRestClient()) {
      failsWith(Status.NOT_FOUND, () -> otherRest.getCheckpointArchiveUrlFromTinkerPath(path));
      failureWith(Status.NOT_FOUND, otherRest.getCheckpointArchiveUrlAsync(tc.modelId(), "weights/private"));
    }
  }

  @Test
  void archiveArgumentsAreRefusedBeforeAnythingIsSent() {
    int before = exportRequests();
    Map<String, Executable> calls = new LinkedHashMap<>();
    for (String path : new String[] {"run/weights/x", "tinker://run/weights", "tinker://run/other/x", ""}) {
      calls.put(
          "RestClient.getCheckpointArchiveUrlFromTinkerPath: ", () -> rest.getCheckpointArchiveUrlFromTinkerPath(path));
      calls.put(
          "RestClient.getCheckpointArchiveUrlFromTinkerPathAsync: ",
          () -> rest.getCheckpointArchiveUrlFromTinkerPathAsync(path));
      check(calls, path);
    }
    for (String id : new String[] {"weights", "weights/", "checkpoints/x", "weights/a/b", ""}) {
      calls.put("RestClient.getCheckpointArchiveUrl: ", () -> rest.getCheckpointArchiveUrl("run", id));
      calls.put("RestClient.getCheckpointArchiveUrlAsync: ", () -> rest.getCheckpointArchiveUrlAsync("run", id));
      check(calls, id);
    }
    calls.put("RestClient.getCheckpointArchiveUrl: ", () -> rest.getCheckpointArchiveUrl("", "weights/x"));
    check(calls, "an empty run id");
    assertEquals(before, exportRequests(), "nothing sent");
  }

  // ---- R19 ---------------------------------------------------------------------------------------------

  @Test
  void exportSessionTraceBlockingAndAsync() throws Exception {
    trainer(3).forwardBackward(TrainingData.batch(), "cross_entropy");
    String session = service.sessionId().orElseThrow();

    String url = rest.exportSessionTrace(session);
    assertTrue(download(url).length > 0, url);
    String again = await(rest.exportSessionTraceAsync(session));
    assertTrue(download(again).length > 0, again);
  }

  @Test
  void exportSessionTraceAsksAgainWhileTheExportIsPending() throws Throwable {
    service.startSession();
    String session = service.sessionId().orElseThrow();
    String trace = "/api/v1/sessions/" + session + "/trace_export";
    withEmulatorConfig(
        "{\"trace_export_pending_polls\": 3}",
        "{\"trace_export_pending_polls\": 0}",
        () -> {
          int before = Emulator.requests(trace);
          String url = await(rest.exportSessionTraceAsync(session));
          assertTrue(download(url).length > 0, url);
          assertTrue(Emulator.requests(trace) - before >= 5, "the first poll and 3 pending ones, then ready");
        });
  }

  @Test
  void aFailedTraceExportIsRequestFailed() throws Throwable {
    service.startSession();
    String session = service.sessionId().orElseThrow();
    withEmulatorConfig(
        "{\"trace_export_failures\": 2}",
        "{\"trace_export_failures\": 0}",
        () -> {
          TinkerException e = failsWith(Status.REQUEST_FAILED, () -> rest.exportSessionTrace(session));
          assertTrue(e.getMessage().contains("the trace export failed"), "the server's reason: " + e.getMessage());
          failureWith(Status.REQUEST_FAILED, rest.exportSessionTraceAsync(session));
        });
    assertTrue(download(rest.exportSessionTrace(session)).length > 0, "the next export succeeds");
  }

  @Test
  void exportSessionTraceOfAnUnknownOrAnotherUsersSessionIsNotFound() throws Exception {
    service.startSession();
    String session = service.sessionId().orElseThrow();
    assertTrue(download(rest.exportSessionTrace(session)).length > 0, "its owner's");
    failsWith(Status.NOT_FOUND, () -> rest.exportSessionTrace("no-such-session"));
    failureWith(Status.NOT_FOUND, rest.exportSessionTraceAsync("no-such-session"));
    try (ServiceClient other = Emulator.connectAsNewUser();
        RestClient otherRest = other.createRestClient()) {
      failsWith(Status.NOT_FOUND, () -> otherRest.exportSessionTrace(session));
    }
  }

  @Test
  void exportSessionTraceArgumentsAreRefusedBeforeAnythingIsSent() {
    int before = exportRequests();
    Map<String, Executable> calls = new LinkedHashMap<>();
    // An empty id (a null one: NullArgumentsTest).
    calls.put("RestClient.exportSessionTrace: ", () -> rest.exportSessionTrace(""));
    calls.put("RestClient.exportSessionTraceAsync: ", () -> rest.exportSessionTraceAsync(""));
    check(calls, "");
    assertEquals(before, exportRequests(), "nothing sent");
  }

  @Test
  void clientOptionsOfTheExportsAreChecked() {
    failsWith(Status.INVALID_ARGUMENT, () -> ServiceClient.builder().archiveRetry(Duration.ofMillis(-1), 6).build());
    failsWith(Status.INVALID_ARGUMENT, () -> ServiceClient.builder().archiveRetry(Duration.ofSeconds(1), -1).build());
    failsWith(Status.INVALID_ARGUMENT, () -> ServiceClient.builder().tracePollInterval(Duration.ZERO).build());
    ServiceClient.builder().archiveRetry(Duration.ZERO, 0).tracePollInterval(Duration.ofMillis(1)).build().close();
  }
}
