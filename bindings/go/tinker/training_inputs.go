package tinker

import (
	"fmt"
	"sort"

	"libtinker.dev/tinker/internal/raw"
)

// Training inputs are plain Go values. Each operation converts them into libtinker's builders
// inside the call (the raw layer copies every slice into memory the builder owns) and frees
// the builders before it returns, so the caller's slices are never retained.

// DType is a tensor's element type; the numbers are tinker.h's.
type DType int

// Tensor element types.
const (
	DTypeFloat32 DType = 1
	DTypeInt64   DType = 2
)

func (d DType) String() string {
	switch d {
	case DTypeFloat32:
		return "float32"
	case DTypeInt64:
		return "int64"
	default:
		return fmt.Sprintf("DType(%d)", int(d))
	}
}

// Tensor is a float32 or int64 array: a loss-function input of a Datum, or one output of
// forward / forward_backward. Exactly the slice matching DType holds the data.
//
// A loss input may be sparse: a 2-D matrix in CSR form (SparseFloat32Tensor,
// SparseInt64Tensor). The data slice then holds only the stored values, row by row; the values of
// row r are data[CrowIndices[r]:CrowIndices[r+1]], in the columns given by ColIndices; Shape is
// the dense shape [nrows, ncols]. libtinker checks the layout when the tensor is converted and
// sends it sparse (nothing is densified). Outputs are always dense.
type Tensor struct {
	DType   DType
	Float32 []float32
	Int64   []int64
	Shape   []int64 // nil: one dimension of Len() elements (dense only)

	CrowIndices []int64 // sparse: nrows+1 row starts, from 0 to Len(); nil for a dense tensor
	ColIndices  []int64 // sparse: the column of each stored value, in [0, ncols)
}

// Float32Tensor is a float32 tensor; no shape means flat.
func Float32Tensor(data []float32, shape ...int64) Tensor {
	return Tensor{DType: DTypeFloat32, Float32: data, Shape: shape}
}

// Int64Tensor is an int64 tensor; no shape means flat.
func Int64Tensor(data []int64, shape ...int64) Tensor {
	return Tensor{DType: DTypeInt64, Int64: data, Shape: shape}
}

// SparseFloat32Tensor is an nrows × ncols float32 matrix in CSR form: values are the stored
// (non-zero) elements row by row, crowIndices the nrows+1 offsets where each row starts in values
// (the last one is len(values)), colIndices the column of each value.
func SparseFloat32Tensor(values []float32, crowIndices, colIndices []int64, nrows, ncols int64) Tensor {
	return Tensor{DType: DTypeFloat32, Float32: values, Shape: []int64{nrows, ncols},
		CrowIndices: crowIndices, ColIndices: colIndices}
}

// SparseInt64Tensor is SparseFloat32Tensor for int64 values.
func SparseInt64Tensor(values []int64, crowIndices, colIndices []int64, nrows, ncols int64) Tensor {
	return Tensor{DType: DTypeInt64, Int64: values, Shape: []int64{nrows, ncols},
		CrowIndices: crowIndices, ColIndices: colIndices}
}

// IsSparse reports whether the tensor is in CSR form (it has row or column indices).
func (t Tensor) IsSparse() bool { return t.CrowIndices != nil || t.ColIndices != nil }

// Len is the number of elements held: for a sparse tensor, the number of stored values.
func (t Tensor) Len() int {
	if t.DType == DTypeInt64 {
		return len(t.Int64)
	}
	return len(t.Float32)
}

// Chunk is one piece of a ModelInput: EncodedText, EncodedTextInt64, Image or
// ImageAssetPointer.
type Chunk interface {
	addTo(raw.Tinker_model_input) error
}

// EncodedText is a chunk of token ids.
type EncodedText struct{ Tokens []int32 }

// EncodedTextInt64 is a chunk of token ids given as int64 (each must fit int32; checked when the
// input is encoded).
type EncodedTextInt64 struct{ Tokens []int64 }

// UnknownTokens is the ExpectedTokens of an image whose length in tokens is not known; the
// length of a ModelInput holding it is then unknown too.
const UnknownTokens int32 = -1

