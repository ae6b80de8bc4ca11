package dev.libtinker;

import dev.libtinker.raw.SWIGTYPE_p_tinker_client_options;
import dev.libtinker.raw.SWIGTYPE_p_tinker_future;
import dev.libtinker.raw.SWIGTYPE_p_tinker_service_client;
import dev.libtinker.raw.TinkerRaw;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The entry point: owns the connection runtime shared by every client and future created from
 * it, plus one completion thread that completes this client's futures. Thread-safe. Close it when
 * done (try-with-resources); futures still pending then end with {@link Status#CANCELLED}.
 *
 * <p>Every operation exists as {@code fooAsync()}, returning a {@link TinkerFuture}, and as a
 * blocking {@code foo()} that waits for it. Failures are {@link TinkerException}s.
 */
public final class ServiceClient implements AutoCloseable {
  private final NativeHandle<SWIGTYPE_p_tinker_service_client> handle;
  private final Completions completions;

  /** A client configured from the environment (TINKER_BASE_URL, TINKER_API_KEY, ...). */
  public static ServiceClient create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Client options; each maps to one tinker_client_options_* setter. Unset ones keep defaults. */
  public static final class Builder {
    private final List<Consumer<SWIGTYPE_p_tinker_client_options>> settings = new ArrayList<>();

    private Builder() {}

    private Builder with(Consumer<SWIGTYPE_p_tinker_client_options> setting) {
      settings.add(setting);
      return this;
    }

    public Builder baseUrl(String url) {
      return with(o -> TinkerRaw.tinker_client_options_set_base_url(o, url));
    }

    public Builder apiKey(String key) {
      return with(o -> TinkerRaw.tinker_client_options_set_api_key(o, key));
    }

    public Builder requestTimeout(Duration timeout) {
      return with(o -> TinkerRaw.tinker_client_options_set_request_timeout_ms(o, timeout.toMillis()));
    }

    public Builder maxRetries(int retries) {
      return with(o -> TinkerRaw.tinker_client_options_set_max_retries(o, retries));
    }

    public Builder defaultDeadline(Duration deadline) {
      return with(o -> TinkerRaw.tinker_client_options_set_default_deadline_ms(o, deadline.toMillis()));
    }

    public Builder header(String name, String value) {
      return with(o -> TinkerRaw.tinker_client_options_add_header(o, name, value));
    }

    public Builder userMetadata(String key, String value) {
      return with(o -> TinkerRaw.tinker_client_options_add_user_metadata(o, key, value));
    }

    /** Creates the client (no I/O). A malformed URL or API key throws here. */
    public ServiceClient build() {
      Tinker.load();
      SWIGTYPE_p_tinker_client_options[] options = new SWIGTYPE_p_tinker_client_options[1];
      TinkerRaw.tinker_client_options_new(options);
      try {
        for (Consumer<SWIGTYPE_p_tinker_client_options> setting : settings) {
          setting.accept(options[0]);
        }
        SWIGTYPE_p_tinker_service_client[] client = new SWIGTYPE_p_tinker_service_client[1];
        TinkerRaw.tinker_service_client_new(client, options[0]);
        return new ServiceClient(client[0]);
      } finally {
        TinkerRaw.tinker_client_options_free(options[0]);
      }
    }
  }

  private ServiceClient(SWIGTYPE_p_tinker_service_client client) {
    this.handle = new NativeHandle<>(client, TinkerRaw::tinker_service_client_free);
    Completions c;
    try {
      c = new Completions();
    } catch (RuntimeException e) {
      handle.close(null);
      throw e;
    }
    this.completions = c;
  }

  /**
   * Starts one operation through its C {@code _async} entry point and hands the future to the
   * completion thread. Every operation goes through here; take turns a finished native future
   * into the Java result.
   */
  private <T> TinkerFuture<T> start(
      BiConsumer<SWIGTYPE_p_tinker_service_client, SWIGTYPE_p_tinker_future[]> async,
      Function<SWIGTYPE_p_tinker_future, T> take) {
    // Under the client's read lock, so close() cannot free the client or the queue in between.
    return handle.use(
        c -> {
          SWIGTYPE_p_tinker_future[] out = new SWIGTYPE_p_tinker_future[1];
          async.accept(c, out);
          TinkerFuture<T> future = new TinkerFuture<>(out[0], take);
          completions.watch(future);
          return future;
        });
  }

  /** The blocking form of an operation: waits for the future and rethrows its failure. */
  private static <T> T await(TinkerFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new TinkerException(
          Status.CANCELLED, "interrupted while waiting", TinkerException.Category.USER, 0, "", false);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw new TinkerException(
          Status.UNKNOWN, String.valueOf(e.getCause()), TinkerException.Category.UNKNOWN, 0, "", false);
    }
  }

  /** GET /api/v1/healthz. */
  public TinkerFuture<Void> healthCheckAsync() {
    return start(TinkerRaw::tinker_service_client_health_check_async, f -> null);
  }

  /** Returns when the server reports itself healthy; throws otherwise. */
  public void healthCheck() {
    await(healthCheckAsync());
  }

  /** The models the server supports. */
  public TinkerFuture<ServerCapabilities> getServerCapabilitiesAsync() {
    return start(
        TinkerRaw::tinker_service_client_get_server_capabilities_async, ServerCapabilities::take);
  }

  public ServerCapabilities getServerCapabilities() {
    return await(getServerCapabilitiesAsync());
  }

  /**
   * Releases the client (when it is the last handle on its runtime, libtinker ends every pending
   * operation cancelled), then stops the completion thread once it delivered what finished.
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    if (handle.isClosing()) {
      return;
    }
    handle.close(null);
    completions.close();
  }
}
