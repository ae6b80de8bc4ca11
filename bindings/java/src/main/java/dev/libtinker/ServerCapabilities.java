package dev.libtinker;

import dev.libtinker.raw.SWIGTYPE_p_tinker_future;
import dev.libtinker.raw.SWIGTYPE_p_tinker_server_capabilities;
import dev.libtinker.raw.TinkerRaw;
import java.util.ArrayList;
import java.util.List;

/** The models a Tinker server supports (S1). A plain Java value: no native memory behind it. */
public final class ServerCapabilities {
  /** One supported model; maxContextLength is -1 when the server did not say. */
  public record Model(String name, long maxContextLength) {}

  private final List<Model> models;
  private final String json;

  private ServerCapabilities(List<Model> models, String json) {
    this.models = List.copyOf(models);
    this.json = json;
  }

  public List<Model> models() {
    return models;
  }

  /** The server's answer as JSON, for logging. */
  public String json() {
    return json;
  }

  /** Takes the result out of a finished future, copies it and frees the native result. */
  static ServerCapabilities take(SWIGTYPE_p_tinker_future future) {
    SWIGTYPE_p_tinker_server_capabilities[] out = new SWIGTYPE_p_tinker_server_capabilities[1];
    TinkerRaw.tinker_future_take_server_capabilities(future, out);
    SWIGTYPE_p_tinker_server_capabilities caps = out[0];
    try {
      long n = TinkerRaw.tinker_server_capabilities_model_count(caps);
      List<Model> models = new ArrayList<>();
      for (long i = 0; i < n; i++) {
        models.add(
            new Model(
                TinkerRaw.tinker_server_capabilities_model_name(caps, i),
                TinkerRaw.tinker_server_capabilities_model_max_context_length(caps, i)));
      }
      String[] json = new String[1];
      TinkerRaw.tinker_server_capabilities_to_json(caps, json);
      return new ServerCapabilities(models, json[0]);
    } finally {
      TinkerRaw.tinker_server_capabilities_free(caps);
    }
  }
}
