package tinker

import (
	"libtinker.dev/tinker/internal/raw"
)

// Results are copied into plain Go values and the native result is freed at once.

// ForwardBackwardOutput is the result of Forward, ForwardBackward and ForwardBackwardCustom.
type ForwardBackwardOutput struct {
	LossFnOutputType string              // e.g. "ArrayRecord"
	Outputs          []map[string]Tensor // per datum, in input order (e.g. "logprobs")
	Metrics          map[string]float64  // "name:reduction" → value (e.g. "loss:sum")
}

// Logprobs is datum i's "logprobs" output (nil when absent or out of range).
func (o *ForwardBackwardOutput) Logprobs(i int) []float32 {
	if i < 0 || i >= len(o.Outputs) {
		return nil
	}
	return o.Outputs[i]["logprobs"].Float32
}

// OptimStepResult is the result of OptimStep.
type OptimStepResult struct {
	Metrics map[string]float64 // e.g. "grad_norm:mean"
}

// SaveResult is the result of SaveState and SaveWeightsForSampler.
type SaveResult struct {
	Path string // the checkpoint's tinker:// path
}

// LoadResult is the result of LoadState and LoadStateWithOptimizer.
type LoadResult struct {
	Path string // the loaded path, "" when the server did not say
}

// ModelInfo is the result of GetInfo; strings are "" when the server did not say.
type ModelInfo struct {
	ModelID     string
	BaseModel   string
	Arch        string
	TokenizerID string
	IsLoRA      bool
	LoRARank    int64 // -1 when not reported
}

// SamplingClient is a sampling session on a model's weights. Its sampling operations come with
// the sampling API; today it carries its id. Close it when done.
type SamplingClient struct {
	h         *handle[raw.Tinker_sampling_client]
	sessionID string
}

// SamplingSessionID is the server's id of the sampling session.
func (s *SamplingClient) SamplingSessionID() string { return s.sessionID }

// Close releases the client. Idempotent.
func (s *SamplingClient) Close() { s.h.close(nil) }

// ---- copying native results -----------------------------------------------------------------

func readMetrics(m raw.Tinker_metrics) map[string]float64 {
	n := raw.Tinker_metrics_count(m)
	out := make(map[string]float64, n)
	for i := int64(0); i < n; i++ {
		out[raw.Tinker_metrics_name(m, i)] = raw.Tinker_metrics_value(m, i)
	}
	return out
}

func readTensor(t raw.Tinker_tensor) (Tensor, error) {
	out := Tensor{Shape: make([]int64, raw.Tinker_tensor_ndim(t))}
	for d := range out.Shape {
		out.Shape[d] = raw.Tinker_tensor_dim(t, int64(d))
	}
	n := raw.Tinker_tensor_numel(t)
	var written int64
	var err error
	switch dt := raw.Tinker_tensor_dtype(t); dt {
	case raw.TINKER_DTYPE_FLOAT32:
		out.DType, out.Float32 = DTypeFloat32, make([]float32, n)
		err = raw.Tinker_tensor_copy_to_float32(t, out.Float32, &written)
	case raw.TINKER_DTYPE_INT64:
		out.DType, out.Int64 = DTypeInt64, make([]int64, n)
		err = raw.Tinker_tensor_copy_to_int64(t, out.Int64, &written)
	default:
		return Tensor{}, &Error{Code: StatusInternal, Message: "output tensor of unknown dtype " + DType(dt).String()}
	}
	if err != nil {
		return Tensor{}, fromRaw(err)
	}
	return out, nil
}

func readForwardBackwardOutput(o raw.Tinker_forward_backward_output) (*ForwardBackwardOutput, error) {
	n := raw.Tinker_forward_backward_output_num_datums(o)
	out := &ForwardBackwardOutput{
		LossFnOutputType: raw.Tinker_forward_backward_output_loss_fn_output_type(o),
		Outputs:          make([]map[string]Tensor, n),
		Metrics:          readMetrics(raw.Tinker_forward_backward_output_metrics(o)),
	}
	for i := int64(0); i < n; i++ {
		k := raw.Tinker_forward_backward_output_tensor_count(o, i)
		out.Outputs[i] = make(map[string]Tensor, k)
		for j := int64(0); j < k; j++ {
			name := raw.Tinker_forward_backward_output_tensor_name(o, i, j)
			var p uintptr
			if err := raw.Tinker_forward_backward_output_tensor(o, i, name, &p); err != nil {
				return nil, fromRaw(err)
			}
			t, err := readTensor(raw.SwigcptrTinker_tensor(p))
			if err != nil {
				return nil, err
			}
			out.Outputs[i][name] = t
		}
	}
	return out, nil
}