// Image is a chunk of PNG or JPEG bytes.
type Image struct {
	Data           []byte
	Format         string // "png" or "jpeg"
	ExpectedTokens int32  // its length in tokens, or UnknownTokens
}

// ImageAssetPointer is an image chunk given by path or URL. It has no protobuf form: forward /
// forward_backward with one fails in the default (protobuf) wire mode.
type ImageAssetPointer struct {
	Location       string
	Format         string // "png" or "jpeg"
	ExpectedTokens int32  // its length in tokens, or UnknownTokens
}

func (c EncodedText) addTo(m raw.Tinker_model_input) error {
	return raw.Tinker_model_input_add_text_int32(m, c.Tokens)
}

func (c EncodedTextInt64) addTo(m raw.Tinker_model_input) error {
	return raw.Tinker_model_input_add_text_int64(m, c.Tokens)
}

func (c Image) addTo(m raw.Tinker_model_input) error {
	return raw.Tinker_model_input_add_image(m, c.Data, c.Format, int(c.ExpectedTokens))
}

func (c ImageAssetPointer) addTo(m raw.Tinker_model_input) error {
	return raw.Tinker_model_input_add_image_asset_pointer(m, c.Location, c.Format, int(c.ExpectedTokens))
}

// ModelInput is the sequence of chunks a model reads.
type ModelInput struct {
	Chunks []Chunk
}

// TextInput is a model input of one encoded-text chunk.
func TextInput(tokens []int32) ModelInput {
	return ModelInput{Chunks: []Chunk{EncodedText{Tokens: tokens}}}
}

// Length is the input's length in tokens. It fails (StatusFailedPrecondition) when an image
// chunk has UnknownTokens, and like the operations for invalid chunks.
func (m ModelInput) Length() (int64, error) {
	in, err := newCModelInput(m)
	if err != nil {
		return 0, err
	}
	defer raw.Tinker_model_input_free(in)
	var n int64
	if err := raw.Tinker_model_input_length(in, &n); err != nil {
		return 0, fromRaw(err)
	}
	return n, nil
}

// Datum is one training example: a model input plus named loss-function inputs. tinker.h's key
// rules apply: "target_tokens" is int64; "weights", "advantages", "logprobs",
// "clip_low_threshold" and "clip_high_threshold" are float32; other names take either.
type Datum struct {
	ModelInput   ModelInput
	LossFnInputs map[string]Tensor
}

// LossFnConfig holds a loss function's named parameters (e.g. PPO clip thresholds).
type LossFnConfig map[string]float64

// The builders' values (AdamParams, LoraConfig, RetryConfig), their defaults and their conversion
// are generated from the registry (builders_gen.go).

// ---- conversion into C builders -----------------------------------------------------------

// invalidInput is an error in the caller's Go values, found before anything is sent. Like the
// argument errors libtinker finds itself, it has no server category (CategoryUnknown).
func invalidInput(format string, args ...any) error {
	return &Error{Code: StatusInvalidArgument, Message: fmt.Sprintf(format, args...)}
}

// within says where in the caller's input an error was found ("datum 2: ...").
func within(where string, err error) error {
	if e, ok := err.(*Error); ok {
		c := *e
		c.Message = where + ": " + c.Message
		return &c
	}
	return fmt.Errorf("%s: %w", where, err)
}

func newCModelInput(m ModelInput) (raw.Tinker_model_input, error) {
	var p uintptr
	if err := raw.Tinker_model_input_new(&p); err != nil {
		return nil, fromRaw(err)
	}
	in := raw.SwigcptrTinker_model_input(p)
	for i, c := range m.Chunks {
		var err error
		if c == nil {
			err = invalidInput("nil chunk")
		} else {
			err = fromRaw(c.addTo(in))
		}
		if err != nil {
			raw.Tinker_model_input_free(in)
			return nil, within(fmt.Sprintf("chunk %d", i), err)
		}
	}
	return in, nil
}

