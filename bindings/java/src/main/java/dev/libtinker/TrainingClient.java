package dev.libtinker;

import java.util.function.Function;

/**
 * A training run on the server (a LoRA model), made by {@link ServiceClient}. Thread-safe.
 *
 * <p>Its operations come from the registry (api/registry.py, generated into {@code
 * TrainingClientOperations}): each as {@code fooAsync()}, returning a {@link TinkerFuture}, and as
 * a blocking {@code foo()} that waits for it; failures are {@link TinkerException}s. Inputs are
 * Java values, converted to libtinker's builders inside the call: bad input (a wrong dtype for a
 * loss input, a shape that does not fit) throws from the call itself, before anything is sent.
 * Operations run on the server in call order (protocol.md §6.1), so a caller can submit {@code
 * forwardBackwardAsync} and {@code optimStepAsync} back to back and then wait for both.
 *
 * <p>Results are delivered through the completion queue of the service client this client came
 * from. Like libtinker's handles, the two may be closed in any order: this client keeps working
 * after its service client was closed. {@link #close} releases the handle; operations already
 * started keep running and still complete their futures. One never closed is freed by a Cleaner.
 */
public final class TrainingClient extends TrainingClientOperations implements AutoCloseable {
  private final ServiceClient service;
  private final NativeHandle<SWIGTYPE_p_tinker_training_client> handle;
  private final String modelId;

  private TrainingClient(ServiceClient service, SWIGTYPE_p_tinker_training_client client) {
    this.service = service;
    this.handle = new NativeHandle<>(client, TinkerRaw::tinker_training_client_free);
    this.modelId = TinkerRaw.tinker_training_client_model_id(client);
  }

  static TrainingClient take(ServiceClient service, SWIGTYPE_p_tinker_future future) {
    SWIGTYPE_p_tinker_training_client[] out = new SWIGTYPE_p_tinker_training_client[1];
    TinkerRaw.tinker_future_take_training_client(future, out);
    return new TrainingClient(service, out[0]);
  }

  /** The sampling clients it makes are served by the same completion thread. */
  @Override
  ServiceClient service() {
    return service;
  }

  /** Starts an operation (TrainingClientOperations) through the service client's completion queue. */
  @Override
  <T> TinkerFuture<T> start(
      ServiceClient.AsyncCall<SWIGTYPE_p_tinker_training_client> call,
      Function<SWIGTYPE_p_tinker_future, T> take) {
    return service.start(handle, call, take);
  }

  /**
   * The training run's model id (= training run id).
   *
   * @return the id
   */
  public String modelId() {
    return modelId;
  }

  /** Releases the handle; started operations keep running. Idempotent. */
  @Override
  public void close() {
    handle.close(null);
  }

  @Override
  public String toString() {
    return "TrainingClient{" + modelId + "}";
  }
}
