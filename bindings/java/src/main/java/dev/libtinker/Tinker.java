package dev.libtinker;

/**
 * Library-level entry points of the Java binding of libtinker.
 *
 * <p>The JNI library ({@code libtinker_jni.so}, the SWIG raw layer) is loaded on first use: from
 * the file named by the system property {@code libtinker.jni.path} when set, else from
 * {@code java.library.path}, else the one installed beside the jar
 * ({@code PREFIX/lib/jni/libtinker_jni.so}), else the copy inside the jar. Then libtinker's
 * version is checked: the same major version as this jar's and not older, else an
 * {@link UnsatisfiedLinkError} names both.
 */
public final class Tinker {
  private Tinker() {}

  static {
    NativeLibrary.load();
  }

  /** Makes sure the native library is loaded; every class that calls the raw layer calls this. */
  static void load() {}

  /**
   * The run-time version of libtinker.
   *
   * @return the version, e.g. "0.1.0"
   */
  public static String version() {
    return TinkerRaw.tinker_version_string();
  }

  /**
   * The run-time version of libtinker as a number ({@code tinker_version_number()}).
   *
   * @return MAJOR * 10000 + MINOR * 100 + PATCH, e.g. 100 for 0.1.0
   */
  public static int versionNumber() {
    return TinkerRaw.tinker_version_number();
  }

  /**
   * Which JNI library was loaded, for diagnostics.
   *
   * @return its path and how it was found, e.g. "/usr/lib/x86_64-linux-gnu/jni/libtinker_jni.so"
   *     or "the copy bundled in the jar (...)"
   */
  public static String nativeLibrary() {
    return NativeLibrary.description();
  }
}
