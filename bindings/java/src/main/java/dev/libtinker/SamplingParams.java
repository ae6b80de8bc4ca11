package dev.libtinker;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The parameters of one sample call ({@code tinker_sampling_params_t}, protocol.md §7.7) as an
 * immutable value whose defaults are libtinker's: no max tokens and no seed (the server's
 * choice), no stop, temperature 1, top-k -1 (no limit), top-p 1. Every value is checked by
 * libtinker's setter whenever one is made (by {@link Builder#build} or the constructor): one out
 * of range throws {@link TinkerException} ({@link Status#INVALID_ARGUMENT}) naming the builder
 * method, e.g. "SamplingParams.Builder.temperature: temperature must be finite and >= 0, got -1",
 * so it never reaches a call. A call given one builds the C parameters for it and frees them
 * before returning; null passes NULL, libtinker's defaults (the same).
 *
 * @param maxTokens the most tokens to generate per sample; >= 0. Default: none (the server's
 *     choice).
 * @param seed the same weights, prompt, parameters and seed give the same samples. Default: none
 *     (the server picks one per request).
 * @param stopStrings a sample ends once its text ends with one of these (kept in the sample);
 *     each non-empty. Not together with stop tokens. Default: none.
 * @param stopTokens a sample ends after it emits one of these token ids (kept in the sample). Not
 *     together with stop strings. Default: none.
 * @param temperature finite and >= 0; 0 takes the most likely token each time. Default: 1.
 * @param topK sample only among the k most likely tokens; -1 for no limit, else >= 0. Default: -1.
 * @param topP sample only among the most likely tokens whose probabilities add up to this; in (0,
 *     1]. Default: 1.
 */
public record SamplingParams(
    OptionalLong maxTokens,
    OptionalLong seed,
    List<String> stopStrings,
    List<Integer> stopTokens,
    double temperature,
    long topK,
    double topP) {
  /** The default temperature: the model's own distribution. */
  public static final double DEFAULT_TEMPERATURE = 1.0;
  /** The default top-k: no limit. */
  public static final long DEFAULT_TOP_K = -1;
  /** The default top-p: the whole distribution. */
  public static final double DEFAULT_TOP_P = 1.0;

  private static final SamplingParams DEFAULTS =
      new SamplingParams(
          OptionalLong.empty(), OptionalLong.empty(), List.of(), List.of(), DEFAULT_TEMPERATURE, DEFAULT_TOP_K,
          DEFAULT_TOP_P);

  /**
   * Copies the lists (no null elements) and checks every value with its C setter.
   *
   * @param maxTokens the most tokens per sample; empty: the server's default
   * @param seed a seed; empty: none
   * @param stopStrings strings that end a sequence
   * @param stopTokens token ids that end a sequence
   * @param temperature finite and >= 0
   * @param topK -1 for no limit
   * @param topP in (0, 1]
   */
  public SamplingParams {
    Objects.requireNonNull(maxTokens, "maxTokens");
    Objects.requireNonNull(seed, "seed");
    stopStrings = List.copyOf(stopStrings);
    stopTokens = List.copyOf(stopTokens);
    try (NativeScope scope = new NativeScope()) {
      toNative(scope, maxTokens, seed, stopStrings, stopTokens, temperature, topK, topP);
    }
  }

  /**
   * libtinker's defaults.
   *
   * @return the value with every default
   */
  public static SamplingParams defaults() {
    return DEFAULTS;
  }

  /**
   * The defaults with another maxTokens.
   *
   * @param maxTokens >= 0
   * @return the value
   */
  public static SamplingParams withMaxTokens(long maxTokens) {
    return builder().maxTokens(maxTokens).build();
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  /**
   * A builder starting from these values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Sets values one by one; {@link #build} checks them. */
  public static final class Builder {
    private OptionalLong maxTokens;
    private OptionalLong seed;
    private List<String> stopStrings;
    private List<Integer> stopTokens;
    private double temperature;
    private long topK;
    private double topP;

    private Builder(SamplingParams from) {
      maxTokens = from.maxTokens;
      seed = from.seed;
      stopStrings = from.stopStrings;
      stopTokens = from.stopTokens;
      temperature = from.temperature;
      topK = from.topK;
      topP = from.topP;
    }

    /**
     * The most tokens to generate per sample; >= 0.
     *
     * @param maxTokens >= 0
     * @return this builder
     */
    public Builder maxTokens(long maxTokens) {
      this.maxTokens = OptionalLong.of(maxTokens);
      return this;
    }

    /**
     * A seed, for samples that can be reproduced.
     *
     * @param seed any number
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = OptionalLong.of(seed);
      return this;
    }

    /**
     * Replaces the stop strings (none: no stop string); each non-empty.
     *
     * @param stops the strings
     * @return this builder
     */
    public Builder stopStrings(String... stops) {
      Objects.requireNonNull(stops, "stops");
      this.stopStrings = List.of(stops);
      return this;
    }

    /**
     * Replaces the stop token ids (none: no stop token).
     *
     * @param tokens the token ids
     * @return this builder
     */
    public Builder stopTokens(int... tokens) {
      Objects.requireNonNull(tokens, "tokens");
      this.stopTokens = Arrays.stream(tokens).boxed().toList();
      return this;
    }

    /**
     * Sampling temperature; finite and >= 0 (0: the most likely token each time).
     *
     * @param temperature finite and >= 0
     * @return this builder
     */
    public Builder temperature(double temperature) {
      this.temperature = temperature;
      return this;
    }

    /**
     * Sample only among the k most likely tokens; -1 for no limit.
     *
     * @param topK k, or -1
     * @return this builder
     */
    public Builder topK(long topK) {
      this.topK = topK;
      return this;
    }

    /**
     * Nucleus sampling: the probability mass to sample from; in (0, 1].
     *
     * @param topP in (0, 1]
     * @return this builder
     */
    public Builder topP(double topP) {
      this.topP = topP;
      return this;
    }

    /**
     * The value; throws {@link TinkerException} for one libtinker refuses.
     *
     * @return the value
     */
    public SamplingParams build() {
      return new SamplingParams(maxTokens, seed, stopStrings, stopTokens, temperature, topK, topP);
    }
  }

  /** The C parameters of a call's argument, owned by the scope: null (libtinker's defaults) for none. */
  static SWIGTYPE_p_tinker_sampling_params toNative(SamplingParams value, NativeScope scope) {
    return value == null
        ? null
        : toNative(scope, value.maxTokens, value.seed, value.stopStrings, value.stopTokens, value.temperature,
            value.topK, value.topP);
  }

  private static SWIGTYPE_p_tinker_sampling_params toNative(
      NativeScope scope,
      OptionalLong maxTokens,
      OptionalLong seed,
      List<String> stopStrings,
      List<Integer> stopTokens,
      double temperature,
      long topK,
      double topP) {
    SWIGTYPE_p_tinker_sampling_params[] out = new SWIGTYPE_p_tinker_sampling_params[1];
    TinkerRaw.tinker_sampling_params_new(out);
    SWIGTYPE_p_tinker_sampling_params params = scope.own(out, TinkerRaw::tinker_sampling_params_free);
    if (maxTokens.isPresent()) {
      TinkerRaw.tinker_sampling_params_set_max_tokens(params, maxTokens.getAsLong());
    }
    if (seed.isPresent()) {
      TinkerRaw.tinker_sampling_params_set_seed(params, seed.getAsLong());
    }
    for (String stop : stopStrings) {
      TinkerRaw.tinker_sampling_params_add_stop_string(params, stop);
    }
    for (int token : stopTokens) {
      TinkerRaw.tinker_sampling_params_add_stop_token(params, token);
    }
    TinkerRaw.tinker_sampling_params_set_temperature(params, temperature);
    TinkerRaw.tinker_sampling_params_set_top_k(params, topK);
    TinkerRaw.tinker_sampling_params_set_top_p(params, topP);
    return params;
  }
}
