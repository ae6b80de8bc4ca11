package dev.libtinker;

import dev.libtinker.raw.SWIGTYPE_p_tinker_future;
import dev.libtinker.raw.SWIGTYPE_p_tinker_model_info;
import dev.libtinker.raw.TinkerRaw;

/**
 * What the server says about a training run's model (get_info). Strings the server left out are
 * "". A plain Java value.
 */
public final class ModelInfo {
  private final String modelId;
  private final String baseModel;
  private final String arch;
  private final String tokenizerId;
  private final boolean lora;
  private final long loraRank;
  private final String json;

  private ModelInfo(
      String modelId, String baseModel, String arch, String tokenizerId, boolean lora, long loraRank, String json) {
    this.modelId = modelId;
    this.baseModel = baseModel;
    this.arch = arch;
    this.tokenizerId = tokenizerId;
    this.lora = lora;
    this.loraRank = loraRank;
    this.json = json;
  }

  public String modelId() {
    return modelId;
  }

  /** The base model's name (model_data.model_name). */
  public String baseModel() {
    return baseModel;
  }

  /** The architecture (model_data.arch). */
  public String arch() {
    return arch;
  }

  /** The tokenizer id, cut at the first ':' as the official SDK does. */
  public String tokenizerId() {
    return tokenizerId;
  }

  public boolean isLora() {
    return lora;
  }

  /** The LoRA rank, -1 when not reported. */
  public long loraRank() {
    return loraRank;
  }

  /** The server's answer as JSON, for logging. */
  public String json() {
    return json;
  }

  static ModelInfo take(SWIGTYPE_p_tinker_future future) {
    SWIGTYPE_p_tinker_model_info[] out = new SWIGTYPE_p_tinker_model_info[1];
    TinkerRaw.tinker_future_take_model_info(future, out);
    SWIGTYPE_p_tinker_model_info info = out[0];
    try {
      String[] json = new String[1];
      TinkerRaw.tinker_model_info_to_json(info, json);
      return new ModelInfo(
          TinkerRaw.tinker_model_info_model_id(info),
          TinkerRaw.tinker_model_info_base_model(info),
          TinkerRaw.tinker_model_info_arch(info),
          TinkerRaw.tinker_model_info_tokenizer_id(info),
          TinkerRaw.tinker_model_info_is_lora(info) != 0,
          TinkerRaw.tinker_model_info_lora_rank(info),
          json[0]);
    } finally {
      TinkerRaw.tinker_model_info_free(info);
    }
  }

  @Override
  public String toString() {
    return "ModelInfo{" + modelId + ", base " + baseModel + ", arch " + arch + ", tokenizer " + tokenizerId
        + (lora ? ", LoRA rank " + loraRank : "") + "}";
  }
}