// addCTensor adds one loss input. The dtype / data check is the same for both forms; the key →
// dtype rules and the CSR layout are libtinker's checks, so their messages name the C function.
func addCTensor(d raw.Tinker_datum, name string, t Tensor) error {
	switch {
	case t.DType != DTypeFloat32 && t.DType != DTypeInt64:
		return invalidInput("unknown dtype %v", t.DType)
	case t.DType == DTypeFloat32 && t.Int64 != nil, t.DType == DTypeInt64 && t.Float32 != nil:
		return invalidInput("a %v tensor with %v data", t.DType, otherDType(t.DType))
	case t.IsSparse() && t.DType == DTypeFloat32:
		return fromRaw(raw.Tinker_datum_add_sparse_tensor_float32(d, name, t.Float32, t.CrowIndices, t.ColIndices, t.Shape))
	case t.IsSparse():
		return fromRaw(raw.Tinker_datum_add_sparse_tensor_int64(d, name, t.Int64, t.CrowIndices, t.ColIndices, t.Shape))
	case t.DType == DTypeFloat32:
		return fromRaw(raw.Tinker_datum_add_tensor_float32(d, name, t.Float32, t.Shape))
	default:
		return fromRaw(raw.Tinker_datum_add_tensor_int64(d, name, t.Int64, t.Shape))
	}
}

func otherDType(d DType) DType {
	if d == DTypeFloat32 {
		return DTypeInt64
	}
	return DTypeFloat32
}

func addCDatum(b raw.Tinker_batch, d *Datum) error {
	in, err := newCModelInput(d.ModelInput)
	if err != nil {
		return err
	}
	defer raw.Tinker_model_input_free(in)
	var p uintptr
	if err := raw.Tinker_datum_new(&p, in); err != nil {
		return fromRaw(err)
	}
	cd := raw.SwigcptrTinker_datum(p)
	defer raw.Tinker_datum_free(cd)
	for _, name := range sortedKeys(d.LossFnInputs) {
		if err := addCTensor(cd, name, d.LossFnInputs[name]); err != nil {
			return within(fmt.Sprintf("loss_fn_inputs[%q]", name), err)
		}
	}
	return fromRaw(raw.Tinker_batch_add(b, cd))
}

// newCBatch builds a C batch; the caller frees it with raw.Tinker_batch_free once the operation
// was started (operations encode their inputs before they return).
func newCBatch(data []Datum) (raw.Tinker_batch, error) {
	var p uintptr
	if err := raw.Tinker_batch_new(&p); err != nil {
		return nil, fromRaw(err)
	}
	b := raw.SwigcptrTinker_batch(p)
	for i := range data {
		if err := addCDatum(b, &data[i]); err != nil {
			raw.Tinker_batch_free(b)
			return nil, within(fmt.Sprintf("datum %d", i), err)
		}
	}
	return b, nil
}

// newCLossFnConfig builds a C config, or returns a NULL handle for an empty one.
func newCLossFnConfig(c LossFnConfig) (raw.Tinker_loss_fn_config, error) {
	if len(c) == 0 {
		return raw.SwigcptrTinker_loss_fn_config(0), nil
	}
	var p uintptr
	if err := raw.Tinker_loss_fn_config_new(&p); err != nil {
		return nil, fromRaw(err)
	}
	cc := raw.SwigcptrTinker_loss_fn_config(p)
	for _, k := range sortedKeys(c) {
		if err := raw.Tinker_loss_fn_config_set(cc, k, c[k]); err != nil {
			raw.Tinker_loss_fn_config_free(cc)
			return nil, within(fmt.Sprintf("loss_fn_config[%q]", k), fromRaw(err))
		}
	}
	return cc, nil
}

// newCMetadata builds C metadata, or returns a NULL handle for none.
func newCMetadata(m map[string]string) (raw.Tinker_metadata, error) {
	if len(m) == 0 {
		return raw.SwigcptrTinker_metadata(0), nil
	}
	var p uintptr
	if err := raw.Tinker_metadata_new(&p); err != nil {
		return nil, fromRaw(err)
	}
	cm := raw.SwigcptrTinker_metadata(p)
	for _, k := range sortedKeys(m) {
		if err := raw.Tinker_metadata_set(cm, k, m[k]); err != nil {
			raw.Tinker_metadata_free(cm)
			return nil, within(fmt.Sprintf("user_metadata[%q]", k), fromRaw(err))
		}
	}
	return cm, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sortedKeys makes conversions deterministic (Go randomises map order).
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
