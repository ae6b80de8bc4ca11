package dev.libtinker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The result of {@code SamplingClient.sample}: the sampled sequences in the server's order, and
 * the prompt's logprobs and top-k tokens when the call asked for them. A plain Java value, copied
 * out of libtinker's result, which is freed at once.
 */
public final class SampleResponse {
  /** Why a sequence ended. */
  public enum StopReason {
    /** A stop string or stop token, or the end of the sequence. */
    STOP,
    /** {@code maxTokens} reached. */
    LENGTH;

    /** libtinker's name ("stop", "length") as a constant. */
    static StopReason of(String name) {
      return switch (name == null ? "" : name) {
        case "stop" -> STOP;
        case "length" -> LENGTH;
        default -> throw new IllegalArgumentException("unknown stop reason " + name);
      };
    }
  }

  /** One sampled continuation of the prompt: its tokens, their logprobs, why it ended. */
  public static final class SampledSequence {
    private final StopReason stopReason;
    private final int[] tokens;
    private final float[] logprobs; // null: the server sent none

    SampledSequence(StopReason stopReason, int[] tokens, float[] logprobs) {
      this.stopReason = stopReason;
      this.tokens = tokens;
      this.logprobs = logprobs;
    }

    /**
     * Why the sequence ended.
     *
     * @return why it ended
     */
    public StopReason stopReason() {
      return stopReason;
    }

    /**
     * The sampled token ids (a copy).
     *
     * @return the token ids
     */
    public int[] tokens() {
      return tokens.clone();
    }

    /**
     * The number of sampled tokens.
     *
     * @return the count
     */
    public int length() {
      return tokens.length;
    }

    /**
     * Whether the server sent the tokens' logprobs.
     *
     * @return true when it did
     */
    public boolean hasLogprobs() {
      return logprobs != null;
    }

    /**
     * The logprob of each token (a copy, as long as {@link #tokens}), or null when the server sent none.
     *
     * @return the logprobs, or null
     */
    public float[] logprobs() {
      return logprobs == null ? null : logprobs.clone();
    }

    /** Equal tokens, logprobs (or both none) and stop reason. */
    @Override
    public boolean equals(Object o) {
      return o instanceof SampledSequence s
          && stopReason == s.stopReason
          && Arrays.equals(tokens, s.tokens)
          && Arrays.equals(logprobs, s.logprobs);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * stopReason.hashCode() + Arrays.hashCode(tokens)) + Arrays.hashCode(logprobs);
    }

