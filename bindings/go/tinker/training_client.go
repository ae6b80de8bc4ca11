package tinker

import (
	"context"

	"libtinker.dev/tinker/internal/raw"
)

// TrainingClient is a training run (a LoRA model) on the server. It is safe for concurrent use.
// Operations are submitted to the server in call order (each takes the run's next seq_id when
// it is called), so ForwardBackwardAsync followed by OptimStepAsync pipelines a step; results
// arrive in any order. Close it when done: pending operations keep running.
type TrainingClient struct {
	h       *handle[raw.Tinker_training_client]
	modelID string
}

// ModelID is the training run's model id.
func (t *TrainingClient) ModelID() string { return t.modelID }

// Close releases the client. Idempotent.
func (t *TrainingClient) Close() { t.h.close(nil) }

// ---- ServiceClient: creating training clients (S2–S4) ----------------------------------------

// CreateLoraTrainingClientAsync starts creating a LoRA training run on baseModel. Options:
// WithLora, WithRunMetadata.
func (c *ServiceClient) CreateLoraTrainingClientAsync(baseModel string, opts ...TrainingOption) (*Future[*TrainingClient], error) {
	s, err := trainingOptions("CreateLoraTrainingClient", opts, "WithLora", "WithRunMetadata")
	if err != nil {
		return nil, err
	}
	var lora raw.Tinker_lora_config = raw.SwigcptrTinker_lora_config(0) // NULL: tinker.h's defaults
	if s.lora != nil {
		if lora, err = newCLoraConfig(*s.lora); err != nil {
			return nil, err
		}
	}
	defer raw.Tinker_lora_config_free(lora)
	md, err := newCMetadata(s.metadata)
	if err != nil {
		return nil, err
	}
	defer raw.Tinker_metadata_free(md)
	return start(c.h, func(p raw.Tinker_service_client, out *uintptr) error {
		return raw.Tinker_service_client_create_lora_training_client_async(p, baseModel, lora, md, out)
	}, takeTrainingClient)
}

// CreateLoraTrainingClient creates a LoRA training run on baseModel. Options: WithLora,
// WithRunMetadata.
func (c *ServiceClient) CreateLoraTrainingClient(ctx context.Context, baseModel string, opts ...TrainingOption) (*TrainingClient, error) {
	return await(ctx, func() (*Future[*TrainingClient], error) { return c.CreateLoraTrainingClientAsync(baseModel, opts...) })
}

// CreateTrainingClientFromStateAsync starts creating a training run from a training checkpoint
// (tinker://…/weights/…), weights only. Options: WithBaseModel, WithRunMetadata,
// WithWeightsAccessToken.
func (c *ServiceClient) CreateTrainingClientFromStateAsync(path string, opts ...TrainingOption) (*Future[*TrainingClient], error) {
	return c.fromState("CreateTrainingClientFromState", raw.Tinker_service_client_create_training_client_from_state_async, path, opts)
}

// CreateTrainingClientFromState creates a training run from a training checkpoint, weights only.
// Options: WithBaseModel, WithRunMetadata, WithWeightsAccessToken.
func (c *ServiceClient) CreateTrainingClientFromState(ctx context.Context, path string, opts ...TrainingOption) (*TrainingClient, error) {
	return await(ctx, func() (*Future[*TrainingClient], error) { return c.CreateTrainingClientFromStateAsync(path, opts...) })
}

// CreateTrainingClientFromStateWithOptimizerAsync is CreateTrainingClientFromStateAsync that
// restores the optimizer state too.
func (c *ServiceClient) CreateTrainingClientFromStateWithOptimizerAsync(path string, opts ...TrainingOption) (*Future[*TrainingClient], error) {
	return c.fromState("CreateTrainingClientFromStateWithOptimizer",
		raw.Tinker_service_client_create_training_client_from_state_with_optimizer_async, path, opts)
}

