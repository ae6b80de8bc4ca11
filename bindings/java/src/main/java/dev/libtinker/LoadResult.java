package dev.libtinker;

import dev.libtinker.raw.SWIGTYPE_p_tinker_future;
import dev.libtinker.raw.SWIGTYPE_p_tinker_load_result;
import dev.libtinker.raw.TinkerRaw;

/** The result of load_state and load_state_with_optimizer. A plain Java value. */
public final class LoadResult {
  private final String path;
  private final String json;

  private LoadResult(String path, String json) {
    this.path = path;
    this.json = json;
  }

  /** The loaded checkpoint's path, "" when the server did not say. */
  public String path() {
    return path;
  }

  /** The server's answer as JSON, for logging. */
  public String json() {
    return json;
  }

  static LoadResult take(SWIGTYPE_p_tinker_future future) {
    SWIGTYPE_p_tinker_load_result[] out = new SWIGTYPE_p_tinker_load_result[1];
    TinkerRaw.tinker_future_take_load_result(future, out);
    try {
      String[] json = new String[1];
      TinkerRaw.tinker_load_result_to_json(out[0], json);
      return new LoadResult(TinkerRaw.tinker_load_result_path(out[0]), json[0]);
    } finally {
      TinkerRaw.tinker_load_result_free(out[0]);
    }
  }

  @Override
  public String toString() {
    return "LoadResult{" + path + "}";
  }
}
