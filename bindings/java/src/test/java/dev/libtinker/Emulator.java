package dev.libtinker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The tinker-emulator a test runs against: a client on it, and its admin API (docs/emulator.md,
 * "Admin API") for tests that check what reached the server. Reads TINKER_BASE_URL, as the
 * clients do.
 */
final class Emulator {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Emulator() {}

  /**
   * A service client on the emulator the test runs under (tests/with_emulator.sh sets
   * TINKER_BASE_URL and TINKER_API_KEY). Without one the test fails, so a broken harness cannot
   * pass as skipped tests; TINKER_SKIP_EMULATOR_TESTS=1 skips it instead.
   */
  static ServiceClient connect() {
    requireEmulator();
    return ServiceClient.create();
  }

  /**
   * A service client on the emulator as a user of its own: a fresh API key, which the emulator
   * makes a new user, so that what the test lists (checkpoints, sessions) is only what it made.
   */
  static ServiceClient connectAsNewUser() {
    return connectAs("tml-java-" + UUID.randomUUID());
  }

  /** A service client on the emulator as the user of {@code apiKey} (any "tml-" key is a user). */
  static ServiceClient connectAs(String apiKey) {
    return builderAs(apiKey).build();
  }

  /** {@link #connectAs}'s builder, for a test that sets more options. */
  static ServiceClient.Builder builderAs(String apiKey) {
    requireEmulator();
    return ServiceClient.builder().apiKey(apiKey);
  }

  private static void requireEmulator() {
    String url = System.getenv("TINKER_BASE_URL");
    if (url == null || url.isEmpty()) {
      Assumptions.assumeFalse(
          "1".equals(System.getenv("TINKER_SKIP_EMULATOR_TESTS")),
          "TINKER_BASE_URL is not set and TINKER_SKIP_EMULATOR_TESTS=1: skipped");
      Assertions.fail(
          "TINKER_BASE_URL is not set: run under tests/with_emulator.sh (CTest does), or set "
              + "TINKER_SKIP_EMULATOR_TESTS=1 to skip the tests that need the emulator");
    }
  }

  /** GET of an admin path such as "/_emulator/samplers"; the body. */
  static String get(String path) {
    return send(path, HttpRequest.newBuilder().GET());
  }

  /** POST of a JSON body to an admin path such as "/_emulator/config"; the body. */
  static String post(String path, String json) {
    return send(
        path, HttpRequest.newBuilder().header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** DELETE of an admin path such as "/_emulator/faults" (removes them all); the body. */
  static String delete(String path) {
    return send(path, HttpRequest.newBuilder().DELETE());
  }

  private static String send(String path, HttpRequest.Builder request) {
    String base = System.getenv("TINKER_BASE_URL");
    try {
      HttpResponse<String> r =
          HTTP.send(
              request.uri(URI.create(base.replaceAll("/+$", "") + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new AssertionError(path + ": HTTP " + r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new AssertionError(path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** How many requests to API path {@code path} (e.g. "/api/v1/forward_backward") named the model. */
  static int requests(String path, String modelId) {
    return count("\"model_id\"\\s*:\\s*\"" + Pattern.quote(modelId) + "\"", path);
  }

  /** How many requests to API path {@code path} the emulator got, from any client. */
  static int requests(String path) {
    return count("\"seq\"\\s*:", path);
  }

  /** How many requests the emulator logged (from any client) whose path matches {@code pathRegex}. */
  static int requestsMatching(String pathRegex) {
    Matcher m = Pattern.compile("\"path\"\\s*:\\s*\"(?:" + pathRegex + ")\"").matcher(get("/_emulator/log"));
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static int count(String regex, String path) {
    Matcher m = Pattern.compile(regex).matcher(get("/_emulator/log?path=" + path));
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** forward and forward_backward requests of a model (both go to /api/v1/forward_backward). */
  static int forwardBackwardRequests(String modelId) {
    return requests("/api/v1/forward_backward", modelId);
  }
}
