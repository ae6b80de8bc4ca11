package dev.libtinker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The entry point: owns the connection runtime shared by every client and future created from
 * it, plus one completion queue that delivers their results. Thread-safe. Close it when done
 * (try-with-resources); one never closed is freed by a Cleaner once it (and every client made from
 * it) is unreachable.
 *
 * <p>Its operations (health check, server capabilities, session, creating training and sampling
 * clients) come from the registry (api/registry.py, generated into {@code
 * ServiceClientOperations}): each as {@code fooAsync()}, returning a {@link TinkerFuture}, and as
 * a blocking {@code foo()} that waits for it. Failures are {@link TinkerException}s.
 *
 * <p>Lifetimes follow libtinker's rule that handles may be freed in any order: the {@link
 * TrainingClient}s, {@link SamplingClient}s and {@link RestClient}s it creates keep the runtime
 * and the completion queue alive, so they keep working after this client is closed, and their
 * pending operations still complete. Closing this client ends its pending operations with {@link
 * Status#CANCELLED} only when it is the last handle on the runtime (libtinker cancels them; the
 * futures complete shortly after {@link #close} returns).
 *
 * <p>The thread draining the queue ("tinker-completions", running only while operations are
 * pending) never runs user code: futures are completed on a pool of "tinker-callbacks" threads
 * (see {@link TinkerFuture}), so a dependent stage may block on another operation or close any
 * client, this one included.
 */
public final class ServiceClient extends ServiceClientOperations implements AutoCloseable {
  private final NativeHandle<SWIGTYPE_p_tinker_service_client> handle;
  private final Completions completions;

  /**
   * A client configured from the environment (TINKER_BASE_URL, TINKER_API_KEY, ...).
   *
   * @return the client; sends nothing yet
   */
  public static ServiceClient create() {
    return builder().build();
  }

  /**
   * A builder of client options, none set.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Client options; each maps to one tinker_client_options_* setter. Unset ones keep defaults. A
   * null argument throws NullPointerException naming the parameter at once; a value the setter
   * refuses throws from {@link #build} ({@link Status#INVALID_ARGUMENT}).
   */
  public static final class Builder {
    private final List<Consumer<SWIGTYPE_p_tinker_client_options>> settings = new ArrayList<>();

    private Builder() {}

    private Builder with(Consumer<SWIGTYPE_p_tinker_client_options> setting) {
      settings.add(setting);
      return this;
    }

    /**
     * The server's URL (default: TINKER_BASE_URL, else the Tinker service).
     *
     * @param url e.g. "http://127.0.0.1:8000"
     * @return this builder
     */
    public Builder baseUrl(String url) {
      Objects.requireNonNull(url, "url");
      return with(o -> TinkerRaw.tinker_client_options_set_base_url(o, url));
    }

    /**
     * The API key (default: TINKER_API_KEY).
     *
     * @param key a key starting with "tml-" (or a JWT)
     * @return this builder
     */
    public Builder apiKey(String key) {
      Objects.requireNonNull(key, "key");
      return with(o -> TinkerRaw.tinker_client_options_set_api_key(o, key));
    }

    /**
     * The timeout of one HTTP request (whole milliseconds; default 60 s).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      return with(o -> TinkerRaw.tinker_client_options_set_request_timeout_ms(o, timeout.toMillis()));
    }

    /**
     * How often a failed HTTP request is retried (default 10).
     *
     * @param retries &gt;= 0
     * @return this builder
     */
    public Builder maxRetries(int retries) {
      return with(o -> TinkerRaw.tinker_client_options_set_max_retries(o, retries));
    }

    /**
     * The deadline of every operation that sets none itself (whole milliseconds).
     *
     * @param deadline &gt;= 0; zero: none (the default)
     * @return this builder
     */
    public Builder defaultDeadline(Duration deadline) {
      Objects.requireNonNull(deadline, "deadline");
      return with(o -> TinkerRaw.tinker_client_options_set_default_deadline_ms(o, deadline.toMillis()));
    }

    /**
     * An HTTP header sent with every request.
     *
     * @param name the header's name
     * @param value its value
     * @return this builder
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      return with(o -> TinkerRaw.tinker_client_options_add_header(o, name, value));
    }

    /**
     * A metadata entry of the session the client creates.
     *
     * @param key the entry's key
     * @param value its value
     * @return this builder
     */
    public Builder userMetadata(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      return with(o -> TinkerRaw.tinker_client_options_add_user_metadata(o, key, value));
    }

    /**
     * How {@code RestClient.getCheckpointArchiveUrl} waits for an archive the server is still
     * building (HTTP 503): it asks again after {@code delay} (whole milliseconds), up to {@code
     * attempts} times, then fails like any other 503. Default: 30 s, 6 times, as the official
     * client. A negative delay or number of attempts throws from {@link #build}.
     *
     * @param delay &gt;= 0
     * @param attempts &gt;= 0
     * @return this builder
     */
    public Builder archiveRetry(Duration delay, int attempts) {
      Objects.requireNonNull(delay, "delay");
      return with(o -> TinkerRaw.tinker_client_options_set_archive_retry(o, delay.toMillis(), attempts));
    }

    /**
     * How often {@code RestClient.exportSessionTrace} asks again while the export is pending
     * (whole milliseconds). Default: 5 s, as the official client; the call's deadline bounds the
     * wait. One that is not positive throws from {@link #build}.
     *
     * @param interval positive
     * @return this builder
     */
    public Builder tracePollInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      return with(o -> TinkerRaw.tinker_client_options_set_trace_poll_interval_ms(o, interval.toMillis()));
    }

    /**
     * The Hugging Face Hub that {@code getTokenizer} fetches tokenizer files from (default:
     * HF_ENDPOINT, else https://huggingface.co). A URL that is not http(s) with a host, or that
     * carries user information, throws from {@link #build}.
     *
     * @param url the Hub's endpoint, e.g. "https://huggingface.co" or a mirror
     * @return this builder
     */
    public Builder hubEndpoint(String url) {
      Objects.requireNonNull(url, "url");
      return with(o -> TinkerRaw.tinker_client_options_set_hub_endpoint(o, url));
    }

    /**
     * The Hub access token, for gated or private repositories (default: HF_TOKEN, else the file
     * HF_TOKEN_PATH, else $HF_HOME/token). It is sent to the endpoint's own host only and never
     * appears in a message.
     *
     * @param token the token; "": anonymous, whatever the environment says
     * @return this builder
     */
    public Builder hubToken(String token) {
      Objects.requireNonNull(token, "token");
      return with(o -> TinkerRaw.tinker_client_options_set_hub_token(o, token));
    }

    /**
     * The directory of the Hub cache, laid out as huggingface_hub lays it out, so that Python and
     * libtinker share downloads (default: HF_HUB_CACHE, else $HF_HOME/hub). Created when missing.
     *
     * @param path the directory; not empty
     * @return this builder
     */
    public Builder hubCacheDir(Path path) {
      Objects.requireNonNull(path, "path");
      String dir = path.toString();
      return with(o -> TinkerRaw.tinker_client_options_set_hub_cache_dir(o, dir));
    }

    /**
     * Offline mode: {@code getTokenizer} reads the Hub cache only and sends nothing to the Hub; a
     * tokenizer not cached fails with {@link Status#UNAVAILABLE} (default: HF_HUB_OFFLINE, else
     * online).
     *
     * @param offline whether to stay offline
     * @return this builder
     */
    public Builder hubOffline(boolean offline) {
      return with(o -> TinkerRaw.tinker_client_options_set_hub_offline(o, offline ? 1 : 0));
    }

    /**
     * Creates the client (no I/O). A malformed URL or API key throws here.
     *
     * @return the client
     */
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
    this.completions = c; // no thread yet: it starts with the first operation
  }

  /** One C {@code _async} call: the handle it runs on, a scope for converted inputs, the future. */
  @FunctionalInterface
  interface AsyncCall<H> {
    void start(H handle, NativeScope inputs, SWIGTYPE_p_tinker_future[] out);
  }

  /** Starts an operation of this client (ServiceClientOperations). */
  @Override
  <T> TinkerFuture<T> start(
      AsyncCall<SWIGTYPE_p_tinker_service_client> call, Function<SWIGTYPE_p_tinker_future, T> take) {
    // Under the client's read lock, so close() cannot free the client or the queue in between.
    return handle.use(c -> launch(c, call, take));
  }

  /** The training clients it makes are served by its completion thread. */
  @Override
  ServiceClient service() {
    return this;
  }

  /**
   * Starts an operation of a client made from this one (training, sampling, REST): its completion
   * goes through this client's queue, which outlives this client's handle, so only the target's
   * handle is borrowed and the operation works after this client was closed.
   */
  <H, T> TinkerFuture<T> start(
      NativeHandle<H> target, AsyncCall<H> call, Function<SWIGTYPE_p_tinker_future, T> take) {
    return target.use(h -> launch(h, call, take));
  }

  /**
   * Every operation goes through here: converts the inputs, calls the C {@code _async} entry
   * point, frees the inputs (encoded by then) and hands the future to the completion thread;
   * take turns a finished native future into the Java result.
   */
  private <H, T> TinkerFuture<T> launch(
      H target, AsyncCall<H> call, Function<SWIGTYPE_p_tinker_future, T> take) {
    SWIGTYPE_p_tinker_future[] out = new SWIGTYPE_p_tinker_future[1];
    try (NativeScope inputs = new NativeScope()) {
      call.start(target, inputs, out);
    }
    TinkerFuture<T> future = new TinkerFuture<>(out[0], take);
    completions.watch(future);
    return future;
  }

  /**
   * The optional parameters of creating a training client from a checkpoint: a base model
   * override (null: the checkpoint's), user metadata, and a weights access token (null: none; lets
   * another account's credential authorise reading the checkpoint). The generated S3 and S4 methods
   * take their optional parameters as this record (api/gen_java.py, OPTIONS_RECORDS).
   */
  public record FromStateOptions(String baseModel, Map<String, String> userMetadata, String weightsAccessToken) {
    /**
     * Copies the metadata.
     *
     * @param baseModel the base model's name; null: the checkpoint's
     * @param userMetadata the new session's metadata; null: none
     * @param weightsAccessToken a token for another user's checkpoint; null: none
     */
    public FromStateOptions {
      userMetadata =
          userMetadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(userMetadata));
    }

    /**
     * Every option absent.
     *
     * @return the options
     */
    public static FromStateOptions defaults() {
      return new FromStateOptions(null, null, null);
    }

    /**
     * These options with another base model.
     *
     * @param model the base model's name; null: absent
     * @return new options
     */
    public FromStateOptions withBaseModel(String model) {
      return new FromStateOptions(model, userMetadata, weightsAccessToken);
    }

    /**
     * These options with other metadata.
     *
     * @param metadata the metadata; null: none
     * @return new options
     */
    public FromStateOptions withUserMetadata(Map<String, String> metadata) {
      return new FromStateOptions(baseModel, metadata, weightsAccessToken);
    }

    /**
     * These options with another access token.
     *
     * @param token the token; null: none
     * @return new options
     */
    public FromStateOptions withWeightsAccessToken(String token) {
      return new FromStateOptions(baseModel, userMetadata, token);
    }
  }

  /**
   * What {@code createSamplingClient} samples: a sampler checkpoint ({@code tinker://...}), a base
   * model, or both (then the checkpoint is sampled and the server checks that it was trained from
   * that base model); at least one of the two. The retry settings (null: libtinker's defaults) say
   * how its samples are retried and bounded (sampling.h, "How a sample call behaves"). The
   * generated S5 methods take their parameters as this record (api/gen_java.py, OPTIONS_RECORDS).
   *
   * @param modelPath the sampler checkpoint, starting with tinker://; null: none
   * @param baseModel the base model's name, e.g. "Qwen/Qwen3-8B"; null: none
   * @param retry the sampling client's retry settings; null: the defaults
   */
  public record SamplingClientOptions(String modelPath, String baseModel, RetryConfig retry) {
    /**
     * Nothing set: give it a model path or a base model ({@link #withModelPath}, ...).
     *
     * @return the options
     */
    public static SamplingClientOptions defaults() {
      return new SamplingClientOptions(null, null, null);
    }

    /**
     * Sampling the sampler checkpoint at {@code path} (tinker://...).
     *
     * @param path the sampler checkpoint's tinker:// path
     * @return the options
     */
    public static SamplingClientOptions ofModelPath(String path) {
      Objects.requireNonNull(path, "path");
      return defaults().withModelPath(path);
    }

    /**
     * Sampling base model {@code model} with untrained adapters.
     *
     * @param model the base model's name
     * @return the options
     */
    public static SamplingClientOptions ofBaseModel(String model) {
      Objects.requireNonNull(model, "model");
      return defaults().withBaseModel(model);
    }

    /**
     * These options with another sampler checkpoint.
     *
     * @param path the tinker:// path; null: none
     * @return new options
     */
    public SamplingClientOptions withModelPath(String path) {
      return new SamplingClientOptions(path, baseModel, retry);
    }

    /**
     * These options with another base model.
     *
     * @param model the base model's name; null: none
     * @return new options
     */
    public SamplingClientOptions withBaseModel(String model) {
      return new SamplingClientOptions(modelPath, model, retry);
    }

    /**
     * These options with other retry settings.
     *
     * @param config the settings; null: the defaults
     * @return new options
     */
    public SamplingClientOptions withRetry(RetryConfig config) {
      return new SamplingClientOptions(modelPath, baseModel, config);
    }
  }

  /**
   * S6: a REST client (checkpoints, sessions, samplers, whoami) on this client's configuration and
   * runtime. No I/O and no session; its operations are delivered through this client's completion
   * queue, and it keeps working after this client was closed.
   *
   * @return the REST client
   */
  public RestClient createRestClient() {
    return handle.use(c -> RestClient.create(this, c));
  }

  /**
   * The session id once a session exists (after {@link #startSession} or a training operation).
   *
   * @return the id, or empty
   */
  public Optional<String> sessionId() {
    return Optional.ofNullable(handle.use(TinkerRaw::tinker_service_client_session_id));
  }

  /**
   * Releases the client. When it is the last handle on its runtime, libtinker ends every pending
   * operation cancelled, and their futures complete with {@link Status#CANCELLED} shortly after;
   * otherwise they run on. Clients made from this one keep working. Never waits for a thread:
   * safe from any thread, a dependent stage of one of its futures included. Idempotent.
   */
  @Override
  public void close() {
    handle.close(null);
  }
}
