package dev.libtinker;

import dev.libtinker.raw.TinkerRaw;

/**
 * Library-level entry points of the Java binding of libtinker.
 *
 * <p>The JNI part ({@code libtinker_jni.so}, the SWIG raw layer) is loaded on first use: from
 * the path in the system property {@code libtinker.jni.path} when set, else with
 * {@code System.loadLibrary("tinker_jni")} (so {@code -Djava.library.path=...}).
 */
public final class Tinker {
  private Tinker() {}

  static {
    String path = System.getProperty("libtinker.jni.path");
    if (path != null && !path.isEmpty()) {
      System.load(path);
    } else {
      System.loadLibrary("tinker_jni");
    }
  }

  /** Makes sure the native library is loaded; every class that calls the raw layer calls this. */
  static void load() {}

  /** The run-time version of libtinker, e.g. "0.1.0". */
  public static String version() {
    return TinkerRaw.tinker_version_string();
  }
}
