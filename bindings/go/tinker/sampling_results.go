package tinker

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"libtinker.dev/tinker/internal/raw"
)

// The results of Sample and ComputeLogprobs, copied out of libtinker's results (which are freed at
// once, see copied in training_results.go).

// StopReason says why a sampled sequence ended.
type StopReason string

// The stop reasons a server gives.
const (
	StopReasonStop   StopReason = "stop"   // a stop string or token, or the end of sequence
	StopReasonLength StopReason = "length" // MaxTokens reached
)

// SampledSequence is one sample.
type SampledSequence struct {
	Tokens []int32
	// Logprobs holds one logprob per token; nil when the server sent none.
	Logprobs   []float32
	StopReason StopReason
}

// TokenLogprob is a token with its logprob: one entry of SampleResponse.TopkPromptLogprobs.
type TokenLogprob struct {
	Token   int32
	Logprob float32
}

// SampleResponse is the result of SamplingClient.Sample.
type SampleResponse struct {
	// Sequences are the samples, in the server's order.
	Sequences []SampledSequence
	// PromptLogprobs holds one logprob per prompt token with WithIncludePromptLogprobs (the first
	// position is undefined), else none.
	PromptLogprobs PromptLogprobs
	// TopkPromptLogprobs holds, with WithTopkPromptLogprobs(k), the at most k most likely tokens
	// at each prompt position, most likely first; nil at a position the server has none for (the
	// first, typically). nil without the option.
	TopkPromptLogprobs [][]TokenLogprob
	// PromptCacheHitTokens counts the prompt tokens the server served from its prefix cache.
	PromptCacheHitTokens int64
	// JSON is the result in the legacy JSON form (docs/protocol.md §7.9), for logging.
	JSON string
}

// PromptLogprobs is the logprob of each prompt token given the tokens before it: the result of
// SamplingClient.ComputeLogprobs, and SampleResponse.PromptLogprobs. A position without one (the
// first: its token has nothing before it) is undefined: Defined is false there and Values holds
// NaN. In JSON it is an array with null at the undefined positions, as the server writes it.
type PromptLogprobs struct {
	Values []float32
}

// Len is the number of positions, one per prompt token.
func (p PromptLogprobs) Len() int { return len(p.Values) }

// Defined reports whether position i has a logprob.
func (p PromptLogprobs) Defined(i int) bool {
	return i >= 0 && i < len(p.Values) && !math.IsNaN(float64(p.Values[i]))
}

// At returns the logprob at position i, and false when it is undefined or out of range.
func (p PromptLogprobs) At(i int) (float32, bool) {
	if !p.Defined(i) {
		return 0, false
	}
	return p.Values[i], true
}

// MarshalJSON writes the values as an array with null where undefined, as libtinker and the
// server write it (encoding/json cannot write NaN; a -Inf, which no JSON number can be, is null
// too).
func (p PromptLogprobs) MarshalJSON() ([]byte, error) {
	if p.Values == nil {
		return []byte("null"), nil
	}
	b := []byte{'['}
	for i, v := range p.Values {
		if i > 0 {
			b = append(b, ',')
		}
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendFloat(b, float64(v), 'g', -1, 32)
		}
	}
	return append(b, ']'), nil
}

// UnmarshalJSON reads an array of numbers, with null at the undefined positions.
func (p *PromptLogprobs) UnmarshalJSON(data []byte) error {
	var values []*float32
	if err := json.Unmarshal(data, &values); err != nil {
		return err
	}
	p.Values = nil
	if values != nil {
		p.Values = make([]float32, len(values))
	}
	for i, v := range values {
		p.Values[i] = float32(math.NaN())
		if v != nil {
			p.Values[i] = *v
		}
	}
	return nil
}

// ---- copying native results -----------------------------------------------------------------

func readSampleResponse(r raw.Tinker_sample_response) (*SampleResponse, error) {
	out := &SampleResponse{PromptCacheHitTokens: raw.Tinker_sample_response_prompt_cache_hit_tokens(r)}
	for i := int64(0); i < raw.Tinker_sample_response_sequence_count(r); i++ {
		s, err := readSampledSequence(r, i)
		if err != nil {
			return nil, err
		}
		out.Sequences = append(out.Sequences, s)
	}
	if err := raw.Tinker_sample_response_to_json(r, &out.JSON); err != nil {
		return nil, fromRaw(err)
	}
	if err := readPromptExtras(r, out); err != nil {
		return nil, err
	}
	return out, nil
}

func readSampledSequence(r raw.Tinker_sample_response, i int64) (SampledSequence, error) {
	s := SampledSequence{
		Tokens:     make([]int32, raw.Tinker_sample_response_token_count(r, i)),
		StopReason: StopReason(raw.Tinker_sample_response_stop_reason(r, i)),
	}
	var written int64
	if err := raw.Tinker_sample_response_copy_tokens(r, i, s.Tokens, &written); err != nil {
		return SampledSequence{}, fromRaw(err)
	}
	logprobs := make([]float32, len(s.Tokens))
	switch err := fromRaw(raw.Tinker_sample_response_copy_logprobs(r, i, logprobs, &written)); {
	case err == nil:
		s.Logprobs = logprobs
	case CodeOf(err) != StatusNotFound: // NOT_FOUND: the server sent none, Logprobs stays nil
		return SampledSequence{}, err
	}
	return s, nil
}

