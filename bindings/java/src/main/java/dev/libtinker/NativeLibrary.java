package dev.libtinker;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads libtinker_jni.so (the raw layer's JNI library) once, then checks that the libtinker it
 * runs against fits the version this jar was built for.
 *
 * <p>The first of these that exists is loaded, so a user needs neither -Djava.library.path nor
 * LD_LIBRARY_PATH:
 *
 * <ol>
 *   <li>the file named by the system property {@code libtinker.jni.path} (a failure there is
 *       reported, never passed over: it was asked for);
 *   <li>{@code tinker_jni} on {@code java.library.path} (the build tree's tests; Debian's default
 *       path includes /usr/lib/MULTIARCH/jni);
 *   <li>the JNI library installed with the jar, PREFIX/LIBDIR/jni/libtinker_jni.so, found from the
 *       jar's own location;
 *   <li>the copy inside the jar, extracted to a private temporary file that is deleted as soon as
 *       it is loaded (the mapping stays), so nothing is left behind even when the JVM crashes.
 * </ol>
 *
 * <p>The bundled copy has no RUNPATH (it runs from a temporary directory), so it finds
 * libtinker.so.0 through the system loader (a /usr install) or because this class loaded
 * PREFIX/LIBDIR/libtinker.so.0 first: the dynamic loader then satisfies the JNI library's
 * DT_NEEDED by that SONAME. The installed JNI library finds it by its $ORIGIN RUNPATH anyway.
 */
final class NativeLibrary {
  /** The system property naming the JNI library file to load. */
  static final String PATH_PROPERTY = "libtinker.jni.path";

  private static String description;

  private NativeLibrary() {}

  /** Loads the library and checks libtinker's version, once; throws UnsatisfiedLinkError. */
  static synchronized void load() {
    if (description != null) {
      return;
    }
    String loaded = find();
    checkVersion(BuildInfo.VERSION_NUMBER, TinkerRaw.tinker_version_number());
    description = loaded;
  }

  /** Which JNI library was loaded, for diagnostics (see Tinker.nativeLibrary). */
  static synchronized String description() {
    return description;
  }

  private static String find() {
    String path = System.getProperty(PATH_PROPERTY);
    if (path != null && !path.isEmpty()) {
      System.load(path);
      return path + " (" + PATH_PROPERTY + ")";
    }
    List<String> tried = new ArrayList<>();
    try {
      System.loadLibrary("tinker_jni");
      return System.mapLibraryName("tinker_jni") + " from java.library.path";
    } catch (UnsatisfiedLinkError e) {
      // Only "not there" passes on to the next place; a library found but broken is reported.
      if (!e.getMessage().startsWith("no tinker_jni in ")) {
        throw e;
      }
      tried.add("java.library.path (" + System.getProperty("java.library.path") + ")");
    }
    Path libdir = installedLibdir();
    if (libdir != null) {
      Path libtinker = libdir.resolve(BuildInfo.LIBTINKER_SONAME);
      if (Files.isRegularFile(libtinker)) {
        System.load(libtinker.toString());
      }
      Path jni = libdir.resolve(BuildInfo.JNI_IN_LIBDIR);
      if (Files.isRegularFile(jni)) {
        System.load(jni.toString());
        return jni.toString();
      }
      tried.add(jni.toString());
    } else {
      tried.add("PREFIX/LIBDIR/" + BuildInfo.JNI_IN_LIBDIR + " (the jar is not in an installed prefix)");
    }
    String resource = "native/" + platform() + "/" + System.mapLibraryName("tinker_jni");
    try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
      if (in != null) {
        return loadBundled(in);
      }
    } catch (IOException e) {
      throw linkError("cannot extract the JNI library bundled in the jar: " + e, e);
    }
    tried.add("the jar's " + resource + " (this jar bundles no library for this platform)");
    throw linkError("libtinker_jni.so not found; tried " + String.join(", ", tried)
        + ". Set -D" + PATH_PROPERTY + "=/path/to/libtinker_jni.so", null);
  }

  /** Copies the bundled library to a new owner-only temporary file, loads it, deletes the file. */
  private static String loadBundled(InputStream in) throws IOException {
    // createTempFile makes the file rw------- on POSIX systems: no other user can swap it.
    Path tmp = Files.createTempFile("libtinker_jni-", ".so");
    try {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      System.load(tmp.toString());
    } finally {
      Files.deleteIfExists(tmp);
    }
    return "the copy bundled in the jar (extracted to " + tmp + ", deleted once loaded)";
  }

  /**
   * PREFIX/LIBDIR when this class comes from a jar in PREFIX/DATADIR/java (the jar's real path,
   * so a symlink to it elsewhere works too); null when it does not (a class directory, no code
   * source, no such directory).
   */
  private static Path installedLibdir() {
    CodeSource source = NativeLibrary.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return null;
    }
    try {
      Path jar = Path.of(source.getLocation().toURI()).toRealPath();
      if (!Files.isRegularFile(jar)) {
        return null;
      }
      Path libdir = jar.getParent().resolve(BuildInfo.JAR_TO_LIBDIR).normalize();
      return Files.isDirectory(libdir) ? libdir : null;
    } catch (URISyntaxException | IOException | IllegalArgumentException | SecurityException e) {
      return null;
    }
  }

  /** os-arch as the build names the bundled copy's directory, e.g. "linux-x86_64". */
  static String platform() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT).replace(' ', '_');
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return os + "-" + (arch.equals("amd64") ? "x86_64" : arch);
  }

  /**
   * Refuses a libtinker of another major version or older than the one this jar was built for
   * (numbers as tinker_version_number() gives them: MAJOR * 10000 + MINOR * 100 + PATCH). A newer
   * minor or patch release keeps every function this jar calls; an older one may lack some.
   */
  static void checkVersion(int builtFor, int runtime) {
    if (runtime / 10000 != builtFor / 10000 || runtime < builtFor) {
      throw linkError("libtinker " + versionText(runtime) + " (loaded at run time) does not fit this jar, "
          + "built for libtinker " + versionText(builtFor) + ": it needs libtinker " + builtFor / 10000
          + ".x, " + versionText(builtFor) + " or newer", null);
    }
  }

  /** "1.2.3" for 10203. */
  static String versionText(int number) {
    return number / 10000 + "." + number / 100 % 100 + "." + number % 100;
  }

  private static UnsatisfiedLinkError linkError(String message, Throwable cause) {
    UnsatisfiedLinkError e = new UnsatisfiedLinkError("dev.libtinker: " + message);
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }
}