// copied makes the take function of a result kind: take the native result from the finished
// future, copy it with read, free it.
func copied[P, T any](take func(raw.Tinker_future, *uintptr) error, wrap func(uintptr) P,
	free func(P), read func(P) (T, error)) func(raw.Tinker_future) (T, error) {
	return func(f raw.Tinker_future) (T, error) {
		var p uintptr
		if err := take(f, &p); err != nil {
			var zero T
			return zero, fromRaw(err)
		}
		r := wrap(p)
		defer free(r)
		return read(r)
	}
}

var takeForwardBackwardOutput = copied(raw.Tinker_future_take_forward_backward_output,
	func(p uintptr) raw.Tinker_forward_backward_output {
		return raw.SwigcptrTinker_forward_backward_output(p)
	},
	raw.Tinker_forward_backward_output_free, readForwardBackwardOutput)

var takeOptimStepResult = copied(raw.Tinker_future_take_optim_step_result,
	func(p uintptr) raw.Tinker_optim_step_result { return raw.SwigcptrTinker_optim_step_result(p) },
	raw.Tinker_optim_step_result_free,
	func(r raw.Tinker_optim_step_result) (*OptimStepResult, error) {
		return &OptimStepResult{Metrics: readMetrics(raw.Tinker_optim_step_result_metrics(r))}, nil
	})

var takeSaveResult = copied(raw.Tinker_future_take_save_result,
	func(p uintptr) raw.Tinker_save_result { return raw.SwigcptrTinker_save_result(p) },
	raw.Tinker_save_result_free,
	func(r raw.Tinker_save_result) (*SaveResult, error) {
		return &SaveResult{Path: raw.Tinker_save_result_path(r)}, nil
	})

var takeLoadResult = copied(raw.Tinker_future_take_load_result,
	func(p uintptr) raw.Tinker_load_result { return raw.SwigcptrTinker_load_result(p) },
	raw.Tinker_load_result_free,
	func(r raw.Tinker_load_result) (*LoadResult, error) {
		return &LoadResult{Path: raw.Tinker_load_result_path(r)}, nil
	})

var takeModelInfo = copied(raw.Tinker_future_take_model_info,
	func(p uintptr) raw.Tinker_model_info { return raw.SwigcptrTinker_model_info(p) },
	raw.Tinker_model_info_free,
	func(r raw.Tinker_model_info) (*ModelInfo, error) {
		return &ModelInfo{
			ModelID:     raw.Tinker_model_info_model_id(r),
			BaseModel:   raw.Tinker_model_info_base_model(r),
			Arch:        raw.Tinker_model_info_arch(r),
			TokenizerID: raw.Tinker_model_info_tokenizer_id(r),
			IsLoRA:      raw.Tinker_model_info_is_lora(r) != 0,
			LoRARank:    raw.Tinker_model_info_lora_rank(r),
		}, nil
	})

// Client results are handles: the Go value takes ownership instead of copying.

func takeTrainingClient(f raw.Tinker_future) (*TrainingClient, error) {
	var p uintptr
	if err := raw.Tinker_future_take_training_client(f, &p); err != nil {
		return nil, fromRaw(err)
	}
	tc := raw.SwigcptrTinker_training_client(p)
	return &TrainingClient{h: newHandle[raw.Tinker_training_client](tc, raw.Tinker_training_client_free),
		modelID: raw.Tinker_training_client_model_id(tc)}, nil
}

func takeSamplingClient(f raw.Tinker_future) (*SamplingClient, error) {
	var p uintptr
	if err := raw.Tinker_future_take_sampling_client(f, &p); err != nil {
		return nil, fromRaw(err)
	}
	sc := raw.SwigcptrTinker_sampling_client(p)
	return &SamplingClient{h: newHandle[raw.Tinker_sampling_client](sc, raw.Tinker_sampling_client_free),
		sessionID: raw.Tinker_sampling_client_sampling_session_id(sc)}, nil
}
