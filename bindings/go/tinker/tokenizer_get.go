package tinker

import "libtinker.dev/tinker/internal/raw"

// takeTokenizer takes the tokenizer a finished T13 / P4 future holds (TrainingClient.GetTokenizer,
// SamplingClient.GetTokenizer): the Go value owns it, and it does not depend on the client.
func takeTokenizer(f raw.Tinker_future) (*Tokenizer, error) {
	var p uintptr
	if err := raw.Tinker_future_take_tokenizer(f, &p); err != nil {
		return nil, fromRaw(err)
	}
	return newTokenizer(p), nil
}
