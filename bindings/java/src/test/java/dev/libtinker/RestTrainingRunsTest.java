package dev.libtinker;

import static dev.libtinker.TrainingData.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.libtinker.CheckpointList.Checkpoint;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Training runs through the REST client (R1 get_training_run, R2 get_training_run_by_tinker_path,
 * R4 list_training_runs) and {@code RestClient.trainingRuns}, every page of R4, against the
 * emulator. Each test is a user of its own, so the user's runs are the ones the test made.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RestTrainingRunsTest extends RestTest {
  private static final String RUNS = "/api/v1/training_runs";

  /** Requests to a run or to the listing of runs (R1, R2, R4; not a run's checkpoints). */
  private static int runRequests() {
    return Emulator.requestsMatching(RUNS + "(/[^\"/]*)?");
  }

  private static List<String> ids(Iterable<TrainingRun> runs) {
    List<String> ids = new ArrayList<>();
    runs.forEach(r -> ids.add(r.trainingRunId()));
    return ids;
  }

  /** The checkpoint of the run's listing with this id. */
  private Checkpoint listed(String runId, String checkpointId) {
    return rest.listCheckpoints(runId).checkpoints().stream()
        .filter(c -> c.checkpointId().equals(checkpointId))
        .findFirst()
        .orElseThrow();
  }

  // ---- R1, R2 -----------------------------------------------------------------------------------------

  @Test
  void getTrainingRunDescribesTheRunBlockingAndAsync() throws Exception {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("team", "java");
    metadata.put("ärger", "☂ \uD83D\uDE80"); // UTF-8 both ways, outside the BMP too
    metadata.put("attempt", "3");
    TrainingClient tc =
        own(service.createLoraTrainingClient(MODEL, LoraConfig.builder().rank(4).seed(1).build(), metadata));

    TrainingRun run = rest.getTrainingRun(tc.modelId());
    assertEquals(tc.modelId(), run.trainingRunId());
    assertEquals(MODEL, run.baseModel());
    assertTrue(run.isLora(), run.toString());
    assertEquals(4, run.loraRank(), run.toString());
    assertFalse(run.corrupted(), run.toString());
    assertFalse(run.modelOwner().isEmpty(), run.toString());
    OffsetDateTime last = OffsetDateTime.parse(run.lastRequestTime());
    assertTrue(Duration.between(last, OffsetDateTime.now()).abs().toMinutes() < 10, run.lastRequestTime());
    // The metadata given at creation, in key order, unmodifiable.
    assertEquals(metadata, run.userMetadata());
    assertEquals(List.of("attempt", "team", "ärger"), List.copyOf(run.userMetadata().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> run.userMetadata().put("x", "y"));
    // No checkpoint yet: both are absent.
    assertTrue(run.lastCheckpoint().isEmpty(), run.toString());
    assertTrue(run.lastSamplerCheckpoint().isEmpty(), run.toString());

    assertEquals(run, await(rest.getTrainingRunAsync(tc.modelId())));
    assertEquals(run, rest.getTrainingRun(tc.modelId(), "owned"));
    assertEquals(run, await(rest.getTrainingRunAsync(tc.modelId(), "accessible")));
  }

  @Test
  void aRunsNewestCheckpointsAreTheListedOnes() throws Exception {
    TrainingClient tc = trainer(2);
    tc.saveState("first");
    String newest = tc.saveState("second").path();
    String sampler = tc.saveWeightsForSampler("for-sampling").path();

    TrainingRun run = rest.getTrainingRun(tc.modelId());
    // The same checkpoint type as the listings, with the same values.
    Checkpoint training = run.lastCheckpoint().orElseThrow();
    assertEquals(newest, training.tinkerPath());
    assertEquals(listed(tc.modelId(), "weights/second"), training);
    Checkpoint forSampling = run.lastSamplerCheckpoint().orElseThrow();
    assertEquals(sampler, forSampling.tinkerPath());
    assertEquals("sampler", forSampling.checkpointType());
    assertEquals(listed(tc.modelId(), "sampler_weights/for-sampling"), forSampling);
    assertTrue(run.userMetadata().isEmpty(), run.toString());

    // By any of its checkpoints' paths: the same run.
    assertEquals(run, rest.getTrainingRunByTinkerPath(newest));
    assertEquals(run, await(rest.getTrainingRunByTinkerPathAsync(sampler)));
    assertEquals(run, rest.getTrainingRunByTinkerPath(newest, "accessible"));
    assertEquals(run, await(rest.getTrainingRunByTinkerPathAsync(newest, null)));
  }

  @Test
  void unknownAndOtherUsersRunsAreNotFound() throws Exception {
    TrainingClient tc = trainer(3);
    String path = tc.saveState("mine").path();
    failsWith(Status.NOT_FOUND, () -> rest.getTrainingRun("no-such-run"));
    failureWith(Status.NOT_FOUND, rest.getTrainingRunAsync("no-such-run"));
    String unknown = TinkerPath.format("no-such-run", "weights", "x");
    failsWith(Status.NOT_FOUND, () -> rest.getTrainingRunByTinkerPath(unknown));
    failureWith(Status.NOT_FOUND, rest.getTrainingRunByTinkerPathAsync(unknown));
    try (ServiceClient other = Emulator.connectAsNewUser();
        RestClient otherRest = other.createRestClient()) {
      failsWith(Status.NOT_FOUND, () -> otherRest.getTrainingRun(tc.modelId()));
      failureWith(Status.NOT_FOUND, otherRest.getTrainingRunByTinkerPathAsync(path));
      assertFalse(ids(otherRest.listTrainingRuns().trainingRuns()).contains(tc.modelId()));
    }
  }

  @Test
  void badArgumentsAreRefusedBeforeAnythingIsSent() {
    int before = runRequests();
    Map<String, Executable> calls = new LinkedHashMap<>();
    for (String path : new String[] {"run/weights/x", "tinker://run/weights", "tinker://run/other/x", ""}) {
      calls.put("RestClient.getTrainingRunByTinkerPath: ", () -> rest.getTrainingRunByTinkerPath(path));
      calls.put("RestClient.getTrainingRunByTinkerPathAsync: ", () -> rest.getTrainingRunByTinkerPathAsync(path));
      check(calls, path);
    }
    String m = failsWith(Status.INVALID_ARGUMENT, () -> rest.getTrainingRunByTinkerPath("/tmp/x")).getMessage();
    assertTrue(m.contains("tinker_path is not a checkpoint's tinker:// path"), m);
    // An empty id (a null one: NullArgumentsTest).
    calls.put("RestClient.getTrainingRun: ", () -> rest.getTrainingRun(""));
    calls.put("RestClient.getTrainingRunAsync: ", () -> rest.getTrainingRunAsync("", "owned"));
    check(calls, "");
    for (String scope : new String[] {"everyone", "Owned", " owned"}) {
      String says = "access_scope must be \"owned\" or \"accessible\"";
      calls.put("RestClient.getTrainingRun: " + says, () -> rest.getTrainingRun("run", scope));
      calls.put("RestClient.getTrainingRunAsync: " + says, () -> rest.getTrainingRunAsync("run", scope));
      calls.put(
          "RestClient.getTrainingRunByTinkerPath: " + says,
          () -> rest.getTrainingRunByTinkerPath("tinker://run/weights/x", scope));
      calls.put("RestClient.listTrainingRuns: " + says, () -> rest.listTrainingRuns(20, 0, scope));
      calls.put("RestClient.listTrainingRunsAsync: " + says, () -> rest.listTrainingRunsAsync(20, 0, scope, "p"));
      calls.put("RestClient.trainingRuns: accessScope must be", () -> rest.trainingRuns(20, scope, null));
      calls.put("RestClient.streamTrainingRuns: accessScope must be", () -> rest.streamTrainingRuns(20, scope, null));
      check(calls, scope);
    }
    calls.put("RestClient.listTrainingRuns: limit must be >= 1", () -> rest.listTrainingRuns(0));
    calls.put("RestClient.listTrainingRunsAsync: limit must be >= 1", () -> rest.listTrainingRunsAsync(-1, 0));
    calls.put("RestClient.listTrainingRuns: offset must be >= 0", () -> rest.listTrainingRuns(1, -1));
    calls.put("RestClient.trainingRuns: pageSize must be >= 1", () -> rest.trainingRuns(0));
    calls.put("RestClient.streamTrainingRuns: pageSize must be >= 1", () -> rest.streamTrainingRuns(-1));
    check(calls, "a page");
    assertEquals(before, runRequests(), "nothing sent");
  }

  @Test
  void anotherUsersRunIsAccessibleOnceItSharesACheckpoint() throws Exception {
    TrainingClient tc = trainer(9);
    String run = tc.modelId();
    String shared = tc.saveState("shared").path();
    String later = tc.saveState("later").path();
    try (ServiceClient other = Emulator.connectAsNewUser();
        RestClient otherRest = other.createRestClient()) {
      failsWith(Status.NOT_FOUND, () -> otherRest.getTrainingRun(run, "accessible"));
      rest.publishCheckpointFromTinkerPath(shared);
      failsWith(Status.NOT_FOUND, () -> otherRest.getTrainingRun(run)); // "owned": only one's own
      TrainingRun seen = otherRest.getTrainingRun(run, "accessible");
      assertEquals(run, seen.trainingRunId());
      // The other user sees what was shared; the owner sees the newest.
      assertEquals(shared, seen.lastCheckpoint().orElseThrow().tinkerPath());
      assertEquals(later, rest.getTrainingRun(run).lastCheckpoint().orElseThrow().tinkerPath());
      assertEquals(seen, await(otherRest.getTrainingRunByTinkerPathAsync(shared, "accessible")));
      assertTrue(ids(otherRest.listTrainingRuns(100, 0, "accessible").trainingRuns()).contains(run));
      assertFalse(ids(otherRest.listTrainingRuns(100, 0, "owned").trainingRuns()).contains(run));
      assertTrue(ids(otherRest.trainingRuns(7, "accessible", null)).contains(run));
    }
  }

  // ---- R4 ----------------------------------------------------------------------------------------------

  /** Three runs of this test's user; their ids. */
  private Set<String> threeRuns() {
    return Set.of(trainer(4).modelId(), trainer(5).modelId(), trainer(6).modelId());
  }

  @Test
  void listTrainingRunsPagesBlockingAndAsync() throws Exception {
    Set<String> made = threeRuns();

    TrainingRunList all = rest.listTrainingRuns(); // the official defaults: limit 20, offset 0
    assertEquals(made, Set.copyOf(ids(all.trainingRuns())), all.json());
    assertEquals(3, all.trainingRuns().size());
    assertEquals(3, all.totalCount());
    assertEquals(0, all.offset());
    assertEquals(RestClient.DEFAULT_TRAINING_RUN_LIMIT, all.limit());
    assertEquals(20, RestClient.DEFAULT_TRAINING_RUN_LIMIT);
    // An item of the list is the run R1 gives, its JSON included: its part of the list's.
    TrainingRun first = all.trainingRuns().get(0);
    assertEquals(rest.getTrainingRun(first.trainingRunId()), first);
    for (TrainingRun r : all.trainingRuns()) {
      assertEquals(r.trainingRunId(), Json.object(Json.parse(r.json()), "run").get("training_run_id"), r.json());
    }
    assertThrows(UnsupportedOperationException.class, () -> all.trainingRuns().clear());

    List<String> order = ids(all.trainingRuns());
    assertEquals(order, ids(await(rest.listTrainingRunsAsync()).trainingRuns()));
    TrainingRunList page = rest.listTrainingRuns(2);
    assertEquals(order.subList(0, 2), ids(page.trainingRuns()));
    assertEquals(2, page.limit());
    assertEquals(3, page.totalCount());
    TrainingRunList rest2 = await(rest.listTrainingRunsAsync(2, 2));
    assertEquals(order.subList(2, 3), ids(rest2.trainingRuns()));
    assertEquals(2, rest2.offset());
    assertEquals(order.subList(1, 3), ids(rest.listTrainingRuns(5, 1, "owned").trainingRuns()));
    // "accessible" adds what other users shared (other tests publish checkpoints).
    assertTrue(ids(await(rest.listTrainingRunsAsync(100, 0, "accessible")).trainingRuns()).containsAll(order));
    TrainingRunList past = rest.listTrainingRuns(2, 10);
    assertEquals(List.of(), past.trainingRuns());
    assertEquals(3, past.totalCount());
  }

  @Test
  void listTrainingRunsOfOneProject() throws Exception {
    // Two runs in this session, which goes to a project; one in another session of the user.
    String a = trainer(7).modelId();
    String b = trainer(8).modelId();
    String session = service.sessionId().orElseThrow();
    rest.assignSessionProject(session, "java-runs");
    ServiceClient second = own(Emulator.connectAs(apiKey));
    String c = own(second.createLoraTrainingClient(MODEL)).modelId();

    assertEquals(Set.of(a, b), Set.copyOf(ids(rest.listTrainingRuns(20, 0, null, "java-runs").trainingRuns())));
    assertEquals(2, await(rest.listTrainingRunsAsync(20, 0, "owned", "java-runs")).totalCount());
    assertEquals(List.of(), rest.listTrainingRuns(20, 0, null, "no-such-project").trainingRuns());
    assertEquals(Set.of(a, b, c), Set.copyOf(ids(rest.listTrainingRuns(20, 0, null, null).trainingRuns())));
    assertEquals(Set.of(a, b), Set.copyOf(ids(rest.trainingRuns(1, null, "java-runs"))));
  }

  // ---- every page of R4 ------------------------------------------------------------------------------

  @Test
  void trainingRunsIterateEveryPage() {
    Set<String> made = threeRuns();
    List<String> order = ids(rest.listTrainingRuns().trainingRuns());
    assertEquals(made, Set.copyOf(order));

    int before = Emulator.requests(RUNS);
    Iterable<TrainingRun> pages = rest.trainingRuns(2);
    assertEquals(before, Emulator.requests(RUNS), "nothing is fetched before the iteration");
    assertEquals(order, ids(pages));
    assertEquals(before + 2, Emulator.requests(RUNS), "pages of 2 and 1, then the total says it is over");
    assertEquals(order, ids(pages), "each iterator starts again");
    assertEquals(before + 4, Emulator.requests(RUNS));

    before = Emulator.requests(RUNS);
    assertEquals(order, ids(rest.trainingRuns()));
    assertEquals(before + 1, Emulator.requests(RUNS), "one page of 20 holds them all");
    assertEquals(order, ids(rest.trainingRuns(1, "owned", null)));

    Iterator<TrainingRun> it = rest.trainingRuns(1).iterator();
    for (String id : order) {
      assertTrue(it.hasNext());
      assertTrue(it.hasNext(), "hasNext fetches nothing twice");
      assertEquals(id, it.next().trainingRunId());
    }
    assertFalse(it.hasNext());
    assertThrows(NoSuchElementException.class, it::next);

    before = Emulator.requests(RUNS);
    assertEquals(
        order.subList(0, 2),
        rest.streamTrainingRuns(1).limit(2).map(TrainingRun::trainingRunId).collect(Collectors.toList()));
    assertEquals(before + 2, Emulator.requests(RUNS), "a stream fetches as far as it is consumed");
    assertEquals(
        order,
        rest.streamTrainingRuns(2, "owned", null).map(TrainingRun::trainingRunId).collect(Collectors.toList()));
  }

  @Test
  void trainingRunsOfAUserWithoutAnyIsEmpty() {
    int before = Emulator.requests(RUNS);
    assertFalse(rest.trainingRuns(3).iterator().hasNext());
    assertEquals(before + 1, Emulator.requests(RUNS));
    assertEquals(0, rest.streamTrainingRuns(3).count());
    assertEquals(0, rest.listTrainingRuns().totalCount());
  }
}