// CreateTrainingClientFromStateWithOptimizer creates a training run from a training checkpoint,
// weights and optimizer state. Options as CreateTrainingClientFromState.
func (c *ServiceClient) CreateTrainingClientFromStateWithOptimizer(ctx context.Context, path string, opts ...TrainingOption) (*TrainingClient, error) {
	return await(ctx, func() (*Future[*TrainingClient], error) {
		return c.CreateTrainingClientFromStateWithOptimizerAsync(path, opts...)
	})
}

func (c *ServiceClient) fromState(op string,
	async func(raw.Tinker_service_client, string, string, raw.Tinker_metadata, string, *uintptr) error,
	path string, opts []TrainingOption) (*Future[*TrainingClient], error) {
	s, err := trainingOptions(op, opts, "WithBaseModel", "WithRunMetadata", "WithWeightsAccessToken")
	if err != nil {
		return nil, err
	}
	md, err := newCMetadata(s.metadata)
	if err != nil {
		return nil, err
	}
	defer raw.Tinker_metadata_free(md)
	// "" is NULL for base model and token (libtinker treats both alike).
	return start(c.h, func(p raw.Tinker_service_client, out *uintptr) error {
		return async(p, path, s.baseModel, md, s.accessToken, out)
	}, takeTrainingClient)
}

// ---- TrainingClient operations (T1, T2, T4–T12; T3 is in custom_loss.go) ---------------------

// ForwardAsync starts a forward pass without gradients (T1). lossFn is e.g. "cross_entropy";
// config may be nil.
func (t *TrainingClient) ForwardAsync(data []Datum, lossFn string, config LossFnConfig) (*Future[*ForwardBackwardOutput], error) {
	return t.passAsync(raw.Tinker_training_client_forward_async, data, lossFn, config)
}

// Forward runs a forward pass without gradients (T1).
func (t *TrainingClient) Forward(ctx context.Context, data []Datum, lossFn string, config LossFnConfig) (*ForwardBackwardOutput, error) {
	return await(ctx, func() (*Future[*ForwardBackwardOutput], error) { return t.ForwardAsync(data, lossFn, config) })
}

// ForwardBackwardAsync starts a forward and backward pass (T2); gradients accumulate on the
// server until OptimStep.
func (t *TrainingClient) ForwardBackwardAsync(data []Datum, lossFn string, config LossFnConfig) (*Future[*ForwardBackwardOutput], error) {
	return t.passAsync(raw.Tinker_training_client_forward_backward_async, data, lossFn, config)
}

// ForwardBackward runs a forward and backward pass (T2).
func (t *TrainingClient) ForwardBackward(ctx context.Context, data []Datum, lossFn string, config LossFnConfig) (*ForwardBackwardOutput, error) {
	return await(ctx, func() (*Future[*ForwardBackwardOutput], error) { return t.ForwardBackwardAsync(data, lossFn, config) })
}

func (t *TrainingClient) passAsync(
	async func(raw.Tinker_training_client, raw.Tinker_batch, string, raw.Tinker_loss_fn_config, *uintptr) error,
	data []Datum, lossFn string, config LossFnConfig) (*Future[*ForwardBackwardOutput], error) {
	batch, err := newCBatch(data)
	if err != nil {
		return nil, err
	}
	defer raw.Tinker_batch_free(batch)
	cfg, err := newCLossFnConfig(config)
	if err != nil {
		return nil, err
	}
	defer raw.Tinker_loss_fn_config_free(cfg)
	return start(t.h, func(p raw.Tinker_training_client, out *uintptr) error {
		return async(p, batch, lossFn, cfg, out)
	}, takeForwardBackwardOutput)
}

// OptimStepAsync starts one Adam step with the accumulated gradients (T4).
func (t *TrainingClient) OptimStepAsync(params AdamParams) (*Future[*OptimStepResult], error) {
	cp, err := newCAdamParams(params)
	if err != nil {
		return nil, err
	}
	defer raw.Tinker_adam_params_free(cp)
	return start(t.h, func(p raw.Tinker_training_client, out *uintptr) error {
		return raw.Tinker_training_client_optim_step_async(p, cp, out)
	}, takeOptimStepResult)
}