    @Override
    public String toString() {
      return "SampledSequence{" + stopReason + ", " + Arrays.toString(tokens) + "}";
    }
  }

  /**
   * One of the most likely tokens at a prompt position.
   *
   * @param token the token id
   * @param logprob its logprob at that position
   */
  public record TopkEntry(int token, float logprob) {}

  private final List<SampledSequence> sequences;
  private final PromptLogprobs promptLogprobs; // null: not asked for
  private final List<List<TopkEntry>> topkPromptLogprobs;
  private final long promptCacheHitTokens;
  private final String json;

  private SampleResponse(
      List<SampledSequence> sequences,
      PromptLogprobs promptLogprobs,
      List<List<TopkEntry>> topkPromptLogprobs,
      long promptCacheHitTokens,
      String json) {
    this.sequences = sequences;
    this.promptLogprobs = promptLogprobs;
    this.topkPromptLogprobs = topkPromptLogprobs;
    this.promptCacheHitTokens = promptCacheHitTokens;
    this.json = json;
  }

  /**
   * The sampled sequences, in the server's order (unmodifiable).
   *
   * @return the sequences
   */
  public List<SampledSequence> sequences() {
    return sequences;
  }

  /**
   * The prompt's logprobs, present when the call asked for them (includePromptLogprobs).
   *
   * @return the prompt's logprobs, or empty
   */
  public Optional<PromptLogprobs> promptLogprobs() {
    return Optional.ofNullable(promptLogprobs);
  }

  /**
   * Per prompt position, its most likely tokens, most likely first (at most the k the call asked
   * for; empty where the server has none, as at the first position). Empty when the call asked for
   * none (topkPromptLogprobs 0). Unmodifiable.
   *
   * @return one list per prompt position
   */
  public List<List<TopkEntry>> topkPromptLogprobs() {
    return topkPromptLogprobs;
  }

  /**
   * Prompt tokens the server served from its prefix cache.
   *
   * @return the count
   */
  public long promptCacheHitTokens() {
    return promptCacheHitTokens;
  }

  /**
   * The response as JSON (the legacy form of protocol.md §7.9), for logging.
   *
   * @return the JSON text
   */
  public String json() {
    return json;
  }

  @Override
  public String toString() {
    return "SampleResponse{" + sequences + (promptLogprobs == null ? "" : ", " + promptLogprobs) + "}";
  }

  /** Takes a sample result out of a finished future, copies it and frees the native one. */
  static SampleResponse take(SWIGTYPE_p_tinker_future future) {
    SWIGTYPE_p_tinker_sample_response[] out = new SWIGTYPE_p_tinker_sample_response[1];
    TinkerRaw.tinker_future_take_sample_response(future, out);
    try {
      String[] json = new String[1];
      TinkerRaw.tinker_sample_response_to_json(out[0], json);
      return copyOf(out[0], json[0]);
    } catch (IllegalArgumentException e) {
      throw new TinkerException(
          Status.DATA_LOSS, "SampleResponse: libtinker's result cannot be read: " + e.getMessage(),
          TinkerException.Category.UNKNOWN, 0, "", false);
    } finally {
      TinkerRaw.tinker_sample_response_free(out[0]);
    }
  }

  // The arrays come from the result's JSON form, which holds every value exactly (floats in their
  // shortest round-trip form), because the raw layer cannot copy them: SWIG skips getters that
  // return borrowed arrays, there are no copy functions for the prompt logprobs and the top-k
  // entries, and tinker.i has no Java buffer typemap for (int32_t *dst, size_t capacity), which
  // tinker_sample_response_copy_tokens would need. The scalars and the counts come from the C
  // getters, and the JSON must agree with them.
  private static SampleResponse copyOf(SWIGTYPE_p_tinker_sample_response r, String json) {
    Map<String, Object> root = Json.object(Json.parse(json), "the response");
    return new SampleResponse(
        copySequences(r, Json.array(root.get("sequences"), "sequences")),
        root.containsKey("prompt_logprobs") ? copyPromptLogprobs(r, root.get("prompt_logprobs")) : null,
        copyTopk(r, root.get("topk_prompt_logprobs")),
        TinkerRaw.tinker_sample_response_prompt_cache_hit_tokens(r),
        json);
  }

  private static List<SampledSequence> copySequences(SWIGTYPE_p_tinker_sample_response r, List<Object> items) {
    expectCount("sequences", items.size(), TinkerRaw.tinker_sample_response_sequence_count(r));
    List<SampledSequence> sequences = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      String what = "sequences[" + i + "]";
      Map<String, Object> item = Json.object(items.get(i), what);
      int[] tokens = int32s(Json.array(item.get("tokens"), what + ".tokens"), what + ".tokens");
      expectCount(what + ".tokens", tokens.length, TinkerRaw.tinker_sample_response_token_count(r, i));
      float[] logprobs = null;
      if (item.get("logprobs") != null) {
        logprobs = float32s(Json.array(item.get("logprobs"), what + ".logprobs"), what + ".logprobs");
        expectCount(what + ".logprobs", logprobs.length, tokens.length);
      }
      sequences.add(
          new SampledSequence(StopReason.of(TinkerRaw.tinker_sample_response_stop_reason(r, i)), tokens, logprobs));
    }
    return Collections.unmodifiableList(sequences);
  }

  private static PromptLogprobs copyPromptLogprobs(SWIGTYPE_p_tinker_sample_response r, Object value) {
    float[] values = float32s(Json.array(value, "prompt_logprobs"), "prompt_logprobs");
    expectCount("prompt_logprobs", values.length, TinkerRaw.tinker_sample_response_prompt_logprob_count(r));
    return new PromptLogprobs(values);
  }

  private static List<List<TopkEntry>> copyTopk(SWIGTYPE_p_tinker_sample_response r, Object value) {
    long positions = TinkerRaw.tinker_sample_response_topk_position_count(r);
    List<Object> rows = value == null ? List.of() : Json.array(value, "topk_prompt_logprobs");
    expectCount("topk_prompt_logprobs", rows.size(), positions);
    List<List<TopkEntry>> topk = new ArrayList<>(rows.size());
    for (int p = 0; p < rows.size(); p++) {
      String what = "topk_prompt_logprobs[" + p + "]";
      List<Object> cells = rows.get(p) == null ? List.of() : Json.array(rows.get(p), what);
      expectCount(what, cells.size(), TinkerRaw.tinker_sample_response_topk_count(r, p));
      List<TopkEntry> entries = new ArrayList<>(cells.size());
      for (int k = 0; k < cells.size(); k++) {
        List<Object> cell = Json.array(cells.get(k), what + "[" + k + "]");
        if (cell.size() != 2) {
          throw new IllegalArgumentException(what + "[" + k + "] is not a (token, logprob) pair");
        }
        entries.add(new TopkEntry(Json.int32(cell.get(0), what), Json.float32(cell.get(1), what)));
      }
      topk.add(Collections.unmodifiableList(entries));
    }
    return Collections.unmodifiableList(topk);
  }

  private static int[] int32s(List<Object> items, String what) {
    int[] values = new int[items.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = Json.int32(items.get(i), what);
    }
    return values;
  }

  /** Floats; null (libtinker's JSON for an undefined value) becomes NaN, its C form. */
  private static float[] float32s(List<Object> items, String what) {
    float[] values = new float[items.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = items.get(i) == null ? Float.NaN : Json.float32(items.get(i), what);
    }
    return values;
  }

  private static void expectCount(String what, long inJson, long inResult) {
    if (inJson != inResult) {
      throw new IllegalArgumentException(what + ": " + inJson + " in the JSON form, " + inResult + " in the result");
    }
  }
}
