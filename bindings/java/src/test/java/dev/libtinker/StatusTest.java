package dev.libtinker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The Status enum against libtinker's own names and numbers (no emulator needed). */
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
}
