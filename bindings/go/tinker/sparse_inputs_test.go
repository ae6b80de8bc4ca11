package tinker

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"libtinker.dev/tinker/internal/raw"
)

// One datum of 8 target positions; its weights are non-zero at positions 1, 4 and 6.
var (
	sparseInput  = []int32{10, 11, 12, 13, 14, 15, 16, 17}
	sparseTarget = []int64{11, 12, 13, 14, 15, 16, 17, 18}
	sparseValues = []float32{1, 2, 0.5}
	sparseCrow   = []int64{0, 3}
	sparseCol    = []int64{1, 4, 6}
)

// weightedDatum is the datum with its weights as the given tensor.
func weightedDatum(weights Tensor) Datum {
	return Datum{ModelInput: TextInput(sparseInput), LossFnInputs: map[string]Tensor{
		"target_tokens": Int64Tensor(sparseTarget), "weights": weights}}
}

// sparseWeights and denseWeights are the same 1 × 8 matrix.
func sparseWeights() Tensor { return SparseFloat32Tensor(sparseValues, sparseCrow, sparseCol, 1, 8) }

func denseWeights() Tensor {
	dense := make([]float32, 8)
	for k, c := range sparseCol {
		dense[c] = sparseValues[k]
	}
	return Float32Tensor(dense, 1, 8)
}

// recordedTensor is one loss input as the emulator decoded it (GET /_emulator/inputs).
type recordedTensor struct {
	DType       string    `json:"dtype"`
	Shape       []int64   `json:"shape"`
	Data        []float64 `json:"data"`
	CrowIndices []int64   `json:"sparse_crow_indices"`
	ColIndices  []int64   `json:"sparse_col_indices"`
}

// recordInputs makes the emulator keep each model's latest n forward / forward_backward
// requests for the rest of the test.
func recordInputs(t *testing.T, n int) {
	t.Helper()
	emulatorPost(t, "/_emulator/config", fmt.Sprintf(`{"record_inputs": %d}`, n))
	t.Cleanup(func() { emulatorPost(t, "/_emulator/config", `{"record_inputs": 0}`) })
}

// recordedInputs returns the loss inputs of each datum of each recorded request of modelID.
func recordedInputs(t *testing.T, modelID string) [][]map[string]recordedTensor {
	t.Helper()
	var rec struct {
		Requests []struct {
			Data []struct {
				LossFnInputs map[string]recordedTensor `json:"loss_fn_inputs"`
			} `json:"data"`
		} `json:"requests"`
	}
	emulatorGet(t, "/_emulator/inputs?model_id="+url.QueryEscape(modelID), &rec)
	var out [][]map[string]recordedTensor
	for _, r := range rec.Requests {
		var datums []map[string]recordedTensor
		for _, d := range r.Data {
			datums = append(datums, d.LossFnInputs)
		}
		out = append(out, datums)
	}
	return out
}

func TestSparseTensorConstructorsDescribeACSRMatrix(t *testing.T) {
	f := SparseFloat32Tensor(sparseValues, sparseCrow, sparseCol, 1, 8)
	i := SparseInt64Tensor([]int64{5, 6, 7}, sparseCrow, sparseCol, 1, 8)
	for _, tt := range []struct {
		got   Tensor
		dtype DType
	}{{f, DTypeFloat32}, {i, DTypeInt64}} {
		if !tt.got.IsSparse() || tt.got.DType != tt.dtype || tt.got.Len() != 3 ||
			!reflect.DeepEqual(tt.got.Shape, []int64{1, 8}) {
			t.Errorf("sparse %v tensor = %+v, want 3 stored values of dense shape [1 8]", tt.dtype, tt.got)
		}
	}
	if Float32Tensor([]float32{1}).IsSparse() || Int64Tensor([]int64{1}, 1).IsSparse() {
		t.Errorf("a dense tensor reports itself sparse")
	}
}

