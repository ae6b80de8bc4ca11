package dev.libtinker;

import dev.libtinker.raw.SWIGTYPE_p_tinker_adam_params;
import dev.libtinker.raw.TinkerRaw;

/**
 * Adam optimizer parameters of {@link TrainingClient#optimStep} (protocol.md §7.5). Immutable;
 * {@link #defaults()} are tinker.h's: learning rate 1e-4, beta1 0.9, beta2 0.95, eps 1e-12,
 * weight decay 0 (decoupled), grad-clip norm 0 (none). {@link Builder#build} checks the values
 * with libtinker's own rules and throws {@link TinkerException} ({@link
 * Status#INVALID_ARGUMENT}) for one it refuses (negative, NaN, beta outside [0, 1), ...).
 */
public final class AdamParams {
  public static final double DEFAULT_LEARNING_RATE = 1e-4;
  public static final double DEFAULT_BETA1 = 0.9;
  public static final double DEFAULT_BETA2 = 0.95;
  public static final double DEFAULT_EPS = 1e-12;
  public static final double DEFAULT_WEIGHT_DECAY = 0;
  public static final double DEFAULT_GRAD_CLIP_NORM = 0;

  private static final AdamParams DEFAULTS = new AdamParams(new Builder());

  private final double learningRate;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final double gradClipNorm;

  private AdamParams(Builder b) {
    this.learningRate = b.learningRate;
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.eps = b.eps;
    this.weightDecay = b.weightDecay;
    this.gradClipNorm = b.gradClipNorm;
  }

  public static AdamParams defaults() {
    return DEFAULTS;
  }

  /** Shorthand for the defaults with another learning rate. */
  public static AdamParams withLearningRate(double learningRate) {
    return builder().learningRate(learningRate).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these values. */
  public Builder toBuilder() {
    return new Builder()
        .learningRate(learningRate)
        .beta1(beta1)
        .beta2(beta2)
        .eps(eps)
        .weightDecay(weightDecay)
        .gradClipNorm(gradClipNorm);
  }

  /** Starts from the defaults. */
  public static final class Builder {
    private double learningRate = DEFAULT_LEARNING_RATE;
    private double beta1 = DEFAULT_BETA1;
    private double beta2 = DEFAULT_BETA2;
    private double eps = DEFAULT_EPS;
    private double weightDecay = DEFAULT_WEIGHT_DECAY;
    private double gradClipNorm = DEFAULT_GRAD_CLIP_NORM;

    private Builder() {}

    public Builder learningRate(double value) {
      learningRate = value;
      return this;
    }

    public Builder beta1(double value) {
      beta1 = value;
      return this;
    }

    public Builder beta2(double value) {
      beta2 = value;
      return this;
    }

    public Builder eps(double value) {
      eps = value;
      return this;
    }

    public Builder weightDecay(double value) {
      weightDecay = value;
      return this;
    }

    /** Global gradient-norm clip; 0 = none. */
    public Builder gradClipNorm(double value) {
      gradClipNorm = value;
      return this;
    }

    /** The parameters, checked by libtinker's setters. */
    public AdamParams build() {
      AdamParams params = new AdamParams(this);
      try (NativeScope scope = new NativeScope()) {
        params.toNative(scope);
      }
      return params;
    }
  }

  public double learningRate() {
    return learningRate;
  }

  public double beta1() {
    return beta1;
  }

  public double beta2() {
    return beta2;
  }

  public double eps() {
    return eps;
  }

  public double weightDecay() {
    return weightDecay;
  }

  public double gradClipNorm() {
    return gradClipNorm;
  }

  /** The C parameters, owned by the scope. */
  SWIGTYPE_p_tinker_adam_params toNative(NativeScope scope) {
    SWIGTYPE_p_tinker_adam_params[] out = new SWIGTYPE_p_tinker_adam_params[1];
    TinkerRaw.tinker_adam_params_new(out);
    SWIGTYPE_p_tinker_adam_params p = scope.own(out, TinkerRaw::tinker_adam_params_free);
    TinkerRaw.tinker_adam_params_set_learning_rate(p, learningRate);
    TinkerRaw.tinker_adam_params_set_beta1(p, beta1);
    TinkerRaw.tinker_adam_params_set_beta2(p, beta2);
    TinkerRaw.tinker_adam_params_set_eps(p, eps);
    TinkerRaw.tinker_adam_params_set_weight_decay(p, weightDecay);
    TinkerRaw.tinker_adam_params_set_grad_clip_norm(p, gradClipNorm);
    return p;
  }

  @Override
  public String toString() {
    return "AdamParams{learningRate=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2
        + ", eps=" + eps + ", weightDecay=" + weightDecay + ", gradClipNorm=" + gradClipNorm + "}";
  }
}
