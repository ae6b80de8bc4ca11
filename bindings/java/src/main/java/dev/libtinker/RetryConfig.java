package dev.libtinker;

import dev.libtinker.raw.SWIGTYPE_p_tinker_retry_config;
import dev.libtinker.raw.TinkerRaw;
import java.time.Duration;
import java.util.Objects;

/**
 * Retry settings of a sampling client (protocol.md §4.3), given to {@link
 * TrainingClient#createSamplingClient(String, RetryConfig)} and {@link
 * TrainingClient#saveWeightsAndGetSamplingClient(RetryConfig)}. Immutable; {@link #defaults()}
 * are tinker.h's: at most 1000 sample operations in flight, in-flight operations fail as stuck
 * after 2 hours without progress, retry delays from 0.5 s doubling up to 10 s with a jitter of
 * 0.25, retries and stuck detection on. {@link Builder#build} checks the values with
 * libtinker's own rules and throws {@link TinkerException} ({@link Status#INVALID_ARGUMENT})
 * for one it refuses (max connections below 1, a progress timeout that is not positive, a
 * negative delay, a jitter factor outside [0, 1]).
 */
public final class RetryConfig {
  public static final long DEFAULT_MAX_CONNECTIONS = 1000;
  public static final Duration DEFAULT_PROGRESS_TIMEOUT = Duration.ofHours(2);
  public static final Duration DEFAULT_RETRY_DELAY_BASE = Duration.ofMillis(500);
  public static final Duration DEFAULT_RETRY_DELAY_MAX = Duration.ofSeconds(10);
  public static final double DEFAULT_JITTER_FACTOR = 0.25;

  private static final RetryConfig DEFAULTS = new RetryConfig(new Builder());

  private final long maxConnections;
  private final Duration progressTimeout;
  private final Duration retryDelayBase;
  private final Duration retryDelayMax;
  private final double jitterFactor;
  private final boolean retryLogic;
  private final boolean stuckDetection;

  private RetryConfig(Builder b) {
    this.maxConnections = b.maxConnections;
    this.progressTimeout = b.progressTimeout;
    this.retryDelayBase = b.retryDelayBase;
    this.retryDelayMax = b.retryDelayMax;
    this.jitterFactor = b.jitterFactor;
    this.retryLogic = b.retryLogic;
    this.stuckDetection = b.stuckDetection;
  }

  public static RetryConfig defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these values. */
  public Builder toBuilder() {
    return new Builder()
        .maxConnections(maxConnections)
        .progressTimeout(progressTimeout)
        .retryDelayBase(retryDelayBase)
        .retryDelayMax(retryDelayMax)
        .jitterFactor(jitterFactor)
        .retryLogic(retryLogic)
        .stuckDetection(stuckDetection);
  }

  /** Starts from the defaults. */
  public static final class Builder {
    private long maxConnections = DEFAULT_MAX_CONNECTIONS;
    private Duration progressTimeout = DEFAULT_PROGRESS_TIMEOUT;
    private Duration retryDelayBase = DEFAULT_RETRY_DELAY_BASE;
    private Duration retryDelayMax = DEFAULT_RETRY_DELAY_MAX;
    private double jitterFactor = DEFAULT_JITTER_FACTOR;
    private boolean retryLogic = true;
    private boolean stuckDetection = true;

    private Builder() {}

    /** Bound on concurrent sample operations (>= 1); the server's own limit replaces it. */
    public Builder maxConnections(long value) {
      maxConnections = value;
      return this;
    }

    /** Time without any completed operation after which in-flight ones fail as stuck (> 0). */
    public Builder progressTimeout(Duration value) {
      progressTimeout = Objects.requireNonNull(value, "progressTimeout");
      return this;
    }

    /** First retry delay, doubled per attempt (>= 0). */
    public Builder retryDelayBase(Duration value) {
      retryDelayBase = Objects.requireNonNull(value, "retryDelayBase");
      return this;
    }

    /** Cap on the retry delay (>= 0). */
    public Builder retryDelayMax(Duration value) {
      retryDelayMax = Objects.requireNonNull(value, "retryDelayMax");
      return this;
    }

    /** Relative jitter of each delay, in [0, 1]. */
    public Builder jitterFactor(double value) {
      jitterFactor = value;
      return this;
    }

    /** false makes every sample a single attempt. */
    public Builder retryLogic(boolean on) {
      retryLogic = on;
      return this;
    }

    /** false turns stuck detection off (the server can also turn it off). */
    public Builder stuckDetection(boolean on) {
      stuckDetection = on;
      return this;
    }

    /** The settings, checked by libtinker's setters. */
    public RetryConfig build() {
      RetryConfig config = new RetryConfig(this);
      try (NativeScope scope = new NativeScope()) {
        config.toNative(scope);
      }
      return config;
    }
  }

  public long maxConnections() {
    return maxConnections;
  }

  public Duration progressTimeout() {
    return progressTimeout;
  }

  public Duration retryDelayBase() {
    return retryDelayBase;
  }

  public Duration retryDelayMax() {
    return retryDelayMax;
  }

  public double jitterFactor() {
    return jitterFactor;
  }

  public boolean retryLogic() {
    return retryLogic;
  }

  public boolean stuckDetection() {
    return stuckDetection;
  }

  /** The C settings, owned by the scope. */
  SWIGTYPE_p_tinker_retry_config toNative(NativeScope scope) {
    SWIGTYPE_p_tinker_retry_config[] out = new SWIGTYPE_p_tinker_retry_config[1];
    TinkerRaw.tinker_retry_config_new(out);
    SWIGTYPE_p_tinker_retry_config c = scope.own(out, TinkerRaw::tinker_retry_config_free);
    TinkerRaw.tinker_retry_config_set_max_connections(c, maxConnections);
    TinkerRaw.tinker_retry_config_set_progress_timeout(c, seconds(progressTimeout));
    TinkerRaw.tinker_retry_config_set_retry_delay_base(c, seconds(retryDelayBase));
    TinkerRaw.tinker_retry_config_set_retry_delay_max(c, seconds(retryDelayMax));
    TinkerRaw.tinker_retry_config_set_jitter_factor(c, jitterFactor);
    TinkerRaw.tinker_retry_config_set_enable_retry_logic(c, retryLogic ? 1 : 0);
    TinkerRaw.tinker_retry_config_set_enable_stuck_detection(c, stuckDetection ? 1 : 0);
    return c;
  }

  /** The settings of a call: null (libtinker's defaults) when the caller gave none. */
  static SWIGTYPE_p_tinker_retry_config toNative(RetryConfig config, NativeScope scope) {
    return config == null ? null : config.toNative(scope);
  }

  private static double seconds(Duration d) {
    return d.getSeconds() + d.getNano() / 1e9;
  }

  @Override
  public String toString() {
    return "RetryConfig{maxConnections=" + maxConnections + ", progressTimeout=" + progressTimeout
        + ", retryDelayBase=" + retryDelayBase + ", retryDelayMax=" + retryDelayMax
        + ", jitterFactor=" + jitterFactor + ", retryLogic=" + retryLogic
        + ", stuckDetection=" + stuckDetection + "}";
  }
}
