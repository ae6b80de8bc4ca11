package tinker

import (
	"encoding/json"
	"strings"

	"libtinker.dev/tinker/internal/raw"
)

// Results are copied into plain Go values and the native result is freed at once. The registry's
// results with a message are generated (results_gen.go); the forward/backward output, whose
// tensors no message describes, is copied here, as are the client handles (training_client.go,
// sampling_client.go) and the custom-loss step (custom_loss_step.go).

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

// ---- copying native results -----------------------------------------------------------------

func readMetrics(m raw.Tinker_metrics) map[string]float64 {
	n := raw.Tinker_metrics_count(m)
	out := make(map[string]float64, n)
	for i := int64(0); i < n; i++ {
		out[raw.Tinker_metrics_name(m, i)] = raw.Tinker_metrics_value(m, i)
	}
	return out
}

// readStringMap copies the string map a result lends (a training run's or a billing session's
// user metadata); never nil, empty when the server sent none.
func readStringMap(m raw.Tinker_metadata) map[string]string {
	n := raw.Tinker_metadata_count(m)
	out := make(map[string]string, n)
	for i := int64(0); i < n; i++ {
		out[raw.Tinker_metadata_key(m, i)] = raw.Tinker_metadata_value(m, i)
	}
	return out
}

// setItemJSON gives each of the n items of a list that are results of their own (the runs of a
// TrainingRunList) its part of the list's JSON: set(i, the JSON of item i), the items being the
// array at the dotted path in doc.
func setItemJSON(doc, path string, n int, set func(i int, s string)) error {
	fail := func(why string) error {
		return &Error{Code: StatusInternal, Message: "the JSON of a result: " + path + " " + why}
	}
	v := json.RawMessage(doc)
	for _, key := range strings.Split(path, ".") {
		var members map[string]json.RawMessage
		if err := json.Unmarshal(v, &members); err != nil {
			return fail("is not inside an object")
		}
		v = members[key]
	}
	if v == nil && n == 0 {
		return nil // an empty list may be left out
	}
	var items []json.RawMessage
	if err := json.Unmarshal(v, &items); err != nil || len(items) != n {
		return fail("does not hold the list's items")
	}
	for i, item := range items {
		set(i, string(item))
	}
	return nil
}

// optionalBool is a C getter's -1 (the server did not say), 0 or 1 as nil, false or true.
func optionalBool(v int) *bool {
	if v < 0 {
		return nil
	}
	b := v != 0
	return &b
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