// readPromptExtras fills in the prompt logprobs and the top-k entries, when the response has any.
// tinker.h gives their values only as borrowed arrays, which the raw layer does not wrap, so they
// are read from the response's JSON form: its floats round-trip exactly (the shortest text, parsed
// as float32), and a non-finite one, written as null, can only be -Inf (a logprob). The getters
// that are wrapped check the shape.
func readPromptExtras(r raw.Tinker_sample_response, out *SampleResponse) error {
	positions := raw.Tinker_sample_response_prompt_logprob_count(r)
	topkPositions := raw.Tinker_sample_response_topk_position_count(r)
	if positions == 0 && topkPositions == 0 {
		return nil
	}
	var extras struct {
		PromptLogprobs     []*float32    `json:"prompt_logprobs"`
		TopkPromptLogprobs [][]topkEntry `json:"topk_prompt_logprobs"`
	}
	if err := json.Unmarshal([]byte(out.JSON), &extras); err != nil {
		return dataLoss("its JSON form: %v", err)
	}
	if int64(len(extras.PromptLogprobs)) != positions || int64(len(extras.TopkPromptLogprobs)) != topkPositions {
		return dataLoss("%d prompt logprobs and %d top-k positions in the JSON form, %d and %d in the response",
			len(extras.PromptLogprobs), len(extras.TopkPromptLogprobs), positions, topkPositions)
	}
	out.PromptLogprobs = promptLogprobs(r, extras.PromptLogprobs)
	var err error
	out.TopkPromptLogprobs, err = topkPromptLogprobs(r, extras.TopkPromptLogprobs)
	return err
}

// promptLogprobs are the JSON form's prompt logprobs: NaN where the response says undefined, -Inf
// for a defined one written as null.
func promptLogprobs(r raw.Tinker_sample_response, values []*float32) PromptLogprobs {
	if len(values) == 0 {
		return PromptLogprobs{}
	}
	out := PromptLogprobs{Values: make([]float32, len(values))}
	for i, v := range values {
		switch {
		case raw.Tinker_sample_response_prompt_logprob_defined(r, int64(i)) == 0:
			out.Values[i] = float32(math.NaN())
		case v == nil:
			out.Values[i] = float32(math.Inf(-1))
		default:
			out.Values[i] = *v
		}
	}
	return out
}

// topkPromptLogprobs are the JSON form's top-k rows, each as long as the response says.
func topkPromptLogprobs(r raw.Tinker_sample_response, rows [][]topkEntry) ([][]TokenLogprob, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	out := make([][]TokenLogprob, len(rows))
	for pos, row := range rows {
		if n := raw.Tinker_sample_response_topk_count(r, int64(pos)); int64(len(row)) != n {
			return nil, dataLoss("top-k position %d: %d entries in the JSON form, %d in the response", pos, len(row), n)
		}
		for _, e := range row {
			out[pos] = append(out[pos], TokenLogprob(e))
		}
	}
	return out, nil
}

// topkEntry is a top-k cell in the JSON form: [token, logprob], the logprob null when -Inf.
type topkEntry TokenLogprob

func (e *topkEntry) UnmarshalJSON(data []byte) error {
	var cell []*json.Number
	if err := json.Unmarshal(data, &cell); err != nil {
		return err
	}
	if len(cell) != 2 || cell[0] == nil {
		return fmt.Errorf("top-k entry %s is not [token, logprob]", data)
	}
	token, err := strconv.ParseInt(cell[0].String(), 10, 32)
	if err != nil {
		return err
	}
	e.Token, e.Logprob = int32(token), float32(math.Inf(-1))
	if cell[1] != nil {
		lp, err := strconv.ParseFloat(cell[1].String(), 32)
		if err != nil {
			return err
		}
		e.Logprob = float32(lp)
	}
	return nil
}

// dataLoss is a result libtinker decoded that the Go layer cannot read back consistently.
func dataLoss(format string, args ...any) error {
	return &Error{Code: StatusDataLoss, Message: "SampleResponse: " + fmt.Sprintf(format, args...)}
}

func readPromptLogprobs(r raw.Tinker_prompt_logprobs) (*PromptLogprobs, error) {
	out := &PromptLogprobs{Values: make([]float32, raw.Tinker_prompt_logprobs_count(r))}
	var written int64
	if err := raw.Tinker_prompt_logprobs_copy_to(r, out.Values, &written); err != nil {
		return nil, fromRaw(err)
	}
	return out, nil
}

var takeSampleResponse = copied(raw.Tinker_future_take_sample_response,
	func(p uintptr) raw.Tinker_sample_response { return raw.SwigcptrTinker_sample_response(p) },
	raw.Tinker_sample_response_free, readSampleResponse)

var takePromptLogprobs = copied(raw.Tinker_future_take_prompt_logprobs,
	func(p uintptr) raw.Tinker_prompt_logprobs { return raw.SwigcptrTinker_prompt_logprobs(p) },
	raw.Tinker_prompt_logprobs_free, readPromptLogprobs)