// OptimStep runs one Adam step with the accumulated gradients (T4).
func (t *TrainingClient) OptimStep(ctx context.Context, params AdamParams) (*OptimStepResult, error) {
	return await(ctx, func() (*Future[*OptimStepResult], error) { return t.OptimStepAsync(params) })
}

// SaveStateAsync starts saving weights and optimizer state as training checkpoint name (T5).
// Options: WithTTL, WithOverwrite.
func (t *TrainingClient) SaveStateAsync(name string, opts ...TrainingOption) (*Future[*SaveResult], error) {
	s, err := trainingOptions("SaveState", opts, "WithTTL", "WithOverwrite")
	if err != nil {
		return nil, err
	}
	return start(t.h, func(p raw.Tinker_training_client, out *uintptr) error {
		return raw.Tinker_training_client_save_state_async(p, name, s.ttlSeconds(), boolInt(s.overwrite), out)
	}, takeSaveResult)
}

// SaveState saves weights and optimizer state as training checkpoint name (T5). Options:
// WithTTL, WithOverwrite.
func (t *TrainingClient) SaveState(ctx context.Context, name string, opts ...TrainingOption) (*SaveResult, error) {
	return await(ctx, func() (*Future[*SaveResult], error) { return t.SaveStateAsync(name, opts...) })
}

// LoadStateAsync starts loading weights from a training checkpoint path (T6). Options:
// WithWeightsAccessToken.
func (t *TrainingClient) LoadStateAsync(path string, opts ...TrainingOption) (*Future[*LoadResult], error) {
	return t.load("LoadState", raw.Tinker_training_client_load_state_async, path, opts)
}

// LoadState loads weights from a training checkpoint path (T6). Options: WithWeightsAccessToken.
func (t *TrainingClient) LoadState(ctx context.Context, path string, opts ...TrainingOption) (*LoadResult, error) {
	return await(ctx, func() (*Future[*LoadResult], error) { return t.LoadStateAsync(path, opts...) })
}

// LoadStateWithOptimizerAsync starts loading weights and optimizer state (T7). Options:
// WithWeightsAccessToken.
func (t *TrainingClient) LoadStateWithOptimizerAsync(path string, opts ...TrainingOption) (*Future[*LoadResult], error) {
	return t.load("LoadStateWithOptimizer", raw.Tinker_training_client_load_state_with_optimizer_async, path, opts)
}

// LoadStateWithOptimizer loads weights and optimizer state (T7). Options: WithWeightsAccessToken.
func (t *TrainingClient) LoadStateWithOptimizer(ctx context.Context, path string, opts ...TrainingOption) (*LoadResult, error) {
	return await(ctx, func() (*Future[*LoadResult], error) { return t.LoadStateWithOptimizerAsync(path, opts...) })
}

func (t *TrainingClient) load(op string, async func(raw.Tinker_training_client, string, string, *uintptr) error,
	path string, opts []TrainingOption) (*Future[*LoadResult], error) {
	s, err := trainingOptions(op, opts, "WithWeightsAccessToken")
	if err != nil {
		return nil, err
	}
	return start(t.h, func(p raw.Tinker_training_client, out *uintptr) error {
		return async(p, path, s.accessToken, out)
	}, takeLoadResult)
}

// SaveWeightsForSamplerAsync starts saving the weights as sampler checkpoint name (T8); saving a
// name again replaces it. Options: WithTTL.
func (t *TrainingClient) SaveWeightsForSamplerAsync(name string, opts ...TrainingOption) (*Future[*SaveResult], error) {
	s, err := trainingOptions("SaveWeightsForSampler", opts, "WithTTL")
	if err != nil {
		return nil, err
	}
	return start(t.h, func(p raw.Tinker_training_client, out *uintptr) error {
		return raw.Tinker_training_client_save_weights_for_sampler_async(p, name, s.ttlSeconds(), out)
	}, takeSaveResult)
}

