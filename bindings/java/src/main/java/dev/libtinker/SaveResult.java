package dev.libtinker;

import dev.libtinker.raw.SWIGTYPE_p_tinker_future;
import dev.libtinker.raw.SWIGTYPE_p_tinker_save_result;
import dev.libtinker.raw.TinkerRaw;

/**
 * The result of save_state and save_weights_for_sampler: the checkpoint's tinker:// path (give
 * it to load_state, create_training_client_from_state or create_sampling_client). A plain Java
 * value.
 */
public final class SaveResult {
  private final String path;
  private final String json;

  private SaveResult(String path, String json) {
    this.path = path;
    this.json = json;
  }

  public String path() {
    return path;
  }

  /** The server's answer as JSON, for logging. */
  public String json() {
    return json;
  }

  static SaveResult take(SWIGTYPE_p_tinker_future future) {
    SWIGTYPE_p_tinker_save_result[] out = new SWIGTYPE_p_tinker_save_result[1];
    TinkerRaw.tinker_future_take_save_result(future, out);
    try {
      String[] json = new String[1];
      TinkerRaw.tinker_save_result_to_json(out[0], json);
      return new SaveResult(TinkerRaw.tinker_save_result_path(out[0]), json[0]);
    } finally {
      TinkerRaw.tinker_save_result_free(out[0]);
    }
  }

  @Override
  public String toString() {
    return "SaveResult{" + path + "}";
  }
}
