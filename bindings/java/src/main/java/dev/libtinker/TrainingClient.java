package dev.libtinker;

import dev.libtinker.raw.SWIGTYPE_p_tinker_future;
import dev.libtinker.raw.SWIGTYPE_p_tinker_training_client;
import dev.libtinker.raw.TinkerRaw;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * A training run on the server (a LoRA model), made by {@link ServiceClient}. Thread-safe.
 *
 * <p>Every operation exists as {@code fooAsync()}, returning a {@link TinkerFuture}, and as a
 * blocking {@code foo()} that waits for it; failures are {@link TinkerException}s. Inputs are
 * Java values, converted to libtinker's builders inside the call: bad input (a wrong dtype for a
 * loss input, a shape that does not fit) throws from the call itself, before anything is sent.
 * Operations run on the server in call order (protocol.md §6.1), so a caller can submit
 * {@code forwardBackwardAsync} and {@code optimStepAsync} back to back and then wait for both.
 *
 * <p>Results are delivered by the completion thread of the service client this client came from:
 * keep that one open while using this one. {@link #close} releases the handle; operations already
 * started keep running and still complete their futures.
 */
public final class TrainingClient implements AutoCloseable {
  private static final Executor DEFAULT_LOSS_EXECUTOR = new CompletableFuture<Void>().defaultExecutor();

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

  private <T> TinkerFuture<T> start(
      ServiceClient.AsyncCall<SWIGTYPE_p_tinker_training_client> call,
      Function<SWIGTYPE_p_tinker_future, T> take) {
    return service.start(handle, call, take);
  }

  /** The training run's model id (= training run id). */
  public String modelId() {
    return modelId;
  }

  // ---- T1, T2: forward, forward_backward -------------------------------------------------------

  /** T1: a forward pass without gradients, e.g. with loss function "cross_entropy". */
  public TinkerFuture<ForwardBackwardOutput> forwardAsync(List<Datum> data, String lossFn) {
    return forwardAsync(data, lossFn, null);
  }

  /** T1 with a loss-function config (named numbers, e.g. PPO clip thresholds; null: none). */
  public TinkerFuture<ForwardBackwardOutput> forwardAsync(
      List<Datum> data, String lossFn, Map<String, Double> lossFnConfig) {
    return start(
        (tc, in, out) ->
            TinkerRaw.tinker_training_client_forward_async(
                tc, in.batch(data), lossFn, in.lossFnConfig(lossFnConfig), out),
        ForwardBackwardOutput::take);
  }

  public ForwardBackwardOutput forward(List<Datum> data, String lossFn) {
    return forwardAsync(data, lossFn).await();
  }

  public ForwardBackwardOutput forward(List<Datum> data, String lossFn, Map<String, Double> lossFnConfig) {
    return forwardAsync(data, lossFn, lossFnConfig).await();
  }

  /** T2: forward and backward; gradients accumulate on the server until {@link #optimStep}. */
  public TinkerFuture<ForwardBackwardOutput> forwardBackwardAsync(List<Datum> data, String lossFn) {
    return forwardBackwardAsync(data, lossFn, null);
  }

  public TinkerFuture<ForwardBackwardOutput> forwardBackwardAsync(
      List<Datum> data, String lossFn, Map<String, Double> lossFnConfig) {
    return start(
        (tc, in, out) ->
            TinkerRaw.tinker_training_client_forward_backward_async(
                tc, in.batch(data), lossFn, in.lossFnConfig(lossFnConfig), out),
        ForwardBackwardOutput::take);
  }

  public ForwardBackwardOutput forwardBackward(List<Datum> data, String lossFn) {
    return forwardBackwardAsync(data, lossFn).await();
  }

  public ForwardBackwardOutput forwardBackward(
      List<Datum> data, String lossFn, Map<String, Double> lossFnConfig) {
    return forwardBackwardAsync(data, lossFn, lossFnConfig).await();
  }

  // ---- T3: forward_backward_custom -------------------------------------------------------------

  /**
   * T3: forward_backward with a loss computed in Java (protocol.md §6.5). A forward pass with
   * cross_entropy gives each datum's logprobs; {@code loss} runs on the calling thread and returns
   * the loss, the gradients and metrics; then forward_backward is sent with {@code weights =
   * −gradient} and the function's metrics are merged into the result. Datums may only carry
   * "target_tokens" and "weights". If the function throws, that exception propagates and no
   * backward pass is sent.
   */
  public ForwardBackwardOutput forwardBackwardCustom(List<Datum> data, CustomLossFunction loss) {
    List<Datum> batch = List.copyOf(data);
    try (CustomLossStep step = beginCustom(batch).await()) {
      step.compute(batch, loss);
      return finishCustom(step).await();
    }
  }

  /**
   * T3, asynchronous, running {@code loss} on {@link CompletableFuture#defaultExecutor()} (the
   * common ForkJoinPool) once the forward pass is done (see {@link
   * #forwardBackwardCustomAsync(List, CustomLossFunction, Executor)}).
   */
  public TinkerFuture<ForwardBackwardOutput> forwardBackwardCustomAsync(List<Datum> data, CustomLossFunction loss) {
    return forwardBackwardCustomAsync(data, loss, DEFAULT_LOSS_EXECUTOR);
  }

  /**
   * T3, asynchronous. The forward pass starts now; when it is done, {@code loss} runs on {@code
   * executor} (never on the completion thread, which must stay free to deliver results), and the
   * backward pass is sent from there. The future fails with the function's exception if it
   * throws (no backward pass is sent then). {@link TinkerFuture#cancel} cancels the pass in
   * flight; once cancelled, no backward pass is sent.
   */
  public TinkerFuture<ForwardBackwardOutput> forwardBackwardCustomAsync(
      List<Datum> data, CustomLossFunction loss, Executor executor) {
    List<Datum> batch = List.copyOf(data);
    TinkerFuture<CustomLossStep> begin = beginCustom(batch);
    TinkerFuture<ForwardBackwardOutput> result = TinkerFuture.composed(begin);
    begin.whenCompleteAsync(
        (step, error) -> {
          if (error != null) {
            result.completeExceptionally(unwrap(error));
            return;
          }
          try (CustomLossStep s = step) {
            if (result.isDone()) {
              return; // cancelled during the forward pass
            }
            s.compute(batch, loss);
            TinkerFuture<ForwardBackwardOutput> finish = finishCustom(s);
            result.follow(finish);
            finish.whenComplete(
                (output, e) -> {
                  if (e != null) {
                    result.completeExceptionally(unwrap(e));
                  } else {
                    result.complete(output);
                  }
                });
          } catch (Throwable t) {
            result.completeExceptionally(t);
          }
        },
        executor)
        .whenComplete(
            (ignored, rejected) -> {
              // Only a rejecting executor gets here: the continuation never ran.
              if (rejected != null) {
                result.completeExceptionally(unwrap(rejected));
                begin.thenAccept(CustomLossStep::close);
              }
            });
    return result;
  }

  private TinkerFuture<CustomLossStep> beginCustom(List<Datum> data) {
    return start(
        (tc, in, out) ->
            TinkerRaw.tinker_training_client_forward_backward_custom_begin_async(tc, in.batch(data), out),
        CustomLossStep::take);
  }

  /** Sends the backward pass; the step's contents are copied before this returns. */
  private TinkerFuture<ForwardBackwardOutput> finishCustom(CustomLossStep step) {
    return start(
        (tc, in, out) ->
            step.use(
                s -> {
                  TinkerRaw.tinker_training_client_forward_backward_custom_finish_async(tc, s, out);
                  return null;
                }),
        ForwardBackwardOutput::take);
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  // ---- T4: optim_step --------------------------------------------------------------------------

  /** T4: one Adam step with the accumulated gradients. */
  public TinkerFuture<OptimStepResult> optimStepAsync(AdamParams params) {
    AdamParams p = params == null ? AdamParams.defaults() : params;
    return start(
        (tc, in, out) -> TinkerRaw.tinker_training_client_optim_step_async(tc, p.toNative(in), out),
        OptimStepResult::take);
  }

  public OptimStepResult optimStep(AdamParams params) {
    return optimStepAsync(params).await();
  }

  // ---- T5–T8: checkpoints ----------------------------------------------------------------------

  /** T5: saves weights and optimizer state as training checkpoint {@code name} (no '/'), kept forever. */
  public TinkerFuture<SaveResult> saveStateAsync(String name) {
    return saveStateAsync(name, null, false);
  }

  /**
   * T5 with a time to live (null or zero: forever) and overwrite (false: a name in use fails
   * with {@link Status#ALREADY_EXISTS}).
   */
  public TinkerFuture<SaveResult> saveStateAsync(String name, Duration ttl, boolean overwrite) {
    long ttlSeconds = seconds(ttl);
    return start(
        (tc, in, out) ->
            TinkerRaw.tinker_training_client_save_state_async(tc, name, ttlSeconds, overwrite ? 1 : 0, out),
        SaveResult::take);
  }

  public SaveResult saveState(String name) {
    return saveStateAsync(name).await();
  }

  public SaveResult saveState(String name, Duration ttl, boolean overwrite) {
    return saveStateAsync(name, ttl, overwrite).await();
  }

  /** T6: loads the weights of a training checkpoint (tinker://.../weights/...); Adam starts afresh. */
  public TinkerFuture<LoadResult> loadStateAsync(String path) {
    return loadStateAsync(path, null);
  }

  /** T6 with a weights access token (null: none). */
  public TinkerFuture<LoadResult> loadStateAsync(String path, String weightsAccessToken) {
    return start(
        (tc, in, out) -> TinkerRaw.tinker_training_client_load_state_async(tc, path, weightsAccessToken, out),
        LoadResult::take);
  }

  public LoadResult loadState(String path) {
    return loadStateAsync(path).await();
  }

  public LoadResult loadState(String path, String weightsAccessToken) {
    return loadStateAsync(path, weightsAccessToken).await();
  }

  /** T7: loads weights and optimizer state. */
  public TinkerFuture<LoadResult> loadStateWithOptimizerAsync(String path) {
    return loadStateWithOptimizerAsync(path, null);
  }

  public TinkerFuture<LoadResult> loadStateWithOptimizerAsync(String path, String weightsAccessToken) {
    return start(
        (tc, in, out) ->
            TinkerRaw.tinker_training_client_load_state_with_optimizer_async(tc, path, weightsAccessToken, out),
        LoadResult::take);
  }

  public LoadResult loadStateWithOptimizer(String path) {
    return loadStateWithOptimizerAsync(path).await();
  }

  public LoadResult loadStateWithOptimizer(String path, String weightsAccessToken) {
    return loadStateWithOptimizerAsync(path, weightsAccessToken).await();
  }

  /** T8: saves the weights for sampling as sampler checkpoint {@code name}, kept forever. */
  public TinkerFuture<SaveResult> saveWeightsForSamplerAsync(String name) {
    return saveWeightsForSamplerAsync(name, null);
  }

  /** T8 with a time to live (null or zero: forever). */
  public TinkerFuture<SaveResult> saveWeightsForSamplerAsync(String name, Duration ttl) {
    long ttlSeconds = seconds(ttl);
    return start(
        (tc, in, out) -> TinkerRaw.tinker_training_client_save_weights_for_sampler_async(tc, name, ttlSeconds, out),
        SaveResult::take);
  }

  public SaveResult saveWeightsForSampler(String name) {
    return saveWeightsForSamplerAsync(name).await();
  }

  public SaveResult saveWeightsForSampler(String name, Duration ttl) {
    return saveWeightsForSamplerAsync(name, ttl).await();
  }

  private static long seconds(Duration ttl) {
    return ttl == null ? 0 : ttl.getSeconds();
  }

  // ---- T9–T12 ----------------------------------------------------------------------------------

  /** T9: what the server says about the model (not ordered with the other operations). */
  public TinkerFuture<ModelInfo> getInfoAsync() {
    return start((tc, in, out) -> TinkerRaw.tinker_training_client_get_info_async(tc, out), ModelInfo::take);
  }

  public ModelInfo getInfo() {
    return getInfoAsync().await();
  }

  /**
   * T10: a sampling client on sampler checkpoint {@code modelPath} (must start with tinker://;
   * anything else throws {@link Status#INVALID_ARGUMENT} from the call). Default retry settings.
   */
  public TinkerFuture<SamplingClient> createSamplingClientAsync(String modelPath) {
    return createSamplingClientAsync(modelPath, null);
  }

  /** T10 with retry settings for the sampling client (null: the defaults). */
  public TinkerFuture<SamplingClient> createSamplingClientAsync(String modelPath, RetryConfig retry) {
    return start(
        (tc, in, out) ->
            TinkerRaw.tinker_training_client_create_sampling_client_async(
                tc, modelPath, RetryConfig.toNative(retry, in), out),
        SamplingClient::take);
  }

  public SamplingClient createSamplingClient(String modelPath) {
    return createSamplingClientAsync(modelPath).await();
  }

  public SamplingClient createSamplingClient(String modelPath, RetryConfig retry) {
    return createSamplingClientAsync(modelPath, retry).await();
  }

  /** T11: saves the current weights as an ephemeral sampler checkpoint and samples from it. */
  public TinkerFuture<SamplingClient> saveWeightsAndGetSamplingClientAsync() {
    return saveWeightsAndGetSamplingClientAsync(null);
  }

  /** T11 with retry settings for the sampling client (null: the defaults). */
  public TinkerFuture<SamplingClient> saveWeightsAndGetSamplingClientAsync(RetryConfig retry) {
    return start(
        (tc, in, out) ->
            TinkerRaw.tinker_training_client_save_weights_and_get_sampling_client_async(
                tc, RetryConfig.toNative(retry, in), out),
        SamplingClient::take);
  }

  public SamplingClient saveWeightsAndGetSamplingClient() {
    return saveWeightsAndGetSamplingClientAsync().await();
  }

  public SamplingClient saveWeightsAndGetSamplingClient(RetryConfig retry) {
    return saveWeightsAndGetSamplingClientAsync(retry).await();
  }

  /** T12: unloads the model from the server; later operations on it fail. */
  public TinkerFuture<Void> unloadModelAsync() {
    return start((tc, in, out) -> TinkerRaw.tinker_training_client_unload_model_async(tc, out), f -> null);
  }

  public void unloadModel() {
    unloadModelAsync().await();
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