// SaveWeightsForSampler saves the weights as sampler checkpoint name (T8). Options: WithTTL.
func (t *TrainingClient) SaveWeightsForSampler(ctx context.Context, name string, opts ...TrainingOption) (*SaveResult, error) {
	return await(ctx, func() (*Future[*SaveResult], error) { return t.SaveWeightsForSamplerAsync(name, opts...) })
}

// GetInfoAsync starts fetching the model information (T9; not ordered with other operations).
func (t *TrainingClient) GetInfoAsync() (*Future[*ModelInfo], error) {
	return start(t.h, raw.Tinker_training_client_get_info_async, takeModelInfo)
}

// GetInfo returns the model information (T9).
func (t *TrainingClient) GetInfo(ctx context.Context) (*ModelInfo, error) {
	return await(ctx, t.GetInfoAsync)
}

// CreateSamplingClientAsync starts creating a sampling client on a sampler checkpoint
// (modelPath must start with tinker://) (T10). Options: WithRetryConfig.
func (t *TrainingClient) CreateSamplingClientAsync(modelPath string, opts ...TrainingOption) (*Future[*SamplingClient], error) {
	return t.samplingClient("CreateSamplingClient", opts, func(p raw.Tinker_training_client, retry raw.Tinker_retry_config, out *uintptr) error {
		return raw.Tinker_training_client_create_sampling_client_async(p, modelPath, retry, out)
	})
}

// CreateSamplingClient creates a sampling client on a sampler checkpoint (T10). Options:
// WithRetryConfig.
func (t *TrainingClient) CreateSamplingClient(ctx context.Context, modelPath string, opts ...TrainingOption) (*SamplingClient, error) {
	return await(ctx, func() (*Future[*SamplingClient], error) { return t.CreateSamplingClientAsync(modelPath, opts...) })
}

// SaveWeightsAndGetSamplingClientAsync starts saving the current weights as an ephemeral sampler
// checkpoint and opening a sampling client on them (T11). Options: WithRetryConfig.
func (t *TrainingClient) SaveWeightsAndGetSamplingClientAsync(opts ...TrainingOption) (*Future[*SamplingClient], error) {
	return t.samplingClient("SaveWeightsAndGetSamplingClient", opts,
		raw.Tinker_training_client_save_weights_and_get_sampling_client_async)
}

// SaveWeightsAndGetSamplingClient saves the current weights as an ephemeral sampler checkpoint
// and returns a sampling client on them (T11). Options: WithRetryConfig.
func (t *TrainingClient) SaveWeightsAndGetSamplingClient(ctx context.Context, opts ...TrainingOption) (*SamplingClient, error) {
	return await(ctx, func() (*Future[*SamplingClient], error) { return t.SaveWeightsAndGetSamplingClientAsync(opts...) })
}

// samplingClient starts T10 / T11 with the retry settings of opts, built for this call (libtinker
// copies them) and freed before it returns.
func (t *TrainingClient) samplingClient(op string, opts []TrainingOption,
	async func(raw.Tinker_training_client, raw.Tinker_retry_config, *uintptr) error) (*Future[*SamplingClient], error) {
	s, err := trainingOptions(op, opts, "WithRetryConfig")
	if err != nil {
		return nil, err
	}
	retry, err := newCRetryConfig(s.retry)
	if err != nil {
		return nil, within(op, err)
	}
	defer raw.Tinker_retry_config_free(retry)
	return start(t.h, func(p raw.Tinker_training_client, out *uintptr) error {
		return async(p, retry, out)
	}, takeSamplingClient)
}

// UnloadModelAsync starts unloading the model from the server (T12); later operations on it fail.
func (t *TrainingClient) UnloadModelAsync() (*Future[struct{}], error) {
	return start(t.h, raw.Tinker_training_client_unload_model_async, takeNothing)
}

// UnloadModel unloads the model from the server (T12).
func (t *TrainingClient) UnloadModel(ctx context.Context) error {
	_, err := await(ctx, t.UnloadModelAsync)
	return err
}
