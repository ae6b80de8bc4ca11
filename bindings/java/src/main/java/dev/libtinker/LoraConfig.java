package dev.libtinker;

import dev.libtinker.raw.SWIGTYPE_p_tinker_lora_config;
import dev.libtinker.raw.TinkerRaw;
import java.util.OptionalLong;

/**
 * The LoRA configuration of a new training run (protocol.md §7.6). Immutable; {@link #defaults()}
 * are tinker.h's: rank 32, no seed, adapters on the MLP, attention and unembedding. {@link
 * Builder#build} checks the values with libtinker's rules ({@link TinkerException}, {@link
 * Status#INVALID_ARGUMENT}, e.g. for a rank &lt;= 0). A config that trains nothing is refused when
 * the training client is created.
 */
public final class LoraConfig {
  public static final int DEFAULT_RANK = 32;

  private static final LoraConfig DEFAULTS = new LoraConfig(new Builder());

  private final int rank;
  private final OptionalLong seed;
  private final boolean trainMlp;
  private final boolean trainAttn;
  private final boolean trainUnembed;

  private LoraConfig(Builder b) {
    this.rank = b.rank;
    this.seed = b.seed;
    this.trainMlp = b.trainMlp;
    this.trainAttn = b.trainAttn;
    this.trainUnembed = b.trainUnembed;
  }

  public static LoraConfig defaults() {
    return DEFAULTS;
  }

  /** Shorthand for the defaults with another rank. */
  public static LoraConfig withRank(int rank) {
    return builder().rank(rank).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts from the defaults. */
  public static final class Builder {
    private int rank = DEFAULT_RANK;
    private OptionalLong seed = OptionalLong.empty();
    private boolean trainMlp = true;
    private boolean trainAttn = true;
    private boolean trainUnembed = true;

    private Builder() {}

    public Builder rank(int value) {
      rank = value;
      return this;
    }

    /** Seed of the adapter initialisation (two runs with the same seed start identical). */
    public Builder seed(long value) {
      seed = OptionalLong.of(value);
      return this;
    }

    public Builder trainMlp(boolean on) {
      trainMlp = on;
      return this;
    }

    public Builder trainAttn(boolean on) {
      trainAttn = on;
      return this;
    }

    public Builder trainUnembed(boolean on) {
      trainUnembed = on;
      return this;
    }

    /** The config, checked by libtinker's setters. */
    public LoraConfig build() {
      LoraConfig config = new LoraConfig(this);
      try (NativeScope scope = new NativeScope()) {
        config.toNative(scope);
      }
      return config;
    }
  }

  public int rank() {
    return rank;
  }

  /** The seed, empty when the server picks one. */
  public OptionalLong seed() {
    return seed;
  }

  public boolean trainMlp() {
    return trainMlp;
  }

  public boolean trainAttn() {
    return trainAttn;
  }

  public boolean trainUnembed() {
    return trainUnembed;
  }

  /** The C config, owned by the scope. */
  SWIGTYPE_p_tinker_lora_config toNative(NativeScope scope) {
    SWIGTYPE_p_tinker_lora_config[] out = new SWIGTYPE_p_tinker_lora_config[1];
    TinkerRaw.tinker_lora_config_new(out);
    SWIGTYPE_p_tinker_lora_config c = scope.own(out, TinkerRaw::tinker_lora_config_free);
    TinkerRaw.tinker_lora_config_set_rank(c, rank);
    if (seed.isPresent()) {
      TinkerRaw.tinker_lora_config_set_seed(c, seed.getAsLong());
    }
    TinkerRaw.tinker_lora_config_set_train_mlp(c, trainMlp ? 1 : 0);
    TinkerRaw.tinker_lora_config_set_train_attn(c, trainAttn ? 1 : 0);
    TinkerRaw.tinker_lora_config_set_train_unembed(c, trainUnembed ? 1 : 0);
    return c;
  }

  @Override
  public String toString() {
    return "LoraConfig{rank=" + rank + ", seed=" + seed + ", trainMlp=" + trainMlp
        + ", trainAttn=" + trainAttn + ", trainUnembed=" + trainUnembed + "}";
  }
}
