package dev.libtinker;

import dev.libtinker.raw.SWIGTYPE_p_tinker_future;
import dev.libtinker.raw.SWIGTYPE_p_tinker_sampling_client;
import dev.libtinker.raw.TinkerRaw;

/**
 * A sampling client: a sampling session on the server holding a fixed set of weights. Close it
 * when done (try-with-resources); one never closed is freed by a Cleaner. Its sampling
 * operations come with the sampling API.
 */
public final class SamplingClient implements AutoCloseable {
  private final NativeHandle<SWIGTYPE_p_tinker_sampling_client> handle;
  private final String samplingSessionId;

  private SamplingClient(SWIGTYPE_p_tinker_sampling_client client) {
    this.handle = new NativeHandle<>(client, TinkerRaw::tinker_sampling_client_free);
    this.samplingSessionId = TinkerRaw.tinker_sampling_client_sampling_session_id(client);
  }

  /** The server's id of the sampling session, e.g. "&lt;session&gt;:sample:1". */
  public String samplingSessionId() {
    return samplingSessionId;
  }

  static SamplingClient take(SWIGTYPE_p_tinker_future future) {
    SWIGTYPE_p_tinker_sampling_client[] out = new SWIGTYPE_p_tinker_sampling_client[1];
    TinkerRaw.tinker_future_take_sampling_client(future, out);
    return new SamplingClient(out[0]);
  }

  /** Releases the client. Idempotent. */
  @Override
  public void close() {
    handle.close(null);
  }

  @Override
  public String toString() {
    return "SamplingClient{" + samplingSessionId + "}";
  }
}
