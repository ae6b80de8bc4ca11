package dev.libtinker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The builder records' defaults are the registry's: each equals what a fresh C builder reports
 * (libtinker's defaults, made from the same registry), and the records check their values with
 * the C setters whichever way they are made. No server needed.
 */
class BuilderDefaultsTest {
  @BeforeAll
  static void load() {
    Tinker.load();
  }

  private static double seconds(Duration d) {
    return d.getSeconds() + d.getNano() / 1e9;
  }

  @Test
  void adamParamsDefaultsAreLibtinkers() {
    SWIGTYPE_p_tinker_adam_params[] c = new SWIGTYPE_p_tinker_adam_params[1];
    TinkerRaw.tinker_adam_params_new(c);
    try {
      AdamParams d = AdamParams.defaults();
      assertEquals(TinkerRaw.tinker_adam_params_get_learning_rate(c[0]), d.learningRate());
      assertEquals(TinkerRaw.tinker_adam_params_get_beta1(c[0]), d.beta1());
      assertEquals(TinkerRaw.tinker_adam_params_get_beta2(c[0]), d.beta2());
      assertEquals(TinkerRaw.tinker_adam_params_get_eps(c[0]), d.eps());
      assertEquals(TinkerRaw.tinker_adam_params_get_weight_decay(c[0]), d.weightDecay());
      assertEquals(TinkerRaw.tinker_adam_params_get_grad_clip_norm(c[0]), d.gradClipNorm());
      assertEquals(AdamParams.DEFAULT_LEARNING_RATE, d.learningRate());
      assertEquals(d, AdamParams.builder().build(), "a builder starts from the defaults");
    } finally {
      TinkerRaw.tinker_adam_params_free(c[0]);
    }
  }

  @Test
  void loraConfigDefaultsAreLibtinkers() {
    SWIGTYPE_p_tinker_lora_config[] c = new SWIGTYPE_p_tinker_lora_config[1];
    TinkerRaw.tinker_lora_config_new(c);
    try {
      LoraConfig d = LoraConfig.defaults();
      assertEquals(TinkerRaw.tinker_lora_config_get_rank(c[0]), d.rank());
      assertEquals(OptionalLong.empty(), d.seed(), "no seed: the server picks one");
      assertEquals(TinkerRaw.tinker_lora_config_get_train_mlp(c[0]) != 0, d.trainMlp());
      assertEquals(TinkerRaw.tinker_lora_config_get_train_attn(c[0]) != 0, d.trainAttn());
      assertEquals(TinkerRaw.tinker_lora_config_get_train_unembed(c[0]) != 0, d.trainUnembed());
      assertEquals(d, LoraConfig.builder().build());
    } finally {
      TinkerRaw.tinker_lora_config_free(c[0]);
    }
  }

  @Test
  void retryConfigDefaultsAreLibtinkers() {
    SWIGTYPE_p_tinker_retry_config[] c = new SWIGTYPE_p_tinker_retry_config[1];
    TinkerRaw.tinker_retry_config_new(c);
    try {
      RetryConfig d = RetryConfig.defaults();
      assertEquals(TinkerRaw.tinker_retry_config_get_max_connections(c[0]), d.maxConnections());
      assertEquals(TinkerRaw.tinker_retry_config_get_progress_timeout(c[0]), seconds(d.progressTimeout()));
      assertEquals(TinkerRaw.tinker_retry_config_get_retry_delay_base(c[0]), seconds(d.retryDelayBase()));
      assertEquals(TinkerRaw.tinker_retry_config_get_retry_delay_max(c[0]), seconds(d.retryDelayMax()));
      assertEquals(TinkerRaw.tinker_retry_config_get_jitter_factor(c[0]), d.jitterFactor());
      assertEquals(TinkerRaw.tinker_retry_config_get_enable_retry_logic(c[0]) != 0, d.retryLogic());
      assertEquals(TinkerRaw.tinker_retry_config_get_enable_stuck_detection(c[0]) != 0, d.stuckDetection());
      assertEquals(d, RetryConfig.defaults().toBuilder().build());
    } finally {
      TinkerRaw.tinker_retry_config_free(c[0]);
    }
  }

  @Test
  void recordsAreCheckedHoweverTheyAreMade() {
    AdamParams d = AdamParams.defaults();
    TinkerException e =
        assertThrows(
            TinkerException.class,
            () -> new AdamParams(-1, d.beta1(), d.beta2(), d.eps(), d.weightDecay(), d.gradClipNorm()));
    assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
    assertTrue(e.getMessage().startsWith("AdamParams.Builder.learningRate: "), e.getMessage());
    assertThrows(
        NullPointerException.class, () -> new LoraConfig(8, null, true, true, true), "seed: OptionalLong, not null");
    LoraConfig seeded = LoraConfig.builder().seed(7).trainMlp(false).build();
    assertEquals(seeded, seeded.toBuilder().build());
    assertFalse(seeded.toBuilder().rank(4).build().trainMlp(), "toBuilder keeps the other values");
  }
}
