package dev.libtinker;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The load-time version check (NativeLibrary.checkVersion) with made-up version numbers. */
class NativeLibraryTest {
  @Test
  void aLibtinkerOfTheSameMajorVersionAndNotOlderIsAccepted() {
    assertDoesNotThrow(() -> NativeLibrary.checkVersion(10203, 10203)); // 1.2.3 at run time, built for 1.2.3
    assertDoesNotThrow(() -> NativeLibrary.checkVersion(10203, 10204)); // a newer patch
    assertDoesNotThrow(() -> NativeLibrary.checkVersion(10203, 19900)); // a newer minor
    assertDoesNotThrow(() -> NativeLibrary.checkVersion(100, 100)); // 0.1.0
  }

  @Test
  void anOlderLibtinkerIsRefusedNamingBothVersions() {
    UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, () -> NativeLibrary.checkVersion(10203, 10202));
    assertEquals(
        "dev.libtinker: libtinker 1.2.2 (loaded at run time) does not fit this jar, built for libtinker 1.2.3: "
            + "it needs libtinker 1.x, 1.2.3 or newer",
        e.getMessage());
    assertThrows(UnsatisfiedLinkError.class, () -> NativeLibrary.checkVersion(10300, 10299));
  }

  @Test
  void anotherMajorVersionIsRefusedEitherWay() {
    String newer = assertThrows(UnsatisfiedLinkError.class, () -> NativeLibrary.checkVersion(10203, 20000)).getMessage();
    assertTrue(newer.contains("libtinker 2.0.0 (loaded at run time)") && newer.contains("built for libtinker 1.2.3"), newer);
    String older = assertThrows(UnsatisfiedLinkError.class, () -> NativeLibrary.checkVersion(10000, 9999)).getMessage();
    assertTrue(older.contains("libtinker 0.99.99 (loaded at run time)") && older.contains("built for libtinker 1.0.0"), older);
  }

  @Test
  void theLoadedLibraryPassedTheCheck() {
    assertTrue(Tinker.versionNumber() >= BuildInfo.VERSION_NUMBER);
    assertEquals(BuildInfo.VERSION_NUMBER / 10000, Tinker.versionNumber() / 10000);
    assertEquals(NativeLibrary.versionText(Tinker.versionNumber()), Tinker.version());
    assertTrue(Tinker.nativeLibrary().endsWith("from java.library.path"), Tinker.nativeLibrary());
  }
}