// The same weights sent sparse and dense give the same loss and, after one optim_step on twin
// runs (same seed), the same model; on the wire they stayed sparse.
func TestSparseWeightsTrainLikeTheirDenseForm(t *testing.T) {
	c := newClient(t)
	ctx := testContext(t)
	sparseRun := newTrainer(t, c, 8, 41)
	denseRun := newTrainer(t, c, 8, 41)
	recordInputs(t, 4)
	sparse, dense := []Datum{weightedDatum(sparseWeights())}, []Datum{weightedDatum(denseWeights())}

	rs := must(sparseRun.ForwardBackward(ctx, sparse, "cross_entropy", nil)).ok(t, "ForwardBackward (sparse)")
	rd := awaited(denseRun.ForwardBackwardAsync(dense, "cross_entropy", nil)).ok(t, "ForwardBackwardAsync (dense)")
	if rd.Metrics["loss:sum"] <= 0 || rs.Metrics["loss:sum"] != rd.Metrics["loss:sum"] {
		t.Fatalf("loss:sum sparse %v, dense %v: want the same positive value", rs.Metrics["loss:sum"], rd.Metrics["loss:sum"])
	}

	sent := recordedInputs(t, sparseRun.ModelID())
	if len(sent) != 1 || len(sent[0]) != 1 {
		t.Fatalf("recorded requests of the sparse run: %+v, want one of one datum", sent)
	}
	w, target := sent[0][0]["weights"], sent[0][0]["target_tokens"]
	wantValues := []float64{1, 2, 0.5}
	if w.DType != "float32" || !reflect.DeepEqual(w.Shape, []int64{1, 8}) || !reflect.DeepEqual(w.Data, wantValues) ||
		!reflect.DeepEqual(w.CrowIndices, sparseCrow) || !reflect.DeepEqual(w.ColIndices, sparseCol) {
		t.Errorf("sparse weights sent as %+v, want float32 values %v, CSR %v / %v, shape [1 8]",
			w, wantValues, sparseCrow, sparseCol)
	}
	if target.DType != "int64" || len(target.Shape) != 0 || len(target.Data) != len(sparseTarget) {
		t.Errorf("target_tokens sent as %+v, want 8 int64 values without a shape (1-D)", target)
	}
	denseSent := recordedInputs(t, denseRun.ModelID())
	if len(denseSent) != 1 || denseSent[0][0]["weights"].ColIndices != nil || len(denseSent[0][0]["weights"].Data) != 8 {
		t.Errorf("dense weights sent as %+v, want 8 values and no CSR indices", denseSent)
	}

	adam := DefaultAdamParams()
	adam.LearningRate = 0.05
	ms := must(sparseRun.OptimStep(ctx, adam)).ok(t, "OptimStep (sparse)")
	md := must(denseRun.OptimStep(ctx, adam)).ok(t, "OptimStep (dense)")
	if md.Metrics["grad_norm:mean"] <= 0 || ms.Metrics["grad_norm:mean"] != md.Metrics["grad_norm:mean"] {
		t.Errorf("grad_norm:mean sparse %v, dense %v: want the same positive value",
			ms.Metrics["grad_norm:mean"], md.Metrics["grad_norm:mean"])
	}
	fs := must(sparseRun.Forward(ctx, dense, "cross_entropy", nil)).ok(t, "Forward (sparse run)")
	fd := must(denseRun.Forward(ctx, dense, "cross_entropy", nil)).ok(t, "Forward (dense run)")
	if d := maxLogprobDiff(fs, fd); d != 0 {
		t.Errorf("after the step the runs' logprobs differ by %v", d)
	}
}

// A malformed CSR layout or a wrong dtype fails the call with StatusInvalidArgument naming the
// datum, the input and the problem; nothing reaches the server and the client stays usable.
func TestMalformedSparseInputIsRejectedBeforeAnythingIsSent(t *testing.T) {
	c := newClient(t)
	ctx := testContext(t)
	tc := newTrainer(t, c, 4, 42)
	good := weightedDatum(sparseWeights())
	cases := []struct {
		name    string
		weights Tensor
		says    string
	}{
		{"column out of range", SparseFloat32Tensor(sparseValues, sparseCrow, []int64{1, 4, 8}, 1, 8),
			"col_indices[2] = 8 is outside [0, 8)"},
		{"negative column", SparseFloat32Tensor(sparseValues, sparseCrow, []int64{1, -1, 6}, 1, 8), "col_indices[1] = -1"},
		{"too many row starts", SparseFloat32Tensor(sparseValues, []int64{0, 1, 3}, sparseCol, 1, 8), "nrows + 1"},
		{"rows not ending at the value count", SparseFloat32Tensor(sparseValues, []int64{0, 2}, sparseCol, 1, 8),
			"must end at the number of values"},
		{"fewer columns than values", SparseFloat32Tensor(sparseValues, sparseCrow, []int64{1, 4}, 1, 8), "col_count"},
		{"not 2-D", Tensor{DType: DTypeFloat32, Float32: sparseValues, Shape: []int64{8},
			CrowIndices: sparseCrow, ColIndices: sparseCol}, "2-D shape"},
		{"columns without row starts", Tensor{DType: DTypeFloat32, Float32: sparseValues, Shape: []int64{1, 8},
			ColIndices: sparseCol}, "crow"},
		{"int64 weights", SparseInt64Tensor([]int64{1, 2, 3}, sparseCrow, sparseCol, 1, 8), "must be float32"},
		{"dtype without its data", Tensor{DType: DTypeFloat32, Int64: []int64{1, 2, 3}, Shape: []int64{1, 8},
			CrowIndices: sparseCrow, ColIndices: sparseCol}, "a float32 tensor with int64 data"},
	}
	for _, tt := range cases {
		data := []Datum{good, weightedDatum(tt.weights)}
		_, err := tc.ForwardBackward(ctx, data, "cross_entropy", nil)
		if CodeOf(err) != StatusInvalidArgument || !strings.Contains(err.Error(), `datum 1: loss_fn_inputs["weights"]`) ||
			!strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: ForwardBackward = %v, want TINKER_E_INVALID_ARGUMENT naming datum 1's weights and saying %q",
				tt.name, err, tt.says)
		}
		if f, err := tc.ForwardBackwardAsync(data, "cross_entropy", nil); CodeOf(err) != StatusInvalidArgument {
			if f != nil {
				f.Close()
			}
			t.Errorf("%s: ForwardBackwardAsync = %v, want TINKER_E_INVALID_ARGUMENT", tt.name, err)
		}
	}
	if n := forwardBackwardRequests(t, tc.ModelID()); n != 0 {
		t.Fatalf("%d forward_backward requests reached the server", n)
	}
	// A correct sparse input of another key may be int64; the client is still usable.
	ok := weightedDatum(sparseWeights())
	ok.LossFnInputs["mask"] = SparseInt64Tensor([]int64{1, 1, 1}, sparseCrow, sparseCol, 1, 8)
	if _, err := tc.Forward(ctx, []Datum{good}, "cross_entropy", nil); err != nil {
		t.Fatalf("Forward after rejected inputs: %v", err)
	}
	b, err := newCBatch([]Datum{ok})
	if err != nil {
		t.Fatalf("a sparse int64 \"mask\" input: %v", err)
	}
	raw.Tinker_batch_free(b)
}
