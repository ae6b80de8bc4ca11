package dev.libtinker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The Status enum against libtinker's own names and numbers, and argument checks (no emulator needed). */
class StatusTest {
  @Test
  void everyStatusIsItsCConstant() {
    for (Status s : Status.values()) {
      String c = Status.name(s.value());
      assertEquals(c, s.cName());
      assertEquals(c.replaceFirst("^TINKER_(E_)?", ""), s.name(), c);
      assertEquals(s, Status.of(s.value()));
    }
  }

  @Test
  void anUnknownNumberIsUnknownButKeepsItsValue() {
    assertEquals(Status.UNKNOWN, Status.of(12345));
    TinkerException e =
        new TinkerException(Status.NOT_FOUND, "m", TinkerException.Category.USER, 404, "", false);
    assertEquals(Status.NOT_FOUND, e.code());
    assertEquals(Status.NOT_FOUND.value(), e.codeValue());
    assertEquals("TINKER_E_NOT_FOUND", e.statusName());
  }

  @Test
  void aNullDurationIsRefusedWhenGivenNamingTheParameter() {
    ServiceClient.Builder b = ServiceClient.builder();
    assertEquals("timeout", assertThrows(NullPointerException.class, () -> b.requestTimeout(null)).getMessage());
    assertEquals("deadline", assertThrows(NullPointerException.class, () -> b.defaultDeadline(null)).getMessage());
    assertEquals("delay", assertThrows(NullPointerException.class, () -> b.archiveRetry(null, 1)).getMessage());
    assertEquals("interval", assertThrows(NullPointerException.class, () -> b.tracePollInterval(null)).getMessage());
  }
}
