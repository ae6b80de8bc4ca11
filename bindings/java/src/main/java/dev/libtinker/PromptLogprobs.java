package dev.libtinker;

import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The logprob of each prompt token given the tokens before it: the result of {@code
 * SamplingClient.computeLogprobs}, and {@link SampleResponse#promptLogprobs} when a sample asked
 * for them. One position per prompt token; a position may be undefined, which is explicit here
 * ({@link #isDefined}): the first, whose token has nothing before it, always is. A plain Java
 * value, copied out of libtinker's result, which is freed at once.
 */
public final class PromptLogprobs {
  private final float[] values; // NaN where undefined, as libtinker marks them

  /** Takes {@code values} (not copied): NaN marks an undefined position. */
  PromptLogprobs(float[] values) {
    this.values = values;
  }

  /**
   * The number of positions: one per prompt token.
   *
   * @return the number of positions
   */
  public int size() {
    return values.length;
  }

  /**
   * Whether {@code position} has a logprob; false for the first position.
   *
   * @param position a prompt position
   * @return true when it has a logprob
   * @throws IndexOutOfBoundsException for a position outside [0, size())
   */
  public boolean isDefined(int position) {
    return !Float.isNaN(values[Objects.checkIndex(position, values.length)]);
  }

  /**
   * The logprob at {@code position}.
   *
   * @param position a prompt position
   * @return its logprob
   * @throws NoSuchElementException when the position is undefined ({@link #isDefined} is false)
   * @throws IndexOutOfBoundsException for a position outside [0, size())
   */
  public float get(int position) {
    if (!isDefined(position)) {
      throw new NoSuchElementException("prompt position " + position + " has no logprob");
    }
    return values[position];
  }

  /**
   * Every position's logprob (a copy), NaN where undefined: the C library's form.
   *
   * @return the logprobs
   */
  public float[] toArray() {
    return values.clone();
  }

  /** Equal positions: the same logprob, or both undefined. */
  @Override
  public boolean equals(Object o) {
    return o instanceof PromptLogprobs && Arrays.equals(values, ((PromptLogprobs) o).values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  /** The logprobs, "undefined" where there is none. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("PromptLogprobs[");
    for (int i = 0; i < values.length; i++) {
      s.append(i == 0 ? "" : ", ").append(Float.isNaN(values[i]) ? "undefined" : Float.toString(values[i]));
    }
    return s.append(']').toString();
  }

  /** Takes a compute_logprobs result out of a finished future, copies it and frees the native one. */
  static PromptLogprobs take(SWIGTYPE_p_tinker_future future) {
    SWIGTYPE_p_tinker_prompt_logprobs[] out = new SWIGTYPE_p_tinker_prompt_logprobs[1];
    TinkerRaw.tinker_future_take_prompt_logprobs(future, out);
    try {
      float[] values = new float[Math.toIntExact(TinkerRaw.tinker_prompt_logprobs_count(out[0]))];
      long[] written = new long[1];
      TinkerRaw.tinker_prompt_logprobs_copy_to(out[0], values, written);
      return new PromptLogprobs(values);
    } finally {
      TinkerRaw.tinker_prompt_logprobs_free(out[0]);
    }
  }
}
