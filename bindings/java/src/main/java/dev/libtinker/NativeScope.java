package dev.libtinker;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The native builders made for one call. Java values are converted into C builders inside the
 * call that needs them; every builder is registered here the moment it exists and freed when the
 * scope closes, also when a later conversion step throws. Operations encode their inputs before
 * their C call returns, so closing right after the call is safe, for {@code _async} calls too.
 */
final class NativeScope implements AutoCloseable {
  private final ArrayDeque<Runnable> frees = new ArrayDeque<>();

  NativeScope() {
    Tinker.load();
  }

  /** Registers a builder made by a {@code tinker_*_new(out)} call; returns it. */
  <P> P own(P[] created, Consumer<P> free) {
    P pointer = created[0];
    if (pointer != null) {
      frees.push(() -> free.accept(pointer));
    }
    return pointer;
  }

  /** A batch of the datums, in order (tinker_batch_t); null for null, which libtinker refuses. */
  SWIGTYPE_p_tinker_batch batch(List<Datum> data) {
    if (data == null) {
      return null;
    }
    SWIGTYPE_p_tinker_batch[] out = new SWIGTYPE_p_tinker_batch[1];
    TinkerRaw.tinker_batch_new(out);
    SWIGTYPE_p_tinker_batch batch = own(out, TinkerRaw::tinker_batch_free);
    int index = 0;
    for (Datum d : data) {
      try {
        TinkerRaw.tinker_batch_add(batch, d.toNative(this));
      } catch (TinkerException e) {
        throw e.within("datum " + index);
      }
      index++;
    }
    return batch;
  }

  /**
   * A model input (a sampling prompt) as a C builder; null for null, which libtinker refuses by
   * the parameter's name. A chunk libtinker refuses throws, its message prefixed with "prompt".
   */
  SWIGTYPE_p_tinker_model_input modelInput(ModelInput input) {
    if (input == null) {
      return null;
    }
    try {
      return input.toNative(this);
    } catch (TinkerException e) {
      throw e.within("prompt");
    }
  }

  /** User metadata, or null (none) for a null or empty map. */
  SWIGTYPE_p_tinker_metadata metadata(Map<String, String> entries) {
    if (entries == null || entries.isEmpty()) {
      return null;
    }
    SWIGTYPE_p_tinker_metadata[] out = new SWIGTYPE_p_tinker_metadata[1];
    TinkerRaw.tinker_metadata_new(out);
    SWIGTYPE_p_tinker_metadata metadata = own(out, TinkerRaw::tinker_metadata_free);
    entries.forEach((k, v) -> TinkerRaw.tinker_metadata_set(metadata, k, v));
    return metadata;
  }

  /** A loss-function config, or null (none) for a null or empty map. */
  SWIGTYPE_p_tinker_loss_fn_config lossFnConfig(Map<String, Double> entries) {
    if (entries == null || entries.isEmpty()) {
      return null;
    }
    SWIGTYPE_p_tinker_loss_fn_config[] out = new SWIGTYPE_p_tinker_loss_fn_config[1];
    TinkerRaw.tinker_loss_fn_config_new(out);
    SWIGTYPE_p_tinker_loss_fn_config config = own(out, TinkerRaw::tinker_loss_fn_config_free);
    entries.forEach((k, v) -> TinkerRaw.tinker_loss_fn_config_set(config, k, v));
    return config;
  }

  /** Frees every builder, newest first (a batch before the datums it was built from). */
  @Override
  public void close() {
    while (!frees.isEmpty()) {
      frees.pop().run();
    }
  }
}
