package dev.libtinker;

import static dev.libtinker.TrainingData.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.libtinker.CheckpointList.Checkpoint;
import dev.libtinker.ServiceClient.SamplingClientOptions;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * The REST client (R3, R5, R6, R9-R18, R20, R23) and tinker:// paths against a tinker-emulator
 * (run under tests/with_emulator.sh). Each test is a user of its own (a fresh API key), so the
 * user's checkpoint listing holds exactly what the test saved.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RestClientTest extends RestTest {
  /** The run's checkpoints by id. */
  private Map<String, Checkpoint> checkpointsOf(String runId) {
    Map<String, Checkpoint> byId = new LinkedHashMap<>();
    for (Checkpoint c : rest.listCheckpoints(runId).checkpoints()) {
      assertNull(byId.put(c.checkpointId(), c), "one entry per id: " + c.checkpointId());
    }
    return byId;
  }

  private Checkpoint checkpoint(String path) {
    TinkerPath p = TinkerPath.parse(path);
    Checkpoint c = checkpointsOf(p.trainingRunId()).get(p.checkpointId());
    assertNotNull(c, path + " is listed");
    return c;
  }

  private static List<String> ids(Iterable<Checkpoint> checkpoints) {
    List<String> ids = new ArrayList<>();
    checkpoints.forEach(c -> ids.add(c.checkpointId()));
    return ids;
  }

  private static int userListings() {
    return Emulator.requests("/api/v1/checkpoints");
  }

  // ---- tinker:// paths ----------------------------------------------------------------------------

  @Test
  void tinkerPathsParseAndFormat() {
    TinkerPath p = TinkerPath.parse("tinker://S-1:train:0/weights/step-0001");
    assertEquals(new TinkerPath("S-1:train:0", "training", "weights/step-0001", "step-0001"), p);
    assertEquals("weights", p.kind());
    assertEquals("tinker://S-1:train:0/weights/step-0001", p.path());
    assertEquals(p.path(), p.toString());

    TinkerPath s = TinkerPath.parse("tinker://run/sampler_weights/final");
    assertEquals("sampler", s.checkpointType());
    assertEquals("sampler_weights/final", s.checkpointId());
    assertEquals("sampler_weights", s.kind());
    assertEquals("final", s.name());

    assertEquals("tinker://run/sampler_weights/final", TinkerPath.format("run", "sampler_weights", "final"));
    assertEquals("tinker://run/sampler_weights/final", TinkerPath.format("run", "sampler", "final"));
    assertEquals("tinker://run/weights/x", TinkerPath.format("run", "training", "x"));
    // UTF-8 both ways through JNI, outside the BMP too.
    String name = "étape-\uD83D\uDE80";
    TinkerPath u = TinkerPath.parse(TinkerPath.format("run", "weights", name));
    assertEquals(name, u.name());
    assertEquals("weights/" + name, u.checkpointId());
  }

  @Test
  void malformedTinkerPathsAreRefused() {
    for (String bad :
        new String[] {
          "/tmp/weights", "tinker://run/weights", "tinker://run/weights/a/b", "tinker://run/checkpoints/x",
          "tinker:///weights/x", "tinker://run/weights/", "tinker://run//x", ""
        }) {
      String m = failsWith(Status.INVALID_ARGUMENT, () -> TinkerPath.parse(bad)).getMessage();
      assertTrue(m.startsWith("TinkerPath.parse: not a checkpoint's tinker:// path: "), bad + ": " + m);
    }
    assertEquals("path", assertThrows(NullPointerException.class, () -> TinkerPath.parse(null)).getMessage());
    for (String[] bad :
        new String[][] {{"", "weights", "x"}, {"a/b", "weights", "x"}, {"run", "checkpoints", "x"},
          {"run", "weights", ""}, {"run", "weights", "a/b"}}) {
      String m =
          failsWith(Status.INVALID_ARGUMENT, () -> TinkerPath.format(bad[0], bad[1], bad[2])).getMessage();
      assertTrue(m.startsWith("TinkerPath.format: "), Arrays.toString(bad) + ": " + m);
    }
    // The record's parts must make one path.
    failsWith(Status.INVALID_ARGUMENT, () -> new TinkerPath("run", "training", "sampler_weights/x", "x"));
    failsWith(Status.INVALID_ARGUMENT, () -> new TinkerPath("run", "weights", "weights/x", "x"));
    String m = failsWith(Status.INVALID_ARGUMENT, () -> new TinkerPath("run", "training", "weights/a/b", "a/b")).getMessage();
    assertTrue(m.startsWith("TinkerPath: "), m);
    failsWith(Status.INVALID_ARGUMENT, () -> new TinkerPath("", "training", "weights/x", "x"));
  }

  // ---- R5: a run's checkpoints ----------------------------------------------------------------------

  @Test
  void listCheckpointsOfARunBlockingAndAsync() throws Exception {
    TrainingClient tc = trainer(1);
    String training = tc.saveState("first").path();
    String sampler = tc.saveWeightsForSampler("second").path();

    CheckpointList list = rest.listCheckpoints(tc.modelId());
    assertEquals(2, list.checkpoints().size(), list.json());
    assertEquals(2, list.totalCount());
    Map<String, Checkpoint> byId = checkpointsOf(tc.modelId());
    assertEquals(List.of("sampler_weights/second", "weights/first"), byId.keySet().stream().sorted().collect(Collectors.toList()));

    Checkpoint t = byId.get("weights/first");
    assertEquals("training", t.checkpointType());
    assertEquals(training, t.tinkerPath());
    Checkpoint s = byId.get("sampler_weights/second");
    assertEquals("sampler", s.checkpointType());
    assertEquals(sampler, s.tinkerPath());
    for (Checkpoint c : byId.values()) {
      assertFalse(c.isPublic(), c.toString());
      assertNull(c.expiresAt(), c.toString());
      assertTrue(c.sizeBytes() > 0, c.toString());
      OffsetDateTime when = OffsetDateTime.parse(c.time());
      assertTrue(Duration.between(when, OffsetDateTime.now()).abs().toMinutes() < 10, c.time());
      TinkerPath p = TinkerPath.parse(c.tinkerPath());
      assertEquals(tc.modelId(), p.trainingRunId());
      assertEquals(c.checkpointId(), p.checkpointId());
      assertEquals(c.checkpointType(), p.checkpointType());
    }

    CheckpointList async = await(rest.listCheckpointsAsync(tc.modelId()));
    assertEquals(
        list.checkpoints().stream().map(Checkpoint::checkpointId).sorted().collect(Collectors.toList()),
        async.checkpoints().stream().map(Checkpoint::checkpointId).sorted().collect(Collectors.toList()));

    // A run without checkpoints lists none; an unknown run, or another user's, is not found.
    assertEquals(List.of(), rest.listCheckpoints(trainer(2).modelId()).checkpoints());
    failsWith(Status.NOT_FOUND, () -> rest.listCheckpoints("no-such-run"));
    failureWith(Status.NOT_FOUND, rest.listCheckpointsAsync("no-such-run"));
    try (ServiceClient other = Emulator.connectAsNewUser();
        RestClient otherRest = other.createRestClient()) {
      failsWith(Status.NOT_FOUND, () -> otherRest.listCheckpoints(tc.modelId()));
    }
  }

  // ---- R6: the user's checkpoints, page by page -------------------------------------------------

  /** Five checkpoints over two runs and both kinds, saved in this order; their ids newest first. */
  private List<String> fiveCheckpoints() {
    TrainingClient a = trainer(3);
    TrainingClient b = trainer(4);
    a.saveState("c0");
    b.saveWeightsForSampler("c1");
    a.saveState("c2");
    b.saveState("c3");
    a.saveWeightsForSampler("c4");
    return List.of("sampler_weights/c4", "weights/c3", "weights/c2", "sampler_weights/c1", "weights/c0");
  }

  @Test
  void listUserCheckpointsPagesNewestFirstBlockingAndAsync() throws Exception {
    List<String> newestFirst = fiveCheckpoints();

    CheckpointList all = rest.listUserCheckpoints(); // the official defaults: limit 100, offset 0
    assertEquals(newestFirst, ids(all.checkpoints()));
    assertEquals(0, all.offset());
    assertEquals(RestClient.DEFAULT_LIMIT, all.limit());
    assertEquals(5, all.totalCount());
    assertEquals(newestFirst, ids(await(rest.listUserCheckpointsAsync()).checkpoints()));

    CheckpointList first = rest.listUserCheckpoints(2, 0);
    assertEquals(newestFirst.subList(0, 2), ids(first.checkpoints()));
    assertEquals(2, first.limit());
    assertEquals(5, first.totalCount());
    assertEquals(newestFirst.subList(0, 2), ids(rest.listUserCheckpoints(2).checkpoints()));
    assertEquals(newestFirst.subList(0, 3), ids(await(rest.listUserCheckpointsAsync(3)).checkpoints()));

    CheckpointList second = await(rest.listUserCheckpointsAsync(2, 2));
    assertEquals(newestFirst.subList(2, 4), ids(second.checkpoints()));
    assertEquals(2, second.offset());
    CheckpointList last = rest.listUserCheckpoints(2, 4);
    assertEquals(newestFirst.subList(4, 5), ids(last.checkpoints()));
    CheckpointList past = rest.listUserCheckpoints(2, 10);
    assertEquals(List.of(), past.checkpoints());
    assertEquals(5, past.totalCount());

    // Every listed path is one of the user's runs' checkpoints.
    for (Checkpoint c : all.checkpoints()) {
      assertEquals(c.tinkerPath(), checkpoint(c.tinkerPath()).tinkerPath());
    }

    // Bad pages are refused before anything is sent.
    int before = userListings();
    assertTrue(
        failsWith(Status.INVALID_ARGUMENT, () -> rest.listUserCheckpoints(0, 0))
            .getMessage()
            .startsWith("RestClient.listUserCheckpoints: limit must be >= 1"));
    assertTrue(
        failsWith(Status.INVALID_ARGUMENT, () -> rest.listUserCheckpointsAsync(1, -1))
            .getMessage()
            .startsWith("RestClient.listUserCheckpointsAsync: offset must be >= 0"));
    failsWith(Status.INVALID_ARGUMENT, () -> rest.listUserCheckpoints(-5));
    assertEquals(before, userListings(), "nothing sent");
  }

  @Test
  void userCheckpointsIterateEveryPage() {
    List<String> newestFirst = fiveCheckpoints();

    int before = userListings();
    Iterable<Checkpoint> pages = rest.userCheckpoints(2);
    assertEquals(before, userListings(), "nothing is fetched before the iteration");
    assertEquals(newestFirst, ids(pages));
    assertEquals(before + 3, userListings(), "pages of 2, 2 and 1, then the total says it is over");
    assertEquals(newestFirst, ids(pages), "each iterator starts again");
    assertEquals(before + 6, userListings());

    before = userListings();
    assertEquals(newestFirst, ids(rest.userCheckpoints(5)));
    assertEquals(before + 1, userListings(), "one full page holds the total");
    assertEquals(newestFirst, ids(rest.userCheckpoints()));
    assertEquals(newestFirst, ids(rest.userCheckpoints(100)));

    Iterator<Checkpoint> it = rest.userCheckpoints(4).iterator();
    for (String id : newestFirst) {
      assertTrue(it.hasNext());
      assertTrue(it.hasNext(), "hasNext fetches nothing twice");
      assertEquals(id, it.next().checkpointId());
    }
    assertFalse(it.hasNext());
    assertThrows(NoSuchElementException.class, it::next);

    // As a stream: pages are fetched as far as it is consumed.
    before = userListings();
    assertEquals(
        newestFirst.subList(0, 3),
        rest.streamUserCheckpoints(2).limit(3).map(Checkpoint::checkpointId).collect(Collectors.toList()));
    assertEquals(before + 2, userListings());
    assertEquals(
        newestFirst, rest.streamUserCheckpoints(3).map(Checkpoint::checkpointId).collect(Collectors.toList()));

    assertTrue(
        failsWith(Status.INVALID_ARGUMENT, () -> rest.userCheckpoints(0))
            .getMessage()
            .startsWith("RestClient.userCheckpoints: pageSize must be >= 1"));
    failsWith(Status.INVALID_ARGUMENT, () -> rest.streamUserCheckpoints(-1));
  }

  @Test
  void userCheckpointsOfAUserWithoutAnyIsEmpty() {
    int before = userListings();
    assertFalse(rest.userCheckpoints(3).iterator().hasNext());
    assertEquals(before + 1, userListings());
    assertEquals(0, rest.streamUserCheckpoints(3).count());
    assertEquals(0, rest.listUserCheckpoints().totalCount());
  }

  // ---- R11-R14: publish, unpublish ----------------------------------------------------------------

  @Test
  void publishAndUnpublishBlockingAndAsync() throws Exception {
    TrainingClient tc = trainer(5);
    String path = tc.saveState("shared").path();
    String run = tc.modelId();
    String id = "weights/shared";
    assertFalse(checkpoint(path).isPublic());

    rest.publishCheckpoint(run, id);
    assertTrue(checkpoint(path).isPublic());
    TinkerException twice = failsWith(Status.ALREADY_EXISTS, () -> rest.publishCheckpoint(run, id));
    assertEquals(409, twice.httpStatus(), twice.toString());
    failureWith(Status.ALREADY_EXISTS, rest.publishCheckpointAsync(run, id));
    failureWith(Status.ALREADY_EXISTS, rest.publishCheckpointFromTinkerPathAsync(path));
    failsWith(Status.ALREADY_EXISTS, () -> rest.publishCheckpointFromTinkerPath(path));

    rest.unpublishCheckpoint(run, id);
    assertFalse(checkpoint(path).isPublic());
    failsWith(Status.ALREADY_EXISTS, () -> rest.unpublishCheckpoint(run, id));
    failureWith(Status.ALREADY_EXISTS, rest.unpublishCheckpointAsync(run, id));
    failsWith(Status.ALREADY_EXISTS, () -> rest.unpublishCheckpointFromTinkerPath(path));

    await(rest.publishCheckpointAsync(run, id));
    assertTrue(checkpoint(path).isPublic());
    await(rest.unpublishCheckpointAsync(run, id));
    assertFalse(checkpoint(path).isPublic());

    rest.publishCheckpointFromTinkerPath(path);
    assertTrue(checkpoint(path).isPublic());
    rest.unpublishCheckpointFromTinkerPath(path);
    assertFalse(checkpoint(path).isPublic());
    await(rest.publishCheckpointFromTinkerPathAsync(path));
    assertTrue(checkpoint(path).isPublic());
    await(rest.unpublishCheckpointFromTinkerPathAsync(path));
    assertFalse(checkpoint(path).isPublic());
    failureWith(Status.ALREADY_EXISTS, rest.unpublishCheckpointFromTinkerPathAsync(path));

    // Unknown checkpoints, and other users' (public or not), are not found.
    failsWith(Status.NOT_FOUND, () -> rest.publishCheckpoint(run, "weights/no-such"));
    failureWith(Status.NOT_FOUND, rest.publishCheckpointFromTinkerPathAsync(TinkerPath.format(run, "weights", "no-such")));
    rest.publishCheckpoint(run, id);
    try (ServiceClient other = Emulator.connectAsNewUser();
        RestClient otherRest = other.createRestClient()) {
      failsWith(Status.NOT_FOUND, () -> otherRest.unpublishCheckpoint(run, id));
      failsWith(Status.NOT_FOUND, () -> otherRest.publishCheckpointFromTinkerPath(path));
    }
    assertTrue(checkpoint(path).isPublic());
  }

  // ---- R15: time to live ----------------------------------------------------------------------------

  private static void assertExpiresIn(Duration ttl, Checkpoint c) {
    assertNotNull(c.expiresAt(), c.toString());
    Duration left = Duration.between(OffsetDateTime.now(), OffsetDateTime.parse(c.expiresAt()));
    assertTrue(left.minus(ttl).abs().compareTo(Duration.ofMinutes(2)) < 0, "expires in " + left + ", not " + ttl);
  }

  @Test
  void setAndRemoveTheTimeToLiveBlockingAndAsync() throws Exception {
    TrainingClient tc = trainer(6);
    String path = tc.saveState("short-lived", Duration.ofHours(2)).path();
    assertExpiresIn(Duration.ofHours(2), checkpoint(path));

    rest.setCheckpointTtlFromTinkerPath(path, Duration.ofHours(5));
    assertExpiresIn(Duration.ofHours(5), checkpoint(path));
    rest.setCheckpointTtlFromTinkerPath(path, null); // null: never expires
    assertNull(checkpoint(path).expiresAt());

    await(rest.setCheckpointTtlFromTinkerPathAsync(path, Duration.ofDays(3)));
    assertExpiresIn(Duration.ofDays(3), checkpoint(path));
    await(rest.setCheckpointTtlFromTinkerPathAsync(path, Duration.ZERO)); // zero: never expires
    assertNull(checkpoint(path).expiresAt());

    rest.setCheckpointTtlFromTinkerPath(path, Duration.ofMillis(59_500)); // rounded up to 60 s
    assertExpiresIn(Duration.ofSeconds(60), checkpoint(path));
    rest.setCheckpointTtlFromTinkerPath(path); // no TTL given: removed
    assertNull(checkpoint(path).expiresAt());
    await(rest.setCheckpointTtlFromTinkerPathAsync(path, Duration.ofMinutes(30)));
    await(rest.setCheckpointTtlFromTinkerPathAsync(path));
    assertNull(checkpoint(path).expiresAt());

    String m =
        failsWith(Status.INVALID_ARGUMENT, () -> rest.setCheckpointTtlFromTinkerPath(path, Duration.ofSeconds(-1)))
            .getMessage();
    assertTrue(m.startsWith("RestClient.setCheckpointTtlFromTinkerPath: ttl_seconds must be >= 0"), m);
    failsWith(Status.INVALID_ARGUMENT, () -> rest.setCheckpointTtlFromTinkerPathAsync(path, Duration.ofSeconds(-7)));
    failsWith(
        Status.NOT_FOUND,
        () -> rest.setCheckpointTtlFromTinkerPath(TinkerPath.format(tc.modelId(), "weights", "no-such"), Duration.ofHours(1)));
  }

  // ---- R9, R10: delete ------------------------------------------------------------------------------

  @Test
  void deleteBlockingAndAsyncThenGone() throws Exception {
    TrainingClient tc = trainer(7);
    String run = tc.modelId();
    tc.saveState("a");
    tc.saveWeightsForSampler("b");
    String c = tc.saveState("c").path();
    String d = tc.saveWeightsForSampler("d").path();
    assertEquals(4, checkpointsOf(run).size());

    rest.deleteCheckpoint(run, "weights/a");
    assertFalse(checkpointsOf(run).containsKey("weights/a"));
    failsWith(Status.NOT_FOUND, () -> rest.deleteCheckpoint(run, "weights/a"));
    await(rest.deleteCheckpointAsync(run, "sampler_weights/b"));
    assertFalse(checkpointsOf(run).containsKey("sampler_weights/b"));
    failureWith(Status.NOT_FOUND, rest.deleteCheckpointAsync(run, "sampler_weights/b"));

    rest.deleteCheckpointFromTinkerPath(c);
    assertFalse(checkpointsOf(run).containsKey("weights/c"));
    failsWith(Status.NOT_FOUND, () -> rest.deleteCheckpointFromTinkerPath(c));
    await(rest.deleteCheckpointFromTinkerPathAsync(d));
    assertEquals(Map.of(), checkpointsOf(run));
    failureWith(Status.NOT_FOUND, rest.deleteCheckpointFromTinkerPathAsync(d));
    assertEquals(0, rest.listUserCheckpoints().totalCount());

    // Gone for good: nothing can load it.
    failure(service.createTrainingClientFromStateAsync(c));
  }

  @Test
  void anotherUsersCheckpointCannotBeDeleted() {
    TrainingClient tc = trainer(8);
    String path = tc.saveState("mine").path();
    try (ServiceClient other = Emulator.connectAsNewUser();
        RestClient otherRest = other.createRestClient()) {
      failsWith(Status.NOT_FOUND, () -> otherRest.deleteCheckpointFromTinkerPath(path));
      failsWith(Status.NOT_FOUND, () -> otherRest.deleteCheckpoint(tc.modelId(), "weights/mine"));
      failsWith(Status.NOT_FOUND, () -> otherRest.setCheckpointTtlFromTinkerPath(path, Duration.ofHours(1)));
    }
    assertNull(checkpoint(path).expiresAt());
  }

  // ---- malformed arguments ----------------------------------------------------------------------

  /** Requests that name a checkpoint, a run, a sampler or a session. */
  private static int restRequests() {
    return Emulator.requestsMatching("/api/v1/(training_runs|checkpoints|samplers|sessions)/[^\"]*");
  }

  @Test
  void malformedIdsAndPathsAreRefusedBeforeAnythingIsSent() {
    int before = restRequests();
    Map<String, Executable> calls = new LinkedHashMap<>();
    for (String id : new String[] {"weights", "weights/", "/x", "checkpoints/x", "weights/a/b", ""}) {
      calls.put("RestClient.deleteCheckpoint: ", () -> rest.deleteCheckpoint("run", id));
      calls.put("RestClient.deleteCheckpointAsync: ", () -> rest.deleteCheckpointAsync("run", id));
      calls.put("RestClient.publishCheckpoint: ", () -> rest.publishCheckpoint("run", id));
      calls.put("RestClient.publishCheckpointAsync: ", () -> rest.publishCheckpointAsync("run", id));
      calls.put("RestClient.unpublishCheckpoint: ", () -> rest.unpublishCheckpoint("run", id));
      calls.put("RestClient.unpublishCheckpointAsync: ", () -> rest.unpublishCheckpointAsync("run", id));
      check(calls, id);
    }
    // An empty run id (a null one: NullArgumentsTest).
    calls.put("RestClient.deleteCheckpoint: ", () -> rest.deleteCheckpoint("", "weights/x"));
    calls.put("RestClient.publishCheckpointAsync: ", () -> rest.publishCheckpointAsync("", "weights/x"));
    calls.put("RestClient.listCheckpoints: ", () -> rest.listCheckpoints(""));
    calls.put("RestClient.listCheckpointsAsync: ", () -> rest.listCheckpointsAsync(""));
    calls.put("RestClient.getSampler: ", () -> rest.getSampler(""));
    calls.put("RestClient.getSamplerAsync: ", () -> rest.getSamplerAsync(""));
    calls.put("RestClient.assignSessionProject: ", () -> rest.assignSessionProject("", "project"));
    calls.put("RestClient.assignSessionProjectAsync: ", () -> rest.assignSessionProjectAsync("session", ""));
    check(calls, "");
    for (String path :
        new String[] {
          "/tmp/weights", "run/weights/x", "tinker://run/weights", "tinker://run/weights/a/b",
          "tinker://run/checkpoints/x", "tinker:///weights/x", "tinker://run/weights/", ""
        }) {
      calls.put("RestClient.deleteCheckpointFromTinkerPath: ", () -> rest.deleteCheckpointFromTinkerPath(path));
      calls.put("RestClient.deleteCheckpointFromTinkerPathAsync: ", () -> rest.deleteCheckpointFromTinkerPathAsync(path));
      calls.put("RestClient.publishCheckpointFromTinkerPath: ", () -> rest.publishCheckpointFromTinkerPath(path));
      calls.put(
          "RestClient.publishCheckpointFromTinkerPathAsync: ", () -> rest.publishCheckpointFromTinkerPathAsync(path));
      calls.put("RestClient.unpublishCheckpointFromTinkerPath: ", () -> rest.unpublishCheckpointFromTinkerPath(path));
      calls.put(
          "RestClient.unpublishCheckpointFromTinkerPathAsync: ",
          () -> rest.unpublishCheckpointFromTinkerPathAsync(path));
      calls.put(
          "RestClient.setCheckpointTtlFromTinkerPath: ",
          () -> rest.setCheckpointTtlFromTinkerPath(path, Duration.ofHours(1)));
      calls.put(
          "RestClient.setCheckpointTtlFromTinkerPathAsync: ", () -> rest.setCheckpointTtlFromTinkerPathAsync(path));
      check(calls, path);
    }
    assertEquals(before, restRequests(), "nothing sent");
  }

  @Test
  void checkpointIdsAreMessagedPrecisely() {
    assertEquals(
        "checkpointId", assertThrows(NullPointerException.class, () -> rest.deleteCheckpoint("run", null)).getMessage());
    String m = failsWith(Status.INVALID_ARGUMENT, () -> rest.publishCheckpoint("run", "checkpoints/x")).getMessage();
    assertTrue(m.contains("weights/<name> or sampler_weights/<name>"), m);
    m = failsWith(Status.INVALID_ARGUMENT, () -> rest.deleteCheckpointFromTinkerPath("/tmp/x")).getMessage();
    assertTrue(m.contains("tinker_path is not a checkpoint's tinker:// path"), m);
  }

  // ---- R20: samplers --------------------------------------------------------------------------------

  @Test
  void getSamplerOfASamplerOnTheCurrentWeightsBlockingAndAsync() throws Exception {
    TrainingClient tc = trainer(9);
    SamplingClient sc = own(tc.saveWeightsAndGetSamplingClient());
    Sampler s = rest.getSampler(sc.samplingSessionId());
    assertEquals(sc.samplingSessionId(), s.samplerId());
    assertEquals(MODEL, s.baseModel());
    assertNotNull(s.modelPath(), s.json());
    TinkerPath p = TinkerPath.parse(s.modelPath());
    assertEquals(tc.modelId(), p.trainingRunId());
    assertEquals("sampler", p.checkpointType());

    Sampler async = await(rest.getSamplerAsync(sc.samplingSessionId()));
    assertEquals(s.samplerId(), async.samplerId());
    assertEquals(s.baseModel(), async.baseModel());
    assertEquals(s.modelPath(), async.modelPath());

    // A sampler on the base model samples no checkpoint.
    SamplingClient base = own(service.createSamplingClient(SamplingClientOptions.ofBaseModel(MODEL)));
    Sampler b = rest.getSampler(base.samplingSessionId());
    assertEquals(MODEL, b.baseModel());
    assertNull(b.modelPath(), b.json());

    failsWith(Status.NOT_FOUND, () -> rest.getSampler("no-such-sampler"));
    failureWith(Status.NOT_FOUND, rest.getSamplerAsync("no-such-sampler"));
    try (ServiceClient other = Emulator.connectAsNewUser();
        RestClient otherRest = other.createRestClient()) {
      failsWith(Status.NOT_FOUND, () -> otherRest.getSampler(sc.samplingSessionId()));
    }
  }

  // ---- R23: whoami ----------------------------------------------------------------------------------

  /**
   * Runs {@code body} with the emulator's client/config answering {@code pjwt_auth_enabled:
   * enabled}, then puts back what it answered before (the key may have been absent).
   */
  private static void withJwtMode(boolean enabled, Executable body) throws Throwable {
    Map<String, Object> config = Json.object(Json.parse(Emulator.get("/_emulator/config")), "config");
    Object clientConfig = config.get("client_config");
    Object before = clientConfig == null ? null : Json.object(clientConfig, "client_config").get("pjwt_auth_enabled");
    Emulator.post("/_emulator/config", "{\"client_config\": {\"pjwt_auth_enabled\": " + enabled + "}}");
    try {
      body.execute();
    } finally {
      Emulator.post(
          "/_emulator/config",
          "{\"client_config\": {\"pjwt_auth_enabled\": " + (before == null ? "null" : before.toString()) + "}}");
    }
  }

  @Test
  void whoamiInJwtModeNamesTheUser() throws Throwable {
    withJwtMode(
        true,
        () -> {
          try (ServiceClient jwt = Emulator.connectAsNewUser();
              RestClient r = jwt.createRestClient();
              ServiceClient other = Emulator.connectAsNewUser();
              RestClient otherRest = other.createRestClient()) {
            Whoami me = r.whoami();
            assertFalse(me.userUrn().isEmpty(), me.toString());
            Whoami async = await(r.whoamiAsync());
            assertEquals(me.userUrn(), async.userUrn());
            assertEquals(me.email(), async.email());
            assertNotEquals(me.userUrn(), otherRest.whoami().userUrn(), "another API key is another user");
            // The JWT is the credential of the other calls too.
            assertEquals(0, r.listUserCheckpoints().totalCount());
          }
        });
  }

  @Test
  void whoamiWithoutJwtsIsUnimplemented() throws Throwable {
    withJwtMode(
        false,
        () -> {
          try (ServiceClient plain = Emulator.connectAsNewUser();
              RestClient r = plain.createRestClient()) {
            TinkerException e = failsWith(Status.UNIMPLEMENTED, r::whoami);
            assertTrue(e.getMessage().contains("JWT"), e.getMessage());
            failureWith(Status.UNIMPLEMENTED, r.whoamiAsync());
          }
        });
  }

  // ---- R18: session projects ------------------------------------------------------------------------

  /** The project the emulator recorded for a session; null when none. */
  private static Object projectOf(String sessionId) {
    Map<String, Object> all = Json.object(Json.parse(Emulator.get("/_emulator/sessions")), "sessions");
    for (Object s : Json.array(all.get("sessions"), "sessions")) {
      Map<String, Object> session = Json.object(s, "session");
      if (sessionId.equals(session.get("session_id"))) {
        return session.get("project_id");
      }
    }
    return fail("session " + sessionId + " is not among the emulator's");
  }

  @Test
  void assignSessionProjectBlockingAndAsync() throws Exception {
    service.startSession();
    String session = service.sessionId().orElseThrow();
    assertNull(projectOf(session));

    rest.assignSessionProject(session, "java-project-1");
    assertEquals("java-project-1", projectOf(session));
    await(rest.assignSessionProjectAsync(session, "java-project-2"));
    assertEquals("java-project-2", projectOf(session));

    failsWith(Status.NOT_FOUND, () -> rest.assignSessionProject("no-such-session", "p"));
    failureWith(Status.NOT_FOUND, rest.assignSessionProjectAsync("no-such-session", "p"));
    try (ServiceClient other = Emulator.connectAsNewUser();
        RestClient otherRest = other.createRestClient()) {
      failsWith(Status.NOT_FOUND, () -> otherRest.assignSessionProject(session, "theirs"));
    }
    assertEquals("java-project-2", projectOf(session));
  }

  // ---- R3: weights info ------------------------------------------------------------------------------

  /** Requests of R3, R16 and R17 (weights info, one session, the list of sessions). */
  private static int weightsInfoAndSessionRequests() {
    return Emulator.requestsMatching("/api/v1/weights_info|/api/v1/sessions(/[^\"/]*)?");
  }

  @Test
  void weightsInfoOfASavedCheckpointBlockingAndAsync() throws Exception {
    // The attention layers left out, so that a false is seen as well as the trues.
    TrainingClient tc =
        own(service.createLoraTrainingClient(MODEL, LoraConfig.builder().rank(4).seed(12).trainAttn(false).build()));
    String path = tc.saveState("info").path();
    WeightsInfo info = rest.getWeightsInfoByTinkerPath(path);
    assertEquals(MODEL, info.baseModel());
    assertTrue(info.isLora(), info.json());
    assertEquals(4, info.loraRank());
    assertEquals(Boolean.TRUE, info.trainUnembed(), info.json());
    assertEquals(Boolean.TRUE, info.trainMlp(), info.json());
    assertEquals(Boolean.FALSE, info.trainAttn(), info.json());
    assertEquals(info, await(rest.getWeightsInfoByTinkerPathAsync(path)));
  }

  @Test
  void weightsInfoOfAMalformedPathIsRefusedBeforeAnythingIsSent() {
    int before = weightsInfoAndSessionRequests();
    Map<String, Executable> calls = new LinkedHashMap<>();
    for (String path : new String[] {"run/weights/x", "tinker://run/weights", "tinker://run/other/x", ""}) {
      calls.put("RestClient.getWeightsInfoByTinkerPath: ", () -> rest.getWeightsInfoByTinkerPath(path));
      calls.put("RestClient.getWeightsInfoByTinkerPathAsync: ", () -> rest.getWeightsInfoByTinkerPathAsync(path));
      check(calls, path);
    }
    assertEquals(before, weightsInfoAndSessionRequests(), "nothing sent");
  }

  @Test
  void weightsInfoOfAnotherUsersPrivateCheckpointIsNotFound() throws Exception {
    String path = trainer(13).saveState("private").path();
    try (ServiceClient other = Emulator.connectAsNewUser();
        RestClient otherRest = other.createRestClient()) {
      failsWith(Status.NOT_FOUND, () -> otherRest.getWeightsInfoByTinkerPath(path));
      failureWith(Status.NOT_FOUND, otherRest.getWeightsInfoByTinkerPathAsync(path));
    }
  }

  // ---- R16, R17: sessions -----------------------------------------------------------------------------

  @Test
  void sessionListsTheRunAndTheSamplerMadeInItBlockingAndAsync() throws Exception {
    TrainingClient tc = trainer(14);
    SamplingClient sc = own(tc.saveWeightsAndGetSamplingClient());
    String id = service.sessionId().orElseThrow();
    Session s = rest.getSession(id);
    assertEquals(List.of(tc.modelId()), s.trainingRunIds(), s.json());
    assertEquals(List.of(sc.samplingSessionId()), s.samplerIds(), s.json());
    assertEquals(s, await(rest.getSessionAsync(id)));
    assertEquals(s, rest.getSession(id, "accessible"));
    assertEquals(s, await(rest.getSessionAsync(id, "owned")));
    assertThrows(UnsupportedOperationException.class, () -> s.trainingRunIds().add("x"));

    failsWith(Status.NOT_FOUND, () -> rest.getSession("no-such-session"));
    failureWith(Status.NOT_FOUND, rest.getSessionAsync("no-such-session"));
    try (ServiceClient other = Emulator.connectAsNewUser();
        RestClient otherRest = other.createRestClient()) {
      failsWith(Status.NOT_FOUND, () -> otherRest.getSession(id));
    }
  }

  @Test
  void badSessionArgumentsAreRefusedBeforeAnythingIsSent() {
    int before = weightsInfoAndSessionRequests();
    Map<String, Executable> calls = new LinkedHashMap<>();
    for (String scope : new String[] {"everyone", "Owned", " owned"}) {
      calls.put("RestClient.getSession: access_scope must be", () -> rest.getSession("s", scope));
      calls.put("RestClient.getSessionAsync: access_scope must be", () -> rest.getSessionAsync("s", scope));
      calls.put("RestClient.listSessions: access_scope must be", () -> rest.listSessions(1, 0, scope));
      calls.put("RestClient.listSessionsAsync: access_scope must be", () -> rest.listSessionsAsync(1, 0, scope));
      check(calls, scope);
    }
    // An empty id (a null one: NullArgumentsTest).
    calls.put("RestClient.getSession: ", () -> rest.getSession(""));
    calls.put("RestClient.getSessionAsync: ", () -> rest.getSessionAsync("", null));
    check(calls, "");
    calls.put("RestClient.listSessions: limit", () -> rest.listSessions(0));
    calls.put("RestClient.listSessionsAsync: limit", () -> rest.listSessionsAsync(-1, 0));
    calls.put("RestClient.listSessions: offset", () -> rest.listSessions(1, -1));
    check(calls, "a page");
    assertEquals(before, weightsInfoAndSessionRequests(), "nothing sent");
  }

  @Test
  void listSessionsHasTheUsersSessionsPageByPageBlockingAndAsync() throws Exception {
    // Two sessions of one user (one API key), oldest first; the REST client is a third client.
    String key = "tml-java-sessions-" + UUID.randomUUID();
    List<String> sessions = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      ServiceClient c = own(ServiceClient.builder().apiKey(key).build());
      c.startSession();
      sessions.add(c.sessionId().orElseThrow());
    }
    RestClient rest = own(own(ServiceClient.builder().apiKey(key).build()).createRestClient());

    SessionList all = rest.listSessions();
    assertEquals(sessions, all.sessions(), all.json());
    assertEquals(sessions, await(rest.listSessionsAsync(20, 0, "accessible")).sessions());
    List<String> paged = new ArrayList<>();
    for (int offset = 0; offset < 3; offset++) {
      List<String> page = rest.listSessions(1, offset).sessions();
      assertEquals(offset < 2 ? 1 : 0, page.size(), "offset " + offset + ": " + page);
      paged.addAll(page);
    }
    assertEquals(sessions, paged);
    assertEquals(sessions.subList(1, 2), await(rest.listSessionsAsync(5, 1)).sessions());
  }

  /** Without a limit, a page of 20 (the official client's; R6 pages by 100). */
  @Test
  void listSessionsPagesByTwentyByDefault() throws Exception {
    String key = "tml-java-sessions-" + UUID.randomUUID();
    for (int i = 0; i < 21; i++) {
      try (ServiceClient c = ServiceClient.builder().apiKey(key).build()) {
        c.startSession();
      }
    }
    RestClient rest = own(own(ServiceClient.builder().apiKey(key).build()).createRestClient());
    assertEquals(20, rest.listSessions().sessions().size());
    assertEquals(20, await(rest.listSessionsAsync()).sessions().size());
    assertEquals(21, rest.listSessions(100).sessions().size());
  }

  // ---- lifetimes ----------------------------------------------------------------------------------

  @Test
  void closedClientsRefuseOperations() throws Exception {
    RestClient second = service.createRestClient();
    assertEquals(0, await(second.listUserCheckpointsAsync()).totalCount());
    second.close();
    second.close(); // idempotent
    failsWith(Status.FAILED_PRECONDITION, second::listUserCheckpoints);
    failsWith(Status.FAILED_PRECONDITION, () -> second.getSamplerAsync("x"));
    // The first one is still usable, also after its service client was closed (handles may be
    // closed in any order); a pending call completes.
    assertEquals(0, rest.listUserCheckpoints().totalCount());
    TinkerFuture<CheckpointList> pending = rest.listUserCheckpointsAsync();
    service.close();
    assertEquals(0, await(pending).totalCount());
    assertEquals(0, rest.listUserCheckpoints().totalCount());
    failsWith(Status.FAILED_PRECONDITION, service::createRestClient);
  }
}
