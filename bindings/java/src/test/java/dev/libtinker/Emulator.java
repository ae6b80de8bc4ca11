package dev.libtinker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tinker-emulator's admin API (docs/emulator.md, "Admin API"), for tests that check what
 * reached the server. Reads TINKER_BASE_URL, as the clients do.
 */
final class Emulator {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Emulator() {}

  /** GET of an admin path such as "/_emulator/samplers"; the body. */
  static String get(String path) {
    String base = System.getenv("TINKER_BASE_URL");
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + path)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new AssertionError("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new AssertionError("GET " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** How many requests to API path {@code path} (e.g. "/api/v1/forward_backward") named the model. */
  static int requests(String path, String modelId) {
    Matcher m =
        Pattern.compile("\"model_id\"\\s*:\\s*\"" + Pattern.quote(modelId) + "\"")
            .matcher(get("/_emulator/log?path=" + path));
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
