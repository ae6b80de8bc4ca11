package dev.libtinker;

import java.util.function.Function;

/**
 * A sampling client: a sampling session on the server holding a fixed set of weights, made by
 * {@link ServiceClient} (on a base model or a sampler checkpoint) or by {@link TrainingClient}.
 * Thread-safe.
 *
 * <p>Its operations come from the registry (api/registry.py, generated into {@code
 * SamplingClientOperations}): {@code sample} (a {@link SampleResponse}), {@code computeLogprobs}
 * (a {@link PromptLogprobs}), {@code getBaseModel} and {@code getTokenizer} (a {@link
 * Tokenizer}), each as {@code fooAsync()}, returning a {@link TinkerFuture}, and as a blocking
 * {@code foo()} that waits for it; failures are {@link TinkerException}s. The prompt is a {@link
 * ModelInput} and the parameters a {@link SamplingParams}, converted for the call and freed before
 * it returns; bad input throws from the call itself, before anything is sent. Samples run
 * concurrently and are retried as sampling.h describes ("How a sample call behaves"), within the
 * {@link RetryConfig} the client was made with.
 *
 * <p>Results are delivered through the completion queue of the service client it came from; it
 * keeps working after that client was closed (handles may be closed in any order). Close it when
 * done (try-with-resources); operations already started still complete.
 * One never closed is freed by a Cleaner.
 */
public final class SamplingClient extends SamplingClientOperations implements AutoCloseable {
  private final ServiceClient service;
  private final NativeHandle<SWIGTYPE_p_tinker_sampling_client> handle;
  private final String samplingSessionId;

  private SamplingClient(ServiceClient service, SWIGTYPE_p_tinker_sampling_client client) {
    this.service = service;
    this.handle = new NativeHandle<>(client, TinkerRaw::tinker_sampling_client_free);
    this.samplingSessionId = TinkerRaw.tinker_sampling_client_sampling_session_id(client);
  }

  /** Starts an operation (SamplingClientOperations) through the service client's completion queue. */
  @Override
  <T> TinkerFuture<T> start(
      ServiceClient.AsyncCall<SWIGTYPE_p_tinker_sampling_client> call,
      Function<SWIGTYPE_p_tinker_future, T> take) {
    return service.start(handle, call, take);
  }

  /**
   * The server's id of the sampling session, e.g. "&lt;session&gt;:sample:1".
   *
   * @return the id
   */
  public String samplingSessionId() {
    return samplingSessionId;
  }

  static SamplingClient take(ServiceClient service, SWIGTYPE_p_tinker_future future) {
    SWIGTYPE_p_tinker_sampling_client[] out = new SWIGTYPE_p_tinker_sampling_client[1];
    TinkerRaw.tinker_future_take_sampling_client(future, out);
    return new SamplingClient(service, out[0]);
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
