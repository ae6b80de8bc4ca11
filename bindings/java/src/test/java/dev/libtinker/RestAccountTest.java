package dev.libtinker;

import static dev.libtinker.TrainingData.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * What the REST client tells about the caller's account, against the emulator: the audit log (R21
 * get_audit_log) and billing usage (R22 get_billing_usage). Each test is a user of its own, so
 * the log and the usage are what the test did.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RestAccountTest extends RestTest {
  /** This test's sessions carry this metadata, which billing usage reports with them. */
  @Override
  protected ServiceClient connectService() {
    return Emulator.builderAs(apiKey).userMetadata("team", "java").userMetadata("cost-centre", "42").build();
  }

  private static LocalDate todayUtc() {
    return LocalDate.now(ZoneOffset.UTC);
  }

  // ---- R21 ----------------------------------------------------------------------------------------------

  /** The UTC day of an entry. */
  private static LocalDate dayOf(AuditLog.Entry e) {
    return OffsetDateTime.parse(e.timestamp()).withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
  }

  private static List<AuditLog.Entry> ofDay(AuditLog log, LocalDate day) {
    return log.entries().stream().filter(e -> dayOf(e).equals(day)).collect(Collectors.toList());
  }

  private static List<String> events(AuditLog log) {
    return log.entries().stream().map(AuditLog.Entry::event).collect(Collectors.toList());
  }

  @Test
  void auditLogRecordsWhatHappenedBlockingAndAsync() throws Exception {
    TrainingClient tc = trainer(1);
    String path = tc.saveState("audited").path();
    rest.publishCheckpointFromTinkerPath(path);

    AuditLog all = rest.getAuditLog();
    List<String> events = events(all);
    assertTrue(events.containsAll(List.of("session_created", "training_run_created", "checkpoint_saved",
        "checkpoint_published")), all.json());
    OffsetDateTime previous = OffsetDateTime.MIN;
    for (AuditLog.Entry e : all.entries()) {
      OffsetDateTime t = OffsetDateTime.parse(e.timestamp());
      assertFalse(t.isBefore(previous), "oldest first: " + all.json());
      assertTrue(Duration.between(t, OffsetDateTime.now()).abs().toMinutes() < 10, e.toString());
      previous = t;
    }
    AuditLog.Entry created =
        all.entries().stream().filter(e -> e.event().equals("training_run_created")).findFirst().orElseThrow();
    assertEquals(tc.modelId(), created.modelId(), created.toString());
    assertNull(created.tinkerPath(), created.toString());
    AuditLog.Entry saved =
        all.entries().stream().filter(e -> e.event().equals("checkpoint_saved")).findFirst().orElseThrow();
    assertEquals(path, saved.tinkerPath(), saved.toString());
    assertEquals(tc.modelId(), saved.modelId(), saved.toString());
    assertFalse(events.contains("checkpoint_deleted"), all.json());
    assertThrows(UnsupportedOperationException.class, () -> all.entries().clear());

    // Only checkpoint events; the same ones blocking or not, with "all" or null.
    AuditLog checkpoints = rest.getAuditLog("checkpoints");
    assertEquals(List.of("checkpoint_saved", "checkpoint_published"), events(checkpoints), checkpoints.json());
    assertEquals(checkpoints.entries(), await(rest.getAuditLogAsync("checkpoints")).entries());
    assertEquals(all.entries(), rest.getAuditLog("all").entries());
    assertEquals(all.entries(), await(rest.getAuditLogAsync()).entries());
    assertEquals(all.entries(), await(rest.getAuditLogAsync(null, null)).entries());

    // One day (UTC): the entries of that day, by their timestamps; another day has none.
    LocalDate day = dayOf(saved);
    assertEquals(ofDay(all, day), rest.getAuditLog("all", day).entries());
    assertTrue(events(rest.getAuditLog("all", day)).contains("checkpoint_saved"));
    assertEquals(ofDay(checkpoints, day), await(rest.getAuditLogAsync("checkpoints", day)).entries());
    assertEquals(List.of(), rest.getAuditLog(null, day.minusDays(2)).entries());
    assertEquals(List.of(), await(rest.getAuditLogAsync("all", LocalDate.of(2001, 1, 1))).entries());
    assertEquals(List.of(), rest.getAuditLog("checkpoints", todayUtc().plusDays(1)).entries());
  }

  @Test
  void anotherUsersAuditLogIsTheirs() throws Exception {
    trainer(2).saveState("mine");
    try (ServiceClient other = Emulator.connectAsNewUser();
        RestClient otherRest = other.createRestClient()) {
      assertEquals(List.of(), otherRest.getAuditLog("checkpoints").entries());
    }
    assertEquals(List.of("checkpoint_saved"), events(rest.getAuditLog("checkpoints")));
  }

  /** Requests to the audit log or the billing usage. */
  private static int accountRequests() {
    return Emulator.requestsMatching("/api/v1/(audit|billing/usage/events)");
  }

  @Test
  void badAuditArgumentsAreRefusedBeforeAnythingIsSent() {
    int before = accountRequests();
    Map<String, Executable> calls = new LinkedHashMap<>();
    for (String type : new String[] {"everything", "Checkpoints", "checkpoint", " all"}) {
      String says = "event_type must be \"all\" or \"checkpoints\"";
      calls.put("RestClient.getAuditLog: " + says, () -> rest.getAuditLog(type));
      calls.put("RestClient.getAuditLogAsync: " + says, () -> rest.getAuditLogAsync(type));
      calls.put("RestClient.getAuditLog: " + says, () -> rest.getAuditLog(type, todayUtc()));
      check(calls, type);
    }
    // A LocalDate is a day, but one outside the years 0000-9999 has no YYYY-MM-DD.
    for (LocalDate day : new LocalDate[] {LocalDate.of(10000, 1, 1), LocalDate.of(-1, 12, 31)}) {
      calls.put("RestClient.getAuditLog: day must be a day, YYYY-MM-DD", () -> rest.getAuditLog("all", day));
      calls.put("RestClient.getAuditLogAsync: day must be a day, YYYY-MM-DD", () -> rest.getAuditLogAsync(null, day));
      check(calls, day.toString());
    }
    assertEquals(before, accountRequests(), "nothing sent");
  }

  // ---- R22 ----------------------------------------------------------------------------------------------

  /** The start of the current UTC hour. */
  private static Instant thisHour() {
    return Instant.now().truncatedTo(ChronoUnit.HOURS);
  }

  @Test
  void billingUsageOfTrainingAndCheckpointsBlockingAndAsync() throws Exception {
    TrainingClient tc = trainer(3);
    tc.forwardBackward(TrainingData.batch(), "cross_entropy");
    tc.saveState("billed");
    String session = service.sessionId().orElseThrow();

    // The window of the hour before and the current hour: whole UTC hours.
    Instant from = thisHour().minus(Duration.ofHours(1));
    Instant to = thisHour().plus(Duration.ofHours(1));
    BillingUsage usage = rest.getBillingUsage(from, to);
    Set<String> types = usage.events().stream().map(BillingUsage.Event::eventType).collect(Collectors.toSet());
    assertTrue(types.containsAll(Set.of("training", "checkpoint")), usage.json());
    for (BillingUsage.Event e : usage.events()) {
      Instant start = OffsetDateTime.parse(e.bucketStart()).toInstant();
      Instant end = OffsetDateTime.parse(e.bucketEnd()).toInstant();
      assertEquals(Duration.ofHours(1), Duration.between(start, end), e.toString());
      assertFalse(start.isBefore(from), e.toString());
      assertFalse(end.isAfter(to), e.toString());
      assertEquals(session, e.sessionId(), e.toString());
      switch (e.eventType()) {
        case "training":
          assertEquals(MODEL, e.baseModel(), e.toString());
          assertTrue(e.tokenCount() > 0, e.toString());
          assertNull(e.cached(), e.toString());
          assertEquals(-1, e.checkpointCount(), e.toString());
          assertEquals(-1.0, e.gigabyteHours(), e.toString());
          break;
        case "checkpoint":
          assertEquals(1, e.checkpointCount(), e.toString());
          assertEquals(-1, e.tokenCount(), e.toString());
          break;
        default:
          break;
      }
    }
    // The session the events name, with its metadata, in key order.
    assertEquals(List.of(session), usage.sessions().stream().map(BillingUsage.Session::sessionId).collect(Collectors.toList()));
    Map<String, String> metadata = usage.sessions().get(0).userMetadata();
    assertEquals(Map.of("team", "java", "cost-centre", "42"), metadata);
    assertEquals(List.of("cost-centre", "team"), List.copyOf(metadata.keySet()));
    assertThrows(UnsupportedOperationException.class, () -> metadata.put("x", "y"));

    BillingUsage async = await(rest.getBillingUsageAsync(from, to));
    assertEquals(usage.sessions(), async.sessions());
    assertEquals(types, async.events().stream().map(BillingUsage.Event::eventType).collect(Collectors.toSet()));

    // A window without usage: none, and no session.
    BillingUsage before = rest.getBillingUsage(from.minus(Duration.ofDays(3)), from.minus(Duration.ofDays(2)));
    assertEquals(List.of(), before.events(), before.json());
    assertEquals(List.of(), before.sessions(), before.json());
  }

  @Test
  void badBillingWindowsAreRefused() throws Exception {
    int before = accountRequests();
    Map<String, Executable> calls = new LinkedHashMap<>();
    Instant hour = thisHour();
    // No time (Java's own refusal, naming the parameter), or one RFC 3339 cannot write (a year past
    // 9999), is refused before anything is sent.
    assertEquals("startingOn", assertThrows(NullPointerException.class, () -> rest.getBillingUsage(null, hour)).getMessage());
    assertEquals(
        "endingBefore", assertThrows(NullPointerException.class, () -> rest.getBillingUsageAsync(hour, null)).getMessage());
    Instant far = Instant.parse("+10000-01-01T00:00:00Z");
    calls.put("RestClient.getBillingUsage: ending_before must be an RFC 3339 time", () -> rest.getBillingUsage(hour, far));
    calls.put(
        "RestClient.getBillingUsageAsync: starting_on must be an RFC 3339 time", () -> rest.getBillingUsageAsync(far, hour));
    check(calls, "a bad time");
    assertEquals(before, accountRequests(), "nothing sent");

    // The server's rules: whole hours, at most 14 days, in order.
    Instant from = hour.minus(Duration.ofHours(2));
    failsWith(Status.INVALID_ARGUMENT, () -> rest.getBillingUsage(from.plusSeconds(1800), hour));
    failureWith(Status.INVALID_ARGUMENT, rest.getBillingUsageAsync(hour.minus(Duration.ofDays(15)), hour));
    failsWith(Status.INVALID_ARGUMENT, () -> rest.getBillingUsage(hour, from));
  }
}
